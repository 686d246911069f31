package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// trainingUI is training mode in a demo session's main screen: the answer
// box and progress under the Training screen's exercises, the trainer's
// class view beside them, and the first-run tour over the whole screen.
type trainingUI struct {
	m        *MainScreen
	practice *practicePanel
	class    *ClassView // trainers only, once the Class screen is built
	tour     *Tour
	tourBtn  *widget.Button
}

// trainingOf returns the training mode of m, or nil outside demo sessions.
func trainingOf(m *MainScreen) *trainingUI { return m.training }

// withTraining adds training mode to a demo session's main screen and
// returns its content with the tour laid over it (content unchanged
// outside demo sessions).
func withTraining(m *MainScreen, content fyne.CanvasObject) fyne.CanvasObject {
	if !(m.app.cfg.Demo || m.app.policy.Demo) {
		m.training = nil
		return content
	}
	t := &trainingUI{m: m}
	m.training = t
	t.tour = newTour(m)
	t.tourBtn = widget.NewButtonWithIcon("Tour", theme.HelpIcon(), t.tour.Start)
	v := m.Training
	t.practice = newPracticePanel(v)
	t.hookList()
	exercises := container.NewBorder(nil,
		container.NewVBox(t.practice.content, container.NewHBox(t.practice.progress, spacer(), t.tourBtn)),
		nil, nil, v.content)
	v.content = exercises
	t.practice.load()
	return container.NewStack(content, t.tour.layer)
}

// hookList follows the exercise list: the answer box follows the
// selection, and each title carries the trainee's mark ("solved", "tried").
func (t *trainingUI) hookList() {
	v, p := t.m.Training, t.practice
	selected := v.list.OnSelected
	v.list.OnSelected = func(i widget.ListItemID) {
		if selected != nil {
			selected(i)
		}
		if i >= 0 && i < len(v.ex) {
			e := v.ex[i]
			p.setExercise(&e)
		}
	}
	update := v.list.UpdateItem
	v.list.UpdateItem = func(i widget.ListItemID, o fyne.CanvasObject) {
		update(i, o)
		if l, ok := o.(*widget.Label); ok && i < len(v.ex) {
			l.SetText(p.mark(v.ex[i].ID) + l.Text)
		}
		if p.total != len(v.ex) {
			p.showProgress()
		}
	}
}

// afterReset reloads the exercises and the trainer's own progress: a reset
// brings a new world.
func (t *trainingUI) afterReset() {
	v := t.m.Training
	v.loaded = false
	v.sel = -1
	t.practice.setExercise(nil)
	v.load()
	t.practice.load()
}

// showClass opens the class view (trainers).
func (t *trainingUI) showClass() { t.m.reg.Show(screenClass) }
