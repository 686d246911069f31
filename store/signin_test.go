package store_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// errBody decodes an error answer.
func errBody(t *testing.T, raw []byte) api.ErrorBody {
	t.Helper()
	var e api.ErrorResponse
	if err := jsonUnmarshal(raw, &e); err != nil || e.Error.Code == "" {
		t.Fatalf("not an error answer: %s", raw)
	}
	return e.Error
}

// TestWrongPasswordSameAnswerForEveryone: a wrong password gets the very
// same answer for a real, an unknown and a disabled user, and an unknown
// username is locked after five failures like a real one.
func TestWrongPasswordSameAnswerForEveryone(t *testing.T) {
	env := storetest.Start(t)
	if err := env.Server.Admin("cli:test").SetDisabled(context.Background(), "detective2", true); err != nil {
		t.Fatal(err)
	}
	real := errBody(t, login(env, t, "detective", "wrong-password", http.StatusUnauthorized))
	for _, u := range []string{"nobody", "detective2"} {
		if got := errBody(t, login(env, t, u, "wrong-password", http.StatusUnauthorized)); got != real {
			t.Errorf("%s: %+v, real user: %+v", u, got, real)
		}
	}
	var locks []api.ErrorBody
	for _, u := range []string{"detective", "nobody"} {
		for range store.MaxFailures - 1 {
			login(env, t, u, "wrong-password", http.StatusUnauthorized)
		}
		locks = append(locks, errBody(t, login(env, t, u, storetest.Password, http.StatusLocked)))
	}
	if locks[0] != locks[1] || locks[0].Code != api.CodeAccountLocked {
		t.Errorf("lockout of a real user %+v, of an unknown one %+v", locks[0], locks[1])
	}
	// The lockout of the unknown username is audited like any other.
	sup := supervisorToken(t, env)
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=lockout&user=nobody", sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 1 {
		t.Fatalf("lockouts of nobody: %+v", page.Entries)
	}
}

// supervisorToken signs the supervisor in with a session of its own.
func supervisorToken(t *testing.T, env *storetest.Env) string {
	t.Helper()
	return env.Login(t, "supervisor")
}

