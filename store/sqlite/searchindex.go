package sqlite

import (
	"fmt"
	"math"
	"strings"

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

// indexMatches are the matches' rowid and capture time (?1 the plate ids,
// as plateSet gives them, ?2 and ?3 the time bounds), each read once: those of a
// matching plate, from reads_plate alone, then those only their corrected
// plate matches (the one part that reads rows, those of corrected reads
// of a matching plate). A read listed twice would push the older ones down
// and so the cut above them.
const indexMatches = `m(rid, at) AS MATERIALIZED (
	SELECT rid, captured_at FROM reads
		WHERE plate_id IN @SET@ AND captured_at BETWEEN ?2 AND ?3
	UNION ALL
	SELECT rid, captured_at FROM reads
		WHERE v_plate_id IN @SET@ AND captured_at BETWEEN ?2 AND ?3
			AND plate_id NOT IN @SET@)`

// indexPageSQL is the page of limit reads (the keyset, when after, in ?4:
// capture time, and ?5: read id, of the previous page's last read). The
// candidates are the matches captured at ?4 itself (only their ids say
// which follow the keyset) and those older than ?4 down to the
// (limit+1)-th newest of them. Counts are written into the statement, not
// bound: SQLite prepares a statement whose LIMIT is a parameter again at
// every execution, and the readers keep prepared statements
// (stmtCacheSize).
func indexPageSQL(limit int, after bool) string {
	older, tie, keyset := "", "", ""
	if after {
		older, tie = "WHERE at < ?4", "at = ?4 OR "
		keyset = "AND (r.captured_at < ?4 OR (r.captured_at = ?4 AND r.id < ?5))"
	}
	return fmt.Sprintf(`WITH %s
SELECT %s%s
WHERE r.rid IN (SELECT rid FROM m WHERE %sat >= coalesce(
		(SELECT at FROM m %s ORDER BY at DESC LIMIT 1 OFFSET %d), -9223372036854775808)) %s
ORDER BY r.captured_at DESC, r.id DESC LIMIT %d`, indexMatches, sqlrows.ReadCols, sqlrows.ReadFrom, tie, older, limit, keyset, limit+1)
}

// indexCountSQL counts the matches (as indexMatches lists them) up to n.
func indexCountSQL(n int) string {
	return fmt.Sprintf(`SELECT
	(SELECT count(*) FROM (SELECT 1 FROM reads
		WHERE plate_id IN @SET@ AND captured_at BETWEEN ?2 AND ?3 LIMIT %[1]d)) +
	(SELECT count(*) FROM (SELECT 1 FROM reads
		WHERE v_plate_id IN @SET@ AND captured_at BETWEEN ?2 AND ?3
			AND plate_id NOT IN @SET@ LIMIT %[1]d))`, n)
}

// plateSet is the SQL set of ids, as "@SET@" stands in indexMatches and
// indexCountSQL, and its argument ?1: the one id itself, or the ids as a
// JSON array read by json_each (parsing it costs a few tens of
// microseconds, most of an exact search's).
func plateSet(sql string, ids []int64) (string, any) {
	if len(ids) == 1 {
		return strings.ReplaceAll(sql, "@SET@", "(?1)"), ids[0]
	}
	return strings.ReplaceAll(sql, "@SET@", "(SELECT value FROM json_each(?1))"), idList(ids)
}

// searchByIndex answers a plate search (ids: the matching plates) whose
// other conditions are on the capture time only (indexOnly). When the
// count shows that every match fits the page, nothing needs cutting and
// the page reads the matches' rows as searchRows does, which costs less
// on a few reads.
func (t *Tx) searchByIndex(q *store.ReadQuery, ids []int64) (*store.ReadPage, error) {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if !q.From.IsZero() {
		lo = ms(q.From)
	}
	if !q.To.IsZero() {
		hi = ms(q.To)
	}
	page := &store.ReadPage{Reads: []api.Read{}}
	if !q.SkipCount {
		count, set := plateSet(indexCountSQL(q.CountCap+1), ids)
		n, err := t.count(page, q, count, set, lo, hi)
		if err != nil {
			return nil, err
		}
		if n <= q.Limit && n <= q.CountCap { // n is exact up to CountCap
			where, args, _ := searchWhere(q, ids)
			return t.rowsPage(page, q, where, args)
		}
	}
	pageSQL, set := plateSet(indexPageSQL(q.Limit, q.After != nil), ids)
	args := []any{set, lo, hi}
	if q.After != nil {
		args[2] = min(hi, q.After.At)
		args = append(args, q.After.At, q.After.ID)
	}
	return t.fillPage(page, q.Limit, pageSQL, args...)
}
