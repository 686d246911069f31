// Package postgres is the PostgreSQL backend of the store (store.Storage),
// for an agency's production store: any number of alprstore nodes may share
// one database. Reads and photos are partitioned by day, so retention drops
// whole days; the plate dictionary is searched through a pg_trgm index
// (wildcards with a run of three known characters), a COLLATE "C" B-tree
// (prefixes), the look-alike canonical key (fuzzy) and, for the other
// wildcards, each node's in-memory copy of it (dict.go); audit appends are serialised by a transaction-scoped advisory
// lock; bulk loads use COPY. Connection failures come back wrapped in
// store.ErrUnavailable.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"alprdesk/store"
)

// The compile-time checks that the backend implements the seam.
var (
	_ store.Storage = (*Storage)(nil)
	_ store.Advisor = (*Storage)(nil)
	_ store.Tx      = (*Tx)(nil)
)

// Advisory lock keys of the store (transaction-scoped).
const (
	lockMigrate   = 0x616c7072_0001 // schema migrations
	lockAuditHead = 0x616c7072_0002 // the audit chain's append
	lockAlerts    = 0x616c7072_0003 // alert inserts: sequence order is commit order
	// lockPlates guards dictionary ids: every writer of plates holds it
	// shared from before it takes an id until it commits; the orphan
	// purge, and the plate copy's refresher (dict.go) to move its horizon,
	// take it alone. A new INSERT INTO plates must take it shared first.
	lockPlates = 0x616c7072_0004
)

// defaultMaxConns is the pool size of a node unless the URL sets
// pool_max_conns: room for the concurrent requests' transactions plus the
// short side transactions that create day partitions.
const defaultMaxConns = 32

// connectTimeout bounds the first connection of Open.
const connectTimeout = 10 * time.Second

// Storage is the PostgreSQL store.Storage: a pgx connection pool plus the
// node's cache of plate ids, its copy of the plate dictionary and the day
// partitions known to exist.
type Storage struct {
	pool *pgxpool.Pool
	host string
	// plates caches committed plate ids (an id never changes, but the
	// purge of orphan plates deletes some: see guardPlates).
	plates sync.Map // plate -> int64
	// platesGen is the dictionary's purge generation the cache was filled
	// under (metaPlatesGen).
	platesGen atomic.Int64
	// days caches the day partitions known to exist, or known to be
	// impossible (start ms -> true).
	days sync.Map
	// busyDays holds days whose partition could not be made for locks held
	// elsewhere, with when to try again (start ms -> time.Time).
	busyDays sync.Map
	// locks is the pool of connections holding idempotency-key locks
	// (cluster.go), made on first use.
	locks   *pgxpool.Pool
	locksMu sync.Mutex
	// dict is the node's copy of the plate dictionary for the patterns
	// no index narrows (dict.go).
	dict *plateCopy
}

// Open connects to the database dsn (a postgres:// or postgresql:// URL)
// and brings its schema up to date. A database of a newer schema version is
// refused. Errors are one line naming the host and the cause; nothing is
// created when the server cannot be reached.
func Open(ctx context.Context, dsn string) (*Storage, error) {
	return open(ctx, dsn, nil)
}

// open is Open with a hook that adjusts the pool's configuration before
// it connects (the tests trace the statements a call sends).
func open(ctx context.Context, dsn string, adjust func(*pgxpool.Config)) (*Storage, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("store: postgres URL: %v", oneLine(err))
	}
	host := fmt.Sprintf("%s:%d", cfg.ConnConfig.Host, cfg.ConnConfig.Port)
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = defaultMaxConns
	}
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if _, set := cfg.ConnConfig.RuntimeParams["gin_pending_list_limit"]; !set {
		cfg.ConnConfig.RuntimeParams["gin_pending_list_limit"] = pendingListLimit
	}
	if adjust != nil {
		adjust(cfg)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("store: postgres %s: %v", host, cause(err))
	}
	s := &Storage{pool: pool, host: host, dict: newPlateCopy(pool)}
	pctx, cancel := context.WithTimeout(ctx, connectTimeout)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("store: postgres %s: %v", host, cause(err))
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	now := time.Now().UnixMilli()
	if err := s.ensureDays(ctx, freeWait, now-day, now, now+day); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// cause is the innermost useful message of a connection error, on one line.
func cause(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Message + " (SQLSTATE " + pe.Code + ")"
	}
	var ne *net.OpError
	if errors.As(err, &ne) && ne.Err != nil {
		return ne.Err.Error()
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "no answer within " + connectTimeout.String()
	}
	return oneLine(err)
}

func oneLine(err error) string {
	return strings.Join(strings.Fields(err.Error()), " ")
}

// Backend names the backend for the health endpoints.
func (s *Storage) Backend() string { return store.BackendPostgres }

// Host is the database server's host:port (for messages).
func (s *Storage) Host() string { return s.host }

// Ping checks that the database answers.
func (s *Storage) Ping(ctx context.Context) error {
	return classify(s.pool.Ping(ctx))
}

