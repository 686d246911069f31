package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/sqlite"
)

// BenchmarkFlagsMonth computes the review queue of 30 days over an audit
// chain of 20,000 searches and 20,000 photo views by 40 users (SQLite).
func BenchmarkFlagsMonth(b *testing.B) {
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "flags.db"))
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	base := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	const n = 20000
	for batch := 0; batch < n; batch += 1000 {
		err := st.Update(context.Background(), func(tx store.Tx) error {
			for i := batch; i < batch+1000; i++ {
				at := base.Add(time.Duration(i) * 30 * 24 * time.Hour / n)
				user := fmt.Sprintf("det%02d", i%40)
				q, _ := json.Marshal(api.SearchRequest{Plate: fmt.Sprintf("%dABC%03d", i%7, i%997)})
				for _, e := range []*api.AuditEntry{
					{At: at, Actor: user, Role: api.RoleDetective, Action: store.ActionSearch, ReportNumber: fmt.Sprintf("26-%06d", i%3000),
						PurposeCategory: "robbery", Purpose: fmt.Sprintf("Robbery %d: suspect vehicle seen leaving", i), Query: string(q)},
					{At: at.Add(time.Second), Actor: user, Role: api.RoleDetective, Action: store.ActionPhotoView, Query: `{"read_id":"r"}`},
				} {
					if err := store.AppendAudit(tx, e); err != nil {
						return err
					}
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	loc, _ := time.LoadLocation("America/Los_Angeles")
	flags := 0
	for b.Loop() {
		err := st.View(context.Background(), func(tx store.ReadTx) error {
			fs, err := store.Flags(tx, base, base.AddDate(0, 0, 30), loc)
			flags = len(fs)
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(flags), "flags")
}
