package sqlite

import "time"

// SearchReturned reports whether the search returned the read.
func (t *Tx) SearchReturned(searchID, readID string) (bool, error) {
	var n int
	err := t.row(`SELECT count(*) FROM search_returns WHERE search_id = ? AND read_id = ?`, searchID, readID).Scan(&n)
	return n > 0, err
}

// SearchReturnCount counts the reads the search returned.
func (t *Tx) SearchReturnCount(searchID string) (int, error) {
	var n int
	err := t.row(`SELECT count(*) FROM search_returns WHERE search_id = ?`, searchID).Scan(&n)
	return n, err
}

// ReadRetained reports whether a retention exception holds the read.
func (t *Tx) ReadRetained(id string) (bool, error) {
	var n int
	err := t.row(`SELECT count(*) FROM reads WHERE id = ? AND retained <> 0`, id).Scan(&n)
	return n > 0, err
}

// PurgeSearches deletes unretained searches created before the cut and
// the reads they returned.
func (t *Tx) PurgeSearches(before time.Time) (int, error) {
	const old = `SELECT id FROM searches WHERE created_at < ?
		AND id NOT IN (SELECT search_id FROM retentions WHERE search_id <> '')`
	cut := ms(before)
	if _, err := t.exec(`DELETE FROM search_returns WHERE search_id IN (`+old+`)`, cut); err != nil {
		return 0, err
	}
	res, err := t.exec(`DELETE FROM searches WHERE id IN (`+old+`)`, cut)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// PurgeIdempotent deletes first answers stored before the cut.
func (t *Tx) PurgeIdempotent(before time.Time) (int, error) {
	res, err := t.exec(`DELETE FROM idempotency WHERE created_at < ?`, ms(before))
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	return int(n), err
}
