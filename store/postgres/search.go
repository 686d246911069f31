package postgres

import (
	"strings"
	"time"

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

// resolvePlates returns the dictionary ids matching the pattern: exact
// plates by the unique index, fuzzy whole plates by the canonical key,
// patterns by LIKE over plate (or canon), which the planner answers with
// the COLLATE "C" B-tree for a known prefix and the pg_trgm GIN index for a
// run of three or more known characters.
func (t *Tx) resolvePlates(p *plate.Pattern, fuzzy bool) ([]int64, error) {
	var q string
	var arg string
	switch {
	case p.IsExact() && !fuzzy:
		q, arg = `SELECT id FROM plates WHERE plate = $1`, p.String()
	case p.IsExact():
		q, arg = `SELECT id FROM plates WHERE canon = $1`, plate.Canonical(p.String())
	case fuzzy:
		q, arg = `SELECT id FROM plates WHERE canon COLLATE "C" LIKE $1`, like(p.CanonicalGLOB())
	default:
		q, arg = `SELECT id FROM plates WHERE plate COLLATE "C" LIKE $1`, like(p.GLOB())
	}
	return collect(t, q, []any{arg}, func(sc scanner) (int64, error) {
		var id int64
		return id, sc.Scan(&id)
	})
}

// SearchReads runs a resolved query: newest first (ties by storage
// sequence), keyset paging, a total counted up to CountCap.
func (t *Tx) SearchReads(q *store.ReadQuery) (*store.ReadPage, error) {
	w, empty, err := t.searchWhere(q)
	if err != nil {
		return nil, err
	}
	page := &store.ReadPage{Reads: []api.Read{}}
	if empty {
		return page, nil
	}
	if !q.SkipCount {
		n := 0
		args := append(append([]any(nil), w.args...), q.CountCap+1)
		err := t.row(`SELECT count(*) FROM (SELECT 1 FROM reads r`+w.clause()+` LIMIT $`+itoa(len(args))+`) x`, args...).Scan(&n)
		if err != nil {
			return nil, err
		}
		page.Total, page.Capped = min(n, q.CountCap), n > q.CountCap
	}
	if q.After != nil {
		w.add(`(r.captured_at, r.rid) < (?, ?)`, q.After.At, q.After.Seq)
	}
	w.args = append(w.args, q.Limit+1)
	rows, err := t.query(`SELECT `+sqlrows.ReadCols+sqlrows.ReadFrom+w.clause()+
		` ORDER BY r.captured_at DESC, r.rid DESC LIMIT $`+itoa(len(w.args)), w.args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	if err := sqlrows.FillPage(page, rows, q.Limit); err != nil {
		return nil, classify(err)
	}
	return page, classify(rows.Err())
}

// searchWhere builds the conditions over reads r; empty is true when no
// read can match (the pattern names no known plate, or no camera).
func (t *Tx) searchWhere(q *store.ReadQuery) (*where, bool, error) {
	w := &where{}
	if q.Pattern != nil {
		ids, err := t.resolvePlates(q.Pattern, q.Fuzzy)
		if err != nil || len(ids) == 0 {
			return nil, true, err
		}
		w.add(`(r.plate_id = ANY(?) OR r.v_plate_id = ANY(?))`, ids, ids)
	}
	if q.CameraIDs != nil {
		if len(q.CameraIDs) == 0 {
			return nil, true, nil
		}
		w.add(`r.camera_id = ANY(?)`, q.CameraIDs)
	}
	if !q.From.IsZero() {
		w.add(`r.captured_at >= ?`, ms(q.From))
	}
	if !q.To.IsZero() {
		w.add(`r.captured_at <= ?`, ms(q.To))
	}
	if q.State != "" {
		w.add(`r.state = ?`, q.State)
	}
	for _, f := range []struct{ col, v string }{{"make", q.Make}, {"color", q.Color}, {"body_type", q.BodyType}} {
		if f.v != "" {
			w.add(`lower(r.`+f.col+`) = lower(?)`, f.v)
		}
	}
	if m := featureMask(q.Features); m != 0 {
		w.add(`(r.feature_mask & ?) = ?`, m, m)
	}
	return w, false, nil
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
	rows, err := t.query(`SELECT p.plate, lower(r.make), lower(r.color) FROM reads r JOIN plates p ON p.id = r.plate_id
		WHERE p.plate = ANY($1) AND r.captured_at BETWEEN $2 AND $3 GROUP BY 1, 2, 3`, plates, ms(from), ms(to))
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
