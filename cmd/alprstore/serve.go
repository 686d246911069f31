package main

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"os"
	"os/signal"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/sqlite"
)

// maxSQLiteMmapMiB bounds --sqlite-mmap (1 TiB; SQLite caps the map at
// 2 GiB in this build anyway), so that the size in bytes cannot overflow.
const maxSQLiteMmapMiB = 1 << 20

// serveOptions are the flags of `alprstore serve`.
type serveOptions struct {
	addr, db, tlsCert, tlsKey, basemap string
	durability                         string
	sqliteMmapMiB                      int
	retentionDays                      int
	demo, live                         bool
	demoSeed                           int64
	demoReads                          int
	liveRate                           float64
	importDir                          string
	importEvery                        time.Duration
	trustedProxy                       string
	proxies                            []netip.Prefix
	authRate                           int
	requireMFA                         bool
	checkpointDir, checkpointKey       string
	allowBrokenChain                   bool
	key                                ed25519.PrivateKey
	timeZone                           *time.Location
}

func serveFlags(args []string) (*serveOptions, error) {
	o := &serveOptions{}
	fs := newFlags("serve")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&o.db, "db", "", dbUsage+" (demo: default the cached demo database)")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate (PEM)")
	fs.StringVar(&o.tlsKey, "tls-key", "", "TLS key (PEM)")
	fs.IntVar(&o.retentionDays, "retention-days", 30, "days reads are kept")
	fs.StringVar(&o.basemap, "basemap", "", "GeoJSON basemap for /tiles")
	fs.BoolVar(&o.demo, "demo", false, "serve the generated demo world")
	fs.Int64Var(&o.demoSeed, "demo-seed", 1, "demo world seed")
	fs.IntVar(&o.demoReads, "demo-reads", 200000, "demo world size in reads")
	fs.BoolVar(&o.live, "live", false, "demo cameras keep reading in real time")
	fs.Float64Var(&o.liveRate, "live-rate", 3, "live reads per second")
	fs.StringVar(&o.importDir, "import-dir", "", "folder of state lists (<list>.csv) imported at start and every --import-every")
	fs.DurationVar(&o.importEvery, "import-every", 24*time.Hour, "interval of state-list imports from --import-dir")
	fs.StringVar(&o.trustedProxy, "trusted-proxy", "", "CIDR(s), comma-separated, of load balancers that end TLS: X-Forwarded-For from them names the client, and plain HTTP is accepted only from them")
	fs.IntVar(&o.authRate, "auth-rate", store.DefaultAuthRate, "login, refresh and MFA attempts per client address a minute")
	fs.BoolVar(&o.requireMFA, "require-mfa", false, "users without a second factor reach only its enrolment")
	fs.StringVar(&o.checkpointDir, "checkpoint-dir", "", "directory (another disk, write-once storage) for signed audit checkpoints, hourly and at shutdown")
	fs.StringVar(&o.checkpointKey, "checkpoint-key", "", "ed25519 private key (PEM) that signs the checkpoints (alprstore audit keygen)")
	fs.BoolVar(&o.allowBrokenChain, "allow-broken-chain", false, "start even though the audit chain does not verify, serving only audit reads")
	fs.StringVar(&o.durability, "durability", "normal", "SQLite commit syncing: normal (a power loss can lose the last commits) or full (fsync every commit); see docs/SECURITY.md")
	fs.IntVar(&o.sqliteMmapMiB, "sqlite-mmap", 0, "MiB of the SQLite file each reader connection memory-maps (0: none, read through its page cache); see docs/DEPLOY.md")
	tz := fs.String("timezone", "", "IANA time zone of the review queue's after-hours rule (default: the machine's)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := o.checkTransport(); err != nil {
		return nil, err
	}
	if o.timeZone = time.Local; *tz != "" {
		loc, err := time.LoadLocation(*tz)
		if err != nil {
			return nil, usageErr("--timezone %q is not an IANA time zone such as America/Los_Angeles", *tz)
		}
		o.timeZone = loc
	}
	switch {
	case (o.tlsCert == "") != (o.tlsKey == ""):
		return nil, usageErr("--tls-cert and --tls-key go together")
	case !o.demo && o.db == "":
		return nil, usageErr("--db is required (or --demo)")
	case o.live && !o.demo:
		return nil, usageErr("--live needs --demo")
	case o.retentionDays < 1:
		return nil, usageErr("--retention-days must be at least 1")
	case o.demoReads < 1000:
		return nil, usageErr("--demo-reads must be at least 1000")
	case o.liveRate <= 0:
		return nil, usageErr("--live-rate must be more than 0")
	case o.importEvery < time.Minute:
		return nil, usageErr("--import-every must be at least 1m")
	case o.authRate < 1:
		return nil, usageErr("--auth-rate must be at least 1")
	case o.durability != "normal" && o.durability != "full":
		return nil, usageErr("--durability must be normal or full")
	case o.sqliteMmapMiB < 0 || o.sqliteMmapMiB > maxSQLiteMmapMiB:
		return nil, usageErr("--sqlite-mmap must be 0 to %d (MiB)", maxSQLiteMmapMiB)
	case (o.checkpointDir == "") != (o.checkpointKey == ""):
		return nil, usageErr("--checkpoint-dir and --checkpoint-key go together")
	case o.requireMFA && o.demo:
		return nil, usageErr("--require-mfa does not go with --demo: demo users have no second factor")
	}
	if o.checkpointKey != "" {
		b, err := os.ReadFile(o.checkpointKey)
		if err != nil {
			return nil, fmt.Errorf("--checkpoint-key: %w", err)
		}
		if o.key, err = store.ParseCheckpointKey(b); err != nil {
			return nil, fmt.Errorf("--checkpoint-key %s: %w", o.checkpointKey, err)
		}
		if st, err := os.Stat(o.checkpointDir); err != nil || !st.IsDir() {
			return nil, usageErr("--checkpoint-dir %s is not a directory", o.checkpointDir)
		}
	}
	return o, nil
}

