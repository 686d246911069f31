package ui

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2/test"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

func TestExtendApprovedRequestLinksTheOldOne(t *testing.T) {
	env := hotStore(t)
	ctx := context.Background()
	old, err := storeClient(t, env, "detective").RequestHotlist(ctx, api.HotlistRequestBody{Plate: "7ABC123", State: "CA",
		ReportNumber: "26-012345", VehicleDescription: "silver Toyota Camry", Explanation: "Vehicle used in the armed robbery at 73rd Ave on Nov 20",
		List: api.ListAlert, RequesterName: "Det. Dana Reyes", RequesterSerial: "D100", Days: 7, Instructions: "Do not stop"})
	if err != nil {
		t.Fatal(err)
	}
	pending, err := storeClient(t, env, "detective").RequestHotlist(ctx, api.HotlistRequestBody{Plate: "8PND001", State: "CA",
		ReportNumber: "26-012345", VehicleDescription: "blue Honda Civic", Explanation: "Second vehicle seen at the armed robbery on Nov 20",
		List: api.ListAlert, RequesterName: "Det. Dana Reyes", RequesterSerial: "D100", Days: 7})
	if err != nil {
		t.Fatal(err)
	}
	appr := storeClient(t, env, "approver")
	if _, err := appr.DecideHotlistRequest(ctx, old.ID, true, "Meets the policy for the case"); err != nil {
		t.Fatal(err)
	}
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	m.ShowHotlists()
	hv := m.Hotlists
	hv.tabs.SelectIndex(1)
	waitFor(t, "requests and entry", func() bool { return len(hv.Requests()) == 2 && len(hv.Entries()) == 1 })
	for i, r := range hv.Requests() {
		hv.reqList.Select(i)
		if r.ID == pending.ID && !hv.extend.Disabled() {
			t.Fatal("a pending request offers Extend")
		}
		if r.ID == old.ID {
			if hv.extend.Disabled() {
				t.Fatal("the approved request with an active entry offers no Extend")
			}
			test.Tap(hv.extend)
		}
	}
	if hv.tabs.SelectedIndex() != 0 || hv.plate.Text != "7ABC123" || hv.instructions.Text != "Do not stop" ||
		hv.Extends() != old.ID || !strings.Contains(hv.FormMessage(), "Extension of request "+old.ID) {
		t.Fatalf("form not prefilled: tab %d plate %q extends %q msg %q", hv.tabs.SelectedIndex(), hv.plate.Text, hv.Extends(), hv.FormMessage())
	}
	test.Tap(hv.submit)
	waitFor(t, "the extension filed", func() bool { return strings.Contains(hv.FormMessage(), "Filed as") })
	if hv.Extends() != "" {
		t.Fatal("the form still extends after filing")
	}
	rs, err := appr.HotlistRequests(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range rs {
		if r.ID != old.ID && r.Plate == "7ABC123" {
			found = r.Extends == old.ID && r.Status == api.RequestPending && r.Days == maxHotlistDays
		}
	}
	if !found {
		t.Fatalf("no pending extension of %s on the store: %+v", old.ID, rs)
	}
}
