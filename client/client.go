// Package client speaks the alprstore v1 API for the alprdesk workstation.
//
// A Client holds one session with one store: it logs in, keeps the access
// and refresh tokens (refreshing the access token transparently once when
// the store answers 401 token_expired), sends X-Workstation on every call
// and an Idempotency-Key on every writing POST, retries idempotent calls
// with backoff, and maps every error answer to a *Error that matches a
// sentinel (ErrProhibitedPurpose, ErrOffline, ...) with errors.Is while
// keeping the store's sentence.
//
// Credentials persist in the OS keyring (see Keyring, SignInFromKeyring):
// only the refresh token, its expiry and the lock state, never the
// password. The package never imports Fyne.
package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-resty/resty/v2"

	"alprdesk/api"
)

// ShiftLength is the longest life of a refresh token: one shift.
const ShiftLength = 12 * time.Hour

// Config configures a Client.
type Config struct {
	// BaseURL is the store, e.g. https://alpr.agency.example or
	// http://127.0.0.1:8080. Plain http is refused unless the host is
	// loopback.
	BaseURL string
	// Workstation is sent as X-Workstation; default os.Hostname().
	Workstation string
	// CAFile is a PEM file of extra trusted CA certificates (the agency's
	// own CA), added to the system pool.
	CAFile string
	// Timeout bounds one request (default 30 s); the alert stream has none.
	Timeout time.Duration
	// Retries is how many times an idempotent call is retried after a
	// network fault or 502/503/504/429 (default 2; negative: none).
	Retries int
	// RetryWait is the first backoff (default 200 ms), doubled each retry
	// up to 5 s, with jitter.
	RetryWait time.Duration
	// OnTokens is called (synchronously, after the client's state is
	// updated) whenever the tokens change: login, refresh (rotation) and
	// logout (with empty tokens). Credentials use it to keep the keyring's
	// refresh token current.
	OnTokens func(Tokens)
	// Now is the clock (default time.Now); tests inject theirs.
	Now func() time.Time
	// Transport, when set, carries every request instead of the default
	// transport (CAFile is then ignored). Tests use it to validate each
	// exchange against api/openapi.yaml.
	Transport http.RoundTripper
}

// Tokens is the session's token state, as given to Config.OnTokens.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	// AccessExpires is when the access token ends (from expires_in).
	AccessExpires time.Time
	// RefreshExpires is when the refresh token (the shift) ends: at most
	// ShiftLength after the interactive login.
	RefreshExpires time.Time
	// User is the signed-in user (zero after logout).
	User api.User
	// EnrollmentRequired marks restricted tokens: the store requires a
	// second factor the user has not set up (api.TokenResponse).
	EnrollmentRequired bool
}

// Client is a session with one store. Its methods are safe for concurrent
// use.
type Client struct {
	cfg    Config
	base   *url.URL
	rest   *resty.Client
	stream *http.Client

	mu      sync.Mutex
	tokens  Tokens
	policy  *api.Policy
	refresh sync.Mutex // serialises token refreshes
	locked  bool
	// keyringHook persists token changes (UseKeyring).
	keyringHook func(t Tokens, locked bool)
	keyringUser string
}

