package ui

import (
	"fyne.io/fyne/v2/dialog"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// account is the session's session.AccountSession, or nil when it offers none.
func (a *App) account() session.AccountSession {
	acct, _ := a.sess.(session.AccountSession)
	return acct
}

// showEnrolment is the screen of a session the store restricts until the
// user sets up a second factor; afterwards the user signs in again.
func (a *App) showEnrolment(acct session.AccountSession) {
	a.login, a.main, a.lock = nil, nil, nil
	a.enrol = newEnrolScreen(acct, func(enrolled bool) {
		a.enrol = nil
		a.logout()
		if enrolled && a.login != nil {
			a.login.SetMessage("Second factor set up. Sign in again: after the password, enter the code from your app.")
		}
	})
	a.setContent(a.enrol.content)
}

// Enrolment is the enrolment screen shown instead of the main screen of a
// restricted session (nil otherwise).
func (a *App) Enrolment() *EnrolScreen { return a.enrol }

// showEnrolDialog sets up a second factor from the session.Session menu.
func (a *App) showEnrolDialog() {
	acct := a.account()
	if acct == nil {
		return
	}
	var d dialog.Dialog
	e := newEnrolScreen(acct, func(bool) { d.Hide() })
	d = dialog.NewCustomWithoutButtons("Second factor", e.content, a.win)
	a.dialogShown(e)
	d.Show()
}

// showPasswordDialog changes the user's password from the session.Session menu.
func (a *App) showPasswordDialog() {
	acct := a.account()
	if acct == nil {
		return
	}
	var d dialog.Dialog
	p := newPasswordForm(acct, api.MinPasswordLength, func(changed bool) {
		d.Hide()
		if changed {
			dialog.ShowInformation("Password changed", "Your password is changed; other workstations signed in as you must sign in again.", a.win)
		}
	})
	d = dialog.NewCustomWithoutButtons("Change password", p.content, a.win)
	a.dialogShown(p)
	d.Show()
}

// dialogShown remembers the account dialog's screen (for tests).
func (a *App) dialogShown(v any) { a.accountDialog = v }

// AccountDialog is the enrolment or password form shown from the session.Session
// menu last (nil when none).
func (a *App) AccountDialog() any { return a.accountDialog }

// stopAccountWork stops the background work of the enrolment screen and of
// the Session menu's account form: none of their results is applied once
// the user signed out.
func (a *App) stopAccountWork() {
	if a.enrol != nil {
		a.enrol.runs.stop()
	}
	switch d := a.accountDialog.(type) {
	case *EnrolScreen:
		d.runs.stop()
	case *PasswordForm:
		d.runs.stop()
	}
}
