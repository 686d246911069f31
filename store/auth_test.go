package store_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

func errCode(t *testing.T, raw []byte) string {
	t.Helper()
	var e api.ErrorResponse
	if err := jsonUnmarshal(raw, &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
		t.Fatalf("not an error answer: %s", raw)
	}
	return e.Error.Code
}

func login(env *storetest.Env, t *testing.T, user, pw string, status int) []byte {
	t.Helper()
	return env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: user, Password: pw}, status, nil)
}

func TestLoginRefreshLogout(t *testing.T) {
	env := storetest.Start(t)
	var tr api.TokenResponse
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
	if tr.ExpiresIn != 900 || tr.User.Username != "detective" || tr.User.Team != "east" || tr.AccessToken == tr.RefreshToken {
		t.Fatalf("login = %+v", tr)
	}
	var me api.User
	env.Do(t, "GET", "/v1/me", tr.AccessToken, nil, http.StatusOK, &me)
	if me.TrainedOn != storetest.TrainedOn {
		t.Fatalf("me = %+v", me)
	}
	// Refresh rotates: the old refresh token stops working, and reusing it
	// revokes the whole sign-in.
	var tr2 api.TokenResponse
	env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusOK, &tr2)
	if tr2.RefreshToken == tr.RefreshToken || tr2.AccessToken == tr.AccessToken {
		t.Fatal("refresh did not rotate")
	}
	raw := env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusUnauthorized, nil)
	if errCode(t, raw) != api.CodeUnauthorized {
		t.Fatal(string(raw))
	}
	env.Do(t, "GET", "/v1/me", tr2.AccessToken, nil, http.StatusUnauthorized, nil)

	// Access tokens expire after 15 minutes; the family after 12 hours.
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
	env.Clock.Advance(16 * time.Minute)
	raw = env.Do(t, "GET", "/v1/me", tr.AccessToken, nil, http.StatusUnauthorized, nil)
	if errCode(t, raw) != api.CodeTokenExpired {
		t.Fatal(string(raw))
	}
	env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusOK, &tr2)
	env.Clock.Advance(12 * time.Hour)
	raw = env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr2.RefreshToken}, http.StatusUnauthorized, nil)
	if errCode(t, raw) != api.CodeTokenExpired {
		t.Fatal(string(raw))
	}

	// Logout revokes access and refresh tokens.
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
	env.Do(t, "POST", "/v1/auth/logout", tr.AccessToken, api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusNoContent, nil)
	env.Do(t, "GET", "/v1/me", tr.AccessToken, nil, http.StatusUnauthorized, nil)
	env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusUnauthorized, nil)
	env.Do(t, "POST", "/v1/auth/logout", "", nil, http.StatusUnauthorized, nil)
	env.Do(t, "GET", "/v1/me", "", nil, http.StatusUnauthorized, nil)
	env.Do(t, "GET", "/v1/me", "at_forged", nil, http.StatusUnauthorized, nil)
}

func TestLockoutAndDisabled(t *testing.T) {
	env := storetest.Start(t)
	for i := 0; i < store.MaxFailures; i++ {
		if c := errCode(t, login(env, t, "detective", "wrong", http.StatusUnauthorized)); c != api.CodeUnauthorized {
			t.Fatalf("failure %d: %s", i+1, c)
		}
	}
	raw := login(env, t, "detective", storetest.Password, http.StatusLocked)
	if errCode(t, raw) != api.CodeAccountLocked {
		t.Fatal(string(raw))
	}
	env.Clock.Advance(store.LockoutPeriod + time.Second)
	login(env, t, "detective", storetest.Password, http.StatusOK)

	// Lockouts are audited.
	sup := env.Login(t, "supervisor")
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=lockout", sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Actor != "detective" || page.Entries[0].Reason != api.CodeAccountLocked {
		t.Fatalf("lockout audit = %+v", page.Entries)
	}
	env.Do(t, "GET", "/v1/audit?action=login&outcome=refused&user=detective", sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 6 {
		t.Fatalf("%d refused logins audited, want 6", len(page.Entries))
	}

	adm := env.Server.Admin("cli:test")
	if err := adm.SetDisabled(context.Background(), "detective2", true); err != nil {
		t.Fatal(err)
	}
	if errCode(t, login(env, t, "detective2", storetest.Password, http.StatusForbidden)) != api.CodeForbidden {
		t.Fatal("disabled user signed in")
	}
	login(env, t, "nobody", "x", http.StatusUnauthorized)
	if errCode(t, login(env, t, "", "x", http.StatusUnprocessableEntity)) != api.CodeInvalidField {
		t.Fatal("empty username accepted")
	}
}

func TestDemoPasswordOnlyInDemoMode(t *testing.T) {
	env := storetest.Start(t)
	err := env.Server.Admin("cli:test").AddUser(context.Background(), store.NewUser{Username: "demo_user",
		Role: api.RoleDetective, Serial: "X", Name: "Demo", Trained: "2026-01-15", Password: "demo", Demo: true})
	if err != nil {
		t.Fatal(err)
	}
	login(env, t, "demo_user", "demo", http.StatusUnauthorized)
}
