package client_test

import (
	"bytes"
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/cache"
	"alprdesk/client"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// hotWorld is a store with quick alert keep-alives.
func hotWorld(t *testing.T) *world {
	env := storetest.StartWith(t, store.Config{AlertKeepAlive: 200 * time.Millisecond, HotlistEvery: -1})
	return &world{env: env, photos: map[string][]byte{}}
}

func hotBody(p, list string) api.HotlistRequestBody {
	return api.HotlistRequestBody{Plate: p, State: "CA", ReportNumber: "26-012345",
		VehicleDescription: "silver Toyota Camry sedan", Explanation: "Vehicle used in the armed robbery at 73rd Ave on Nov 20",
		List: list, RequesterName: "Det. Dana Reyes", RequesterSerial: "D100", Days: 40}
}

// collector follows the alert stream of a client in the background.
type collector struct {
	mu     sync.Mutex
	alerts []api.Alert
	cancel context.CancelFunc
	done   chan error
}

func follow(c *client.Client, lastID string) *collector {
	ctx, cancel := context.WithCancel(context.Background())
	col := &collector{cancel: cancel, done: make(chan error, 1)}
	go func() {
		col.done <- c.Subscribe(ctx, lastID, func(a api.Alert) {
			col.mu.Lock()
			col.alerts = append(col.alerts, a)
			col.mu.Unlock()
		}, client.StreamBackoff(20*time.Millisecond, 200*time.Millisecond))
	}()
	return col
}

func (col *collector) stop() error {
	col.cancel()
	return <-col.done
}

func (col *collector) wait(t *testing.T, n int) []api.Alert {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		col.mu.Lock()
		got := append([]api.Alert(nil), col.alerts...)
		col.mu.Unlock()
		if len(got) >= n {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("%d alerts did not arrive", n)
	return nil
}

func TestHotlistRequestsAndDecisions(t *testing.T) {
	w := hotWorld(t)
	ctx := context.Background()
	det, appr := w.login(t, "detective"), w.login(t, "approver")
	req, err := det.RequestHotlist(ctx, hotBody("7abc 123", api.ListAlert))
	if err != nil || req.Days != 30 || req.Notice == "" || req.Plate != "7ABC123" || req.Status != api.RequestPending {
		t.Fatalf("request: %+v %v", req, err)
	}
	bad := hotBody("7ABC123", "everyone")
	if _, err := det.RequestHotlist(ctx, bad); !errors.Is(err, client.ErrInvalidField) {
		t.Errorf("bad list: %v", err)
	}
	bad = hotBody("7ABC123", api.ListAlert)
	bad.Explanation = "Find out which abortion clinic the driver visits"
	if _, err := det.RequestHotlist(ctx, bad); !errors.Is(err, client.ErrProhibitedPurpose) {
		t.Errorf("prohibited: %v", err)
	}
	if _, err := w.login(t, "rookie").RequestHotlist(ctx, hotBody("7ABC123", api.ListAlert)); !errors.Is(err, client.ErrTrainingRequired) {
		t.Errorf("rookie: %v", err)
	}
	own, err := appr.RequestHotlist(ctx, hotBody("8OWN001", api.ListCovert))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := appr.DecideHotlistRequest(ctx, own.ID, true, "Approving my own request"); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("own decision: %v", err)
	}
	if _, err := det.DecideHotlistRequest(ctx, req.ID, true, "Approving as a detective"); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("detective decision: %v", err)
	}
	dec, err := appr.DecideHotlistRequest(ctx, req.ID, true, "Meets the policy: open robbery case")
	if err != nil || dec.Status != api.RequestApproved || dec.EntryID == "" {
		t.Fatalf("approve: %+v %v", dec, err)
	}
	if _, err := appr.DecideHotlistRequest(ctx, req.ID, false, "Changed my mind about it"); !errors.Is(err, client.ErrConflict) {
		t.Errorf("second decision: %v", err)
	}
	mine, err := det.HotlistRequests(ctx)
	if err != nil || len(mine) != 1 || mine[0].Status != api.RequestApproved {
		t.Fatalf("my requests: %+v %v", mine, err)
	}
	all, err := appr.HotlistRequests(ctx)
	if err != nil || len(all) != 2 {
		t.Fatalf("all requests: %+v %v", all, err)
	}
	entries, err := det.HotlistEntries(ctx)
	if err != nil || len(entries) != 1 || entries[0].ID != dec.EntryID || entries[0].List != api.ListAlert {
		t.Fatalf("entries: %+v %v", entries, err)
	}
	if err := det.RemoveHotlistEntry(ctx, dec.EntryID, "Vehicle recovered by patrol"); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("detective removal: %v", err)
	}
	if err := w.login(t, "admin").RemoveHotlistEntry(ctx, dec.EntryID, "Vehicle recovered by patrol"); err != nil {
		t.Fatalf("removal: %v", err)
	}
	if entries, err := det.HotlistEntries(ctx); err != nil || len(entries) != 0 {
		t.Fatalf("entries after removal: %+v %v", entries, err)
	}
}

