package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"alprdesk/store"
)

// TestReadersSettings checks what every reader connection is opened with:
// query-only, and memory-mapped I/O only when Options.ReaderMmap asks
// (capped by SQLite's compiled-in maximum, but on); the writer maps
// nothing. A negative size is refused before anything is created.
func TestReadersSettings(t *testing.T) {
	for _, mmap := range []int64{0, 64 << 20, 1 << 40} {
		s, err := OpenWith(filepath.Join(t.TempDir(), "store.db"), Options{ReaderMmap: mmap})
		if err != nil {
			t.Fatal(err)
		}
		err = s.View(context.Background(), func(rt store.ReadTx) error {
			tx := rt.(*Tx)
			var got, queryOnly int64
			if err := tx.row(`PRAGMA mmap_size`).Scan(&got); err != nil {
				return err
			}
			if err := tx.row(`PRAGMA query_only`).Scan(&queryOnly); err != nil {
				return err
			}
			if (mmap == 0) != (got == 0) || got > mmap || queryOnly != 1 {
				t.Errorf("reader mmap_size %d (asked %d), query_only %d", got, mmap, queryOnly)
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
		s.Close()
	}
	path := filepath.Join(t.TempDir(), "refused.db")
	if _, err := OpenWith(path, Options{ReaderMmap: -1}); err == nil || !strings.Contains(err.Error(), "negative") {
		t.Fatalf("negative mmap size: %v", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("refused open left %s behind (%v)", path, err)
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
