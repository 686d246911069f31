package postgres

import (
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

// like turns a plate pattern in GLOB syntax into a LIKE pattern: plate
// characters need no escaping, `*` is `%` and `?` is `_`.
func like(glob string) string {
	return strings.NewReplacer("*", "%", "?", "_").Replace(glob)
}

// plateKeysMigration lets a plate search find its reads without visiting
// every day: read_keys, one table over all days, carries each read's plate
// and corrected plate (kept in step by InsertRead, BulkInsertReads and
// SetVerification) with a (plate, time) B-tree each, in place of the two
// plate indexes of every day partition of reads, which a plate search
// (no time bound to prune by) had to probe and plan day by day. The
// trigram indexes are rebuilt on COLLATE "C", the collation the searches
// compare plates in: an index of another collation is not used for them.
const plateKeysMigration = `ALTER TABLE read_keys ADD COLUMN plate_id bigint, ADD COLUMN v_plate_id bigint;
UPDATE read_keys k SET plate_id = r.plate_id, v_plate_id = r.v_plate_id FROM reads r
	WHERE r.captured_at = k.captured_at AND r.rid = k.rid;
CREATE INDEX read_keys_plate ON read_keys(plate_id, captured_at);
CREATE INDEX read_keys_vplate ON read_keys(v_plate_id, captured_at) WHERE v_plate_id IS NOT NULL;
DROP INDEX reads_plate;
DROP INDEX reads_vplate;
DROP INDEX plates_trgm;
DROP INDEX plates_canon_trgm;
CREATE INDEX plates_trgm ON plates USING gin((plate COLLATE "C") gin_trgm_ops);
CREATE INDEX plates_canon_trgm ON plates USING gin((canon COLLATE "C") gin_trgm_ops);
ANALYZE read_keys;
ANALYZE plates;`

// trigramMigration turns the trigram indexes' pending list off and empties
// it: with it, a GIN index adds new entries to an unsorted list that every
// search reads through until VACUUM merges it (after a bulk load, 20,000
// entries and 5 to 13 ms per wildcard lookup instead of 0.1 ms). New plates
// now go straight into the index, a cost only new plates pay. (Migration
// 11, pendingListMigration in bulk.go, brings a short pending list back.)
const trigramMigration = `ALTER INDEX plates_trgm SET (fastupdate = off);
ALTER INDEX plates_canon_trgm SET (fastupdate = off);
SELECT gin_clean_pending_list('plates_trgm'::regclass);
SELECT gin_clean_pending_list('plates_canon_trgm'::regclass);`

// resolvePlates returns the dictionary ids matching a wildcard pattern.
// A pattern without a run of three known characters is answered by the
// node's copy of the dictionary and its tail (plateCopy), once loaded;
// any other, and those until then, by platesLike.
func (t *Tx) resolvePlates(p *plate.Pattern, fuzzy bool) ([]int64, error) {
	if len(p.LongestRun()) < 3 {
		if ids, ok, err := t.s.dict.resolve(t, p, fuzzy); ok || err != nil {
			return ids, err
		}
	} else {
		t.s.dict.run() // loaded ahead of the first pattern that needs it
	}
	return t.platesLike(p, fuzzy, 0)
}

// platesLike returns the ids above after of the plates matching a pattern:
// LIKE over plate (or canon, for fuzzy), which the planner answers with
// the primary key for a range of recent ids, the COLLATE "C" B-tree for a
// known prefix or the pg_trgm GIN index for a run of three or more known
// characters. The query goes with its pattern inlined (the simple
// protocol), so it is planned for its pattern: a generic plan
// (genericPlansSQL) could use none of these. Whole plates are looked up
// inside the search's statements (readSearch.plateIDs).
func (t *Tx) platesLike(p *plate.Pattern, fuzzy bool, after int64) ([]int64, error) {
	q, arg := `SELECT id FROM plates WHERE plate COLLATE "C" LIKE $1`, like(p.GLOB())
	if fuzzy {
		q, arg = `SELECT id FROM plates WHERE canon COLLATE "C" LIKE $1`, like(p.CanonicalGLOB())
	}
	args := []any{pgx.QueryExecModeSimpleProtocol, arg}
	if after > 0 {
		q, args = q+` AND id > $2`, append(args, after)
	}
	return collect(t, q, args, func(sc scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	})
}

// plateIDs is the SQL array of the dictionary ids a pattern names: for a
// whole plate (exact or fuzzy) a subquery of the search's own statements,
// so the lookup costs no round trip of its own (an unknown plate simply
// matches nothing); for a wildcard the ids found by resolvePlates, planned
// for its pattern. "" when a wildcard matches no plate.
func (s *readSearch) plateIDs(t *Tx, p *plate.Pattern, fuzzy bool) (string, error) {
	switch {
	case p.IsExact() && !fuzzy:
		return `ARRAY(SELECT id FROM plates WHERE plate = ` + s.arg(p.String()) + `)`, nil
	case p.IsExact():
		return `ARRAY(SELECT id FROM plates WHERE canon COLLATE "C" = ` + s.arg(plate.Canonical(p.String())) + `)`, nil
	}
	ids, err := t.resolvePlates(p, fuzzy)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return s.arg(ids) + `::bigint[]`, nil
}

// readJoins joins reads r with their plate p and camera c (for
// sqlrows.ReadCols).
const readJoins = ` JOIN plates p ON p.id = r.plate_id LEFT JOIN cameras c ON c.id = r.camera_id`

// keyJoin joins read_keys k (or a selection of its rows) with reads r.
const keyJoin = ` JOIN reads r ON r.captured_at = k.captured_at AND r.rid = k.rid`

// readSearch is a search as SQL. A plate search (keyed) starts from
// read_keys k: the plate and time conditions are on k, the others on reads
// r, joined only when there are any (or for the page's rows). Any other
// search reads reads r alone, pruned to the days of its time bounds.
type readSearch struct {
	keyed bool
	keys  []string // conditions on the ordering table (k, or r when not keyed)
	reads []string // conditions on reads r
	args  []any
}

// arg adds an argument and returns its placeholder.
func (s *readSearch) arg(v any) string {
	s.args = append(s.args, v)
	return "$" + itoa(len(s.args))
}

// tab is the alias of the table the search is ordered and bounded on.
func (s *readSearch) tab() string {
	if s.keyed {
		return "k"
	}
	return "r"
}

// source is the FROM clause over which the conditions hold.
func (s *readSearch) source() string {
	switch {
	case !s.keyed:
		return ` FROM reads r`
	case len(s.reads) == 0:
		return ` FROM read_keys k`
	default:
		return ` FROM read_keys k` + keyJoin
	}
}

func (s *readSearch) where() string {
	return " WHERE " + strings.Join(append(slices.Clone(s.keys), s.reads...), " AND ")
}

// order is the result order on the search's table: newest first, ties by
// read id descending, in byte order (COLLATE "C", as SQLite compares).
func (s *readSearch) order() string {
	a := s.tab()
	return ` ORDER BY ` + a + `.captured_at DESC, ` + a + `.id COLLATE "C" DESC`
}

// countSQL counts the matches up to limit.
func (s *readSearch) countSQL(limit string) string {
	return `SELECT count(*) FROM (SELECT 1` + s.source() + s.where() + ` LIMIT ` + limit + `) x`
}

// pageSQL selects the first limit matches in result order. A keyed search
// without conditions on reads orders and cuts read_keys first, so only the
// page's reads are fetched.
func (s *readSearch) pageSQL(limit string) string {
	switch {
	case !s.keyed:
		return `SELECT ` + sqlrows.ReadCols + ` FROM reads r` + readJoins + s.where() + s.order() + ` LIMIT ` + limit
	case len(s.reads) == 0:
		return `SELECT ` + sqlrows.ReadCols + ` FROM (SELECT k.captured_at, k.rid, k.id FROM read_keys k` + s.where() + s.order() +
			` LIMIT ` + limit + `) k` + keyJoin + readJoins + ` ORDER BY r.captured_at DESC, r.id COLLATE "C" DESC`
	default:
		return `SELECT ` + sqlrows.ReadCols + ` FROM read_keys k` + keyJoin + readJoins + s.where() + s.order() + ` LIMIT ` + limit
	}
}

// genericPlansSQL makes the rest of a transaction use generic plans for
// the statements pgx prepares (it prepares each once per connection), so
// that a plate search's statements are planned once per connection instead
// of at every execution: PostgreSQL's default plans most executions anew
// for their arguments, and a statement joining reads is planned over every
// day partition (a few ms each time, more than running it). The generic
// plan still reads one day per row, pruning the partitions as it runs.
const genericPlansSQL = `SET LOCAL plan_cache_mode = force_generic_plan`

// stmt is a statement and its arguments.
type stmt struct {
	sql  string
	args []any
}

// runBatch runs a plate search's statements in one round trip (a batch):
// generic plans from now on in the transaction (genericPlansSQL), the count
// when there is one (into n), the page (read by fill).
func (t *Tx) runBatch(count *stmt, n *int, page stmt, fill func(pgx.Rows) error) error {
	b := &pgx.Batch{}
	if !t.generic {
		b.Queue(genericPlansSQL)
	}
	if count != nil {
		b.Queue(count.sql, count.args...).QueryRow(func(r pgx.Row) error { return r.Scan(n) })
	}
	b.Queue(page.sql, page.args...).Query(fill)
	t.note(page.sql)
	if err := t.tx.SendBatch(t.ctx, b).Close(); err != nil {
		return classify(err)
	}
	t.generic = true
	return nil
}

// runInline runs any other search's statements with their arguments inlined
// (the simple protocol), so each is planned for its time bounds and
// cameras: only the days in the bounds are planned, and the camera index
// is chosen when it is the better one.
func (t *Tx) runInline(count *stmt, n *int, page stmt, fill func(pgx.Rows) error) error {
	inline := func(st stmt) []any { return append([]any{pgx.QueryExecModeSimpleProtocol}, st.args...) }
	if count != nil {
		if err := t.row(count.sql, inline(*count)...).Scan(n); err != nil {
			return err
		}
	}
	rows, err := t.query(page.sql, inline(page)...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if err := fill(rows); err != nil {
		return classify(err)
	}
	return classify(rows.Err())
}

// SearchReads runs a resolved query: newest first (ties by read id,
// descending), keyset paging, a total counted up to CountCap.
func (t *Tx) SearchReads(q *store.ReadQuery) (*store.ReadPage, error) {
	s, empty, err := t.readSearch(q)
	if err != nil {
		return nil, err
	}
	page := &store.ReadPage{Reads: []api.Read{}}
	if empty {
		return page, nil
	}
	var count *stmt
	if !q.SkipCount {
		c := *s
		c.args = slices.Clone(s.args)
		count = &stmt{c.countSQL(c.arg(q.CountCap + 1)), c.args}
	}
	if q.After != nil {
		a := s.tab()
		s.keys = append(s.keys, `(`+a+`.captured_at, `+a+`.id COLLATE "C") < (`+s.arg(q.After.At)+`, `+s.arg(q.After.ID)+`)`)
	}
	pageQ := stmt{s.pageSQL(s.arg(q.Limit + 1)), s.args}
	fill := func(rows pgx.Rows) error { return sqlrows.FillPage(page, rows, q.Limit) }
	run := t.runInline
	if s.keyed {
		run = t.runBatch
	}
	n := 0
	if err := run(count, &n, pageQ, fill); err != nil {
		return nil, err
	}
	if count != nil {
		page.Total, page.Capped = min(n, q.CountCap), n > q.CountCap
	}
	return page, nil
}

// readSearch builds the search's SQL; empty is true when no read can match
// (the pattern names no known plate, or no camera).
func (t *Tx) readSearch(q *store.ReadQuery) (*readSearch, bool, error) {
	s := &readSearch{keyed: q.Pattern != nil}
	if q.Pattern != nil {
		ids, err := s.plateIDs(t, q.Pattern, q.Fuzzy)
		if err != nil || ids == "" {
			return nil, true, err
		}
		s.keys = append(s.keys, `(k.plate_id = ANY(`+ids+`) OR k.v_plate_id = ANY(`+ids+`))`)
	}
	a := s.tab()
	if !q.From.IsZero() {
		s.keys = append(s.keys, a+`.captured_at >= `+s.arg(ms(q.From)))
	}
	if !q.To.IsZero() {
		s.keys = append(s.keys, a+`.captured_at <= `+s.arg(ms(q.To)))
	}
	if q.CameraIDs != nil {
		if len(q.CameraIDs) == 0 {
			return nil, true, nil
		}
		s.reads = append(s.reads, `r.camera_id = ANY(`+s.arg(q.CameraIDs)+`)`)
	}
	if q.State != "" {
		s.reads = append(s.reads, `r.state = `+s.arg(q.State))
	}
	for _, f := range []struct{ col, v string }{{"make", q.Make}, {"color", q.Color}, {"body_type", q.BodyType}} {
		if f.v != "" {
			s.reads = append(s.reads, `lower(r.`+f.col+`) = lower(`+s.arg(f.v)+`)`)
		}
	}
	if m := featureMask(q.Features); m != 0 {
		p := s.arg(m)
		s.reads = append(s.reads, `(r.feature_mask & `+p+`) = `+p)
	}
	if len(s.keys)+len(s.reads) == 0 {
		s.keys = append(s.keys, "true")
	}
	return s, false, nil
}

// SwitchCandidates reports for each read id whether its plate was seen in
// [from, to] on another make or colour: one query over the page's plates.
func (t *Tx) SwitchCandidates(reads []api.Read, from, to time.Time) (map[string]bool, error) {
	var plates []string
	for _, r := range reads {
		plates = append(plates, r.Plate)
	}
	if len(plates) == 0 {
		return map[string]bool{}, nil
	}
	rows, err := t.query(`SELECT p.plate, lower(r.make), lower(r.color) FROM plates p JOIN read_keys k ON k.plate_id = p.id`+
		keyJoin+` WHERE p.plate = ANY($1) AND k.captured_at BETWEEN $2 AND $3 GROUP BY 1, 2, 3`, plates, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string][]sqlrows.MakeColor{}
	for rows.Next() {
		var p string
		var v sqlrows.MakeColor
		if err := rows.Scan(&p, &v.Make, &v.Color); err != nil {
			return nil, classify(err)
		}
		seen[p] = append(seen[p], v)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(err)
	}
	return sqlrows.SwitchFlags(reads, seen), nil
}
