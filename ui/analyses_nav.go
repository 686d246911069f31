package ui

import (
	"slices"

	"fyne.io/fyne/v2"

	"alprdesk/api"
)

// analysisNav offers the Analyses screen to the roles that may run an
// analysis, when the session can.
func (m *MainScreen) analysisNav() []string {
	if _, ok := m.sess.(AnalysisSession); ok && slices.Contains(api.AnalysisRoles, m.sess.User().Role) {
		return []string{navAnalyses}
	}
	return nil
}

// showAnalyses opens the Analyses screen, built on first use.
func (m *MainScreen) showAnalyses() {
	an, ok := m.sess.(AnalysisSession)
	if !ok {
		return
	}
	if m.analyses == nil {
		m.analyses = newAnalysesView(m.sess, an, m.app.win, m.Photo, m.Case.Active, m.sess.TileURL(), m.bg)
		m.analyses.OnTimeline = m.timelineOfPlate
		m.analyses.OnActivity = m.app.idle.touch
	}
	m.analyses.SetCameras(m.Form.cameras)
	m.analyses.refreshGate()
	m.center.Objects = []fyne.CanvasObject{m.analyses.content}
	m.center.Refresh()
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
