package sqlite

import (
	"fmt"
	"math"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

// A plate search whose only other condition is a time window is answered
// from the plate indexes, reads_plate (plate_id, captured_at) and
// reads_vplate (v_plate_id, captured_at), both of which carry the rowid:
// the matches' (rowid, capture time) pairs are read from the indexes alone,
// the page is cut on them, and only the page's rows are read from the
// table. Ties in capture time are ordered by read id, which only the row
// holds, so the cut keeps every match as new as the (Limit+1)-th newest
// (ties at the cut included) and the rows decide the order among those.

// indexMatches are the matches' rowid and capture time (?1 the plate ids
// as a JSON array, ?2 and ?3 the time bounds), each read once: those of a
// matching plate, from reads_plate alone, then those only their corrected
// plate matches (the one part that reads rows, those of corrected reads
// of a matching plate). A read listed twice would push the older ones down
// and so the cut above them.
const indexMatches = `m(rid, at) AS MATERIALIZED (
	SELECT rid, captured_at FROM reads
		WHERE plate_id IN (SELECT value FROM json_each(?1)) AND captured_at BETWEEN ?2 AND ?3
	UNION ALL
	SELECT rid, captured_at FROM reads
		WHERE v_plate_id IN (SELECT value FROM json_each(?1)) AND captured_at BETWEEN ?2 AND ?3
			AND plate_id NOT IN (SELECT value FROM json_each(?1)))`

// indexPageSQL is the page of limit reads (the keyset, when after, in ?4:
// capture time, and ?5: read id, of the previous page's last read). When
// cut, the candidates are the matches captured at ?4 itself (only their
// ids say which follow the keyset) and those older than ?4 down to the
// (limit+1)-th newest of them; otherwise (every match fits the page) all
// matches. Counts are written into the statement, not bound: SQLite
// prepares a statement whose LIMIT is a parameter again at every
// execution, and the readers keep prepared statements (stmtCacheSize).
func indexPageSQL(limit int, after, cut bool) string {
	candidates, keyset := "", ""
	if cut {
		older, tie := "", ""
		if after {
			older, tie = "WHERE at < ?4", "at = ?4 OR "
		}
		candidates = fmt.Sprintf(` WHERE %sat >= coalesce(
		(SELECT at FROM m %s ORDER BY at DESC LIMIT 1 OFFSET %d), -9223372036854775808)`, tie, older, limit)
	}
	if after {
		keyset = "AND (r.captured_at < ?4 OR (r.captured_at = ?4 AND r.id < ?5))"
	}
	return fmt.Sprintf(`WITH %s
SELECT %s%s
WHERE r.rid IN (SELECT rid FROM m%s) %s
ORDER BY r.captured_at DESC, r.id DESC LIMIT %d`, indexMatches, sqlrows.ReadCols, sqlrows.ReadFrom, candidates, keyset, limit+1)
}

// indexCountSQL counts the matches (as indexMatches lists them) up to n.
func indexCountSQL(n int) string {
	return fmt.Sprintf(`SELECT
	(SELECT count(*) FROM (SELECT 1 FROM reads
		WHERE plate_id IN (SELECT value FROM json_each(?1)) AND captured_at BETWEEN ?2 AND ?3 LIMIT %[1]d)) +
	(SELECT count(*) FROM (SELECT 1 FROM reads
		WHERE v_plate_id IN (SELECT value FROM json_each(?1)) AND captured_at BETWEEN ?2 AND ?3
			AND plate_id NOT IN (SELECT value FROM json_each(?1)) LIMIT %[1]d))`, n)
}

// searchByIndex answers a plate search (plates: the matching dictionary
// ids as a JSON array) whose other conditions are on the capture time
// only (indexOnly).
func (t *Tx) searchByIndex(q *store.ReadQuery, plates string) (*store.ReadPage, error) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !q.From.IsZero() {
		lo = ms(q.From)
	}
	if !q.To.IsZero() {
		hi = ms(q.To)
	}
	page := &store.ReadPage{Reads: []api.Read{}}
	cut := true
	if !q.SkipCount {
		n, err := t.count(page, q, indexCountSQL(q.CountCap+1), plates, lo, hi)
		if err != nil {
			return nil, err
		}
		cut = n > q.Limit || n > q.CountCap // n is exact up to CountCap
	}
	args := []any{plates, lo, hi}
	if q.After != nil {
		args[2] = min(hi, q.After.At)
		args = append(args, q.After.At, q.After.ID)
	}
	return t.fillPage(page, q.Limit, indexPageSQL(q.Limit, q.After != nil, cut), args...)
}
