package store_test

import (
	"crypto/tls"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// TestSecurityHeaders: every answer says nosniff; every /v1/ answer (tokens,
// reads, audit) says no-store; tiles keep their caching; HSTS only over TLS.
func TestSecurityHeaders(t *testing.T) {
	env := storetest.Start(t)
	tok := env.Login(t, "detective")
	for _, c := range []struct {
		method, path, token string
		body                any
	}{
		{"POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}},
		{"GET", "/v1/me", tok, nil},
		{"GET", "/v1/cameras", tok, nil},
		{"GET", "/v1/nowhere", tok, nil},
	} {
		req, _ := http.NewRequest(c.method, env.URL+c.path, jsonBody(t, c.body))
		req.Header.Set("Content-Type", "application/json")
		if c.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Cache-Control") != "no-store" {
			t.Errorf("%s %s: nosniff %q, cache %q", c.method, c.path, h.Get("X-Content-Type-Options"), h.Get("Cache-Control"))
		}
		if h.Get("Strict-Transport-Security") != "" {
			t.Errorf("%s %s: HSTS over plain HTTP", c.method, c.path)
		}
	}

	ts := httptest.NewTLSServer(env.Server.Handler())
	defer ts.Close()
	resp, err := ts.Client().Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if hsts := resp.Header.Get("Strict-Transport-Security"); !strings.HasPrefix(hsts, "max-age=31536000") {
		t.Errorf("HSTS over TLS = %q", hsts)
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Error("not TLS")
	}
}

// TestJSONEndpointsRequireJSONContentType: a body sent as a form or
// without a type is refused with 415 before anything is decoded.
func TestJSONEndpointsRequireJSONContentType(t *testing.T) {
	env := storetest.Start(t)
	tok := env.Login(t, "detective")
	for _, ct := range []string{"", "text/plain", "application/x-www-form-urlencoded", "application/jsonp"} {
		for _, c := range []struct{ path, token, body string }{
			{"/v1/auth/login", "", `{"username":"detective","password":"` + storetest.Password + `"}`},
			{"/v1/searches", tok, `{}`},
		} {
			req, _ := http.NewRequest("POST", env.URL+c.path, strings.NewReader(c.body))
			if ct != "" {
				req.Header.Set("Content-Type", ct)
			}
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			resp, err := env.HTTP.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			raw := readAll(t, resp)
			if resp.StatusCode != http.StatusUnsupportedMediaType || errCode(t, raw) != api.CodeUnsupportedMediaType {
				t.Errorf("%s as %q: %d %s", c.path, ct, resp.StatusCode, raw)
			}
		}
	}
	// With a charset parameter it is still JSON.
	req, _ := http.NewRequest("POST", env.URL+"/v1/auth/login",
		strings.NewReader(`{"username":"detective","password":"`+storetest.Password+`"}`))
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if raw := readAll(t, resp); resp.StatusCode != http.StatusOK {
		t.Fatalf("json with charset: %d %s", resp.StatusCode, raw)
	}
}
