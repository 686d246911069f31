package postgres_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"alprdesk/api/plate"
	"alprdesk/store"
	"alprdesk/store/postgres"
	"alprdesk/store/postgres/pgtest"
	"alprdesk/store/storagetest"
)

// noRun is a pattern without a run of three known characters: the node's
// copy of the plate dictionary answers it.
const noRun = "7?B?1?3"

// wildcardIDs returns the ids of the reads a search for pattern finds
// through st, sorted.
func wildcardIDs(t *testing.T, st *postgres.Storage, pattern string, fuzzy bool) []string {
	t.Helper()
	p, err := plate.ParsePattern(pattern)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	err = st.View(context.Background(), func(tx store.ReadTx) error {
		page, err := tx.SearchReads(&store.ReadQuery{Pattern: p, Fuzzy: fuzzy, Limit: 100, CountCap: 100})
		for _, r := range page.Reads {
			ids = append(ids, r.ID)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(ids)
	return ids
}

// warm loads st's copy of the plate dictionary.
func warm(t *testing.T, st *postgres.Storage) {
	t.Helper()
	if err := st.Warm(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// refresh runs one step of st's refresher and checks its outcome.
func refresh(t *testing.T, st *postgres.Storage, want bool) {
	t.Helper()
	ok, err := postgres.RefreshPlateCopy(context.Background(), st)
	if err != nil || ok != want {
		t.Fatalf("refresh = %v, %v; want %v", ok, err, want)
	}
}

// TestPlateCopyTail: a plate another node stores after this node loaded
// its copy of the dictionary is found at once by a wildcard without a run
// of three (the tail of ids above the copy's horizon), plain and fuzzy,
// before the refresher took it in, and still after.
func TestPlateCopyTail(t *testing.T) {
	a, b := openPair(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	racePlate(t, b, "r-old", "7KB41M3", now.Add(-2*time.Hour))
	warm(t, a)
	h := postgres.PlateCopyHorizon(a)
	resume := postgres.PausePlateCopy(a)
	defer resume()
	racePlate(t, b, "r-new", "7QB51T3", now.Add(-time.Hour))
	want := []string{"r-new", "r-old"}
	if got := wildcardIDs(t, a, noRun, false); !slices.Equal(got, want) {
		t.Fatalf("%s found %v before the refresh, want %v", noRun, got, want)
	}
	if got := wildcardIDs(t, a, "7?8?I?3", true); !slices.Equal(got, want) {
		t.Fatalf("fuzzy 7?8?I?3 found %v before the refresh, want %v", got, want)
	}
	if postgres.PlateCopyHorizon(a) != h {
		t.Fatal("the copy moved while its refresher was paused: the tail was not what found the new plate")
	}
	resume()
	refresh(t, a, true)
	if postgres.PlateCopyHorizon(a) <= h || postgres.PlateCopyLen(a) != 2 {
		t.Fatalf("after a refresh the copy has horizon %d (was %d) and %d plates, want 2", postgres.PlateCopyHorizon(a), h, postgres.PlateCopyLen(a))
	}
	if got := wildcardIDs(t, a, noRun, false); !slices.Equal(got, want) {
		t.Fatalf("%s found %v after the refresh, want %v", noRun, got, want)
	}
}

// TestPlateCopyOutOfOrderCommits: plate ids are taken in one order and
// committed in another. The lower id is still being stored when the
// higher commits and the refresher runs; the refresher must not move its
// horizon past the lower id, so the plate is found once it commits.
func TestPlateCopyOutOfOrderCommits(t *testing.T) {
	a, b := openPair(t)
	warm(t, a)
	h := postgres.PlateCopyHorizon(a)
	now := time.Now().UTC().Truncate(time.Millisecond)
	let, slow := heldPlate(t, b, "r-low", "7AB21C3", now.Add(-time.Hour))
	defer let()                                               // a failure below must not leave the transaction open
	racePlate(t, b, "r-high", "7DB31E3", now.Add(-time.Hour)) // a higher id, committed first
	// Tries, then a bounded wait for the lock.
	for range 4 {
		if _, err := postgres.RefreshPlateCopy(context.Background(), a); err != nil {
			t.Fatal(err)
		}
	}
	if got := wildcardIDs(t, a, noRun, false); !slices.Equal(got, []string{"r-high"}) {
		t.Fatalf("%s found %v while r-low was uncommitted, want [r-high]", noRun, got)
	}
	let()
	if err := <-slow; err != nil {
		t.Fatal(err)
	}
	want := []string{"r-high", "r-low"}
	if got := wildcardIDs(t, a, noRun, false); !slices.Equal(got, want) {
		t.Fatalf("%s found %v after r-low committed, want %v", noRun, got, want)
	}
	if got := postgres.PlateCopyHorizon(a); got != h {
		t.Fatalf("the horizon moved from %d to %d while a plate below it was uncommitted", h, got)
	}
	refresh(t, a, true)
	if postgres.PlateCopyLen(a) != 2 {
		t.Fatalf("the copy holds %d plates after the refresh, want 2", postgres.PlateCopyLen(a))
	}
	if got := wildcardIDs(t, a, noRun, false); !slices.Equal(got, want) {
		t.Fatalf("%s found %v from the copy, want %v", noRun, got, want)
	}
}

// TestPlateCopyDropsPurgedPlates: after the purge of orphan plates the
// copy is loaded anew without them.
func TestPlateCopyDropsPurgedPlates(t *testing.T) {
	st := openFresh(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	racePlate(t, st, "r-old", "7AB21C3", now.AddDate(0, 0, -40))
	racePlate(t, st, "r-new", "7DB31E3", now.Add(-time.Hour))
	warm(t, st)
	if n := postgres.PlateCopyLen(st); n != 2 {
		t.Fatalf("the copy holds %d plates, want 2", n)
	}
	if err := purgeBefore(st, now.AddDate(0, 0, -30)); err != nil {
		t.Fatal(err)
	}
	refresh(t, st, true)
	if n := postgres.PlateCopyLen(st); n != 1 {
		t.Fatalf("the copy holds %d plates after the purge, want 1", n)
	}
	if got := wildcardIDs(t, st, noRun, false); !slices.Equal(got, []string{"r-new"}) {
		t.Fatalf("%s found %v after the purge, want [r-new]", noRun, got)
	}
}

// TestPlateCopyAnswersAsReference runs the conformance suite's queries on
// its seeded world with every plate in the tail (the copy holds one plate
// no read names), then with every plate in the copy, against the
// brute-force reference.
func TestPlateCopyAnswersAsReference(t *testing.T) {
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	execSQL(t, dsn, `INSERT INTO plates(plate, canon) VALUES ('XX99XX99', 'XX99XX99')`)
	warm(t, st)
	if postgres.PlateCopyHorizon(st) <= 0 {
		t.Fatalf("horizon %d after loading one plate", postgres.PlateCopyHorizon(st))
	}
	resume := postgres.PausePlateCopy(st)
	defer resume()
	w := storagetest.NewWorld(7, 3000)
	w.Load(t, st)
	check := func(phase string) {
		for _, nq := range w.Queries() {
			q := nq.Q
			q.Limit, q.CountCap = 1000, 10000
			want := w.Answer(&q)
			var got []string
			err := st.View(context.Background(), func(tx store.ReadTx) error {
				page, err := tx.SearchReads(&q)
				for _, r := range page.Reads {
					got = append(got, r.ID)
				}
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, want[:min(len(want), q.Limit)]) {
				t.Fatalf("%s, %s: %d reads, want %d", phase, nq.Name, len(got), len(want))
			}
		}
	}
	check("all in the tail")
	resume()
	refresh(t, st, true)
	if postgres.PlateCopyLen(st) == 0 {
		t.Fatal("the refresh took no plate in")
	}
	check("all in the copy")
}

// TestPlateIDsInOrder: the plate id sequence hands out values in order
// across sessions (it caches none per session), which the copy's horizon
// relies on: with a per-session cache, a session could store a plate below
// a horizon set after another session's higher id.
func TestPlateIDsInOrder(t *testing.T) {
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	st.Close()
	c, err := pgx.Connect(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(context.Background())
	var cache int64
	err = c.QueryRow(context.Background(), `SELECT seqcache FROM pg_sequence WHERE seqrelid = pg_get_serial_sequence('plates', 'id')::regclass`).Scan(&cache)
	if err != nil || cache != 1 {
		t.Fatalf("the plates id sequence caches %d values per session (%v), want 1", cache, err)
	}
}
