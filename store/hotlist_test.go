package store_test

import (
	"context"
	"encoding/base64"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

func TestHotlistRequestValidation(t *testing.T) {
	env := startHotlists(t)
	tok := env.Login(t, "detective")
	for _, tc := range []struct {
		name   string
		edit   func(*api.HotlistRequestBody)
		status int
		code   string
		field  string
	}{
		{"no plate", func(b *api.HotlistRequestBody) { b.Plate = "" }, 422, api.CodeInvalidField, "plate"},
		{"wildcard plate", func(b *api.HotlistRequestBody) { b.Plate = "7AB*" }, 422, api.CodeInvalidField, "plate"},
		{"bad state", func(b *api.HotlistRequestBody) { b.State = "XX" }, 422, api.CodeInvalidField, "state"},
		{"no report number", func(b *api.HotlistRequestBody) { b.ReportNumber = "" }, 422, api.CodeInvalidField, "report_number"},
		{"bad report number", func(b *api.HotlistRequestBody) { b.ReportNumber = "2024-1" }, 422, api.CodeInvalidReportNumber, "2024-1"},
		{"no description", func(b *api.HotlistRequestBody) { b.VehicleDescription = " " }, 422, api.CodeInvalidField, "vehicle_description"},
		{"no explanation", func(b *api.HotlistRequestBody) { b.Explanation = "" }, 422, api.CodeInvalidField, "explanation"},
		{"vague explanation", func(b *api.HotlistRequestBody) { b.Explanation = "investigation follow up" }, 422, api.CodePurposeTooVague, "explanation"},
		{"prohibited explanation", func(b *api.HotlistRequestBody) { b.Explanation = "Track protesters leaving the rally downtown" }, 403, api.CodeProhibitedPurpose, "protest"},
		{"state list", func(b *api.HotlistRequestBody) { b.List = api.ListStolenVehicles }, 422, api.CodeInvalidField, "list"},
		{"no name", func(b *api.HotlistRequestBody) { b.RequesterName = "" }, 422, api.CodeInvalidField, "requester_name"},
		{"no serial", func(b *api.HotlistRequestBody) { b.RequesterSerial = "" }, 422, api.CodeInvalidField, "requester_serial"},
		{"no days", func(b *api.HotlistRequestBody) { b.Days = 0 }, 422, api.CodeInvalidField, "days"},
		{"long instructions", func(b *api.HotlistRequestBody) { b.Instructions = strings.Repeat("x", 501) }, 422, api.CodeInvalidField, "instructions"},
		{"unknown extends", func(b *api.HotlistRequestBody) { b.Extends = "hr_nothing" }, 422, api.CodeInvalidField, "extends"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b := hotReq("7ABC123", api.ListAlert)
			tc.edit(&b)
			var e api.ErrorResponse
			env.Do(t, "POST", "/v1/hotlist-requests", tok, b, tc.status, &e)
			if e.Error.Code != tc.code || !strings.Contains(e.Error.Message, tc.field) {
				t.Errorf("error %+v, want %s naming %q", e.Error, tc.code, tc.field)
			}
		})
	}
	// Refusals by role and training.
	for user, code := range map[string]string{"trainer": api.CodeForbidden, "admin": api.CodeForbidden, "rookie": api.CodeTrainingRequired} {
		var e api.ErrorResponse
		env.Do(t, "POST", "/v1/hotlist-requests", env.Login(t, user), hotReq("7ABC123", api.ListAlert), http.StatusForbidden, &e)
		if e.Error.Code != code {
			t.Errorf("%s: %+v", user, e.Error)
		}
	}
	// Days are clamped to 30 with a notice; contact defaults to the requester.
	b := hotReq("7abc-123", api.ListCovert)
	b.Days, b.Instructions = 45, ""
	var req api.HotlistRequest
	env.Do(t, "POST", "/v1/hotlist-requests", tok, b, http.StatusCreated, &req)
	if req.Days != 30 || !strings.Contains(req.Notice, "30 days") || req.Plate != "7ABC123" || req.Status != api.RequestPending ||
		req.Contact != "Det. Dana Reyes (D100)" || req.RequestedBy != "detective" {
		t.Fatalf("request = %+v", req)
	}
	// A user sees their own requests; the approver sees all.
	env.Do(t, "POST", "/v1/hotlist-requests", env.Login(t, "detective2"), hotReq("5XYZ999", api.ListAlert), http.StatusCreated, nil)
	for user, want := range map[string]int{"detective": 1, "detective2": 1, "watch_commander": 0, "approver": 2} {
		var list []api.HotlistRequest
		env.Do(t, "GET", "/v1/hotlist-requests", env.Login(t, user), nil, http.StatusOK, &list)
		if len(list) != want {
			t.Errorf("%s sees %d requests, want %d", user, len(list), want)
		}
	}
	var pending []api.HotlistRequest
	env.Do(t, "GET", "/v1/hotlist-requests?status=pending", env.Login(t, "approver"), nil, http.StatusOK, &pending)
	env.Do(t, "GET", "/v1/hotlist-requests?status=maybe", tok, nil, http.StatusUnprocessableEntity, nil)
	if len(pending) != 2 {
		t.Errorf("pending = %d", len(pending))
	}
	// Refusals are audited.
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=hotlist_request&outcome=refused&limit=100", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) < 15 {
		t.Errorf("refused hotlist requests audited: %d", len(page.Entries))
	}
}

