package ui

import (
	"strings"
	"time"

	"alprdesk/ui/session"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
	"github.com/skip2/go-qrcode"
)

// EnrolScreen sets up a second factor: it shows the secret as a QR code
// (and as text), asks for a first code, then shows the ten recovery codes
// once. It is reached from the session.Session menu, and right after sign-in when
// the store requires a second factor the user has not set up.
type EnrolScreen struct {
	runs     *runs // every goroutine's way back (run.go); stopped when the user leaves
	content  fyne.CanvasObject
	acct     session.AccountSession
	step     *fyne.Container
	qr       *canvas.Image
	secret   *widget.Label
	code     *widget.Entry
	confirm  *widget.Button
	msg      *widget.Label
	codes    *widget.Label
	finished *widget.Button
	done     func(enrolled bool)
}

// newEnrolScreen starts an enrolment on acct; done runs (on the UI
// goroutine) when the user leaves, enrolled or not, after the screen's
// runs stopped.
func newEnrolScreen(acct session.AccountSession, done func(enrolled bool)) *EnrolScreen {
	e := &EnrolScreen{acct: acct, msg: errorText(), runs: newRuns()}
	e.done = func(enrolled bool) {
		e.runs.stop()
		done(enrolled)
	}
	e.secret = widget.NewLabel("")
	e.secret.TextStyle = fyne.TextStyle{Monospace: true}
	e.secret.Wrapping = fyne.TextWrapBreak
	e.qr = canvas.NewImageFromImage(nil)
	e.qr.FillMode = canvas.ImageFillContain
	e.qr.SetMinSize(fyne.NewSize(220, 220))
	e.code = widget.NewEntry()
	e.code.SetPlaceHolder("first code, 6 digits")
	e.code.OnSubmitted = func(string) { e.onConfirm() }
	e.confirm = widget.NewButton("Confirm", e.onConfirm)
	e.confirm.Importance = widget.HighImportance
	e.confirm.Disable()
	e.codes = widget.NewLabel("")
	e.codes.TextStyle = fyne.TextStyle{Monospace: true}
	e.finished = widget.NewButton("I have stored these codes", func() { e.done(true) })
	e.finished.Importance = widget.HighImportance
	title := widget.NewLabelWithStyle("Set up a second factor", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	how := widget.NewLabel("Scan the code with an authenticator app (or type the secret into it), then enter the 6-digit code it shows.")
	how.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", func() { e.done(false) })
	e.step = container.NewVBox(title, how, container.NewCenter(e.qr), e.secret, e.code,
		container.NewHBox(spacer(), cancel, e.confirm), e.msg)
	e.content = container.NewCenter(fixedWidth(e.step, 520))
	e.start()
	return e
}

// start asks the store for a new secret.
func (e *EnrolScreen) start() {
	job, acct := e.runs.start("mfa_enrol.enrol", 20*time.Second), e.acct
	go func() {
		en, err := acct.EnrolMFA(job.Context())
		var png []byte
		if err == nil {
			png, err = qrcode.Encode(en.OTPAuthURL, qrcode.Medium, 256)
		}
		job.apply(func() {
			if err != nil {
				setMsg(e.msg, Words(err))
				return
			}
			e.qr.Resource = fyne.NewStaticResource("otpauth.png", png)
			e.qr.Refresh()
			e.secret.SetText("Secret: " + spaced(en.Secret))
			e.confirm.Enable()
		})
	}()
}

// spaced groups a base32 secret in fours, as authenticator apps show it.
func spaced(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && i%4 == 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// onConfirm sends the first code and shows the recovery codes.
func (e *EnrolScreen) onConfirm() {
	code := strings.ReplaceAll(strings.TrimSpace(e.code.Text), " ", "")
	if m := checkCode(code, false); m != "" {
		setMsg(e.msg, m)
		return
	}
	setMsg(e.msg, "")
	e.confirm.Disable()
	job, acct := e.runs.start("mfa_enrol.confirm", 20*time.Second), e.acct
	go func() {
		codes, err := acct.ConfirmMFA(job.Context(), code)
		job.apply(func() {
			e.confirm.Enable()
			if err != nil {
				e.code.SetText("")
				setMsg(e.msg, Words(err))
				return
			}
			e.showCodes(codes)
		})
	}()
}

// showCodes replaces the enrolment with the recovery codes, shown once.
func (e *EnrolScreen) showCodes(codes []string) {
	e.codes.SetText(strings.Join(codes, "\n"))
	title := widget.NewLabelWithStyle("Second factor set up", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	note := widget.NewLabel("Keep these recovery codes somewhere safe, away from your phone. Each signs you in once " +
		"if you lose the phone. They are shown only now.")
	note.Wrapping = fyne.TextWrapWord
	e.step.Objects = []fyne.CanvasObject{title, note, container.NewCenter(e.codes), container.NewHBox(spacer(), e.finished)}
	e.step.Refresh()
}

// PasswordForm changes the user's own password (session.Session menu).
type PasswordForm struct {
	runs            *runs // every goroutine's way back (run.go); stopped when the form closes
	content         fyne.CanvasObject
	current, next   *widget.Entry
	repeat          *widget.Entry
	save            *widget.Button
	msg             *widget.Label
	acct            session.AccountSession
	done            func(changed bool)
	minPasswordRune int
}

// newPasswordForm asks for the current password and a new one twice.
// done runs (on the UI goroutine) when the form closes, after its runs
// stopped.
func newPasswordForm(acct session.AccountSession, minLen int, done func(changed bool)) *PasswordForm {
	p := &PasswordForm{acct: acct, msg: errorText(), minPasswordRune: minLen, runs: newRuns()}
	p.done = func(changed bool) {
		p.runs.stop()
		done(changed)
	}
	p.current, p.next, p.repeat = widget.NewPasswordEntry(), widget.NewPasswordEntry(), widget.NewPasswordEntry()
	p.repeat.OnSubmitted = func(string) { p.onSave() }
	p.save = widget.NewButton("Change password", p.onSave)
	p.save.Importance = widget.HighImportance
	form := widget.NewForm(widget.NewFormItem("Current password", p.current),
		widget.NewFormItem("New password", p.next), widget.NewFormItem("New password again", p.repeat))
	note := widget.NewLabel("At least 12 characters. Your other signed-in workstations will have to sign in again.")
	note.Wrapping = fyne.TextWrapWord
	cancel := widget.NewButton("Cancel", func() { p.done(false) })
	p.content = container.NewVBox(form, note, container.NewHBox(spacer(), cancel, p.save), p.msg)
	return p
}

// check checks the form before it is sent.
func (p *PasswordForm) check() string {
	switch {
	case p.current.Text == "":
		return "Enter your current password."
	case len([]rune(p.next.Text)) < p.minPasswordRune:
		return "The new password needs at least 12 characters."
	case p.next.Text != p.repeat.Text:
		return "The two new passwords differ."
	case p.next.Text == p.current.Text:
		return "The new password must differ from the current one."
	}
	return ""
}

func (p *PasswordForm) onSave() {
	if m := p.check(); m != "" {
		setMsg(p.msg, m)
		return
	}
	setMsg(p.msg, "")
	p.save.Disable()
	cur, next := p.current.Text, p.next.Text
	job, acct := p.runs.start("mfa_enrol.password", 20*time.Second), p.acct
	go func() {
		err := acct.ChangePassword(job.Context(), cur, next)
		job.apply(func() {
			p.save.Enable()
			if err != nil {
				p.current.SetText("")
				setMsg(p.msg, Words(err))
				return
			}
			p.done(true)
		})
	}()
}
