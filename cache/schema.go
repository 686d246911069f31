package cache

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
)

// migrations[i] brings the schema from version i to i+1. Never edit a
// released step; append a new one.
var migrations = []string{
	// v1: the first cache.
	`CREATE TABLE meta(name TEXT PRIMARY KEY, value BLOB NOT NULL);
	CREATE TABLE searches(search_id TEXT PRIMARY KEY, saved_at INTEGER NOT NULL, data BLOB NOT NULL);
	CREATE TABLE results(search_id TEXT NOT NULL, pos INTEGER NOT NULL, read_key BLOB NOT NULL,
		captured_at INTEGER NOT NULL, data BLOB NOT NULL, PRIMARY KEY(search_id, pos));
	CREATE TABLE photos(read_key BLOB PRIMARY KEY, captured_at INTEGER NOT NULL, size INTEGER NOT NULL, data BLOB NOT NULL);
	CREATE TABLE settings(name TEXT PRIMARY KEY, value TEXT NOT NULL);
	CREATE TABLE outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,
		created_at INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0, data BLOB NOT NULL);`,
	// v2: photo LRU, lookup indexes, refusals kept for the UI, recent cases.
	`ALTER TABLE photos ADD COLUMN last_used INTEGER NOT NULL DEFAULT 0;
	UPDATE photos SET last_used = captured_at * 1000000000;
	CREATE INDEX photos_lru ON photos(last_used);
	CREATE INDEX photos_captured ON photos(captured_at);
	CREATE INDEX results_read ON results(read_key);
	CREATE INDEX results_captured ON results(captured_at);
	ALTER TABLE outbox ADD COLUMN last_error TEXT NOT NULL DEFAULT '';
	CREATE TABLE refusals(id TEXT PRIMARY KEY, kind TEXT NOT NULL, at INTEGER NOT NULL, code TEXT NOT NULL,
		message BLOB NOT NULL, data BLOB NOT NULL);
	CREATE TABLE recent_cases(case_key BLOB PRIMARY KEY, used_at INTEGER NOT NULL, data BLOB NOT NULL);`,
}

// SchemaVersion is the schema version this code writes.
var SchemaVersion = len(migrations)

const keyCheckText = "alprdesk cache key check"

// inspect identifies an existing file read-only, so that a foreign or
// damaged file is moved aside exactly as it was.
func inspect(path string) error {
	if !fileExists(path) {
		return nil
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?mode=ro")
	if err != nil {
		return &OpenError{Path: path, Kind: ErrCorrupt, Cause: err}
	}
	defer db.Close()
	var appID, version, tables int
	err = db.QueryRow(`PRAGMA application_id`).Scan(&appID)
	if err == nil {
		err = db.QueryRow(`PRAGMA user_version`).Scan(&version)
	}
	if err == nil {
		err = db.QueryRow(`SELECT count(*) FROM sqlite_master`).Scan(&tables)
	}
	if err != nil {
		return &OpenError{Path: path, Kind: ErrCorrupt, Cause: err}
	}
	switch {
	case appID == 0 && (tables > 0 || version != 0):
		return &OpenError{Path: path, Kind: ErrForeign, Cause: fmt.Errorf("it holds %d tables of another program", tables)}
	case appID != 0 && appID != applicationID:
		return &OpenError{Path: path, Kind: ErrForeign, Cause: fmt.Errorf("application id %#x", appID)}
	case version > SchemaVersion:
		return &OpenError{Path: path, Kind: ErrNewerSchema,
			Cause: fmt.Errorf("schema version %d; this version reads up to %d", version, SchemaVersion)}
	}
	if tables > 0 {
		var ok string
		if err := db.QueryRow(`PRAGMA quick_check`).Scan(&ok); err != nil || ok != "ok" {
			if err == nil {
				err = errors.New(ok)
			}
			return &OpenError{Path: path, Kind: ErrCorrupt, Cause: err}
		}
	}
	return nil
}

// prepare migrates the (inspected) database and checks the key.
func (c *Cache) prepare() error {
	var appID, version int
	if err := c.db.QueryRow(`PRAGMA application_id`).Scan(&appID); err != nil {
		return c.corrupt(err)
	}
	if err := c.db.QueryRow(`PRAGMA user_version`).Scan(&version); err != nil {
		return c.corrupt(err)
	}
	if appID == 0 {
		if _, err := c.db.Exec(fmt.Sprintf(`PRAGMA application_id = %d`, applicationID)); err != nil {
			return c.corrupt(err)
		}
	}
	for v := version; v < SchemaVersion; v++ {
		if err := c.migrate(v); err != nil {
			return err
		}
	}
	return c.checkKey()
}

func (c *Cache) corrupt(err error) error {
	return &OpenError{Path: c.path, Kind: ErrCorrupt, Cause: err}
}

// migrate runs step v (to v+1) in one transaction.
func (c *Cache) migrate(v int) error {
	tx, err := c.db.Begin()
	if err != nil {
		return c.corrupt(err)
	}
	defer tx.Rollback()
	for _, stmt := range strings.Split(migrations[v], ";") {
		if strings.TrimSpace(stmt) == "" {
			continue
		}
		if _, err := tx.Exec(stmt); err != nil {
			return fmt.Errorf("cache: migrating to version %d: %w", v+1, err)
		}
	}
	if _, err := tx.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, v+1)); err != nil {
		return err
	}
	return tx.Commit()
}

// checkKey proves the key opens this file, sealing a check value on first use.
func (c *Cache) checkKey() error {
	var sealed []byte
	err := c.db.QueryRow(`SELECT value FROM meta WHERE name = 'key_check'`).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		s, err := c.box.seal([]byte(keyCheckText), "meta:key_check")
		if err != nil {
			return err
		}
		_, err = c.db.Exec(`INSERT INTO meta(name, value) VALUES('key_check', ?)`, s)
		return err
	}
	if err != nil {
		return c.corrupt(err)
	}
	if p, err := c.box.open(sealed, "meta:key_check"); err != nil || string(p) != keyCheckText {
		return &OpenError{Path: c.path, Kind: ErrWrongKey, Cause: errors.New("the keyring's cache key does not open it")}
	}
	return nil
}
