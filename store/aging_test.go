package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/mattn/go-sqlite3"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// agingExceptions are the tables docs/POLICY.md names as kept past the
// retention period, with the reason there: the audit chain (rule 4) and
// hotlist requests and their entries (kept on file by the policy).
var agingExceptions = []string{"audit", "hotlist_requests", "hotlist_entries"}

// TestNothingOutlivesRetention ages a database by 31 days and scans every
// table for the plates of an unretained read that was searched, viewed,
// verified (with a corrected plate, through an idempotent request),
// exported by nobody and hit a hotlist; the retained read's plate is
// still found (the scan works).
func TestNothingOutlivesRetention(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PurgeEvery: -1, HotlistEvery: -1})
	approved(t, env, "detective", hotReq("4OLD777", api.ListAlert))
	env.Ingest(t, read(env, "old1", "4OLD777", time.Hour), nil)
	env.Ingest(t, read(env, "keep1", "5KEEP55", time.Hour), nil)
	tok := env.Login(t, "detective")
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("4OLD777"), http.StatusOK, &res)
	env.Do(t, "GET", "/v1/reads/old1/photo?search_id="+res.SearchID, tok, nil, http.StatusOK, nil)
	verdict := api.VerificationRequest{SearchID: res.SearchID, Status: api.VerifyMisread, CorrectedPlate: "4OLD778"}
	if st, _ := doKeyed(t, env, "/v1/reads/old1/verification", tok, "key-old1", verdict, nil); st != http.StatusOK {
		t.Fatalf("keyed verification: %d", st)
	}
	var kept api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, searchReq("5KEEP55"), http.StatusOK, &kept)
	retain := api.RetainRequest{SearchID: kept.SearchID, ReportNumber: "20-042436", Category: api.RetainCriminalInvestigation,
		Reason: "evidence in the robbery case"}
	if st, _ := doKeyed(t, env, "/v1/reads/keep1/retain", tok, "key-keep1", retain, nil); st != http.StatusOK {
		t.Fatalf("keyed retain: %d", st)
	}

	// Before aging the scan finds the plate where it lives.
	// SQLite also keeps the plate in its full-text index's tables.
	want := 4
	if env.Postgres() {
		want = 3 // plates, searches, alerts
	}
	if got := tablesHolding(t, env, "4OLD777"); len(got) < want {
		t.Fatalf("before aging the plate is only in %v; the scan does not see the tables", got)
	}
	if !env.Postgres() {
		if raw, kept := fileOccurrences(t, env.DBPath, "4OLD777"), keptOccurrences(t, env, "4OLD777"); raw <= kept {
			t.Fatalf("before aging the files hold the plate %d times, the tables kept on file %d: the byte scan does not see the rows", raw, kept)
		}
	}
	env.Clock.Advance(31 * 24 * time.Hour)
	if _, err := env.Server.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"4OLD777", "4OLD778"} {
		if got := tablesHolding(t, env, p); len(got) > 0 {
			t.Errorf("31 days on, the unretained plate %s is still in %v", p, got)
		}
	}
	if got := tablesHolding(t, env, "5KEEP55"); !slices.Contains(got, "plates") || !slices.Contains(got, "searches") {
		t.Errorf("the retained read's plate should stay with its search; found in %v", got)
	}
	if !env.Postgres() {
		for _, p := range []string{"4OLD777", "4OLD778"} {
			if raw, kept := fileOccurrences(t, env.DBPath, p), keptOccurrences(t, env, p); raw != kept {
				t.Errorf("31 days on, the files of the database hold %s %d times, the tables kept on file %d times", p, raw, kept)
			}
		}
	}
	// A new read of a purged plate is stored and found again (the
	// dictionary forgot the purged plate consistently).
	env.Ingest(t, read(env, "new1", "4OLD777", time.Hour), nil)
	env.Do(t, "POST", "/v1/searches", env.Login(t, "detective"), searchReq("4OLD777"), http.StatusOK, &res)
	if len(res.Results) != 1 || res.Results[0].ID != "new1" {
		t.Fatalf("a new read of a purged plate: %v", ids(res))
	}
}

