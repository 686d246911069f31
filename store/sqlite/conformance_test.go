package sqlite_test

import (
	"path/filepath"
	"testing"

	"alprdesk/store"
	"alprdesk/store/sqlite"
	"alprdesk/store/storagetest"
)

// TestConformance runs the storage conformance suite on fresh SQLite files.
func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) store.Storage {
		st, err := sqlite.Open(filepath.Join(t.TempDir(), "store.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			if err := st.Close(); err != nil {
				t.Errorf("close: %v", err)
			}
		})
		return st
	})
}
