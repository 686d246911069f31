// Package sqlite is the embedded SQLite backend of the store (store.Storage):
// one file, one writer connection and a pool of WAL readers, with an
// in-memory copy of the plate dictionary for pattern scans. It is the
// default for make run, demos, training laptops and small agencies.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // the embedded SQLite driver

	"alprdesk/api/plate"
	"alprdesk/store"
	"alprdesk/store/internal/platedict"
	"alprdesk/store/internal/sqlrows"
)

// migrations are applied in order; schema_version records how many ran.
// Never edit one that shipped: append a new one.
var migrations = []string{
	// 1: accounts, tokens, cameras, reads with a plate dictionary, audit.
	`CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE users(
	username TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,
	serial TEXT NOT NULL, team TEXT NOT NULL DEFAULT '', trained_on TEXT NOT NULL DEFAULT '',
	designated_by TEXT NOT NULL DEFAULT '', password_hash BLOB NOT NULL,
	disabled INTEGER NOT NULL DEFAULT 0, demo INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0, locked_until INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL);
CREATE TABLE tokens(
	hash TEXT PRIMARY KEY, kind TEXT NOT NULL, username TEXT NOT NULL, family TEXT NOT NULL,
	expires_at INTEGER NOT NULL, family_expires_at INTEGER NOT NULL,
	used INTEGER NOT NULL DEFAULT 0, revoked INTEGER NOT NULL DEFAULT 0);
CREATE INDEX tokens_family ON tokens(family);
CREATE INDEX tokens_expiry ON tokens(family_expires_at);
CREATE TABLE cameras(
	id TEXT PRIMARY KEY, name TEXT NOT NULL, lat REAL NOT NULL, lon REAL NOT NULL,
	owner TEXT NOT NULL, token_hash TEXT UNIQUE);
CREATE TABLE plates(id INTEGER PRIMARY KEY, plate TEXT NOT NULL UNIQUE, canon TEXT NOT NULL);
CREATE INDEX plates_canon ON plates(canon);
CREATE TABLE reads(
	rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, camera_id TEXT NOT NULL,
	captured_at INTEGER NOT NULL, plate_id INTEGER NOT NULL, state TEXT NOT NULL,
	confidence REAL NOT NULL, make TEXT NOT NULL, color TEXT NOT NULL, body_type TEXT NOT NULL,
	features TEXT NOT NULL, feature_mask INTEGER NOT NULL,
	box_x INTEGER NOT NULL, box_y INTEGER NOT NULL, box_w INTEGER NOT NULL, box_h INTEGER NOT NULL,
	v_status TEXT, v_plate TEXT, v_plate_id INTEGER, v_state TEXT, v_by TEXT, v_at INTEGER,
	retained INTEGER NOT NULL DEFAULT 0);
CREATE INDEX reads_plate ON reads(plate_id, captured_at);
CREATE INDEX reads_vplate ON reads(v_plate_id, captured_at) WHERE v_plate_id IS NOT NULL;
CREATE INDEX reads_camera ON reads(camera_id, captured_at);
CREATE INDEX reads_time ON reads(captured_at);
CREATE TABLE photos(rid INTEGER PRIMARY KEY, jpeg BLOB NOT NULL);
CREATE TABLE retentions(
	id INTEGER PRIMARY KEY, read_id TEXT NOT NULL, report_number TEXT NOT NULL,
	category TEXT NOT NULL, reason TEXT NOT NULL, by TEXT NOT NULL, at INTEGER NOT NULL,
	search_id TEXT NOT NULL, export_id TEXT NOT NULL);
CREATE INDEX retentions_read ON retentions(read_id);
CREATE TABLE searches(
	id TEXT PRIMARY KEY, username TEXT NOT NULL, created_at INTEGER NOT NULL,
	request TEXT NOT NULL, hash TEXT NOT NULL);
CREATE TABLE audit(
	seq INTEGER PRIMARY KEY, at TEXT NOT NULL, at_ms INTEGER NOT NULL, actor TEXT NOT NULL,
	role TEXT NOT NULL, action TEXT NOT NULL, report_number TEXT NOT NULL,
	purpose_category TEXT NOT NULL, purpose TEXT NOT NULL, query TEXT NOT NULL,
	result_count INTEGER NOT NULL, workstation TEXT NOT NULL, outcome TEXT NOT NULL,
	reason TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX audit_actor ON audit(actor, seq);
CREATE INDEX audit_report ON audit(report_number, seq);
CREATE INDEX audit_at ON audit(at_ms);
CREATE TABLE idempotency(
	username TEXT NOT NULL, key TEXT NOT NULL, route TEXT NOT NULL, status INTEGER NOT NULL,
	body BLOB NOT NULL, created_at INTEGER NOT NULL, PRIMARY KEY(username, key));
CREATE TABLE exports(
	id TEXT PRIMARY KEY, kind TEXT NOT NULL, username TEXT NOT NULL, report_number TEXT NOT NULL,
	search_id TEXT NOT NULL, read_ids TEXT NOT NULL, at INTEGER NOT NULL);`,
	// 2: trigram index over the plate dictionary for wildcard patterns.
	`CREATE VIRTUAL TABLE plates_fts USING fts5(plate, canon, content='plates', content_rowid='id', tokenize='trigram');
CREATE TRIGGER plates_fts_ins AFTER INSERT ON plates BEGIN
	INSERT INTO plates_fts(rowid, plate, canon) VALUES (new.id, new.plate, new.canon);
END;
INSERT INTO plates_fts(plates_fts) VALUES ('rebuild');`,
	// 3 (hotlists): hotlist requests, entries, alerts, alert verifications and acks.
	hotlistMigration,
	// 4 (supervision): search returns and outcomes, audit reviews, audit action index.
	supervisionMigration,
	// 5 (training): training attempts.
	trainingMigration,
	// 6 (sign-in): failed sign-ins per username, second factors, MFA
	// tokens, restricted token families.
	authMigration,
	// 7 (accountability): hit outcomes and the daily counters.
	accountMigration,
	// 8 (analyses): analyses and the reads each returned.
	analysisMigration,
	// 9 (attribute search): the camera index carries make, colour and
	// body type.
	cameraAttrsMigration,
}

