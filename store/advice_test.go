package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"

	"alprdesk/store"
	"alprdesk/store/open"
)

// advising is a Storage whose Advice returns fixed lines or an error.
type advising struct {
	store.Storage
	lines []string
	err   error
}

func (a advising) Advice(context.Context) ([]string, error) { return a.lines, a.err }

// TestAdviceLogged: a node logs each line of its storage's advice when it
// starts, and that it could not read the settings when asking fails; the
// node opens either way.
func TestAdviceLogged(t *testing.T) {
	for _, c := range []struct {
		a    advising
		want []string
	}{
		{advising{lines: []string{"set huge_pages = on", "second"}}, []string{"store: set huge_pages = on", "store: second"}},
		{advising{err: errors.New("connection reset")}, []string{"store: could not read the database's settings: connection reset"}},
		{advising{err: errors.New("store: postgres db.example: connection reset")}, []string{"store: could not read the database's settings: postgres db.example: connection reset"}},
		{advising{}, nil},
	} {
		var mu sync.Mutex
		var logged []string
		logf := func(f string, args ...any) {
			mu.Lock()
			defer mu.Unlock()
			if l := fmt.Sprintf(f, args...); strings.Contains(l, "huge_pages") || strings.Contains(l, "second") ||
				strings.Contains(l, "settings") {
				logged = append(logged, l)
			}
		}
		a := c.a
		srv, err := store.Open(store.Config{DBPath: filepath.Join(t.TempDir(), "store.db"), PasswordCost: bcrypt.MinCost,
			PurgeEvery: -1, HotlistEvery: -1, Logf: logf,
			Open: func(ctx context.Context, dsn string) (store.Storage, error) {
				st, err := open.Open(ctx, dsn)
				a.Storage = st
				return a, err
			}})
		if err != nil {
			t.Fatal(err)
		}
		srv.Close()
		mu.Lock()
		if !slices.Equal(logged, c.want) {
			t.Errorf("logged %q, want %q", logged, c.want)
		}
		mu.Unlock()
	}
}
