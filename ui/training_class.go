package ui

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// liveRates are the live simulator's rates on offer, in reads a second.
var liveRates = []string{"1", "3", "10", "30"}

// ClassView is the trainer's view of a class: a table of trainees ×
// exercises (solved, attempts, searches made, refusals), an exercise's
// answer on demand, reset for the next class and live mode on/off.
type ClassView struct {
	m       *MainScreen
	ts      session.TrainingSession
	content fyne.CanvasObject

	table    *widget.Table
	refresh  *widget.Button
	pick     *widget.Select
	answer   *widget.Label
	reveal   *widget.Button
	seed     *widget.Entry
	reset    *widget.Button
	live     *widget.Check
	rate     *widget.Select
	msg      *widget.Label
	info     *widget.Label
	settingL bool // the live controls are being set from the store

	prog *api.TrainingProgress
	ex   []api.Exercise

	// OnReset runs after a reset (the Training screen reloads its exercises).
	OnReset func()
	// Showing reports whether the view is on screen; while it is, the
	// progress refreshes every classRefresh.
	Showing func() bool
	ticking bool
}

// The class view is a trainer's landing screen in a demo session.
func init() {
	registerScreen(ScreenDef{ID: screenClass, Title: "Class", Icon: theme.AccountIcon(), Order: 85,
		Roles: []string{api.RoleTrainer}, Landing: []string{api.RoleTrainer},
		Needs: func(d Deps) bool { _, ok := session.Training(d.Session); return d.Demo && ok },
		New: func(d Deps) Screen {
			m := d.main
			v := newClassView(m)
			v.Showing = func() bool { return m.reg.Current() == screenClass }
			if t := trainingOf(m); t != nil {
				t.class = v
				v.OnReset = t.afterReset
			}
			return &viewScreen{content: v.content, shown: v.load, focus: func() fyne.Focusable { return v.live }}
		}})
}

// classRefresh is how often the class view refreshes while on screen.
var classRefresh = 10 * time.Second

// tick refreshes the progress every classRefresh while the view shows.
func (v *ClassView) tick() {
	if v.ticking {
		return
	}
	v.ticking = true
	time.AfterFunc(classRefresh, func() {
		v.m.runs.onScreen(func() {
			v.ticking = false
			if v.Showing != nil && v.Showing() {
				v.load()
			}
		})
	})
}