// migrate applies the missing migrations under the migration lock, so that
// nodes starting together migrate once.
func (s *Storage) migrate(ctx context.Context) error {
	return classify(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockMigrate)); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_version(version integer NOT NULL)`); err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		var v int
		err := tx.QueryRow(ctx, `SELECT version FROM schema_version`).Scan(&v)
		if errors.Is(err, pgx.ErrNoRows) {
			_, err = tx.Exec(ctx, `INSERT INTO schema_version(version) VALUES (0)`)
		}
		if err != nil {
			return fmt.Errorf("store: migrate: %w", err)
		}
		if v > len(migrations) {
			return fmt.Errorf("store: the database has schema version %d, newer than this program's %d", v, len(migrations))
		}
		for i := v; i < len(migrations); i++ {
			if _, err := tx.Exec(ctx, migrations[i]); err != nil {
				return fmt.Errorf("store: migration %d: %w", i+1, err)
			}
			if _, err := tx.Exec(ctx, `UPDATE schema_version SET version = $1`, i+1); err != nil {
				return fmt.Errorf("store: migration %d: %w", i+1, err)
			}
		}
		return nil
	}))
}

// Close stops the plate dictionary's refresher and closes the connection
// pool.
func (s *Storage) Close() error {
	s.dict.close()
	s.closeLockPool()
	s.pool.Close()
	return nil
}

// Update runs fn in a read-committed transaction.
func (s *Storage) Update(ctx context.Context, fn func(store.Tx) error) error {
	var t *Tx
	err := pgx.BeginTxFunc(ctx, s.pool, pgx.TxOptions{}, func(tx pgx.Tx) error {
		t = &Tx{tx: tx, s: s, ctx: ctx}
		return fn(t)
	})
	if err != nil {
		return classify(err)
	}
	t.commitPlates()
	if t.purgedReads {
		return s.purgeOrphanPlates(ctx)
	}
	return nil
}

// Meta returns a setting of the meta table.
func (s *Storage) Meta(ctx context.Context, key string) (string, error) {
	var v string
	err := s.pool.QueryRow(ctx, `SELECT value FROM meta WHERE key = $1`, key).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil
	}
	return v, classify(err)
}

// SetMeta writes a setting of the meta table.
func (s *Storage) SetMeta(ctx context.Context, key, value string) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO meta(key, value) VALUES ($1, $2) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	return classify(err)
}

// Tx is one transaction (a store.Tx; View's are read-only). newPlates are
// dictionary entries that join the node's cache when it commits.
type Tx struct {
	tx conn
	// begin is the BEGIN a View has yet to send (view.go): "" once sent,
	// and in Update's transactions.
	begin     string
	s         *Storage
	ctx       context.Context
	readOnly  bool
	newPlates map[string]int64
	// purgedReads is set when the transaction purged reads: once it
	// commits, the plates no read names any more go (purgeOrphanPlates).
	purgedReads bool
	// platesGuarded is set once the transaction holds the shared plates
	// lock (guardPlates), under the purge generation platesGen.
	platesGuarded bool
	platesGen     int64
	// generic is set once the transaction plans its statements generically
	// (genericPlansSQL).
	generic bool
	// locksReads is set once a statement touched reads or photos: from
	// then on this transaction's locks would stall the creation of a day
	// partition (ensureDays), so its new days go to the kept partition.
	locksReads bool
}

// readsTable finds statements that touch the partitioned tables.
var readsTable = regexp.MustCompile(`\b(reads|photos)\b`)

func (t *Tx) note(q string) {
	if !t.locksReads && readsTable.MatchString(q) {
		t.locksReads = true
	}
}

func (t *Tx) exec(q string, args ...any) (pgconn.CommandTag, error) {
	t.note(q)
	if err := t.begun(); err != nil {
		return pgconn.CommandTag{}, err
	}
	tag, err := t.tx.Exec(t.ctx, q, args...)
	return tag, classify(err)
}

func (t *Tx) query(q string, args ...any) (pgx.Rows, error) {
	t.note(q)
	if err := t.begun(); err != nil {
		return nil, err
	}
	rows, err := t.tx.Query(t.ctx, q, args...)
	return rows, classify(err)
}

func (t *Tx) row(q string, args ...any) pgx.Row {
	t.note(q)
	if err := t.begun(); err != nil {
		return errRow{err}
	}
	return classifiedRow{t.tx.QueryRow(t.ctx, q, args...)}
}

// classifiedRow maps the errors of a row's Scan.
type classifiedRow struct{ r pgx.Row }

func (r classifiedRow) Scan(dest ...any) error { return classify(r.r.Scan(dest...)) }

// affected turns "no row changed" into ErrNotFound.
func affected(tag pgconn.CommandTag, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrNotFound
	}
	return nil
}

// classify maps database errors to the seam's: no rows is ErrNotFound, a
// unique violation ErrExists, a lost or refused connection ErrUnavailable.
func classify(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrUnavailable) {
		return err
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return store.ErrNotFound
	}
	// A connection that could not be made is unavailability whatever the
	// server said (the database refusing connections, too many clients, …).
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w: %s", store.ErrUnavailable, oneLine(err))
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch {
		case pe.Code == "23505":
			return fmt.Errorf("%w (%s)", store.ErrExists, pe.ConstraintName)
		case strings.HasPrefix(pe.Code, "08"), pe.Code == "57P01", pe.Code == "57P02", pe.Code == "57P03", pe.Code == "53300":
			return fmt.Errorf("%w: %s", store.ErrUnavailable, pe.Message)
		}
		return err
	}
	if connectionLost(err) {
		return fmt.Errorf("%w: %s", store.ErrUnavailable, oneLine(err))
	}
	return err
}

// connectionLost reports errors of a connection that failed or could not be
// made (not of a cancelled request).
func connectionLost(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var ce *pgconn.ConnectError
	var ne net.Error
	return errors.As(err, &ce) || errors.As(err, &ne) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, pgconn.ErrConnClosed) || errors.Is(err, net.ErrClosed)
}
