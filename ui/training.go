package ui

import (
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
)

// TrainingView lists the demo world's exercises (modelled on the report's
// Appendix B cases). "Work this exercise" puts its report number and
// category in the case bar; the trainee still writes the justification.
type TrainingView struct {
	m       *MainScreen
	content fyne.CanvasObject
	list    *widget.List
	detail  *widget.Label
	answer  *widget.Label
	work    *widget.Button
	msg     *widget.Label
	ex      []api.Exercise
	sel     int
	loaded  bool
}

// The training screen (demo sessions): the exercises, with the answer box
// of training mode; it searches, so the case bar goes with it.
func init() {
	registerScreen(ScreenDef{ID: screenTraining, Title: "Training", Icon: theme.HelpIcon(), Order: 80,
		Roles: api.SearchRoles, Place: Placement{CaseBar: true},
		Needs: func(d Deps) bool { return d.Demo },
		New: func(d Deps) Screen {
			v := d.main.Training
			return &viewScreen{content: v.content, shown: v.load, focus: func() fyne.Focusable { return v.list }}
		}})
}

func newTrainingView(m *MainScreen) *TrainingView {
	v := &TrainingView{m: m, sel: -1, msg: errorText()}
	v.list = widget.NewList(func() int { return len(v.ex) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("exercise title")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(v.ex[i].Title) })
	v.list.OnSelected = v.onSelect
	v.detail = widget.NewLabel("Pick an exercise.")
	v.detail.Wrapping = fyne.TextWrapWord
	v.answer = widget.NewLabel("")
	v.answer.Wrapping = fyne.TextWrapWord
	v.answer.Importance = widget.SuccessImportance
	v.answer.Hide()
	v.work = widget.NewButtonWithIcon("Work this exercise", theme.MailForwardIcon(), v.onWork)
	v.work.Importance = widget.HighImportance
	v.work.Disable()
	head := widget.NewLabelWithStyle("Training exercises (demo world)", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	right := container.NewBorder(nil, container.NewHBox(spacer(), v.work), nil, nil,
		container.NewVScroll(container.NewVBox(v.detail, v.answer)))
	split := container.NewHSplit(v.list, right)
	split.Offset = 0.35
	v.content = container.NewBorder(container.NewVBox(head, v.msg), nil, nil, nil, split)
	return v
}

// Exercises are the exercises on show.
func (v *TrainingView) Exercises() []api.Exercise { return v.ex }

// load fetches the exercises once (off the UI goroutine).
func (v *TrainingView) load() {
	if v.loaded {
		return
	}
	v.loaded = true
	s := v.m.sess
	job := v.m.runs.start("training.load", 20*time.Second)
	go func() {
		ctx := job.Context()
		ex, err := s.Exercises(ctx)
		job.apply(func() {
			if err != nil {
				v.loaded = false
				setMsg(v.msg, "The exercises could not be loaded: "+Words(err))
				return
			}
			v.ex = ex
			v.list.Refresh()
		})
	}()
}

func (v *TrainingView) onSelect(i widget.ListItemID) {
	if i < 0 || i >= len(v.ex) {
		return
	}
	v.sel = i
	e := v.ex[i]
	v.detail.SetText(e.Brief + "\n\nQuestion: " + e.Question + "\n\nCase: " + e.ReportNumber + " · " + categoryLabel(e.PurposeCategory))
	if e.Answer != "" {
		v.answer.SetText("Answer (shown to trainers only): " + e.Answer)
		v.answer.Show()
	} else {
		v.answer.Hide()
	}
	v.work.Enable()
}

// onWork puts the exercise's case in the case bar and opens the search.
func (v *TrainingView) onWork() {
	if v.sel < 0 {
		return
	}
	e := v.ex[v.sel]
	b := v.m.Case
	if b.Active() != nil {
		b.onChangeCase()
	}
	b.fill(api.CaseContext{ReportNumber: e.ReportNumber, PurposeCategory: e.PurposeCategory})
	b.onEdit()
	v.m.showSearch()
	v.m.app.win.Canvas().Focus(b.purpose)
}
