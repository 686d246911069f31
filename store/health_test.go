package store_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"alprdesk/api"
	"alprdesk/api/apitest"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// TestHealthAndReadiness: /healthz names the backend and says the database
// answers, /readyz is 200; once the database is gone /healthz still answers
// 200 (the node lives) saying so, and /readyz is 503 store_unavailable with
// Retry-After.
func TestHealthAndReadiness(t *testing.T) {
	env := storetest.Start(t)
	backend := store.BackendSQLite
	if env.Postgres() {
		backend = store.BackendPostgres
	}
	var h api.Health
	env.Do(t, "GET", "/healthz", "", nil, http.StatusOK, &h)
	if h != (api.Health{Status: api.HealthOK, Backend: backend, Database: "ok"}) {
		t.Fatalf("healthz: %+v", h)
	}
	var rd api.Ready
	env.Do(t, "GET", "/readyz", "", nil, http.StatusOK, &rd)
	if rd != (api.Ready{Status: api.ReadyOK, Backend: backend}) {
		t.Fatalf("readyz: %+v", rd)
	}

	if err := env.Server.Storage().Close(); err != nil {
		t.Fatal(err)
	}
	env.Do(t, "GET", "/healthz", "", nil, http.StatusOK, &h)
	if h.Database != "unreachable" || h.Status != api.HealthOK {
		t.Fatalf("healthz with the database gone: %+v", h)
	}
	resp, err := env.HTTP.Get(env.URL + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
		t.Fatalf("readyz with the database gone: %d, Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	assertErrorCode(t, resp, api.CodeStoreUnavailable)
}

// TestStartingHandler: while a node opens its database, /healthz says it is
// starting and everything else, /readyz included, is 503 store_unavailable.
func TestStartingHandler(t *testing.T) {
	ts := httptest.NewServer(store.StartingHandler(store.BackendPostgres))
	defer ts.Close()
	hc := &http.Client{Transport: apitest.Load(t).Transport(t, http.DefaultTransport)}
	resp, err := hc.Get(ts.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h api.Health
	decodeBody(t, resp, &h)
	if resp.StatusCode != http.StatusOK || h != (api.Health{Status: api.HealthStarting, Backend: store.BackendPostgres, Database: "unknown"}) {
		t.Fatalf("healthz while starting: %d %+v", resp.StatusCode, h)
	}
	for _, path := range []string{"/readyz", "/v1/me"} {
		resp, err := hc.Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("%s while starting: %d, Retry-After %q", path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		assertErrorCode(t, resp, api.CodeStoreUnavailable)
	}
}

// decodeBody decodes a JSON response body into v.
func decodeBody(t *testing.T, resp *http.Response, v any) {
	t.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil {
		t.Fatalf("decode %s: %v", resp.Request.URL.Path, err)
	}
}

// assertErrorCode checks that resp is an error answer with code.
func assertErrorCode(t *testing.T, resp *http.Response, code string) {
	t.Helper()
	var e api.ErrorResponse
	decodeBody(t, resp, &e)
	if e.Error.Code != code || e.Error.Message == "" {
		t.Fatalf("%s: error %+v, want code %s", resp.Request.URL.Path, e.Error, code)
	}
}
