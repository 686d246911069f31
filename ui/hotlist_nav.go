package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// The hotlist screens: live alerts, the approver's queue and the hotlist
// requests and entries of everyone else.
func init() {
	hasHotlists := func(d Deps) bool { _, ok := session.Hotlists(d.Session); return ok }
	registerScreen(ScreenDef{ID: screenAlerts, Title: "Alerts", Icon: theme.WarningIcon(), Order: 40,
		Roles: alertRoles, Needs: hasHotlists, Eager: true, // the stream runs, and the badge counts, from sign-in
		New: func(d Deps) Screen {
			m := d.main
			m.Alerts = newAlertsView(m)
			m.Alerts.OnCount = func(int) { d.Nav.RefreshBadges() }
			m.Alerts.start()
			return &viewScreen{content: m.Alerts.content, badge: m.Alerts.Unacknowledged,
				focus: m.Alerts.focusTarget}
		}})
	registerScreen(ScreenDef{ID: screenApproval, Title: "Approvals", Icon: theme.ConfirmIcon(), Order: 50,
		Roles: []string{api.RoleApprover}, Landing: []string{api.RoleApprover}, Needs: hasHotlists, Eager: true,
		New: func(d Deps) Screen { return hotlistScreen(d, 1) }})
	registerScreen(ScreenDef{ID: screenHotlists, Title: "Hotlists", Icon: theme.ListIcon(), Order: 50,
		Roles:   []string{api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor, api.RoleAdmin},
		Landing: []string{api.RoleAdmin}, Needs: hasHotlists,
		New: func(d Deps) Screen {
			tab := 0
			if d.Session.User().Role == api.RoleAdmin {
				tab = 2 // the entries an administrator may remove
			}
			return hotlistScreen(d, tab)
		}})
}

// hotlistScreen builds the hotlist view opened on tab (0 request, 1
// requests or queue, 2 active entries); its badge counts the requests
// waiting for a decision.
func hotlistScreen(d Deps, tab int) Screen {
	m := d.main
	m.Hotlists = newHotlistsView(m)
	m.Hotlists.OnLoaded = d.Nav.RefreshBadges
	m.Hotlists.tabs.SelectIndex(tab)
	m.Hotlists.load()
	// The first field of the tab on show: the form's plate, the queue's
	// list, the entries' list.
	focus := func() fyne.Focusable { return firstFocusable(m.Hotlists.tabs.Selected().Content) }
	return &viewScreen{content: m.Hotlists.content, shown: m.Hotlists.load, badge: m.Hotlists.Waiting, focus: focus}
}

// ShowAlerts opens the alerts panel.
func (m *MainScreen) ShowAlerts() { m.reg.Show(screenAlerts) }

// ShowHotlists opens the hotlist screen (the approval queue for approvers).
func (m *MainScreen) ShowHotlists() {
	if !m.reg.Show(screenHotlists) {
		m.reg.Show(screenApproval)
	}
}

// waiting counts the pending requests the user may decide.
func waiting(reqs []api.HotlistRequest, me string) int {
	return len(slices.DeleteFunc(slices.Clone(reqs), func(r api.HotlistRequest) bool {
		return r.Status != api.RequestPending || r.RequestedBy == me
	}))
}