func TestAlertStreamVerifyAckAndRestart(t *testing.T) {
	w := hotWorld(t)
	ctx := context.Background()
	req, err := w.login(t, "detective").RequestHotlist(ctx, hotBody("7ABC123", api.ListAlert))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.login(t, "approver").DecideHotlistRequest(ctx, req.ID, true, "Meets the policy: open robbery case"); err != nil {
		t.Fatal(err)
	}
	wc := w.login(t, "watch_commander")
	col := follow(wc, "")
	time.Sleep(100 * time.Millisecond) // the stream is open before the hit
	photo := jpegOf(t, 3)
	ingest := func(id string) {
		w.env.Ingest(t, api.ReadMeta{ID: id, CameraID: "cam-1", CapturedAt: w.env.Clock.Now(), Plate: "7ABC123",
			State: "CA", Confidence: 0.9, PlateBox: api.Box{X: 1, Y: 1, W: 10, H: 5}}, photo)
	}
	ingest("c-1")
	a := col.wait(t, 1)[0]
	if a.Read.ID != "c-1" || a.Match != api.MatchExact || a.Entry.ReportNumber != "26-012345" {
		t.Fatalf("alert = %+v", a)
	}
	got, err := wc.Photo(ctx, "c-1", client.ByAlert(a.ID))
	if err != nil || !bytes.Equal(got, photo) {
		t.Fatalf("photo: %v", err)
	}
	if err := wc.AckAlert(ctx, a.ID, "Unit 12 notified"); !errors.Is(err, client.ErrVerificationRequired) {
		t.Fatalf("ack before verification: %v", err)
	}
	if _, err := wc.Verify(ctx, "c-1", api.VerificationRequest{AlertID: a.ID, Status: api.VerifyConfirmed}); err != nil {
		t.Fatal(err)
	}
	if err := wc.AckAlert(ctx, a.ID, "Unit 12 notified"); err != nil {
		t.Fatalf("ack: %v", err)
	}
	// A restart of the workstation resumes after the last alert it saw.
	if err := col.stop(); !errors.Is(err, context.Canceled) {
		t.Fatalf("subscribe ended with %v", err)
	}
	ingest("c-2")
	ingest("c-3")
	col2 := follow(w.login(t, "watch_commander"), a.ID)
	more := col2.wait(t, 2)
	if more[0].Read.ID != "c-2" || more[1].Read.ID != "c-3" {
		t.Fatalf("after restart: %+v", more)
	}
	col2.stop()
	// Roles that receive no alerts are refused at once.
	if err := w.login(t, "admin").Subscribe(ctx, "", func(api.Alert) {}); !errors.Is(err, client.ErrForbidden) {
		t.Errorf("admin subscribe: %v", err)
	}
}

func TestHotlistRequestThroughTheOutbox(t *testing.T) {
	w := hotWorld(t)
	c, err := cache.OpenMemory(cache.Options{Store: w.env.URL, User: "detective", PurgeEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.EnqueueHotlistRequest(hotBody("5OFF001", api.ListCovert)); err != nil {
		t.Fatal(err)
	}
	det := w.login(t, "detective")
	rep, err := c.Deliver(context.Background(), cache.SendWith(det))
	if err != nil || rep.Delivered != 1 {
		t.Fatalf("deliver: %+v %v", rep, err)
	}
	mine, err := det.HotlistRequests(context.Background())
	if err != nil || len(mine) != 1 || mine[0].Plate != "5OFF001" || mine[0].List != api.ListCovert {
		t.Fatalf("delivered request: %+v %v", mine, err)
	}
}
