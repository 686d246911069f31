package sqlite

import (
	"fmt"
	"slices"
	"time"
)

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

// PurgeSearches deletes unretained searches created before the cut, the
// reads they returned and their outcomes, and unretained analyses with the
// reads they returned.
func (t *Tx) PurgeSearches(before time.Time) (int, error) {
	const old = `SELECT id FROM searches WHERE created_at < ?
		AND id NOT IN (SELECT search_id FROM retentions WHERE search_id <> '')`
	cut := ms(before)
	for _, table := range []string{"search_returns", "search_outcomes"} {
		if _, err := t.exec(`DELETE FROM `+table+` WHERE search_id IN (`+old+`)`, cut); err != nil {
			return 0, err
		}
	}
	const oldAnalyses = `SELECT id FROM analyses WHERE created_at < ?
		AND id NOT IN (SELECT search_id FROM retentions WHERE search_id <> '')`
	for _, q := range []string{`DELETE FROM analysis_reads WHERE analysis_id IN (` + oldAnalyses + `)`,
		`DELETE FROM analyses WHERE id IN (` + oldAnalyses + `)`} {
		if _, err := t.exec(q, cut); err != nil {
			return 0, err
		}
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

// purgeOrphanPlates deletes the dictionary plates no read names any more
// (as read or as verified text), with their trigram index entries, so a
// purged read's plate leaves no trace in the dictionary. The in-memory
// dictionary drops them when the transaction commits.
func (t *Tx) purgeOrphanPlates() error {
	rows, err := t.query(`SELECT id, plate, canon FROM plates p
		WHERE NOT EXISTS (SELECT 1 FROM reads r WHERE r.plate_id = p.id)
		AND NOT EXISTS (SELECT 1 FROM reads r WHERE r.v_plate_id = p.id)`)
	if err != nil {
		return err
	}
	var gone []dictEntry
	for rows.Next() {
		var e dictEntry
		if err := rows.Scan(&e.id, &e.plate, &e.canon); err != nil {
			rows.Close()
			return err
		}
		gone = append(gone, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(gone) == 0 {
		return err
	}
	for _, e := range gone {
		if _, err := t.exec(`INSERT INTO plates_fts(plates_fts, rowid, plate, canon) VALUES ('delete', ?, ?, ?)`,
			e.id, e.plate, e.canon); err != nil {
			return fmt.Errorf("store: unindex plate: %w", err)
		}
		if _, err := t.exec(`DELETE FROM plates WHERE id = ?`, e.id); err != nil {
			return err
		}
	}
	t.gonePlates = append(t.gonePlates, gone...)
	return nil
}

// remove drops plates from the in-memory dictionary (a purge removed
// them from the database).
func (d *plateDict) remove(gone []dictEntry) {
	if len(gone) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	ids := make(map[int64]bool, len(gone))
	for _, e := range gone {
		ids[e.id] = true
		if d.ids[e.plate] == e.id {
			delete(d.ids, e.plate)
		}
		kept := slices.DeleteFunc(d.byCanon[e.canon], func(id int64) bool { return id == e.id })
		if len(kept) == 0 {
			delete(d.byCanon, e.canon)
		} else {
			d.byCanon[e.canon] = kept
		}
	}
	d.packed.Remove(ids)
}
