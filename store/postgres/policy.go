package postgres

import "time"

// SearchReturned reports whether the search returned the read.
func (t *Tx) SearchReturned(searchID, readID string) (bool, error) {
	var n int
	err := t.row(`SELECT count(*) FROM search_returns WHERE search_id = $1 AND read_id = $2`, searchID, readID).Scan(&n)
	return n > 0, err
}

// SearchReturnCount counts the reads the search returned.
func (t *Tx) SearchReturnCount(searchID string) (int, error) {
	var n int
	err := t.row(`SELECT count(*) FROM search_returns WHERE search_id = $1`, searchID).Scan(&n)
	return n, err
}

// ReadRetained reports whether a retention exception holds the read.
func (t *Tx) ReadRetained(id string) (bool, error) {
	var n int
	err := t.row(`SELECT count(*) FROM retentions WHERE read_id = $1`, id).Scan(&n)
	return n > 0, err
}

// PurgeSearches deletes unretained searches created before the cut, the
// reads they returned and their outcomes, and unretained analyses with the
// reads they returned.
func (t *Tx) PurgeSearches(before time.Time) (int, error) {
	const old = `SELECT id FROM searches WHERE created_at < $1
		AND id NOT IN (SELECT search_id FROM retentions WHERE search_id <> '')`
	cut := ms(before)
	for _, table := range []string{"search_returns", "search_outcomes"} {
		if _, err := t.exec(`DELETE FROM `+table+` WHERE search_id IN (`+old+`)`, cut); err != nil {
			return 0, err
		}
	}
	const oldAnalyses = `SELECT id FROM analyses WHERE created_at < $1
		AND id NOT IN (SELECT search_id FROM retentions WHERE search_id <> '')`
	for _, q := range []string{`DELETE FROM analysis_reads WHERE analysis_id IN (` + oldAnalyses + `)`,
		`DELETE FROM analyses WHERE id IN (` + oldAnalyses + `)`} {
		if _, err := t.exec(q, cut); err != nil {
			return 0, err
		}
	}
	tag, err := t.exec(`DELETE FROM searches WHERE id IN (`+old+`)`, cut)
	return int(tag.RowsAffected()), err
}

// PurgeIdempotent deletes first answers stored before the cut.
func (t *Tx) PurgeIdempotent(before time.Time) (int, error) {
	tag, err := t.exec(`DELETE FROM idempotency WHERE created_at < $1`, ms(before))
	return int(tag.RowsAffected()), err
}
