package sqlite_test

import (
	"path/filepath"
	"testing"

	"alprdesk/store"
	"alprdesk/store/sqlite"
	"alprdesk/store/storagetest"
)

// openTemp opens a fresh SQLite file in the test's temp directory.
func openTemp(t *testing.T) store.Storage {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

func TestAnalysesConformance(t *testing.T) { storagetest.TestAnalyses(t, openTemp) }
