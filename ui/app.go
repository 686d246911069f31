package ui

import (
	"context"
	"image/color"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// DefaultIdleLock is how long the workstation may sit idle before it locks.
const DefaultIdleLock = 15 * time.Minute

// Config says how the workstation starts.
type Config struct {
	// Connector opens sessions with the store.
	Connector session.Connector
	// Server is the store address to offer on the login screen; empty uses
	// the remembered one.
	Server string
	// Demo marks a demo session: every screen carries the demo banner.
	Demo bool
	// DemoUsers are listed on the login screen in demo mode.
	DemoUsers []DemoUser
	// DemoPassword is shown beside the demo users.
	DemoPassword string
	// DemoReady, when set, is closed once the demo store is ready; the
	// login screen says it is being prepared until then.
	DemoReady <-chan struct{}
	// IdleLock is the idle time before the session locks (DefaultIdleLock when zero).
	IdleLock time.Duration
	// Now is the clock (time.Now when nil).
	Now func() time.Time
}

// App is the workstation: one window whose content moves between the login,
// main and lock screens.
type App struct {
	fa  fyne.App
	win fyne.Window
	cfg Config

	sess   session.Session
	policy api.Policy

	login *LoginScreen
	main  *MainScreen
	lock  *LockScreen
	enrol *EnrolScreen // a restricted session's enrolment (account.go)
	idle  *idleTimer
	// accountDialog is the session.Session menu's last account form (account.go).
	accountDialog any
}

// New builds the workstation window (not yet shown).
func New(fa fyne.App, cfg Config) *App {
	if cfg.IdleLock <= 0 {
		cfg.IdleLock = DefaultIdleLock
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	a := &App{fa: fa, cfg: cfg}
	applyTheme(fa, fa.Preferences().StringWithFallback(prefTheme, themeSystem))
	a.win = fa.NewWindow("alprdesk")
	a.win.Resize(fyne.NewSize(1280, 720))
	a.idle = newIdleTimer(cfg.IdleLock, cfg.Now, a.onIdle)
	a.showLogin()
	return a
}

// Window is the workstation's window.
func (a *App) Window() fyne.Window { return a.win }

// Login is the login screen (nil once signed in).
func (a *App) Login() *LoginScreen { return a.login }

// Main is the main screen (nil until signed in).
func (a *App) Main() *MainScreen { return a.main }

// Lock is the lock screen (nil unless locked).
func (a *App) Lock() *LockScreen { return a.lock }

// Session is the signed-in session, or nil.
func (a *App) Session() session.Session { return a.sess }

// setContent puts a screen in the window, under the demo banner in a demo
// session.
func (a *App) setContent(o fyne.CanvasObject) {
	if a.cfg.Demo || a.policy.Demo {
		o = container.NewBorder(demoBanner(), nil, nil, nil, o)
	}
	a.win.SetContent(newActivityCatcher(o, a.idle.touch))
}

// demoBanner is the red-orange bar that marks every screen of a demo session.
func demoBanner() fyne.CanvasObject {
	bg := canvas.NewRectangle(color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff})
	t := canvas.NewText("DEMO DATA — NOT REAL  ·  a fictional training world: no real vehicles, people or cases", color.White)
	t.TextStyle = fyne.TextStyle{Bold: true}
	t.Alignment = fyne.TextAlignCenter
	bg.SetMinSize(fyne.NewSize(0, t.MinSize().Height+theme.Padding()*2))
	return container.NewStack(bg, container.NewCenter(t))
}

// leave stops the background work of the login and lock screens: none of
// their results is applied once the window shows another screen.
func (a *App) leave() {
	if a.login != nil {
		a.login.runs.stop()
	}
	if a.lock != nil {
		a.lock.runs.stop()
	}
	a.login, a.lock = nil, nil
}

func (a *App) showLogin() {
	if a.main != nil {
		a.main.close()
	}
	a.leave()
	a.stopAccountWork()
	a.main, a.enrol = nil, nil
	a.win.SetMainMenu(nil)
	a.idle.stop()
	a.login = newLoginScreen(a)
	a.setContent(a.login.content)
	a.win.Canvas().Focus(a.login.focusTarget())
	a.login.tryResume()
}

// signedIn moves from login (or resume) to the main screen.
func (a *App) signedIn(s session.Session, p api.Policy, locked bool) {
	a.sess, a.policy = s, p
	a.leave()
	if acct := a.account(); acct != nil && acct.EnrollmentRequired() {
		a.showEnrolment(acct)
		return
	}
	if locked {
		a.showLock()
		return
	}
	a.showMain()
}

func (a *App) showMain() {
	a.leave()
	if a.main == nil {
		a.main = newMainScreen(a)
	}
	a.setContent(a.main.content)
	a.main.installKeys()
	a.idle.start()
	a.main.focusStart()
}

func (a *App) showLock() {
	a.idle.stop()
	if a.main != nil {
		a.main.forgetCase()
	}
	a.leave()
	a.lock = newLockScreen(a)
	a.setContent(a.lock.content)
	a.win.Canvas().Focus(a.lock.password)
}

// onIdle locks the session after the idle time (on the UI goroutine).
func (a *App) onIdle() {
	if a.sess == nil || a.lock != nil {
		return
	}
	s := a.sess
	a.showLock()
	l := a.lock
	job := l.runs.start("app.lock", 20*time.Second)
	go func() {
		err := s.Lock()
		job.apply(func() {
			if err != nil {
				l.setMessage("The lock could not be saved with the credentials: " + Words(err))
			}
		})
	}()
}

// LockNow locks the session at once (the status line's Lock button).
func (a *App) LockNow() { a.onIdle() }

// logout revokes the session and returns to the login screen.
func (a *App) logout() {
	s := a.sess
	a.sess, a.policy = nil, api.Policy{}
	a.showLogin()
	if s != nil {
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			_ = s.Logout(ctx) // the local forget happens inside Logout even when the store is unreachable
		}()
	}
}

// errorText is a wrapping label for messages in the danger colour.
func errorText() *widget.Label {
	l := widget.NewLabel("")
	l.Wrapping = fyne.TextWrapWord
	l.Importance = widget.DangerImportance
	l.Hide()
	return l
}

// setMsg shows msg in l, hiding it when empty.
func setMsg(l *widget.Label, msg string) {
	l.SetText(msg)
	if msg == "" {
		l.Hide()
	} else {
		l.Show()
	}
}

// setSuccess shows msg in an error label l as a success, then leaves l
// ready for errors again.
func setSuccess(l *widget.Label, msg string) {
	l.Importance = widget.SuccessImportance
	setMsg(l, msg)
	l.Importance = widget.DangerImportance
}

// fixedWidth wraps o so that it asks for at least width w.
func fixedWidth(o fyne.CanvasObject, w float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(w, 0))
	return container.NewStack(r, o)
}

// spacer is a flexible horizontal gap.
func spacer() fyne.CanvasObject { return layout.NewSpacer() }
