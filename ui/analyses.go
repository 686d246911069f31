package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// The Analyses screen (issue 14): common plates across scenes, and convoy.
// Scenes are drawn on the map (a circle of at most 1 km, or cameras) with a
// window each; results list the plates with the scenes they matched (or
// the companions with their shared cameras), each read opens in a photo
// panel of its own for verification (reached by the analysis_id), and a
// plate's timeline opens in the Search screen.

// Analysis kinds as the screen names them.
const (
	kindCommon = "Common plates"
	kindConvoy = "Convoy"
)

// Prompts of the summary line before any result.
const (
	setCaseFirst = "Set the case first (report number, purpose and justification): every analysis runs under a case and is audited."
	choosePrompt = "Choose scenes (or a target plate) and run the analysis."
)

// coTravelNotice is said above every convoy result.
const coTravelNotice = "Co-travel is not evidence of association. Vehicles share roads, parking and traffic lights by chance; " +
	"a plate listed here is a lead to check photo by photo, not a finding about anyone in it."

// analysisItem is one line of the results: a plate and its reads.
type analysisItem struct {
	plate, state string
	detail       string
	hot          bool
	reads        []api.Read
	// targets maps a co-read's id to its target read's time (convoy).
	targets map[string]time.Time
}

// AnalysesView is the Analyses screen.
type AnalysesView struct {
	sess     session.Session
	an       session.AnalysisSession
	win      fyne.Window
	activeFn func() *api.CaseContext
	tileURL  string
	rs       *runs // the main screen's way back from goroutines (run.go)
	// OnTimeline opens a plate's timeline (a search for the plate).
	OnTimeline func(plate string)
	// OnActivity keeps the idle lock away while the screen is used.
	OnActivity func()
	// Current reports whether the screen is the one shown (results then
	// take the cursor).
	Current func() bool

	content fyne.CanvasObject
	kind    *widget.RadioGroup
	forms   *fyne.Container
	common  fyne.CanvasObject
	convoy  fyne.CanvasObject

	scenes    []*sceneRow
	sceneBox  *fyne.Container
	addScene  *widget.Button
	minScenes *widget.Select
	fuzzy     *widget.Check
	run       *widget.Button

	plate    *widget.Entry
	from     *widget.Entry
	days     *widget.Select
	within   *widget.Select
	minCams  *widget.Select
	notice   *widget.Label
	summary  *widget.Label
	msg      *widget.Label
	plates   *widget.List
	readList *widget.List
	timeline *widget.Button
	photo    *PhotoPanel

	retain    *widget.Button // analyses_keep.go
	exportCSV *widget.Button
	exportPDF *widget.Button
	keep      keepEnv
	exporting bool

	cameras    []api.Camera
	items      []analysisItem
	selected   int
	readSel    int // the selected read of the selected plate, or -1
	analysisID string
	ranUnder   api.CaseContext // the case the shown analysis ran under
	runs       int
	photoFor   string
}

