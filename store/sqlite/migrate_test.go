package sqlite

import (
	"context"
	"database/sql"
	"path/filepath"
	"slices"
	"testing"

	"alprdesk/api/plate"
	"alprdesk/store"
)

// TestPlateTrigramMigration opens a database of schema version 9, whose
// trigram index holds plates and canonical plates, and checks that
// migration 10 rebuilds it over the plates alone, with the plates stored
// before it found by plain and fuzzy patterns, and that the index agrees
// with its content (FTS5's integrity check).
func TestPlateTrigramMigration(t *testing.T) {
	path := filepath.Join(t.TempDir(), "v9.db")
	db, err := sql.Open("sqlite3", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`CREATE TABLE schema_version(version INTEGER NOT NULL); INSERT INTO schema_version VALUES (9)`); err != nil {
		t.Fatal(err)
	}
	for i, m := range migrations[:9] {
		if _, err := db.Exec(m); err != nil {
			t.Fatalf("migration %d: %v", i+1, err)
		}
	}
	plates := []string{"8FZO123", "8FZ0123", "7ABC123", "ZO12"}
	for i, p := range plates {
		if _, err := db.Exec(`INSERT INTO plates(id, plate, canon) VALUES (?, ?, ?)`, i+1, p, plate.Canonical(p)); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var v int
	if err := s.w.QueryRow(`SELECT version FROM schema_version`).Scan(&v); err != nil || v != len(migrations) {
		t.Fatalf("schema version %d (%v), want %d", v, err, len(migrations))
	}
	rows, err := s.w.Query(`SELECT * FROM plates_fts LIMIT 0`)
	if err != nil {
		t.Fatal(err)
	}
	cols, _ := rows.Columns()
	rows.Close()
	if !slices.Equal(cols, []string{"plate"}) {
		t.Fatalf("plates_fts columns %q, want [plate]", cols)
	}
	if _, err := s.w.Exec(`INSERT INTO plates_fts(plates_fts) VALUES ('integrity-check')`); err != nil {
		t.Fatalf("integrity check: %v", err)
	}
	for _, c := range []struct {
		pattern string
		fuzzy   bool
		want    []int64
	}{
		{"*FZO*", false, []int64{1}},
		{"*Z0I2*", true, []int64{1, 2, 4}},
		{"8F2?1?3", true, []int64{1, 2}},
		{"7A8*", true, []int64{3}},
		{"7A8*", false, nil},
	} {
		err := s.View(context.Background(), func(rt store.ReadTx) error {
			got, err := rt.(*Tx).trigramPlates(mustParse(t, c.pattern), c.fuzzy)
			slices.Sort(got)
			if err == nil && !slices.Equal(got, c.want) {
				t.Errorf("%s (fuzzy %v): plates %v, want %v", c.pattern, c.fuzzy, got, c.want)
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

// mustParse parses a plate pattern or fails the test.
func mustParse(t *testing.T, s string) *plate.Pattern {
	t.Helper()
	p, err := plate.ParsePattern(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}
