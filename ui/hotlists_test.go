package ui

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"alprdesk/api"
	"alprdesk/client"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

func hotStore(t *testing.T) *storetest.Env {
	return storetest.StartWith(t, store.Config{AlertKeepAlive: 200 * time.Millisecond, HotlistEvery: -1})
}

// fillRequest fills the hotlist form with a good request for p.
func fillRequest(hv *HotlistsView, p string) {
	hv.plate.SetText(p)
	hv.report.SetText("26-012345")
	hv.desc.SetText("silver Toyota Camry sedan")
	hv.explanation.SetText("Vehicle used in the armed robbery at 73rd Ave on Nov 20")
	hv.instructions.SetText("Do not stop; notify the requester.")
}

func storeClient(t *testing.T, env *storetest.Env, user string) *client.Client {
	cl, err := client.New(client.Config{BaseURL: env.URL})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Login(context.Background(), user, storetest.Password); err != nil {
		t.Fatal(err)
	}
	return cl
}

func TestHotlistFormValidatesAndFilesRequest(t *testing.T) {
	env := hotStore(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	m.ShowHotlists()
	hv := m.Hotlists
	if hv.name.Text != "Test detective" || hv.serial.Text != "S-detective" || hv.days.Text != "30" {
		t.Fatalf("defaults: %q %q %q", hv.name.Text, hv.serial.Text, hv.days.Text)
	}
	// The form opens with the cursor in the plate (it was put in the
	// requests' list, on a tab not shown), and Tab leaves the explanation.
	c := a.Window().Canvas()
	if c.Focused() != hv.plate {
		t.Fatalf("the request form: focus on %T, want the plate", c.Focused())
	}
	c.Focus(hv.explanation)
	if hv.explanation.AcceptsTab() {
		t.Fatal("the explanation keeps the Tab key")
	}
	test.FocusNext(c)
	if c.Focused() == hv.explanation || c.Focused() == nil {
		t.Fatalf("Tab from the explanation: focus on %T", c.Focused())
	}
	for _, tc := range []struct {
		edit func()
		want string
	}{
		{func() { hv.plate.SetText("7AB*") }, "Plate"},
		{func() { hv.report.SetText("2026-1") }, "Report number"},
		{func() { hv.desc.SetText("") }, "Vehicle description"},
		{func() { hv.explanation.SetText("follow up") }, "Explanation"},
		{func() { hv.days.SetText("a week") }, "Days"},
		{func() { hv.explanation.SetText("Find which protest the driver attends every week") }, "prohibits"},
	} {
		fillRequest(hv, "7ABC123")
		hv.days.SetText("30")
		tc.edit()
		test.Tap(hv.submit)
		if msg := hv.FormMessage(); !strings.Contains(msg, tc.want) {
			t.Errorf("form says %q, want %q", msg, tc.want)
		}
	}
	fillRequest(hv, "7abc 123")
	hv.days.SetText("45")
	hv.list.SetSelected(hv.list.Options[1])
	test.Tap(hv.submit)
	waitFor(t, "the filed request", func() bool { return strings.Contains(hv.FormMessage(), "Filed as") })
	if msg := hv.FormMessage(); !strings.Contains(msg, "for 30 days") || !strings.Contains(msg, "at most 30") {
		t.Fatalf("form says %q", msg)
	}
	waitFor(t, "my requests", func() bool { return len(hv.Requests()) == 1 })
	r := hv.Requests()[0]
	if r.Plate != "7ABC123" || r.List != api.ListCovert || r.Status != api.RequestPending || r.Days != 30 {
		t.Fatalf("request = %+v", r)
	}
	// The decision shows in "my requests"; the entry with its time left.
	if _, err := storeClient(t, env, "approver").DecideHotlistRequest(context.Background(), r.ID, false, "No link to the robbery is shown"); err != nil {
		t.Fatal(err)
	}
	hv.load()
	waitFor(t, "the denial", func() bool { return len(hv.Requests()) == 1 && hv.Requests()[0].Status == api.RequestDenied })
	hv.reqList.Select(0)
	if !strings.Contains(hv.reqDetail.Text, "No link to the robbery is shown") || !hv.approve.Disabled() {
		t.Fatalf("detail %q", hv.reqDetail.Text)
	}
}

func TestApproverQueue(t *testing.T) {
	env := hotStore(t)
	det := storeClient(t, env, "detective")
	ctx := context.Background()
	body := api.HotlistRequestBody{Plate: "7ABC123", State: "CA", ReportNumber: "26-012345", VehicleDescription: "silver Toyota Camry",
		Explanation: "Vehicle used in the armed robbery at 73rd Ave on Nov 20", List: api.ListAlert,
		RequesterName: "Det. Dana Reyes", RequesterSerial: "D100", Days: 7}
	if _, err := det.RequestHotlist(ctx, body); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "approver", storetest.Password)
	m := a.Main()
	if m.Screens().Current() != screenApproval || m.Screens().Has(screenSearch) {
		t.Fatalf("an approver lands on %s with screens %v", m.Screens().Current(), m.Screens().IDs())
	}
	m.ShowHotlists()
	hv := m.Hotlists
	waitFor(t, "the count of what waits", func() bool {
		return hv.tabs.Items[1].Text == "Approval queue (1 waiting)" && slices.Contains(m.Screens().Labels(), "Approvals (1)")
	})
	if hv.tabs.SelectedIndex() != 1 {
		t.Fatalf("the approver's screen opens on tab %d", hv.tabs.SelectedIndex())
	}
	// The approver files one of their own: it is never theirs to decide.
	hv.tabs.SelectIndex(0)
	fillRequest(hv, "8OWN001")
	test.Tap(hv.submit)
	waitFor(t, "both requests", func() bool { return len(hv.Requests()) == 2 })
	for i, r := range hv.Requests() {
		hv.reqList.Select(i)
		if r.Plate == "8OWN001" {
			if !hv.approve.Disabled() || !strings.Contains(hv.reqMsg.Text, "another approver") {
				t.Fatal("the approver may decide their own request")
			}
			continue
		}
		if !strings.Contains(hv.reqDetail.Text, "Explanation: Vehicle used") || hv.approve.Disabled() {
			t.Fatalf("detail %q", hv.reqDetail.Text)
		}
		test.Tap(hv.approve)
		if !strings.Contains(hv.reqMsg.Text, "at least 10") {
			t.Fatalf("no reason: %q", hv.reqMsg.Text)
		}
		hv.reason.SetText("Meets the policy for the robbery case")
		test.Tap(hv.approve)
	}
	waitFor(t, "the approval", func() bool {
		for _, r := range hv.Requests() {
			if r.Plate == "7ABC123" && r.Status == api.RequestApproved {
				return true
			}
		}
		return false
	})
	waitFor(t, "the entry", func() bool { return len(hv.Entries()) == 1 })
	if line := EntryLine(hv.Entries()[0], time.Now()); !strings.Contains(line, "6 days left") && !strings.Contains(line, "7 days left") {
		t.Fatalf("entry line %q", line)
	}
	// Early removal with a reason.
	hv.entList.Select(0)
	hv.entReason.SetText("Vehicle recovered by patrol this morning")
	test.Tap(hv.remove)
	waitFor(t, "the removal", func() bool { return len(hv.Entries()) == 0 })
}

