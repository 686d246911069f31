// Package storagetest is the conformance suite of store.Storage: every
// behaviour the store relies on, table-driven, run by each backend's tests
// (store/sqlite, store/postgres) on a fresh storage:
//
//	func TestConformance(t *testing.T) {
//		storagetest.Run(t, func(t *testing.T) store.Storage { return openFresh(t) })
//	}
//
// Searches are checked against a brute-force reference computed in Go over
// a seeded world of a few thousand reads (world.go), so two backends that
// pass agree with each other read for read and in the same order.
package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"alprdesk/store"
)

// Opener returns a fresh, empty storage for one test; the opener arranges
// its closing (t.Cleanup).
type Opener func(t *testing.T) store.Storage

// Run runs every part of the suite, each on a fresh storage.
func Run(t *testing.T, open Opener) {
	for _, p := range parts {
		t.Run(p.name, func(t *testing.T) { p.run(t, open(t)) })
	}
}

// parts are the suite's parts, one subtest each.
var parts = []struct {
	name string
	run  func(*testing.T, store.Storage)
}{
	{"Users", testUsers},
	{"Tokens", testTokens},
	{"Cameras", testCameras},
	{"Meta", testMeta},
	{"Reads", testReads},
	{"Verification", testVerification},
	{"Search", testSearch},
	{"SearchPaging", testSearchPaging},
	{"SearchTies", testSearchTies},
	{"SearchTiesAcrossPlates", testSearchTiesAcrossPlates},
	{"SearchBothPlatesOnce", testSearchBothPlatesOnce},
	{"SwitchCandidates", testSwitchCandidates},
	{"Purge", testPurge},
	{"BulkInsert", testBulkInsert},
	{"ShiftReadTimes", testShiftReadTimes},
	{"Audit", testAudit},
	{"AuditConcurrentAppends", testAuditConcurrent},
	{"SearchesExportsIdempotency", testSearchesAndIdempotency},
	{"Rollback", testRollback},
	{"ConcurrentWrites", testConcurrentWrites},
	{"Hotlists", testHotlists},
	{"Alerts", testAlerts},
	{"Supervision", testSupervision},
	{"Training", testTraining},
	{"Auth", testAuth},
	{"Policy", testPolicy},
	{"Account", testAccount},
	{"AccountLists", testAccountLists},
}

// ctx is the context of every storage call of the suite.
var ctx = context.Background()

// base is the time the suite's records are laid around (milliseconds only,
// as storage keeps them).
var base = time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)

// update runs fn in a write transaction, failing the test on an error.
func update(t *testing.T, st store.Storage, fn func(store.Tx) error) {
	t.Helper()
	if err := st.Update(ctx, fn); err != nil {
		t.Fatalf("update: %v", err)
	}
}

// view runs fn in a read transaction, failing the test on an error.
func view(t *testing.T, st store.Storage, fn func(store.ReadTx) error) {
	t.Helper()
	if err := st.View(ctx, fn); err != nil {
		t.Fatalf("view: %v", err)
	}
}

// wantErr fails the test unless err is (or wraps) want.
func wantErr(t *testing.T, what string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Fatalf("%s: error %v, want %v", what, err, want)
	}
}

// errRollback is returned by transactions the suite rolls back on purpose.
var errRollback = errors.New("storagetest: roll back")
