package cache

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
)

// clock is an injectable clock for tests.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newClock() *clock { return &clock{t: time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)} }

func testKey(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func openTest(t *testing.T, dir string, clk *clock, key []byte) *Cache {
	t.Helper()
	c, err := Open(dir, Options{Store: "127.0.0.1:8080", User: "detective", Key: key, Now: clk.Now, PurgeEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// testJPEG encodes a real JPEG of a few KB.
func testJPEG(t *testing.T, seed int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 64, 48))
	for y := 0; y < 48; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x*4 + seed), uint8(y * 5), uint8(x ^ y ^ seed), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 90}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func read(id, plate string, at time.Time) api.Read {
	return api.Read{ID: id, Plate: plate, State: "CA", Confidence: 0.9, CapturedAt: at,
		Camera: api.ReadCamera{ID: "cam-1", Name: "International Blvd & 73rd Ave", Lat: 37.76, Lon: -122.19},
		Make:   "Toyota", Color: "silver", BodyType: "sedan"}
}

func caseCtx() api.CaseContext {
	return api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery",
		Purpose: "Armed robbery at Quixotic Liquors, silver sedan seen leaving"}
}

func TestRoundTripAndRawFileHoldsNoPlainData(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	c := openTest(t, dir, clk, testKey(7))
	plates := []string{"7QZX123", "8JKW554", "4XYZPLT"}
	now := clk.Now()
	req := api.SearchRequest{CaseContext: caseCtx(), Plate: "7QZX*"}
	resp := &api.SearchResponse{SearchID: "s-1", Total: 3}
	for i, p := range plates {
		resp.Results = append(resp.Results, read("read-"+p, p, now.Add(-time.Duration(i)*time.Hour)))
	}
	if err := c.PutSearch(req, resp); err != nil {
		t.Fatal(err)
	}
	photos := map[string][]byte{}
	for i, p := range plates {
		photos[p] = testJPEG(t, i)
		if err := c.PutPhoto("read-"+p, now, photos[p]); err != nil {
			t.Fatal(err)
		}
	}
	if err := c.AddRecentCase(caseCtx()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnqueueVerification("read-7QZX123", api.VerificationRequest{SearchID: "s-1",
		Status: api.VerifyMisread, CorrectedPlate: "7QZX128"}); err != nil {
		t.Fatal(err)
	}

	got, err := c.Search("s-1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Case != caseCtx() || len(got.Results) != 3 || got.Results[1].Plate != plates[1] || got.Request.Plate != "7QZX*" {
		t.Fatalf("cached search = %+v", got)
	}
	for p, want := range photos {
		b, err := c.Photo("read-" + p)
		if err != nil || !bytes.Equal(b, want) {
			t.Fatalf("photo %s: %v (%d bytes)", p, err, len(b))
		}
	}
	if _, err := c.Photo("nope"); !errors.Is(err, ErrNotCached) {
		t.Fatalf("missing photo: %v", err)
	}

	// The raw bytes, while open (WAL) and after close (checkpointed).
	secrets := [][]byte{[]byte("7QZX128"), []byte("26-012345"), []byte("Quixotic"), []byte("International Blvd")}
	for _, p := range plates {
		secrets = append(secrets, []byte(p), []byte("read-"+p))
	}
	check := func(stage string) {
		files, _ := filepath.Glob(filepath.Join(dir, "*"))
		var seen int
		for _, f := range files {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			seen += len(raw)
			if bytes.Contains(raw, []byte{0xFF, 0xD8, 0xFF, 0xDB}) {
				t.Errorf("%s: %s holds a JPEG header", stage, f)
			}
			for _, ph := range photos {
				if bytes.Contains(raw, ph[len(ph)/2:len(ph)/2+32]) {
					t.Errorf("%s: %s holds JPEG bytes", stage, f)
				}
			}
			for _, s := range secrets {
				if bytes.Contains(raw, s) || bytes.Contains(bytes.ToLower(raw), bytes.ToLower(s)) {
					t.Errorf("%s: %s holds %q in the clear", stage, f, s)
				}
			}
		}
		if seen < 4096 {
			t.Fatalf("%s: only %d bytes on disk; the check saw nothing", stage, seen)
		}
	}
	check("open")
	if _, err := os.Stat(c.Path() + "-wal"); err != nil {
		t.Fatalf("expected a WAL file while open: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	check("closed")

	// Reopened with the same key, everything is there.
	c2 := openTest(t, dir, clk, testKey(7))
	if s, err := c2.Search("s-1"); err != nil || len(s.Results) != 3 {
		t.Fatalf("after reopen: %v %+v", err, s)
	}
	if cases, err := c2.RecentCases(); err != nil || len(cases) != 1 || cases[0] != caseCtx() {
		t.Fatalf("recent cases: %v %+v", err, cases)
	}
	if items, err := c2.Pending(); err != nil || len(items) != 1 || items[0].Kind != KindVerification {
		t.Fatalf("outbox: %v %+v", err, items)
	}
}

func TestPageAppendsAndUpdateRead(t *testing.T) {
	clk := newClock()
	c := openTest(t, t.TempDir(), clk, testKey(1))
	now := clk.Now()
	req := api.SearchRequest{CaseContext: caseCtx(), Plate: "7AB*"}
	if err := c.PutSearch(req, &api.SearchResponse{SearchID: "s", Total: 3, NextCursor: "c1",
		Results: []api.Read{read("a", "7ABC001", now), read("b", "7ABC002", now)}}); err != nil {
		t.Fatal(err)
	}
	req.Cursor = "c1"
	if err := c.PutSearch(req, &api.SearchResponse{SearchID: "s", Total: 3,
		Results: []api.Read{read("c", "7ABC003", now)}}); err != nil {
		t.Fatal(err)
	}
	s, err := c.Search("s")
	if err != nil || len(s.Results) != 3 || s.Results[2].ID != "c" || s.NextCursor != "" || s.Request.Cursor != "" {
		t.Fatalf("paged search: %v %+v", err, s)
	}
	r := read("b", "7ABC002", now)
	r.Verification = &api.Verification{Status: api.VerifyConfirmed, By: "detective", At: now}
	if n, err := c.UpdateRead(r); err != nil || n != 1 {
		t.Fatalf("UpdateRead = %d, %v", n, err)
	}
	s, _ = c.Search("s")
	if s.Results[1].Verification == nil || s.Results[1].Verification.Status != api.VerifyConfirmed {
		t.Fatalf("update not kept: %+v", s.Results[1])
	}
	list, err := c.Searches(0)
	if err != nil || len(list) != 1 || list[0].Count != 3 || list[0].Results != nil {
		t.Fatalf("Searches = %v %+v", err, list)
	}
	// A new first page replaces the cached results.
	req.Cursor = ""
	if err := c.PutSearch(req, &api.SearchResponse{SearchID: "s", Total: 1,
		Results: []api.Read{read("z", "7ABC999", now)}}); err != nil {
		t.Fatal(err)
	}
	if s, _ := c.Search("s"); len(s.Results) != 1 || s.Results[0].ID != "z" {
		t.Fatalf("first page did not replace: %+v", s.Results)
	}
	if err := c.PutSearch(req, &api.SearchResponse{}); err == nil {
		t.Fatal("a search without search_id must be refused")
	}
}

func TestPurgeWithInjectedClock(t *testing.T) {
	clk := newClock()
	dir := t.TempDir()
	c := openTest(t, dir, clk, testKey(2))
	now := clk.Now()
	old, fresh := now.Add(-29*24*time.Hour), now.Add(-1*time.Hour)
	if err := c.PutSearch(api.SearchRequest{CaseContext: caseCtx(), Plate: "7AB*"}, &api.SearchResponse{SearchID: "s",
		Results: []api.Read{read("old", "7ABC001", old), read("new", "7ABC002", fresh)}}); err != nil {
		t.Fatal(err)
	}
	for id, at := range map[string]time.Time{"old": old, "new": fresh} {
		if err := c.PutPhoto(id, at, testJPEG(t, 1)); err != nil {
			t.Fatal(err)
		}
	}
	// Already expired reads are never stored.
	if err := c.PutPhoto("ancient", now.Add(-31*24*time.Hour), testJPEG(t, 2)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Photo("ancient"); !errors.Is(err, ErrNotCached) {
		t.Fatalf("an expired photo was cached: %v", err)
	}

	clk.Add(2 * 24 * time.Hour) // "old" is now 31 days old
	st, err := c.Purge()
	if err != nil || st.Results != 1 || st.Photos != 1 || st.Searches != 0 {
		t.Fatalf("purge = %+v, %v", st, err)
	}
	if _, err := c.Photo("old"); !errors.Is(err, ErrNotCached) {
		t.Fatal("the old photo survived the purge")
	}
	if b, err := c.Photo("new"); err != nil || len(b) == 0 {
		t.Fatalf("the fresh photo was purged: %v", err)
	}
	s, _ := c.Search("s")
	if len(s.Results) != 1 || s.Results[0].ID != "new" {
		t.Fatalf("results after purge: %+v", s.Results)
	}

	// A shorter retention from the store's policy purges at once.
	if err := c.SetRetentionDays(1); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Photo("new"); !errors.Is(err, ErrNotCached) {
		t.Fatal("retention 1 day should purge a 2-day-old photo")
	}
	if _, err := c.Search("s"); !errors.Is(err, ErrNotCached) {
		t.Fatalf("a search saved 2 days ago survived retention 1: %v", err)
	}
	if err := c.SetRetentionDays(0); err == nil {
		t.Fatal("retention 0 must be refused")
	}
}

func TestPurgeLoopAndPurgeOnOpen(t *testing.T) {
	clk := newClock()
	dir := t.TempDir()
	c := openTest(t, dir, clk, testKey(3))
	if err := c.PutPhoto("p", clk.Now(), testJPEG(t, 3)); err != nil {
		t.Fatal(err)
	}
	c.Close()
	clk.Add(31 * 24 * time.Hour)
	c = openTest(t, dir, clk, testKey(3)) // purge on open
	if _, err := c.Photo("p"); !errors.Is(err, ErrNotCached) {
		t.Fatal("Open did not purge")
	}
	if err := c.PutPhoto("q", clk.Now(), testJPEG(t, 4)); err != nil {
		t.Fatal(err)
	}
	c.Close()

	c, err := Open(dir, Options{Store: "127.0.0.1:8080", User: "detective", Key: testKey(3), Now: clk.Now,
		PurgeEvery: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Photo("q"); err != nil {
		t.Fatal(err)
	}
	clk.Add(31 * 24 * time.Hour)
	deadline := time.Now().Add(5 * time.Second)
	for {
		if n, _, _ := c.PhotoUsage(); n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the periodic purge never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPhotoCapEvictsLeastRecentlyUsed(t *testing.T) {
	clk := newClock()
	c, err := Open(t.TempDir(), Options{Store: "h", User: "u", Key: testKey(4), Now: clk.Now, PurgeEvery: -1, PhotoCap: 3500})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	photo := bytes.Repeat([]byte{0xAB}, 1000)
	for _, id := range []string{"a", "b", "c"} {
		if err := c.PutPhoto(id, clk.Now(), photo); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Photo("a"); err != nil { // a is now the most recently used
		t.Fatal(err)
	}
	if err := c.PutPhoto("d", clk.Now(), photo); err != nil {
		t.Fatal(err)
	}
	n, size, err := c.PhotoUsage()
	if err != nil || n != 3 || size != 3000 {
		t.Fatalf("usage = %d photos, %d bytes, %v", n, size, err)
	}
	if _, err := c.Photo("b"); !errors.Is(err, ErrNotCached) {
		t.Fatal("b (least recently used) should have been evicted")
	}
	for _, id := range []string{"a", "c", "d"} {
		if _, err := c.Photo(id); err != nil {
			t.Fatalf("%s evicted wrongly: %v", id, err)
		}
	}
	if err := c.SetPhotoCap(1500); err != nil {
		t.Fatal(err)
	}
	if n, _, _ := c.PhotoUsage(); n != 1 {
		t.Fatalf("after cap 1500: %d photos", n)
	}
}

// v1SQL is the schema of version 1, written out by hand as the first
// release created it.
const v1SQL = `CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB NOT NULL);
CREATE TABLE searches(search_id TEXT PRIMARY KEY, saved_at INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE results(search_id TEXT NOT NULL, pos INTEGER NOT NULL, read_key BLOB NOT NULL,
	captured_at INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(search_id, pos));
CREATE TABLE photos(read_key BLOB PRIMARY KEY, captured_at INTEGER NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL);
CREATE TABLE settings(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
	created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, data BLOB NOT NULL);
PRAGMA application_id = 1095520338;
PRAGMA user_version = 1;`

func TestMigrationFromVersion1(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	key := testKey(5)
	path := filepath.Join(dir, FileName("127.0.0.1:8080", "detective"))
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(v1SQL); err != nil {
		t.Fatal(err)
	}
	b, _ := newBox(key)
	kc, _ := b.seal([]byte(keyCheckText), "meta:key_check")
	rk := b.lookup("read", "r1")
	ph, _ := b.seal([]byte("photo bytes"), photoAD(rk))
	item := OutboxItem{ID: "item-1", Kind: KindVerification, Payload: []byte(`{"read_id":"r1"}`), CreatedAt: clk.Now()}
	ob, _ := b.sealJSON(item, "outbox:item-1")
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`INSERT INTO meta VALUES('key_check', ?)`, []any{kc}},
		{`INSERT INTO photos VALUES(?, ?, 11, ?)`, []any{rk, clk.Now().Unix(), ph}},
		{`INSERT INTO outbox(id, kind, created_at, data) VALUES('item-1', 'verification', ?, ?)`, []any{clk.Now().Unix(), ob}},
		{`INSERT INTO settings VALUES('tile_server', 'store')`, nil},
	} {
		if _, err := db.Exec(q.sql, q.args...); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	c := openTest(t, dir, clk, key)
	var v int
	if err := c.db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil || v != SchemaVersion || v != 2 {
		t.Fatalf("schema version = %d (%v), want 2", v, err)
	}
	if p, err := c.Photo("r1"); err != nil || string(p) != "photo bytes" {
		t.Fatalf("photo after migration: %q %v", p, err)
	}
	items, err := c.Pending()
	if err != nil || len(items) != 1 || items[0].ID != "item-1" || items[0].LastError != "" {
		t.Fatalf("outbox after migration: %+v %v", items, err)
	}
	if v, ok, err := c.Setting("tile_server"); err != nil || !ok || v != "store" {
		t.Fatalf("setting after migration: %q %v %v", v, ok, err)
	}
	if err := c.AddRecentCase(caseCtx()); err != nil { // a v2 table
		t.Fatal(err)
	}
	if r, err := c.Refusals(); err != nil || len(r) != 0 {
		t.Fatalf("refusals: %v %v", r, err)
	}
}

func TestDamagedForeignOrOtherKeyFilesAreMovedAside(t *testing.T) {
	clk := newClock()
	cases := map[string]struct {
		prepare func(t *testing.T, path string)
		kind    error
	}{
		"corrupt": {func(t *testing.T, path string) {
			if err := os.WriteFile(path, []byte("this is not a database, it is a shopping list\n"), 0o600); err != nil {
				t.Fatal(err)
			}
		}, ErrCorrupt},
		"truncated sqlite": {func(t *testing.T, path string) {
			c := openTest(t, filepath.Dir(path), clk, testKey(9))
			c.Close()
			raw, _ := os.ReadFile(path)
			if err := os.WriteFile(path, append(raw[:100], bytes.Repeat([]byte{0x55}, 4000)...), 0o600); err != nil {
				t.Fatal(err)
			}
		}, ErrCorrupt},
		"foreign": {func(t *testing.T, path string) {
			db, _ := sql.Open("sqlite3", path)
			defer db.Close()
			if _, err := db.Exec(`CREATE TABLE recipes(name TEXT)`); err != nil {
				t.Fatal(err)
			}
		}, ErrForeign},
		"other key": {func(t *testing.T, path string) {
			c := openTest(t, filepath.Dir(path), clk, testKey(8))
			c.Close()
		}, ErrWrongKey},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, FileName("127.0.0.1:8080", "detective"))
			tc.prepare(t, path)
			before, _ := os.ReadFile(path)
			_, err := Open(dir, Options{Store: "127.0.0.1:8080", User: "detective", Key: testKey(9), Now: clk.Now, PurgeEvery: -1})
			var oe *OpenError
			if !errors.Is(err, tc.kind) || !errors.As(err, &oe) || oe.MovedTo == "" {
				t.Fatalf("Open = %v, want %v with the file moved aside", err, tc.kind)
			}
			if !strings.Contains(err.Error(), oe.MovedTo) {
				t.Errorf("the message does not say where the file went: %v", err)
			}
			moved, rerr := os.ReadFile(oe.MovedTo)
			if rerr != nil || !bytes.Equal(moved, before) {
				t.Fatalf("the moved file differs from the original (%v)", rerr)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Fatal("the original path still exists")
			}
			c := openTest(t, dir, clk, testKey(9)) // a fresh cache starts
			if err := c.SetSetting("x", "y"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestNewerSchemaIsLeftAlone(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	c := openTest(t, dir, clk, testKey(6))
	if _, err := c.db.Exec(`PRAGMA user_version = 99`); err != nil {
		t.Fatal(err)
	}
	c.Close()
	_, err := Open(dir, Options{Store: "127.0.0.1:8080", User: "detective", Key: testKey(6), Now: clk.Now, PurgeEvery: -1})
	if !errors.Is(err, ErrNewerSchema) {
		t.Fatalf("Open = %v, want ErrNewerSchema", err)
	}
	if _, err := os.Stat(c.Path()); err != nil {
		t.Fatal("a newer cache must stay where it is")
	}
}

func TestOpenWithoutKeyAndMemoryCache(t *testing.T) {
	dir := t.TempDir()
	if _, err := Open(dir, Options{Store: "h", User: "u"}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("Open without key = %v", err)
	}
	m, err := OpenMemory(Options{Store: "h", User: "u"})
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := m.PutPhoto("r", time.Now(), []byte("jpeg")); err != nil {
		t.Fatal(err)
	}
	if b, err := m.Photo("r"); err != nil || string(b) != "jpeg" {
		t.Fatalf("memory photo: %q %v", b, err)
	}
	if _, err := m.EnqueueVerification("r", api.VerificationRequest{SearchID: "s", Status: api.VerifyConfirmed}); err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files on disk: %v", entries)
	}
}

func TestLoginSettings(t *testing.T) {
	dir := t.TempDir()
	if s, err := LoadLoginSettings(dir); err != nil || s != (LoginSettings{}) {
		t.Fatalf("empty: %+v %v", s, err)
	}
	want := LoginSettings{Server: "https://alpr.example.org", Username: "detective"}
	if err := SaveLoginSettings(dir, want); err != nil {
		t.Fatal(err)
	}
	if s, err := LoadLoginSettings(dir); err != nil || s != want {
		t.Fatalf("loaded %+v %v", s, err)
	}
	os.WriteFile(filepath.Join(dir, loginFile), []byte("{"), 0o600)
	if _, err := LoadLoginSettings(dir); err == nil {
		t.Fatal("damaged settings must be reported")
	}
}

func TestConcurrentUse(t *testing.T) {
	clk := newClock()
	c := openTest(t, t.TempDir(), clk, testKey(11))
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			for i := 0; i < 10; i++ {
				id := fmt.Sprintf("r-%d-%d", g, i)
				if err := c.PutPhoto(id, clk.Now(), []byte(id)); err != nil {
					errs <- err
					return
				}
				if b, err := c.Photo(id); err != nil || string(b) != id {
					errs <- fmt.Errorf("photo %s: %q %v", id, b, err)
					return
				}
				if _, err := c.Enqueue(KindVerification, VerificationItem{ReadID: id}); err != nil {
					errs <- err
					return
				}
				if _, err := c.Purge(); err != nil {
					errs <- err
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if items, err := c.Pending(); err != nil || len(items) != 80 {
		t.Fatalf("pending = %d, %v", len(items), err)
	}
}

func TestDefaultDirIsTheUserDataDirectory(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("XDG layout is checked on Linux")
	}
	data := t.TempDir()
	t.Setenv("XDG_DATA_HOME", data)
	d, err := DefaultDir()
	if err != nil || d != filepath.Join(data, "alprdesk") {
		t.Fatalf("DefaultDir = %q %v", d, err)
	}
	t.Setenv("XDG_DATA_HOME", "relative/path")
	t.Setenv("HOME", data)
	if d, _ := DefaultDir(); d != filepath.Join(data, ".local", "share", "alprdesk") {
		t.Fatalf("DefaultDir without XDG_DATA_HOME = %q", d)
	}
}