func TestHotlistDecisions(t *testing.T) {
	env := startHotlists(t)
	det, appr := env.Login(t, "detective"), env.Login(t, "approver")
	var req api.HotlistRequest
	env.Do(t, "POST", "/v1/hotlist-requests", det, hotReq("7ABC123", api.ListAlert), http.StatusCreated, &req)
	path := "/v1/hotlist-requests/" + req.ID + "/decision"
	ok := api.DecisionRequest{Approve: true, Reason: "Meets the policy: open robbery case"}
	// Only approvers decide.
	for _, user := range []string{"detective", "detective2", "watch_commander", "supervisor", "admin"} {
		var e api.ErrorResponse
		env.Do(t, "POST", path, env.Login(t, user), ok, http.StatusForbidden, &e)
		if e.Error.Code != api.CodeForbidden {
			t.Errorf("%s decided: %+v", user, e)
		}
	}
	// Never their own request.
	var own api.HotlistRequest
	env.Do(t, "POST", "/v1/hotlist-requests", appr, hotReq("8DEF456", api.ListCovert), http.StatusCreated, &own)
	var e api.ErrorResponse
	env.Do(t, "POST", "/v1/hotlist-requests/"+own.ID+"/decision", appr, ok, http.StatusForbidden, &e)
	if !strings.Contains(e.Error.Message, "another approver") {
		t.Errorf("own decision: %+v", e)
	}
	env.Do(t, "POST", path, appr, api.DecisionRequest{Approve: true, Reason: "ok"}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/hotlist-requests/hr_missing/decision", appr, ok, http.StatusNotFound, nil)
	// Approval creates an entry until approval time plus days.
	env.Do(t, "POST", path, appr, ok, http.StatusOK, &req)
	if req.Status != api.RequestApproved || req.EntryID == "" || req.DecidedBy != "approver" || req.DecidedAt == nil {
		t.Fatalf("approved = %+v", req)
	}
	var entries []api.HotlistEntry
	env.Do(t, "GET", "/v1/hotlist-entries", det, nil, http.StatusOK, &entries)
	if len(entries) != 1 || entries[0].ID != req.EntryID || !entries[0].ExpiresAt.Equal(req.DecidedAt.Add(10*24*time.Hour)) ||
		entries[0].RequestID != req.ID || entries[0].ReportNumber != "26-012345" {
		t.Fatalf("entries = %+v (decided %v)", entries, req.DecidedAt)
	}
	env.Do(t, "POST", path, appr, ok, http.StatusConflict, nil)
	// A denial is kept on file.
	var denied api.HotlistRequest
	env.Do(t, "POST", "/v1/hotlist-requests", det, hotReq("6GHI789", api.ListAlert), http.StatusCreated, &denied)
	env.Do(t, "POST", "/v1/hotlist-requests/"+denied.ID+"/decision", appr,
		api.DecisionRequest{Approve: false, Reason: "No link to the case is shown"}, http.StatusOK, &denied)
	var mine []api.HotlistRequest
	env.Do(t, "GET", "/v1/hotlist-requests", det, nil, http.StatusOK, &mine)
	if len(mine) != 2 || mine[0].Status != api.RequestDenied || mine[0].Reason != "No link to the case is shown" {
		t.Fatalf("my requests = %+v", mine)
	}
	// An extension is a new request that links the old; its approval replaces the old entry.
	ext := hotReq("7ABC123", api.ListAlert)
	ext.Extends = req.ID
	var er api.HotlistRequest
	env.Do(t, "POST", "/v1/hotlist-requests", det, ext, http.StatusCreated, &er)
	ext.Extends = denied.ID
	env.Do(t, "POST", "/v1/hotlist-requests", det, ext, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/hotlist-requests/"+er.ID+"/decision", env.Login(t, "approver"), ok, http.StatusOK, &er)
	env.Do(t, "GET", "/v1/hotlist-entries", det, nil, http.StatusOK, &entries)
	if len(entries) != 1 || entries[0].RequestID != er.ID || er.Extends != req.ID {
		t.Fatalf("after extension: %+v", entries)
	}
	// Early removal: approver or admin, with a reason, audited.
	rm := "/v1/hotlist-entries/" + er.EntryID
	env.Do(t, "DELETE", rm, det, api.RemoveEntryRequest{Reason: "Vehicle recovered by patrol"}, http.StatusForbidden, nil)
	env.Do(t, "DELETE", rm, env.Login(t, "admin"), api.RemoveEntryRequest{Reason: ""}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "DELETE", rm, env.Login(t, "admin"), api.RemoveEntryRequest{Reason: "Vehicle recovered by patrol"}, http.StatusOK, nil)
	env.Do(t, "DELETE", rm, env.Login(t, "admin"), api.RemoveEntryRequest{Reason: "Vehicle recovered by patrol"}, http.StatusNotFound, nil)
	env.Do(t, "GET", "/v1/hotlist-entries", det, nil, http.StatusOK, &entries)
	if len(entries) != 0 {
		t.Fatalf("after removal: %+v", entries)
	}
	sup := env.Login(t, "supervisor")
	for action, want := range map[string]int{"hotlist_decision": 12, "hotlist_remove": 4} {
		var page api.AuditPage
		env.Do(t, "GET", "/v1/audit?action="+action+"&limit=100", sup, nil, http.StatusOK, &page)
		if len(page.Entries) != want {
			t.Errorf("%s audited %d times, want %d", action, len(page.Entries), want)
		}
	}
}

func TestHotlistExpiryAt30Days(t *testing.T) {
	env := startHotlists(t)
	b := hotReq("7ABC123", api.ListAlert)
	b.Days = 90
	req := approved(t, env, "detective", b)
	if req.Days != 30 {
		t.Fatalf("days = %d", req.Days)
	}
	ctx := context.Background()
	env.Clock.Advance(30*24*time.Hour - time.Minute)
	if n, err := env.Server.ExpireHotlists(ctx); err != nil || n != 0 {
		t.Fatalf("expired early: %d %v", n, err)
	}
	det := env.Login(t, "detective") // signed in on the advanced clock
	var entries []api.HotlistEntry
	env.Do(t, "GET", "/v1/hotlist-entries", det, nil, http.StatusOK, &entries)
	if len(entries) != 1 {
		t.Fatalf("entries before 30 days: %+v", entries)
	}
	env.Clock.Advance(2 * time.Minute)
	// Even before the job runs, an entry past its time matches nothing.
	s := subscribe(t, env, env.Login(t, "watch_commander"), "")
	env.Ingest(t, read(env, "late-1", "7ABC123", time.Second), nil)
	if n, err := env.Server.ExpireHotlists(ctx); err != nil || n != 1 {
		t.Fatalf("expired: %d %v", n, err)
	}
	env.Do(t, "GET", "/v1/hotlist-entries", env.Login(t, "detective"), nil, http.StatusOK, &entries)
	if len(entries) != 0 {
		t.Fatalf("entries after 30 days: %+v", entries)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=hotlist_expire", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].ReportNumber != "26-012345" || page.Entries[0].Actor != "system" {
		t.Fatalf("expiry audit = %+v", page.Entries)
	}
	time.Sleep(200 * time.Millisecond)
	if got := s.got(); len(got) != 0 {
		t.Fatalf("an expired entry raised %+v", got)
	}
}

// TestExpiryJobRunsInBackground lets the hotlist job expire an entry on
// the store's clock.
func TestExpiryJobRunsInBackground(t *testing.T) {
	env := storetest.StartWith(t, store.Config{HotlistEvery: 20 * time.Millisecond})
	b := hotReq("7ABC123", api.ListAlert)
	b.Days = 1
	approved(t, env, "detective", b)
	env.Clock.Advance(25 * time.Hour)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var page api.AuditPage
		env.Do(t, "GET", "/v1/audit?action=hotlist_expire", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
		if len(page.Entries) == 1 {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the hotlist job did not expire the entry")
}

func TestRoutingMatrix(t *testing.T) {
	env := startHotlists(t)
	approved(t, env, "supervisor", hotReq("7ABC123", api.ListAlert))
	approved(t, env, "detective2", hotReq("8COV456", api.ListCovert))
	csv := "plate,state,vehicle_description,reason,source_id\n6STL789,CA,black Dodge Charger,Stolen 2026-11-20,DOJ-1\n"
	importCSV(t, env, api.ListStolenVehicles, csv)

	users := []string{"detective", "detective2", "watch_commander", "supervisor", "approver", "trainer", "admin", "rookie"}
	streams := map[string]*stream{}
	for _, u := range users {
		streams[u] = subscribe(t, env, env.Login(t, u), "")
	}
	for u, code := range map[string]int{"trainer": 403, "admin": 403, "rookie": 403} {
		if streams[u].status != code {
			t.Errorf("%s subscribed with status %d", u, streams[u].status)
		}
	}
	env.Ingest(t, read(env, "m-1", "7ABC123", time.Second), nil) // alert, exact
	env.Ingest(t, read(env, "m-2", "7A8C1Z3", time.Second), nil) // alert, look-alike
	env.Ingest(t, read(env, "m-3", "8COV456", time.Second), nil) // covert
	env.Ingest(t, read(env, "m-4", "6STL789", time.Second), nil) // state list
	env.Ingest(t, read(env, "m-5", "1NOHIT1", time.Second), nil) // nothing
	want := map[string][]string{
		"detective":       {"alert:exact:7ABC123", "alert:possible:7A8C1Z3", "stolen_vehicles:exact:6STL789"},
		"watch_commander": {"alert:exact:7ABC123", "alert:possible:7A8C1Z3", "stolen_vehicles:exact:6STL789"},
		"detective2":      {"alert:exact:7ABC123", "alert:possible:7A8C1Z3", "covert:exact:8COV456", "stolen_vehicles:exact:6STL789"},
		"supervisor":      {"alert:exact:7ABC123", "alert:possible:7A8C1Z3"},
		"approver":        {"covert:exact:8COV456"},
	}
	for u, w := range want {
		got := plates(streams[u].wait(t, len(w)))
		if !slices.Equal(got, w) {
			t.Errorf("%s received %v, want %v", u, got, w)
		}
	}
	time.Sleep(300 * time.Millisecond) // nothing more arrives
	for u, w := range want {
		if got := streams[u].got(); len(got) != len(w) {
			t.Errorf("%s received %d alerts, want %d", u, len(got), len(w))
		}
		if streams[u].comments < 2 {
			t.Errorf("%s: %d keep-alive comments", u, streams[u].comments)
		}
	}
	a := streams["approver"].got()[0]
	if a.Entry.List != api.ListCovert || a.Read.ID != "m-3" || a.Instructions == "" || a.Contact == "" || a.Read.Camera.Name == "" {
		t.Errorf("covert alert = %+v", a)
	}
	// Covert entries are listed only to their requester and approvers.
	for u, n := range map[string]int{"detective": 2, "detective2": 3, "watch_commander": 2, "supervisor": 2, "approver": 3, "admin": 2} {
		var es []api.HotlistEntry
		env.Do(t, "GET", "/v1/hotlist-entries", env.Login(t, u), nil, http.StatusOK, &es)
		if len(es) != n {
			t.Errorf("%s sees %d entries, want %d", u, len(es), n)
		}
	}
	var stolen []api.HotlistEntry
	env.Do(t, "GET", "/v1/hotlist-entries?list=stolen_vehicles", env.Login(t, "detective"), nil, http.StatusOK, &stolen)
	env.Do(t, "GET", "/v1/hotlist-entries?list=bogus", env.Login(t, "detective"), nil, http.StatusUnprocessableEntity, nil)
	if len(stolen) != 1 || stolen[0].ReportNumber != "DOJ-1" {
		t.Errorf("stolen list = %+v", stolen)
	}
	// The ingest answer and the batch answer count the hits.
	resp, raw := env.Upload(t, env.CameraToken, read(env, "m-6", "7ABC123", time.Second), storetest.JPEG(t, 8, 8))
	if resp.StatusCode != 201 || !strings.Contains(string(raw), `"alerts":1`) {
		t.Errorf("ingest answer %d %s", resp.StatusCode, raw)
	}
	photo := base64.StdEncoding.EncodeToString(storetest.JPEG(t, 8, 8))
	b1, b2 := read(env, "b-1", "8COV456", time.Second), read(env, "b-2", "2NOHIT2", time.Second)
	b1.PhotoBase64, b2.PhotoBase64 = photo, photo
	br := batch(t, env, env.CameraToken, []api.ReadMeta{b1, b2})
	if br.Accepted != 2 || br.Alerts != 1 {
		t.Errorf("batch = %+v", br)
	}
	if got := streams["approver"].wait(t, 2); got[1].Read.ID != "b-1" {
		t.Errorf("approver after batch: %v", plates(got))
	}
}

func TestAlertPhotoVerifyAck(t *testing.T) {
	env := startHotlists(t)
	approved(t, env, "detective", hotReq("7ABC123", api.ListAlert))
	approved(t, env, "detective2", hotReq("8COV456", api.ListCovert))
	wc := env.Login(t, "watch_commander")
	s := subscribe(t, env, wc, "")
	jpeg := storetest.JPEG(t, 20, 10)
	env.Ingest(t, read(env, "h-1", "7ABC123", time.Second), jpeg)
	env.Ingest(t, read(env, "h-0", "5OTHER5", time.Second), nil)
	a := s.wait(t, 1)[0]
	ack := "/v1/alerts/" + a.ID + "/ack"
	var e api.ErrorResponse
	env.Do(t, "POST", ack, wc, api.AckRequest{Note: "Unit 12 notified"}, http.StatusConflict, &e)
	if e.Error.Code != api.CodeVerificationRequired {
		t.Fatalf("ack before verification: %+v", e)
	}
	// The photo and the verdict are reached through the alert.
	if got := env.Do(t, "GET", "/v1/reads/h-1/photo?alert_id="+a.ID, wc, nil, http.StatusOK, nil); string(got) != string(jpeg) {
		t.Fatal("photo through the alert differs")
	}
	env.Do(t, "GET", "/v1/reads/h-0/photo?alert_id="+a.ID, wc, nil, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/reads/h-1/photo?alert_id=al_999", wc, nil, http.StatusNotFound, nil)
	env.Do(t, "GET", "/v1/reads/h-1/photo?alert_id="+a.ID, env.Login(t, "approver"), nil, http.StatusForbidden, nil)
	env.Do(t, "POST", ack, env.Login(t, "approver"), api.AckRequest{}, http.StatusForbidden, nil)
	var v api.Verification
	env.Do(t, "POST", "/v1/reads/h-1/verification", wc, api.VerificationRequest{AlertID: a.ID, Status: api.VerifyConfirmed}, http.StatusOK, &v)
	if v.By != "watch_commander" {
		t.Fatalf("verification = %+v", v)
	}
	// Another recipient must verify before acknowledging too.
	env.Do(t, "POST", ack, env.Login(t, "detective2"), api.AckRequest{}, http.StatusConflict, nil)
	var got api.AlertAck
	env.Do(t, "POST", ack, wc, api.AckRequest{Note: "Unit 12 notified"}, http.StatusOK, &got)
	if got.AlertID != a.ID || got.By != "watch_commander" || got.Note != "Unit 12 notified" {
		t.Fatalf("ack = %+v", got)
	}
	env.Do(t, "POST", ack, wc, api.AckRequest{Note: "again"}, http.StatusConflict, &e)
	if e.Error.Code != api.CodeConflict {
		t.Fatalf("second ack: %+v", e)
	}
	// The case context of photo and verification is the entry's report number.
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?user=watch_commander&limit=50", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	seen := map[string]bool{}
	for _, en := range page.Entries {
		if en.Outcome == api.OutcomeAllowed && en.ReportNumber == "26-012345" {
			seen[en.Action] = true
		}
	}
	for _, action := range []string{store.ActionPhotoView, store.ActionVerification, store.ActionAlertAck} {
		if !seen[action] {
			t.Errorf("no allowed %s with the entry's report number in %+v", action, page.Entries)
		}
	}
	// Someone else's covert alert does not exist for the caller.
	ap := subscribe(t, env, env.Login(t, "approver"), "")
	env.Ingest(t, read(env, "h-2", "8COV456", time.Second), nil)
	c := ap.wait(t, 1)[0]
	env.Do(t, "GET", "/v1/reads/h-2/photo?alert_id="+c.ID, wc, nil, http.StatusNotFound, nil)
	env.Do(t, "POST", "/v1/alerts/"+c.ID+"/ack", wc, api.AckRequest{}, http.StatusNotFound, nil)
	env.Do(t, "GET", "/v1/reads/h-2/photo?alert_id="+c.ID, env.Login(t, "approver"), nil, http.StatusOK, nil)
}

func TestNoAlertLostAcrossRestart(t *testing.T) {
	env := startHotlists(t)
	approved(t, env, "detective", hotReq("7ABC123", api.ListAlert))
	tok := env.Login(t, "detective")
	s := subscribe(t, env, tok, "")
	env.Ingest(t, read(env, "x-1", "7ABC123", time.Second), nil)
	env.Ingest(t, read(env, "x-2", "7ABC123", time.Second), nil)
	first := s.wait(t, 2)
	last := s.ids[1]
	s.close() // the workstation restarts
	for i := 3; i <= 5; i++ {
		env.Ingest(t, read(env, "x-"+itoa(i), "7ABC123", time.Second), nil)
	}
	s2 := subscribe(t, env, env.Login(t, "detective"), last)
	again := s2.wait(t, 3)
	var ids []string
	for _, a := range append(first, again...) {
		ids = append(ids, a.Read.ID)
	}
	if !slices.Equal(ids, []string{"x-1", "x-2", "x-3", "x-4", "x-5"}) {
		t.Fatalf("reads across the restart: %v", ids)
	}
	if s2.ids[0] != again[0].ID {
		t.Errorf("event id %q and alert id %q differ", s2.ids[0], again[0].ID)
	}
	// al_0 replays everything; a malformed id is refused.
	all := subscribe(t, env, tok, "al_0")
	if got := all.wait(t, 5); len(got) != 5 {
		t.Errorf("replay from al_0: %d", len(got))
	}
	if bad := subscribe(t, env, tok, "yesterday"); bad.status != http.StatusUnprocessableEntity {
		t.Errorf("bad Last-Event-ID: %d", bad.status)
	}
}

// importCSV imports text as list through the running store.
func importCSV(t *testing.T, env *storetest.Env, list, text string) (*store.ImportResult, error) {
	t.Helper()
	p := filepath.Join(t.TempDir(), list+".csv")
	if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return env.Server.ImportHotlistFile(context.Background(), list, p, "cli:test")
}

func TestImportAtomicity(t *testing.T) {
	env := startHotlists(t)
	good := "plate,state,vehicle_description,reason,source_id\n6STL001,CA,black Dodge Charger,Stolen,DOJ-1\n6STL002,CA,,Stolen,DOJ-2\n6STL003,NV,white van,Stolen,DOJ-3\n"
	res, err := importCSV(t, env, api.ListStolenVehicles, good)
	if err != nil || res.Entries != 3 {
		t.Fatalf("import: %+v %v", res, err)
	}
	bad := "plate,state,vehicle_description,reason,source_id\n6NEW001,CA,car,Stolen,DOJ-9\n6NEW002,XX,car,Stolen,DOJ-10\n6NEW003,CA,car,Stolen,DOJ-11\n7*BAD,CA,car,Stolen,DOJ-12\n6NEW005,CA,car,,DOJ-13\n"
	_, err = importCSV(t, env, api.ListStolenVehicles, bad)
	var ie *store.ImportError
	if !errors.As(err, &ie) || len(ie.Rows) != 3 || ie.Rows[0].Line != 3 || ie.Rows[1].Line != 5 || ie.Rows[2].Line != 6 ||
		!strings.Contains(ie.Rows[0].Reason, `"XX"`) || !strings.Contains(err.Error(), "line 5:") {
		t.Fatalf("bad file: %v", err)
	}
	det := env.Login(t, "detective")
	var es []api.HotlistEntry
	env.Do(t, "GET", "/v1/hotlist-entries?list=stolen_vehicles", det, nil, http.StatusOK, &es)
	if len(es) != 3 || es[0].Plate != "6STL001" {
		t.Fatalf("after the bad file: %+v", es)
	}
	if _, err := importCSV(t, env, api.ListStolenVehicles, "plate,state,reason\n"); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("bad header: %v", err)
	}
	if _, err := importCSV(t, env, "alert", good); err == nil {
		t.Error("imported into a request list")
	}
	// A good file replaces the list at once, and matching follows.
	if res, err = importCSV(t, env, api.ListStolenVehicles, "plate,state,vehicle_description,reason,source_id\n6NEW001,CA,car,Stolen,DOJ-9\n"); err != nil || res.Replaced != 3 {
		t.Fatalf("replace: %+v %v", res, err)
	}
	env.Do(t, "GET", "/v1/hotlist-entries?list=stolen_vehicles", det, nil, http.StatusOK, &es)
	if len(es) != 1 || es[0].Plate != "6NEW001" {
		t.Fatalf("after replace: %+v", es)
	}
	s := subscribe(t, env, det, "")
	env.Ingest(t, read(env, "i-1", "6STL001", time.Second), nil)
	env.Ingest(t, read(env, "i-2", "6NEW001", time.Second), nil)
	if got := s.wait(t, 1); got[0].Read.ID != "i-2" || !strings.Contains(got[0].Instructions, "DOJ-9") {
		t.Fatalf("hits after replace: %+v", got)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=hotlist_import", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 4 || page.Entries[1].Outcome != api.OutcomeRefused {
		t.Errorf("import audit: %+v", page.Entries)
	}
}

func TestImportDir(t *testing.T) {
	dir := t.TempDir()
	text := "plate,state,vehicle_description,reason,source_id\n5FEL001,CA,grey Honda Civic,Felony want,DOJ-77\n"
	if err := os.WriteFile(filepath.Join(dir, "felony_wants.csv"), []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	env := storetest.StartWith(t, store.Config{ImportDir: dir, ImportEvery: time.Hour, HotlistEvery: -1})
	det := env.Login(t, "detective")
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		var es []api.HotlistEntry
		env.Do(t, "GET", "/v1/hotlist-entries", det, nil, http.StatusOK, &es)
		if len(es) == 1 && es[0].List == api.ListFelonyWants && es[0].Plate == "5FEL001" {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatal("the import folder was not imported")
}

func TestDemoHotlistsAreLoaded(t *testing.T) {
	env := storetest.StartDemo(t, 3, 2000)
	var es []api.HotlistEntry
	env.Do(t, "GET", "/v1/hotlist-entries", env.Login(t, "watch_commander"), nil, http.StatusOK, &es)
	if len(es) == 0 || !strings.HasPrefix(es[0].ID, "demo-hl-") {
		t.Fatalf("demo entries: %+v", es)
	}
	// A demo camera reading a listed plate raises a hit.
	s := subscribe(t, env, env.Login(t, "detective"), "")
	_, err := env.Server.IngestRead(context.Background(), api.ReadMeta{ID: "demo-live-1", CameraID: "cam-x",
		CapturedAt: env.Clock.Now(), Plate: es[0].Plate, State: es[0].State, Confidence: 0.9}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := s.wait(t, 1); got[0].Entry.ID != es[0].ID {
		t.Fatalf("demo hit = %+v", got)
	}
}
