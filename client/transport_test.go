package client

import (
	"context"
	"encoding/pem"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"alprdesk/api"
)

func TestNewRefusesPlainHTTPOffLoopback(t *testing.T) {
	for _, tc := range []struct {
		url string
		ok  bool
	}{
		{"http://127.0.0.1:8080", true},
		{"http://127.5.0.1", true},
		{"http://localhost:9000/", true},
		{"http://[::1]:8080", true},
		{"https://alpr.agency.example", true},
		{"https://10.0.0.5:8443", true},
		{"http://alpr.agency.example", false},
		{"http://10.0.0.5:8080", false},
		{"http://127.0.0.1.evil.example", false},
	} {
		_, err := New(Config{BaseURL: tc.url})
		if tc.ok && err != nil {
			t.Errorf("%s: %v", tc.url, err)
		}
		if !tc.ok {
			if !errors.Is(err, ErrInsecure) {
				t.Errorf("%s: err = %v, want ErrInsecure", tc.url, err)
			} else if !strings.Contains(err.Error(), "https://") {
				t.Errorf("%s: the message should say to use https: %v", tc.url, err)
			}
		}
	}
	for _, bad := range []string{"", "alpr.example", "ftp://alpr.example", "https://"} {
		if _, err := New(Config{BaseURL: bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := New(Config{BaseURL: "https://x.example", CAFile: filepath.Join(t.TempDir(), "none.pem")}); err == nil {
		t.Error("a missing CA file must be an error")
	}
	empty := filepath.Join(t.TempDir(), "empty.pem")
	os.WriteFile(empty, []byte("not a certificate"), 0o600)
	if _, err := New(Config{BaseURL: "https://x.example", CAFile: empty}); err == nil || !strings.Contains(err.Error(), "no PEM") {
		t.Errorf("a CA file without certificates: %v", err)
	}
	c, _ := New(Config{BaseURL: "http://127.0.0.1:8080/"})
	if c.BaseURL() != "http://127.0.0.1:8080" || c.Host() != "127.0.0.1:8080" || c.Workstation() == "" {
		t.Errorf("BaseURL %q Host %q Workstation %q", c.BaseURL(), c.Host(), c.Workstation())
	}
}

// TestEveryTableCodeHasASentinel: the sentinels are derived from api's
// error table, so every code of it has one.
func TestEveryTableCodeHasASentinel(t *testing.T) {
	for _, c := range api.ErrorCodes() {
		s := codeSentinels[c.Code]
		if s == nil {
			t.Errorf("%s has no sentinel", c.Code)
			continue
		}
		if err := decodeError(c.Status, []byte(`{"error":{"code":"`+c.Code+`","message":"m"}}`)); !errors.Is(err, s) {
			t.Errorf("a %d %s answer does not match its sentinel", c.Status, c.Code)
		}
	}
	if len(codeSentinels) < len(api.ErrorCodes()) {
		t.Fatalf("%d sentinels for %d codes", len(codeSentinels), len(api.ErrorCodes()))
	}
}

func TestErrorAnswersMapToSentinels(t *testing.T) {
	for code, sentinel := range codeSentinels {
		if code == CodeOffline || code == CodeTLS || code == CodeUnexpected {
			continue
		}
		body := `{"error":{"code":"` + code + `","message":"The store says no: ` + code + `."}}`
		err := error(decodeError(api.StatusOf(code), []byte(body)))
		if !errors.Is(err, sentinel) {
			t.Errorf("%s does not match its sentinel", code)
		}
		if err.Error() != "The store says no: "+code+"." {
			t.Errorf("%s: message %q", code, err.Error())
		}
		var ae *api.Error
		if !errors.As(err, &ae) || ae.Code != code || ae.Status() != api.StatusOf(code) {
			t.Errorf("%s: errors.As *api.Error = %+v", code, ae)
		}
		if !errors.Is(err, &api.Error{Code: code}) {
			t.Errorf("%s: errors.Is with an *api.Error of the same code fails", code)
		}
		for other, s := range codeSentinels {
			if s != sentinel && errors.Is(err, s) && s != ErrUnauthorized {
				t.Errorf("%s also matches %s", code, other)
			}
		}
	}
	expired := decodeError(401, []byte(`{"error":{"code":"token_expired","message":"expired"}}`))
	if !errors.Is(expired, ErrTokenExpired) || !errors.Is(expired, ErrUnauthorized) || expired.Permanent() {
		t.Error("token_expired must match ErrTokenExpired and ErrUnauthorized and not be permanent")
	}
	// Answers that are not the API's error JSON still map by status.
	for status, sentinel := range map[int]error{401: ErrUnauthorized, 403: ErrForbidden, 404: ErrNotFound,
		429: ErrRateLimited, 413: ErrTooLarge, 500: ErrServer, 502: ErrServer, 400: ErrBadRequest} {
		e := decodeError(status, []byte("<html>proxy error</html>"))
		if !errors.Is(e, sentinel) {
			t.Errorf("status %d without JSON: %v does not match %v", status, e, sentinel)
		}
		if strings.Contains(e.Error(), "<html>") {
			t.Errorf("status %d: raw HTML in the message", status)
		}
	}
	if !IsPermanent(decodeError(403, []byte(`{"error":{"code":"forbidden","message":"x"}}`))) ||
		IsPermanent(decodeError(503, nil)) || IsPermanent(decodeError(423, nil)) || IsPermanent(errors.New("x")) {
		t.Error("Permanent classification is wrong")
	}
}

// freeAddr returns a loopback address where nothing listens.
func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

func TestUnreachableStoreIsOffline(t *testing.T) {
	c, err := New(Config{BaseURL: "http://" + freeAddr(t), RetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Health(context.Background())
	if !errors.Is(err, ErrOffline) || IsPermanent(err) {
		t.Fatalf("Health = %v, want ErrOffline", err)
	}
	// The cause is the refused dial itself, named in the OS's own words
	// ("connection refused" on Linux, WSAECONNREFUSED's text on Windows).
	var dial *net.OpError
	if !errors.As(err, &dial) || dial.Op != "dial" || dial.Err == nil {
		t.Fatalf("Health = %v, want a wrapped dial error", err)
	}
	if !strings.Contains(err.Error(), "cannot be reached") || !strings.Contains(err.Error(), dial.Err.Error()) {
		t.Errorf("message: %q", err)
	}
	_, err = c.Login(context.Background(), "detective", "pw")
	if !errors.Is(err, ErrOffline) {
		t.Fatalf("Login = %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Health(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled call = %v, want context.Canceled", err)
	}
}

func TestRetriesOnlyIdempotentCalls(t *testing.T) {
	var healthHits, searchHits, verifyHits atomic.Int32
	var keys []string
	var workstations atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(api.HeaderWorkstation) == "desk-7" {
			workstations.Add(1)
		}
		switch r.URL.Path {
		case "/healthz":
			healthHits.Add(1)
		case "/v1/searches":
			searchHits.Add(1)
		default:
			verifyHits.Add(1)
			keys = append(keys, r.Header.Get(api.HeaderIdempotencyKey))
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		w.Write([]byte(`{"error":{"code":"internal","message":"The store is restarting."}}`))
	}))
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL, Workstation: "desk-7", Retries: 3, RetryWait: time.Millisecond})
	c.SetTokens(Tokens{AccessToken: "tok"})
	ctx := context.Background()
	if _, err := c.Health(ctx); !errors.Is(err, ErrServer) || err.Error() != "The store is restarting." {
		t.Fatalf("Health = %v", err)
	}
	if _, err := c.Search(ctx, api.SearchRequest{}); !errors.Is(err, ErrServer) {
		t.Fatalf("Search = %v", err)
	}
	if _, err := c.Verify(ctx, "r1", api.VerificationRequest{}, WithIdempotencyKey("key-1")); !errors.Is(err, ErrServer) {
		t.Fatalf("Verify = %v", err)
	}
	if healthHits.Load() != 4 || searchHits.Load() != 1 || verifyHits.Load() != 4 {
		t.Fatalf("attempts: health %d (want 4), search %d (want 1), verify %d (want 4)",
			healthHits.Load(), searchHits.Load(), verifyHits.Load())
	}
	for _, k := range keys {
		if k != "key-1" {
			t.Fatalf("idempotency keys across retries: %v", keys)
		}
	}
	if workstations.Load() != 9 {
		t.Fatalf("X-Workstation on %d of 9 calls", workstations.Load())
	}
}

func TestTLSWithAgencyCA(t *testing.T) {
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"status":"ok"}`))
	}))
	defer srv.Close()
	c, err := New(Config{BaseURL: srv.URL, Retries: -1})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Health(context.Background())
	if !errors.Is(err, ErrTLS) || errors.Is(err, ErrOffline) {
		t.Fatalf("untrusted certificate: %v, want ErrTLS", err)
	}
	if !strings.Contains(err.Error(), "does not trust") {
		t.Errorf("message: %q", err)
	}
	ca := filepath.Join(t.TempDir(), "agency-ca.pem")
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	if err := os.WriteFile(ca, pemBytes, 0o600); err != nil {
		t.Fatal(err)
	}
	c, err = New(Config{BaseURL: srv.URL, CAFile: ca})
	if err != nil {
		t.Fatal(err)
	}
	h, err := c.Health(context.Background())
	if err != nil || h.Status != "ok" {
		t.Fatalf("with the agency CA: %+v %v", h, err)
	}
	// Plain http to a TLS port is a TLS-level failure too, not a hang.
	plain, _ := New(Config{BaseURL: strings.Replace(srv.URL, "https", "http", 1), Retries: -1})
	if _, err := plain.Health(context.Background()); err == nil {
		t.Fatal("http to an https port succeeded")
	}
}

func TestSlowStoreTimesOutAsOffline(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)
	c, _ := New(Config{BaseURL: srv.URL, Timeout: 50 * time.Millisecond, Retries: -1})
	start := time.Now()
	_, err := c.Health(context.Background())
	if !errors.Is(err, ErrOffline) || time.Since(start) > 5*time.Second {
		t.Fatalf("slow store = %v after %v, want ErrOffline after the timeout", err, time.Since(start))
	}
}
