package postgres_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/postgres"
	"alprdesk/store/postgres/pgtest"
)

// exchanges records what the storage's connections send, one entry per
// round trip: a statement, a batch (named by its first statement) or a
// statement's preparation.
type exchanges struct {
	mu  sync.Mutex
	log []string
}

func (e *exchanges) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.log = append(e.log, s)
}

// take returns the exchanges recorded since the last take.
func (e *exchanges) take() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	l := e.log
	e.log = nil
	return l
}

func (e *exchanges) TraceQueryStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceQueryStartData) context.Context {
	e.add(d.SQL)
	return ctx
}

func (e *exchanges) TraceQueryEnd(context.Context, *pgx.Conn, pgx.TraceQueryEndData) {}

func (e *exchanges) TraceBatchStart(ctx context.Context, _ *pgx.Conn, d pgx.TraceBatchStartData) context.Context {
	e.add("batch: " + d.Batch.QueuedQueries[0].SQL)
	return ctx
}

func (e *exchanges) TraceBatchQuery(context.Context, *pgx.Conn, pgx.TraceBatchQueryData) {}

func (e *exchanges) TraceBatchEnd(context.Context, *pgx.Conn, pgx.TraceBatchEndData) {}

func (e *exchanges) TracePrepareStart(ctx context.Context, _ *pgx.Conn, d pgx.TracePrepareStartData) context.Context {
	e.add("prepare: " + d.SQL)
	return ctx
}

func (e *exchanges) TracePrepareEnd(context.Context, *pgx.Conn, pgx.TracePrepareEndData) {}

// viewWorld opens a traced storage on a database of the test's own
// holding reads of plate 7ABC123 (and returns their number).
func viewWorld(t *testing.T) (*postgres.Storage, *exchanges, string, int) {
	t.Helper()
	dsn := pgtest.DSN(t)
	tr := &exchanges{}
	st, err := postgres.OpenTraced(ctx, dsn, tr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	const n = 5
	putReads(t, st, "view", n)
	return st, tr, dsn, n
}

// putReads stores n reads of 7ABC123 with ids prefix0, prefix1, … in one
// bulk load.
func putReads(t *testing.T, st *postgres.Storage, prefix string, n int) {
	t.Helper()
	now := time.Now().Truncate(time.Millisecond)
	bulkReads(t, st, n, func(i int) api.ReadMeta {
		return api.ReadMeta{ID: prefix + string(rune('0'+i)), CameraID: "cam-1", Plate: "7ABC123",
			CapturedAt: now.Add(-time.Duration(i+1) * time.Minute), State: "CA", Confidence: 0.9,
			Make: "Ford", Color: "blue", BodyType: "sedan", Features: []string{}}
	})
}

// bulkReads stores n reads in one bulk load, the i-th as meta(i) makes it.
func bulkReads(t *testing.T, st *postgres.Storage, n int, meta func(i int) api.ReadMeta) {
	t.Helper()
	_, err := st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for i := range n {
			if err := put(&store.ReadRecord{Meta: meta(i)}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// exactSearch is the first page of an exact search for 7ABC123.
func exactSearch(t *testing.T, tx store.ReadTx) *store.ReadPage {
	t.Helper()
	p, err := tx.SearchReads(&store.ReadQuery{Pattern: parsePattern(t, "7ABC123"), Limit: 100, CountCap: 10000})
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// waitViewsEnded fails unless every connection is back in the pool (at
// once, or soon for a connection another goroutine holds) and the
// database has no transaction of this storage open.
func waitViewsEnded(t *testing.T, st *postgres.Storage, dsn string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); postgres.AcquiredConns(st) != 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections still taken 10 s after the views returned", postgres.AcquiredConns(st))
		}
	}
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var open int
	err = c.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()
		AND state IN ('idle in transaction', 'idle in transaction (aborted)')`).Scan(&open)
	if err != nil {
		t.Fatal(err)
	}
	if open != 0 {
		t.Fatalf("%d transactions left open after the views ended", open)
	}
}

// TestViewSearchTwoRoundTrips: a View holding one plate search costs two
// round trips, the search's batch, which carries the BEGIN, and the
// ROLLBACK that ends the transaction (no BEGIN of its own, no COMMIT); the
// connection goes back to the pool with no transaction open.
func TestViewSearchTwoRoundTrips(t *testing.T) {
	st, tr, dsn, n := viewWorld(t)
	search := func() *store.ReadPage {
		var p *store.ReadPage
		if err := st.View(ctx, func(tx store.ReadTx) error { p = exactSearch(t, tx); return nil }); err != nil {
			t.Fatal(err)
		}
		return p
	}
	for range 3 { // statements prepared on the connection
		search()
	}
	tr.take()
	p := search()
	sent := tr.take()
	if len(p.Reads) != n || p.Total != n {
		t.Fatalf("search found %d reads (total %d), want %d", len(p.Reads), p.Total, n)
	}
	if len(sent) != 2 || !strings.HasPrefix(sent[0], "batch: BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") || sent[1] != "ROLLBACK" {
		t.Fatalf("the View sent %q, want one batch starting with its BEGIN, then ROLLBACK", sent)
	}
	waitViewsEnded(t, st, dsn)
}

// TestViewOneSnapshot: a View sees one snapshot from its first statement
// on, whether that is a search's batch or a statement of its own; reads
// committed meanwhile show in the next View.
func TestViewOneSnapshot(t *testing.T) {
	st, _, dsn, n := viewWorld(t)
	for i, first := range []func(tx store.ReadTx) error{
		func(tx store.ReadTx) error { exactSearch(t, tx); return nil },
		func(tx store.ReadTx) error { _, err := tx.GetRead("view0"); return err },
	} {
		err := st.View(ctx, func(tx store.ReadTx) error {
			if err := first(tx); err != nil {
				return err
			}
			putReads(t, st, "more"+string(rune('a'+i)), 1)
			if p := exactSearch(t, tx); p.Total != n+i {
				t.Errorf("View %d counted %d reads after another transaction added one, want %d (its snapshot)", i, p.Total, n+i)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.View(ctx, func(tx store.ReadTx) error {
			if p := exactSearch(t, tx); p.Total != n+i+1 {
				t.Errorf("the next View counted %d reads, want %d", p.Total, n+i+1)
			}
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	waitViewsEnded(t, st, dsn)
}

// TestViewErrorsEndTheTransaction: a View whose fn fails returns its error
// and leaves no transaction open; one whose context is cancelled returns
// an error; the storage serves the next View.
func TestViewErrorsEndTheTransaction(t *testing.T) {
	st, _, dsn, n := viewWorld(t)
	boom := errors.New("boom")
	if err := st.View(ctx, func(tx store.ReadTx) error { exactSearch(t, tx); return boom }); !errors.Is(err, boom) {
		t.Fatalf("View returned %v, want fn's error", err)
	}
	if err := st.View(ctx, func(tx store.ReadTx) error {
		_, err := tx.GetRead("no-such-read")
		return err
	}); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("View returned %v, want ErrNotFound", err)
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := st.View(cancelled, func(tx store.ReadTx) error { exactSearch(t, tx); return nil }); err == nil {
		t.Fatal("a View with a cancelled context succeeded")
	}
	waitViewsEnded(t, st, dsn)
	if err := st.View(ctx, func(tx store.ReadTx) error {
		if p := exactSearch(t, tx); p.Total != n {
			t.Errorf("counted %d reads, want %d", p.Total, n)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	waitViewsEnded(t, st, dsn)
}
