package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// practicePanel is the answer box of the Training screen: the trainee's
// answer to the selected exercise, the store's grading and feedback, and
// the trainee's progress across the exercises.
type practicePanel struct {
	v        *TrainingView
	ts       session.TrainingSession
	content  fyne.CanvasObject
	entry    *widget.Entry
	submit   *widget.Button
	result   *widget.Label
	progress *widget.Label

	ex    *api.Exercise
	mine  map[string]api.ExerciseProgress
	total int // exercises counted in the progress line
}

func newPracticePanel(v *TrainingView) *practicePanel {
	p := &practicePanel{v: v, ts: trainingOfSession(v.m.sess), mine: map[string]api.ExerciseProgress{}}
	p.entry = widget.NewEntry()
	p.entry.SetPlaceHolder("Your answer: a plate, a camera's name or id, or a few words")
	p.entry.OnSubmitted = func(string) { p.onSubmit() }
	p.submit = widget.NewButtonWithIcon("Check answer", theme.ConfirmIcon(), p.onSubmit)
	p.result = widget.NewLabel("")
	p.result.Wrapping = fyne.TextWrapWord
	p.result.Hide()
	// The Training screen shows progress beside its Start button.
	p.progress = widget.NewLabel("")
	p.progress.TextStyle = fyne.TextStyle{Italic: true}
	p.content = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, widget.NewLabel("Answer"), p.submit, p.entry), p.result)
	p.setExercise(nil)
	if p.ts == nil {
		p.content.Hide()
		p.progress.Hide()
	}
	return p
}

// setExercise shows the answer box for e (nil: none selected).
func (p *practicePanel) setExercise(e *api.Exercise) {
	p.ex = e
	p.entry.SetText("")
	p.result.Hide()
	if e == nil {
		p.entry.Disable()
		p.submit.Disable()
		return
	}
	p.entry.Enable()
	p.submit.Enable()
	if ep, ok := p.mine[e.ID]; ok && ep.Solved {
		p.showResult(true, "You have solved this exercise.")
	}
	p.relayout()
}

// relayout lays the Training screen out again: wrapped texts changed height.
func (p *practicePanel) relayout() { p.v.content.Refresh() }

// mark is the list's prefix for an exercise: solved, tried or new.
func (p *practicePanel) mark(id string) string {
	ep, ok := p.mine[id]
	switch {
	case ok && ep.Solved:
		return "solved · "
	case ok && ep.Attempts > 0:
		return "tried · "
	}
	return "· "
}

// onSubmit sends the answer (off the UI goroutine).
func (p *practicePanel) onSubmit() {
	if p.ex == nil || p.ts == nil {
		return
	}
	answer := p.entry.Text
	if len([]rune(answer)) == 0 {
		p.showResult(false, "Write your answer first.")
		return
	}
	id := p.ex.ID
	p.submit.Disable()
	job := p.v.m.runs.startEach("training_practice.onSubmit", 20*time.Second)
	go func() {
		ctx := job.Context()
		r, err := p.ts.Attempt(ctx, id, answer)
		job.apply(func() {
			p.submit.Enable()
			if err != nil {
				p.showResult(false, "The answer could not be checked: "+Words(err))
				return
			}
			ep := p.mine[id]
			ep.ExerciseID, ep.Attempts, ep.Solved, ep.LastAnswer = id, r.Attempts, r.Solved, answer
			p.mine[id] = ep
			if p.ex != nil && p.ex.ID == id {
				if r.Correct {
					p.showResult(true, "Correct. "+r.Feedback)
				} else {
					p.showResult(false, "Not yet. "+r.Feedback)
				}
			}
			p.showProgress()
			p.v.list.Refresh()
		})
	}()
}

func (p *practicePanel) showResult(ok bool, text string) {
	p.result.Importance = widget.DangerImportance
	if ok {
		p.result.Importance = widget.SuccessImportance
	}
	p.result.SetText(text)
	p.result.Show()
	p.relayout()
}

// Result is the feedback on show ("" when none).
func (p *practicePanel) Result() string {
	if !p.result.Visible() {
		return ""
	}
	return p.result.Text
}

// load fetches the trainee's own progress (off the UI goroutine).
func (p *practicePanel) load() {
	if p.ts == nil {
		return
	}
	me := p.v.m.sess.User().Username
	job := p.v.m.runs.start("training_practice.load", 20*time.Second)
	go func() {
		ctx := job.Context()
		pr, err := p.ts.Progress(ctx)
		job.apply(func() {
			if err != nil {
				p.progress.SetText("Your progress could not be loaded: " + Words(err))
				return
			}
			p.mine = map[string]api.ExerciseProgress{}
			for _, t := range pr.Trainees {
				if t.Username == me {
					for _, ep := range t.Exercises {
						p.mine[ep.ExerciseID] = ep
					}
				}
			}
			p.showProgress()
			p.v.list.Refresh()
		})
	}()
}

// showProgress sums the trainee's progress across the exercises.
func (p *practicePanel) showProgress() {
	solved, attempts := 0, 0
	for _, ep := range p.mine {
		attempts += ep.Attempts
		if ep.Solved {
			solved++
		}
	}
	p.total = len(p.v.ex)
	p.progress.SetText(fmt.Sprintf("Your progress: %d of %d exercises solved · %s.",
		solved, p.total, plural(attempts, "answer")))
}

// Progress is the progress line on show.
func (p *practicePanel) Progress() string { return p.progress.Text }
