package postgres_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/postgres"
)

// bulkLoad loads reads id prefix+i (i from lo to hi-1) of plate p through
// st, each with a one-byte photo, and returns how many it committed.
func bulkLoad(st *postgres.Storage, prefix string, lo, hi int, p string, at time.Time) (int, error) {
	return st.BulkInsertReads(context.Background(), func(put func(*store.ReadRecord) error) error {
		for i := lo; i < hi; i++ {
			m := api.ReadMeta{ID: fmt.Sprintf("%s%06d", prefix, i), CameraID: "cam-a", Plate: p, State: "CA",
				CapturedAt: at.Add(-time.Duration(i) * time.Second)}
			if err := put(&store.ReadRecord{Meta: m, Photo: []byte{byte(i)}}); err != nil {
				return err
			}
		}
		return nil
	})
}

// waitForLockWait waits until a session of the database waits for a lock
// (a bulk load's COPY waiting for another transaction's uncommitted id).
func waitForLockWait(t *testing.T, dsn string) {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
	}
	t.Fatal("the bulk load never waited for the other transaction's read id")
}

// TestBulkLoadAgainstAnUncommittedID: a bulk load whose chunk holds a read
// id that another node's transaction stored but has not committed waits
// for it; once it commits, that read keeps the id (the first committed
// wins) and the rest of the chunk is stored, nothing twice. The load's
// copy of the ids fails on the key here: this is its fallback.
func TestBulkLoadAgainstAnUncommittedID(t *testing.T) {
	dsn, nodes := openNodes(t, 2)
	a, b := nodes[0], nodes[1]
	now := time.Now().UTC().Truncate(time.Millisecond)
	stored, release := make(chan struct{}), make(chan struct{})
	let := sync.OnceFunc(func() { close(release) })
	defer let()
	single := make(chan error, 1)
	go func() {
		single <- b.Update(ctx, func(tx store.Tx) error {
			_, err := tx.InsertRead(&store.ReadRecord{Meta: api.ReadMeta{ID: "race000003", CameraID: "cam-b",
				CapturedAt: now, Plate: "7FIRST1", State: "CA"}})
			close(stored)
			<-release
			return err
		})
	}()
	<-stored
	type result struct {
		n   int
		err error
	}
	bulk := make(chan result, 1)
	go func() {
		n, err := bulkLoad(a, "race", 0, 10, "7BULK01", now)
		bulk <- result{n, err}
	}()
	waitForLockWait(t, dsn)
	let()
	if err := <-single; err != nil {
		t.Fatal(err)
	}
	if r := <-bulk; r.err != nil || r.n != 9 {
		t.Fatalf("bulk load beside a committed id: %d reads, %v; want 9", r.n, r.err)
	}
	err := a.View(ctx, func(tx store.ReadTx) error {
		for i := range 10 {
			id, want := fmt.Sprintf("race%06d", i), "7BULK01"
			if i == 3 {
				want = "7FIRST1"
			}
			r, err := tx.GetRead(id)
			if err != nil {
				return fmt.Errorf("%s: %w", id, err)
			}
			if r.Plate != want {
				return fmt.Errorf("%s has plate %s, want %s", id, r.Plate, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	wantCounts(t, dsn, "race", 10, 9)
}

// wantCounts checks that the reads whose id starts with prefix are stored
// once each (reads stored in all, one key, one read row each) with
// photos photos.
func wantCounts(t *testing.T, dsn, prefix string, reads, photos int) {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var keys, rows, distinct, joined, ph int
	err = c.QueryRow(ctx, `SELECT (SELECT count(*) FROM read_keys WHERE id LIKE $1),
		(SELECT count(*) FROM reads WHERE id LIKE $1), (SELECT count(DISTINCT id) FROM reads WHERE id LIKE $1),
		(SELECT count(*) FROM read_keys k JOIN reads r ON r.captured_at = k.captured_at AND r.rid = k.rid AND r.id = k.id
			AND r.plate_id = k.plate_id WHERE k.id LIKE $1),
		(SELECT count(*) FROM photos ph JOIN reads r ON r.captured_at = ph.captured_at AND r.rid = ph.rid WHERE r.id LIKE $1)`,
		prefix+"%").Scan(&keys, &rows, &distinct, &joined, &ph)
	if err != nil {
		t.Fatal(err)
	}
	if keys != reads || rows != reads || distinct != reads || joined != reads || ph != photos {
		t.Fatalf("%s reads: %d keys, %d rows, %d ids, %d matching their key, %d photos; want %d reads, %d photos",
			prefix, keys, rows, distinct, joined, ph, reads, photos)
	}
}

// TestConcurrentBulkLoadsOfOverlappingIDs: two nodes bulk loading
// overlapping read ids at once (chunks racing chunks) store every id once,
// and together report exactly the reads stored.
func TestConcurrentBulkLoadsOfOverlappingIDs(t *testing.T) {
	dsn, nodes := openNodes(t, 2)
	a, b := nodes[0], nodes[1]
	now := time.Now().UTC().Truncate(time.Millisecond)
	var wg sync.WaitGroup
	var na, nb int
	var ea, eb error
	wg.Go(func() { na, ea = bulkLoad(a, "both", 0, 30000, "7NODEA1", now) })
	wg.Go(func() { nb, eb = bulkLoad(b, "both", 15000, 45000, "7NODEB1", now) })
	wg.Wait()
	if ea != nil || eb != nil {
		t.Fatalf("concurrent bulk loads: %v, %v", ea, eb)
	}
	if na+nb != 45000 {
		t.Fatalf("the loads committed %d + %d reads, want 45000 in all", na, nb)
	}
	wantCounts(t, dsn, "both", 45000, 45000)
}

// TestBulkLoadFirstOfAnIDWinsAcrossChunks: an id put again in a later
// chunk of the same load (the earlier chunk perhaps not committed yet when
// the later one looks) keeps its first read.
func TestBulkLoadFirstOfAnIDWinsAcrossChunks(t *testing.T) {
	dsn, nodes := openNodes(t, 1)
	st := nodes[0]
	now := time.Now().UTC().Truncate(time.Millisecond)
	n, err := st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for i := range 50000 {
			id, p := i, "7FIRST1"
			if i >= 30000 { // again: ids 0 to 19,999, in later chunks
				id, p = i-30000, "7AGAIN1"
			}
			m := api.ReadMeta{ID: fmt.Sprintf("dup%06d", id), CameraID: "cam-a", Plate: p, State: "CA",
				CapturedAt: now.Add(-time.Duration(i) * time.Second)}
			if err := put(&store.ReadRecord{Meta: m, Photo: []byte{1}}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 30000 {
		t.Fatalf("bulk load with ids put twice: %d reads, %v; want 30000", n, err)
	}
	wantCounts(t, dsn, "dup", 30000, 30000)
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var again int
	if err := c.QueryRow(ctx, `SELECT count(*) FROM read_keys k JOIN plates p ON p.id = k.plate_id WHERE p.plate = '7AGAIN1'`).Scan(&again); err != nil {
		t.Fatal(err)
	}
	if again != 0 {
		t.Fatalf("%d reads put second kept their id", again)
	}
}

// pendingTuples is how many rows wait in the pending lists of the plate
// dictionary's trigram indexes (pgstattuple's pgstatginindex).
func pendingTuples(t *testing.T, dsn string) int64 {
	t.Helper()
	var n int64
	if err := testConn(t, dsn).QueryRow(ctx, `SELECT pending_tuples FROM pgstatginindex('plates_trgm')`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestBulkLoadMergesTrigramPendingLists: a plate stored alone waits in the
// trigram indexes' pending lists (migration 11), and a bulk chunk leaves
// them empty when it commits, its own new plates merged.
func TestBulkLoadMergesTrigramPendingLists(t *testing.T) {
	dsn, nodes := openNodes(t, 1)
	st := nodes[0]
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.Exec(ctx, `CREATE EXTENSION IF NOT EXISTS pgstattuple`)
	c.Close(ctx)
	if err != nil {
		// The throwaway cluster of make test has it (Debian's contrib);
		// an existing server may not let the test user create it.
		t.Skipf("pgstattuple cannot be created on this server (%v): the pending lists cannot be read", err)
	}
	now := time.Now().UTC().Truncate(time.Millisecond)
	racePlate(t, st, "alone-1", "7ALONE1", now)
	if n := pendingTuples(t, dsn); n == 0 {
		t.Fatal("a new plate stored alone did not wait in the pending lists (fastupdate off?)")
	}
	if _, err := st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for i := range 300 {
			m := api.ReadMeta{ID: fmt.Sprintf("many%04d", i), CameraID: "cam-a", Plate: fmt.Sprintf("8NEW%03d", i), State: "CA", CapturedAt: now}
			if err := put(&store.ReadRecord{Meta: m}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if n := pendingTuples(t, dsn); n != 0 {
		t.Fatalf("%d rows left in the pending lists after a bulk load", n)
	}
	foundByPlate(t, st, "many0123", "8NEW123")
}

// TestBulkLoadStopsAtAFailedChunk: a chunk that fails while its reads are
// copied (its ids went in) stops the load: the chunks before it are
// committed, the one whose ids were stored meanwhile is rolled back, the
// producer is told to stop, and the load reports exactly the reads
// committed, the first ones put.
func TestBulkLoadStopsAtAFailedChunk(t *testing.T) {
	dsn, nodes := openNodes(t, 1)
	st := nodes[0]
	now := time.Now().UTC().Truncate(time.Millisecond)
	const chunks = 5
	bad := postgres.BulkChunk + 10 // in the second chunk
	puts := 0
	n, err := st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for i := range chunks * postgres.BulkChunk {
			m := api.ReadMeta{ID: fmt.Sprintf("stop%06d", i), CameraID: "cam-a", Plate: "7STOP01", State: "CA",
				CapturedAt: now.Add(-time.Duration(i) * time.Second)}
			if i == bad {
				m.Make = "bad\x00" // PostgreSQL text takes no NUL: the COPY into reads fails
			}
			if err := put(&store.ReadRecord{Meta: m, Photo: []byte{1}}); err != nil {
				return err
			}
			puts++
		}
		return nil
	})
	if err == nil || n != postgres.BulkChunk {
		t.Fatalf("bulk load with a bad read in its second chunk: %d reads, %v; want %d and an error", n, err, postgres.BulkChunk)
	}
	if puts >= chunks*postgres.BulkChunk {
		t.Fatalf("the producer put all %d reads: it was not stopped", puts)
	}
	wantCounts(t, dsn, "stop", postgres.BulkChunk, postgres.BulkChunk)
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	var last string
	if err := c.QueryRow(ctx, `SELECT max(id) FROM read_keys WHERE id LIKE 'stop%'`).Scan(&last); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("stop%06d", postgres.BulkChunk-1); last != want {
		t.Fatalf("the last read committed is %s, want %s (the first chunk's last)", last, want)
	}
}

// TestBulkChunkPlatesAfterAPurge: a chunk takes the plate ids the chunk
// before it resolved only while no purge of plates ran between. Here the
// first chunk's reads of a plate expire and a purge deletes them and the
// plate before the second chunk, of the same plate, is stored: the second
// chunk adds the plate again instead of naming the deleted id, and its
// reads name it. A chunk of the same plate right after (no purge) takes
// the id.
func TestBulkChunkPlatesAfterAPurge(t *testing.T) {
	dsn, nodes := openNodes(t, 1)
	st := nodes[0]
	now := time.Now().UTC().Truncate(time.Millisecond)
	old := now.Add(-40 * 24 * time.Hour)
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	committed := func(prefix string) int {
		var n int
		if err := c.QueryRow(ctx, `SELECT count(*) FROM read_keys WHERE id LIKE $1`, prefix+"%").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	const chunk = postgres.BulkChunk
	n, err := st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for i := range 3 * chunk {
			prefix, at := "gen-a", old
			switch {
			case i == chunk:
				// The first chunk is handed over: once committed, its
				// reads (expired) and then its plate are purged.
				for committed("gen-a") < chunk {
					time.Sleep(10 * time.Millisecond)
				}
				if err := purgeBefore(st, now.Add(-30*24*time.Hour)); err != nil {
					return err
				}
				fallthrough
			case i > chunk:
				prefix, at = "gen-b", now
			}
			m := api.ReadMeta{ID: fmt.Sprintf("%s%06d", prefix, i), CameraID: "cam-a", Plate: "7PURGE1", State: "CA", CapturedAt: at}
			if err := put(&store.ReadRecord{Meta: m}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || n != 3*chunk {
		t.Fatalf("bulk load across a purge: %d reads, %v; want %d", n, err, 3*chunk)
	}
	if left := committed("gen-a"); left != 0 {
		t.Fatalf("%d expired reads left after the purge", left)
	}
	var named, plates int
	if err := c.QueryRow(ctx, `SELECT (SELECT count(*) FROM read_keys k JOIN plates p ON p.id = k.plate_id
		WHERE k.id LIKE 'gen-b%' AND p.plate = '7PURGE1'), (SELECT count(*) FROM plates WHERE plate = '7PURGE1')`).Scan(&named, &plates); err != nil {
		t.Fatal(err)
	}
	if named != 2*chunk || plates != 1 {
		t.Fatalf("after the purge: %d reads name the stored plate (want %d), %d plates 7PURGE1 (want 1)", named, 2*chunk, plates)
	}
}
