package storagetest

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// testSupervision: the sample secret, reviews, search returns and
// outcomes, the efficacy figures, verdicts from the trail, alert and
// search counts.
func testSupervision(t *testing.T, st store.Storage) {
	var secret string
	update(t, st, func(tx store.Tx) error {
		var err error
		if secret, err = tx.SampleSecret(); err != nil || len(secret) < 32 {
			t.Fatalf("sample secret %q, %v", secret, err)
		}
		again, err := tx.SampleSecret()
		if err == nil && again != secret {
			t.Fatalf("the sample secret changed: %q then %q", secret, again)
		}
		return err
	})
	update(t, st, func(tx store.Tx) error {
		if again, err := tx.SampleSecret(); err != nil || again != secret {
			t.Fatalf("the sample secret in a later transaction %q, %v", again, err)
		}
		return nil
	})
	es := auditWorld()
	appendAll(t, st, es)
	testReviews(t, st)
	testSearchFigures(t, st)
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.LatestVerdicts()
		if err != nil {
			return err
		}
		want := map[string]string{}
		for _, e := range es {
			if e.Action == store.ActionVerification && e.Outcome == api.OutcomeAllowed {
				want[fmt.Sprintf("r%d", e.ResultCount)] = "confirmed"
			}
		}
		if len(want) == 0 || !maps.Equal(got, want) {
			t.Fatalf("LatestVerdicts %v, want %v", got, want)
		}
		counts, err := tx.SearchCounts(base, base.Add(30*time.Minute))
		if err != nil {
			return err
		}
		if got, want := countKeys(counts), searchCountRef(es, base, base.Add(30*time.Minute)); !slices.Equal(got, want) {
			t.Fatalf("SearchCounts %v,\nwant %v", got, want)
		}
		return nil
	})
	insertReads(t, st, nil, sampleRead("r1", base))
	update(t, st, func(tx store.Tx) error {
		for i, l := range []string{api.ListAlert, api.ListAlert, api.ListCovert, api.ListStolenPlates} {
			a := store.AlertRecord{ReadID: "r1", EntryID: "e", List: l, At: base.Add(time.Duration(i) * time.Hour)}
			if err := tx.InsertAlert(&a, func(int64) ([]byte, error) { return []byte(`{}`), nil }); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.AlertCounts(base, base.Add(3*time.Hour))
		want := map[string]int{api.ListAlert: 2, api.ListCovert: 1}
		if err == nil && !maps.Equal(got, want) {
			t.Fatalf("AlertCounts %v, want %v", got, want)
		}
		return err
	})
}

// countKeys renders search counts sorted, for comparison.
func countKeys(cs []store.SearchCount) []string {
	var out []string
	for _, c := range cs {
		out = append(out, fmt.Sprintf("%s|%s|%s|%s|%s=%d", c.Month, c.Category, c.Outcome, c.Reason, c.Actor, c.N))
	}
	slices.Sort(out)
	return out
}

// searchCountRef groups the search entries of [from, to) as SearchCounts.
func searchCountRef(es []api.AuditEntry, from, to time.Time) []string {
	n := map[string]int{}
	for _, e := range es {
		if e.Action != store.ActionSearch || e.At.Before(from) || !e.At.Before(to) {
			continue
		}
		n[strings.Join([]string{e.At.Format("2006-01"), e.PurposeCategory, e.Outcome, e.Reason, e.Actor}, "|")]++
	}
	var out []string
	for k, v := range n {
		out = append(out, fmt.Sprintf("%s=%d", k, v))
	}
	slices.Sort(out)
	return out
}