// checkTransport parses --trusted-proxy and refuses to serve tokens in
// plain HTTP to the network: a non-loopback address needs --tls-cert and
// --tls-key, or --trusted-proxy (TLS ends at the proxy).
func (o *serveOptions) checkTransport() error {
	for _, c := range strings.Split(o.trustedProxy, ",") {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		p, err := netip.ParsePrefix(c)
		if err != nil {
			return usageErr("--trusted-proxy %q is not a CIDR range such as 10.0.0.0/8", c)
		}
		o.proxies = append(o.proxies, p.Masked())
	}
	if o.tlsCert != "" || len(o.proxies) > 0 || loopbackAddr(o.addr) {
		return nil
	}
	return usageErr("refusing to serve %s without TLS: give --tls-cert and --tls-key, or --trusted-proxy CIDR when a load balancer ends TLS", o.addr)
}

// loopbackAddr reports whether a listen address (host:port) is on this
// computer only; an empty host (every interface) or a host name other than
// localhost is not.
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}

// readTimeout bounds reading a request, body included, so that a slow
// body cannot hold a connection; the alert stream lifts it for itself.
const readTimeout = time.Minute

// newHTTPServer is the server serve runs: header and body read timeouts,
// idle connections closed after two minutes.
func newHTTPServer(h http.Handler, read time.Duration) *http.Server {
	return &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second, ReadTimeout: read, IdleTimeout: 2 * time.Minute}
}

// proxyOnlyListener accepts connections only from the trusted proxies:
// without TLS of its own, the store talks plain HTTP to nobody else.
type proxyOnlyListener struct {
	net.Listener
	proxies []netip.Prefix
	logf    func(string, ...any)
}

// Accept returns the next connection from a trusted proxy, closing others.
func (l *proxyOnlyListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		ap, perr := netip.ParseAddrPort(c.RemoteAddr().String())
		if perr == nil && inPrefixes(ap.Addr().Unmap(), l.proxies) {
			return c, nil
		}
		l.logf("alprstore: refused a plain connection from %s: not a trusted proxy", c.RemoteAddr())
		c.Close()
	}
}

