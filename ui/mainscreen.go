package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// pageSize is the number of results fetched per page.
const pageSize = 200

// MainScreen is the signed-in window: the navigation of the role's
// screens (registry.go), the screen on show with the case bar above it
// when it searches and the photo panel beside it when it shows reads, and
// the status line. It owns what screens share: the case bar, the search
// form and results, the photo panel and the timeline.
type MainScreen struct {
	app     *App
	sess    session.Session
	content fyne.CanvasObject

	Case     *CaseBar
	Form     *SearchForm
	Results  *ResultsView
	Photo    *PhotoPanel
	Timeline *TimelineView
	Training *TrainingView
	Status   *StatusLine
	Alerts   *AlertsView   // live hotlist hits (alerts.go), nil without them
	Hotlists *HotlistsView // hotlist requests and entries (hotlists.go), nil without them

	reg      *Registry        // the role's screens
	frame    *fyne.Container  // holds the arrangement of the screen on show
	split    *container.Split // a screen and the photo panel
	caseTop  fyne.CanvasObject
	caseSlot *fyne.Container // holds caseTop above the navigation and screen, when the screen searches
	body     *fyne.Container // the case slot, the navigation and the frame
	resMsg   *widget.Label
	results  fyne.CanvasObject

	sup        supervision // the supervision screens (supervision.go)
	training   *trainingUI // training mode of a demo session (training_mode.go), else nil
	searchID   string
	lastReq    api.SearchRequest
	nextCursor string
	runs       *runs // every goroutine's way back (run.go)
	// analyses is the Analyses screen (analyses.go), built on first use;
	// timelineNext opens the timeline when the next search answers.
	analyses     *AnalysesView
	timelineNext bool
}

// Run keys of the main screen.
const (
	runSearch  = "search"
	runPhoto   = "photo"
	runVerdict = "verdict"
)

func newMainScreen(a *App) *MainScreen {
	m := &MainScreen{app: a, sess: a.sess, resMsg: errorText(), runs: newRuns()}
	p := a.policy
	m.Case = newCaseBar(p)
	m.Case.OnChange = m.onCaseChange
	m.Case.Recent = m.sess.RecentCases
	m.Form = newSearchForm(p, a.win, a.cfg.Now)
	m.Form.OnSearch = m.onSearch
	m.Form.TileURL = m.sess.TileURL() // the area map's basemap (area.go)
	m.Results = newResultsView()
	m.Results.OnSelect = m.onSelectRow
	m.Results.OnCancel = m.onCancel
	m.Results.OnMore = m.onMore
	m.Results.OnTimeline = m.showTimeline
	m.Results.OnTimelineAll = m.showTimelineAll // timeline_all.go
	m.Results.OnRune = func(r rune) { m.Photo.KeyVerdict(r) }
	m.Photo = newPhotoPanel(a.win, p.States)
	m.Photo.OnVerdict = m.onVerdict
	m.Timeline = newTimelineView(m)
	m.Training = newTrainingView(m)
	m.Status = newStatusLine(a, m.runs)
	m.results = container.NewBorder(container.NewVBox(m.Form.content, widget.NewSeparator(), m.resMsg), nil, nil, nil, m.Results.content)
	m.caseTop = container.NewVBox(container.NewPadded(m.Case.content), widget.NewSeparator())
	m.split = container.NewHSplit(widget.NewLabel(""), container.NewPadded(m.Photo.content))
	m.split.Offset = 0.66
	m.frame = container.NewStack()
	m.reg = newRegistry(Deps{Session: m.sess, Policy: p, Demo: a.cfg.Demo || p.Demo, Case: m.Case, Photo: m.Photo,
		Runs: m.runs, Window: a.win, Now: a.cfg.Now, main: m})
	m.reg.OnShow = m.arrange
	m.caseSlot = container.NewStack()
	nav := container.NewHBox(fixedWidth(m.reg.list, 120), widget.NewSeparator())
	m.body = container.NewBorder(m.caseSlot, nil, nav, nil, m.frame)
	m.content = withTraining(m, container.NewBorder(nil, m.Status.content, nil, nil, m.body)) // training_mode.go
	m.onCaseChange(nil)
	if m.canSearch() {
		m.loadCameras()
	}
	m.reg.Show(m.reg.Landing())
	return m
}

