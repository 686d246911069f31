package cache

import (
	"context"
	"time"
)

// PurgeStats counts what a purge removed.
type PurgeStats struct {
	Results, Photos, Searches, Refusals, Verdicts int64
}

// Purge removes everything captured (results, photos) or saved (searches,
// recorded refusals, verdicts still waiting in the outbox: the store would
// refuse them as outside the retention period) more than the retention
// period ago, by the cache's clock. Open runs it, and then every PurgeEvery.
func (c *Cache) Purge() (PurgeStats, error) {
	var st PurgeStats
	cut := c.cutoff().Unix()
	tx, err := c.db.Begin()
	if err != nil {
		return st, err
	}
	defer tx.Rollback()
	for _, q := range []struct {
		sql string
		n   *int64
	}{
		{`DELETE FROM results WHERE captured_at < ?`, &st.Results},
		{`DELETE FROM photos WHERE captured_at < ?`, &st.Photos},
		{`DELETE FROM searches WHERE saved_at < ?`, &st.Searches},
		{`DELETE FROM refusals WHERE at < ?`, &st.Refusals},
		{`DELETE FROM outbox WHERE kind = '` + KindVerification + `' AND created_at < ?`, &st.Verdicts},
	} {
		res, err := tx.Exec(q.sql, cut)
		if err != nil {
			return st, err
		}
		*q.n, _ = res.RowsAffected()
	}
	return st, tx.Commit()
}

// startPurger runs Purge every period until Close.
func (c *Cache) startPurger(every time.Duration) {
	ctx, cancel := context.WithCancel(context.Background())
	c.stop, c.done = cancel, make(chan struct{})
	go func() {
		defer close(c.done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := c.Purge(); err != nil {
					c.logf("cache: purge: %v", err)
				}
			}
		}
	}()
}
