package postgres

import (
	"fmt"
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

// coveringKeysMigration lets a plate search cut its page and count its
// matches on read_keys' indexes alone (index-only scans, readSearch.union):
// the (plate, time) and (corrected plate, time) B-trees of migration 9 are
// replaced by the same keys carrying the read's id and rid (INCLUDE), all
// that a page cut and a count read of a match, so a plate search visits
// read_keys' table for none of its matches, where it visited one table
// page per match (at 10M reads, a 3-run wildcard's 608 matches sat on 606
// pages: 507 of its 521 ms were 73 of them read from the disk). id is an
// INCLUDE column, not a key: a search orders on it (COLLATE "C") only among
// the matches, after the scan, and a key column would widen every inner
// page of the tree.
//
// An index-only scan skips the table only for the pages the visibility map
// marks all-visible, which VACUUM does: read_keys is only appended to
// between purges, so PostgreSQL's defaults would vacuum it after 20 % of
// its rows were added (2M reads at 10M), leaving the newest reads, the
// first of every page, to the table; its own setting vacuums it after
// every 20,000 inserted rows (a bulk chunk), which costs a scan of the
// pages added since (the indexes are not read when nothing was deleted).
// Building the two indexes holds read_keys' share lock (writers wait,
// searches go on): 0.8 to 1.5 s at 1M reads, estimated at 10 to 30 s at
// 10M (docs/PERFORMANCE.md, "Index-only plate pages on PostgreSQL");
// CREATE INDEX CONCURRENTLY cannot run in the migration's transaction.
const coveringKeysMigration = `SET LOCAL maintenance_work_mem = '256MB';
CREATE INDEX read_keys_plate_cover ON read_keys(plate_id, captured_at) INCLUDE (id, rid);
CREATE INDEX read_keys_vplate_cover ON read_keys(v_plate_id, captured_at) INCLUDE (id, rid) WHERE v_plate_id IS NOT NULL;
DROP INDEX read_keys_plate;
DROP INDEX read_keys_vplate;
ALTER TABLE read_keys SET (autovacuum_vacuum_insert_threshold = 20000, autovacuum_vacuum_insert_scale_factor = 0);`

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

// canonTrigramMigration drops the trigram index of the canonical plates: a
// fuzzy pattern with a run of three known characters is answered by the
// plates' own trigram index instead, through the pattern's look-alike
// regular expression (platesLike), which pg_trgm turns into the
// alternative trigrams of each look-alike class. Every new plate of a bulk
// load paid its trigrams into both indexes, the merge of the two pending
// lists a fifth of the load's database time at 10M reads; the regular
// expression on the plates' index was as fast or faster than LIKE on the
// canonical one (docs/PERFORMANCE.md, "One trigram index for the plate
// dictionary").
const canonTrigramMigration = `DROP INDEX IF EXISTS plates_canon_trgm;`

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
// LIKE over plate, which the planner answers with the primary key for a
// range of recent ids, the COLLATE "C" B-tree for a known prefix or the
// pg_trgm GIN index for a run of three or more known characters. A fuzzy
// pattern is both its look-alike regular expression over plate, which the
// same GIN index answers, and LIKE over canon, which the canonical B-tree
// answers for a known prefix: the two conditions say the same, and the
// planner takes the index that suits the pattern. The query goes with its
// pattern inlined (the simple protocol), so it is planned for its pattern:
// a generic plan (genericPlansSQL) could use none of these. Whole plates
// are looked up inside the search's statements (readSearch.plateIDs).
func (t *Tx) platesLike(p *plate.Pattern, fuzzy bool, after int64) ([]int64, error) {
	q, args := platesLikeSQL(p, fuzzy, after)
	return collect(t, q, append([]any{pgx.QueryExecModeSimpleProtocol}, args...), func(sc scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	})
}

// platesLikeSQL is platesLike's statement and its arguments.
func platesLikeSQL(p *plate.Pattern, fuzzy bool, after int64) (string, []any) {
	q, args := `SELECT id FROM plates WHERE plate COLLATE "C" LIKE $1`, []any{like(p.GLOB())}
	if fuzzy {
		q = `SELECT id FROM plates WHERE plate COLLATE "C" ~ $1 AND canon COLLATE "C" LIKE $2`
		args = []any{p.LookAlikeRegexp(), like(p.CanonicalGLOB())}
	}
	if after > 0 {
		q, args = q+fmt.Sprintf(` AND id > $%d`, len(args)+1), append(args, after)
	}
	return q, args
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
	keyed  bool
	plates string   // the SQL array of the plate ids a keyed search matches
	keys   []string // other conditions on the ordering table (k, or r when not keyed)
	reads  []string // conditions on reads r
	args   []any
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

// keysOnly reports a plate search without conditions on reads: it is cut
// and counted on read_keys' covering indexes alone (union).
func (s *readSearch) keysOnly() bool {
	return s.keyed && len(s.reads) == 0
}

// source is the FROM clause over which the conditions hold, for the
// searches that are not keysOnly.
func (s *readSearch) source() string {
	if !s.keyed {
		return ` FROM reads r`
	}
	return ` FROM read_keys k` + keyJoin
}

// where is the WHERE clause of a search that is not keysOnly: a keyed one
// matches the plate or the corrected plate.
func (s *readSearch) where() string {
	var c []string
	if s.keyed {
		c = append(c, `(k.plate_id = ANY(`+s.plates+`) OR k.v_plate_id = ANY(`+s.plates+`))`)
	}
	c = append(append(c, s.keys...), s.reads...)
	if len(c) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c, " AND ")
}

// order is the result order on alias a: newest first, ties by read id
// descending, in byte order (COLLATE "C", as SQLite compares).
func order(a string) string {
	return ` ORDER BY ` + a + `.captured_at DESC, ` + a + `.id COLLATE "C" DESC`
}

// union selects cols of the read_keys rows k of a keysOnly search: those
// whose plate matches UNION those whose corrected plate matches, each
// selection followed by tail (an order, a cut) and answered by an
// index-only scan of its covering index (coveringKeysMigration); an OR of
// the two conditions could not be (it needs a bitmap scan, which reads
// the table). UNION removes the duplicates, so a read matching by both
// plates counts and shows once; cols must hold the read's id for that.
func (s *readSearch) union(cols, tail string) string {
	var sel []string
	for _, col := range []string{"k.plate_id", "k.v_plate_id"} {
		c := append([]string{col + ` = ANY(` + s.plates + `)`}, s.keys...)
		sel = append(sel, `(SELECT `+cols+` FROM read_keys k WHERE `+strings.Join(c, " AND ")+tail+`)`)
	}
	return strings.Join(sel, ` UNION `)
}

// countSQL counts the matches up to limit. keysOnly: each selection of the
// union is cut at limit too (if one reaches it, the union does).
func (s *readSearch) countSQL(limit string) string {
	if s.keysOnly() {
		return `SELECT count(*) FROM (` + s.union(`k.id`, ` LIMIT `+limit) + ` LIMIT ` + limit + `) x`
	}
	return `SELECT count(*) FROM (SELECT 1` + s.source() + s.where() + ` LIMIT ` + limit + `) x`
}

// pageSQL selects the first limit matches in result order. A keysOnly
// search orders and cuts each selection of its union and then the union
// on read_keys' indexes alone (the first limit of the union are among the
// first limit of each), so only the page's reads are fetched.
func (s *readSearch) pageSQL(limit string) string {
	if !s.keysOnly() {
		return `SELECT ` + sqlrows.ReadCols + s.source() + readJoins + s.where() + order(s.tab()) + ` LIMIT ` + limit
	}
	cut := order("k") + ` LIMIT ` + limit
	return `SELECT ` + sqlrows.ReadCols + ` FROM (SELECT * FROM (` + s.union(`k.captured_at, k.rid, k.id`, cut) + `) k` + cut + `) k` +
		keyJoin + readJoins + order("r")
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
// a View's BEGIN if it has not begun (view.go), generic plans from now on
// in the transaction (genericPlansSQL), the count when there is one (into
// n), the page (read by fill).
func (t *Tx) runBatch(count *stmt, n *int, page stmt, fill func(pgx.Rows) error) error {
	b := t.batch()
	if !t.generic {
		b.Queue(genericPlansSQL)
	}
	if count != nil {
		b.Queue(count.sql, count.args...).QueryRow(func(r pgx.Row) error { return r.Scan(n) })
	}
	b.Queue(page.sql, page.args...).Query(fill)
	t.note(page.sql)
	if err := t.sendBatch(b); err != nil {
		return err
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
	s, count, pageQ, err := t.searchStmts(q)
	page := &store.ReadPage{Reads: []api.Read{}}
	if err != nil || s == nil {
		return page, err
	}
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

// searchStmts builds a search's statements: its count (nil with
// SkipCount) and its page. A nil search means no read can match.
func (t *Tx) searchStmts(q *store.ReadQuery) (*readSearch, *stmt, stmt, error) {
	s, empty, err := t.readSearch(q)
	if err != nil || empty {
		return nil, nil, stmt{}, err
	}
	var count *stmt
	if !q.SkipCount {
		c := *s
		c.args = slices.Clone(s.args)
		count = &stmt{c.countSQL(c.arg(q.CountCap + 1)), c.args}
	}
	if q.After != nil {
		// The bound on the time alone is implied, but it is what an index
		// range (and partition pruning) can start from.
		a, at := s.tab(), s.arg(q.After.At)
		s.keys = append(s.keys, a+`.captured_at <= `+at,
			`(`+a+`.captured_at, `+a+`.id COLLATE "C") < (`+at+`, `+s.arg(q.After.ID)+`)`)
	}
	return s, count, stmt{s.pageSQL(s.arg(q.Limit + 1)), s.args}, nil
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
		s.plates = ids
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
