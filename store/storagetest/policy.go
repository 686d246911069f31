package storagetest

import (
	"slices"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// testPolicy: the reads a search returned (and nothing else), retained
// reads, and the purge of searches, returned-read lists, outcomes and
// idempotent answers; a purged plate comes back cleanly with a new read.
func testPolicy(t *testing.T, st store.Storage) {
	update(t, st, func(tx store.Tx) error { return tx.InsertCamera(WorldCameras[0], "") })
	r1, r2 := sampleRead("p1", base.Add(-time.Hour)), sampleRead("p2", base.Add(-2*time.Hour))
	old := sampleRead("p3", base.Add(-40*24*time.Hour))
	old.Plate = "9OLD999"
	insertReads(t, st, nil, r1, r2, old)
	searches := []struct {
		id      string
		at      time.Time
		returns []string
	}{
		{"s-old", base.Add(-40 * 24 * time.Hour), []string{"p1"}},
		{"s-new", base.Add(-time.Hour), []string{"p1", "p2"}},
		{"s-kept", base.Add(-40 * 24 * time.Hour), []string{"p2"}},
	}
	update(t, st, func(tx store.Tx) error {
		for _, s := range searches {
			if err := tx.InsertSearch(&store.SearchRecord{ID: s.id, Username: "dana", CreatedAt: s.at, Hash: "h"}); err != nil {
				return err
			}
			var rr []store.ReturnedRead
			for _, id := range s.returns {
				rr = append(rr, store.ReturnedRead{ID: id, CapturedAt: base})
			}
			if err := tx.InsertSearchReturns(s.id, rr); err != nil {
				return err
			}
		}
		for _, a := range []store.AnalysisRecord{{ID: "a-old", Kind: "convoy", Username: "dana", CreatedAt: base.Add(-40 * 24 * time.Hour), ReadIDs: []string{"p1"}},
			{ID: "a-new", Kind: "convoy", Username: "dana", CreatedAt: base.Add(-time.Hour), ReadIDs: []string{"p1"}}} {
			if err := tx.InsertAnalysis(&a); err != nil {
				return err
			}
		}
		ret := api.Retention{ReadID: "p2", ReportNumber: "26-001", Category: api.RetainCriminalInvestigation, Reason: "case", By: "dana", At: base}
		if err := tx.InsertRetention(ret, "s-kept", ""); err != nil {
			return err
		}
		if err := tx.SetSearchOutcome(api.SearchOutcomeRecord{SearchID: "s-old", Outcome: "arrest", Note: "n", By: "dana", At: base}); err != nil {
			return err
		}
		for _, r := range []store.IdemRecord{{Username: "dana", Key: "old", Route: "r", Status: 200, Body: []byte("7ABC123"), CreatedAt: base.Add(-25 * time.Hour)},
			{Username: "dana", Key: "new", Route: "r", Status: 200, Body: []byte("{}"), CreatedAt: base.Add(-time.Hour)}} {
			if err := tx.InsertIdempotent(&r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		checkReturned(t, tx, map[[2]string]bool{{"s-old", "p1"}: true, {"s-old", "p2"}: false, {"s-new", "p2"}: true, {"s-x", "p1"}: false})
		if n, err := tx.SearchReturnCount("s-new"); err != nil || n != 2 {
			t.Fatalf("SearchReturnCount(s-new) = %d, %v, want 2", n, err)
		}
		for id, want := range map[string]bool{"p1": false, "p2": true, "missing": false} {
			if got, err := tx.ReadRetained(id); err != nil || got != want {
				t.Fatalf("ReadRetained(%s) = %v, %v, want %v", id, got, err, want)
			}
		}
		return nil
	})
	var searchesGone, answersGone int
	update(t, st, func(tx store.Tx) error {
		var err error
		if searchesGone, err = tx.PurgeSearches(base.Add(-30 * 24 * time.Hour)); err != nil {
			return err
		}
		if answersGone, err = tx.PurgeIdempotent(base.Add(-24 * time.Hour)); err != nil {
			return err
		}
		_, err = tx.PurgeReads(base.Add(-30 * 24 * time.Hour))
		return err
	})
	if searchesGone != 1 || answersGone != 1 {
		t.Fatalf("purged %d searches and %d answers, want 1 and 1", searchesGone, answersGone)
	}
	view(t, st, func(tx store.ReadTx) error {
		_, err := tx.GetSearch("s-old")
		wantErr(t, "purged search", err, store.ErrNotFound)
		_, err = tx.GetIdempotent("dana", "old")
		wantErr(t, "purged answer", err, store.ErrNotFound)
		if _, err := tx.GetIdempotent("dana", "new"); err != nil {
			t.Fatalf("recent answer: %v", err)
		}
		for _, id := range []string{"s-new", "s-kept"} {
			if _, err := tx.GetSearch(id); err != nil {
				t.Fatalf("search %s after purge: %v", id, err)
			}
		}
		checkReturned(t, tx, map[[2]string]bool{{"s-old", "p1"}: false, {"s-kept", "p2"}: true})
		_, err = tx.GetAnalysis("a-old")
		wantErr(t, "purged analysis", err, store.ErrNotFound)
		if ok, err := tx.AnalysisReturned("a-new", "p1"); err != nil || !ok {
			t.Fatalf("recent analysis after purge: %v, %v", ok, err)
		}
		if ok, err := tx.AnalysisReturned("a-old", "p1"); err != nil || ok {
			t.Fatalf("purged analysis still returned p1: %v, %v", ok, err)
		}
		return nil
	})
	again := sampleRead("p4", base.Add(-time.Minute))
	again.Plate = "9OLD999"
	insertReads(t, st, nil, again)
	q := store.ReadQuery{Pattern: mustPattern("9OLD999"), Limit: 10, CountCap: 10}
	if got := pageIDs(search(t, st, q)); !slices.Equal(got, []string{"p4"}) {
		t.Fatalf("a new read of a purged plate: %v", got)
	}
}

// checkReturned checks SearchReturned for (search, read) pairs.
func checkReturned(t *testing.T, tx store.ReadTx, want map[[2]string]bool) {
	t.Helper()
	for k, w := range want {
		if got, err := tx.SearchReturned(k[0], k[1]); err != nil || got != w {
			t.Fatalf("SearchReturned(%s, %s) = %v, %v, want %v", k[0], k[1], got, err, w)
		}
	}
}
