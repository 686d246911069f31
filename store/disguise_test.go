package store_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"alprdesk/api"
	"alprdesk/store"
)

// TestDisguisedPurposeRefusedAndAudited: the finding's reproduction (a
// zero-width space inside "immigration") and a look-alike letter are
// refused over HTTP and audited as refused, with the judged text kept in
// the entry's query.
func TestDisguisedPurposeRefusedAndAudited(t *testing.T) {
	env, tok := seeded(t)
	sup := env.Login(t, "supervisor")
	for _, tc := range []struct {
		purpose string
		status  int
		code    string
	}{
		{"Vehicle linked to immi\u200bgration status of the owner", http.StatusUnprocessableEntity, api.CodeInvalidField},
		{"Vehicle linked to \u0456mmigration status of the owner", http.StatusForbidden, api.CodeProhibitedPurpose},
		{"Vehicle linked to immi-gration status of the owner", http.StatusForbidden, api.CodeProhibitedPurpose},
	} {
		req := searchReq("7ABC123")
		req.Purpose = tc.purpose
		body := env.Do(t, "POST", "/v1/searches", tok, req, tc.status, nil)
		if !strings.Contains(string(body), tc.code) {
			t.Errorf("%q: answer %s, want %s", tc.purpose, body, tc.code)
		}
		e := lastEntry(t, env, sup, store.ActionSearch)
		if e.Outcome != api.OutcomeRefused || e.Reason != tc.code || e.Purpose != tc.purpose {
			t.Errorf("%q: audited %s/%s with purpose %q", tc.purpose, e.Outcome, e.Reason, e.Purpose)
		}
		var q struct{ Normalised string }
		if err := json.Unmarshal([]byte(e.Query), &q); err != nil || !strings.Contains(q.Normalised, "immi") {
			t.Errorf("%q: query %s lacks the normalised purpose (%v)", tc.purpose, e.Query, err)
		}
	}
}

// TestCaseContextStoredNormalised: a report number with a trailing newline
// and a category with spaces and capitals are stored (and audited) in
// their normalised form, so audit filters find them.
func TestCaseContextStoredNormalised(t *testing.T) {
	env, tok := seeded(t)
	req := searchReq("7ABC123")
	req.ReportNumber, req.PurposeCategory = "21-777777\n", " Homicide "
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &res)
	// A page fetch repeats the typed body: still the same search.
	req.Limit = 1
	env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &res)
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?report_number=21-777777&action=search", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 2 {
		t.Fatalf("audit filter on 21-777777 found %d search entries, want 2", len(page.Entries))
	}
	for _, e := range page.Entries {
		if e.ReportNumber != "21-777777" || e.PurposeCategory != "homicide" {
			t.Errorf("audited report %q category %q", e.ReportNumber, e.PurposeCategory)
		}
	}
}

// TestHotlistFieldsJudged: every field of a hotlist request that states
// why or for whom is judged, disguised or not; review notes get only the
// encoding rules, so a supervisor can name what was wrong.
func TestHotlistFieldsJudged(t *testing.T) {
	env := startHotlists(t)
	tok := env.Login(t, "detective")
	for _, tc := range []struct {
		field  string
		set    func(*api.HotlistRequestBody)
		status int
		code   string
	}{
		{"contact", func(b *api.HotlistRequestBody) { b.Contact = "ICE ERO field office" }, http.StatusForbidden, api.CodeProhibitedPurpose},
		{"instructions", func(b *api.HotlistRequestBody) { b.Instructions = "Notify I\u200bCE on any hit" }, http.StatusUnprocessableEntity, api.CodeInvalidField},
		{"instructions", func(b *api.HotlistRequestBody) { b.Instructions = "Notify I\u0421E on any hit" }, http.StatusForbidden, api.CodeProhibitedPurpose},
		{"vehicle_description", func(b *api.HotlistRequestBody) { b.VehicleDescription = "deportee's grey van" }, http.StatusForbidden, api.CodeProhibitedPurpose},
		{"explanation", func(b *api.HotlistRequestBody) { b.Explanation = "Owner is justcurious about his ex, find it" }, http.StatusForbidden, api.CodeProhibitedPurpose},
		{"requester_name", func(b *api.HotlistRequestBody) { b.RequesterName = "Det. Dana\x00 Reyes" }, http.StatusUnprocessableEntity, api.CodeInvalidField},
	} {
		b := hotReq("7ABC123", api.ListAlert)
		tc.set(&b)
		body := env.Do(t, "POST", "/v1/hotlist-requests", tok, b, tc.status, nil)
		if !strings.Contains(string(body), `"`+tc.code+`"`) || !strings.Contains(string(body), strings.ReplaceAll(tc.field, "_", " ")) &&
			!strings.Contains(string(body), tc.field) {
			t.Errorf("%s: answer %s, want %s naming the field", tc.field, body, tc.code)
		}
	}
	sup := env.Login(t, "supervisor")
	refused := lastEntry(t, env, sup, store.ActionHotlistRequest)
	review := api.AuditReviewRequest{Seq: refused.Seq, Verdict: api.ReviewNonCompliant, Note: "non-compliant: immigration lookup"}
	env.Do(t, "POST", "/v1/audit/reviews", sup, review, http.StatusOK, nil)
	review.Note = "non-compliant:\u202e immigration lookup"
	env.Do(t, "POST", "/v1/audit/reviews", sup, review, http.StatusUnprocessableEntity, nil)
}