// TestScrubOwedAfterAReaderHeldTheLog purges while a reader holds an old
// snapshot, so the write-ahead log cannot be truncated and still holds the
// purged plate; the next purge, which removes nothing, scrubs again and
// the files no longer hold it.
func TestScrubOwedAfterAReaderHeldTheLog(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PurgeEvery: -1, HotlistEvery: -1})
	if env.Postgres() {
		t.Skip("SQLite only: a PostgreSQL store has no write-ahead log file of its own to scrub")
	}
	env.Ingest(t, read(env, "gone1", "4GONE11", time.Hour), nil)
	db := rawDB(t, env)
	defer db.Close()
	reader, err := db.Begin()
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := reader.QueryRow(`SELECT count(*) FROM reads`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("reader: %d reads, %v", n, err)
	}
	env.Clock.Advance(31 * 24 * time.Hour)
	if _, err := env.Server.Purge(context.Background()); err != nil {
		t.Fatal(err)
	}
	if raw, kept := fileOccurrences(t, env.DBPath, "4GONE11"), keptOccurrences(t, env, "4GONE11"); raw <= kept {
		t.Fatalf("with a reader in the log the files hold the plate %d times, the kept tables %d: the scrub was not held up", raw, kept)
	}
	reader.Rollback()
	if n, err := env.Server.Purge(context.Background()); err != nil || n != 0 {
		t.Fatalf("second purge: %d reads, %v", n, err)
	}
	if raw, kept := fileOccurrences(t, env.DBPath, "4GONE11"), keptOccurrences(t, env, "4GONE11"); raw != kept {
		t.Errorf("after the owed scrub the files hold the plate %d times, the kept tables %d", raw, kept)
	}
}

// fileOccurrences counts text in the raw bytes of a SQLite database file
// and its write-ahead log: rows, free pages and log frames alike.
func fileOccurrences(t *testing.T, path, text string) int {
	t.Helper()
	n := 0
	for _, f := range []string{path, path + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			t.Fatal(err)
		}
		n += bytes.Count(b, []byte(text))
	}
	return n
}

// keptOccurrences counts text in the cells of the tables kept past the
// retention period (agingExceptions: the audit chain names the plate a
// search looked for, a hotlist request and its entry name their plate).
func keptOccurrences(t *testing.T, env *storetest.Env, text string) int {
	t.Helper()
	db := rawDB(t, env)
	defer db.Close()
	n := 0
	for _, table := range agingExceptions {
		n += cellOccurrences(t, db, table, text)
	}
	return n
}

// cellOccurrences counts text in the cells of a table.
func cellOccurrences(t *testing.T, db *sql.DB, table, text string) int {
	t.Helper()
	rows, err := db.Query(fmt.Sprintf(`SELECT * FROM "%s"`, table))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	cells := make([]sql.RawBytes, len(cols))
	ptrs := make([]any, len(cols))
	for i := range cells {
		ptrs[i] = &cells[i]
	}
	n := 0
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		for _, c := range cells {
			n += bytes.Count(c, []byte(text))
		}
	}
	return n
}

// tablesHolding lists the tables (other than the named exceptions) with a
// cell containing text, reading the store's database through SQL behind
// its back (SQLite with its WAL, or PostgreSQL with every day partition).
func tablesHolding(t *testing.T, env *storetest.Env, text string) []string {
	t.Helper()
	db := rawDB(t, env)
	defer db.Close()
	list := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if env.Postgres() {
		list = `SELECT tablename FROM pg_tables WHERE schemaname = current_schema()`
	}
	rows, err := db.Query(list)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	rows.Close()
	var found []string
	for _, table := range tables {
		if slices.Contains(agingExceptions, table) {
			continue
		}
		if tableHolds(t, db, table, text) {
			found = append(found, table)
		}
	}
	return found
}

// tableHolds reports whether any cell of table contains text.
func tableHolds(t *testing.T, db *sql.DB, table, text string) bool {
	t.Helper()
	rows, err := db.Query(fmt.Sprintf(`SELECT * FROM "%s"`, table))
	if err != nil {
		t.Fatalf("scan %s: %v", table, err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	cells := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range cells {
		ptrs[i] = &cells[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatalf("scan %s: %v", table, err)
		}
		for _, c := range cells {
			var s string
			switch v := c.(type) {
			case string:
				s = v
			case []byte:
				s = string(v)
			}
			if strings.Contains(strings.ToUpper(s), text) {
				return true
			}
		}
	}
	return false
}
