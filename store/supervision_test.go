package store_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// caseFor is a valid case context of the given category.
func caseFor(category, rn string) api.CaseContext {
	return api.CaseContext{ReportNumber: rn, PurposeCategory: category,
		Purpose: "Armed robbery at 73rd Ave; silver Toyota sedan seen leaving"}
}

// doSearch searches as tok and returns the answer.
func doSearch(t *testing.T, env *storetest.Env, tok, plate string, c api.CaseContext) api.SearchResponse {
	t.Helper()
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, api.SearchRequest{CaseContext: c, Plate: plate}, http.StatusOK, &res)
	return res
}

// seqsOf lists the seqs of entries.
func seqsOf(es []api.AuditEntry) []int64 {
	out := []int64{}
	for _, e := range es {
		out = append(out, e.Seq)
	}
	return out
}

// lastEntry returns the newest audit entry of an action.
func lastEntry(t *testing.T, env *storetest.Env, sup, action string) api.AuditEntry {
	t.Helper()
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?limit=1&action="+action, sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 1 {
		t.Fatalf("no %s entry in the audit", action)
	}
	return page.Entries[0]
}

func TestAuditSampleReproducible(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PurgeEvery: -1})
	det, det2, sup := env.Login(t, "detective"), env.Login(t, "detective2"), env.Login(t, "supervisor")
	month1 := env.Clock.Now().UTC().Format("2006-01")
	for i := range 8 {
		tok := det
		if i%2 == 1 {
			tok = det2
		}
		doSearch(t, env, tok, fmt.Sprintf("7ABC%03d", i), storetest.Case)
	}
	refused := storetest.Case
	refused.Purpose = "check on a neighbor dispute for a friend"
	env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: refused, Plate: "7ABC123"}, http.StatusForbidden, nil)
	draw := func(month string, size int) api.AuditSample {
		var s api.AuditSample
		env.Do(t, "POST", "/v1/audit/samples", sup, api.AuditSampleRequest{Month: month, Size: size}, http.StatusOK, &s)
		return s
	}
	a := draw(month1, 3)
	if a.Month != month1 || len(a.Entries) != 3 || !slices.IsSorted(seqsOf(a.Entries)) {
		t.Fatalf("sample = %+v", a)
	}
	for _, e := range a.Entries {
		if e.Action != store.ActionSearch || e.At.UTC().Format("2006-01") != month1 || store.AuditHash(e) != e.Hash {
			t.Fatalf("sampled entry %+v", e)
		}
	}
	// The draw recorded the head it saw in the chain.
	rec := lastEntry(t, env, sup, store.ActionAuditSample)
	if rec.Seq != a.Head.Seq+1 || !strings.Contains(rec.Query, a.Head.Hash) || rec.Actor != "supervisor" {
		t.Fatalf("sample record %+v, head %+v", rec, a.Head)
	}
	b := draw(month1, 3)
	if !slices.Equal(seqsOf(a.Entries), seqsOf(b.Entries)) || b.Head.Seq <= a.Head.Seq {
		t.Fatalf("same month drew %v then %v (heads %d, %d)", seqsOf(a.Entries), seqsOf(b.Entries), a.Head.Seq, b.Head.Seq)
	}
	// A larger sample extends a smaller one; the whole month has 9 search entries.
	five := draw(month1, 5)
	for _, s := range seqsOf(a.Entries) {
		if !slices.Contains(seqsOf(five.Entries), s) {
			t.Fatalf("size 5 %v does not hold size 3 %v", seqsOf(five.Entries), seqsOf(a.Entries))
		}
	}
	if all := draw(month1, api.MaxAuditSample); len(all.Entries) != 9 {
		t.Fatalf("whole month = %d entries, want 9", len(all.Entries))
	}

	// Later months append; the first month's sample does not change.
	env.Clock.Advance(32 * 24 * time.Hour)
	month2 := env.Clock.Now().UTC().Format("2006-01")
	det, sup = env.Login(t, "detective"), env.Login(t, "supervisor")
	for i := range 8 {
		doSearch(t, env, det, fmt.Sprintf("8XYZ%03d", i), storetest.Case)
	}
	if c := draw(month1, 3); !slices.Equal(seqsOf(a.Entries), seqsOf(c.Entries)) {
		t.Fatalf("after later searches the sample moved from %v to %v", seqsOf(a.Entries), seqsOf(c.Entries))
	}
	other := draw(month2, 3)
	if len(other.Entries) != 3 || slices.Equal(seqsOf(other.Entries), seqsOf(a.Entries)) {
		t.Fatalf("other month sample %v", seqsOf(other.Entries))
	}
	for _, e := range other.Entries {
		if e.At.UTC().Format("2006-01") != month2 {
			t.Fatalf("month %s sample holds %+v", month2, e)
		}
	}

	// Bad requests.
	future := env.Clock.Now().UTC().AddDate(0, 2, 0).Format("2006-01")
	for _, req := range []api.AuditSampleRequest{{Month: future, Size: 3}, {Month: "2026-13", Size: 3},
		{Month: "26-11", Size: 3}, {Month: month1, Size: 0}, {Month: month1, Size: api.MaxAuditSample + 1}} {
		env.Do(t, "POST", "/v1/audit/samples", sup, req, http.StatusUnprocessableEntity, nil)
	}
	env.Do(t, "POST", "/v1/audit/samples", det, api.AuditSampleRequest{Month: month1, Size: 3}, http.StatusForbidden, nil)
}

