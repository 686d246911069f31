package store_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/sqlite"
)

// supervisionBenchSearches is the size of the audit trail the supervision
// benchmarks run on: a year of searches by 200 users, each returning
// reads, a third of them verified, some marked with an outcome.
const supervisionBenchSearches = 100000

// loadSupervisionWorld writes the year straight through the storage layer.
func loadSupervisionWorld(b *testing.B) (store.Storage, time.Time) {
	b.Helper()
	st, err := sqlite.Open(filepath.Join(b.TempDir(), "supervision.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	step := 365 * 24 * time.Hour / supervisionBenchSearches
	const batch = 5000
	for lo := 0; lo < supervisionBenchSearches; lo += batch {
		err := st.Update(context.Background(), func(tx store.Tx) error {
			for i := lo; i < lo+batch; i++ {
				at := start.Add(time.Duration(i) * step)
				user := fmt.Sprintf("user%03d", i%200)
				id := fmt.Sprintf("s_%07d", i)
				req := api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery",
					Purpose: "Armed robbery at 73rd Ave; silver sedan"}, Plate: "7ABC123"}
				if err := tx.InsertSearch(&store.SearchRecord{ID: id, Username: user, CreatedAt: at, Request: req}); err != nil {
					return err
				}
				e := &api.AuditEntry{At: at, Actor: user, Role: api.RoleDetective, Action: store.ActionSearch, ReportNumber: req.ReportNumber,
					PurposeCategory: req.PurposeCategory, Purpose: req.Purpose, Query: `{"plate":"7ABC123"}`, ResultCount: 3}
				if i%50 == 0 {
					e.Outcome, e.Reason = api.OutcomeRefused, api.CodeProhibitedPurpose
				}
				if err := store.AppendAudit(tx, e); err != nil {
					return err
				}
				reads := []store.ReturnedRead{{fmt.Sprintf("r%07d", i), at.Add(-time.Hour)}, {fmt.Sprintf("r%07d", i+1), at.Add(-48 * time.Hour)}}
				if err := tx.InsertSearchReturns(id, reads); err != nil {
					return err
				}
				if i%3 == 0 {
					v := &api.AuditEntry{At: at, Actor: user, Role: api.RoleDetective, Action: store.ActionVerification,
						Query: fmt.Sprintf(`{"read_id":"r%07d","status":"confirmed"}`, i)}
					if err := store.AppendAudit(tx, v); err != nil {
						return err
					}
				}
				if i%7 == 0 {
					if err := tx.SetSearchOutcome(api.SearchOutcomeRecord{SearchID: id, Outcome: api.LedToLead, By: user, At: at}); err != nil {
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
	return st, start
}

// BenchmarkEfficacyYear computes a whole year's efficacy report.
func BenchmarkEfficacyYear(b *testing.B) {
	st, start := loadSupervisionWorld(b)
	b.ResetTimer()
	for b.Loop() {
		err := st.View(context.Background(), func(tx store.ReadTx) error {
			e, err := store.Efficacy(tx, start, start.AddDate(1, 0, 0))
			if err == nil && e.TotalSearches() == 0 {
				err = fmt.Errorf("no searches counted")
			}
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAuditSampleMonth draws a month's sample keys (about 8,300 searches).
func BenchmarkAuditSampleMonth(b *testing.B) {
	st, start := loadSupervisionWorld(b)
	b.ResetTimer()
	for b.Loop() {
		n := 0
		err := st.View(context.Background(), func(tx store.ReadTx) error {
			return tx.AuditRange(start.AddDate(0, 5, 0), start.AddDate(0, 6, 0), store.ActionSearch, func(e api.AuditEntry) error {
				_ = store.SampleKey("secret", "2026-06", e.Seq)
				n++
				return nil
			})
		})
		if err != nil || n == 0 {
			b.Fatal(err, n)
		}
	}
}
