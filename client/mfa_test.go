package client_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"alprdesk/client"
	"alprdesk/store/storetest"
)

// TestSecondFactorEndToEnd: enrol and confirm through the client, then
// the two-step sign-in (wrong code, right code, recovery code), removal,
// and a password change, every exchange checked against openapi.yaml.
func TestSecondFactorEndToEnd(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.login(t, "detective")
	code := func(secret string) string {
		s, err := totp.GenerateCode(secret, w.env.Clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	en, err := c.EnrolMFA(ctx)
	if err != nil || en.Secret == "" || en.OTPAuthURL == "" {
		t.Fatalf("EnrolMFA = %+v %v", en, err)
	}
	if _, err := c.ConfirmMFA(ctx, "000000"); !errors.Is(err, client.ErrInvalidMFACode) && code(en.Secret) != "000000" {
		t.Fatalf("ConfirmMFA(wrong) = %v", err)
	}
	recovery, err := c.ConfirmMFA(ctx, code(en.Secret))
	if err != nil || len(recovery) != 10 {
		t.Fatalf("ConfirmMFA = %q %v", recovery, err)
	}
	if _, err := c.EnrolMFA(ctx); !errors.Is(err, client.ErrConflict) {
		t.Fatalf("EnrolMFA twice = %v", err)
	}

	d := w.client(t, client.Config{})
	_, err = d.Login(ctx, "detective", storetest.Password)
	var ch *client.MFAChallenge
	if !errors.Is(err, client.ErrMFARequired) || !errors.As(err, &ch) || d.SignedIn() {
		t.Fatalf("Login with a second factor = %v (signed in %v)", err, d.SignedIn())
	}
	if _, err := d.LoginMFA(ctx, ch, code(en.Secret)); !errors.Is(err, client.ErrMFACodeReused) {
		t.Fatalf("LoginMFA(the enrolment's code) = %v", err)
	}
	w.env.Clock.Advance(31 * time.Second)
	if _, err := d.LoginMFA(ctx, ch, "99999x"); !errors.Is(err, client.ErrInvalidMFACode) {
		t.Fatalf("LoginMFA(wrong) = %v", err)
	}
	tr, err := d.LoginMFA(ctx, ch, code(en.Secret))
	if err != nil || !d.SignedIn() || !tr.User.MFAEnabled {
		t.Fatalf("LoginMFA = %+v %v", tr, err)
	}

	e := w.client(t, client.Config{})
	_, err = e.Login(ctx, "detective", storetest.Password)
	if !errors.As(err, &ch) {
		t.Fatal(err)
	}
	if _, err := e.LoginRecovery(ctx, ch, recovery[3]); err != nil || !e.SignedIn() {
		t.Fatalf("LoginRecovery = %v", err)
	}

	w.env.Clock.Advance(31 * time.Second)
	if err := e.RemoveMFA(ctx, code(en.Secret)); err != nil {
		t.Fatalf("RemoveMFA = %v", err)
	}
	if err := e.ChangePassword(ctx, storetest.Password, "short"); !errors.Is(err, client.ErrInvalidField) {
		t.Fatalf("ChangePassword(short) = %v", err)
	}
	if err := e.ChangePassword(ctx, storetest.Password, "a-much-longer-password"); err != nil {
		t.Fatalf("ChangePassword = %v", err)
	}
	if _, err := d.Me(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("the other session after a password change: %v", err)
	}
	if _, err := e.Me(ctx); err != nil {
		t.Fatalf("this session after a password change: %v", err)
	}
}
