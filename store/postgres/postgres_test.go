package postgres_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"golang.org/x/crypto/bcrypt"

	"alprdesk/api"
	"alprdesk/api/apitest"
	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/postgres"
	"alprdesk/store/postgres/pgtest"
)

var ctx = context.Background()

// TestOpenBadURL: an unreachable server or a missing database is a
// one-line error naming the host and the cause, and creates nothing.
func TestOpenBadURL(t *testing.T) {
	dsn := pgtest.DSN(t)
	u, _ := url.Parse(dsn)
	missing := *u
	missing.Path = "/alprtest_no_such_database"
	closed := *u
	closed.Host = "127.0.0.1:1"
	for _, c := range []struct {
		dsn, want string
	}{
		{closed.String(), "127.0.0.1:1"},
		{missing.String(), "does not exist"},
		{"postgres://%zz", "postgres URL"},
	} {
		_, err := postgres.Open(ctx, c.dsn)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Fatalf("Open(%s) = %v; want one line naming %q", c.dsn, err, c.want)
		}
	}
	if !strings.Contains(fmt.Sprint(openErr(closed.String())), "refused") {
		t.Fatalf("the cause of a closed port is not named: %v", openErr(closed.String()))
	}
}

func openErr(dsn string) error {
	_, err := postgres.Open(ctx, dsn)
	return err
}

// TestNewerSchemaRefused: a database migrated by a newer program is
// refused with both versions named, and left as it is.
func TestNewerSchemaRefused(t *testing.T) {
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	execSQL(t, dsn, `UPDATE schema_version SET version = 99`)
	_, err = postgres.Open(ctx, dsn)
	want := fmt.Sprintf("schema version 99, newer than this program's %d", postgres.SchemaVersion)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Fatalf("Open of a newer schema = %v, want %q", err, want)
	}
}

func execSQL(t *testing.T, dsn, q string) {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, q); err != nil {
		t.Fatal(err)
	}
}

// execQueryRow scans the one row of query q into dest.
func execQueryRow(t *testing.T, dsn, q string, dest ...any) {
	t.Helper()
	if err := testConn(t, dsn).QueryRow(ctx, q).Scan(dest...); err != nil {
		t.Fatal(err)
	}
}

// testConn is a connection to dsn of its own, closed when the test ends.
func testConn(t *testing.T, dsn string) *pgx.Conn {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close(ctx) })
	return c
}

