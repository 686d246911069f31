package ui

import (
	"fmt"
	"time"

	"alprdesk/ui/session"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// StatusLine is the bottom line of the main window: who is signed in, which
// store the data comes from, whether it is reachable, and when the session
// locks.
type StatusLine struct {
	runs    *runs // the main screen's (run.go)
	app     *App
	content fyne.CanvasObject
	text    *widget.Label
	online  *widget.Label
	dot     *widget.Icon
	stop    chan struct{}
}

func newStatusLine(a *App, rs *runs) *StatusLine {
	s := &StatusLine{app: a, runs: rs, text: widget.NewLabel(""), online: widget.NewLabel(""), dot: widget.NewIcon(nil)}
	s.text.Truncation = fyne.TextTruncateEllipsis
	lock := widget.NewButtonWithIcon("Lock", theme.VisibilityOffIcon(), a.LockNow)
	lock.Importance = widget.LowImportance
	out := widget.NewButtonWithIcon("Sign out", theme.LogoutIcon(), a.logout)
	out.Importance = widget.LowImportance
	s.content = container.NewVBox(widget.NewSeparator(),
		container.NewBorder(nil, nil, container.NewHBox(s.dot, s.online), container.NewHBox(lock, out), s.text))
	s.Refresh()
	s.stop = make(chan struct{})
	go s.tick(s.stop)
	return s
}

// tick refreshes the countdown every few seconds until the session ends.
func (s *StatusLine) tick(stop chan struct{}) {
	t := time.NewTicker(5 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			s.runs.onScreen(s.Refresh)
		}
	}
}

// Text is the status line's text.
func (s *StatusLine) Text() string { return s.online.Text + " " + s.text.Text }

// Refresh redraws the status from the session.
func (s *StatusLine) Refresh() {
	sess := s.app.sess
	if sess == nil {
		return
	}
	u := sess.User()
	if sess.Online() {
		s.online.SetText("online")
		s.online.Importance = widget.SuccessImportance
		s.dot.SetResource(theme.NewSuccessThemedResource(theme.RadioButtonCheckedIcon()))
	} else {
		s.online.SetText("OFFLINE — verdicts wait in the outbox")
		s.online.Importance = widget.DangerImportance
		s.dot.SetResource(theme.NewErrorThemedResource(theme.RadioButtonCheckedIcon()))
	}
	s.online.Refresh()
	who := u.Username
	if u.Serial != "" {
		who += " (" + u.Serial + ")"
	}
	left := s.app.idle.remaining()
	lock := "locks after " + minutes(s.app.cfg.IdleLock) + " idle"
	if left < s.app.cfg.IdleLock-time.Minute || left < time.Minute {
		lock = "lock in " + minutes(left)
	}
	cache := ""
	if session.NoKeyring(sess) {
		cache = " · no keyring: nothing is cached on this computer"
	}
	s.text.SetText(fmt.Sprintf("signed in as %s · %s · store %s%s · %s", who, roleLabel(u.Role), sess.StoreHost(), cache, lock))
}

func roleLabel(r string) string { return categoryLabel(r) }

// minutes is "14 m" (or "40 s" under a minute).
func minutes(d time.Duration) string {
	if d < time.Minute {
		if d < 0 {
			d = 0
		}
		return fmt.Sprintf("%d s", int(d.Seconds()))
	}
	return fmt.Sprintf("%d m", int(d.Round(time.Minute).Minutes()))
}

// close stops the ticker.
func (s *StatusLine) close() {
	if s.stop != nil {
		close(s.stop)
		s.stop = nil
	}
}

// newInfoDialog is a dialog with a Close button.
func newInfoDialog(title string, content fyne.CanvasObject, w fyne.Window) dialog.Dialog {
	return dialog.NewCustom(title, "Close", content, w)
}
