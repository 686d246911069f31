package ui

import (
	"bytes"
	"image/png"
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
	"github.com/pquerna/otp/totp"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
	"alprdesk/ui/uitest"
)

// totpCode is the current code of secret on the store's clock.
func totpCode(t *testing.T, env *storetest.Env, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrolOverHTTP gives user a second factor through the store's API and
// returns its secret.
func enrolOverHTTP(t *testing.T, env *storetest.Env, user string) string {
	t.Helper()
	tok := env.Login(t, user)
	var en api.MFAEnrolment
	env.Do(t, "POST", "/v1/me/mfa", tok, nil, http.StatusOK, &en)
	env.Do(t, "POST", "/v1/me/mfa/confirm", tok, api.MFACode{Code: totpCode(t, env, en.Secret)}, http.StatusOK, nil)
	env.Clock.Advance(31 * time.Second) // the next code is a new step
	return en.Secret
}

// submitPassword fills the login screen and presses Sign in.
func submitPassword(a *App, user, password string) *LoginScreen {
	l := a.Login()
	l.username.SetText(user)
	test.Type(l.password, password)
	test.Tap(l.signIn)
	return l
}

// TestSignInAndUnlockAskForTheCode: a user with a second factor signs in
// in two steps (a wrong code is explained and may be retried), and the
// lock screen asks for the code too.
func TestSignInAndUnlockAskForTheCode(t *testing.T) {
	env := storetest.Start(t)
	secret := enrolOverHTTP(t, env, "detective")
	a := newApp(t, env.URL, Config{IdleLock: 400 * time.Millisecond})
	l := submitPassword(a, "detective", storetest.Password)
	waitFor(t, "the code step", func() bool { return l.CodeStep() != nil })
	c := l.CodeStep()
	test.Type(c.code, "12345")
	test.Tap(c.submit)
	if !strings.Contains(c.msg.Text, "6 digits") {
		t.Fatalf("short code: %q", c.msg.Text)
	}
	c.code.SetText("")
	wrong := "000000"
	if totpCode(t, env, secret) == wrong {
		wrong = "111111"
	}
	test.Type(c.code, wrong)
	test.Tap(c.submit)
	waitFor(t, "the wrong-code message", func() bool { return strings.Contains(c.msg.Text, "not right") })
	test.Type(c.code, totpCode(t, env, secret))
	test.Tap(c.submit)
	waitFor(t, "the main screen", func() bool { return a.Main() != nil })

	waitFor(t, "the lock screen", func() bool { return a.Lock() != nil })
	a.idle.d = time.Hour
	lk := a.Lock()
	test.Type(lk.password, storetest.Password)
	test.Tap(lk.unlock)
	waitFor(t, "the unlock's code step", func() bool { return lk.CodeStep() != nil })
	env.Clock.Advance(31 * time.Second)
	test.Type(lk.CodeStep().code, totpCode(t, env, secret))
	test.Tap(lk.CodeStep().submit)
	waitFor(t, "the main screen after unlock", func() bool { return a.Lock() == nil && a.Main() != nil })
}

// TestEnrolmentShowsQRAndRecoveryCodesOnce: the Session menu's enrolment
// shows the secret as a QR code, takes a first code and shows the ten
// recovery codes; the next sign-in asks for a code.
func TestEnrolmentShowsQRAndRecoveryCodesOnce(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	a.showEnrolDialog()
	e, ok := a.AccountDialog().(*EnrolScreen)
	if !ok {
		t.Fatalf("account dialog %T", a.AccountDialog())
	}
	waitFor(t, "the secret", func() bool { return !e.confirm.Disabled() })
	img, err := png.Decode(bytes.NewReader(e.qr.Resource.Content()))
	if err != nil || img.Bounds().Dx() != 256 {
		t.Fatalf("QR image: %v", err)
	}
	secret := strings.ReplaceAll(strings.TrimPrefix(e.secret.Text, "Secret: "), " ", "")
	test.Type(e.code, totpCode(t, env, secret))
	test.Tap(e.confirm)
	waitFor(t, "the recovery codes", func() bool { return e.codes.Text != "" })
	if n := len(strings.Split(e.codes.Text, "\n")); n != store.RecoveryCodeCount {
		t.Fatalf("%d recovery codes shown", n)
	}
	test.Tap(e.finished)

	env.Clock.Advance(31 * time.Second)
	b := newApp(t, env.URL, Config{})
	l := submitPassword(b, "detective", storetest.Password)
	waitFor(t, "the code step", func() bool { return l.CodeStep() != nil })
	code := strings.Split(e.codes.Text, "\n")[0]
	l.CodeStep().recovery.SetChecked(true)
	test.Type(l.CodeStep().code, code)
	test.Tap(l.CodeStep().submit)
	waitFor(t, "the main screen with a recovery code", func() bool { return b.Main() != nil })
}

// TestRequireMFAShowsEnrolmentFirst: on a store that requires a second
// factor, a user without one sees only the enrolment, then signs in again.
func TestRequireMFAShowsEnrolmentFirst(t *testing.T) {
	env := storetest.StartWith(t, store.Config{RequireMFA: true})
	a := newApp(t, env.URL, Config{})
	submitPassword(a, "detective", storetest.Password)
	waitFor(t, "the enrolment", func() bool { return a.Enrolment() != nil })
	e := a.Enrolment()
	waitFor(t, "the secret", func() bool { return !e.confirm.Disabled() })
	secret := strings.ReplaceAll(strings.TrimPrefix(e.secret.Text, "Secret: "), " ", "")
	test.Type(e.code, totpCode(t, env, secret))
	test.Tap(e.confirm)
	waitFor(t, "the recovery codes", func() bool { return e.codes.Text != "" })
	test.Tap(e.finished)
	waitFor(t, "the login screen", func() bool { return a.Login() != nil && a.Login().msg.Visible() })
	if !strings.Contains(a.Login().msg.Text, "Sign in again") {
		t.Fatalf("after enrolling: %q", a.Login().msg.Text)
	}
}

// TestChangePasswordFromSessionMenu: the form checks length and repeat
// itself, the store the current password; the new password signs in.
func TestChangePasswordFromSessionMenu(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	a.showPasswordDialog()
	p := a.AccountDialog().(*PasswordForm)
	test.Type(p.current, storetest.Password)
	test.Type(p.next, "short")
	test.Type(p.repeat, "short")
	test.Tap(p.save)
	if !strings.Contains(p.msg.Text, "12 characters") {
		t.Fatalf("short: %q", p.msg.Text)
	}
	p.current.SetText("not-the-password")
	p.next.SetText("a-long-new-password")
	p.repeat.SetText("a-long-new-password")
	test.Tap(p.save)
	waitFor(t, "the wrong current password", func() bool { return strings.Contains(p.msg.Text, "current_password") })
	p.current.SetText(storetest.Password)
	p.next.SetText("a-long-new-password")
	p.repeat.SetText("a-long-new-password")
	test.Tap(p.save)
	waitFor(t, "the change", func() bool { return !p.msg.Visible() && !p.save.Disabled() })
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: "a-long-new-password"}, http.StatusOK, nil)
}

