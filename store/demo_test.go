package store_test

import (
	"bytes"
	"context"
	"fmt"
	"image/jpeg"
	"net/http"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/storetest"
)

func TestDemoStore(t *testing.T) {
	env := storetest.StartDemo(t, 7, 20000)
	tok := env.Login(t, "detective")
	var me api.User
	env.Do(t, "GET", "/v1/me", tok, nil, http.StatusOK, &me)
	if !me.Demo || me.Role != api.RoleDetective {
		t.Fatalf("me = %+v", me)
	}
	var cams []api.Camera
	env.Do(t, "GET", "/v1/cameras", tok, nil, http.StatusOK, &cams)
	if len(cams) < 50 {
		t.Fatalf("%d demo cameras", len(cams))
	}
	var ex api.Exercises
	env.Do(t, "GET", "/v1/training/exercises", tok, nil, http.StatusOK, &ex)
	for _, e := range ex.Exercises {
		if e.Answer != "" {
			t.Fatalf("a detective sees the answer of %s", e.ID)
		}
	}
	trainer := env.Login(t, "trainer")
	env.Do(t, "GET", "/v1/training/exercises", trainer, nil, http.StatusOK, &ex)
	if len(ex.Exercises) < 6 || ex.Exercises[0].Answer == "" {
		t.Fatalf("trainer exercises = %+v", ex)
	}
	// Demo reads have no stored photo: the world draws it.
	var res api.SearchResponse
	from, to := env.Clock.Now().Add(-48*time.Hour), env.Clock.Now()
	env.Do(t, "POST", "/v1/searches", tok, api.SearchRequest{CaseContext: storetest.Case, From: &from, To: &to,
		CameraIDs: []string{cams[0].ID, cams[1].ID, cams[2].ID, cams[3].ID}, Limit: 1}, http.StatusOK, &res)
	if len(res.Results) == 0 {
		t.Fatal("no demo reads at four cameras in two days")
	}
	raw := env.Do(t, "GET", "/v1/reads/"+res.Results[0].ID+"/photo?search_id="+res.SearchID, tok, nil, http.StatusOK, nil)
	img, err := jpeg.Decode(bytes.NewReader(raw))
	if err != nil || img.Bounds().Dx() != 640 || img.Bounds().Dy() != 360 {
		t.Fatalf("demo photo: %v %v", img.Bounds(), err)
	}
	var pol api.Policy
	env.Do(t, "GET", "/v1/policy", tok, nil, http.StatusOK, &pol)
	if !pol.Demo {
		t.Fatal("policy of a demo store must say demo")
	}
}

func TestDemoLiveIngestsThroughTheStore(t *testing.T) {
	env := storetest.StartWith(t, store.Config{Demo: true, DemoSeed: 3, DemoReads: 20000, DemoLive: true, DemoLiveRate: 40})
	start := env.Clock.Now()
	tok := env.Login(t, "detective")
	var cams []api.Camera
	env.Do(t, "GET", "/v1/cameras", tok, nil, http.StatusOK, &cams)
	var camIDs []string
	for _, c := range cams {
		camIDs = append(camIDs, c.ID)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		from, to := start, env.Clock.Now().Add(time.Minute)
		var res api.SearchResponse
		env.Do(t, "POST", "/v1/searches", tok, api.SearchRequest{CaseContext: storetest.Case, From: &from, To: &to, CameraIDs: camIDs}, http.StatusOK, &res)
		if res.Total > 0 {
			photo := env.Do(t, "GET", "/v1/reads/"+res.Results[0].ID+"/photo?search_id="+res.SearchID, tok, nil, http.StatusOK, nil)
			if len(photo) < 1000 {
				t.Fatalf("live photo of %d bytes", len(photo))
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatal("no live read arrived in 10 s")
		}
		time.Sleep(200 * time.Millisecond)
	}
}

func TestDemoDatabaseIsCached(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("HOME", t.TempDir())
	start := func() (*store.Server, time.Duration) {
		t0 := time.Now()
		srv, err := store.Open(store.Config{Open: open.Open, Demo: true, DemoSeed: 5, DemoReads: 20000, PasswordCost: 4, Logf: t.Logf})
		if err != nil {
			t.Fatal(err)
		}
		return srv, time.Since(t0)
	}
	srv, _ := start()
	path := srv.DBPath()
	if !strings.Contains(path, "alprdesk") || !strings.Contains(path, "demo-s5-r20000-") {
		t.Fatalf("demo database at %s", path)
	}
	srv.Close()
	srv2, _ := start()
	defer srv2.Close()
	if srv2.DBPath() != path {
		t.Fatalf("second start used %s, not the cached %s", srv2.DBPath(), path)
	}
	users, err := srv2.Admin("t").Users(context.Background())
	if err != nil || len(users) != len(srv2.DemoUsers()) {
		t.Fatalf("cached demo users: %d, %v", len(users), err)
	}
}

// TestInterruptedDemoGenerationStartsAgain: a cached demo database left
// without its generation mark (the first start of make run stopped while
// it generated the world) is generated again on the next start instead of
// being refused as "not a demo world".
func TestInterruptedDemoGenerationStartsAgain(t *testing.T) {
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	cfg := store.Config{Demo: true, DemoSeed: 5, DemoReads: 2000, Open: open.Open, PasswordCost: 4, Logf: t.Logf}
	srv, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	path := srv.DBPath()
	srv.Close()
	// What an interrupted generation leaves: users, cameras and reads, no mark.
	st, err := open.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetMeta(context.Background(), "demo_generated_at", ""); err != nil {
		t.Fatal(err)
	}
	st.Close()
	var logged []string
	cfg.Logf = func(f string, a ...any) { logged = append(logged, fmt.Sprintf(f, a...)) }
	srv, err = store.Open(cfg)
	if err != nil {
		t.Fatalf("the half-built demo database was refused: %v", err)
	}
	defer srv.Close()
	if srv.DBPath() != path || !strings.Contains(strings.Join(logged, "\n"), "interrupted; generating it again") {
		t.Fatalf("path %s (was %s), log %q", srv.DBPath(), path, logged)
	}
	if u := srv.DemoUsers(); len(u) == 0 {
		t.Fatal("no demo users after the new generation")
	}
	users, err := srv.Admin("").Users(context.Background())
	if err != nil || len(users) != len(srv.DemoUsers()) {
		t.Fatalf("users %d, %v: the world was generated twice into one file", len(users), err)
	}
}