// arrange puts a screen in the window: the case bar above it (and the
// navigation) when it
// searches, the photo panel beside it when it shows reads, else the full
// width.
func (m *MainScreen) arrange(def ScreenDef, content fyne.CanvasObject) {
	main := content
	if def.Place.Photo {
		m.split.Leading = content
		m.split.Refresh()
		main = m.split
	}
	m.caseSlot.Objects = nil
	m.caseSlot.Hide()      // no band, not even the border's padding
	if def.Place.CaseBar { // full width, as the case bar is wide
		m.caseSlot.Objects = []fyne.CanvasObject{m.caseTop}
		m.caseSlot.Show()
	}
	m.frame.Objects = []fyne.CanvasObject{main}
	m.body.Refresh() // lays the slot out again: a hidden case bar leaves no band
}

// canSearch reports whether the role has the search screen.
func (m *MainScreen) canSearch() bool { return m.reg == nil || m.reg.Has(screenSearch) }

// Screens is the role's registry of screens.
func (m *MainScreen) Screens() *Registry { return m.reg }

// loadCameras fills the camera picker (off the UI goroutine).
func (m *MainScreen) loadCameras() {
	r, sess := m.runs.start("mainscreen.cameras", 20*time.Second), m.sess
	go func() {
		cams, err := sess.Cameras(r.Context())
		r.apply(func() { m.camerasLoaded(cams, err) })
	}()
}

// camerasLoaded shows the camera list in the search form.
func (m *MainScreen) camerasLoaded(cams []api.Camera, err error) {
	func() {
		if err != nil {
			setMsg(m.resMsg, "The camera list could not be loaded: "+Words(err))
			return
		}
		m.Form.SetCameras(cams)
	}()
}

// installKeys sets the main menu (whose shortcuts work from any field) and
// the window-level keys.
func (m *MainScreen) installKeys() {
	c := m.app.win.Canvas()
	lookup := &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault}
	quick := fyne.NewMenuItem("Quick lookup (plate field)", m.focusPlate)
	quick.Shortcut = lookup
	timeline := fyne.NewMenuItem("Timeline of selected plate", m.showTimeline)
	timeline.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyT, Modifier: fyne.KeyModifierShortcutDefault}
	change := fyne.NewMenuItem("Change case", m.Case.onChangeCase)
	lock := fyne.NewMenuItem("Lock now", m.app.LockNow)
	lock.Shortcut = lockKey
	out := fyne.NewMenuItem("Sign out", m.app.logout)
	out.Shortcut = signOutKey
	c.AddShortcut(lockKey, func(fyne.Shortcut) { m.app.LockNow() })
	c.AddShortcut(signOutKey, func(fyne.Shortcut) { m.app.logout() })
	password := fyne.NewMenuItem("Change password…", m.app.showPasswordDialog)
	factor := fyne.NewMenuItem("Set up a second factor…", m.app.showEnrolDialog)
	factor.Disabled = m.app.sess.User().MFAEnabled
	nextTab := fyne.NewMenuItem("Next tab", func() { m.reg.StepTab(1) })
	nextTab.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPageDown, Modifier: fyne.KeyModifierShortcutDefault}
	prevTab := fyne.NewMenuItem("Previous tab", func() { m.reg.StepTab(-1) })
	prevTab.Shortcut = &desktop.CustomShortcut{KeyName: fyne.KeyPageUp, Modifier: fyne.KeyModifierShortcutDefault}
	goItems := append(m.reg.MenuItems(), fyne.NewMenuItemSeparator(), nextTab, prevTab)
	menus := []*fyne.Menu{fyne.NewMenu("Session", lock, password, factor, m.themeItem(), out), fyne.NewMenu("Go", goItems...)}
	if m.canSearch() {
		menus = append(menus, fyne.NewMenu("Search", quick, timeline, fyne.NewMenuItem("Timeline of all shown results", m.showTimelineAll), change))
		c.AddShortcut(lookup, func(fyne.Shortcut) { m.focusPlate() })
	}
	m.app.win.SetMainMenu(fyne.NewMainMenu(append(menus, m.helpMenu())...))
	for i, sc := range m.reg.Shortcuts() {
		c.AddShortcut(sc, func(fyne.Shortcut) { m.app.idle.touch(); m.reg.showIndex(i) })
	}
	c.SetOnTypedRune(func(r rune) {
		m.app.idle.touch()
		if m.Alerts != nil && m.reg.Current() == screenAlerts {
			m.Alerts.KeyVerdict(r) // the verdict keys act on the hit on show
			return
		}
		m.Photo.KeyVerdict(r)
	})
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		m.app.idle.touch()
		switch e.Name {
		case fyne.KeyEscape:
			if t := trainingOf(m); t != nil {
				if step, _ := t.tour.Step(); step >= 0 {
					t.tour.Close()
				}
			}
		case fyne.KeyUp, fyne.KeyLeft:
			m.Results.Move(-1)
		case fyne.KeyDown, fyne.KeyRight:
			m.Results.Move(1)
		}
	})
}

