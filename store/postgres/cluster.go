package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"alprdesk/store"
)

// The compile-time checks of what lets several nodes share one database.
var (
	_ store.Cluster      = (*Storage)(nil)
	_ store.BackendNamer = (*Storage)(nil)
)

// eventChannel is the NOTIFY channel of store.Cluster events.
const eventChannel = "alpr_events"

// Classes of the two-key advisory locks (distinct from the one-key locks
// of migrations, the audit head and day partitions).
const (
	lockClassKey   = 1 // LockKey: idempotency keys, held across transactions
	lockClassLogin = 2 // a username's failed sign-ins, for one transaction
)

// leasesMigration keeps the periodic jobs' leases (store.Cluster.TryLease).
const leasesMigration = `CREATE TABLE leases(
	job text PRIMARY KEY, holder text NOT NULL, expires_at bigint NOT NULL);`

// lockPoolSize bounds the connections that hold idempotency-key locks. They
// are a pool of their own so that requests holding a key lock can never
// take every connection their own transactions need.
const lockPoolSize = 16

// notify queues a store.Cluster event, sent to every listening node when
// the transaction commits and never when it rolls back (PostgreSQL folds
// identical notifications of one transaction into one).
func (t *Tx) notify(event string) error {
	_, err := t.exec(`SELECT pg_notify($1, $2)`, eventChannel, event)
	return err
}

// forUpdate is the row-lock clause of a read in a read-write transaction:
// the row a handler reads and then changes (a user, a token, a request)
// stays locked until commit, so that two nodes changing it at once take
// turns instead of both acting on the same old value.
func (t *Tx) forUpdate() string {
	if t.readOnly {
		return ""
	}
	return " FOR UPDATE"
}

// lockLogin makes the read-modify-write of a username's failed sign-ins
// take turns across nodes, whether or not the row exists yet.
func (t *Tx) lockLogin(username string) error {
	if t.readOnly {
		return nil
	}
	_, err := t.exec(`SELECT pg_advisory_xact_lock($1, $2)`, lockClassLogin, keyHash(username))
	return err
}

// keyHash is the 32-bit lock key of a name. Names may hold any byte (NUL
// included, which PostgreSQL text refuses), so they are hashed here; two
// names that share a hash only wait for each other.
func keyHash(name string) int32 {
	h := fnv.New32a()
	h.Write([]byte(name))
	return int32(h.Sum32())
}

// Listen delivers the events every node commits (store.Cluster) over a
// connection of its own, starting with store.EventResync; it returns when
// ctx ends or the connection fails (the caller listens again, and resyncs).
func (s *Storage) Listen(ctx context.Context, fn func(event string)) error {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return classify(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(ctx, `LISTEN `+eventChannel); err != nil {
		return classify(err)
	}
	// Plates may have been purged while nobody listened.
	s.plates.Clear()
	s.dict.invalidate()
	fn(store.EventResync)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return classify(err)
		}
		if n.Payload == eventPlates {
			s.plates.Clear()
			s.dict.invalidate()
			continue
		}
		fn(n.Payload)
	}
}

// TryLease takes job's lease for holder, or renews holder's own, for ttl
// by the database's clock (nodes' clocks may differ); false while another
// holder's lease runs.
func (s *Storage) TryLease(ctx context.Context, job, holder string, ttl time.Duration) (bool, error) {
	var got string
	err := s.pool.QueryRow(ctx, `WITH now AS (SELECT (extract(epoch FROM clock_timestamp()) * 1000)::bigint AS ms)
		INSERT INTO leases(job, holder, expires_at) SELECT $1, $2, ms + $3 FROM now
		ON CONFLICT (job) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
		WHERE leases.holder = excluded.holder OR leases.expires_at < (SELECT ms FROM now)
		RETURNING holder`, job, holder, ttl.Milliseconds()).Scan(&got)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, nil
	}
	if err != nil {
		return false, classify(err)
	}
	return got == holder, nil
}

// LockKey holds a session-level advisory lock on key from a connection of
// the lock pool until unlock; a node that dies loses its connections, and
// the database releases their locks.
func (s *Storage) LockKey(ctx context.Context, key string) (func(), error) {
	pool, err := s.lockPool(ctx)
	if err != nil {
		return nil, err
	}
	c, err := pool.Acquire(ctx)
	if err != nil {
		return nil, classify(err)
	}
	if _, err := c.Exec(ctx, `SELECT pg_advisory_lock($1, $2)`, lockClassKey, keyHash(key)); err != nil {
		// The lock may have been granted as the wait was cancelled: drop
		// the connection, and with it any lock it holds.
		c.Conn().Close(context.Background())
		c.Release()
		return nil, classify(err)
	}
	return func() {
		if _, err := c.Exec(context.Background(), `SELECT pg_advisory_unlock($1, $2)`, lockClassKey, keyHash(key)); err != nil {
			c.Conn().Close(context.Background())
		}
		c.Release()
	}, nil
}

// lockPool returns the pool of key-lock connections, made on first use.
func (s *Storage) lockPool(ctx context.Context) (*pgxpool.Pool, error) {
	s.locksMu.Lock()
	defer s.locksMu.Unlock()
	if s.locks != nil {
		return s.locks, nil
	}
	cfg := s.pool.Config()
	cfg.MaxConns = lockPoolSize
	cfg.MinConns = 0
	p, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", store.ErrUnavailable, err)
	}
	s.locks = p
	return p, nil
}

// closeLockPool closes the key-lock pool when one was made.
func (s *Storage) closeLockPool() {
	s.locksMu.Lock()
	defer s.locksMu.Unlock()
	if s.locks != nil {
		s.locks.Close()
		s.locks = nil
	}
}