// partitions lists the day partitions of reads.
func partitions(t *testing.T, dsn string) []string {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	rows, err := c.Query(ctx, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'reads'::regclass ORDER BY 1`)
	if err != nil {
		t.Fatal(err)
	}
	names, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	return names
}

// TestPurgeDropsWholeDays: purging drops the partitions of expired days,
// keeps their retained reads (and photos) in the kept partition, and
// leaves the live days' partitions alone.
func TestPurgeDropsWholeDays(t *testing.T) {
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now().UTC().Truncate(time.Millisecond)
	n, err := st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for i := range 40 * 24 {
			m := api.ReadMeta{ID: fmt.Sprintf("r%04d", i), CameraID: "cam-a", CapturedAt: now.Add(-time.Duration(i) * time.Hour),
				Plate: fmt.Sprintf("7ABC%03d", i%500), State: "CA"}
			if err := put(&store.ReadRecord{Meta: m, Photo: []byte{byte(i)}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 960 {
		t.Fatalf("bulk load %d, %v", n, err)
	}
	before := len(partitions(t, dsn))
	kept := "r0900" // 37.5 days old
	err = st.Update(ctx, func(tx store.Tx) error {
		return tx.InsertRetention(api.Retention{ReadID: kept, ReportNumber: "26-1", Category: "evidence", By: "dana", At: now}, "s1", "")
	})
	if err != nil {
		t.Fatal(err)
	}
	var purged int
	cut := now.AddDate(0, 0, -30)
	if err := st.Update(ctx, func(tx store.Tx) error {
		purged, err = tx.PurgeReads(cut)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	want := 0
	for i := range 40 * 24 {
		if now.Add(-time.Duration(i)*time.Hour).Before(cut) && fmt.Sprintf("r%04d", i) != kept {
			want++
		}
	}
	if purged != want {
		t.Fatalf("purged %d reads, want %d", purged, want)
	}
	after := partitions(t, dsn)
	if len(after) > before-9 || !strings.Contains(strings.Join(after, " "), "reads_kept") {
		t.Fatalf("partitions before %d, after %v: expired days not dropped", before, after)
	}
	err = st.View(ctx, func(tx store.ReadTx) error {
		if p, err := tx.Photo(kept); err != nil || len(p) != 1 || p[0] != byte(900%256) {
			t.Fatalf("retained read's photo after purge: %v, %v", p, err)
		}
		if _, err := tx.GetRead("r0800"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("expired read after purge: %v", err)
		}
		_, err := tx.GetRead("r0010")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// proxy forwards TCP connections to a PostgreSQL server until cut, which
// closes the listener and every connection (a lost database).
type proxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func startProxy(t *testing.T, target, addr string) *proxy {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{ln: ln, target: target}
	go p.serve()
	t.Cleanup(p.cut)
	return p
}

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		s, err := net.Dial("tcp", p.target)
		if err != nil {
			c.Close()
			continue
		}
		p.mu.Lock()
		p.conns = append(p.conns, c, s)
		p.mu.Unlock()
		go func() { io.Copy(s, c); s.Close() }()
		go func() { io.Copy(c, s); c.Close() }()
	}
}

func (p *proxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		c.Close()
	}
	p.conns = nil
}

// proxied returns dsn pointed at a proxy to its server.
func proxied(t *testing.T, dsn string) (*proxy, string) {
	u, _ := url.Parse(dsn)
	p := startProxy(t, u.Host, "127.0.0.1:0")
	u.Host = p.ln.Addr().String()
	return p, u.String()
}

// TestConnectionLossIsUnavailable: a lost database is ErrUnavailable, and
// the storage reconnects by itself when the database is back.
func TestConnectionLossIsUnavailable(t *testing.T) {
	p, dsn := proxied(t, pgtest.DSN(t))
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	users := func() error {
		return st.View(ctx, func(tx store.ReadTx) error { _, err := tx.ListUsers(); return err })
	}
	if err := users(); err != nil {
		t.Fatal(err)
	}
	p.cut()
	if err := users(); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("after the database went away: %v, want ErrUnavailable", err)
	}
	if err := st.Update(ctx, func(tx store.Tx) error { return tx.InsertUser(&store.UserRecord{User: api.User{Username: "x"}}) }); !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("a write after the database went away: %v, want ErrUnavailable", err)
	}
	startProxy(t, p.target, p.ln.Addr().String())
	deadline := time.Now().Add(10 * time.Second)
	for err := users(); err != nil; err = users() {
		if time.Now().After(deadline) {
			t.Fatalf("no reconnection once the database is back: %v", err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestHTTPStoreUnavailable: a store whose database goes away answers 503
// store_unavailable with Retry-After (never 500), and serves again once the
// database is back.
func TestHTTPStoreUnavailable(t *testing.T) {
	p, dsn := proxied(t, pgtest.DSN(t))
	srv, err := store.Open(store.Config{DBPath: dsn, Open: open.Open, PasswordCost: bcrypt.MinCost, PurgeEvery: -1, HotlistEvery: -1, Logf: t.Logf})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	err = srv.Admin("cli:test").AddUser(ctx, store.NewUser{Username: "dana", Role: api.RoleDetective, Serial: "S-1", Name: "Dana",
		Team: "east", Trained: "2026-01-15", Password: "dana-password-long", DesignatedBy: "memo"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv.Handler())
	defer ts.Close()
	hc := &http.Client{Transport: apitest.Load(t).Transport(t, http.DefaultTransport)}
	login := func() *http.Response {
		body, _ := json.Marshal(api.LoginRequest{Username: "dana", Password: "dana-password-long"})
		resp, err := hc.Post(ts.URL+"/v1/auth/login", "application/json", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp
	}
	if r := login(); r.StatusCode != http.StatusOK {
		t.Fatalf("login with the database up: %d", r.StatusCode)
	}
	p.cut()
	r := login()
	if r.StatusCode != http.StatusServiceUnavailable || r.Header.Get("Retry-After") == "" {
		t.Fatalf("login with the database gone: %d, Retry-After %q", r.StatusCode, r.Header.Get("Retry-After"))
	}
	startProxy(t, p.target, p.ln.Addr().String())
	deadline := time.Now().Add(10 * time.Second)
	for login().StatusCode != http.StatusOK {
		if time.Now().After(deadline) {
			t.Fatal("the store does not serve again once the database is back")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestAdvice: huge pages are asked for only where shared buffers are large
// and huge_pages is not on, and Advice on the test server says what its
// own settings call for.
func TestAdvice(t *testing.T) {
	for _, c := range []struct {
		setting string
		shared  int64
		want    bool
	}{
		{"try", 8 << 30, true},
		{"off", 1 << 30, true},
		{"on", 8 << 30, false},
		{"try", 128 << 20, false},
	} {
		got := postgres.HugePagesAdvice(c.setting, c.shared)
		if c.want != (got != "") || (c.want && !strings.Contains(got, "huge_pages = "+c.setting)) {
			t.Errorf("HugePagesAdvice(%s, %d) = %q, want advice %v", c.setting, c.shared, got, c.want)
		}
	}
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var setting string
	var shared int64
	execQueryRow(t, dsn, `SELECT current_setting('huge_pages'), pg_size_bytes(current_setting('shared_buffers'))`, &setting, &shared)
	got, err := st.Advice(ctx)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{}
	if a := postgres.HugePagesAdvice(setting, shared); a != "" {
		want = append(want, a)
	}
	if len(got) != len(want) || (len(want) == 1 && got[0] != want[0]) {
		t.Fatalf("Advice with huge_pages %s and %d bytes of shared buffers = %q, want %q", setting, shared, got, want)
	}
}
