package postgres_test

import (
	"context"
	"testing"

	"alprdesk/store"
	"alprdesk/store/postgres"
	"alprdesk/store/postgres/pgtest"
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
