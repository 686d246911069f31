package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/storetest"
)

// TestImportByAnotherProcess: a CLI import into the database of a running
// store is matched once the hotlist job notices it.
func TestImportByAnotherProcess(t *testing.T) {
	env := storetest.StartWith(t, store.Config{HotlistEvery: 20 * time.Millisecond, AlertKeepAlive: time.Second})
	st, err := open.Open(context.Background(), env.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	adm := &store.Admin{St: st, Actor: "cli:other"}
	csv := "plate,state,vehicle_description,reason,source_id\n6CLI001,CA,red pickup,Stolen plate,DOJ-5\n"
	_, err = adm.ImportHotlist(context.Background(), api.ListStolenPlates, "plates.csv", strings.NewReader(csv))
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := subscribe(t, env, env.Login(t, "detective"), "")
	deadline := time.Now().Add(5 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		env.Ingest(t, read(env, "p-"+itoa(i), "6CLI001", time.Second), nil)
		if len(s.got()) > 0 {
			if a := s.got()[0]; a.List != api.ListStolenPlates || a.Entry.ReportNumber != "DOJ-5" {
				t.Fatalf("alert = %+v", a)
			}
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatal("the running store never matched the imported list")
}

// TestAlertsPurgedWithTheirReads: an alert carries its read, so it goes
// when retention purges the read.
func TestAlertsPurgedWithTheirReads(t *testing.T) {
	env := startHotlists(t)
	approved(t, env, "detective", hotReq("7ABC123", api.ListAlert))
	env.Ingest(t, read(env, "old-1", "7ABC123", time.Second), nil)
	tok := env.Login(t, "detective")
	if got := subscribe(t, env, tok, "al_0").wait(t, 1); got[0].Read.ID != "old-1" {
		t.Fatalf("stored alert: %+v", got)
	}
	env.Clock.Advance(31 * 24 * time.Hour)
	ctx := context.Background()
	if n, err := env.Server.Purge(ctx); err != nil || n != 1 {
		t.Fatalf("purge: %d %v", n, err)
	}
	if _, err := env.Server.ExpireHotlists(ctx); err != nil {
		t.Fatal(err)
	}
	s := subscribe(t, env, env.Login(t, "detective"), "al_0")
	time.Sleep(250 * time.Millisecond)
	if got := s.got(); len(got) != 0 {
		t.Fatalf("alerts after purge: %+v", got)
	}
}

// TestStreamEndsWithItsToken: a stream ends once its access token has
// expired, so that the client refreshes and resumes.
func TestStreamEndsWithItsToken(t *testing.T) {
	env := startHotlists(t)
	s := subscribe(t, env, env.Login(t, "watch_commander"), "")
	env.Clock.Advance(store.AccessTTL + time.Minute)
	select {
	case <-s.done:
	case <-time.After(3 * time.Second):
		t.Fatal("the stream outlived its token")
	}
	if bad := subscribe(t, env, "at_not-a-token", ""); bad.status != http.StatusUnauthorized {
		t.Errorf("stream without a valid token: %d", bad.status)
	}
}

// TestHotlistRequestIdempotency: a retried request with the same key is
// filed once.
func TestHotlistRequestIdempotency(t *testing.T) {
	env := startHotlists(t)
	tok := env.Login(t, "detective")
	body, _ := json.Marshal(hotReq("7ABC123", api.ListAlert))
	var ids []string
	for i := 0; i < 2; i++ {
		req, _ := http.NewRequest("POST", env.URL+"/v1/hotlist-requests", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set(api.HeaderIdempotencyKey, "5b0e1c9e-4a7e-4c55-9a51-1d7c3c2f0a11")
		resp, err := env.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var r api.HotlistRequest
		json.NewDecoder(resp.Body).Decode(&r)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Fatalf("status %d", resp.StatusCode)
		}
		ids = append(ids, r.ID)
	}
	var mine []api.HotlistRequest
	env.Do(t, "GET", "/v1/hotlist-requests", tok, nil, http.StatusOK, &mine)
	if ids[0] != ids[1] || len(mine) != 1 {
		t.Fatalf("ids %v, requests %d", ids, len(mine))
	}
}
