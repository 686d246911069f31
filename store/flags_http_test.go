package store_test

import (
	"net/http"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// TestAuditFlagsHTTP: one detective's pattern searches under three report
// numbers return the same plate; the supervisor's queue shows a
// repeat_plate flag, which takes a review (audited) and then says so.
func TestAuditFlagsHTTP(t *testing.T) {
	// A time zone in which the test runs at noon: nothing is after hours.
	noon := time.FixedZone("noon", (12-time.Now().UTC().Hour())*3600)
	env := storetest.StartWith(t, store.Config{HotlistEvery: -1, TimeZone: noon})
	env.Ingest(t, read(env, "f-1", "7ABC123", time.Hour), nil)
	det := env.Login(t, "detective")
	for _, c := range []api.CaseContext{
		{ReportNumber: "26-100001", PurposeCategory: "robbery", Purpose: "Armed robbery at 73rd Ave, silver sedan seen leaving"},
		{ReportNumber: "26-100002", PurposeCategory: "burglary", Purpose: "Burglary on Foothill Blvd, car parked outside at night"},
		{ReportNumber: "26-100003", PurposeCategory: "assault", Purpose: "Assault near Lake Merritt, suspect drove off north"},
	} {
		env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: c, Plate: "7AB*"}, http.StatusOK, nil)
	}
	sup := env.Login(t, "supervisor")
	var got api.AuditFlags
	env.Do(t, "GET", "/v1/audit/flags", sup, nil, http.StatusOK, &got)
	if len(got.Flags) != 1 || got.Flags[0].Kind != api.FlagRepeatPlate || got.Flags[0].Username != "detective" ||
		len(got.Flags[0].Seqs) != 3 || got.Flags[0].Reviewed {
		t.Fatalf("flags = %+v", got.Flags)
	}
	id := got.Flags[0].ID
	review := "/v1/audit/flags/" + id + "/review"
	env.Do(t, "POST", review, sup, api.FlagReviewRequest{Verdict: "fine"}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", review, sup, api.FlagReviewRequest{Verdict: api.ReviewNonCompliant, Note: "short"}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/audit/flags/repeat_plate-999-00000000/review", sup,
		api.FlagReviewRequest{Verdict: api.ReviewCompliant}, http.StatusNotFound, nil)
	env.Do(t, "POST", review, det, api.FlagReviewRequest{Verdict: api.ReviewCompliant}, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/audit/flags", det, nil, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/audit/flags?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", sup, nil, http.StatusUnprocessableEntity, nil)
	var rev api.FlagReview
	env.Do(t, "POST", review, sup, api.FlagReviewRequest{Verdict: api.ReviewNeedsFollowUp, Note: "Ask which case the plate belongs to"},
		http.StatusOK, &rev)
	if rev.Reviewer != "supervisor" || rev.Verdict != api.ReviewNeedsFollowUp {
		t.Fatalf("review = %+v", rev)
	}
	env.Do(t, "GET", "/v1/audit/flags", sup, nil, http.StatusOK, &got)
	if len(got.Flags) != 1 || got.Flags[0].ID != id || !got.Flags[0].Reviewed || got.Flags[0].Review == nil ||
		got.Flags[0].Review.Note != "Ask which case the plate belongs to" {
		t.Fatalf("after the review: %+v", got.Flags)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action="+store.ActionFlagReview, sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Actor != "supervisor" {
		t.Fatalf("flag review audit = %+v", page.Entries)
	}
}