// newAnalysesView builds the screen; photo is the window's photo panel,
// which shows the analysis's reads while the screen is open (the caller
// routes its verdicts to OnVerdict then); keep serves retain and export.
func newAnalysesView(sess session.Session, an session.AnalysisSession, win fyne.Window, photo *PhotoPanel, active func() *api.CaseContext, tileURL string, rs *runs, keep keepEnv) *AnalysesView {
	v := &AnalysesView{sess: sess, an: an, win: win, photo: photo, activeFn: active, tileURL: tileURL, rs: rs, keep: keep,
		selected: -1, readSel: -1, msg: errorText()}
	v.summary = widget.NewLabel(choosePrompt)
	v.summary.Wrapping = fyne.TextWrapWord
	v.notice = widget.NewLabel(coTravelNotice)
	v.notice.Wrapping = fyne.TextWrapWord
	v.notice.Importance = widget.WarningImportance
	v.notice.Hide()
	v.common = v.buildCommon()
	v.convoy = v.buildConvoy()
	v.forms = container.NewStack(v.common)
	v.kind = widget.NewRadioGroup([]string{kindCommon, kindConvoy}, nil)
	v.kind.Horizontal = true
	v.kind.SetSelected(kindCommon)
	v.kind.OnChanged = v.onKind
	v.run = widget.NewButtonWithIcon("Run analysis", theme.SearchIcon(), v.onRun)
	v.run.Importance = widget.HighImportance
	v.plates = widget.NewList(func() int { return len(v.items) },
		func() fyne.CanvasObject {
			return truncated(widget.NewLabel("7ABC123 CA · scenes 1, 2, 3 · 12 reads · on a hotlist"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { v.plateLine(i, o.(*widget.Label)) })
	v.plates.OnSelected = v.onSelectPlate
	v.readList = widget.NewList(v.readCount,
		func() fyne.CanvasObject {
			return truncated(widget.NewLabel("Mon Jan 02 15:04:05 · International Blvd & 105th Ave · ?"))
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { v.readLine(i, o.(*widget.Label)) })
	v.readList.OnSelected = v.onSelectRead
	v.timeline = widget.NewButtonWithIcon("Timeline of this plate", theme.MediaPlayIcon(), v.onTimeline)
	v.timeline.Disable()
	head := container.NewVBox(container.NewBorder(nil, nil, widget.NewLabelWithStyle("Analysis", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		v.run, v.kind), v.forms, widget.NewSeparator(), v.notice, v.summary, v.msg)
	body := container.NewHSplit(v.plates, container.NewBorder(nil, v.buildKeep(), nil, nil, v.readList))
	body.Offset = 0.45
	v.content = container.NewBorder(head, nil, nil, nil, body)
	v.refreshGate()
	return v
}

// buildCommon is the common-plates form: 2 to 5 scenes, min scenes,
// look-alikes.
func (v *AnalysesView) buildCommon() fyne.CanvasObject {
	v.sceneBox = container.NewVBox()
	v.addScene = widget.NewButtonWithIcon("Add scene", theme.ContentAddIcon(), func() { v.AddScene() })
	v.minScenes = widget.NewSelect([]string{"all scenes"}, nil)
	v.fuzzy = widget.NewCheck("look-alike characters (0/O, 8/B, …)", nil)
	now := time.Now().Truncate(time.Hour)
	for i := range api.MinScenes {
		v.addSceneAt(now.Add(-time.Duration(24*(i+1)) * time.Hour))
	}
	opts := container.NewHBox(v.addScene, widget.NewLabel("Plates seen at"), fixedWidth(v.minScenes, 130), v.fuzzy)
	return container.NewVBox(v.sceneBox, opts)
}

// buildConvoy is the convoy form: target plate, window, interval, cameras.
func (v *AnalysesView) buildConvoy() fyne.CanvasObject {
	v.plate = widget.NewEntry()
	v.plate.SetPlaceHolder("exact plate")
	v.plate.OnSubmitted = func(string) { v.onRun() }
	v.from = widget.NewEntry()
	v.from.SetText(time.Now().Add(-7 * 24 * time.Hour).Truncate(time.Hour).Local().Format(timeLayout))
	v.from.OnSubmitted = func(string) { v.onRun() }
	v.days = widget.NewSelect([]string{"1 day", "2 days", "3 days", "5 days", "7 days"}, nil)
	v.days.SetSelected("7 days")
	v.within = widget.NewSelect([]string{"30 s", "60 s", "90 s", "120 s"}, nil)
	v.within.SetSelected("60 s")
	v.minCams = widget.NewSelect([]string{"3 cameras", "4 cameras", "5 cameras", "6 cameras"}, nil)
	v.minCams.SetSelected("3 cameras")
	row1 := container.NewHBox(widget.NewLabel("Target plate"), fixedWidth(v.plate, 130), widget.NewLabel("from"),
		fixedWidth(v.from, 150), widget.NewLabel("for"), fixedWidth(v.days, 100))
	row2 := container.NewHBox(widget.NewLabel("read within"), fixedWidth(v.within, 90), widget.NewLabel("of the target at no fewer than"),
		fixedWidth(v.minCams, 120))
	gate := widget.NewLabel("Convoy analyses are for detectives and supervisors, and only for the case categories the policy allows; every one is audited and reviewed.")
	gate.Wrapping = fyne.TextWrapWord
	gate.Importance = widget.LowImportance
	return container.NewVBox(row1, row2, gate)
}

// truncated ends l's text with an ellipsis where it does not fit.
func truncated(l *widget.Label) *widget.Label {
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// SetCameras gives the cameras for circles and camera lists.
func (v *AnalysesView) SetCameras(cams []api.Camera) { v.cameras = cams }

// cameraNames names cameras by id, up to four.
func (v *AnalysesView) cameraNames(ids []string) string {
	var cs []api.Camera
	for _, id := range ids {
		for _, c := range v.cameras {
			if c.ID == id {
				cs = append(cs, c)
			}
		}
	}
	return strings.TrimPrefix(cameraNames(cs), ": ")
}

// AddScene adds a scene (at most 5) and returns it, or nil.
func (v *AnalysesView) AddScene() *sceneRow {
	if len(v.scenes) >= api.MaxScenes {
		return nil
	}
	return v.addSceneAt(time.Now().Add(-24 * time.Hour).Truncate(time.Hour))
}

func (v *AnalysesView) addSceneAt(from time.Time) *sceneRow {
	r := newSceneRow(v, from)
	v.scenes = append(v.scenes, r)
	v.sceneBox.Add(r.content)
	v.renumber()
	return r
}

// removeScene drops a scene (never below 2).
func (v *AnalysesView) removeScene(r *sceneRow) {
	if len(v.scenes) <= api.MinScenes {
		return
	}
	for i, s := range v.scenes {
		if s == r {
			v.scenes = append(v.scenes[:i], v.scenes[i+1:]...)
			v.sceneBox.Remove(r.content)
		}
	}
	v.renumber()
}

// renumber titles the scenes and offers min-scenes choices to match.
func (v *AnalysesView) renumber() {
	for i, s := range v.scenes {
		s.title.SetText(fmt.Sprintf("Scene %d", i+1))
		if len(v.scenes) > api.MinScenes {
			s.remove.Enable()
		} else {
			s.remove.Disable()
		}
	}
	opts := []string{"all scenes"}
	for n := len(v.scenes) - 1; n >= api.MinScenes; n-- {
		opts = append(opts, fmt.Sprintf("%d or more", n))
	}
	v.minScenes.Options = opts
	v.minScenes.SetSelected("all scenes")
	if len(v.scenes) >= api.MaxScenes {
		v.addScene.Disable()
	} else {
		v.addScene.Enable()
	}
}

// onKind switches between the two forms.
func (v *AnalysesView) onKind(k string) {
	if v.plates != nil {
		v.clear(choosePrompt)
	}
	if k == kindConvoy {
		v.forms.Objects = []fyne.CanvasObject{v.convoy}
	} else {
		v.forms.Objects = []fyne.CanvasObject{v.common}
	}
	v.forms.Refresh()
}

// FocusTarget is where the cursor goes when the screen is shown: the case
// bar without a case, else the first field of the chosen analysis.
func (v *AnalysesView) FocusTarget(caseField fyne.Focusable) fyne.Focusable {
	switch {
	case v.activeFn() == nil:
		return caseField
	case v.kind.Selected == kindConvoy:
		return v.plate
	}
	return v.scenes[0].from
}

// refreshGate enables Run only under a valid case.
func (v *AnalysesView) refreshGate() {
	if v.activeFn() == nil {
		v.run.Disable()
		v.summary.SetText(setCaseFirst)
		return
	}
	v.run.Enable()
	if v.summary.Text == setCaseFirst {
		v.summary.SetText(choosePrompt)
	}
}
