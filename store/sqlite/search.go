package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

// cameraAttrsMigration replaces the camera index (camera_id, captured_at)
// by one that also carries the attributes a search without a plate filters
// on: make, colour and body type. A search of an area over a time window
// (searchRows with camera_id IN … and a captured_at range) walks this index
// for the cameras and window as before, and SQLite tests `r.make = ? COLLATE
// NOCASE`, `r.color = …` and `r.body_type = …` on the index entry, before
// the deferred seek of the table row (OP_DeferredSeek): a read of another
// make or colour costs no table seek, and the count, which names no other
// column, reads the index alone (TestAttributeSearchFiltersOnIndex). Plain
// columns suffice: the attributes come after the time range in the key,
// so they filter entries and are never a seek key, and a NOCASE comparison
// reads the stored value whatever the index's collation. Body type is the
// search's third attribute filter; state and feature_mask are left out
// (3.8 MB more at 1M, and no measured search needs them). The analyses'
// window statements (WindowReads, NearReads) search the same leading
// columns. The old index is dropped first, so that the new one reuses its
// pages and the database keeps one camera index; both statements run in
// the migration's transaction.
//
// Measured (docs/PERFORMANCE.md, "Make and colour in SQLite's camera
// index"): the index 39.5 MB at 1M reads as CREATE INDEX builds it (the
// old one 21.0 MB, 33.2 MB without body type); bulk ingest about 10 %
// slower at 1M, no difference beyond the noise at 10M; the migration 1.5
// to 2.3 s at 1M (6 to 8 s at load 5) and about 31 s at 10M. It sorts
// every read, so expect a few minutes at 30M (not measured).
const cameraAttrsMigration = `DROP INDEX reads_camera;
CREATE INDEX reads_camera_attrs ON reads(camera_id, captured_at, make, color, body_type);`

// idList renders ids as a JSON array for json_each.
func idList(ids []int64) string {
	var b strings.Builder
	b.WriteByte('[')
	for i, id := range ids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(id, 10))
	}
	b.WriteByte(']')
	return b.String()
}

// resolvePlates returns the dictionary ids matching the pattern: exact
// plates by map, fuzzy whole plates by canonical key, patterns with a run of
// three known characters through the trigram index (trigramPlates), the
// rest by a scan of the in-memory dictionary.
func (t *Tx) resolvePlates(p *plate.Pattern, fuzzy bool) ([]int64, error) {
	d := t.s.dict
	switch {
	case p.IsExact() && !fuzzy:
		if id, ok := d.lookup(p.String()); ok {
			return []int64{id}, nil
		}
		return nil, nil
	case p.IsExact():
		return d.canon(plate.Canonical(p.String())), nil
	case len(p.LongestRun()) >= 3:
		return t.trigramPlates(p, fuzzy)
	default:
		return d.scan(p, fuzzy), nil
	}
}

// trigramPlates looks a pattern with a run of three or more known
// characters up in the trigram index (fuzzy: on the canonical forms). A
// pattern that is only that run between two `*` is the run as an FTS5
// phrase, which the index answers alone (the trigram tokenizer matches a
// phrase as a substring); any other pattern is a GLOB, which FTS5 checks
// on each candidate's plate, read from the plates table.
func (t *Tx) trigramPlates(p *plate.Pattern, fuzzy bool) ([]int64, error) {
	col, glob, run := "plate", p.GLOB(), p.LongestRun()
	if fuzzy {
		col, glob, run = "canon", p.CanonicalGLOB(), plate.Canonical(run)
	}
	q, arg := `SELECT rowid FROM plates_fts WHERE `+col+` GLOB ?`, glob
	if glob == "*"+run+"*" {
		q, arg = `SELECT rowid FROM plates_fts WHERE plates_fts MATCH ?`, col+`:"`+run+`"`
	}
	rows, err := t.query(q, arg)
	if err != nil {
		return nil, fmt.Errorf("store: trigram lookup: %w", err)
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}

// SearchReads runs a resolved query: newest first (ties by read id,
// descending), keyset paging, a total counted up to CountCap. A plate
// search with no condition on the read's row (searchByIndex) is ordered,
// cut and counted on the plate indexes alone; any other goes through
// searchRows.
func (t *Tx) SearchReads(q *store.ReadQuery) (*store.ReadPage, error) {
	var ids []int64
	if q.Pattern != nil {
		var err error
		if ids, err = t.resolvePlates(q.Pattern, q.Fuzzy); err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return &store.ReadPage{Reads: []api.Read{}}, nil
		}
		if indexOnly(q) {
			return t.searchByIndex(q, ids)
		}
	}
	return t.searchRows(q, ids)
}

