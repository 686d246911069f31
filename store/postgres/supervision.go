package postgres

import (
	"crypto/rand"
	"encoding/hex"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

// AuditRange calls fn for the entries in [from, to) of one action.
func (t *Tx) AuditRange(from, to time.Time, action string, fn func(api.AuditEntry) error) error {
	q := `SELECT ` + sqlrows.AuditCols + ` FROM audit WHERE at_ms >= $1 AND at_ms < $2`
	args := []any{from.UnixMilli(), to.UnixMilli()}
	if action != "" {
		q += ` AND action = $3`
		args = append(args, action)
	}
	return t.auditEach(q+` ORDER BY seq`, args, fn)
}

// GetAudit returns one entry.
func (t *Tx) GetAudit(seq int64) (*api.AuditEntry, error) {
	e, _, err := sqlrows.ScanAudit(t.row(`SELECT `+sqlrows.AuditCols+` FROM audit WHERE seq = $1`, seq))
	if err != nil {
		return nil, err
	}
	return &e, nil
}

// SampleSecret returns the meta key audit_sample_secret, creating it.
func (t *Tx) SampleSecret() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	if !t.readOnly {
		if _, err := t.exec(`INSERT INTO meta(key, value) VALUES ('audit_sample_secret', $1) ON CONFLICT(key) DO NOTHING`,
			hex.EncodeToString(b)); err != nil {
			return "", err
		}
	}
	var v string
	err := t.row(`SELECT value FROM meta WHERE key = 'audit_sample_secret'`).Scan(&v)
	return v, err
}

// InsertAuditReview stores a review.
func (t *Tx) InsertAuditReview(r api.AuditReview) error {
	_, err := t.exec(`INSERT INTO audit_reviews(id, seq, verdict, note, reviewer, at) VALUES ($1,$2,$3,$4,$5,$6)`,
		r.ID, r.Seq, r.Verdict, r.Note, r.Reviewer, r.At.UnixMicro())
	return err
}

// AuditReviews lists the reviews of one entry or of a period's entries.
func (t *Tx) AuditReviews(seq int64, from, to time.Time) ([]api.AuditReview, error) {
	q := `SELECT v.id, v.seq, v.verdict, v.note, v.reviewer, v.at FROM audit_reviews v`
	args := []any{seq}
	if seq > 0 {
		q += ` WHERE v.seq = $1`
	} else {
		q += ` JOIN audit a ON a.seq = v.seq WHERE a.at_ms >= $1 AND a.at_ms < $2`
		args = []any{from.UnixMilli(), to.UnixMilli()}
	}
	out, err := collect(t, q+` ORDER BY v.seq, v.at, v.id COLLATE "C"`, args, func(sc scanner) (api.AuditReview, error) {
		var r api.AuditReview
		var at int64
		err := sc.Scan(&r.ID, &r.Seq, &r.Verdict, &r.Note, &r.Reviewer, &at)
		r.At = time.UnixMicro(at).UTC()
		return r, err
	})
	if out == nil && err == nil {
		out = []api.AuditReview{}
	}
	return out, err
}

// InsertSearchReturns records returned reads in one statement (one round
// trip for a page of up to 500 reads).
func (t *Tx) InsertSearchReturns(searchID string, reads []store.ReturnedRead) error {
	ids := make([]string, len(reads))
	ats := make([]int64, len(reads))
	for i, r := range reads {
		ids[i], ats[i] = r.ID, ms(r.CapturedAt)
	}
	_, err := t.exec(`INSERT INTO search_returns(search_id, read_id, captured_at)
		SELECT $1, u.id, u.at FROM unnest($2::text[], $3::bigint[]) AS u(id, at) ON CONFLICT DO NOTHING`, searchID, ids, ats)
	return err
}

// SetSearchOutcome upserts a search outcome.
func (t *Tx) SetSearchOutcome(o api.SearchOutcomeRecord) error {
	_, err := t.exec(`INSERT INTO search_outcomes(search_id, outcome, note, by_user, at) VALUES ($1,$2,$3,$4,$5)
		ON CONFLICT(search_id) DO UPDATE SET outcome = excluded.outcome, note = excluded.note, by_user = excluded.by_user, at = excluded.at`,
		o.SearchID, o.Outcome, o.Note, o.By, ms(o.At))
	return err
}

// SearchFigures lists the period's searches with outcome and oldest read.
func (t *Tx) SearchFigures(from, to time.Time) ([]store.SearchFigure, error) {
	rows, err := t.query(`SELECT s.id, s.username, s.created_at, coalesce(o.outcome, ''),
		coalesce((SELECT min(r.captured_at) FROM search_returns r WHERE r.search_id = s.id), 0)
		FROM searches s LEFT JOIN search_outcomes o ON o.search_id = s.id
		WHERE s.created_at >= $1 AND s.created_at < $2 ORDER BY s.created_at, s.id COLLATE "C"`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.SearchFigure
	for rows.Next() {
		var f store.SearchFigure
		var created, oldest int64
		if err := rows.Scan(&f.ID, &f.Username, &created, &f.Outcome, &oldest); err != nil {
			return nil, err
		}
		f.CreatedAt, f.Oldest = fromMS(created), fromMS(oldest)
		out = append(out, f)
	}
	return out, classify(rows.Err())
}

// ReturnedReadIDs lists the reads returned by the period's searches.
func (t *Tx) ReturnedReadIDs(from, to time.Time) ([]string, error) {
	rows, err := t.query(`SELECT DISTINCT r.read_id COLLATE "C" FROM search_returns r JOIN searches s ON s.id = r.search_id
		WHERE s.created_at >= $1 AND s.created_at < $2 ORDER BY r.read_id COLLATE "C"`, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, classify(rows.Err())
}

// LatestVerdicts reads the verdicts from the audit trail, which outlives
// the reads themselves.
func (t *Tx) LatestVerdicts() (map[string]string, error) {
	rows, err := t.query(`SELECT CASE WHEN query LIKE '{%' THEN coalesce(query::jsonb->>'read_id', '') ELSE '' END,
		CASE WHEN query LIKE '{%' THEN coalesce(query::jsonb->>'status', '') ELSE '' END
		FROM audit WHERE action = $1 AND outcome = $2 ORDER BY seq`, store.ActionVerification, api.OutcomeAllowed)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, status string
		if err := rows.Scan(&id, &status); err != nil {
			return nil, err
		}
		if id != "" && status != "" {
			out[id] = status
		}
	}
	return out, classify(rows.Err())
}

// AlertCounts counts alerts by list.
func (t *Tx) AlertCounts(from, to time.Time) (map[string]int, error) {
	rows, err := t.query(`SELECT list, count(*) FROM alerts WHERE at >= $1 AND at < $2 GROUP BY list`,
		from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var list string
		var n int
		if err := rows.Scan(&list, &n); err != nil {
			return nil, err
		}
		out[list] = n
	}
	return out, classify(rows.Err())
}

// SearchCounts groups the period's search entries in SQL.
func (t *Tx) SearchCounts(from, to time.Time) ([]store.SearchCount, error) {
	rows, err := t.query(`SELECT substr(at, 1, 7), purpose_category, outcome, reason, actor, count(*) FROM audit
		WHERE action = $1 AND at_ms >= $2 AND at_ms < $3 GROUP BY 1, 2, 3, 4, 5`, store.ActionSearch, from.UnixMilli(), to.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.SearchCount
	for rows.Next() {
		var c store.SearchCount
		if err := rows.Scan(&c.Month, &c.Category, &c.Outcome, &c.Reason, &c.Actor, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, classify(rows.Err())
}
