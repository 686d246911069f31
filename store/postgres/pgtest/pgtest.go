// Package pgtest gives tests a fresh PostgreSQL database of their own on
// the server ALPR_TEST_POSTGRES names (a postgres:// URL of a user allowed
// to create databases), dropped when the test ends, so that test packages
// run in parallel on one server. Without ALPR_TEST_POSTGRES the test is
// skipped, unless ALPR_REQUIRE_POSTGRES=1, which fails it instead.
package pgtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the variable holding the server's URL.
const EnvURL = "ALPR_TEST_POSTGRES"

// EnvRequire names the variable that turns a missing server into a failure.
const EnvRequire = "ALPR_REQUIRE_POSTGRES"

// EnvStoreBackend names the variable that moves the HTTP-level store tests
// (store/storetest's Start) onto PostgreSQL: "postgres" runs them on a
// fresh database of the server ALPR_TEST_POSTGRES names; anything else
// (the default) on a SQLite file. make test runs the store's HTTP tests
// once each way; the PostgreSQL-only tests (conformance, two nodes) need
// only ALPR_TEST_POSTGRES.
const EnvStoreBackend = "ALPR_TEST_STORE_BACKEND"

// Enabled reports whether a test server is configured.
func Enabled() bool { return os.Getenv(EnvURL) != "" }

// StoreOnPostgres reports whether the HTTP-level store tests are asked to
// run on PostgreSQL (ALPR_TEST_STORE_BACKEND=postgres).
func StoreOnPostgres() bool { return os.Getenv(EnvStoreBackend) == "postgres" }

// Require skips (or, with ALPR_REQUIRE_POSTGRES=1, fails) t when no test
// server is configured.
func Require(t testing.TB) {
	t.Helper()
	if Enabled() {
		return
	}
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("pgtest: %s=1 but %s is not set", EnvRequire, EnvURL)
	}
	t.Skipf("pgtest: %s is not set (a postgres:// URL); skipping the PostgreSQL test", EnvURL)
}

// DSN creates an empty database and returns its URL; the database is
// dropped (its connections ended) when t ends.
func DSN(t testing.TB) string {
	t.Helper()
	Require(t)
	admin := os.Getenv(EnvURL)
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("pgtest: %s: %v", EnvURL, err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	name := "alprtest_" + hex.EncodeToString(b)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	exec(ctx, t, admin, `CREATE DATABASE `+name)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		exec(ctx, t, admin, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`)
	})
	u.Path = "/" + name
	return u.String()
}

// exec runs one statement on its own connection to url.
func exec(ctx context.Context, t testing.TB, url, sql string) {
	t.Helper()
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatalf("pgtest: connect to the test server: %v", err)
	}
	defer c.Close(ctx)
	if _, err := c.Exec(ctx, sql); err != nil {
		t.Fatalf("pgtest: %s: %v", sql, err)
	}
}
