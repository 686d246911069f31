package ui

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"

	"alprdesk/store/storetest"
)

// Each role lands on its own work and sees only the screens it can use;
// the case bar and the photo panel go only with the screens that need them.
func TestRoleWorkspaces(t *testing.T) {
	env := storetest.Start(t)
	for _, tc := range []struct {
		user, landing string
		has, hasNot   []string
	}{
		{"detective", screenSearch, []string{screenSearch, screenTimeline, screenEvidence, screenAlerts, screenHotlists}, []string{screenAudit, screenApproval, screenLookup}},
		{"watch_commander", screenLookup, []string{screenLookup, screenSearch, screenAlerts}, []string{screenAudit, screenApproval}},
		{"supervisor", screenAudit, []string{screenAudit, screenReports, screenSearch}, []string{screenApproval, screenLookup}},
		{"approver", screenApproval, []string{screenApproval, screenAlerts}, []string{screenSearch, screenTimeline, screenEvidence, screenHotlists, screenAudit}},
		{"trainer", screenSearch, []string{screenSearch}, []string{screenAlerts, screenApproval, screenHotlists, screenClass, screenTraining}},
		{"admin", screenHotlists, []string{screenHotlists}, []string{screenSearch, screenAlerts, screenApproval, screenAudit}},
	} {
		t.Run(tc.user, func(t *testing.T) {
			a := newApp(t, env.URL, Config{})
			signIn(t, a, tc.user, storetest.Password)
			m := a.Main()
			r := m.Screens()
			if r.Current() != tc.landing {
				t.Errorf("lands on %q, want %q", r.Current(), tc.landing)
			}
			for _, id := range tc.has {
				if !r.Has(id) {
					t.Errorf("lacks %s: %v", id, r.IDs())
				}
			}
			for _, id := range tc.hasNot {
				if r.Has(id) {
					t.Errorf("has %s: %v", id, r.IDs())
				}
			}
			if len(r.Shortcuts()) != min(len(r.IDs()), 9) {
				t.Errorf("%d shortcuts for %d screens", len(r.Shortcuts()), len(r.IDs()))
			}
			for _, id := range r.IDs() {
				r.Show(id)
				def := screenDefs[slices.IndexFunc(screenDefs, func(d ScreenDef) bool { return d.ID == id })]
				if got := shows(m.caseSlot, m.caseTop); got != def.Place.CaseBar {
					t.Errorf("%s: case bar shown %v", id, got)
				}
				if got := shows(m.frame, m.Photo.content); got != def.Place.Photo {
					t.Errorf("%s: photo panel shown %v", id, got)
				}
				if y := m.frame.Position().Y; !def.Place.CaseBar && y > 0 {
					t.Errorf("%s: the screen starts %v below the top, under an empty case bar", id, y)
				}
			}
			a.logout()
		})
	}
}

// shows reports whether o is in the tree under c.
func shows(c fyne.CanvasObject, o fyne.CanvasObject) bool {
	if c == o {
		return true
	}
	switch x := c.(type) {
	case *fyne.Container:
		for _, k := range x.Objects {
			if shows(k, o) {
				return true
			}
		}
	case *container.Split:
		return shows(x.Leading, o) || shows(x.Trailing, o)
	}
	return false
}

// A screen registered twice is a programming error caught at start.
func TestRegisterScreenTwicePanics(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("a second registration of search was accepted")
		}
	}()
	registerScreen(ScreenDef{ID: screenSearch})
}
