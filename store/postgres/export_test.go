package postgres

import (
	"context"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"alprdesk/api/plate"
	"alprdesk/store"
)

// RefreshPlateCopy runs one step of the plate dictionary copy's refresher
// (dict.go): false when writers held the plates lock.
func RefreshPlateCopy(ctx context.Context, s *Storage) (bool, error) {
	return s.dict.locked(ctx)
}

// PlateCopyHorizon is the copy's horizon H, -1 before it is loaded.
func PlateCopyHorizon(s *Storage) int64 {
	if st := s.dict.state.Load(); st != nil {
		return st.h.Load()
	}
	return -1
}

// PlateCopyLen is the number of plates in the copy, -1 before it is
// loaded.
func PlateCopyLen(s *Storage) int {
	if st := s.dict.state.Load(); st != nil {
		return st.d.Len()
	}
	return -1
}

// PausePlateCopy keeps the refresher from stepping until resume is
// called (once or more).
func PausePlateCopy(s *Storage) (resume func()) {
	s.dict.stepMu.Lock()
	return sync.OnceFunc(s.dict.stepMu.Unlock)
}

// BulkChunk is the number of reads of one bulk transaction.
const BulkChunk = bulkChunk

// SearchSQL returns the statements a search runs, as SearchReads builds
// them: the count's (empty with SkipCount) and the page's, each with its
// arguments; no statements when no read can match.
func SearchSQL(ctx context.Context, s *Storage, q *store.ReadQuery) (countSQL string, countArgs []any, pageSQL string, pageArgs []any, err error) {
	err = s.View(ctx, func(tx store.ReadTx) error {
		_, count, page, err := tx.(*Tx).searchStmts(q)
		if count != nil {
			countSQL, countArgs = count.sql, count.args
		}
		pageSQL, pageArgs = page.sql, page.args
		return err
	})
	return
}

// OpenTraced is Open with tr tracing every connection's statements and
// batches.
func OpenTraced(ctx context.Context, dsn string, tr pgx.QueryTracer) (*Storage, error) {
	return open(ctx, dsn, func(c *pgxpool.Config) { c.ConnConfig.Tracer = tr })
}

// AcquiredConns is the number of the pool's connections in use.
func AcquiredConns(s *Storage) int32 { return s.pool.Stat().AcquiredConns() }

// PlatesLikeSQL is the statement (and its arguments) that looks up the
// plates of a wildcard pattern in the database.
func PlatesLikeSQL(p *plate.Pattern, fuzzy bool, after int64) (string, []any) {
	return platesLikeSQL(p, fuzzy, after)
}

// HugePagesAdvice is Advice's sentence for a setting and shared buffers.
var HugePagesAdvice = hugePagesAdvice
