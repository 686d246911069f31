// Package cache is the workstation's local store: one encrypted SQLite
// database per store and user holding cached search results (with their
// search_id and case context), photos, recent cases, per-user settings and
// the outbox of writes made while the store was unreachable.
//
// Everything that could reveal a plate, a time or a place is sealed with
// AES-256-GCM under a random per-install key that the caller takes from the
// OS keyring (client.Keyring.CacheKey); lookup keys derived from read ids
// are keyed hashes. Without a keyring use OpenMemory: nothing touches the
// disk. Reads captured more than the retention period ago (the store's
// policy, 30 days by default) are purged on open and every hour; photos
// are capped in size with least-recently-used eviction.
//
// The package never imports Fyne.
package cache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	_ "github.com/mattn/go-sqlite3" // the SQLite driver
)

// Defaults.
const (
	DefaultRetentionDays = 30
	DefaultPhotoCap      = 500 << 20
	DefaultPurgeEvery    = time.Hour
	// applicationID marks an alprdesk cache file ("ALPR").
	applicationID = 0x414C5052
)

// Errors of Open. A *OpenError wraps one of them.
var (
	// ErrCorrupt: the file is not a readable SQLite database; it was moved aside.
	ErrCorrupt = errors.New("the cache file is damaged")
	// ErrForeign: the file is a database of another program; it was moved aside.
	ErrForeign = errors.New("the cache file belongs to another program")
	// ErrWrongKey: the file was sealed under another key (the keyring entry
	// was replaced); it was moved aside.
	ErrWrongKey = errors.New("the cache was encrypted with a different key")
	// ErrNewerSchema: the file was written by a newer alprdesk; it is left
	// untouched.
	ErrNewerSchema = errors.New("the cache was written by a newer version of alprdesk")
	// ErrNoKey: Open was given no 32-byte key.
	ErrNoKey = errors.New("no cache key: without a keyring nothing is cached on disk (use OpenMemory)")
	// ErrNotCached: the item is not in the cache.
	ErrNotCached = errors.New("not in the cache")
	// ErrClosed: the cache is closed.
	ErrClosed = errors.New("the cache is closed")
)

// OpenError explains why a cache file could not be used and where it went.
type OpenError struct {
	Path string
	// MovedTo is where the file was moved aside ("" when it stayed).
	MovedTo string
	// Kind is ErrCorrupt, ErrForeign, ErrWrongKey or ErrNewerSchema.
	Kind error
	// Cause is the underlying error, if any.
	Cause error
}

// Error says what is wrong with the file and where it went.
func (e *OpenError) Error() string {
	s := fmt.Sprintf("%v: %s", e.Kind, e.Path)
	if e.Cause != nil {
		s += " (" + e.Cause.Error() + ")"
	}
	if e.MovedTo != "" {
		s += "; it was kept as " + e.MovedTo + " and a new cache will be started"
	}
	return s
}

// Unwrap gives Kind, for errors.Is.
func (e *OpenError) Unwrap() []error { return []error{e.Kind, e.Cause} }

// Options configures a cache.
type Options struct {
	// Store names the store (its host[:port]); User the signed-in user.
	// Together they name the file.
	Store, User string
	// Key is the 32-byte AES-256 key (client.Keyring.CacheKey).
	Key []byte
	// RetentionDays is the store's retention (GET /v1/policy); default 30.
	RetentionDays int
	// PhotoCap bounds the photos' total size in bytes (default 500 MB).
	PhotoCap int64
	// Now is the clock (default time.Now).
	Now func() time.Time
	// PurgeEvery is the purge period (default 1 h; negative: no loop).
	PurgeEvery time.Duration
	// Logf reports background purge failures (default: dropped).
	Logf func(format string, args ...any)
}

// Cache is an open cache. Its methods are safe for concurrent use.
type Cache struct {
	db   *sql.DB
	path string
	box  *box
	now  func() time.Time
	logf func(string, ...any)

	mu        sync.Mutex
	retention int
	photoCap  int64
	lastTouch int64
	closed    bool

	deliverMu sync.Mutex
	stop      context.CancelFunc
	done      chan struct{}
}

// DefaultDir is where caches live: the "alprdesk" folder of the OS user
// data directory ($XDG_DATA_HOME or ~/.local/share on Linux and BSD,
// Application Support on macOS, %LocalAppData% on Windows). Not the Linux
// cache directory: the outbox in it must survive cache cleaners. On Windows
// %LocalAppData% (os.UserCacheDir) is the machine-local data folder: unlike
// %AppData% (Roaming, where Fyne keeps its preferences) it never travels
// with a roaming profile, and Disk Cleanup leaves it alone.
func DefaultDir() (string, error) {
	d, err := userDataDir()
	if err != nil {
		return "", fmt.Errorf("no user data directory: %w", err)
	}
	return filepath.Join(d, "alprdesk"), nil
}

func userDataDir() (string, error) {
	switch runtime.GOOS {
	case "windows":
		return os.UserCacheDir()
	case "darwin", "ios", "plan9", "android":
		return os.UserConfigDir()
	}
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return d, nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(home, ".local", "share"), nil
}

// FileName is the cache file name of a store and user (a hash, so that no
// name or address shows in the folder listing).
func FileName(store, user string) string {
	h := sha256.Sum256([]byte(strings.ToLower(store) + "\x00" + user))
	return "cache-" + hex.EncodeToString(h[:10]) + ".db"
}

