package main

import (
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"time"

	"alprdesk/store"
	"alprdesk/store/demo"
	"alprdesk/store/open"
	"alprdesk/ui"
)

// defaultBasemap is the shared Oakland basemap, used when present.
const defaultBasemap = "../shared/data/oakland-basemap.geojson.gz"

// demoPassword is every demo account's password (set by the store).
const demoPassword = "demo"

// DemoKeyringName names the keyring entries and cache of every demo
// session, whatever port the demo store listens on this time.
const DemoKeyringName = "alprdesk-demo"

type demoOptions struct {
	Basemap string
	Seed    int64
	Reads   int
}

// demoStore is the in-process demo store on loopback.
type demoStore struct {
	URL      string
	Users    []ui.DemoUser
	Password string
	srv      *store.Server
	http     *http.Server
	dir      string
	// ready is closed when the store has opened (or failed to).
	ready chan struct{}
	err   error
	h     http.Handler
}

// serve waits for the store to be ready, then hands the request over.
func (d *demoStore) serve(w http.ResponseWriter, r *http.Request) {
	select {
	case <-d.ready:
	case <-r.Context().Done():
		return
	}
	if d.h == nil {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte(`{"error":{"code":"internal","message":"The demo store did not start; see the terminal for the reason."}}`))
		return
	}
	d.h.ServeHTTP(w, r)
}

// startDemo opens a demo store in a temporary folder and serves it on a
// random port of 127.0.0.1.
func startDemo(o demoOptions) (*demoStore, error) {
	basemap := o.Basemap
	if basemap == "" {
		if _, err := os.Stat(defaultBasemap); err == nil {
			basemap = defaultBasemap
		}
	} else if _, err := os.Stat(basemap); err != nil {
		return nil, fmt.Errorf("the basemap %s cannot be read: %w", basemap, err)
	}
	dir, err := os.MkdirTemp("", "alprdesk-demo-")
	if err != nil {
		return nil, err
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	d := &demoStore{URL: "http://" + l.Addr().String(), Password: demoPassword, dir: dir, ready: make(chan struct{})}
	// The store fills its demo world in the background, so that the login
	// window opens at once; requests wait for it.
	go func() {
		defer close(d.ready)
		t0 := time.Now()
		d.srv, d.err = store.Open(store.Config{
			DBPath: "", Open: open.Open, Demo: true, DemoSeed: o.Seed, DemoReads: o.Reads,
			BasemapPath: basemap, Logf: func(string, ...any) {},
		})
		if d.err == nil {
			d.h = d.srv.Handler()
			log.Printf("alprdesk: demo store ready after %.1f s", time.Since(t0).Seconds())
		} else {
			fmt.Fprintln(os.Stderr, "alprdesk: the demo store did not start:", d.err)
		}
	}()
	d.http = &http.Server{Handler: http.HandlerFunc(d.serve), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := d.http.Serve(l); err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintln(os.Stderr, "alprdesk: demo store:", err)
		}
	}()
	for _, u := range demo.New(demo.Options{Seed: o.Seed}).Users() {
		note := u.DisplayName
		if u.TrainedOn == "" {
			note += " — cannot search"
		}
		d.Users = append(d.Users, ui.DemoUser{Username: u.Username, Role: u.Role, Note: note})
	}
	return d, nil
}

// PrintUsers lists the demo accounts on w (printed at start).
func (d *demoStore) PrintUsers(w io.Writer) {
	fmt.Fprintf(w, "alprdesk demo store at %s — DEMO DATA, NOT REAL. Accounts (password %q):\n", d.URL, d.Password)
	for _, u := range d.Users {
		fmt.Fprintf(w, "  %-16s %-15s %s\n", u.Username, u.Role, u.Note)
	}
}

// Close stops the store and removes its files.
func (d *demoStore) Close() {
	_ = d.http.Close()
	<-d.ready
	if d.srv != nil {
		_ = d.srv.Close()
	}
	_ = os.RemoveAll(d.dir)
}
