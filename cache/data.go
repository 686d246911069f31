package cache

import (
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"alprdesk/api"
)

// CachedSearch is a search kept in the cache.
type CachedSearch struct {
	SearchID string `json:"search_id"`
	// Case is the case context the search ran under.
	Case api.CaseContext `json:"case"`
	// Request is the search as sent (without cursor).
	Request     api.SearchRequest `json:"request"`
	Total       int               `json:"total"`
	TotalCapped bool              `json:"total_capped"`
	// NextCursor continues the search on the store ("" at the end).
	NextCursor string    `json:"next_cursor"`
	SavedAt    time.Time `json:"saved_at"`
	// Results are the cached reads, in the store's order (Search only).
	Results []api.Read `json:"-"`
	// Count is the number of cached results.
	Count int `json:"-"`
}

func (c *Cache) cutoff() time.Time {
	c.mu.Lock()
	days := c.retention
	c.mu.Unlock()
	return c.now().AddDate(0, 0, -days)
}

// PutSearch caches a search answer. A first page (req.Cursor == "")
// replaces what was cached under its search_id; a later page appends.
// Reads already outside the retention period are not kept.
func (c *Cache) PutSearch(req api.SearchRequest, resp *api.SearchResponse) error {
	if resp == nil || resp.SearchID == "" {
		return errors.New("cache: a search answer without search_id cannot be cached")
	}
	cursor := req.Cursor
	req.Cursor = ""
	meta := CachedSearch{SearchID: resp.SearchID, Case: req.CaseContext, Request: req, Total: resp.Total,
		TotalCapped: resp.TotalCapped, NextCursor: resp.NextCursor, SavedAt: c.now().UTC()}
	sealed, err := c.box.sealJSON(meta, "search:"+resp.SearchID)
	if err != nil {
		return err
	}
	tx, err := c.db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO searches(search_id, saved_at, data) VALUES(?, ?, ?)
		ON CONFLICT(search_id) DO UPDATE SET saved_at = excluded.saved_at, data = excluded.data`,
		resp.SearchID, meta.SavedAt.Unix(), sealed); err != nil {
		return err
	}
	pos := 0
	if cursor == "" {
		if _, err := tx.Exec(`DELETE FROM results WHERE search_id = ?`, resp.SearchID); err != nil {
			return err
		}
	} else if err := tx.QueryRow(`SELECT coalesce(max(pos) + 1, 0) FROM results WHERE search_id = ?`,
		resp.SearchID).Scan(&pos); err != nil {
		return err
	}
	cut := c.cutoff()
	for _, r := range resp.Results {
		if r.CapturedAt.Before(cut) {
			continue
		}
		if err := c.putResult(tx, resp.SearchID, pos, r); err != nil {
			return err
		}
		pos++
	}
	return tx.Commit()
}

func resultAD(searchID string, pos int) string { return fmt.Sprintf("result:%s:%d", searchID, pos) }

func (c *Cache) putResult(tx *sql.Tx, searchID string, pos int, r api.Read) error {
	sealed, err := c.box.sealJSON(r, resultAD(searchID, pos))
	if err != nil {
		return err
	}
	_, err = tx.Exec(`INSERT OR REPLACE INTO results(search_id, pos, read_key, captured_at, data) VALUES(?, ?, ?, ?, ?)`,
		searchID, pos, c.box.lookup("read", r.ID), r.CapturedAt.Unix(), sealed)
	return err
}

// Search returns a cached search with its results, or ErrNotCached.
func (c *Cache) Search(searchID string) (*CachedSearch, error) {
	s, err := c.searchMeta(searchID)
	if err != nil {
		return nil, err
	}
	rows, err := c.db.Query(`SELECT pos, data FROM results WHERE search_id = ? ORDER BY pos`, searchID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pos int
		var data []byte
		if err := rows.Scan(&pos, &data); err != nil {
			return nil, err
		}
		var r api.Read
		if err := c.box.openJSON(data, resultAD(searchID, pos), &r); err != nil {
			return nil, err
		}
		s.Results = append(s.Results, r)
	}
	s.Count = len(s.Results)
	return s, rows.Err()
}

func (c *Cache) searchMeta(searchID string) (*CachedSearch, error) {
	var data []byte
	err := c.db.QueryRow(`SELECT data FROM searches WHERE search_id = ?`, searchID).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotCached
	}
	if err != nil {
		return nil, err
	}
	var s CachedSearch
	if err := c.box.openJSON(data, "search:"+searchID, &s); err != nil {
		return nil, err
	}
	return &s, nil
}

// Searches lists cached searches, newest first, without their results
// (Count says how many are cached). limit <= 0 means 50.
func (c *Cache) Searches(limit int) ([]CachedSearch, error) {
	if limit <= 0 {
		limit = 50
	}
	rows, err := c.db.Query(`SELECT s.search_id, s.data, (SELECT count(*) FROM results r WHERE r.search_id = s.search_id)
		FROM searches s ORDER BY s.saved_at DESC, s.rowid DESC LIMIT ?`, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []CachedSearch
	for rows.Next() {
		var id string
		var data []byte
		var n int
		if err := rows.Scan(&id, &data, &n); err != nil {
			return nil, err
		}
		var s CachedSearch
		if err := c.box.openJSON(data, "search:"+id, &s); err != nil {
			return nil, err
		}
		s.Count = n
		out = append(out, s)
	}
	return out, rows.Err()
}

// UpdateRead replaces every cached copy of r (by its id), e.g. after a
// verification. It reports how many copies changed.
func (c *Cache) UpdateRead(r api.Read) (int, error) {
	tx, err := c.db.Begin()
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	rows, err := tx.Query(`SELECT search_id, pos FROM results WHERE read_key = ?`, c.box.lookup("read", r.ID))
	if err != nil {
		return 0, err
	}
	type place struct {
		id  string
		pos int
	}
	var places []place
	for rows.Next() {
		var p place
		if err := rows.Scan(&p.id, &p.pos); err != nil {
			rows.Close()
			return 0, err
		}
		places = append(places, p)
	}
	rows.Close()
	for _, p := range places {
		if err := c.putResult(tx, p.id, p.pos, r); err != nil {
			return 0, err
		}
	}
	return len(places), tx.Commit()
}

func photoAD(key []byte) string { return "photo:" + hex.EncodeToString(key) }

// touch returns a strictly increasing use stamp for the LRU.
func (c *Cache) touch() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := c.now().UnixNano()
	if t <= c.lastTouch {
		t = c.lastTouch + 1
	}
	c.lastTouch = t
	return t
}

// PutPhoto caches a read's JPEG, then evicts the least recently used
// photos beyond the cap. A photo captured outside the retention period is
// not kept.
func (c *Cache) PutPhoto(readID string, capturedAt time.Time, jpeg []byte) error {
	if capturedAt.Before(c.cutoff()) {
		return nil
	}
	key := c.box.lookup("read", readID)
	sealed, err := c.box.seal(jpeg, photoAD(key))
	if err != nil {
		return err
	}
	_, err = c.db.Exec(`INSERT OR REPLACE INTO photos(read_key, captured_at, size, data, last_used) VALUES(?, ?, ?, ?, ?)`,
		key, capturedAt.Unix(), len(jpeg), sealed, c.touch())
	if err != nil {
		return err
	}
	return c.evictPhotos()
}

// Photo returns a cached photo (and marks it used), or ErrNotCached.
func (c *Cache) Photo(readID string) ([]byte, error) {
	key := c.box.lookup("read", readID)
	var data []byte
	err := c.db.QueryRow(`SELECT data FROM photos WHERE read_key = ?`, key).Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotCached
	}
	if err != nil {
		return nil, err
	}
	p, err := c.box.open(data, photoAD(key))
	if err != nil {
		return nil, err
	}
	if _, err := c.db.Exec(`UPDATE photos SET last_used = ? WHERE read_key = ?`, c.touch(), key); err != nil {
		return nil, err
	}
	return p, nil
}

// PhotoUsage reports the number of cached photos and their total size.
func (c *Cache) PhotoUsage() (count int, bytes int64, err error) {
	err = c.db.QueryRow(`SELECT count(*), coalesce(sum(size), 0) FROM photos`).Scan(&count, &bytes)
	return count, bytes, err
}

// SetPhotoCap changes the photo cap (bytes) and evicts at once.
func (c *Cache) SetPhotoCap(limit int64) error {
	if limit <= 0 {
		return fmt.Errorf("cache: the photo cap must be positive, not %d", limit)
	}
	c.mu.Lock()
	c.photoCap = limit
	c.mu.Unlock()
	return c.evictPhotos()
}

// evictPhotos deletes least recently used photos until under the cap.
func (c *Cache) evictPhotos() error {
	c.mu.Lock()
	limit := c.photoCap
	c.mu.Unlock()
	_, total, err := c.PhotoUsage()
	if err != nil || total <= limit {
		return err
	}
	rows, err := c.db.Query(`SELECT read_key, size FROM photos ORDER BY last_used`)
	if err != nil {
		return err
	}
	var victims [][]byte
	for rows.Next() && total > limit {
		var key []byte
		var size int64
		if err := rows.Scan(&key, &size); err != nil {
			rows.Close()
			return err
		}
		victims = append(victims, key)
		total -= size
	}
	rows.Close()
	for _, k := range victims {
		if _, err := c.db.Exec(`DELETE FROM photos WHERE read_key = ?`, k); err != nil {
			return err
		}
	}
	return nil
}

// MaxRecentCases is how many recent cases are kept.
const MaxRecentCases = 20

// AddRecentCase records a case context as used now.
func (c *Cache) AddRecentCase(cc api.CaseContext) error {
	canon, _ := json.Marshal(cc)
	key := c.box.lookup("case", string(canon))
	sealed, err := c.box.seal(canon, "case:"+hex.EncodeToString(key))
	if err != nil {
		return err
	}
	if _, err := c.db.Exec(`INSERT OR REPLACE INTO recent_cases(case_key, used_at, data) VALUES(?, ?, ?)`,
		key, c.touch(), sealed); err != nil {
		return err
	}
	_, err = c.db.Exec(`DELETE FROM recent_cases WHERE case_key NOT IN
		(SELECT case_key FROM recent_cases ORDER BY used_at DESC LIMIT ?)`, MaxRecentCases)
	return err
}

// RecentCases lists recently used case contexts, most recent first.
func (c *Cache) RecentCases() ([]api.CaseContext, error) {
	rows, err := c.db.Query(`SELECT case_key, data FROM recent_cases ORDER BY used_at DESC`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []api.CaseContext
	for rows.Next() {
		var key, data []byte
		if err := rows.Scan(&key, &data); err != nil {
			return nil, err
		}
		var cc api.CaseContext
		if err := c.box.openJSON(data, "case:"+hex.EncodeToString(key), &cc); err != nil {
			return nil, err
		}
		out = append(out, cc)
	}
	return out, rows.Err()
}

// Setting returns a per-user setting (plain text: never put plate data
// here); ok is false when unset.
func (c *Cache) Setting(name string) (value string, ok bool, err error) {
	err = c.db.QueryRow(`SELECT value FROM settings WHERE name = ?`, name).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return value, err == nil, err
}

// SetSetting stores a per-user setting.
func (c *Cache) SetSetting(name, value string) error {
	_, err := c.db.Exec(`INSERT OR REPLACE INTO settings(name, value) VALUES(?, ?)`, name, value)
	return err
}
