package ui

import (
	"errors"
	"strings"
	"time"

	"alprdesk/ui/session"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// CodeStep is the second step of a sign-in (or of an unlock) for a user
// with a second factor: a code from the authenticator app, or a recovery
// code. It finishes the session.SecondFactorNeeded its screen received.
type CodeStep struct {
	runs     *runs // the owning screen's (login or lock): its way back (run.go)
	content  fyne.CanvasObject
	code     *widget.Entry
	recovery *widget.Check
	submit   *widget.Button
	msg      *widget.Label
	busy     *widget.Activity
	need     *session.SecondFactorNeeded
	done     func(session.Session)
	cancel   func()
}

// runCode is the run key of a code sent to the store.
const runCode = "mfa.code"

// newCodeStep asks for the code of need; its answers return through rs, the
// owning screen's runs. done receives the session on the UI goroutine;
// cancel goes back to the password, dropping a code still in flight.
func newCodeStep(rs *runs, need *session.SecondFactorNeeded, done func(session.Session), cancel func()) *CodeStep {
	c := &CodeStep{runs: rs, need: need, done: done, msg: errorText()}
	c.cancel = func() {
		c.runs.drop(runCode) // an answer that comes after Back is not applied
		c.setBusy(false)
		cancel()
	}
	c.code = widget.NewEntry()
	c.code.SetPlaceHolder("123456")
	c.code.OnSubmitted = func(string) { c.onSubmit() }
	c.recovery = widget.NewCheck("Use a recovery code instead (lost phone)", c.onRecovery)
	c.submit = widget.NewButton("Continue", c.onSubmit)
	c.submit.Importance = widget.HighImportance
	back := widget.NewButton("Back", c.cancel)
	c.busy = widget.NewActivity()
	c.busy.Hide()
	title := widget.NewLabelWithStyle("Second factor", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	note := widget.NewLabel("Enter the 6-digit code your authenticator app shows now.")
	note.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(title, note, c.code, c.recovery, container.NewHBox(c.busy, spacer(), back, c.submit), c.msg)
	c.content = container.NewCenter(fixedWidth(box, 480))
	return c
}

func (c *CodeStep) onRecovery(on bool) {
	if on {
		c.code.SetPlaceHolder("xxxxx-xxxxx")
	} else {
		c.code.SetPlaceHolder("123456")
	}
}

// checkCode checks what was typed before it is sent.
func checkCode(code string, recovery bool) string {
	digits := strings.ReplaceAll(code, " ", "")
	switch {
	case code == "" && recovery:
		return "Enter one of your recovery codes."
	case code == "":
		return "Enter the code from your authenticator app."
	case !recovery && (len(digits) != 6 || strings.Trim(digits, "0123456789") != ""):
		return "The code has 6 digits."
	}
	return ""
}

// onSubmit sends the code.
func (c *CodeStep) onSubmit() {
	code, recovery := strings.TrimSpace(c.code.Text), c.recovery.Checked
	if m := checkCode(code, recovery); m != "" {
		setMsg(c.msg, m)
		return
	}
	if !recovery {
		code = strings.ReplaceAll(code, " ", "")
	}
	setMsg(c.msg, "")
	c.setBusy(true)
	job, need := c.runs.start(runCode, 20*time.Second), c.need
	go func() {
		s, err := need.Finish(job.Context(), code, recovery)
		job.apply(func() {
			c.setBusy(false)
			if err != nil {
				c.code.SetText("")
				setMsg(c.msg, Words(err))
				return
			}
			c.done(s)
		})
	}()
}

func (c *CodeStep) setBusy(b bool) {
	if b {
		c.busy.Show()
		c.busy.Start()
		c.submit.Disable()
		return
	}
	c.busy.Stop()
	c.busy.Hide()
	c.submit.Enable()
}

// asSecondFactor reports whether err asks for the second step.
func asSecondFactor(err error) (*session.SecondFactorNeeded, bool) {
	var need *session.SecondFactorNeeded
	ok := errors.As(err, &need)
	return need, ok
}
