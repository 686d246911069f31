package postgres_test

import (
	"context"
	"path/filepath"
	"testing"

	"alprdesk/store"
	"alprdesk/store/postgres"
	"alprdesk/store/postgres/pgtest"
	"alprdesk/store/sqlite"
	"alprdesk/store/storagetest"
)

// openFresh opens the backend on a database of the test's own.
func openFresh(t *testing.T) *postgres.Storage {
	st, err := postgres.Open(context.Background(), pgtest.DSN(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// TestConformance runs the storage conformance suite on fresh databases.
func TestConformance(t *testing.T) {
	pgtest.Require(t)
	storagetest.Run(t, func(t *testing.T) store.Storage { return openFresh(t) })
}

// TestAnalysesConformance checks the analyses' storage against the
// brute-force references of the suite.
func TestAnalysesConformance(t *testing.T) {
	pgtest.Require(t)
	storagetest.TestAnalyses(t, func(t *testing.T) store.Storage { return openFresh(t) })
}

// TestSameAnswersAsSQLite loads one seeded world into SQLite and
// PostgreSQL and compares every search's pages.
func TestSameAnswersAsSQLite(t *testing.T) {
	pgtest.Require(t)
	lite, err := sqlite.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer lite.Close()
	storagetest.Compare(t, lite, openFresh(t))
}
