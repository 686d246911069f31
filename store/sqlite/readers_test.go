package sqlite

import (
	"context"
	"path/filepath"
	"sync"
	"testing"

	"alprdesk/store"
)

// TestReadersSettings checks what every reader connection is opened with:
// query-only and memory-mapped I/O (capped by SQLite's compiled-in maximum,
// but on); the writer maps nothing.
func TestReadersSettings(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	err = s.View(context.Background(), func(rt store.ReadTx) error {
		tx := rt.(*Tx)
		var mmap, queryOnly int64
		if err := tx.row(`PRAGMA mmap_size`).Scan(&mmap); err != nil {
			return err
		}
		if err := tx.row(`PRAGMA query_only`).Scan(&queryOnly); err != nil {
			return err
		}
		if mmap <= 0 || mmap > readerMmap || queryOnly != 1 {
			t.Errorf("reader mmap_size %d (asked %d), query_only %d", mmap, int64(readerMmap), queryOnly)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var writerMmap int64
	if err := s.w.QueryRow(`PRAGMA mmap_size`).Scan(&writerMmap); err != nil || writerMmap != 0 {
		t.Fatalf("writer mmap_size %d (%v), want 0", writerMmap, err)
	}
}

// TestReadersStayOpen runs as many Views at once as there are reader
// connections, several times over, and checks that no reader was closed
// for being idle: each keeps its page cache, prepared statements and
// memory mapping between searches.
func TestReadersStayOpen(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	n := readerConns()
	for round := range 5 {
		var entered sync.WaitGroup
		entered.Add(n)
		errs := make(chan error, n)
		for range n {
			go func() {
				errs <- s.View(context.Background(), func(rt store.ReadTx) error {
					entered.Done()
					entered.Wait() // every reader is in use at once
					var one int
					return rt.(*Tx).row(`SELECT 1`).Scan(&one)
				})
			}()
		}
		for range n {
			if err := <-errs; err != nil {
				t.Fatalf("round %d: %v", round, err)
			}
		}
	}
	st := s.r.Stats()
	if st.MaxIdleClosed != 0 || st.OpenConnections != n {
		t.Fatalf("readers: %d open (want %d), %d closed for being idle (want 0)", st.OpenConnections, n, st.MaxIdleClosed)
	}
}