// New checks cfg and builds a Client. It fails with ErrInsecure for plain
// http:// to a host that is not loopback, and with a clear error for a bad
// URL or CA file. It does not contact the store.
func New(cfg Config) (*Client, error) {
	base, err := checkBaseURL(cfg.BaseURL)
	if err != nil {
		return nil, err
	}
	if cfg.Workstation == "" {
		cfg.Workstation, _ = os.Hostname()
		if cfg.Workstation == "" {
			cfg.Workstation = "unknown"
		}
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Retries == 0 {
		cfg.Retries = 2
	} else if cfg.Retries < 0 {
		cfg.Retries = 0
	}
	if cfg.RetryWait <= 0 {
		cfg.RetryWait = 200 * time.Millisecond
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	var tr http.RoundTripper = cfg.Transport
	if tr == nil {
		t, err := transport(cfg.CAFile)
		if err != nil {
			return nil, err
		}
		tr = t
	}
	rest := resty.NewWithClient(&http.Client{Transport: tr, Timeout: cfg.Timeout}).
		SetBaseURL(strings.TrimRight(base.String(), "/")).
		SetHeader(api.HeaderWorkstation, cfg.Workstation).
		SetHeader("User-Agent", "alprdesk").
		SetRedirectPolicy(resty.NoRedirectPolicy())
	return &Client{cfg: cfg, base: base, rest: rest, stream: &http.Client{Transport: tr}}, nil
}

// checkBaseURL parses the store URL and refuses plain http off loopback.
func checkBaseURL(raw string) (*url.URL, error) {
	if strings.TrimSpace(raw) == "" {
		return nil, errors.New("client: no store URL given")
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("client: %q is not a store URL such as https://alpr.example.org", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !IsLoopback(u.Hostname()) {
			return nil, fmt.Errorf("%w: refusing %s; use https:// for a store on another computer", ErrInsecure, u.Redacted())
		}
	default:
		return nil, fmt.Errorf("client: unsupported scheme %q in %q (use https://)", u.Scheme, raw)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// IsLoopback reports whether host (a name or address, no port) is this
// computer: localhost, 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") || strings.HasSuffix(strings.ToLower(host), ".localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// transport builds the HTTP transport, trusting CAFile besides the system
// and going through the system's proxy (see systemProxy).
func transport(caFile string) (*http.Transport, error) {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = systemProxy()
	tr.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
	if caFile == "" {
		return tr, nil
	}
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("client: reading the CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("client: %s holds no PEM certificate", caFile)
	}
	tr.TLSClientConfig.RootCAs = pool
	return tr, nil
}

// BaseURL is the store's URL as configured (no trailing slash).
func (c *Client) BaseURL() string { return strings.TrimRight(c.base.String(), "/") }

// Host is the store's host[:port], as used in keyring account names.
func (c *Client) Host() string { return c.base.Host }

// Workstation is the name sent as X-Workstation.
func (c *Client) Workstation() string { return c.cfg.Workstation }

// Tokens returns the current token state (empty when signed out).
func (c *Client) Tokens() Tokens {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.tokens
}

// User is the signed-in user (zero when signed out).
func (c *Client) User() api.User { return c.Tokens().User }

// SignedIn reports whether the client holds tokens.
func (c *Client) SignedIn() bool { return c.Tokens().AccessToken != "" }

// SetTokens installs tokens obtained elsewhere (a test, or another
// Client). It does not call OnTokens.
func (c *Client) SetTokens(t Tokens) {
	c.mu.Lock()
	c.tokens = t
	c.mu.Unlock()
}

// setTokens stores t and calls the hooks. unlock clears the idle lock
// (an interactive login).
func (c *Client) setTokens(t Tokens, unlock bool) {
	c.mu.Lock()
	c.tokens = t
	if unlock {
		c.locked = false
	}
	hook, locked := c.keyringHook, c.locked
	c.mu.Unlock()
	if c.cfg.OnTokens != nil {
		c.cfg.OnTokens(t)
	}
	if hook != nil {
		hook(t, locked)
	}
}

// call describes one request.
type call struct {
	method   string
	path     string
	query    url.Values
	body     any
	out      any // JSON target, or *[]byte for raw bytes
	auth     bool
	idemKey  string // Idempotency-Key (writing POSTs)
	retry    bool   // idempotent: may be retried
	noRenew  bool   // do not refresh on token_expired (the refresh call itself)
	accept   string
	respHead *http.Header

	usedToken string // the access token of the last attempt
}

// CallOption adjusts a writing call.
type CallOption func(*call)

// WithIdempotencyKey sends key as the Idempotency-Key instead of a fresh
// UUID, so that a retried write (the outbox) is recorded once.
func WithIdempotencyKey(key string) CallOption {
	return func(c *call) {
		if key != "" {
			c.idemKey = key
		}
	}
}

// do runs a call with retries and one transparent token refresh.
func (c *Client) do(ctx context.Context, cl *call) error {
	err := c.doRetry(ctx, cl)
	if err == nil || !cl.auth || cl.noRenew || !errors.Is(err, ErrTokenExpired) {
		return err
	}
	if rerr := c.renew(ctx, cl.usedToken); rerr != nil {
		return rerr
	}
	err = c.doRetry(ctx, cl)
	if errors.Is(err, ErrTokenExpired) {
		var e *Error
		errors.As(err, &e)
		return storeError(api.CodeUnauthorized, e.Message)
	}
	return err
}

// doRetry runs a call, retrying transient faults of idempotent calls.
func (c *Client) doRetry(ctx context.Context, cl *call) error {
	wait := c.cfg.RetryWait
	for attempt := 0; ; attempt++ {
		err := c.once(ctx, cl)
		var e *Error
		if err == nil || !cl.retry || attempt >= c.cfg.Retries || !errors.As(err, &e) || !e.transient() {
			return err
		}
		d := wait + time.Duration(rand.Int64N(int64(wait)/2+1))
		if e.retryAfter > 0 && e.retryAfter < 10*time.Second {
			d = e.retryAfter
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
		}
		wait = min(wait*2, 5*time.Second)
	}
}

// once sends one request.
func (c *Client) once(ctx context.Context, cl *call) error {
	r := c.rest.R().SetContext(ctx)
	if cl.auth {
		tok := c.Tokens().AccessToken
		if tok == "" {
			return storeError(api.CodeUnauthorized, "Not signed in: sign in first.")
		}
		cl.usedToken = tok
		r.SetAuthToken(tok)
	}
	if cl.idemKey != "" {
		r.SetHeader(api.HeaderIdempotencyKey, cl.idemKey)
	}
	if cl.query != nil {
		r.SetQueryParamsFromValues(cl.query)
	}
	if cl.body != nil {
		r.SetHeader("Content-Type", "application/json").SetBody(cl.body)
	}
	if cl.accept != "" {
		r.SetHeader("Accept", cl.accept)
	}
	resp, err := r.Execute(cl.method, cl.path)
	if err != nil {
		return transportError(ctx, c.BaseURL(), err)
	}
	if cl.respHead != nil {
		*cl.respHead = resp.Header()
	}
	if resp.StatusCode() >= 300 {
		e := decodeError(resp.StatusCode(), resp.Body())
		if s := resp.Header().Get("Retry-After"); s != "" {
			if n, err := strconv.Atoi(s); err == nil {
				e.retryAfter = time.Duration(n) * time.Second
			}
		}
		return e
	}
	return decodeBody(resp.Body(), cl.out)
}
