package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// The Analyses screen, for the roles that may run an analysis when the
// session can: it searches (case bar) and shows reads (photo panel).
func init() {
	registerScreen(ScreenDef{ID: screenAnalyses, Title: "Analyses", Icon: theme.GridIcon(), Order: 25,
		Roles: api.AnalysisRoles, Place: Placement{CaseBar: true, Photo: true},
		Needs: func(d Deps) bool { _, ok := session.Analyses(d.Session); return ok },
		New: func(d Deps) Screen {
			m := d.main
			an, _ := session.Analyses(d.Session)
			m.analyses = newAnalysesView(d.Session, an, d.Window, d.Photo, d.Case.Active, d.Session.TileURL(), d.Runs,
				keepEnv{categories: d.Policy.RetainCategories, now: m.app.cfg.Now, demo: d.Demo})
			m.analyses.OnTimeline = m.timelineOfPlate
			m.analyses.OnActivity = m.app.idle.touch
			m.analyses.Current = func() bool { return m.Screens().Current() == screenAnalyses }
			return &viewScreen{content: m.analyses.content, shown: func() {
				m.analyses.SetCameras(m.Form.cameras)
				m.analyses.refreshGate()
			}, focus: func() fyne.Focusable { return m.analyses.FocusTarget(m.Case.report) }}
		}})
}

// analysisVerdict sends a verdict through the Analyses screen when the
// photo panel shows a read that screen put there; false otherwise.
func (m *MainScreen) analysisVerdict(v api.VerificationRequest) bool {
	if m.analyses == nil || !m.analyses.Shows() {
		return false
	}
	m.analyses.OnVerdict(v)
	return true
}

// timelineOfPlate searches the plate under the active case and opens its
// timeline when the results arrive.
func (m *MainScreen) timelineOfPlate(plate string) {
	m.showSearch()
	m.Form.plate.SetText(plate)
	m.timelineNext = true
	m.onSearch(api.SearchRequest{Plate: plate})
}