// Storage is the embedded SQLite store.Storage: one writer connection (writes
// are serialised) and a pool of readers over WAL snapshots, plus an
// in-memory copy of the plate dictionary for pattern scans.
type Storage struct {
	w, r *sql.DB
	dict *plateDict
	wmu  sync.Mutex // serialises write transactions with the dictionary
	// ckpt checkpoints the WAL in the background, so that no write waits
	// for a checkpoint (and its fsync) inline.
	ckpt      *sql.DB
	stopCkpt  chan struct{}
	ckptDone  chan struct{}
	closeOnce sync.Once
	closeErr  error
}

// stmtCacheSize is the prepared statements each reader connection keeps,
// by SQL text: a search's statements are a few fixed texts, and preparing
// one costs more than running it on a small result.
const stmtCacheSize = 64

// checkpointEvery is the interval of background WAL checkpoints.
const checkpointEvery = time.Second

// The compile-time checks that the backend implements the seam.
var (
	_ store.Storage      = (*Storage)(nil)
	_ store.Tx           = (*Tx)(nil)
	_ store.BackendNamer = (*Storage)(nil)
	_ store.Scrubber     = (*Storage)(nil)
)

// Durability levels of OpenWith: how SQLite syncs commits to disk.
const (
	// DurabilityNormal (synchronous=NORMAL in WAL mode, the default) syncs
	// at checkpoints, not at every commit: a crash of the process loses
	// nothing, but a power loss or kernel crash can lose the last commits
	// (acknowledged reads and audit entries) since the last sync. The
	// database stays consistent either way.
	DurabilityNormal = "normal"
	// DurabilityFull (synchronous=FULL) syncs the WAL at every commit: an
	// acknowledged write survives a power loss, at the cost of one fsync
	// per write transaction.
	DurabilityFull = "full"
)

