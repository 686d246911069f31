package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"alprdesk/store"
)

// serveOptions are the flags of `alprstore serve`.
type serveOptions struct {
	addr, db, tlsCert, tlsKey, basemap string
	retentionDays                      int
	demo, live                         bool
	demoSeed                           int64
	demoReads                          int
	liveRate                           float64
	importDir                          string
	importEvery                        time.Duration
}

func serveFlags(args []string) (*serveOptions, error) {
	o := &serveOptions{}
	fs := newFlags("serve")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address")
	fs.StringVar(&o.db, "db", "", "SQLite database file (demo: the cached demo database)")
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
	if err := parse(fs, args); err != nil {
		return nil, err
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
	}
	return o, nil
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
	srv, err := store.Open(store.Config{DBPath: o.db, RetentionDays: o.retentionDays, Demo: o.demo,
		DemoSeed: o.demoSeed, DemoReads: o.demoReads, DemoLive: o.live, DemoLiveRate: o.liveRate,
		BasemapPath: o.basemap, Logf: logf, ImportDir: o.importDir, ImportEvery: o.importEvery})
	if err != nil {
		return err
	}
	defer srv.Close()
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return err
	}
	hs := &http.Server{Handler: srv.Handler(), ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute}
	hs.RegisterOnShutdown(srv.CloseStreams) // open alert streams would hold Shutdown
	announce(stdout, stderr, srv, o, ln.Addr().String(), time.Since(start))
	errc := make(chan error, 1)
	go func() {
		if o.tlsCert != "" {
			errc <- hs.ServeTLS(ln, o.tlsCert, o.tlsKey)
		} else {
			errc <- hs.Serve(ln)
		}
	}()
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

// announce prints the URL (and the demo users in demo mode).
func announce(stdout, stderr io.Writer, srv *store.Server, o *serveOptions, addr string, took time.Duration) {
	scheme := "http"
	if o.tlsCert != "" {
		scheme = "https"
	}
	host, _, _ := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); o.tlsCert == "" && (ip == nil || !ip.IsLoopback()) {
		fmt.Fprintln(stderr, "alprstore: WARNING: serving without TLS on a non-loopback address; workstations require TLS there")
	}
	fmt.Fprintf(stdout, "alprstore: serving %s://%s (database %s, ready in %s)\n", scheme, addr, srv.DBPath(), took.Round(time.Millisecond))
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
