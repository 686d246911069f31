package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/client"
)

// TestAccountabilityEndpoints: a look-alike hit's check through the list
// and the verdict, outcomes with their refusals, the review queue and the
// transparency figures, through the client against a real store.
func TestAccountabilityEndpoints(t *testing.T) {
	w := hotWorld(t)
	ctx := context.Background()
	det := w.login(t, "detective")
	req, err := det.RequestHotlist(ctx, hotBody("7ABC123", api.ListAlert))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.login(t, "approver").DecideHotlistRequest(ctx, req.ID, true, "Meets the policy: open robbery case"); err != nil {
		t.Fatal(err)
	}
	w.env.Ingest(t, api.ReadMeta{ID: "ac-1", CameraID: "cam-1", CapturedAt: w.env.Clock.Now(), Plate: "7A8C123",
		State: "CA", Confidence: 0.9, Make: "Toyota", Color: "silver", PlateBox: api.Box{X: 1, Y: 1, W: 10, H: 5}}, nil)
	wc := w.login(t, "watch_commander")
	items, err := wc.Alerts(ctx, time.Time{}, time.Time{})
	if err != nil || len(items) != 1 || items[0].Check.StopReady || len(items[0].Check.Positions) != 1 || !items[0].Check.Positions[0].LookAlike {
		t.Fatalf("Alerts = %+v, %v", items, err)
	}
	a := items[0]
	res, err := wc.VerifyAlertRead(ctx, "ac-1", api.VerificationRequest{AlertID: a.ID, Status: api.VerifyConfirmed})
	if err != nil || res.Check == nil || res.Check.StopReady || res.Status != api.VerifyConfirmed {
		t.Fatalf("VerifyAlertRead = %+v, %v", res, err)
	}
	_, err = wc.RecordOutcome(ctx, a.ID, api.OutcomeRequest{Action: api.ActionStop})
	if !errors.Is(err, &api.Error{Code: api.CodeReasonRequired}) {
		t.Fatalf("stop without a reason: %v", err)
	}
	o, err := wc.RecordOutcome(ctx, a.ID, api.OutcomeRequest{Action: api.ActionStop, Reason: "Driver waved us down about the car"})
	if err != nil || o.StopReady || o.Action != api.ActionStop {
		t.Fatalf("RecordOutcome = %+v, %v", o, err)
	}
	if _, err := wc.RecordOutcome(ctx, a.ID, api.OutcomeRequest{Action: api.ActionNoAction}); !errors.Is(err, &api.Error{Code: api.CodeOutcomeExists}) {
		t.Fatalf("second outcome: %v", err)
	}
	if _, err := wc.RecordOutcome(ctx, "al_404", api.OutcomeRequest{Action: api.ActionNoAction}); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown alert: %v", err)
	}

	sup := w.login(t, "supervisor")
	flags, err := sup.AuditFlags(ctx, time.Time{}, time.Time{})
	var stop *api.AuditFlag
	for i := range flags {
		if flags[i].Kind == api.FlagUnverifiedStop {
			stop = &flags[i]
		}
	}
	if err != nil || stop == nil || stop.Username != "watch_commander" {
		t.Fatalf("AuditFlags = %+v, %v", flags, err)
	}
	rev, err := sup.ReviewFlag(ctx, stop.ID, api.FlagReviewRequest{Verdict: api.ReviewNeedsFollowUp, Note: "Ask the officer for the stop report"})
	if err != nil || rev.Reviewer != "supervisor" {
		t.Fatalf("ReviewFlag = %+v, %v", rev, err)
	}
	if _, err := wc.AuditFlags(ctx, time.Time{}, time.Time{}); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("flags as a watch commander: %v", err)
	}
	tr, err := sup.Transparency(ctx, time.Time{}, time.Time{})
	if err != nil || tr.Hits.ByList[api.ListAlert] != 1 || tr.Hits.Outcomes[api.ActionStop] != 1 || tr.Hits.Confirmed != 1 {
		t.Fatalf("Transparency = %+v, %v", tr, err)
	}
	e, err := sup.Efficacy(ctx, time.Time{}, time.Time{})
	if err != nil || e.HitsByList[0].StopsNotStopReady != 1 {
		t.Fatalf("Efficacy = %+v, %v", e, err)
	}
}
