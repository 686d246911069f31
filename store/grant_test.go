package store_test

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// TestSearchGrantsOnlyWhatItReturned: the finding's reproduction (a search
// with limit 1, then the photo of another matching read) and a read
// ingested after the search are refused; photo, verification, retain and
// export of a returned read are allowed, for the searcher only.
func TestSearchGrantsOnlyWhatItReturned(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PurgeEvery: -1})
	env.Ingest(t, read(env, "g1", "7ABC123", time.Hour), nil)
	env.Ingest(t, read(env, "g2", "7ABC123", 2*time.Hour), nil)
	tok := env.Login(t, "detective")
	req := searchReq("7ABC123")
	req.Limit = 1
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &res)
	if len(res.Results) != 1 || res.Results[0].ID != "g1" || res.NextCursor == "" {
		t.Fatalf("first page %v next %q", ids(res), res.NextCursor)
	}
	env.Ingest(t, read(env, "g3", "7ABC123", 0), nil) // after the search
	photo := func(id, tok string, want int) {
		t.Helper()
		env.Do(t, "GET", "/v1/reads/"+id+"/photo?search_id="+res.SearchID, tok, nil, want, nil)
	}
	photo("g1", tok, http.StatusOK)
	photo("g2", tok, http.StatusForbidden) // matches, never returned
	photo("g3", tok, http.StatusForbidden) // ingested after the search
	photo("g1", env.Login(t, "detective2"), http.StatusForbidden)
	verdict := api.VerificationRequest{SearchID: res.SearchID, Status: api.VerifyConfirmed}
	env.Do(t, "POST", "/v1/reads/g2/verification", tok, verdict, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/reads/g1/verification", tok, verdict, http.StatusOK, nil)
	retain := api.RetainRequest{SearchID: res.SearchID, ReportNumber: "20-042436", Category: api.RetainCriminalInvestigation,
		Reason: "evidence in the robbery case"}
	env.Do(t, "POST", "/v1/reads/g2/retain", tok, retain, http.StatusForbidden, nil)
	export := api.ExportRequest{Kind: api.ExportEvidenceCSV, SearchID: res.SearchID, ReadIDs: []string{"g1", "g2"}, ReportNumber: "20-042436"}
	env.Do(t, "POST", "/v1/exports", tok, export, http.StatusForbidden, nil)

	// The next page returns g2: now it is granted, and the page is audited.
	req.Cursor = res.NextCursor
	var page api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &page)
	if !slices.Contains(ids(page), "g2") {
		t.Fatalf("second page %v", ids(page))
	}
	photo("g2", tok, http.StatusOK)
	env.Do(t, "POST", "/v1/exports", tok, export, http.StatusOK, nil)
	e := lastEntry(t, env, env.Login(t, "supervisor"), store.ActionSearchPage)
	var q struct {
		SearchID string   `json:"search_id"`
		Returned int      `json:"returned"`
		ReadIDs  []string `json:"read_ids"`
	}
	if err := json.Unmarshal([]byte(e.Query), &q); err != nil || q.SearchID != res.SearchID || q.Returned != len(page.Results) ||
		!slices.Equal(q.ReadIDs, ids(page)) || e.ResultCount != len(page.Results) || e.ReportNumber != "20-042436" {
		t.Fatalf("search_page entry %+v (query %+v, %v)", e, q, err)
	}
}

// TestGrantEndsWithRetention: past the retention period a search no longer
// opens an unretained read, but still opens one retained for a case.
func TestGrantEndsWithRetention(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PurgeEvery: -1})
	env.Ingest(t, read(env, "k1", "7ABC123", time.Hour), nil)
	env.Ingest(t, read(env, "k2", "7ABC123", 2*time.Hour), nil)
	tok := env.Login(t, "detective")
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC123"), http.StatusOK, &res)
	retain := api.RetainRequest{SearchID: res.SearchID, ReportNumber: "20-042436", Category: api.RetainCriminalInvestigation,
		Reason: "evidence in the robbery case"}
	env.Do(t, "POST", "/v1/reads/k1/retain", tok, retain, http.StatusOK, nil)
	env.Clock.Advance(31 * 24 * time.Hour)
	tok = env.Login(t, "detective")
	env.Do(t, "GET", "/v1/reads/k1/photo?search_id="+res.SearchID, tok, nil, http.StatusOK, nil)
	body := env.Do(t, "GET", "/v1/reads/k2/photo?search_id="+res.SearchID, tok, nil, http.StatusUnprocessableEntity, nil)
	if !strings.Contains(string(body), api.CodeOutsideRetention) {
		t.Fatalf("expired read: %s", body)
	}
}

// TestSearchWithoutPlateStopsAtMax: a search without a plate returns at
// most max_search_results reads across its pages (published in GET
// /v1/policy); the page past it is refused with 422 too_many_results and
// audited as refused.
func TestSearchWithoutPlateStopsAtMax(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PurgeEvery: -1, MaxSearchResults: 3})
	for i, p := range []string{"1AAA001", "1AAA002", "1AAA003", "1AAA004", "1AAA005"} {
		env.Ingest(t, read(env, "m"+p, p, time.Duration(i+1)*time.Minute), nil)
	}
	tok := env.Login(t, "detective")
	var pol api.Policy
	env.Do(t, "GET", "/v1/policy", tok, nil, http.StatusOK, &pol)
	if pol.MaxSearchResults != 3 {
		t.Fatalf("policy max_search_results %d", pol.MaxSearchResults)
	}
	from, to := env.Clock.Now().Add(-time.Hour), env.Clock.Now()
	req := api.SearchRequest{CaseContext: storetest.Case, CameraIDs: []string{"cam-1"}, From: &from, To: &to, Limit: 2}
	var got []string
	for page := 0; page < 2; page++ {
		var res api.SearchResponse
		env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &res)
		got = append(got, ids(res)...)
		req.Cursor = res.NextCursor
	}
	if len(got) != 3 || req.Cursor == "" {
		t.Fatalf("two pages returned %v (next %q), want 3 reads and more", got, req.Cursor)
	}
	body := env.Do(t, "POST", "/v1/searches", tok, req, http.StatusUnprocessableEntity, nil)
	if !strings.Contains(string(body), api.CodeTooManyResults) {
		t.Fatalf("past the maximum: %s", body)
	}
	e := lastEntry(t, env, env.Login(t, "supervisor"), store.ActionSearchPage)
	if e.Outcome != api.OutcomeRefused || e.Reason != api.CodeTooManyResults {
		t.Fatalf("refused page audited as %s/%s", e.Outcome, e.Reason)
	}
}
