package ui

import (
	"context"
	"fmt"
	"log"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// LoginScreen asks for the store address, the username and the password.
// It remembers the server and username (never the password) and, when the
// keyring holds a live session for them, signs in without asking.
type LoginScreen struct {
	runs     *runs // every goroutine's way back (run.go)
	app      *App
	content  fyne.CanvasObject
	server   *widget.Entry
	username *widget.Entry
	password *widget.Entry
	signIn   *widget.Button
	msg      *widget.Label
	busy     *widget.Activity
	note     *widget.Label
	code     *CodeStep // the second factor's step, while asked
}

func newLoginScreen(a *App) *LoginScreen {
	l := &LoginScreen{app: a, msg: errorText(), runs: newRuns()}
	l.server = widget.NewEntry()
	l.server.SetPlaceHolder("https://alpr.example.gov")
	l.server.SetText(a.cfg.Server)
	l.username = widget.NewEntry()
	l.username.SetPlaceHolder("username")
	l.password = widget.NewPasswordEntry()
	l.password.SetPlaceHolder("password")
	l.password.OnSubmitted = func(string) { l.onSignIn() }
	l.username.OnSubmitted = func(string) { a.win.Canvas().Focus(l.password) }
	l.signIn = widget.NewButton("Sign in", l.onSignIn)
	l.signIn.Importance = widget.HighImportance
	l.busy = widget.NewActivity()
	l.busy.Hide()
	l.note = widget.NewLabel("")
	l.note.Hide()

	form := widget.NewForm(
		widget.NewFormItem("Store", l.server),
		widget.NewFormItem("Username", l.username),
		widget.NewFormItem("Password", l.password),
	)
	title := widget.NewLabelWithStyle("alprdesk — ALPR investigator workstation", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	note := widget.NewLabel("Every search needs a case number and purpose, and is audited.")
	note.Alignment = fyne.TextAlignCenter
	box := container.NewVBox(title, note, form, container.NewHBox(l.busy, l.note, spacer(), l.signIn), l.msg)
	if a.cfg.Demo && len(a.cfg.DemoUsers) > 0 {
		box.Add(widget.NewSeparator())
		box.Add(l.demoUsers())
	}
	l.content = container.NewCenter(fixedWidth(box, 560))
	if r := a.cfg.DemoReady; r != nil {
		l.waitDemo(r)
	}
	return l
}

// preparing is the note shown while the demo store starts.
const preparing = "Preparing the demo world (the first start takes a minute)…"

// waitDemo says that the demo store is preparing its world until it is ready.
func (l *LoginScreen) waitDemo(ready <-chan struct{}) {
	select {
	case <-ready:
		return
	default:
	}
	l.setBusy(true, preparing)
	go func() {
		<-ready
		l.runs.onScreen(func() {
			if l.busy.Visible() && !l.signIn.Disabled() || l.note.Text == preparing {
				l.setBusy(false, "")
			}
		})
	}()
}

// demoUsers lists the demo accounts; a click fills the form.
func (l *LoginScreen) demoUsers() fyne.CanvasObject {
	pw := l.app.cfg.DemoPassword
	head := widget.NewLabel("Demo accounts (password \"" + pw + "\") — click one to fill the form:")
	grid := container.NewGridWithColumns(2)
	for _, u := range l.app.cfg.DemoUsers {
		u := u
		label := u.Username
		if u.Note != "" {
			label += " — " + u.Note
		}
		if role := strings.ReplaceAll(u.Role, "_", " "); role != u.Username && strings.ReplaceAll(u.Username, "_", " ") != role {
			label += " (" + role + ")"
		}
		b := widget.NewButton(label, func() { l.onDemoUser(u, pw) })
		b.Alignment = widget.ButtonAlignLeading
		grid.Add(b)
	}
	return container.NewVBox(head, grid)
}

// onDemoUser fills the form with a demo account.
func (l *LoginScreen) onDemoUser(u DemoUser, pw string) {
	l.username.SetText(u.Username)
	l.password.SetText(pw)
	l.app.win.Canvas().Focus(l.password)
}

func (l *LoginScreen) focusTarget() fyne.Focusable {
	if l.username.Text != "" {
		return l.password
	}
	return l.username
}

// SetMessage shows a message under the form.
func (l *LoginScreen) SetMessage(m string) { setMsg(l.msg, m) }

func (l *LoginScreen) setBusy(b bool, what string) {
	l.note.SetText(what)
	if b {
		l.busy.Show()
		l.busy.Start()
		l.note.Show()
		l.signIn.Disable()
	} else {
		l.busy.Stop()
		l.busy.Hide()
		l.note.Hide()
		l.signIn.Enable()
	}
}

// onSignIn signs in with the password.
func (l *LoginScreen) onSignIn() {
	server, user, pw := strings.TrimSpace(l.server.Text), strings.TrimSpace(l.username.Text), l.password.Text
	switch {
	case server == "":
		l.SetMessage("Enter the store's address, for example https://alpr.example.gov.")
		return
	case user == "":
		l.SetMessage("Enter your username.")
		return
	case pw == "":
		l.SetMessage("Enter your password.")
		return
	}
	l.SetMessage("")
	l.setBusy(true, "Signing in…")
	conn := l.app.cfg.Connector
	job := l.runs.start("login.login", 30*time.Second)
	go func() {
		ctx := job.Context()
		s, err := conn.Login(ctx, server, user, pw)
		var p api.Policy
		if err == nil {
			p, err = sessionPolicy(ctx, s)
		}
		job.apply(func() {
			l.setBusy(false, "")
			if need, ok := asSecondFactor(err); ok {
				l.askCode(need, server, user)
				return
			}
			if err != nil {
				l.password.SetText("")
				l.SetMessage(loginWords(err, server))
				return
			}
			l.finish(s, p, server, user)
		})
	}()
}

// finish remembers the server and username and enters the session.
func (l *LoginScreen) finish(s session.Session, p api.Policy, server, user string) {
	if err := l.app.cfg.Connector.Remember(server, user); err != nil {
		log.Printf("alprdesk: the server and username could not be remembered: %v", err)
	}
	l.app.signedIn(s, p, false)
}

// askCode replaces the form with the second factor's code step.
func (l *LoginScreen) askCode(need *session.SecondFactorNeeded, server, user string) {
	l.password.SetText("")
	l.code = newCodeStep(l.runs, need, func(s session.Session) {
		l.code = nil
		job := l.runs.start("login.policy", 20*time.Second)
		go func() {
			p, err := sessionPolicy(job.Context(), s)
			job.apply(func() {
				if err != nil {
					l.back()
					l.SetMessage(Words(err))
					return
				}
				l.finish(s, p, server, user)
			})
		}()
	}, l.back)
	l.app.setContent(l.code.content)
	l.app.win.Canvas().Focus(l.code.code)
}

// back returns from the code step to the password.
func (l *LoginScreen) back() {
	l.code = nil
	l.app.setContent(l.content)
	l.app.win.Canvas().Focus(l.password)
}

// CodeStep is the second factor's step of the sign-in (nil when not asked).
func (l *LoginScreen) CodeStep() *CodeStep { return l.code }

// sessionPolicy reads the store's policy, which a session restricted to
// enrolling a second factor cannot (and does not need to) read.
func sessionPolicy(ctx context.Context, s session.Session) (api.Policy, error) {
	if acct, ok := s.(session.AccountSession); ok && acct.EnrollmentRequired() {
		return api.Policy{}, nil
	}
	return s.Policy(ctx)
}

// tryResume fills in the remembered server and username (read off the UI
// goroutine) and signs in from the keyring when it holds a session for
// them.
func (l *LoginScreen) tryResume() {
	conn := l.app.cfg.Connector
	preset := strings.TrimSpace(l.server.Text)
	job := l.runs.start("login.resume", 15*time.Second)
	go func() {
		remServer, remUser := conn.Remembered()
		job.apply(func() { l.remembered(preset, remServer, remUser) })
	}()
}

// remembered fills in the remembered server and username and, when the
// keyring may hold a session for them, resumes it off the UI goroutine.
func (l *LoginScreen) remembered(preset, remServer, remUser string) {
	server := preset
	if server == "" {
		server = remServer
	}
	if strings.TrimSpace(l.server.Text) == "" {
		l.server.SetText(server)
	}
	if l.username.Text == "" && remUser != "" {
		l.username.SetText(remUser)
		l.app.win.Canvas().Focus(l.password)
	}
	if server == "" || remUser == "" || l.username.Text != remUser {
		return
	}
	l.setBusy(true, "Signing in with the saved session…")
	conn := l.app.cfg.Connector
	job := l.runs.start("login.resume", 15*time.Second)
	go func() {
		ctx := job.Context()
		s, locked, err := conn.Resume(ctx, server, remUser)
		var p api.Policy
		if err == nil && s != nil && !locked {
			p, err = s.Policy(ctx) // a locked session reads it after the unlock
		}
		job.apply(func() {
			l.setBusy(false, "")
			if err != nil || s == nil {
				return // nothing to resume: the password is asked as usual
			}
			l.app.signedIn(s, p, locked)
		})
	}()
}

// loginWords explains a failed sign-in.
func loginWords(err error, server string) string {
	w := Words(err)
	if isOfflineError(err) && !isTLSError(err) {
		return fmt.Sprintf("Cannot reach the store at %s. Check the address and the network, then try again.", server)
	}
	return w
}
