package ui

import (
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
)

// Nav entries of the hotlist screens.
const (
	navAlerts   = "Alerts"
	navHotlists = "Hotlists"
)

// initHotlists adds the Alerts and Hotlists screens (when the session has
// a hotlist side) and starts following the alert stream.
func (m *MainScreen) initHotlists() {
	if hotlistsOf(m.sess) == nil {
		return
	}
	m.Alerts = newAlertsView(m)
	m.Hotlists = newHotlistsView(m)
	m.navItems = append(m.navItems, navAlerts, navHotlists)
	m.Alerts.OnCount = m.setAlertCount
	m.Alerts.start()
}

// onHotNav opens a hotlist screen from the nav list; it reports whether
// item was one.
func (m *MainScreen) onHotNav(item string) bool {
	switch {
	case m.Alerts != nil && strings.HasPrefix(item, navAlerts):
		m.showPane(m.Alerts.content)
	case m.Hotlists != nil && item == navHotlists:
		m.Hotlists.load()
		m.showPane(m.Hotlists.content)
	default:
		return false
	}
	return true
}

func (m *MainScreen) showPane(o fyne.CanvasObject) {
	m.center.Objects = []fyne.CanvasObject{o}
	m.center.Refresh()
}

// ShowAlerts opens the alerts panel.
func (m *MainScreen) ShowAlerts() { m.selectNav(navAlerts) }

// ShowHotlists opens the hotlist screen.
func (m *MainScreen) ShowHotlists() { m.selectNav(navHotlists) }

func (m *MainScreen) selectNav(prefix string) {
	for i, it := range m.navItems {
		if strings.HasPrefix(it, prefix) {
			m.nav.Select(i)
			return
		}
	}
}

// setAlertCount shows the hits not yet acknowledged beside "Alerts".
func (m *MainScreen) setAlertCount(n int) {
	for i, it := range m.navItems {
		if strings.HasPrefix(it, navAlerts) {
			m.navItems[i] = navAlerts
			if n > 0 {
				m.navItems[i] = fmt.Sprintf("%s (%d)", navAlerts, n)
			}
		}
	}
	m.nav.Refresh()
}
