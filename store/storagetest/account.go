package storagetest

import (
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// testAccount checks accountability's storage: the plate-free daily
// counters (summed by day range), alerts of a period by viewer, and hit
// outcomes (one per alert and user, purged with their alert).
func testAccount(t *testing.T, st store.Storage) {
	update(t, st, func(tx store.Tx) error {
		for _, c := range []struct {
			day, name, key string
			n              int
		}{
			{"2026-03-01", "hits", "stolen_plates", 2}, {"2026-03-01", "hits", "stolen_plates", 3},
			{"2026-03-02", "hits", "alert", 1}, {"2026-03-05", "hits", "stolen_plates", 7},
		} {
			if err := tx.AddCount(c.day, c.name, c.key, c.n); err != nil {
				return err
			}
		}
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.Counts("2026-03-01", "2026-03-05")
		if err != nil {
			return err
		}
		want := []store.DailyCount{{Name: "hits", Key: "alert", N: 1}, {Name: "hits", Key: "stolen_plates", N: 5}}
		if !sameJSON(got, want) {
			t.Errorf("counts %+v, want %+v", got, want)
		}
		return nil
	})

	insertReads(t, st, nil, sampleRead("r-hit", base))
	a := store.AlertRecord{ReadID: "r-hit", EntryID: "e1", List: api.ListAlert, Match: "exact", RequestedBy: "dana", At: base}
	update(t, st, func(tx store.Tx) error {
		return tx.InsertAlert(&a, func(int64) ([]byte, error) { return []byte(`{}`), nil })
	})
	id := store.AlertID(a.Seq)
	o := api.AlertOutcome{AlertID: id, By: "dana", Action: "stop", Note: "n", Reason: "r", At: base.Add(time.Minute)}
	update(t, st, func(tx store.Tx) error { return tx.InsertAlertOutcome(o) })
	err := st.Update(ctx, func(tx store.Tx) error { return tx.InsertAlertOutcome(o) })
	wantErr(t, "second outcome of one user", err, store.ErrExists)
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.AlertOutcomes(id)
		if err != nil {
			return err
		}
		if !sameJSON(got, []api.AlertOutcome{o}) {
			t.Errorf("outcomes %+v, want %+v", got, o)
		}
		if v, err := tx.AlertVerdict(id); err != nil || v != "" {
			t.Errorf("verdict of an unverified alert %q, %v", v, err)
		}
		in, err := tx.AlertsBetween(store.AlertViewer{Username: "dana"}, base.Add(-time.Hour), base.Add(time.Hour), 10)
		if err != nil {
			return err
		}
		if len(in) != 1 || in[0].Seq != a.Seq {
			t.Errorf("alerts between %+v, want seq %d", in, a.Seq)
		}
		out, err := tx.AlertsBetween(store.AlertViewer{Username: "dana"}, base.Add(time.Hour), base.Add(2*time.Hour), 10)
		if err != nil || len(out) != 0 {
			t.Errorf("alerts of another period %+v, %v", out, err)
		}
		return nil
	})
}
