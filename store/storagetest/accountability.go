package storagetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// testAccountLists: alert lists by period and viewer (newest first), the
// latest verdict through an alert, outcomes once per alert and user (purged
// with their alert), daily counters summed over a range of days and never
// purged, and the plates a search returned while the reads are stored.
func testAccountLists(t *testing.T, st store.Storage) {
	insertReads(t, st, nil, sampleRead("r-old", base.Add(-40*24*time.Hour)), sampleRead("r-new", base))
	as := []store.AlertRecord{
		{ReadID: "r-old", EntryID: "e1", List: api.ListAlert, Match: "exact", At: base.Add(-40 * 24 * time.Hour)},
		{ReadID: "r-new", EntryID: "e1", List: api.ListAlert, Match: "exact", At: base},
		{ReadID: "r-new", EntryID: "e2", List: api.ListCovert, Match: "exact", RequestedBy: "eve", At: base.Add(time.Second)},
	}
	update(t, st, func(tx store.Tx) error {
		for i := range as {
			if err := tx.InsertAlert(&as[i], func(seq int64) ([]byte, error) { return fmt.Appendf(nil, `{"id":%q}`, store.AlertID(seq)), nil }); err != nil {
				return err
			}
		}
		return nil
	})
	oldID, newID := store.AlertID(as[0].Seq), store.AlertID(as[1].Seq)
	view(t, st, func(tx store.ReadTx) error {
		for _, c := range []struct {
			v    store.AlertViewer
			from time.Time
			want []int64
		}{
			{store.AlertViewer{Username: "wc", Patrol: true}, base.Add(-50 * 24 * time.Hour), []int64{as[1].Seq, as[0].Seq}},
			{store.AlertViewer{Username: "wc", Patrol: true}, base.Add(-time.Hour), []int64{as[1].Seq}},
			{store.AlertViewer{Username: "eve"}, base.Add(-time.Hour), []int64{as[2].Seq}},
			{store.AlertViewer{Username: "ap", Approver: true, Patrol: true}, base.Add(-time.Hour), []int64{as[2].Seq, as[1].Seq}},
		} {
			l, err := tx.AlertsBetween(c.v, c.from, base.Add(time.Hour), 10)
			if err != nil {
				return err
			}
			var seqs []int64
			for _, a := range l {
				seqs = append(seqs, a.Seq)
			}
			if !slices.Equal(seqs, c.want) {
				t.Fatalf("AlertsBetween(%+v, %v) = %v, want %v", c.v, c.from, seqs, c.want)
			}
		}
		v, err := tx.AlertVerdict(newID)
		if err != nil || v != "" {
			t.Fatalf("verdict of an unverified alert: %q, %v", v, err)
		}
		return nil
	})
	o := api.AlertOutcome{AlertID: newID, By: "wc", Action: api.ActionStop, Note: "n", Reason: "why", StopReady: false, At: base}
	update(t, st, func(tx store.Tx) error {
		for _, id := range []string{oldID, newID} {
			if err := tx.SetAlertVerified(id, "wc", api.VerifyConfirmed, base); err != nil {
				return err
			}
		}
		if err := tx.SetAlertVerified(newID, "dana", api.VerifyMisread, base.Add(time.Minute)); err != nil {
			return err
		}
		if err := tx.InsertAlertOutcome(o); err != nil {
			return err
		}
		if err := tx.InsertAlertOutcome(api.AlertOutcome{AlertID: oldID, By: "wc", Action: api.ActionNoAction, At: base}); err != nil {
			return err
		}
		if err := tx.InsertAlertAck(api.AlertAck{AlertID: newID, By: "wc", Note: "seen", At: base}); err != nil {
			return err
		}
		wantErr(t, "second outcome", tx.InsertAlertOutcome(o), store.ErrExists)
		for _, c := range []store.DailyCount{{Name: "hit", Key: "alert", N: 2}, {Name: "hit", Key: "alert", N: 1}, {Name: "hit", Key: "covert", N: 1}} {
			if err := tx.AddCount("2026-03-10", c.Name, c.Key, c.N); err != nil {
				return err
			}
		}
		if err := tx.AddCount("2026-03-11", "hit_verdict", "alert/confirmed", 1); err != nil {
			return err
		}
		return tx.AddCount("2026-03-11", "hit_verdict", "alert/confirmed", -1)
	})
	view(t, st, func(tx store.ReadTx) error {
		if v, err := tx.AlertVerdict(newID); err != nil || v != api.VerifyMisread {
			t.Fatalf("latest verdict %q, %v", v, err)
		}
		got, err := tx.AlertOutcomes(newID)
		if err != nil || len(got) != 1 || got[0] != o {
			t.Fatalf("outcomes %+v, %v; want %+v", got, err, o)
		}
		acks, err := tx.AlertAcks(newID)
		if err != nil || len(acks) != 1 || acks[0].By != "wc" || acks[0].Note != "seen" || !acks[0].At.Equal(base) {
			t.Fatalf("acks %+v, %v", acks, err)
		}
		cs, err := tx.Counts("2026-03-10", "2026-03-12")
		want := []store.DailyCount{{Name: "hit", Key: "alert", N: 3}, {Name: "hit", Key: "covert", N: 1}, {Name: "hit_verdict", Key: "alert/confirmed", N: 0}}
		if err != nil || !slices.Equal(cs, want) {
			t.Fatalf("Counts = %+v, %v; want %+v", cs, err, want)
		}
		if cs, err := tx.Counts("2026-03-11", "2026-03-11"); err != nil || len(cs) != 0 {
			t.Fatalf("Counts of no day = %+v, %v", cs, err)
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		for i, id := range []string{"s1", "s2"} {
			if err := tx.InsertSearch(&store.SearchRecord{ID: id, Username: "dana", CreatedAt: base.Add(time.Duration(i) * time.Minute), Hash: "h" + id}); err != nil {
				return err
			}
		}
		if err := tx.InsertSearchReturns("s1", []store.ReturnedRead{{ID: "r-new", CapturedAt: base}, {ID: "r-old", CapturedAt: base.Add(-40 * 24 * time.Hour)}}); err != nil {
			return err
		}
		if _, err := tx.PurgeReads(base.Add(-30 * 24 * time.Hour)); err != nil {
			return err
		}
		_, err := tx.PurgeOrphanAlerts()
		return err
	})
	view(t, st, func(tx store.ReadTx) error {
		ps, err := tx.SearchPlates(base.Add(-time.Hour), base.Add(time.Hour))
		if err != nil || len(ps) != 1 || ps[0].Username != "dana" || !ps[0].CreatedAt.Equal(base) || !slices.Equal(ps[0].Plates, []string{"7ABC123"}) {
			t.Fatalf("SearchPlates = %+v, %v", ps, err)
		}
		if got, err := tx.AlertOutcomes(oldID); err != nil || len(got) != 0 {
			t.Fatalf("outcomes of a purged alert: %+v, %v", got, err)
		}
		if cs, err := tx.Counts("2026-03-10", "2026-03-11"); err != nil || len(cs) != 2 {
			t.Fatalf("counters after the purge: %+v, %v", cs, err)
		}
		return nil
	})
}