// indexOnly reports whether every condition of q but the plate is on the
// capture time, which the plate indexes hold.
func indexOnly(q *store.ReadQuery) bool {
	return q.CameraIDs == nil && q.State == "" && q.Make == "" && q.Color == "" && q.BodyType == "" &&
		featureMask(q.Features) == 0
}

// searchRows answers a query by filtering the reads' rows (ids: the
// matching plates when q has a pattern).
func (t *Tx) searchRows(q *store.ReadQuery, ids []int64) (*store.ReadPage, error) {
	where, args, empty := searchWhere(q, ids)
	page := &store.ReadPage{Reads: []api.Read{}}
	if empty {
		return page, nil
	}
	if !q.SkipCount {
		if _, err := t.count(page, q, rowsCountSQL(q, where), args...); err != nil {
			return nil, err
		}
	}
	return t.rowsPage(page, q, where, args)
}

// rowsCountSQL is searchRows' count of the reads of where (over reads r),
// up to q.CountCap+1.
func rowsCountSQL(q *store.ReadQuery, where string) string {
	return `SELECT count(*) FROM (SELECT 1 FROM reads r WHERE ` + where + ` LIMIT ` + strconv.Itoa(q.CountCap+1) + `)`
}

// rowsPageSQL is the page query of rowsPage: the reads of where (over
// reads r) after q's keyset, newest first, one more than q.Limit.
func rowsPageSQL(q *store.ReadQuery, where string, args []any) (string, []any) {
	if q.After != nil {
		where += ` AND (r.captured_at < ? OR (r.captured_at = ? AND r.id < ?))`
		args = append(args, q.After.At, q.After.At, q.After.ID)
	}
	return `SELECT ` + sqlrows.ReadCols + sqlrows.ReadFrom + ` WHERE ` + where +
		` ORDER BY r.captured_at DESC, r.id DESC LIMIT ` + strconv.Itoa(q.Limit+1), args
}

// rowsPage fills page with the reads of where (over reads r) after q's
// keyset, newest first.
func (t *Tx) rowsPage(page *store.ReadPage, q *store.ReadQuery, where string, args []any) (*store.ReadPage, error) {
	query, args := rowsPageSQL(q, where, args)
	return t.fillPage(page, q.Limit, query, args...)
}

// count runs a count of the matches (up to q.CountCap+1) and sets page's
// total from it, returning it.
func (t *Tx) count(page *store.ReadPage, q *store.ReadQuery, count string, args ...any) (int, error) {
	n := 0
	if err := t.row(count, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: count: %w", err)
	}
	page.Total, page.Capped = min(n, q.CountCap), n > q.CountCap
	return n, nil
}

// fillPage runs a page query (sqlrows.ReadCols, newest first, limit+1
// rows) into page.
func (t *Tx) fillPage(page *store.ReadPage, limit int, query string, args ...any) (*store.ReadPage, error) {
	rows, err := t.query(query, args...)
	if err != nil {
		return nil, fmt.Errorf("store: search: %w", err)
	}
	defer rows.Close()
	if err := sqlrows.FillPage(page, rows, limit); err != nil {
		return nil, notFound(err)
	}
	return page, rows.Err()
}

// searchWhere builds the WHERE clause over reads r (ids: the matching
// plates when q has a pattern); empty is true when no read can match.
func searchWhere(q *store.ReadQuery, ids []int64) (string, []any, bool) {
	conds := []string{"1=1"}
	var args []any
	add := func(c string, v ...any) { conds = append(conds, c); args = append(args, v...) }
	if q.Pattern != nil {
		l := idList(ids)
		if len(ids) == 1 {
			add(`r.rid IN (SELECT rid FROM reads WHERE plate_id = ? UNION ALL SELECT rid FROM reads WHERE v_plate_id = ?)`, ids[0], ids[0])
		} else {
			add(`r.rid IN (SELECT rid FROM reads WHERE plate_id IN (SELECT value FROM json_each(?))
				UNION ALL SELECT rid FROM reads WHERE v_plate_id IN (SELECT value FROM json_each(?)))`, l, l)
		}
	}
	if q.CameraIDs != nil {
		if len(q.CameraIDs) == 0 {
			return "", nil, true
		}
		b, _ := json.Marshal(q.CameraIDs)
		add(`r.camera_id IN (SELECT value FROM json_each(?))`, string(b))
	}
	if !q.From.IsZero() {
		add(`r.captured_at >= ?`, ms(q.From))
	}
	if !q.To.IsZero() {
		add(`r.captured_at <= ?`, ms(q.To))
	}
	if q.State != "" {
		add(`r.state = ?`, q.State)
	}
	if q.Make != "" {
		add(`r.make = ? COLLATE NOCASE`, q.Make)
	}
	if q.Color != "" {
		add(`r.color = ? COLLATE NOCASE`, q.Color)
	}
	if q.BodyType != "" {
		add(`r.body_type = ? COLLATE NOCASE`, q.BodyType)
	}
	if m := featureMask(q.Features); m != 0 {
		add(`(r.feature_mask & ?) = ?`, m, m)
	}
	return strings.Join(conds, " AND "), args, false
}