// Options tune OpenWith.
type Options struct {
	// Durability is DurabilityNormal (default when empty) or
	// DurabilityFull.
	Durability string
	// ReaderMmap is the memory-mapped I/O, in bytes, of each reader
	// connection (PRAGMA mmap_size; SQLite caps it at its compiled-in
	// maximum, 2 GiB in this build). 0, the default, maps nothing: each
	// reader reads pages into its own page cache. A mapped page is read in
	// place, without a system call and a copy, but the first touch of each
	// page by each connection is a page fault, and where faults are dear
	// (measured 45 us each on this project's virtual machines, against
	// 0.06 us for a mapped page) a node's first thousands of searches and
	// every row-heavy analysis were slower mapped than read
	// (docs/PERFORMANCE.md, "Page faults and SQLite's memory map").
	ReaderMmap int64
}

// Open opens (creating when missing) the SQLite database at path and
// brings its schema up to date, with the default durability.
func Open(path string) (*Storage, error) { return OpenWith(path, Options{}) }

// OpenWith is Open with options.
func OpenWith(path string, o Options) (*Storage, error) {
	if path == "" {
		return nil, errors.New("store: no database path given")
	}
	sync := "NORMAL"
	switch o.Durability {
	case "", DurabilityNormal:
	case DurabilityFull:
		sync = "FULL"
	default:
		return nil, fmt.Errorf("store: durability %q is not %s or %s", o.Durability, DurabilityNormal, DurabilityFull)
	}
	if o.ReaderMmap < 0 {
		return nil, fmt.Errorf("store: reader mmap size %d is negative", o.ReaderMmap)
	}
	base := "file:" + (&url.URL{Path: path}).EscapedPath()
	common := "_journal_mode=WAL&_synchronous=" + sync + "&_busy_timeout=10000&_foreign_keys=0"
	// secure_delete on the writer: deleted rows and freed pages are
	// overwritten with zeros, so a purged plate does not stay readable in
	// the file's free space (docs/POLICY.md, rule 6).
	w, err := sql.Open("sqlite3", base+"?"+common+"&_txlock=immediate&_cache_size=-262144&_secure_delete=on")
	if err != nil {
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: open %s: %w", path, err)
	}
	s := &Storage{w: w}
	if err := s.migrate(); err != nil {
		w.Close()
		return nil, err
	}
	r := openReaders(base+"?"+common+"&_query_only=1&_cache_size=-65536&_stmt_cache_size="+strconv.Itoa(stmtCacheSize), o.ReaderMmap)
	// Every reader stays open once opened: database/sql keeps two idle
	// connections unless told, and closing the others when more than two
	// searches ran at once threw away their page caches, prepared
	// statements and memory mappings, to open them again cold.
	r.SetMaxOpenConns(readerConns())
	r.SetMaxIdleConns(readerConns())
	s.r = r
	if err := s.startCheckpoints(base + "?" + common); err != nil {
		s.Close()
		return nil, err
	}
	if s.dict, err = loadDict(w); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func (s *Storage) migrate() error {
	if _, err := s.w.Exec(`CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL)`); err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	var v int
	err := s.w.QueryRow(`SELECT version FROM schema_version`).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err = s.w.Exec(`INSERT INTO schema_version(version) VALUES (0)`); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("store: migrate: %w", err)
	}
	if v > len(migrations) {
		return fmt.Errorf("store: the database has schema version %d, newer than this program's %d", v, len(migrations))
	}
	for i := v; i < len(migrations); i++ {
		tx, err := s.w.Begin()
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if _, err := tx.Exec(migrations[i]); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %d: %w", i+1, err)
		}
		if _, err := tx.Exec(`UPDATE schema_version SET version = ?`, i+1); err != nil {
			tx.Rollback()
			return fmt.Errorf("store: migration %d: %w", i+1, err)
		}
		if err := tx.Commit(); err != nil {
			return fmt.Errorf("store: migration %d: %w", i+1, err)
		}
	}
	return nil
}

