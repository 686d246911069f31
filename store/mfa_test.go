package store_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// code is the TOTP code of secret at the store's clock.
func code(t *testing.T, env *storetest.Env, secret string) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// enrol sets up a second factor for user and returns its secret and
// recovery codes.
func enrol(t *testing.T, env *storetest.Env, tok string) (string, []string) {
	t.Helper()
	var en api.MFAEnrolment
	env.Do(t, "POST", "/v1/me/mfa", tok, nil, http.StatusOK, &en)
	raw := env.Do(t, "POST", "/v1/me/mfa/confirm", tok, api.MFACode{Code: "000000"}, http.StatusUnprocessableEntity, nil)
	if c := errCode(t, raw); c != api.CodeInvalidMFACode && code(t, env, en.Secret) != "000000" {
		t.Fatalf("wrong first code: %s", raw)
	}
	var rc api.RecoveryCodes
	env.Do(t, "POST", "/v1/me/mfa/confirm", tok, api.MFACode{Code: code(t, env, en.Secret)}, http.StatusOK, &rc)
	if len(rc.RecoveryCodes) != store.RecoveryCodeCount {
		t.Fatalf("recovery codes %q", rc.RecoveryCodes)
	}
	return en.Secret, rc.RecoveryCodes
}

// challenge signs in with the password and expects the MFA step.
func challenge(t *testing.T, env *storetest.Env, user string) string {
	t.Helper()
	var ch api.MFAChallenge
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: user, Password: storetest.Password}, http.StatusOK, &ch)
	if !ch.MFARequired || ch.MFAToken == "" || ch.ExpiresIn != 300 {
		t.Fatalf("challenge = %+v", ch)
	}
	return ch.MFAToken
}

func mfa(t *testing.T, env *storetest.Env, req api.MFARequest, status int) []byte {
	t.Helper()
	return env.Do(t, "POST", "/v1/auth/mfa", "", req, status, nil)
}

// TestTwoStepSignIn: enrolment, the two-step sign-in, replay refusal,
// recovery codes spent once, and removal with a current code.
func TestTwoStepSignIn(t *testing.T) {
	env := storetest.Start(t)
	tok := env.Login(t, "detective")
	secret, recovery := enrol(t, env, tok)
	var me api.User
	env.Do(t, "GET", "/v1/me", tok, nil, http.StatusOK, &me)
	if !me.MFAEnabled {
		t.Fatal("me does not say mfa_enabled")
	}
	env.Do(t, "POST", "/v1/me/mfa", tok, nil, http.StatusConflict, nil)

	// The enrolment's own code was accepted: it cannot sign in again.
	mt := challenge(t, env, "detective")
	if c := errCode(t, mfa(t, env, api.MFARequest{MFAToken: mt, Code: code(t, env, secret)}, http.StatusUnauthorized)); c != api.CodeMFACodeReused {
		t.Fatalf("replayed code: %s", c)
	}
	if c := errCode(t, mfa(t, env, api.MFARequest{MFAToken: mt, Code: "12345x"}, http.StatusUnauthorized)); c != api.CodeInvalidMFACode {
		t.Fatalf("wrong code: %s", c)
	}
	env.Clock.Advance(31 * time.Second)
	var tr api.TokenResponse
	env.Do(t, "POST", "/v1/auth/mfa", "", api.MFARequest{MFAToken: mt, Code: code(t, env, secret)}, http.StatusOK, &tr)
	if tr.AccessToken == "" || !tr.User.MFAEnabled {
		t.Fatalf("tokens = %+v", tr)
	}
	// The MFA token is spent.
	mfa(t, env, api.MFARequest{MFAToken: mt, Code: code(t, env, secret)}, http.StatusUnauthorized)

	// A recovery code works once.
	env.Do(t, "POST", "/v1/auth/mfa", "", api.MFARequest{MFAToken: challenge(t, env, "detective"), RecoveryCode: recovery[0]}, http.StatusOK, &tr)
	if c := errCode(t, mfa(t, env, api.MFARequest{MFAToken: challenge(t, env, "detective"), RecoveryCode: recovery[0]}, http.StatusUnauthorized)); c != api.CodeInvalidMFACode {
		t.Fatalf("spent recovery code: %s", c)
	}

	// Removal needs a current, unused code.
	env.Do(t, "DELETE", "/v1/me/mfa", tr.AccessToken, api.MFACode{Code: "000001"}, http.StatusUnprocessableEntity, nil)
	env.Clock.Advance(31 * time.Second)
	env.Do(t, "DELETE", "/v1/me/mfa", tr.AccessToken, api.MFACode{Code: code(t, env, secret)}, http.StatusNoContent, nil)
	login(env, t, "detective", storetest.Password, http.StatusOK)

	sup := env.Login(t, "supervisor")
	for _, action := range []string{"mfa_enrol", "mfa_remove", "login_mfa"} {
		var page api.AuditPage
		env.Do(t, "GET", "/v1/audit?user=detective&outcome=allowed&action="+action, sup, nil, http.StatusOK, &page)
		if len(page.Entries) == 0 {
			t.Errorf("no allowed %s in the audit", action)
		}
	}
}