// SwitchCandidates reports for each read id whether its plate was seen in
// [from, to] on another make or colour: one query over the page's plates.
func (t *Tx) SwitchCandidates(reads []api.Read, from, to time.Time) (map[string]bool, error) {
	idOf := map[string]int64{}
	plateOf := map[int64]string{}
	var ids []int64
	for _, r := range reads {
		if _, ok := idOf[r.Plate]; ok {
			continue
		}
		if id, known := t.s.dict.lookup(r.Plate); known {
			idOf[r.Plate], plateOf[id] = id, r.Plate
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return map[string]bool{}, nil
	}
	rows, err := t.query(`SELECT plate_id, lower(make), lower(color) FROM reads
		WHERE plate_id IN (SELECT value FROM json_each(?)) AND captured_at BETWEEN ? AND ?
		GROUP BY 1, 2, 3`, idList(ids), ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	seen := map[string][]sqlrows.MakeColor{}
	for rows.Next() {
		var id int64
		var v sqlrows.MakeColor
		if err := rows.Scan(&id, &v.Make, &v.Color); err != nil {
			return nil, err
		}
		seen[plateOf[id]] = append(seen[plateOf[id]], v)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return sqlrows.SwitchFlags(reads, seen), nil
}

// BulkInsertReads loads the reads produce puts, in transactions of
// 50,000 rows, skipping ids that exist.
func (s *Storage) BulkInsertReads(ctx context.Context, produce func(put func(*store.ReadRecord) error) error) (int, error) {
	const chunk = 50000
	s.wmu.Lock()
	defer s.wmu.Unlock()
	var t *Tx
	var ins *sql.Stmt
	n, inChunk := 0, 0
	pending := 0 // reads inserted by the open chunk
	commit := func() error {
		ins.Close()
		err := t.tx.Commit()
		if err == nil {
			s.dict.add(t.newPlates)
			n += pending
		}
		t, inChunk, pending = nil, 0, 0
		return err
	}
	put := func(r *store.ReadRecord) error {
		if t == nil {
			tx, err := s.w.BeginTx(ctx, nil)
			if err != nil {
				return err
			}
			t = &Tx{tx: tx, s: s, ctx: ctx}
			ins, err = tx.PrepareContext(ctx, `INSERT OR IGNORE INTO reads(id, camera_id, captured_at, plate_id, state,
				confidence, make, color, body_type, features, feature_mask, box_x, box_y, box_w, box_h)
				VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
			if err != nil {
				tx.Rollback()
				t = nil
				return err
			}
		}
		added, err := t.bulkOne(ins, r)
		if err != nil {
			return err
		}
		if added {
			pending++
		}
		if inChunk++; inChunk == chunk {
			return commit()
		}
		return nil
	}
	err := produce(put)
	if err != nil {
		if t != nil {
			ins.Close()
			t.tx.Rollback()
		}
		return n, err
	}
	if t != nil {
		if err := commit(); err != nil {
			return n, err
		}
	}
	return n, nil
}

// bulkOne inserts one read of a bulk load; added is false for a duplicate.
func (t *Tx) bulkOne(ins *sql.Stmt, r *store.ReadRecord) (added bool, err error) {
	m := &r.Meta
	pid, err := t.plateID(m.Plate)
	if err != nil {
		return false, err
	}
	feats, _ := json.Marshal(nonNil(m.Features))
	res, err := ins.ExecContext(t.ctx, m.ID, m.CameraID, ms(m.CapturedAt), pid, m.State, m.Confidence,
		m.Make, m.Color, m.BodyType, string(feats), featureMask(m.Features),
		m.PlateBox.X, m.PlateBox.Y, m.PlateBox.W, m.PlateBox.H)
	if err != nil {
		return false, fmt.Errorf("store: bulk insert %s: %w", m.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return false, nil
	}
	if len(r.Photo) > 0 {
		rid, _ := res.LastInsertId()
		if _, err := t.exec(`INSERT INTO photos(rid, jpeg) VALUES (?, ?)`, rid, r.Photo); err != nil {
			return false, err
		}
	}
	return true, nil
}