func inPrefixes(a netip.Addr, ps []netip.Prefix) bool {
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// serve runs the store until SIGINT or SIGTERM.
func serve(args []string, stdout, stderr io.Writer) error {
	return serveUntil(context.Background(), args, stdout, stderr)
}

// serveUntil runs the store until SIGINT or SIGTERM (Ctrl+C or a closed
// console on Windows) or until parent is done (a Windows service's Stop).
func serveUntil(parent context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := serveFlags(args)
	if err != nil {
		return err
	}
	ctx, stop := signal.NotifyContext(parent, os.Interrupt, syscall.SIGTERM)
	defer stop()
	logf := func(format string, a ...any) { fmt.Fprintf(stderr, format+"\n", a...) }
	start := time.Now()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	if o.tlsCert == "" && len(o.proxies) > 0 && !loopbackAddr(o.addr) {
		ln = &proxyOnlyListener{Listener: ln, proxies: o.proxies, logf: logf}
	}
	// The node answers health checks while it opens (and migrates) its
	// database: /healthz says it is starting, /readyz and the API are 503.
	var handler swapHandler
	handler.set(store.StartingHandler(backendOf(o)))
	hs := newHTTPServer(&handler, readTimeout)
	errc := make(chan error, 1)
	go func() {
		if o.tlsCert != "" {
			errc <- hs.ServeTLS(ln, o.tlsCert, o.tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
	srv, err := store.Open(store.Config{DBPath: o.db, Open: open.WithSQLite(sqlite.Options{Durability: o.durability, ReaderMmap: int64(o.sqliteMmapMiB) << 20}), RetentionDays: o.retentionDays, Demo: o.demo,
		DemoSeed: o.demoSeed, DemoReads: o.demoReads, DemoLive: o.live, DemoLiveRate: o.liveRate,
		BasemapPath: o.basemap, Logf: logf, ImportDir: o.importDir, ImportEvery: o.importEvery,
		AuthRate: o.authRate, TrustedProxies: o.proxies, RequireMFA: o.requireMFA,
		CheckpointDir: o.checkpointDir, CheckpointKey: o.key, AllowBrokenChain: o.allowBrokenChain,
		TimeZone: o.timeZone})
	if err != nil {
		hs.Close()
		return err
	}
	defer srv.Close()
	hs.RegisterOnShutdown(srv.CloseStreams) // open alert streams would hold Shutdown
	handler.set(srv.Handler())
	announce(stdout, stderr, srv, o, ln.Addr().String(), time.Since(start))
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	fmt.Fprintln(stderr, "alprstore: shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := hs.Shutdown(sctx); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return srv.Close()
}

// swapHandler serves through the handler it holds now: the starting
// handler until the store is open, then the store's.
type swapHandler struct{ h atomic.Pointer[http.Handler] }

func (s *swapHandler) set(h http.Handler) { s.h.Store(&h) }

func (s *swapHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	(*s.h.Load()).ServeHTTP(w, r)
}

// backendOf names the backend --db chooses: a postgres:// or postgresql://
// URL is PostgreSQL, anything else (and the demo) a SQLite file.
func backendOf(o *serveOptions) string {
	if open.IsURL(o.db) {
		return store.BackendPostgres
	}
	return store.BackendSQLite
}

// shownDB is the database as logs may show it: a PostgreSQL URL without
// its password.
func shownDB(db string) string {
	if !open.IsURL(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "(a PostgreSQL URL that does not parse)"
	}
	return u.Redacted()
}

// announce prints the URL (and the demo users in demo mode).
func announce(stdout, stderr io.Writer, srv *store.Server, o *serveOptions, addr string, took time.Duration) {
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
	}
	if o.tlsCert == "" && !loopbackAddr(addr) {
		fmt.Fprintf(stderr, "alprstore: plain HTTP accepted only from the trusted proxies %s\n", o.trustedProxy)
	}
	fmt.Fprintf(stdout, "alprstore: serving %s://%s (database %s, ready in %s)\n", scheme, addr, shownDB(srv.DBPath()), took.Round(time.Millisecond))
	if !o.demo {
		return
	}
	fmt.Fprintln(stdout, "DEMO DATA — NOT REAL. Demo users (password \"demo\"):")
	for _, u := range srv.DemoUsers() {
		trained := "trained " + u.TrainedOn
		if u.TrainedOn == "" {
			trained = "no training on record: cannot search"
		}
		fmt.Fprintf(stdout, "  %-16s %-16s %s — %s\n", u.Username, u.Role, u.DisplayName, trained)
	}
	if o.live {
		fmt.Fprintf(stdout, "Live cameras: %.1f reads per second\n", o.liveRate)
	}
}