// alertsOn starts a hotlist store with an approved alert-list entry for
// 7ABC123 (silver Toyota Camry, "Do not stop") and signs the watch
// commander in with the alerts panel open and live.
func alertsOn(t *testing.T) (*storetest.Env, *App, *MainScreen, *AlertsView) {
	t.Helper()
	env := hotStore(t)
	ctx := context.Background()
	req, err := storeClient(t, env, "detective").RequestHotlist(ctx, api.HotlistRequestBody{Plate: "7ABC123", State: "CA",
		ReportNumber: "26-012345", VehicleDescription: "silver Toyota Camry", Explanation: "Vehicle used in the armed robbery at 73rd Ave on Nov 20",
		List: api.ListAlert, RequesterName: "Det. Dana Reyes", RequesterSerial: "D100", Days: 7, Instructions: "Do not stop"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := storeClient(t, env, "approver").DecideHotlistRequest(ctx, req.ID, true, "Meets the policy for the case"); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "watch_commander", storetest.Password)
	m := a.Main()
	m.ShowAlerts()
	av := m.Alerts
	waitFor(t, "the live stream", func() bool { return av.state.Text == "Live: connected" })
	return env, a, m, av
}

func TestAlertsPanelVerifyThenAcknowledge(t *testing.T) {
	env, a, m, av := alertsOn(t)
	test.AssertNotificationSent(t, &fyne.Notification{Title: "Hotlist hit: 7ABC123 (CA)",
		Content: "alert list · International Blvd & 73rd Ave · Do not stop"}, func() {
		ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Minute)
		waitFor(t, "the hit", func() bool { return len(av.Rows()) == 1 })
	})
	if !slices.Contains(m.Screens().Labels(), "Alerts (1)") {
		t.Fatalf("nav %v", m.Screens().Labels())
	}
	waitFor(t, "the photo", func() bool { return av.Photo() != nil })
	if !strings.Contains(av.detail.Text, "Instructions: Do not stop") || !strings.Contains(av.detail.Text, "Report number: 26-012345") {
		t.Fatalf("detail %q", av.detail.Text)
	}
	if !av.ack.Disabled() {
		t.Fatal("acknowledge enabled before verification")
	}
	test.Tap(av.confirm)
	waitFor(t, "the verdict", func() bool { return av.Rows()[0].Verdict == api.VerifyConfirmed && !av.ack.Disabled() })
	av.note.SetText("Unit 12 notified")
	test.Tap(av.ack)
	waitFor(t, "the acknowledgement", func() bool { return av.Rows()[0].Acked })
	if !slices.Contains(m.Screens().Labels(), "Alerts") {
		t.Fatalf("nav %v", m.Screens().Labels())
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=alert_ack&user=watch_commander", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Outcome != api.OutcomeAllowed || page.Entries[0].ReportNumber != "26-012345" {
		t.Fatalf("ack audit %+v", page.Entries)
	}
	// A locked workstation keeps receiving hits but shows no plate.
	a.LockNow()
	test.AssertNotificationSent(t, &fyne.Notification{Title: "Hotlist hit", Content: "A new hotlist hit arrived; unlock alprdesk to see it."}, func() {
		ingestAt(t, env, "r-locked", "7ABC123", "cam-2", time.Minute, [3]string{"silver", "Toyota", "sedan"})
		waitFor(t, "the hit while locked", func() bool { return len(av.Rows()) == 2 })
	})
}