// startCheckpoints runs passive checkpoints from a connection of their own
// every second, so that writes rarely checkpoint inline; the writer still
// checkpoints when the WAL passes 8,192 pages (32 MiB) and truncates it back
// to 64 MiB, so a long bulk load cannot grow it without bound.
func (s *Storage) startCheckpoints(dsn string) error {
	if _, err := s.w.Exec(`PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864`); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	c, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	c.SetMaxOpenConns(1)
	s.ckpt, s.stopCkpt, s.ckptDone = c, make(chan struct{}), make(chan struct{})
	go func() {
		defer close(s.ckptDone)
		t := time.NewTicker(checkpointEvery)
		defer t.Stop()
		for {
			select {
			case <-s.stopCkpt:
				return
			case <-t.C:
				c.Exec(`PRAGMA wal_checkpoint(PASSIVE)`)
			}
		}
	}()
	return nil
}

// scrubWait bounds how long a scrub waits for readers and the writer to
// leave the write-ahead log; writers wait behind it meanwhile.
const scrubWait = time.Second

// Scrub checkpoints the write-ahead log into the database file and
// truncates it (store.Scrubber): its older frames still hold pages as they
// were before a purge. It runs on the checkpoint connection and waits at
// most scrubWait, failing while a reader still uses those frames (the next
// purge tries again).
func (s *Storage) Scrub(ctx context.Context) error {
	c, err := s.ckpt.Conn(ctx)
	if err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	defer c.Close()
	if _, err := c.ExecContext(ctx, fmt.Sprintf(`PRAGMA busy_timeout = %d`, scrubWait.Milliseconds())); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	var busy, logFrames, done int
	if err := c.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logFrames, &done); err != nil {
		return fmt.Errorf("store: checkpoint: %w", err)
	}
	if busy != 0 {
		return errors.New("store: checkpoint: readers still use the write-ahead log")
	}
	return nil
}

// Backend names the backend for the health endpoints.
func (s *Storage) Backend() string { return store.BackendSQLite }

// Close closes the connection pools, checkpointing the WAL. Closing again
// returns the first answer.
func (s *Storage) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.close() })
	return s.closeErr
}

func (s *Storage) close() error {
	var err error
	if s.ckpt != nil {
		close(s.stopCkpt)
		<-s.ckptDone
		s.ckpt.Close()
	}
	if s.r != nil {
		err = s.r.Close()
	}
	if s.w != nil {
		if _, e := s.w.Exec(`PRAGMA optimize`); e != nil && err == nil {
			err = e
		}
		if _, e := s.w.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); e != nil && err == nil {
			err = e
		}
		if e := s.w.Close(); e != nil && err == nil {
			err = e
		}
	}
	return err
}

// Update runs fn in an immediate (write) transaction.
func (s *Storage) Update(ctx context.Context, fn func(store.Tx) error) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	t := &Tx{tx: tx, s: s, ctx: ctx}
	if err := fn(t); err != nil {
		tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	s.dict.remove(t.gonePlates)
	s.dict.add(t.newPlates)
	return nil
}

// View runs fn in a read-only transaction on a reader connection.
func (s *Storage) View(ctx context.Context, fn func(store.ReadTx) error) error {
	tx, err := s.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	return fn(&Tx{tx: tx, s: s, ctx: ctx, readOnly: true})
}