func (o *Options) defaults() {
	if o.RetentionDays <= 0 {
		o.RetentionDays = DefaultRetentionDays
	}
	if o.PhotoCap <= 0 {
		o.PhotoCap = DefaultPhotoCap
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.PurgeEvery == 0 {
		o.PurgeEvery = DefaultPurgeEvery
	}
	if o.Logf == nil {
		o.Logf = func(string, ...any) {}
	}
}

// Open opens (creating or migrating) the cache of opt.Store and opt.User in
// dir, purges it and starts the hourly purge. A damaged, foreign or
// wrongly keyed file is moved aside (renamed with a timestamp, never
// deleted) and Open returns an *OpenError saying so; calling Open again
// then starts a new cache.
func Open(dir string, opt Options) (*Cache, error) {
	if len(opt.Key) != 32 {
		return nil, ErrNoKey
	}
	opt.defaults()
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cache: creating %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName(opt.Store, opt.User))
	if kind, cause := sniff(path); kind != nil {
		return nil, moveAside(path, kind, cause, opt.Now())
	}
	if err := inspect(path); err != nil {
		var oe *OpenError
		if errors.As(err, &oe) && oe.Kind != ErrNewerSchema {
			return nil, moveAside(path, oe.Kind, oe.Cause, opt.Now())
		}
		return nil, err
	}
	dsn := "file:" + path + "?_journal_mode=WAL&_busy_timeout=5000&_synchronous=FULL&_secure_delete=on&_txlock=immediate"
	c, err := open(dsn, path, opt)
	if err != nil {
		var oe *OpenError
		if errors.As(err, &oe) && !errors.Is(err, ErrNewerSchema) {
			return nil, moveAside(path, oe.Kind, oe.Cause, opt.Now())
		}
		return nil, err
	}
	_ = os.Chmod(path, 0o600)
	return c, nil
}

// OpenMemory opens a cache that lives only in memory, under a fresh random
// key: for a workstation without a keyring, so nothing is written to disk.
// Its contents (the outbox included) end with the process.
func OpenMemory(opt Options) (*Cache, error) {
	opt.defaults()
	opt.Key = newRandomKey()
	return open(":memory:", ":memory:", opt)
}

// open opens the database and checks, migrates and purges it.
func open(dsn, path string, opt Options) (*Cache, error) {
	db, err := sql.Open("sqlite3", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetConnMaxIdleTime(0)
	b, err := newBox(opt.Key)
	if err != nil {
		db.Close()
		return nil, err
	}
	c := &Cache{db: db, path: path, box: b, now: opt.Now, logf: opt.Logf,
		retention: opt.RetentionDays, photoCap: opt.PhotoCap}
	if err := c.prepare(); err != nil {
		db.Close()
		return nil, err
	}
	if _, err := c.Purge(); err != nil {
		db.Close()
		return nil, err
	}
	if opt.PurgeEvery > 0 {
		c.startPurger(opt.PurgeEvery)
	}
	return c, nil
}

// sniff checks the file header before SQLite sees it.
func sniff(path string) (kind, cause error) {
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, nil // let SQLite report it
	}
	defer f.Close()
	head := make([]byte, 16)
	n, _ := f.Read(head)
	if n == 0 {
		return nil, nil // empty file: SQLite starts it
	}
	if n < 16 || !bytes.Equal(head, []byte("SQLite format 3\x00")) {
		return ErrCorrupt, errors.New("not an SQLite database")
	}
	return nil, nil
}

// moveAside renames path (and its -wal and -shm files) with a timestamp.
func moveAside(path string, kind, cause error, now time.Time) error {
	stamp := now.UTC().Format("20060102T150405Z")
	to := fmt.Sprintf("%s.%s-%s", path, strings.ReplaceAll(kindName(kind), " ", "-"), stamp)
	for i := 1; fileExists(to); i++ {
		to = fmt.Sprintf("%s.%s-%s-%d", path, kindName(kind), stamp, i)
	}
	if err := os.Rename(path, to); err != nil {
		return &OpenError{Path: path, Kind: kind, Cause: fmt.Errorf("%v; moving it aside failed: %w", cause, err)}
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if fileExists(path + suffix) {
			_ = os.Rename(path+suffix, to+suffix)
		}
	}
	return &OpenError{Path: path, MovedTo: to, Kind: kind, Cause: cause}
}

func kindName(kind error) string {
	switch kind {
	case ErrForeign:
		return "foreign"
	case ErrWrongKey:
		return "otherkey"
	}
	return "corrupt"
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// Path is the database file ("":memory:" for OpenMemory).
func (c *Cache) Path() string { return c.path }

// SetRetentionDays sets the retention period (from the store's policy)
// and purges at once.
func (c *Cache) SetRetentionDays(days int) error {
	if days <= 0 {
		return fmt.Errorf("cache: retention days must be positive, not %d", days)
	}
	c.mu.Lock()
	c.retention = days
	c.mu.Unlock()
	_, err := c.Purge()
	return err
}

// Close stops the purge loop and closes the database.
func (c *Cache) Close() error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil
	}
	c.closed = true
	stop, done := c.stop, c.done
	c.mu.Unlock()
	if stop != nil {
		stop()
		<-done
	}
	return c.db.Close()
}
