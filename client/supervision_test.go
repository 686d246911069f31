package client_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/client"
)

func TestSupervisionEndpoints(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	det, sup := w.login(t, "detective"), w.login(t, "supervisor")
	res, err := det.Search(ctx, api.SearchRequest{CaseContext: goodCase(), Plate: "7KLM12*"})
	if err != nil || res.Total != 3 {
		t.Fatalf("search = %+v %v", res, err)
	}
	if _, err := det.Verify(ctx, res.Results[0].ID, api.VerificationRequest{SearchID: res.SearchID, Status: api.VerifyConfirmed}); err != nil {
		t.Fatal(err)
	}
	// Outcome: the searcher marks it; a bad outcome is refused before anything is written.
	rec, err := det.SetSearchOutcome(ctx, res.SearchID, api.LedToVehicleRecovered, "recovered at 98th Ave")
	if err != nil || rec.Outcome != api.LedToVehicleRecovered || rec.By != "detective" || rec.SearchID != res.SearchID {
		t.Fatalf("SetSearchOutcome = %+v %v", rec, err)
	}
	if _, err := det.SetSearchOutcome(ctx, res.SearchID, "solved", ""); !errors.Is(err, client.ErrInvalidField) {
		t.Fatalf("bad outcome = %v", err)
	}
	if _, err := det.SetSearchOutcome(ctx, "s_none", api.LedToNone, ""); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown search = %v", err)
	}

	// Sample, review, list reviews.
	month := w.env.Clock.Now().UTC().Format("2006-01")
	s1, err := sup.AuditSample(ctx, month, 5)
	if err != nil || len(s1.Entries) != 1 || s1.Entries[0].Actor != "detective" || s1.Head.Seq == 0 {
		t.Fatalf("AuditSample = %+v %v", s1, err)
	}
	s2, err := sup.AuditSample(ctx, month, 5)
	if err != nil || s2.Entries[0].Seq != s1.Entries[0].Seq || s2.Head.Seq <= s1.Head.Seq {
		t.Fatalf("second draw = %+v %v", s2, err)
	}
	if _, err := det.AuditSample(ctx, month, 5); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("detective draws a sample: %v", err)
	}
	seq := s1.Entries[0].Seq
	key := client.WithIdempotencyKey("review-key-1")
	r1, err := sup.ReviewAudit(ctx, api.AuditReviewRequest{Seq: seq, Verdict: api.ReviewNonCompliant, Note: "No RD narrative on file."}, key)
	if err != nil || r1.Seq != seq || r1.Reviewer != "supervisor" {
		t.Fatalf("ReviewAudit = %+v %v", r1, err)
	}
	r2, err := sup.ReviewAudit(ctx, api.AuditReviewRequest{Seq: seq, Verdict: api.ReviewNonCompliant, Note: "No RD narrative on file."}, key)
	if err != nil || r2.ID != r1.ID {
		t.Fatalf("repeated review = %+v %v", r2, err)
	}
	if _, err := sup.ReviewAudit(ctx, api.AuditReviewRequest{Seq: seq, Verdict: api.ReviewNeedsFollowUp}); !errors.Is(err, client.ErrInvalidField) {
		t.Fatalf("follow-up without a note = %v", err)
	}
	revs, err := sup.AuditReviews(ctx, month)
	if err != nil || len(revs) != 1 || revs[0].ID != r1.ID || revs[0].Verdict != api.ReviewNonCompliant {
		t.Fatalf("AuditReviews = %+v %v", revs, err)
	}
	if revs, err = sup.EntryReviews(ctx, seq); err != nil || len(revs) != 1 {
		t.Fatalf("EntryReviews = %+v %v", revs, err)
	}
	page, err := sup.Audit(ctx, client.AuditQuery{Action: "audit_review", PurposeCategory: "robbery", Team: "east"})
	if err != nil || len(page.Entries) != 1 || page.Entries[0].ReportNumber != goodCase().ReportNumber {
		t.Fatalf("review in the audit = %+v %v", page, err)
	}

	// Efficacy over the last day.
	now := w.env.Clock.Now()
	e, err := sup.Efficacy(ctx, now.Add(-24*time.Hour), now.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	if e.TotalSearches() != 1 || e.Verification.Confirmed != 1 || e.Verification.Unverified != 2 || e.NoOutcome != 0 {
		t.Fatalf("efficacy = %+v", e)
	}
	if i := slices.IndexFunc(e.Outcomes, func(c api.CountBy) bool { return c.Key == api.LedToVehicleRecovered }); i < 0 || e.Outcomes[i].Count != 1 {
		t.Fatalf("outcomes = %+v", e.Outcomes)
	}
	if len(e.Users) != 1 || e.Users[0].Username != "detective" || e.Users[0].Team != "east" {
		t.Fatalf("users = %+v", e.Users)
	}
	if d, err := sup.Efficacy(ctx, time.Time{}, time.Time{}); err != nil || d.TotalSearches() != 1 {
		t.Fatalf("default period = %+v %v", d, err)
	}
	if _, err := sup.Efficacy(ctx, now, now.Add(-time.Hour)); !errors.Is(err, client.ErrInvalidField) {
		t.Fatalf("inverted period = %v", err)
	}
	if _, err := det.Efficacy(ctx, time.Time{}, time.Time{}); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("detective efficacy = %v", err)
	}
}