// TestWrongCodesCountTowardLockout: wrong codes lock the account like
// wrong passwords; an MFA token allows five tries and five minutes.
func TestWrongCodesCountTowardLockout(t *testing.T) {
	env := storetest.Start(t)
	secret, _ := enrol(t, env, env.Login(t, "detective"))
	env.Clock.Advance(31 * time.Second)
	mt := challenge(t, env, "detective")
	for range store.MaxFailures - 1 {
		mfa(t, env, api.MFARequest{MFAToken: mt, Code: "000000"}, http.StatusUnauthorized)
	}
	login(env, t, "detective", "wrong-password", http.StatusUnauthorized) // the fifth failure
	if c := errCode(t, mfa(t, env, api.MFARequest{MFAToken: mt, Code: code(t, env, secret)}, http.StatusLocked)); c != api.CodeAccountLocked {
		t.Fatalf("locked: %s", c)
	}
	if err := env.Server.Admin("cli:test").Unlock(context.Background(), "detective"); err != nil {
		t.Fatal(err)
	}
	// Five tries spend a token.
	mt = challenge(t, env, "detective")
	for range store.MFATokenTries {
		mfa(t, env, api.MFARequest{MFAToken: mt, Code: "999999"}, http.StatusUnauthorized)
	}
	if err := env.Server.Admin("cli:test").Unlock(context.Background(), "detective"); err != nil {
		t.Fatal(err)
	}
	if c := errCode(t, mfa(t, env, api.MFARequest{MFAToken: mt, Code: code(t, env, secret)}, http.StatusUnauthorized)); c != api.CodeUnauthorized {
		t.Fatalf("a token past 5 tries: %s", c)
	}
	// A token older than five minutes is gone.
	mt = challenge(t, env, "detective")
	env.Clock.Advance(store.MFATokenTTL + time.Second)
	mfa(t, env, api.MFARequest{MFAToken: mt, Code: code(t, env, secret)}, http.StatusUnauthorized)
	// Exactly one of code and recovery_code.
	mfa(t, env, api.MFARequest{MFAToken: mt}, http.StatusUnprocessableEntity)
}

// TestRequireMFA: without a second factor a user of a --require-mfa store
// reaches only the enrolment routes, even after a refresh; after enrolling
// the next sign-in takes two steps, and the factor cannot be removed.
func TestRequireMFA(t *testing.T) {
	env := storetest.StartWith(t, store.Config{RequireMFA: true})
	var tr api.TokenResponse
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
	if !tr.MFAEnrollmentRequired {
		t.Fatalf("login = %+v", tr)
	}
	for _, path := range []string{"/v1/cameras", "/v1/policy", "/v1/hotlist-entries"} {
		if c := errCode(t, env.Do(t, "GET", path, tr.AccessToken, nil, http.StatusForbidden, nil)); c != api.CodeMFAEnrollmentRequired {
			t.Fatalf("%s: %s", path, c)
		}
	}
	env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusOK, &tr)
	env.Do(t, "GET", "/v1/cameras", tr.AccessToken, nil, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/me", tr.AccessToken, nil, http.StatusOK, nil)
	secret, _ := enrol(t, env, tr.AccessToken)
	env.Clock.Advance(31 * time.Second)
	var full api.TokenResponse
	env.Do(t, "POST", "/v1/auth/mfa", "", api.MFARequest{MFAToken: challenge(t, env, "detective"), Code: code(t, env, secret)}, http.StatusOK, &full)
	if full.MFAEnrollmentRequired {
		t.Fatal("still restricted after enrolling")
	}
	env.Do(t, "GET", "/v1/cameras", full.AccessToken, nil, http.StatusOK, nil)
	if c := errCode(t, env.Do(t, "DELETE", "/v1/me/mfa", full.AccessToken, api.MFACode{Code: "123456"}, http.StatusForbidden, nil)); c != api.CodeMFARequiredByPolicy {
		t.Fatalf("remove under policy: %s", c)
	}
}

// TestChangePassword: at least 12 characters; a wrong current password
// counts toward the lockout; a change revokes the caller's other sessions
// and is audited.
func TestChangePassword(t *testing.T) {
	env := storetest.Start(t)
	other := env.Login(t, "detective")
	tok := env.Login(t, "detective")
	env.Do(t, "POST", "/v1/me/password", tok, api.PasswordChange{CurrentPassword: storetest.Password, NewPassword: "short"}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/me/password", tok, api.PasswordChange{CurrentPassword: "not-it-at-all", NewPassword: "a-long-new-password"}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/me/password", tok, api.PasswordChange{CurrentPassword: storetest.Password, NewPassword: "a-long-new-password"}, http.StatusNoContent, nil)
	env.Do(t, "GET", "/v1/me", other, nil, http.StatusUnauthorized, nil)
	env.Do(t, "GET", "/v1/me", tok, nil, http.StatusOK, nil)
	login(env, t, "detective", storetest.Password, http.StatusUnauthorized)
	login(env, t, "detective", "a-long-new-password", http.StatusOK)
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=password_change&user=detective", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 2 || page.Entries[0].Outcome != api.OutcomeAllowed || page.Entries[1].Outcome != api.OutcomeRefused {
		t.Fatalf("password changes audited: %+v", page.Entries)
	}
}

// TestAdminResetMFA: a lost phone is reset by an administrator (audited);
// the user then signs in with the password alone.
func TestAdminResetMFA(t *testing.T) {
	env := storetest.Start(t)
	enrol(t, env, env.Login(t, "detective"))
	challenge(t, env, "detective")
	adm := env.Server.Admin("cli:root")
	if err := adm.ResetMFA(context.Background(), "detective"); err != nil {
		t.Fatal(err)
	}
	if err := adm.ResetMFA(context.Background(), "detective"); err == nil {
		t.Fatal("a second reset found a factor")
	}
	login(env, t, "detective", storetest.Password, http.StatusOK)
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=mfa_reset", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Actor != "cli:root" {
		t.Fatalf("reset audit: %+v", page.Entries)
	}
}
