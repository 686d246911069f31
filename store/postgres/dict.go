package postgres

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"alprdesk/api/plate"
	"alprdesk/store/internal/platedict"
)

// plateCopy is the node's in-memory copy of the plate dictionary, scanned
// for the patterns no index narrows (no run of three known characters,
// such as 7?B?1?3; platedict). It holds every plate of id up to a horizon
// H, and a search asks the database for the rest (the tail: the plates of
// id above H that match, a primary-key range), so it never misses a plate
// whatever other nodes committed since.
//
// H only moves to a point below which no plate can still commit: plate ids
// come from a sequence and transactions commit out of order, so H is the
// highest id read while holding the plates lock alone (lockPlates; every
// writer of plates holds it shared from before it takes an id until it
// commits; the id sequence hands out values in order across sessions, as
// it does with its default CACHE 1). A background refresher raises H
// about every second; it starts with the first wildcard search (or Warm),
// so nothing is loaded at start-up. Plates deleted by the purge of orphan
// plates are harmless in the copy (their ids name no read); the copy is
// loaded anew after a purge, to drop them.
type plateCopy struct {
	pool *pgxpool.Pool
	// state is the loaded copy and its horizon; nil until loaded.
	state atomic.Pointer[copyState]
	// stale asks the refresher to load the copy anew (plates were
	// purged, or a purge notice may have been missed).
	stale atomic.Bool
	// stepMu serialises the refresher's steps with Warm's.
	stepMu sync.Mutex
	start  sync.Once
	stop   context.CancelFunc
	done   chan struct{}
	// busy counts the refresher's steps in a row that found the plates
	// lock held (it then waits a little for it: refreshLockWait).
	busy int
}

// copyState is a loaded copy: every plate of id <= h committed by the time
// h was set and not purged since is in d (which may hold a few more).
type copyState struct {
	d *platedict.Dict
	h atomic.Int64
}

const (
	// refreshEvery is the interval of the refresher's steps.
	refreshEvery = time.Second
	// refreshBusyTries is how many steps in a row may find the plates lock
	// held before a step waits for it (at most refreshLockWait), so that a
	// steady stream of writers cannot keep H from moving.
	refreshBusyTries = 3
	// refreshLockWait bounds that wait: writers arriving meanwhile queue
	// behind the refresher for at most this long.
	refreshLockWait = "25ms"
	// loadBatch is the plates read per Add while loading.
	loadBatch = 8192
)

// newPlateCopy returns a node's copy, not loaded and its refresher not
// started.
func newPlateCopy(pool *pgxpool.Pool) *plateCopy {
	return &plateCopy{pool: pool, done: make(chan struct{})}
}

// resolve returns the ids of the plates matching p (fuzzy: by canonical
// form): the copy's, and the tail's from t's snapshot. ok is false while
// the copy is not loaded (the caller asks the database alone); the first
// call starts the refresher.
func (c *plateCopy) resolve(t *Tx, p *plate.Pattern, fuzzy bool) (ids []int64, ok bool, err error) {
	c.run()
	st := c.state.Load()
	if st == nil {
		return nil, false, nil
	}
	h := st.h.Load()
	ids = st.d.Scan(p, fuzzy)
	tail, err := t.platesLike(p, fuzzy, h)
	return append(ids, tail...), true, err
}

// run starts the refresher, once.
func (c *plateCopy) run() {
	c.start.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		c.stop = cancel
		go c.refresh(ctx)
	})
}

// close stops the refresher and waits for it.
func (c *plateCopy) close() {
	c.start.Do(func() { close(c.done) }) // never started: nothing to wait for
	if c.stop != nil {
		c.stop()
	}
	<-c.done
}

// invalidate has the copy loaded anew (plates were purged).
func (c *plateCopy) invalidate() {
	c.stale.Store(true)
}

