package ui

import (
	"image/color"
	"sync"
	"time"

	"alprdesk/ui/session"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"
)

// idleTimer fires once after d without touch(); start re-arms it.
type idleTimer struct {
	d      time.Duration
	now    func() time.Time
	fire   func()
	mu     sync.Mutex
	last   time.Time
	cancel chan struct{}
}

func newIdleTimer(d time.Duration, now func() time.Time, fire func()) *idleTimer {
	return &idleTimer{d: d, now: now, fire: fire}
}

// touch records user activity.
func (t *idleTimer) touch() {
	t.mu.Lock()
	t.last = t.now()
	t.mu.Unlock()
}

// remaining is the time left before the lock.
func (t *idleTimer) remaining() time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cancel == nil {
		return t.d
	}
	return t.d - t.now().Sub(t.last)
}

func (t *idleTimer) start() {
	t.stop()
	t.mu.Lock()
	t.last = t.now()
	stop := make(chan struct{})
	t.cancel = stop
	t.mu.Unlock()
	tick := t.d / 8
	if tick > time.Second {
		tick = time.Second
	}
	go func() {
		tk := time.NewTicker(tick)
		defer tk.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tk.C:
				if t.remaining() <= 0 {
					t.stop()
					uiDo(t.fire)
					return
				}
			}
		}
	}()
}

func (t *idleTimer) stop() {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cancel != nil {
		close(t.cancel)
		t.cancel = nil
	}
}

// activityCatcher lies under a screen's content and notices pointer
// movement and taps that reach no other widget, so that reading the screen
// counts as activity for the idle lock.
type activityCatcher struct {
	widget.BaseWidget
	touch func()
}

func newActivityCatcher(content fyne.CanvasObject, touch func()) fyne.CanvasObject {
	c := &activityCatcher{touch: touch}
	c.ExtendBaseWidget(c)
	return container.NewStack(c, content)
}

// CreateRenderer draws nothing.
func (c *activityCatcher) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(canvas.NewRectangle(color.Transparent))
}

// MouseIn counts as activity.
func (c *activityCatcher) MouseIn(*desktop.MouseEvent) { c.touch() }

// MouseMoved counts as activity.
func (c *activityCatcher) MouseMoved(*desktop.MouseEvent) { c.touch() }

// MouseOut does nothing.
func (c *activityCatcher) MouseOut() {}

// Tapped counts as activity.
func (c *activityCatcher) Tapped(*fyne.PointEvent) { c.touch() }

// LockScreen asks for the password of the signed-in user after an idle lock
// (or when a locked session is reopened).
type LockScreen struct {
	app      *App
	runs     *runs // every goroutine's way back (run.go)
	content  fyne.CanvasObject
	password *widget.Entry
	unlock   *widget.Button
	msg      *widget.Label
	busy     *widget.Activity
	code     *CodeStep // the second factor's step, while asked
}

func newLockScreen(a *App) *LockScreen {
	l := &LockScreen{app: a, msg: errorText(), runs: newRuns()}
	u := a.sess.User()
	l.password = widget.NewPasswordEntry()
	l.password.SetPlaceHolder("Password")
	l.password.OnSubmitted = func(string) { l.onUnlock() }
	l.unlock = widget.NewButton("Unlock", l.onUnlock)
	l.unlock.Importance = widget.HighImportance
	logout := widget.NewButton("Sign out", a.logout)
	l.busy = widget.NewActivity()
	l.busy.Hide()
	title := widget.NewLabelWithStyle("Session locked", fyne.TextAlignCenter, fyne.TextStyle{Bold: true})
	who := widget.NewLabel("Signed in as " + u.Username + " (" + u.DisplayName + ") on " + a.sess.StoreHost() +
		".\nThe workstation locked after a period of inactivity. Enter your password to continue;\nthe case context was cleared and must be set again.")
	who.Alignment = fyne.TextAlignCenter
	box := container.NewVBox(title, who, l.password, container.NewHBox(l.busy, spacer(), logout, l.unlock), l.msg)
	l.content = container.NewCenter(fixedWidth(box, 520))
	return l
}

// setMessage shows a message on the lock screen.
func (l *LockScreen) setMessage(m string) { setMsg(l.msg, m) }

// onUnlock checks the password with the store.
func (l *LockScreen) onUnlock() {
	pw := l.password.Text
	if pw == "" {
		l.setMessage("Enter your password.")
		return
	}
	l.unlock.Disable()
	l.busy.Show()
	l.busy.Start()
	s := l.app.sess
	job := l.runs.start("lock.unlock", 20*time.Second)
	go func() {
		ctx := job.Context()
		err := s.Unlock(ctx, pw)
		job.apply(func() {
			l.busy.Stop()
			l.busy.Hide()
			l.unlock.Enable()
			if need, ok := asSecondFactor(err); ok {
				l.askCode(need)
				return
			}
			if err != nil {
				l.password.SetText("")
				l.setMessage(Words(err))
				return
			}
			l.unlocked()
		})
	}()
}

// askCode asks for the second factor's code before unlocking.
func (l *LockScreen) askCode(need *session.SecondFactorNeeded) {
	l.password.SetText("")
	l.code = newCodeStep(l.runs, need, func(session.Session) { l.code = nil; l.unlocked() }, func() {
		l.code = nil
		l.app.setContent(l.content)
	})
	l.app.setContent(l.code.content)
	l.app.win.Canvas().Focus(l.code.code)
}

// CodeStep is the second factor's step of the unlock (nil when not asked).
func (l *LockScreen) CodeStep() *CodeStep { return l.code }

// unlocked reads the policy when the session reopened locked, then shows
// the main screen.
func (l *LockScreen) unlocked() {
	if l.app.main != nil {
		l.app.showMain()
		return
	}
	s := l.app.sess
	job := l.runs.start("lock.policy", 20*time.Second)
	go func() {
		p, err := s.Policy(job.Context())
		job.apply(func() {
			if err != nil {
				l.app.setContent(l.content)
				l.setMessage(Words(err))
				return
			}
			l.app.policy = p
			l.app.showMain()
		})
	}()
}
