package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// TestNeedsReviewTab: a detective searches one plate under three report
// numbers; the supervisor's Needs review tab lists the flag, opens its
// entries and records a review, which the store keeps.
func TestNeedsReviewTab(t *testing.T) {
	noon := time.FixedZone("noon", (12-time.Now().UTC().Hour())*3600) // nothing is after hours
	env := storetest.StartWith(t, store.Config{TimeZone: noon})
	ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Hour)
	det := env.Login(t, "detective")
	for i, p := range []string{"Armed robbery at 73rd Ave, silver sedan seen leaving", "Burglary on Foothill Blvd, car parked outside",
		"Assault near Lake Merritt, suspect drove off north"} {
		c := api.CaseContext{ReportNumber: "26-10000" + string(rune('1'+i)), PurposeCategory: "robbery", Purpose: p}
		env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: c, Plate: "7ABC123"}, http.StatusOK, nil)
	}
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "supervisor", storetest.Password)
	q := a.Main().Audit().NeedsReview
	waitFor(t, "the flags", func() bool { return len(q.Flags()) == 1 })
	f := q.Flags()[0]
	if f.Kind != api.FlagRepeatPlate || !strings.Contains(FlagLine(f), "Same plate, several cases  detective  · to review") {
		t.Fatalf("flag %+v / %q", f, FlagLine(f))
	}
	q.Open(0)
	waitFor(t, "the flag's entries", func() bool { return strings.Contains(q.Detail.Text, "The 3 audit entries it rests on") })
	for _, want := range []string{"26-100001", "26-100003", "plate 7ABC123", "under 3 different report numbers"} {
		if !strings.Contains(q.Detail.Text, want) {
			t.Fatalf("detail lacks %q:\n%s", want, q.Detail.Text)
		}
	}
	q.Verdict.SetSelected(verdictLabels[api.ReviewNeedsFollowUp])
	q.Note.SetText("short")
	test.Tap(q.Record)
	if !strings.Contains(q.Message(), "at least 10") {
		t.Fatalf("short note: %q", q.Message())
	}
	q.Note.SetText("Ask which case the plate belongs to")
	test.Tap(q.Record)
	waitFor(t, "the review", func() bool { return q.Flags()[0].Review != nil })
	if !strings.Contains(FlagLine(q.Flags()[0]), "· reviewed: Needs follow-up") || !strings.Contains(q.Detail.Text, "Reviewed by supervisor") {
		t.Fatalf("after the review: %q\n%s", FlagLine(q.Flags()[0]), q.Detail.Text)
	}
	var got api.AuditFlags
	env.Do(t, "GET", "/v1/audit/flags", env.Login(t, "supervisor"), nil, http.StatusOK, &got)
	if len(got.Flags) != 1 || !got.Flags[0].Reviewed {
		t.Fatalf("store's flags %+v", got.Flags)
	}
}
