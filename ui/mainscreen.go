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
)

// pageSize is the number of results fetched per page.
const pageSize = 200

// MainScreen is the investigator's window: case bar, search form, results,
// photo panel, timeline and status line.
type MainScreen struct {
	app     *App
	sess    Session
	content fyne.CanvasObject

	Case     *CaseBar
	Form     *SearchForm
	Results  *ResultsView
	Photo    *PhotoPanel
	Timeline *TimelineView
	Training *TrainingView
	Status   *StatusLine
	Alerts   *AlertsView   // live hotlist hits (alerts.go)
	Hotlists *HotlistsView // hotlist requests and entries (hotlists.go)

	center  *fyne.Container
	nav     *widget.List
	resMsg  *widget.Label
	results fyne.CanvasObject

	navItems   []string
	sup        supervision // the supervision screens (supervision.go)
	training   *trainingUI // training mode of a demo session (training_mode.go), else nil
	searchID   string
	lastReq    api.SearchRequest
	nextCursor string
	cancel     context.CancelFunc
	runs       int
	photoFor   string
	// analyses is the Analyses screen (analyses.go), built on first use;
	// timelineNext opens the timeline when the next search answers.
	analyses     *AnalysesView
	timelineNext bool
	bg           context.Context
	stopBg       context.CancelFunc
}

// Nav entries.
const (
	navSearch   = "Search"
	navTimeline = "Timeline"
)

// navTraining lists the demo world's exercises (demo sessions only).
const navTraining = "Training"

func newMainScreen(a *App) *MainScreen {
	m := &MainScreen{app: a, sess: a.sess, resMsg: errorText()}
	m.bg, m.stopBg = context.WithCancel(context.Background())
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
	m.navItems = []string{navSearch, navTimeline}
	if a.cfg.Demo || p.Demo {
		m.navItems = append(m.navItems, navTraining)
	}
	m.navItems = append(m.navItems, m.analysisNav()...) // analyses_nav.go
	m.navItems = append(m.navItems, m.extraNav()...)
	m.initHotlists() // hotlist_nav.go
	m.Status = newStatusLine(a)

	m.nav = widget.NewList(func() int { return len(m.navItems) },
		func() fyne.CanvasObject { return widget.NewLabel("Timeline map") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(m.navItems[i]) })

	m.results = container.NewBorder(container.NewVBox(m.Form.content, widget.NewSeparator(), m.resMsg), nil, nil, nil, m.Results.content)
	m.center = container.NewStack(m.results)
	m.nav.Select(0)
	m.nav.OnSelected = m.onNav
	split := container.NewHSplit(m.center, container.NewPadded(m.Photo.content))
	split.Offset = 0.66
	body := container.NewBorder(nil, nil, container.NewHBox(fixedWidth(m.nav, 96), widget.NewSeparator()), nil, split)
	top := container.NewVBox(container.NewPadded(m.Case.content), widget.NewSeparator())
	m.content = withTraining(m, container.NewBorder(top, m.Status.content, nil, nil, body)) // training_mode.go
	m.onCaseChange(nil)
	go m.loadCameras()
	return m
}