// settle waits until run r handed its result back, then runs the UI
// updates: whatever r's result would change has been applied or dropped.
func settle(t *testing.T, r *run) {
	t.Helper()
	select {
	case <-r.finished:
	case <-time.After(10 * time.Second):
		t.Fatal("the run did not finish")
	}
	drain()
}

// A code sent just before Back: its late answer must not sign the user in
// behind the password form (the code step's result went through uiDo
// directly, unchecked).
func TestCodeStepBackDropsTheLateAnswer(t *testing.T) {
	sess := detectiveSession()
	sess.RequireCode("123456")
	fa := test.NewTempApp(t)
	a := New(fa, Config{Connector: uitest.NewConnector(sess), Server: "https://uitest.example"})
	l := submitPassword(a, "detective", uitest.Password)
	waitFor(t, "the code step", func() bool { return l.CodeStep() != nil })
	c := l.CodeStep()
	g := sess.Hold("Finish")
	test.Type(c.code, "123456")
	test.Tap(c.submit)
	g.Wait(t, 1)
	job := l.runs.latest[runCode]
	if job == nil {
		t.Fatal("the code is not sent through the login screen's runs")
	}
	c.cancel() // Back
	g.Release()
	settle(t, job)
	if l.runs.busy("login.policy") || a.Main() != nil || a.Login() != l || l.CodeStep() != nil {
		t.Fatalf("after Back, the late answer was applied: main %v, code step %v", a.Main() != nil, l.CodeStep() != nil)
	}
	if l.signIn.Disabled() {
		t.Fatal("the password form is still busy")
	}
}

// The enrolment's answer that arrives after Cancel (a secret, or the
// cancelled call's error) is not applied: the dialog's runs stopped.
func TestEnrolCancelDropsTheLateSecret(t *testing.T) {
	sess := detectiveSession()
	a := fakeApp(t, sess)
	g := sess.Hold("EnrolMFA")
	a.showEnrolDialog()
	e := a.AccountDialog().(*EnrolScreen)
	g.Wait(t, 1)
	job := e.runs.latest["mfa_enrol.enrol"]
	if job == nil {
		t.Fatal("the enrolment is not started through the screen's runs")
	}
	e.done(false) // Cancel
	g.Release()
	settle(t, job)
	if e.secret.Text != "" || !e.confirm.Disabled() || e.msg.Visible() {
		t.Fatalf("after Cancel, the late answer was applied: secret %q, message %q", e.secret.Text, e.msg.Text)
	}
}