// Meta returns a setting of the meta table.
func (s *Storage) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// SetMeta writes a setting of the meta table.
func (s *Storage) SetMeta(ctx context.Context, key, value string) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.w.ExecContext(ctx, `INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return err
}

// ShiftReadTimes adds d to every read's capture time.
func (s *Storage) ShiftReadTimes(ctx context.Context, d time.Duration) error {
	s.wmu.Lock()
	defer s.wmu.Unlock()
	_, err := s.w.ExecContext(ctx, `UPDATE reads SET captured_at = captured_at + ?`, d.Milliseconds())
	return err
}

// plateDict is the in-memory copy of the plate dictionary: exact and
// canonical lookups by map, pattern scans over the packed copy
// (platedict).
type plateDict struct {
	mu      sync.RWMutex
	ids     map[string]int64
	byCanon map[string][]int64
	packed  platedict.Dict
}

type dictEntry struct {
	id           int64
	plate, canon string
}

func loadDict(db *sql.DB) (*plateDict, error) {
	d := &plateDict{ids: map[string]int64{}, byCanon: map[string][]int64{}}
	rows, err := db.Query(`SELECT id, plate, canon FROM plates ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("store: load plates: %w", err)
	}
	defer rows.Close()
	var batch []dictEntry
	for rows.Next() {
		var e dictEntry
		if err := rows.Scan(&e.id, &e.plate, &e.canon); err != nil {
			return nil, fmt.Errorf("store: load plates: %w", err)
		}
		batch = append(batch, e)
	}
	d.add(batch)
	return d, rows.Err()
}

func (d *plateDict) add(es []dictEntry) {
	if len(es) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	packed := make([]platedict.Entry, len(es))
	for i, e := range es {
		d.ids[e.plate] = e.id
		d.byCanon[e.canon] = append(d.byCanon[e.canon], e.id)
		packed[i] = platedict.Entry{ID: e.id, Plate: e.plate}
	}
	d.packed.Add(packed)
}

func (d *plateDict) lookup(p string) (int64, bool) {
	d.mu.RLock()
	defer d.mu.RUnlock()
	id, ok := d.ids[p]
	return id, ok
}

func (d *plateDict) canon(c string) []int64 {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return append([]int64(nil), d.byCanon[c]...)
}

// scan returns the ids of the plates that match p (fuzzy: by canonical
// form).
func (d *plateDict) scan(p *plate.Pattern, fuzzy bool) []int64 {
	return d.packed.Scan(p, fuzzy)
}

// Tx is one transaction (a store.Tx; View's are read-only); newPlates are dictionary entries that join
// the in-memory dictionary when the transaction commits.
type Tx struct {
	tx        *sql.Tx
	s         *Storage
	ctx       context.Context
	readOnly  bool
	newPlates []dictEntry
	// gonePlates are plates a purge deleted, dropped from the in-memory
	// dictionary when the transaction commits.
	gonePlates []dictEntry
	pending    map[string]int64
	plateStmt  *sql.Stmt // prepared on first use; closed with the transaction
}

func (t *Tx) exec(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *Tx) query(q string, args ...any) (*sql.Rows, error) {
	return t.tx.QueryContext(t.ctx, q, args...)
}

// row runs a one-row query whose Scan answers store.ErrNotFound for no row.
func (t *Tx) row(q string, args ...any) sqlrows.Scanner {
	return foundRow{t.tx.QueryRowContext(t.ctx, q, args...)}
}

// foundRow maps sql.ErrNoRows to store.ErrNotFound.
type foundRow struct{ r *sql.Row }

func (r foundRow) Scan(dest ...any) error { return notFound(r.r.Scan(dest...)) }

// plateID returns the dictionary id of a normalised plate, creating it.
func (t *Tx) plateID(p string) (int64, error) {
	if id, ok := t.s.dict.lookup(p); ok {
		return id, nil
	}
	if id, ok := t.pending[p]; ok {
		return id, nil
	}
	canon := plate.Canonical(p)
	if t.plateStmt == nil {
		st, err := t.tx.PrepareContext(t.ctx, `INSERT INTO plates(plate, canon) VALUES (?, ?)`)
		if err != nil {
			return 0, fmt.Errorf("store: plate: %w", err)
		}
		t.plateStmt = st
	}
	res, err := t.plateStmt.ExecContext(t.ctx, p, canon)
	if err != nil {
		return 0, fmt.Errorf("store: plate: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	if t.pending == nil {
		t.pending = map[string]int64{}
	}
	t.pending[p] = id
	t.newPlates = append(t.newPlates, dictEntry{id: id, plate: p, canon: canon})
	return id, nil
}

func notFound(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

func isUnique(err error) bool {
	return err != nil && strings.Contains(err.Error(), "UNIQUE constraint failed")
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