// TestAuthRateLimit: the fourth attempt a minute from one address meets
// 429 with Retry-After when the rate is 3; behind a trusted proxy the
// client address comes from X-Forwarded-For, and a forged left part of the
// header changes nothing.
func TestAuthRateLimit(t *testing.T) {
	env := storetest.StartWith(t, store.Config{AuthRate: 3})
	for range 3 {
		login(env, t, "detective", storetest.Password, http.StatusOK)
	}
	req, _ := http.NewRequest("POST", env.URL+"/v1/auth/refresh", strings.NewReader(`{"refresh_token":"rt_x"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw := readAll(t, resp)
	if resp.StatusCode != http.StatusTooManyRequests || errCode(t, raw) != api.CodeRateLimited || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("4th attempt: %d %s (Retry-After %q)", resp.StatusCode, raw, resp.Header.Get("Retry-After"))
	}
	env.Clock.Advance(21e9) // a token back after 20 s at 3 a minute
	login(env, t, "detective", storetest.Password, http.StatusOK)
}

func TestAuthRateLimitBehindTrustedProxy(t *testing.T) {
	env := storetest.StartWith(t, store.Config{AuthRate: 2, TrustedProxies: proxies(t, "127.0.0.0/8")})
	try := func(xff string) int {
		req, _ := http.NewRequest("POST", env.URL+"/v1/auth/login", strings.NewReader(`{"username":"x","password":"y"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-For", xff)
		resp, err := env.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		readAll(t, resp)
		return resp.StatusCode
	}
	// Two clients each have their own bucket of 2.
	for _, xff := range []string{"203.0.113.5", "203.0.113.6", "203.0.113.5", "203.0.113.6"} {
		if st := try(xff); st != http.StatusUnauthorized {
			t.Fatalf("%s: %d", xff, st)
		}
	}
	// A client writing its own X-Forwarded-For is still counted by the
	// address the proxy appended.
	if st := try("198.51.100.1, 203.0.113.5"); st != http.StatusTooManyRequests {
		t.Fatalf("forged header: %d", st)
	}
}

// TestOverlongFieldsNeverReachTheAudit: a 900 KB username is refused
// before anything is written.
func TestOverlongFieldsNeverReachTheAudit(t *testing.T) {
	env := storetest.Start(t)
	huge := strings.Repeat("a", 900<<10)
	for _, body := range []any{
		api.LoginRequest{Username: huge, Password: "x"},
		api.LoginRequest{Username: "detective", Password: huge},
		api.LoginRequest{Username: strings.Repeat("d", store.MaxUsernameBytes+1), Password: "x"},
	} {
		raw := env.Do(t, "POST", "/v1/auth/login", "", body, http.StatusUnprocessableEntity, nil)
		if errCode(t, raw) != api.CodeInvalidField {
			t.Fatal(string(raw))
		}
	}
	tok := env.Login(t, "detective")
	raw := env.Do(t, "POST", "/v1/searches", tok, api.SearchRequest{CaseContext: storetest.Case, Plate: strings.Repeat("7", 5000)},
		http.StatusUnprocessableEntity, nil)
	if !strings.Contains(errBody(t, raw).Message, "plate") {
		t.Fatalf("the refusal does not name the field: %s", raw)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?limit=500", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	for _, e := range page.Entries {
		if len(e.Actor) > store.MaxUsernameBytes || len(e.Query) > 10000 {
			t.Fatalf("entry %d holds %d bytes of actor, %d of query", e.Seq, len(e.Actor), len(e.Query))
		}
	}
}

// TestRefreshAndLogoutAudited: refreshes (and a reuse) and logouts leave
// audit entries naming the user.
func TestRefreshAndLogoutAudited(t *testing.T) {
	env := storetest.Start(t)
	var tr, tr2 api.TokenResponse
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
	env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusOK, &tr2)
	env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusUnauthorized, nil)
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
	env.Do(t, "POST", "/v1/auth/logout", tr.AccessToken, nil, http.StatusNoContent, nil)
	sup := env.Login(t, "supervisor")
	for _, c := range []struct {
		q    string
		want int
	}{
		{"action=token_refresh&user=detective&outcome=allowed", 1},
		{"action=token_refresh&user=detective&outcome=refused", 1},
		{"action=logout&user=detective", 1},
	} {
		var page api.AuditPage
		env.Do(t, "GET", "/v1/audit?"+c.q, sup, nil, http.StatusOK, &page)
		if len(page.Entries) != c.want {
			t.Errorf("%s: %d entries, want %d", c.q, len(page.Entries), c.want)
		}
	}
}

// TestDisableRevokesTokensForGood: tokens issued before a disable stay
// dead after the account is enabled again.
func TestDisableRevokesTokensForGood(t *testing.T) {
	env := storetest.Start(t)
	var tr api.TokenResponse
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
	adm := env.Server.Admin("cli:test")
	ctx := context.Background()
	if err := adm.SetDisabled(ctx, "detective", true); err != nil {
		t.Fatal(err)
	}
	if err := adm.SetDisabled(ctx, "detective", false); err != nil {
		t.Fatal(err)
	}
	env.Do(t, "GET", "/v1/me", tr.AccessToken, nil, http.StatusUnauthorized, nil)
	env.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusUnauthorized, nil)
	login(env, t, "detective", storetest.Password, http.StatusOK)
}

// TestDummyHashCostsLikeARealOne: an unknown username's wrong password
// runs bcrypt at the cost of real password hashes, so it takes as long.
func TestDummyHashCostsLikeARealOne(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PasswordCost: bcrypt.MinCost + 1})
	if c, err := bcrypt.Cost(env.Server.DummyHash()); err != nil || c != bcrypt.MinCost+1 {
		t.Fatalf("dummy hash cost %d (%v), want %d", c, err, bcrypt.MinCost+1)
	}
}
