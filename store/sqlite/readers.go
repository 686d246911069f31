package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"runtime"

	"github.com/mattn/go-sqlite3"
)

// connector opens connections of one DSN through a driver of its own, so
// that a pool can run a hook on each new connection without registering a
// driver name globally.
type connector struct {
	dsn string
	drv *sqlite3.SQLiteDriver
}

// Connect opens a connection.
func (c connector) Connect(context.Context) (driver.Conn, error) { return c.drv.Open(c.dsn) }

// Driver is the connector's driver.
func (c connector) Driver() driver.Driver { return c.drv }

// readerMmap is the memory-mapped I/O each reader connection asks for:
// pages of the mapped part of the file are read in place, without a
// system call and a copy each. SQLite caps it at its compiled-in maximum,
// 2 GiB in this build (SQLITE_MAX_MMAP_SIZE), so of a larger file the rest
// is read as before. Only the readers map the file; the writer does not.
const readerMmap = 1 << 36

// openReaders opens the reader pool of dsn, with readerMmap bytes of
// memory-mapped I/O on each connection.
func openReaders(dsn string) *sql.DB {
	drv := &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", int64(readerMmap)), nil)
		return err
	}}
	return sql.OpenDB(connector{dsn: dsn, drv: drv})
}

// readerConns is the number of reader connections: one per CPU, at least
// four.
func readerConns() int { return max(4, runtime.NumCPU()) }