func newClassView(m *MainScreen) *ClassView {
	v := &ClassView{m: m, ts: trainingOfSession(m.sess), msg: errorText()}
	v.table = widget.NewTable(v.size, func() fyne.CanvasObject {
		l := widget.NewLabel("partial-plate-description")
		l.Truncation = fyne.TextTruncateEllipsis
		return l
	}, v.cell)
	v.refresh = widget.NewButtonWithIcon("Refresh", theme.ViewRefreshIcon(), v.load)
	v.pick = widget.NewSelect(nil, func(string) { v.answer.Hide() })
	v.pick.PlaceHolder = "Exercise…"
	v.answer = widget.NewLabel("")
	v.answer.Wrapping = fyne.TextWrapWord
	v.answer.Importance = widget.SuccessImportance
	v.answer.Hide()
	v.reveal = widget.NewButtonWithIcon("Show answer", theme.VisibilityIcon(), v.showAnswer)
	v.seed = widget.NewEntry()
	v.seed.SetPlaceHolder("same seed")
	v.reset = widget.NewButtonWithIcon("Reset for the next class…", theme.HistoryIcon(), v.confirmReset)
	v.reset.Importance = widget.DangerImportance
	v.live = widget.NewCheck("Live cameras", func(on bool) { v.setLive(on) })
	v.rate = widget.NewSelect(liveRates, func(string) {
		if v.live.Checked {
			v.setLive(true)
		}
	})
	v.info = widget.NewLabel("")
	head := widget.NewLabelWithStyle("Class progress (demo world)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	answers := container.NewBorder(nil, nil, widget.NewLabel("Answer of"), v.reveal, v.pick)
	controls := container.NewHBox(v.live, v.rate, widget.NewLabel("reads/s"), widget.NewSeparator(),
		widget.NewLabel("Seed"), fixedWidth(v.seed, 110), v.reset)
	top := container.NewVBox(container.NewHBox(head, spacer(), v.refresh), v.msg, v.info)
	bottom := container.NewVBox(widget.NewSeparator(), answers, v.answer, controls)
	v.content = readingBorder(top, bottom, nil, nil, v.table)
	return v
}

// columns: trainee, searches, refused, solved, then one per exercise.
const classFixedCols = 4

func (v *ClassView) size() (int, int) {
	if v.prog == nil {
		return 1, classFixedCols
	}
	return len(v.prog.Trainees) + 1, classFixedCols + len(v.prog.Exercises)
}

// Cell is the text of the table at row r (0: the header), column c.
func (v *ClassView) Cell(r, c int) string {
	if r == 0 {
		switch c {
		case 0:
			return "Trainee"
		case 1:
			return "Searches"
		case 2:
			return "Refused"
		case 3:
			return "Solved"
		}
		if v.prog != nil && c-classFixedCols < len(v.prog.Exercises) {
			return v.title(v.prog.Exercises[c-classFixedCols])
		}
		return ""
	}
	if v.prog == nil || r-1 >= len(v.prog.Trainees) {
		return ""
	}
	t := v.prog.Trainees[r-1]
	switch c {
	case 0:
		return t.Username
	case 1:
		return strconv.Itoa(t.Searches)
	case 2:
		return refusals(t)
	case 3:
		return fmt.Sprintf("%d/%d", len(t.Solved), len(v.prog.Exercises))
	}
	if c-classFixedCols >= len(t.Exercises) {
		return ""
	}
	ep := t.Exercises[c-classFixedCols]
	switch {
	case ep.Solved:
		return fmt.Sprintf("solved (%d)", ep.Attempts)
	case ep.Attempts > 0:
		return fmt.Sprintf("tried (%d)", ep.Attempts)
	}
	return "–"
}

// refusals is "2: prohibited_purpose 1, purpose_too_vague 1".
func refusals(t api.TraineeProgress) string {
	if t.Refused == 0 {
		return "0"
	}
	var parts []string
	for _, r := range t.Refusals {
		parts = append(parts, fmt.Sprintf("%s %d", r.Reason, r.Count))
	}
	return fmt.Sprintf("%d: %s", t.Refused, strings.Join(parts, ", "))
}

func (v *ClassView) cell(id widget.TableCellID, o fyne.CanvasObject) {
	l := o.(*widget.Label)
	l.TextStyle = fyne.TextStyle{Bold: id.Row == 0}
	l.SetText(v.Cell(id.Row, id.Col))
}

// title is an exercise's title (its id until the exercises are loaded).
func (v *ClassView) title(id string) string {
	for _, e := range v.ex {
		if e.ID == id {
			return e.Title
		}
	}
	return id
}

// load fetches the progress, the exercises and the live state (off the UI
// goroutine).
func (v *ClassView) load() {
	if v.ts == nil {
		setMsg(v.msg, "This store has no training mode.")
		return
	}
	s := v.m.sess
	job := v.m.runs.start("training_class.load", 20*time.Second)
	go func() {
		ctx := job.Context()
		prog, err := v.ts.Progress(ctx)
		var ex []api.Exercise
		var live *api.TrainingLive
		if err == nil {
			ex, err = s.Exercises(ctx)
		}
		if err == nil {
			live, err = v.ts.Live(ctx)
		}
		job.apply(func() {
			if err != nil {
				setMsg(v.msg, "The class could not be loaded: "+Words(err))
				return
			}
			setMsg(v.msg, "")
			v.tick()
			v.prog, v.ex = prog, ex
			var titles []string
			for _, e := range ex {
				titles = append(titles, e.Title)
			}
			v.pick.SetOptions(titles)
			v.showLive(live)
			v.info.SetText(fmt.Sprintf("World seed %d · %s in class.", prog.Seed, plural(len(prog.Trainees), "trainee")))
			v.table.Refresh()
			for c := range classFixedCols + len(prog.Exercises) {
				v.table.SetColumnWidth(c, classColumnWidth(c))
			}
		})
	}()
}

// Progress is the progress on show (nil until loaded).
func (v *ClassView) Progress() *api.TrainingProgress { return v.prog }

// showAnswer reveals the picked exercise's answer.
func (v *ClassView) showAnswer() {
	i := v.pick.SelectedIndex()
	if i < 0 || i >= len(v.ex) {
		setMsg(v.msg, "Pick an exercise to see its answer.")
		return
	}
	setMsg(v.msg, "")
	v.answer.SetText(v.ex[i].Title + ": " + v.ex[i].Answer)
	v.answer.Show()
}

// Answer is the answer on show ("" when hidden).
func (v *ClassView) Answer() string {
	if !v.answer.Visible() {
		return ""
	}
	return v.answer.Text
}

// showLive sets the live controls from the store's state.
func (v *ClassView) showLive(l *api.TrainingLive) {
	v.settingL = true
	defer func() { v.settingL = false }()
	v.live.SetChecked(l.Running)
	r := strconv.FormatFloat(l.Rate, 'f', -1, 64)
	found := false
	for _, o := range v.rate.Options {
		found = found || o == r
	}
	if !found {
		v.rate.SetOptions(append(append([]string(nil), liveRates...), r))
	}
	v.rate.SetSelected(r)
}

// setLive starts or stops the live cameras at the chosen rate.
func (v *ClassView) setLive(on bool) {
	if v.settingL || v.ts == nil {
		return
	}
	rate, _ := strconv.ParseFloat(v.rate.Selected, 64)
	job, ts := v.m.runs.startAfter("training_class.setLive", 20*time.Second), v.ts
	go func() {
		job.wait()
		l, err := ts.SetLive(job.Context(), on, rate)
		job.apply(func() {
			if err != nil {
				setMsg(v.msg, "Live mode could not be changed: "+Words(err))
				return
			}
			setMsg(v.msg, "")
			v.showLive(l)
		})
	}()
}

// confirmReset asks before resetting the class.
func (v *ClassView) confirmReset() {
	seed, err := v.seedValue()
	if err != nil {
		setMsg(v.msg, err.Error())
		return
	}
	what := "the same world"
	if seed != nil {
		what = fmt.Sprintf("the world of seed %d", *seed)
	}
	dialog.ShowConfirm("Reset for the next class",
		"This regenerates "+what+" and clears every trainee's answers, searches' results and verdicts, "+
			"and hotlist requests. The audit trail is kept. Continue?",
		func(ok bool) {
			if ok {
				v.resetNow(seed)
			}
		}, v.m.app.win)
}

// seedValue reads the seed field (nil: keep the current seed).
func (v *ClassView) seedValue() (*int64, error) {
	t := strings.TrimSpace(v.seed.Text)
	if t == "" {
		return nil, nil
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("the seed must be a whole number of 0 or more, not %q", t)
	}
	return &n, nil
}

// resetNow resets the class (off the UI goroutine) and reloads the view.
func (v *ClassView) resetNow(seed *int64) {
	v.reset.Disable()
	v.info.SetText("Resetting the world for the next class…")
	job := v.m.runs.start("training_class.resetNow", 2*time.Minute)
	go func() {
		ctx := job.Context()
		_, err := v.ts.ResetTraining(ctx, seed)
		job.apply(func() {
			v.reset.Enable()
			if err != nil {
				v.info.SetText("")
				setMsg(v.msg, "The class could not be reset: "+Words(err))
				return
			}
			v.seed.SetText("")
			v.answer.Hide()
			v.load()
			if v.OnReset != nil {
				v.OnReset()
			}
		})
	}()
}

// classColumnWidth is the width of column c of the class table.
func classColumnWidth(c int) float32 {
	switch c {
	case 0, 2:
		return 150
	case 1, 3:
		return 90
	}
	return 170
}
