// Package open opens a store backend from a --db name: a file path opens
// the embedded SQLite backend, a postgres:// or postgresql:// URL the
// PostgreSQL one. It is the one place that knows every backend, so that
// package store imports none of them.
package open

import (
	"context"
	"strings"

	"alprdesk/store"
	"alprdesk/store/postgres"
	"alprdesk/store/sqlite"
)

// IsURL reports whether dsn names a PostgreSQL database rather than a file.
func IsURL(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// Open opens the storage dsn names: a postgres:// or postgresql:// URL is
// a PostgreSQL database, anything else the path of an SQLite file
// (created when missing).
func Open(ctx context.Context, dsn string) (store.Storage, error) {
	return WithSQLite(sqlite.Options{})(ctx, dsn)
}

// WithSQLite returns an Open whose SQLite files are opened with o
// (durability, the readers' memory map); a PostgreSQL URL opens as Open
// does.
func WithSQLite(o sqlite.Options) func(ctx context.Context, dsn string) (store.Storage, error) {
	return func(ctx context.Context, dsn string) (store.Storage, error) {
		if IsURL(dsn) {
			return postgres.Open(ctx, dsn)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return sqlite.OpenWith(dsn, o)
	}
}
