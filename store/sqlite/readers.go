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

// openReaders opens the reader pool of dsn, each connection asking for
// mmap bytes of memory-mapped I/O (Options.ReaderMmap; 0 maps nothing).
// Only the readers may map the file; the writer does not.
func openReaders(dsn string, mmap int64) *sql.DB {
	drv := &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", mmap), nil)
		return err
	}}
	return sql.OpenDB(connector{dsn: dsn, drv: drv})
}

// readerConns is the number of reader connections: one per CPU, at least
// four.
func readerConns() int { return max(4, runtime.NumCPU()) }