// helpMenu lists the help pages, and in demo sessions the tour.
func (m *MainScreen) helpMenu() *fyne.Menu {
	items := []*fyne.MenuItem{fyne.NewMenuItem("Wildcards and keys", m.showHelp)}
	if t := trainingOf(m); t != nil {
		items = append(items, fyne.NewMenuItem("Tour of the workstation", t.tour.Start))
	}
	return fyne.NewMenu("Help", items...)
}

// removeKeys drops the main screen's menu and keys (lock, logout).
func (m *MainScreen) removeKeys() {
	c := m.app.win.Canvas()
	m.app.win.SetMainMenu(nil)
	c.SetOnTypedRune(nil)
	c.SetOnTypedKey(nil)
	c.RemoveShortcut(&desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault})
	for _, sc := range append(m.reg.Shortcuts(), lockKey, signOutKey) {
		c.RemoveShortcut(sc)
	}
}

// Session keys: Ctrl+Shift+L locks, Ctrl+Shift+Q signs out.
var (
	lockKey    = &desktop.CustomShortcut{KeyName: fyne.KeyL, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
	signOutKey = &desktop.CustomShortcut{KeyName: fyne.KeyQ, Modifier: fyne.KeyModifierShortcutDefault | fyne.KeyModifierShift}
)

func (m *MainScreen) showHelp() {
	t := "Plate patterns: * stands for any run of characters (also none), ? for exactly one.\n" +
		"Give at least 3 known characters, e.g. 7AB*, *C12?, 7?BC123.\n" +
		"Look-alikes also matches characters OCR confuses: 0 O D Q · 8 B · 1 I L · 5 S · 2 Z · 6 G.\n\n" +
		"Keys: Ctrl+1…Ctrl+9 screens · Ctrl+L plate field · Enter search · Up/Down move through results · 1 Confirm · 2 Misread · " +
		"3 Wrong state · 4 Unreadable · Ctrl+T timeline · Tab next field · Ctrl+Shift+L lock · Ctrl+Shift+Q sign out."
	l := widget.NewLabel(t)
	l.Wrapping = fyne.TextWrapWord
	d := newInfoDialog("Wildcards and keys", l, m.app.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// focusStart puts the cursor where work starts: the landing screen's own
// focus, or the case bar of a screen that searches.
func (m *MainScreen) focusStart() {
	m.reg.Show(m.reg.Current())
}

// focusPlate is the quick lookup: the plate field, from anywhere.
func (m *MainScreen) focusPlate() {
	m.app.idle.touch()
	if m.reg.Current() == screenLookup {
		m.reg.Show(screenLookup)
		return
	}
	m.showSearch()
	if m.Case.Active() == nil {
		m.app.win.Canvas().Focus(m.Case.report)
		return
	}
	m.Form.FocusPlate()
}

// onCaseChange opens or closes the gate.
func (m *MainScreen) onCaseChange(c *api.CaseContext) {
	if m.analyses != nil {
		m.analyses.refreshGate()
	}
	if c == nil {
		m.Form.SetGate(false, "Searching is disabled until the case above is set: report number, purpose category and a written justification.")
		return
	}
	m.Form.SetGate(true, "")
	m.Form.FocusPlate()
}

// close ends the screen's background work (sign-out): no result of it is
// applied any more.
func (m *MainScreen) close() {
	m.runs.stop()
	m.Status.close()
	m.removeKeys()
}

// forgetCase clears the case context (lock) and the keys; the search and
// photo under way are dropped, and the photo panel forgets its read.
func (m *MainScreen) forgetCase() {
	m.runs.drop(runSearch)
	m.runs.drop(runPhoto)
	m.Results.SetBusy(false)
	m.Form.SetBusy(false)
	m.Photo.Clear()
	m.removeKeys()
	m.Case.Clear()
}

// showSearch shows the search screen (results and form).
func (m *MainScreen) showSearch() { m.reg.Show(screenSearch) }

// showTraining opens the exercises.
func (m *MainScreen) showTraining() { m.reg.Show(screenTraining) }

// onSearch runs a new search under the active case.
func (m *MainScreen) onSearch(req api.SearchRequest) {
	c := m.Case.Active()
	if c == nil {
		return
	}
	req.CaseContext = *c
	req.Limit = pageSize
	m.lastReq = req
	m.Results.Reset()
	m.Photo.row = nil
	m.run(req, true)
}

// onMore fetches the next page of the current search.
func (m *MainScreen) onMore() {
	if m.nextCursor == "" {
		return
	}
	req := m.lastReq
	req.Cursor = m.nextCursor
	m.run(req, false)
}

// run sends a search (or a page fetch) off the UI goroutine. A newer run
// supersedes it: its answer is then dropped, never merged.
func (m *MainScreen) run(req api.SearchRequest, first bool) {
	r, sess := m.runs.start(runSearch, 60*time.Second), m.sess
	m.Results.SetBusy(true)
	m.Form.SetBusy(true)
	setMsg(m.resMsg, "")
	m.app.idle.touch()
	go func() {
		resp, err := sess.Search(r.Context(), req)
		r.apply(func() { m.searched(req, first, resp, err) })
	}()
}

// searched shows the answer of the current search run.
func (m *MainScreen) searched(req api.SearchRequest, first bool, resp *api.SearchResponse, err error) {
	m.Results.SetBusy(false)
	m.Form.SetBusy(false)
	m.Status.Refresh()
	if err != nil {
		m.searchFailed(err)
		return
	}
	m.searchID = resp.SearchID
	m.nextCursor = resp.NextCursor
	m.Results.Append(resp.Results, resp.Total, resp.TotalCapped, resp.NextCursor != "")
	if first {
		m.sess.RememberCase(req.CaseContext)
		if len(m.Results.Rows()) > 0 {
			m.Results.Select(0)
			// keys 1-4 and the arrows now work on the results
			m.app.win.Canvas().Focus(m.Results.table)
		}
		if m.timelineNext && len(m.Results.Rows()) > 0 {
			m.showTimeline()
		}
		m.timelineNext = false
	}
}

// searchFailed puts a refusal where it belongs: case problems in the case
// bar, the rest above the results.
func (m *MainScreen) searchFailed(err error) {
	words := Words(err)
	var ae *api.Error
	if errors.As(err, &ae) {
		switch ae.Code {
		case api.CodeProhibitedPurpose, api.CodeCaseContextRequired, api.CodeInvalidReportNumber,
			api.CodeInvalidPurposeCategory, api.CodePurposeTooVague:
			m.Case.Refuse(words)
			return
		case api.CodeTrainingRequired:
			m.Case.setMsg(words, widget.DangerImportance)
			setMsg(m.resMsg, words)
			return
		}
	}
	if errors.Is(err, context.Canceled) {
		setMsg(m.resMsg, "Search cancelled.")
		return
	}
	setMsg(m.resMsg, words)
}

// ResultMessage is the message above the results ("" when none).
func (m *MainScreen) ResultMessage() string {
	if !m.resMsg.Visible() {
		return ""
	}
	return m.resMsg.Text
}

// onCancel cancels a running search (its answer says it was cancelled).
func (m *MainScreen) onCancel() { m.runs.cancel(runSearch) }

// onSelectRow shows a read in the photo panel and fetches its photo.
func (m *MainScreen) onSelectRow(i int) {
	rows := m.Results.Rows()
	if i < 0 || i >= len(rows) {
		return
	}
	m.app.idle.touch()
	row := rows[i]
	m.Photo.Show(row, m.warningsFor(row.Read, rows))
	m.Timeline.Highlight(row.Read.ID)
	r, sess, id, sid, box := m.runs.start(runPhoto, 30*time.Second), m.sess, row.Read.ID, m.searchID, row.Read.PlateBox
	go func() {
		jpeg, err := sess.Photo(r.Context(), id, sid)
		img, derr := decodePhoto(jpeg, box, err) // off the UI goroutine
		r.apply(func() { m.photoLoaded(img, derr) })
	}()
}

// photoLoaded shows the photo of the current photo run.
func (m *MainScreen) photoLoaded(img decodedPhoto, err error) {
	if err != nil {
		m.Photo.SetError("The photo could not be loaded: " + Words(err))
		return
	}
	m.Photo.SetImage(img)
}

// onVerdict sends a verdict for the read in the photo panel.
func (m *MainScreen) onVerdict(v api.VerificationRequest) {
	row := m.Photo.Row()
	if row == nil || m.analysisVerdict(v) { // a read of the Analyses screen (analyses_nav.go)
		return
	}
	m.app.idle.touch()
	v.SearchID = m.searchID
	id := row.Read.ID
	user := m.sess.User().Username
	now := m.app.cfg.Now()
	m.Photo.SetNote("Sending the verdict…")
	r, sess := m.runs.startEach(runVerdict, 30*time.Second), m.sess
	go func() {
		queued, err := sess.Verify(r.Context(), id, v)
		r.apply(func() {
			m.Status.Refresh()
			if err != nil {
				m.Photo.SetError("The verdict was not recorded: " + Words(err))
				return
			}
			m.applyVerdict(id, v, user, now, queued)
		})
	}()
}

// applyVerdict updates the row (and the photo panel, if it shows it).
func (m *MainScreen) applyVerdict(id string, v api.VerificationRequest, user string, at time.Time, queued bool) {
	rows := m.Results.Rows()
	for i, r := range rows {
		if r.Read.ID != id {
			continue
		}
		r.Read.Verification = &api.Verification{Status: v.Status, CorrectedPlate: v.CorrectedPlate, CorrectedState: v.CorrectedState, By: user, At: at}
		r.Queued = queued
		m.Results.UpdateRow(i, r)
		if p := m.Photo.Row(); p != nil && p.Read.ID == id {
			m.Photo.Show(r, m.warningsFor(r.Read, m.Results.Rows()))
			if queued {
				m.Photo.SetNote("The store is unreachable: the verdict waits in the outbox and is sent when it is back.")
			} else {
				m.Photo.SetNote("Verdict recorded on the store.")
			}
		}
	}
	m.Timeline.Refresh()
}

// plural is "1 read" / "2 reads".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
