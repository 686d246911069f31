package ui

import (
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// The watch commander's lookup lists say what will appear in them while
// they are empty, and show rows once there are some.
func TestLookupListsSayWhenEmpty(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "watch_commander", storetest.Password)
	m := a.Main()
	v, ok := m.reg.build(m.reg.index(screenLookup)).(*LookupView)
	if !ok || m.reg.Current() != screenLookup {
		t.Fatalf("the watch commander lands on %q", m.reg.Current())
	}
	if !v.list.Empty() || v.list.empty.Text != noLookups {
		t.Fatalf("no lookups yet: empty %v, %q", v.list.Empty(), v.list.empty.Text)
	}
	if v.alerts == nil || !v.alerts.Empty() || v.alerts.empty.Text != noAlerts {
		t.Fatal("no alerts yet, and the alert column does not say so")
	}
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	m.reg.Show(screenLookup)
	v.plate.SetText("7ABC123")
	v.plate.OnSubmitted(v.plate.Text)
	if v.list.Empty() || v.list.length() != 1 {
		t.Fatalf("after a lookup: empty %v, %d rows", v.list.Empty(), v.list.length())
	}
	m.Alerts.add(api.Alert{ID: "al-1", At: time.Now(), List: api.ListStolenVehicles,
		Read: api.Read{ID: "r-1", Plate: "7ABC123", State: "CA"}})
	if v.alerts.Empty() || v.alerts.length() != 1 {
		t.Fatalf("after a hit: empty %v, %d rows", v.alerts.Empty(), v.alerts.length())
	}
}