// loadCameras fills the camera picker (off the UI goroutine).
func (m *MainScreen) loadCameras() {
	ctx, cancel := context.WithTimeout(m.bg, 20*time.Second)
	defer cancel()
	cams, err := m.sess.Cameras(ctx)
	uiDo(func() {
		if err != nil {
			setMsg(m.resMsg, "The camera list could not be loaded: "+Words(err))
			return
		}
		m.Form.SetCameras(cams)
	})
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
	out := fyne.NewMenuItem("Sign out", m.app.logout)
	password := fyne.NewMenuItem("Change password…", m.app.showPasswordDialog)
	factor := fyne.NewMenuItem("Set up a second factor…", m.app.showEnrolDialog)
	factor.Disabled = m.app.sess.User().MFAEnabled
	m.app.win.SetMainMenu(fyne.NewMainMenu(
		fyne.NewMenu("Session", lock, password, factor, out),
		fyne.NewMenu("Search", quick, timeline, fyne.NewMenuItem("Timeline of all shown results", m.showTimelineAll), change),
		m.helpMenu(),
	))
	c.AddShortcut(lookup, func(fyne.Shortcut) { m.focusPlate() })
	c.SetOnTypedRune(func(r rune) {
		m.app.idle.touch()
		if m.Alerts != nil && len(m.center.Objects) == 1 && m.center.Objects[0] == m.Alerts.content {
			m.Alerts.KeyVerdict(r) // the verdict keys act on the hit on show
			return
		}
		m.Photo.KeyVerdict(r)
	})
	c.SetOnTypedKey(func(e *fyne.KeyEvent) {
		m.app.idle.touch()
		switch e.Name {
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
}

func (m *MainScreen) showHelp() {
	t := "Plate patterns: * stands for any run of characters (also none), ? for exactly one.\n" +
		"Give at least 3 known characters, e.g. 7AB*, *C12?, 7?BC123.\n" +
		"Look-alikes also matches characters OCR confuses: 0 O D Q · 8 B · 1 I L · 5 S · 2 Z · 6 G.\n\n" +
		"Keys: Ctrl+L plate field · Enter search · Up/Down move through results · 1 Confirm · 2 Misread · " +
		"3 Wrong state · 4 Unreadable · Ctrl+T timeline."
	l := widget.NewLabel(t)
	l.Wrapping = fyne.TextWrapWord
	d := newInfoDialog("Wildcards and keys", l, m.app.win)
	d.Resize(fyne.NewSize(560, 300))
	d.Show()
}

// focusStart puts the cursor where work starts.
func (m *MainScreen) focusStart() {
	if m.Case.Active() == nil {
		m.app.win.Canvas().Focus(m.Case.report)
	} else {
		m.focusPlate()
	}
}

// focusPlate is the quick lookup: the plate field, from anywhere.
func (m *MainScreen) focusPlate() {
	m.app.idle.touch()
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

// close ends the screen's background work (sign-out).
func (m *MainScreen) close() {
	m.onCancel()
	m.stopBg()
	m.Status.close()
	m.removeKeys()
}

// forgetCase clears the case context (lock, logout) and the keys.
func (m *MainScreen) forgetCase() {
	m.onCancel()
	m.removeKeys()
	m.Case.Clear()
}

func (m *MainScreen) onNav(i widget.ListItemID) {
	if m.onHotNav(m.navItems[i]) { // hotlist_nav.go
		return
	}
	switch m.navItems[i] {
	case navSearch:
		m.showSearch()
	case navTimeline:
		m.showTimeline()
	case navTraining:
		m.showTraining()
	case navAnalyses:
		m.showAnalyses()
	default:
		m.showExtra(m.navItems[i])
	}
}

func (m *MainScreen) showSearch() {
	m.center.Objects = []fyne.CanvasObject{m.results}
	m.center.Refresh()
	m.nav.OnSelected = nil
	m.nav.Select(0)
	m.nav.OnSelected = m.onNav
}

// showTraining opens the exercises.
func (m *MainScreen) showTraining() {
	m.Training.load()
	m.center.Objects = []fyne.CanvasObject{m.Training.content}
	m.center.Refresh()
}

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

// run sends a search (or a page fetch) off the UI goroutine.
func (m *MainScreen) run(req api.SearchRequest, first bool) {
	m.onCancel()
	ctx, cancel := context.WithTimeout(m.bg, 60*time.Second)
	m.cancel = cancel
	m.runs++
	run := m.runs
	m.Results.SetBusy(true)
	m.Form.SetBusy(true)
	setMsg(m.resMsg, "")
	m.app.idle.touch()
	go func() {
		resp, err := m.sess.Search(ctx, req)
		uiDo(func() {
			cancel()
			if m.runs == run {
				m.cancel = nil
			}
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
		})
	}()
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

// onCancel cancels a running search.
func (m *MainScreen) onCancel() {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
}

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
	id, sid := row.Read.ID, m.searchID
	m.photoFor = id
	go func() {
		ctx, cancel := context.WithTimeout(m.bg, 30*time.Second)
		defer cancel()
		jpeg, err := m.sess.Photo(ctx, id, sid)
		uiDo(func() {
			if m.photoFor != id {
				return // the user moved on
			}
			if err != nil {
				m.Photo.SetError("The photo could not be loaded: " + Words(err))
				return
			}
			m.Photo.SetPhoto(jpeg)
		})
	}()
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
	go func() {
		ctx, cancel := context.WithTimeout(m.bg, 30*time.Second)
		defer cancel()
		queued, err := m.sess.Verify(ctx, id, v)
		uiDo(func() {
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