func TestOfflineHotlistRequestGoesThroughOutbox(t *testing.T) {
	env := hotStore(t)
	px := startProxy(t, env.URL)
	a := newApp(t, "http://"+px.addr, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	m.ShowHotlists()
	hv := m.Hotlists
	waitFor(t, "the first load", func() bool { drain(); return hv.reqList != nil })
	px.down()
	fillRequest(hv, "5OFF001")
	test.Tap(hv.submit)
	waitFor(t, "the queued request", func() bool { return strings.Contains(hv.FormMessage(), "outbox") })
	px.up(t)
	hv.load() // the next call reaches the store and delivers the outbox
	appr := storeClient(t, env, "approver")
	waitFor(t, "the request on the store", func() bool {
		rs, err := appr.HotlistRequests(context.Background())
		return err == nil && len(rs) == 1 && rs[0].Plate == "5OFF001" && rs[0].RequestedBy == "detective"
	})
}

// TestAlertFromTheKeyboard: on the alerts screen the hit list has the
// focus; 1 confirms the hit on show, the cursor goes to the note, and
// Enter there acknowledges.
func TestAlertFromTheKeyboard(t *testing.T) {
	env, a, m, av := alertsOn(t)
	if !av.listEmpty.Empty() {
		t.Fatal("no hit yet, and the list does not say so")
	}
	ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Minute)
	waitFor(t, "the hit", func() bool { return len(av.Rows()) == 1 })
	if av.listEmpty.Empty() {
		t.Fatal("the list of one hit still says it is empty")
	}
	m.ShowAlerts()
	c := a.Window().Canvas()
	if c.Focused() != av.list {
		t.Fatalf("alerts screen: focus on %T, want the hit list", c.Focused())
	}
	press(t, c, fyne.KeySpace)
	waitFor(t, "the photo", func() bool { return av.Photo() != nil && !av.confirm.Disabled() })
	test.Type(av.list, "1")
	waitFor(t, "the verdict", func() bool { return av.Rows()[0].Verdict == api.VerifyConfirmed })
	if c.Focused() != av.note {
		t.Fatalf("after the verdict: focus on %T, want the note", c.Focused())
	}
	test.Type(av.note, "Unit 12 notified")
	press(t, c, fyne.KeyReturn)
	waitFor(t, "the acknowledgement", func() bool { return av.Rows()[0].Acked })
}

// TestApprovalQueueSaysWhenEmpty: the approver lands with the cursor in
// the queue, which says that nothing waits until a request arrives; then
// Space opens it, and Tab goes to the reason.
func TestApprovalQueueSaysWhenEmpty(t *testing.T) {
	env := hotStore(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "approver", storetest.Password)
	m := a.Main()
	hv := m.Hotlists
	c := a.Window().Canvas()
	if c.Focused() != hv.reqList {
		t.Fatalf("approver's landing: focus on %T, want the queue", c.Focused())
	}
	waitFor(t, "the queue", func() bool { return !m.runs.busy("hotlists_lists.load") })
	if !hv.reqEmpty.Empty() || !strings.Contains(hv.reqEmpty.empty.Text, "No requests wait") {
		t.Fatalf("empty queue: shown %v, %q", hv.reqEmpty.Empty(), hv.reqEmpty.empty.Text)
	}
	if hv.entEmpty.Empty() != (len(hv.Entries()) == 0) {
		t.Fatalf("%d entries, empty text shown %v", len(hv.Entries()), hv.entEmpty.Empty())
	}
	if _, err := storeClient(t, env, "detective").RequestHotlist(context.Background(), api.HotlistRequestBody{Plate: "7ABC123",
		State: "CA", ReportNumber: "26-012345", VehicleDescription: "silver Toyota Camry",
		Explanation: "Vehicle used in the armed robbery at 73rd Ave on Nov 20", List: api.ListAlert,
		RequesterName: "Det. Dana Reyes", RequesterSerial: "D100", Days: 7}); err != nil {
		t.Fatal(err)
	}
	hv.load()
	waitFor(t, "the request", func() bool { return len(hv.Requests()) == 1 })
	if hv.reqEmpty.Empty() {
		t.Fatal("the queue still says it is empty")
	}
	press(t, c, fyne.KeySpace)
	test.FocusNext(c)
	if hv.approve.Disabled() || c.Focused() != hv.reason {
		t.Fatalf("Space then Tab: approve enabled %v, focus on %T, want the reason", !hv.approve.Disabled(), c.Focused())
	}
}