// refresh steps every refreshEvery until ctx ends. A failed step (the
// database unreachable) is tried again at the next.
func (c *plateCopy) refresh(ctx context.Context) {
	defer close(c.done)
	tick := time.NewTicker(refreshEvery)
	defer tick.Stop()
	for {
		c.locked(ctx) // a failure waits for the next tick
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// locked runs a step under stepMu.
func (c *plateCopy) locked(ctx context.Context) (bool, error) {
	c.stepMu.Lock()
	defer c.stepMu.Unlock()
	return c.step(ctx)
}

// step loads the copy (the first time, or anew when stale) or reads the
// plates committed since its horizon, and raises the horizon; false when
// the plates lock was held by writers.
func (c *plateCopy) step(ctx context.Context) (bool, error) {
	st := c.state.Load()
	reload := st == nil || c.stale.Load()
	m, settled, err := c.settled(ctx, c.busy >= refreshBusyTries)
	if err != nil || !settled {
		if err == nil {
			c.busy++
		}
		return false, err
	}
	c.busy = 0
	if reload {
		c.stale.Store(false) // a purge from now on asks again
		fresh := &copyState{d: platedict.New(c.estimate(ctx))}
		if err := c.read(ctx, fresh.d, 0, m); err != nil {
			c.stale.Store(st != nil)
			return false, err
		}
		fresh.h.Store(m)
		c.state.Store(fresh)
		return true, nil
	}
	h := st.h.Load()
	if m <= h {
		return true, nil
	}
	if err := c.read(ctx, st.d, h, m); err != nil {
		return false, err
	}
	st.h.Store(m)
	return true, nil
}

// settled returns the highest plate id committed while no writer of
// plates was running (the plates lock held alone, then released): every
// plate of a lower id has committed by then, or never will. ok is false
// when writers held the lock (and still did after waiting up to
// refreshLockWait, with wait).
func (c *plateCopy) settled(ctx context.Context, wait bool) (m int64, ok bool, err error) {
	err = pgx.BeginTxFunc(ctx, c.pool, pgx.TxOptions{IsoLevel: pgx.ReadCommitted}, func(tx pgx.Tx) error {
		if wait {
			if _, err := tx.Exec(ctx, `SET LOCAL lock_timeout = '`+refreshLockWait+`'`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockPlates))
			var pe *pgconn.PgError
			if errors.As(err, &pe) && pe.Code == "55P03" {
				return errLockBusy
			}
			if err != nil {
				return err
			}
		} else if err := tx.QueryRow(ctx, `SELECT pg_try_advisory_xact_lock($1)`, int64(lockPlates)).Scan(&ok); err != nil || !ok {
			return err
		}
		ok = true
		// A statement of its own, so its snapshot is taken with the lock
		// held (read committed).
		return tx.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM plates`).Scan(&m)
	})
	if errors.Is(err, errLockBusy) {
		return 0, false, nil
	}
	return m, ok, classify(err)
}

// errLockBusy ends a transaction whose wait for the plates lock timed out.
var errLockBusy = errors.New("store: the plates lock is busy")

// estimate is the planner's count of plates, with a little room: the
// copy's slices are made that large at once instead of growing (and
// holding up to a quarter more than they need) while it loads.
func (c *plateCopy) estimate(ctx context.Context) int {
	var n float64
	if err := c.pool.QueryRow(ctx, `SELECT reltuples FROM pg_class WHERE oid = 'plates'::regclass`).Scan(&n); err != nil || n < 0 {
		return 0
	}
	return int(n * 1.05)
}

// read adds the plates of id in (lo, hi] to d.
func (c *plateCopy) read(ctx context.Context, d *platedict.Dict, lo, hi int64) error {
	rows, err := c.pool.Query(ctx, `SELECT id, plate FROM plates WHERE id > $1 AND id <= $2`, lo, hi)
	if err != nil {
		return classify(err)
	}
	defer rows.Close()
	batch := make([]platedict.Entry, 0, loadBatch)
	for rows.Next() {
		var e platedict.Entry
		if err := rows.Scan(&e.ID, &e.Plate); err != nil {
			return classify(err)
		}
		if batch = append(batch, e); len(batch) == loadBatch {
			d.Add(batch)
			batch = batch[:0]
		}
	}
	d.Add(batch)
	return classify(rows.Err())
}

// Warm loads the node's copy of the plate dictionary now, instead of in
// the background after the first wildcard search (benchmarks measure a
// warm node; a node may call it after start). It waits for writers that
// hold the plates lock.
func (s *Storage) Warm(ctx context.Context) error {
	c := s.dict
	c.run()
	for c.state.Load() == nil {
		if _, err := c.locked(ctx); err != nil {
			return err
		}
		if c.state.Load() != nil {
			break
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(10 * time.Millisecond):
		}
	}
	return nil
}
