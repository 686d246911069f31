package postgres

import (
	"context"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"alprdesk/store"
)

// conn is what a transaction's statements run on: Update's pgx.Tx, or the
// pooled connection of a View, which begins its transaction itself.
type conn interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// viewBegin begins a View's transaction: one snapshot, read-only.
const viewBegin = `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`

// viewEndTimeout bounds the ROLLBACK that ends a View's transaction.
const viewEndTimeout = 10 * time.Second

// View runs fn in a read-only repeatable-read transaction (one snapshot).
//
// The BEGIN costs no round trip of its own: it goes with the first
// statement, in the same batch for a plate search (runBatch), so an exact
// search is two round trips (the batch, and the ROLLBACK that ends the
// transaction, which has nothing to commit) where it was three; on a busy
// machine each round trip is a chance to wait for a core. (Ending the
// transaction in the background after View returned was measured slower:
// docs/PERFORMANCE.md, "Fresh plates for every pass, and one round trip
// less for a View".)
func (s *Storage) View(ctx context.Context, fn func(store.ReadTx) error) error {
	c, err := s.pool.Acquire(ctx)
	if err != nil {
		return classify(err)
	}
	defer endView(c)
	return classify(fn(&Tx{tx: c, s: s, ctx: ctx, readOnly: true, begin: viewBegin}))
}

// endView ends a View's transaction if one began (the connection is in a
// transaction, or in a failed one) and gives the connection back to the
// pool, which closes it instead if it is still in a transaction (the
// ROLLBACK failed: the connection was lost or timed out). The ROLLBACK
// has a context of its own: fn's may be cancelled.
func endView(c *pgxpool.Conn) {
	defer c.Release()
	if c.Conn().PgConn().TxStatus() == 'I' {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), viewEndTimeout)
	defer cancel()
	_, _ = c.Exec(ctx, `ROLLBACK`)
}

// begun sends a View's BEGIN on its own, before a statement that does not
// take it along (exec, query, row); nil once the transaction has begun.
func (t *Tx) begun() error {
	if t.begin == "" {
		return nil
	}
	if _, err := t.tx.Exec(t.ctx, t.begin); err != nil {
		return classify(err)
	}
	t.begin = ""
	return nil
}

// batch is a new batch of the transaction's statements: for a View that
// has not begun, its BEGIN comes first (sendBatch then records it sent).
func (t *Tx) batch() *pgx.Batch {
	b := &pgx.Batch{}
	if t.begin != "" {
		b.Queue(t.begin)
	}
	return b
}

// sendBatch runs a batch from batch() in one round trip.
func (t *Tx) sendBatch(b *pgx.Batch) error {
	err := t.tx.SendBatch(t.ctx, b).Close()
	if t.begin != "" && len(b.QueuedQueries) > 0 && b.QueuedQueries[0].SQL == t.begin {
		t.begin = "" // began, or failed: endView rolls either back
	}
	return classify(err)
}

// errRow is a pgx.Row whose Scan fails with err.
type errRow struct{ err error }

func (r errRow) Scan(...any) error { return r.err }
