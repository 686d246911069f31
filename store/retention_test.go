package store_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

func TestRetentionPurgeKeepsRetained(t *testing.T) {
	env, tok := seeded(t)
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC123"), http.StatusOK, &res) // a1 (1 h) and a5 (10 days)
	var ret api.Retention
	env.Do(t, "POST", "/v1/reads/a5/retain", tok, api.RetainRequest{SearchID: res.SearchID, ReportNumber: "20-042436",
		Category: api.RetainCriminalInvestigation, Reason: "Suspect vehicle in the armed robbery"}, http.StatusOK, &ret)
	if ret.ReadID != "a5" || ret.By != "detective" {
		t.Fatalf("retention = %+v", ret)
	}
	// 25 days on, a5 (then 35 days old) is retained; a4 (26 days) stays; after
	// 31 days everything unretained is gone.
	env.Clock.Advance(25 * 24 * time.Hour)
	if n, err := env.Server.Purge(context.Background()); err != nil || n != 0 {
		t.Fatalf("purge at 25 days: %d %v", n, err)
	}
	env.Clock.Advance(6 * 24 * time.Hour)
	n, err := env.Server.Purge(context.Background())
	if err != nil || n != 5 {
		t.Fatalf("purge at 31 days removed %d (%v), want 5", n, err)
	}
	tok = env.Login(t, "detective")
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7AB*"), http.StatusOK, &res)
	if len(res.Results) != 1 || res.Results[0].ID != "a5" {
		t.Fatalf("after purge: %v", ids(res))
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=retention_purge", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].ResultCount != 5 {
		t.Fatalf("purge audit = %+v", page.Entries)
	}
}

func TestRetainAndExportRefusals(t *testing.T) {
	env, tok := seeded(t)
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC12?"), http.StatusOK, &res)
	good := api.RetainRequest{SearchID: res.SearchID, ReportNumber: "20-042436", Category: api.RetainMissingPerson, Reason: "Vehicle of the missing person"}
	for name, tc := range map[string]struct {
		mod    func(r *api.RetainRequest)
		read   string
		status int
		code   string
	}{
		"category":  {func(r *api.RetainRequest) { r.Category = "curiosity" }, "a1", 422, api.CodeInvalidField},
		"report":    {func(r *api.RetainRequest) { r.ReportNumber = "x" }, "a1", 422, api.CodeInvalidReportNumber},
		"reason":    {func(r *api.RetainRequest) { r.Reason = "x" }, "a1", 422, api.CodeInvalidField},
		"no search": {func(r *api.RetainRequest) { r.SearchID = "" }, "a1", 400, api.CodeCaseContextRequired},
		"not found": {func(r *api.RetainRequest) {}, "zz", 404, api.CodeNotFound},
		"not its":   {func(r *api.RetainRequest) {}, "a4", 403, api.CodeForbidden},
	} {
		r := good
		tc.mod(&r)
		raw := env.Do(t, "POST", "/v1/reads/"+tc.read+"/retain", tok, r, tc.status, nil)
		if errCode(t, raw) != tc.code {
			t.Errorf("%s: %s", name, raw)
		}
	}
	var x api.ExportResponse
	env.Do(t, "POST", "/v1/exports", tok, api.ExportRequest{Kind: api.ExportEvidencePDF, SearchID: res.SearchID,
		ReadIDs: []string{"a1", "a2"}, ReportNumber: "20-042436"}, http.StatusOK, &x)
	if x.Retained != 2 || x.ExportID == "" {
		t.Fatalf("export = %+v", x)
	}
	// One read the search did not return refuses the whole export.
	env.Do(t, "POST", "/v1/exports", tok, api.ExportRequest{Kind: api.ExportEvidenceCSV, SearchID: res.SearchID,
		ReadIDs: []string{"a1", "a4"}, ReportNumber: "20-042436"}, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/exports", tok, api.ExportRequest{Kind: api.ExportAuditCSV, ReportNumber: "20-042436"}, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/exports", env.Login(t, "supervisor"), api.ExportRequest{Kind: api.ExportAuditCSV, ReportNumber: "20-042436"}, http.StatusOK, nil)
	env.Do(t, "POST", "/v1/exports", tok, api.ExportRequest{Kind: "zip", ReportNumber: "20-042436"}, http.StatusUnprocessableEntity, nil)
	env.Clock.Advance(40 * 24 * time.Hour)
	env.Server.Purge(context.Background())
	tok = env.Login(t, "detective")
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC12?"), http.StatusOK, &res)
	if got := sorted(ids(res)); len(got) != 2 || got[0] != "a1" || got[1] != "a2" {
		t.Fatalf("exported reads not retained: %v", got)
	}
}

// post sends a JSON POST with an Idempotency-Key and returns status and body.
func post(t *testing.T, env *storetest.Env, path, tok, key, body string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest("POST", env.URL+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set(api.HeaderIdempotencyKey, key)
	resp, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, raw
}

func TestIdempotencyKey(t *testing.T) {
	env, tok := seeded(t)
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC12?"), http.StatusOK, &res)
	key := uuid.NewString()
	body := `{"search_id":"` + res.SearchID + `","status":"confirmed"}`
	s1, b1 := post(t, env, "/v1/reads/a1/verification", tok, key, body)
	env.Clock.Advance(time.Second)
	s2, b2 := post(t, env, "/v1/reads/a1/verification", tok, key, body)
	if s1 != 200 || s2 != 200 || !bytes.Equal(b1, b2) {
		t.Fatalf("repeat: %d %s / %d %s", s1, b1, s2, b2)
	}
	var page api.AuditPage
	sup := env.Login(t, "supervisor")
	env.Do(t, "GET", "/v1/audit?action=verification", sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 1 {
		t.Fatalf("%d verification entries, want 1", len(page.Entries))
	}
	// The same key on another route is a conflict; another user's key is theirs.
	if s, raw := post(t, env, "/v1/reads/a2/verification", tok, key, body); s != 409 || errCode(t, raw) != api.CodeConflict {
		t.Fatalf("reuse on another read: %d %s", s, raw)
	}
	// Verification refusals: bad status, missing corrected plate.
	for _, b := range []string{`{"search_id":"` + res.SearchID + `","status":"maybe"}`,
		`{"search_id":"` + res.SearchID + `","status":"misread"}`,
		`{"search_id":"` + res.SearchID + `","status":"wrong_state","corrected_state":"ZZ"}`,
		`{"search_id":"` + res.SearchID + `","status":"confirmed","corrected_plate":"1ABC"}`} {
		if s, raw := post(t, env, "/v1/reads/a2/verification", tok, uuid.NewString(), b); s != 422 || errCode(t, raw) != api.CodeInvalidField {
			t.Errorf("%s: %d %s", b, s, raw)
		}
	}
}

func TestExercisesOnlyInDemo(t *testing.T) {
	env := storetest.Start(t)
	env.Do(t, "GET", "/v1/training/exercises", env.Login(t, "trainer"), nil, http.StatusNotFound, nil)
}