// doKeyed posts body with an Idempotency-Key and returns the status and
// whether the answer was a replay.
func doKeyed(t *testing.T, env *storetest.Env, path, tok, key string, body any, out any) (int, bool) {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest("POST", env.URL+path, strings.NewReader(string(b)))
	req.Header.Set("Authorization", "Bearer "+tok)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.HeaderIdempotencyKey, key)
	resp, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode, resp.Header.Get("Idempotent-Replayed") == "true"
}

func TestAuditReviewFlow(t *testing.T) {
	env := storetest.Start(t)
	det, sup := env.Login(t, "detective"), env.Login(t, "supervisor")
	doSearch(t, env, det, "7ABC123", storetest.Case)
	search := lastEntry(t, env, sup, store.ActionSearch)
	month := search.At.UTC().Format("2006-01")

	var rev api.AuditReview
	st, replay := doKeyed(t, env, "/v1/audit/reviews", sup, "key-1",
		api.AuditReviewRequest{Seq: search.Seq, Verdict: api.ReviewNeedsFollowUp, Note: "Purpose thin; ask for the RD narrative."}, &rev)
	if st != http.StatusOK || replay || rev.Seq != search.Seq || rev.Reviewer != "supervisor" || rev.ID == "" {
		t.Fatalf("review %d %v %+v", st, replay, rev)
	}
	var again api.AuditReview
	st, replay = doKeyed(t, env, "/v1/audit/reviews", sup, "key-1",
		api.AuditReviewRequest{Seq: search.Seq, Verdict: api.ReviewNeedsFollowUp, Note: "Purpose thin; ask for the RD narrative."}, &again)
	if st != http.StatusOK || !replay || again.ID != rev.ID {
		t.Fatalf("replayed review %d %v %+v", st, replay, again)
	}
	env.Do(t, "POST", "/v1/audit/reviews", sup, api.AuditReviewRequest{Seq: search.Seq, Verdict: api.ReviewCompliant}, http.StatusOK, nil)

	// The review is audited with the reviewed entry's case context.
	audited := lastEntry(t, env, sup, store.ActionAuditReview)
	if audited.Actor != "supervisor" || audited.ReportNumber != search.ReportNumber || !strings.Contains(audited.Query, `"verdict":"compliant"`) {
		t.Fatalf("review audit entry %+v", audited)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=audit_review", sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 2 {
		t.Fatalf("a replayed review was audited twice: %d entries", len(page.Entries))
	}

	var list api.AuditReviews
	env.Do(t, "GET", "/v1/audit/reviews?month="+month, sup, nil, http.StatusOK, &list)
	if len(list.Reviews) != 2 || list.Reviews[0].Verdict != api.ReviewNeedsFollowUp || list.Reviews[1].Verdict != api.ReviewCompliant {
		t.Fatalf("reviews of %s = %+v", month, list.Reviews)
	}
	env.Do(t, "GET", fmt.Sprintf("/v1/audit/reviews?seq=%d", search.Seq), sup, nil, http.StatusOK, &list)
	if len(list.Reviews) != 2 {
		t.Fatalf("reviews of seq %d = %+v", search.Seq, list.Reviews)
	}
	env.Do(t, "GET", fmt.Sprintf("/v1/audit/reviews?seq=%d", search.Seq+1), sup, nil, http.StatusOK, &list)
	if len(list.Reviews) != 0 {
		t.Fatalf("reviews of an unreviewed entry = %+v", list.Reviews)
	}

	// Refusals.
	env.Do(t, "POST", "/v1/audit/reviews", sup, api.AuditReviewRequest{Seq: search.Seq, Verdict: api.ReviewNonCompliant}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/audit/reviews", sup, api.AuditReviewRequest{Seq: search.Seq, Verdict: "fine"}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/audit/reviews", sup, api.AuditReviewRequest{Seq: 99999, Verdict: api.ReviewCompliant}, http.StatusNotFound, nil)
	env.Do(t, "POST", "/v1/audit/reviews", det, api.AuditReviewRequest{Seq: search.Seq, Verdict: api.ReviewCompliant}, http.StatusForbidden, nil)
	doSearch(t, env, sup, "7ABC123", storetest.Case)
	own := lastEntry(t, env, sup, store.ActionSearch)
	env.Do(t, "POST", "/v1/audit/reviews", sup, api.AuditReviewRequest{Seq: own.Seq, Verdict: api.ReviewCompliant}, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/audit/reviews", sup, nil, http.StatusUnprocessableEntity, nil)
	env.Do(t, "GET", "/v1/audit/reviews?month="+month+"&seq=1", sup, nil, http.StatusUnprocessableEntity, nil)
	env.Do(t, "GET", "/v1/audit/reviews?month=nov", sup, nil, http.StatusUnprocessableEntity, nil)
	env.Do(t, "GET", "/v1/audit/reviews?month="+month, det, nil, http.StatusForbidden, nil)

	var v api.AuditVerify
	env.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if !v.OK {
		t.Fatalf("chain after reviews: %+v", v)
	}
}

func TestSearchOutcome(t *testing.T) {
	env := storetest.Start(t)
	det, det2, sup := env.Login(t, "detective"), env.Login(t, "detective2"), env.Login(t, "supervisor")
	res := doSearch(t, env, det, "7ABC123", storetest.Case)
	path := "/v1/searches/" + res.SearchID + "/outcome"
	var rec api.SearchOutcomeRecord
	env.Do(t, "POST", path, det, api.SearchOutcome{Outcome: api.LedToLead, Note: "plate led to a witness"}, http.StatusOK, &rec)
	if rec.SearchID != res.SearchID || rec.Outcome != api.LedToLead || rec.By != "detective" {
		t.Fatalf("outcome = %+v", rec)
	}
	audited := lastEntry(t, env, sup, store.ActionSearchOutcome)
	if audited.Actor != "detective" || audited.ReportNumber != storetest.Case.ReportNumber ||
		audited.PurposeCategory != storetest.Case.PurposeCategory || !strings.Contains(audited.Query, `"outcome":"lead"`) {
		t.Fatalf("outcome audit entry %+v", audited)
	}
	env.Do(t, "POST", path, sup, api.SearchOutcome{SearchID: res.SearchID, Outcome: api.LedToArrest}, http.StatusOK, &rec)
	if rec.By != "supervisor" || rec.Outcome != api.LedToArrest {
		t.Fatalf("supervisor's outcome = %+v", rec)
	}
	env.Do(t, "POST", path, det2, api.SearchOutcome{Outcome: api.LedToNone}, http.StatusForbidden, nil)
	env.Do(t, "POST", path, det, api.SearchOutcome{Outcome: "solved"}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", path, det, api.SearchOutcome{SearchID: "s_other", Outcome: api.LedToNone}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/searches/s_nothing/outcome", det, api.SearchOutcome{Outcome: api.LedToNone}, http.StatusNotFound, nil)
	env.Do(t, "POST", path, env.Login(t, "approver"), api.SearchOutcome{Outcome: api.LedToNone}, http.StatusForbidden, nil)
	env.Do(t, "POST", path, det, map[string]string{"outcome": "lead", "extra": "x"}, http.StatusBadRequest, nil)
}

func TestAuditFiltersIncludingTeamAndCategory(t *testing.T) {
	env := storetest.Start(t)
	det, det2, sup := env.Login(t, "detective"), env.Login(t, "detective2"), env.Login(t, "supervisor")
	doSearch(t, env, det, "7ABC123", caseFor("robbery", "20-042436"))
	doSearch(t, env, det, "7ABC124", caseFor("burglary", "20-042437"))
	doSearch(t, env, det2, "7ABC125", caseFor("burglary", "21-04318"))
	bad := caseFor("robbery", "20-042436")
	bad.Purpose = "just curious about my ex"
	env.Do(t, "POST", "/v1/searches", det2, api.SearchRequest{CaseContext: bad, Plate: "7ABC126"}, http.StatusForbidden, nil)
	// A team changed with `alprstore user set --team` moves the user's entries.
	team := "west"
	if err := env.Server.Admin("cli:test").SetUser(t.Context(), "detective2", store.UserChange{Team: &team}); err != nil {
		t.Fatal(err)
	}
	count := func(q string) []api.AuditEntry {
		t.Helper()
		var page api.AuditPage
		env.Do(t, "GET", "/v1/audit?"+q, sup, nil, http.StatusOK, &page)
		return page.Entries
	}
	cases := []struct {
		q    string
		want int
	}{
		{"action=search&purpose_category=burglary", 2},
		{"action=search&purpose_category=burglary&team=east", 1},
		{"action=search&team=west", 2},
		{"action=search&team=west&outcome=refused", 1},
		{"action=search&user=detective&purpose_category=robbery", 1},
		{"action=search&report_number=21-04318", 1},
		{"action=search&team=nobody", 0},
	}
	for _, c := range cases {
		if got := count(c.q); len(got) != c.want {
			t.Errorf("%s: %d entries, want %d: %+v", c.q, len(got), c.want, got)
		}
	}
	east := "east"
	if err := env.Server.Admin("cli:test").SetUser(t.Context(), "detective2", store.UserChange{Team: &east}); err != nil {
		t.Fatal(err)
	}
	if got := count("action=search&team=east"); len(got) != 4 {
		t.Errorf("after moving detective2 to east: %d entries", len(got))
	}
	if got := count("action=user_set&user=cli:test"); len(got) != 2 {
		t.Errorf("user set audited %d times", len(got))
	}
}
