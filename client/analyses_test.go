package client_test

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/client"
)

func TestAnalysesThroughTheClient(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	now := w.env.Clock.Now()
	// rd-1 (7KLM121) is read again at cam-2: the one plate at both scenes.
	w.env.Ingest(t, api.ReadMeta{ID: "rd-9", CameraID: "cam-2", CapturedAt: now.Add(-90 * time.Minute), Plate: "7KLM121",
		State: "CA", Confidence: 0.9}, jpegOf(t, 9))
	c := w.login(t, "detective")
	scenes := []api.Scene{
		{CameraIDs: []string{"cam-1"}, From: now.Add(-5 * time.Hour), To: now},
		{CameraIDs: []string{"cam-2"}, From: now.Add(-5 * time.Hour), To: now},
	}
	res, err := c.CommonPlates(ctx, api.CommonPlatesRequest{CaseContext: goodCase(), Scenes: scenes})
	if err != nil || len(res.Plates) != 1 || res.Plates[0].Plate != "7KLM121" || len(res.Plates[0].Reads) != 2 {
		t.Fatalf("CommonPlates = %+v, %v", res, err)
	}
	photo, err := c.Photo(ctx, "rd-1", client.ByAnalysis(res.AnalysisID))
	if err != nil || !bytes.Equal(photo, w.photos["rd-1"]) {
		t.Fatalf("photo through the analysis: %d bytes, %v", len(photo), err)
	}
	if _, err := c.Photo(ctx, "rd-2", client.ByAnalysis(res.AnalysisID)); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("photo of a read the analysis did not return: %v", err)
	}
	if _, err := c.Verify(ctx, "rd-9", api.VerificationRequest{AnalysisID: res.AnalysisID, Status: api.VerifyConfirmed}); err != nil {
		t.Fatal(err)
	}
	_, err = c.CommonPlates(ctx, api.CommonPlatesRequest{CaseContext: goodCase(), Scenes: scenes[:1]})
	if !errors.Is(err, client.ErrInvalidField) {
		t.Fatalf("one scene: %v", err)
	}
	conv := api.ConvoyRequest{CaseContext: goodCase(), Plate: "7KLM121", From: now.Add(-24 * time.Hour), To: now}
	if _, err := w.login(t, "watch_commander").Convoy(ctx, conv); !errors.Is(err, client.ErrAnalysisNotPermitted) {
		t.Fatalf("convoy by a watch commander: %v", err)
	}
	cr, err := c.Convoy(ctx, conv)
	if err != nil || len(cr.TargetReads) != 2 || len(cr.Companions) != 0 {
		t.Fatalf("Convoy = %+v, %v", cr, err)
	}
}