// testReviews: reviews by entry and by the period of their entries.
func testReviews(t *testing.T, st store.Storage) {
	rs := []api.AuditReview{
		{ID: "v1", Seq: 3, Verdict: "compliant", Note: "ok", Reviewer: "sup", At: base.Add(time.Hour + 5*time.Microsecond)},
		{ID: "v2", Seq: 3, Verdict: "needs_follow_up", Note: "ask", Reviewer: "sup2", At: base.Add(2 * time.Hour)},
		{ID: "v3", Seq: 40, Verdict: "non_compliant", Reviewer: "sup", At: base.Add(time.Hour)},
	}
	update(t, st, func(tx store.Tx) error {
		for _, r := range rs {
			if err := tx.InsertAuditReview(r); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		for _, c := range []struct {
			seq      int64
			from, to time.Time
			want     []api.AuditReview
		}{
			{3, time.Time{}, time.Time{}, rs[:2]},
			{0, base, base.Add(30 * time.Minute), rs[:2]},
			{0, base, base.Add(time.Hour), rs},
			{7, time.Time{}, time.Time{}, []api.AuditReview{}},
		} {
			got, err := tx.AuditReviews(c.seq, c.from, c.to)
			if err != nil {
				return err
			}
			if !sameJSON(got, c.want) {
				t.Fatalf("AuditReviews(%d, %v, %v) = %+v,\nwant %+v", c.seq, c.from, c.to, got, c.want)
			}
		}
		return nil
	})
}

// testSearchFigures: searches with their returns and outcomes.
func testSearchFigures(t *testing.T, st store.Storage) {
	day := base.Add(-24 * time.Hour)
	update(t, st, func(tx store.Tx) error {
		for i, id := range []string{"s1", "s2", "s3"} {
			s := store.SearchRecord{ID: id, Username: "dana", CreatedAt: day.Add(time.Duration(i) * time.Hour), Hash: "h" + id,
				Request: api.SearchRequest{Plate: "7ABC123"}}
			if err := tx.InsertSearch(&s); err != nil {
				return err
			}
		}
		rets := []store.ReturnedRead{{ID: "ra", CapturedAt: day.Add(-5 * 24 * time.Hour)}, {ID: "rb", CapturedAt: day.Add(-time.Hour)}}
		if err := tx.InsertSearchReturns("s1", rets); err != nil {
			return err
		}
		if err := tx.InsertSearchReturns("s1", rets[:1]); err != nil { // repeats are ignored
			return err
		}
		if err := tx.InsertSearchReturns("s3", []store.ReturnedRead{{ID: "rb", CapturedAt: day.Add(-time.Hour)}, {ID: "rc", CapturedAt: day}}); err != nil {
			return err
		}
		if err := tx.SetSearchOutcome(api.SearchOutcomeRecord{SearchID: "s1", Outcome: "no_lead", By: "dana", At: day}); err != nil {
			return err
		}
		return tx.SetSearchOutcome(api.SearchOutcomeRecord{SearchID: "s1", Outcome: "arrest", Note: "n", By: "dana", At: day.Add(time.Hour)})
	})
	view(t, st, func(tx store.ReadTx) error {
		figs, err := tx.SearchFigures(day, day.Add(2*time.Hour))
		if err != nil {
			return err
		}
		want := []store.SearchFigure{{ID: "s1", Username: "dana", CreatedAt: day, Outcome: "arrest", Oldest: day.Add(-5 * 24 * time.Hour)},
			{ID: "s2", Username: "dana", CreatedAt: day.Add(time.Hour)}}
		if !sameJSON(figs, want) {
			t.Fatalf("SearchFigures %+v,\nwant %+v", figs, want)
		}
		ids, err := tx.ReturnedReadIDs(day, day.Add(3*time.Hour))
		if err == nil && !slices.Equal(ids, []string{"ra", "rb", "rc"}) {
			t.Fatalf("ReturnedReadIDs %v", ids)
		}
		return err
	})
}

// testTraining: attempts by user in order, tallies of search entries
// after a seq without the demo history, and a class reset that empties
// the class's data and keeps users, cameras and the trail.
func testTraining(t *testing.T, st store.Storage) {
	at := []store.TrainingAttempt{{Username: "tina", ExerciseID: "x1", Answer: "7ABC123", Correct: true, At: base},
		{Username: "tom", ExerciseID: "x1", Answer: "no", At: base.Add(time.Second)},
		{Username: "tina", ExerciseID: "x2", Answer: "cam-1", At: base.Add(2 * time.Second)}}
	update(t, st, func(tx store.Tx) error {
		for _, a := range at {
			if err := tx.InsertTrainingAttempt(a); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		all, err := tx.TrainingAttempts("")
		if err != nil {
			return err
		}
		tina, err := tx.TrainingAttempts("tina")
		if err == nil && (!sameJSON(all, at) || !sameJSON(tina, []store.TrainingAttempt{at[0], at[2]})) {
			t.Fatalf("attempts %+v / %+v", all, tina)
		}
		if since, err := tx.TrainingSince(); err != nil || since != 0 {
			t.Fatalf("TrainingSince before a reset %d, %v", since, err)
		}
		return err
	})
	es := []api.AuditEntry{
		{At: base, Actor: "tina", Action: store.ActionSearch, Workstation: store.DemoHistoryWorkstation},
		{At: base, Actor: "tina", Action: store.ActionSearch, Workstation: "ws"},
		{At: base, Actor: "tina", Action: store.ActionSearch, Workstation: "ws"},
		{At: base, Actor: "tom", Action: store.ActionSearch, Workstation: "ws", Outcome: api.OutcomeRefused, Reason: "not_trained"},
		{At: base, Actor: "tom", Action: store.ActionLogin, Workstation: "ws"},
	}
	appendAll(t, st, es)
	view(t, st, func(tx store.ReadTx) error {
		for after, want := range map[int64][]store.SearchTally{
			0: {{Actor: "tina", Outcome: api.OutcomeAllowed, Count: 2}, {Actor: "tom", Outcome: api.OutcomeRefused, Reason: "not_trained", Count: 1}},
			3: {{Actor: "tom", Outcome: api.OutcomeRefused, Reason: "not_trained", Count: 1}},
		} {
			got, err := tx.SearchTallies(after)
			if err != nil {
				return err
			}
			if !sameJSON(got, want) {
				t.Fatalf("SearchTallies(%d) = %+v, want %+v", after, got, want)
			}
		}
		return nil
	})
	testReset(t, st)
}

// testReset empties the class's data.
func testReset(t *testing.T, st store.Storage) {
	update(t, st, func(tx store.Tx) error {
		u := store.UserRecord{User: api.User{Username: "tina"}, PasswordHash: []byte{1}}
		if err := tx.InsertUser(&u); err != nil {
			return err
		}
		if err := tx.InsertCamera(WorldCameras[0], ""); err != nil {
			return err
		}
		if err := tx.InsertSearch(&store.SearchRecord{ID: "s1", Username: "tina", CreatedAt: base}); err != nil {
			return err
		}
		e := entry("e1", api.ListAlert, "7ABC123", base.Add(time.Hour))
		if err := tx.InsertHotlistEntry(&e); err != nil {
			return err
		}
		return tx.InsertIdempotent(&store.IdemRecord{Username: "tina", Key: "k", Route: "POST /v1/searches", Status: 200, Body: []byte("{}"), CreatedAt: base})
	})
	insertReads(t, st, []byte("jpeg"), sampleRead("r1", base))
	update(t, st, func(tx store.Tx) error { return tx.ResetTraining(5, 42) })
	view(t, st, func(tx store.ReadTx) error {
		if _, err := tx.GetRead("r1"); err == nil {
			t.Fatal("a read survived the reset")
		}
		if _, err := tx.GetSearch("s1"); err == nil {
			t.Fatal("a search survived the reset")
		}
		if _, err := tx.GetHotlistEntry("e1"); err == nil {
			t.Fatal("a hotlist entry survived the reset")
		}
		if _, err := tx.GetIdempotent("tina", "k"); err == nil {
			t.Fatal("an idempotent answer survived the reset")
		}
		if a, err := tx.TrainingAttempts(""); err != nil || len(a) != 0 {
			t.Fatalf("attempts after reset %v, %v", a, err)
		}
		if _, err := tx.GetUser("tina"); err != nil {
			t.Fatalf("user after reset: %v", err)
		}
		if c, err := tx.Cameras(); err != nil || len(c) != 1 {
			t.Fatalf("cameras after reset %v, %v", c, err)
		}
		if h, err := tx.AuditHead(); err != nil || h.Seq != 5 {
			t.Fatalf("audit head after reset %+v, %v", h, err)
		}
		if since, err := tx.TrainingSince(); err != nil || since != 5 {
			t.Fatalf("TrainingSince after reset %d, %v", since, err)
		}
		return nil
	})
	if seed, err := st.Meta(ctx, store.MetaDemoSeed); err != nil || seed != "42" {
		t.Fatalf("demo seed after reset %q, %v", seed, err)
	}
	if page := search(t, st, store.ReadQuery{Pattern: mustPattern("7ABC123"), Limit: 5, CountCap: 5}); len(page.Reads) != 0 {
		t.Fatal("a search finds a read after the reset")
	}
}

// testSearchesAndIdempotency: kept searches, first answers of keyed
// requests (a second is ignored), exports.
func testSearchesAndIdempotency(t *testing.T, st store.Storage) {
	from := base.Add(-time.Hour)
	s := store.SearchRecord{ID: "s1", Username: "dana", CreatedAt: base, Hash: "abc",
		Request: api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "26-1", PurposeCategory: "robbery", Purpose: "p"},
			Plate: "7AB*", Fuzzy: true, From: &from, CameraIDs: []string{"cam-a"}, Features: []string{"damage"}}}
	first := store.IdemRecord{Username: "dana", Key: "k1", Route: "POST /v1/searches", Status: 200, Body: []byte(`{"a":1}`), CreatedAt: base}
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertSearch(&s); err != nil {
			return err
		}
		if err := tx.InsertIdempotent(&first); err != nil {
			return err
		}
		second := first
		second.Status, second.Body = 500, []byte("other")
		if err := tx.InsertIdempotent(&second); err != nil {
			return err
		}
		return tx.InsertExport("x1", api.ExportRequest{Kind: "pdf", SearchID: "s1", ReportNumber: "26-1"}, "dana", base)
	})
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.GetSearch("s1")
		if err != nil {
			return err
		}
		if !sameJSON(got, &s) {
			t.Fatalf("search %+v, want %+v", got, s)
		}
		_, err = tx.GetSearch("s9")
		wantErr(t, "unknown search", err, store.ErrNotFound)
		r, err := tx.GetIdempotent("dana", "k1")
		if err != nil {
			return err
		}
		if !sameJSON(r, &first) {
			t.Fatalf("idempotent answer %+v, want the first %+v", r, first)
		}
		_, err = tx.GetIdempotent("eve", "k1")
		wantErr(t, "another user's key", err, store.ErrNotFound)
		return nil
	})
}
