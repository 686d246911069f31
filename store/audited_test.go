package store_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// Refused photo views, verifications, retains and exports are audited as
// refused with their code, nothing of the refused write is kept, and the
// chain stays whole; the allowed ones carry the search's case context.
func TestReadActionsAuditedBothWays(t *testing.T) {
	env := storetest.Start(t)
	env.Ingest(t, read(env, "r1", "7ABC123", time.Hour), storetest.JPEG(t, 32, 18))
	env.Ingest(t, read(env, "r2", "5XYZ999", time.Hour), nil)
	tok := env.Login(t, "detective")
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC123"), http.StatusOK, &res)

	// r2 was not returned by the search: every action on it is refused.
	env.Do(t, "GET", "/v1/reads/r2/photo?search_id="+res.SearchID, tok, nil, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/reads/r2/verification", tok, api.VerificationRequest{SearchID: res.SearchID,
		Status: api.VerifyConfirmed}, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/reads/r2/retain", tok, api.RetainRequest{SearchID: res.SearchID, ReportNumber: storetest.Case.ReportNumber,
		Category: api.RetainCriminalInvestigation, Reason: "evidence for the robbery case"}, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/exports", tok, api.ExportRequest{Kind: api.ExportEvidenceCSV, SearchID: res.SearchID,
		ReadIDs: []string{"r1", "r2"}, ReportNumber: storetest.Case.ReportNumber}, http.StatusForbidden, nil)
	// r1 was: the same actions are allowed.
	env.Do(t, "POST", "/v1/reads/r1/verification", tok, api.VerificationRequest{SearchID: res.SearchID,
		Status: api.VerifyConfirmed}, http.StatusOK, nil)

	sup := env.Login(t, "supervisor")
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?limit=20", sup, nil, http.StatusOK, &page)
	refused := map[string]string{}
	var allowed *api.AuditEntry
	for i, e := range page.Entries {
		if e.Outcome == api.OutcomeRefused {
			refused[e.Action] = e.Reason
		} else if e.Action == "verification" {
			allowed = &page.Entries[i]
		}
	}
	for _, action := range []string{"photo_view", "verification", "retain", "export"} {
		if refused[action] != api.CodeForbidden {
			t.Errorf("refused %s audited with reason %q; all refusals: %v", action, refused[action], refused)
		}
	}
	if allowed == nil || allowed.ReportNumber != storetest.Case.ReportNumber || allowed.Purpose != storetest.Case.Purpose {
		t.Fatalf("allowed verification entry = %+v", allowed)
	}
	var v api.AuditVerify
	env.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if !v.OK {
		t.Fatalf("chain broken: %+v", v)
	}
	// The refused export retained nothing: r1 was in it, yet it is purged
	// once out of retention like any unretained read.
	env.Clock.Advance(31 * 24 * time.Hour)
	if _, err := env.Server.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	var after api.SearchResponse
	env.Do(t, "POST", "/v1/searches", env.Login(t, "detective"), searchReq("7ABC123"), http.StatusOK, &after)
	if after.Total != 0 {
		t.Fatalf("r1 survived the purge after a refused export: %+v", after.Results)
	}
}
