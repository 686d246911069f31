package storagetest

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// hotlistRequest is a request of the suite.
func hotlistRequest(id, by, status string, at time.Time) api.HotlistRequest {
	return api.HotlistRequest{ID: id, RequestedBy: by, RequestedAt: at, Status: status, Notice: "days clamped",
		HotlistRequestBody: api.HotlistRequestBody{Plate: "7ABC123", State: "CA", ReportNumber: "26-100", VehicleDescription: "blue sedan",
			Explanation: "armed robbery", List: api.ListAlert, RequesterName: "Dana", RequesterSerial: "S-1", Days: 7}}
}

// entry is a hotlist entry of the suite.
func entry(id, list, plate string, expires time.Time) store.HotlistEntryRecord {
	return store.HotlistEntryRecord{HotlistEntry: api.HotlistEntry{ID: id, Plate: plate, State: "CA", List: list, ExpiresAt: expires,
		RequestID: "q-" + id, ReportNumber: "26-100", VehicleDescription: "blue sedan", Instructions: "call", Contact: "x100"},
		RequestedBy: "dana", CreatedAt: base, Status: store.EntryActive}
}

// testHotlists: requests (insert, duplicate, get, list filters, decide),
// entries (insert, duplicate, active and due by time, end, replace a state
// list) and the change counter.
func testHotlists(t *testing.T, st store.Storage) {
	reqs := []api.HotlistRequest{hotlistRequest("q1", "dana", api.RequestPending, base),
		hotlistRequest("q2", "eve", api.RequestPending, base.Add(time.Minute)), hotlistRequest("q3", "dana", api.RequestPending, base.Add(2*time.Minute))}
	update(t, st, func(tx store.Tx) error {
		for i := range reqs {
			if err := tx.InsertHotlistRequest(&reqs[i]); err != nil {
				return err
			}
		}
		wantErr(t, "request id taken", tx.InsertHotlistRequest(&reqs[0]), store.ErrExists)
		return nil
	})
	decided := base.Add(time.Hour)
	reqs[0].Status, reqs[0].DecidedBy, reqs[0].DecidedAt, reqs[0].Reason, reqs[0].EntryID = "approved", "approver", &decided, "ok", "e1"
	update(t, st, func(tx store.Tx) error {
		if err := tx.UpdateHotlistRequest(&reqs[0]); err != nil {
			return err
		}
		ghost := hotlistRequest("q9", "x", "approved", base)
		wantErr(t, "decide unknown request", tx.UpdateHotlistRequest(&ghost), store.ErrNotFound)
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.GetHotlistRequest("q1")
		if err != nil {
			return err
		}
		if !sameJSON(got, &reqs[0]) {
			t.Fatalf("request %+v, want %+v", got, reqs[0])
		}
		_, err = tx.GetHotlistRequest("q9")
		wantErr(t, "unknown request", err, store.ErrNotFound)
		for _, c := range []struct {
			by, status string
			want       []string
		}{{"", "", []string{"q3", "q2", "q1"}}, {"dana", "", []string{"q3", "q1"}}, {"", api.RequestPending, []string{"q3", "q2"}}, {"eve", "approved", nil}} {
			l, err := tx.ListHotlistRequests(c.by, c.status)
			if err != nil {
				return err
			}
			var ids []string
			for _, r := range l {
				ids = append(ids, r.ID)
			}
			if l == nil || !slices.Equal(ids, c.want) {
				t.Fatalf("ListHotlistRequests(%q, %q) = %v, want %v", c.by, c.status, ids, c.want)
			}
		}
		return nil
	})
	testEntries(t, st)
}

func testEntries(t *testing.T, st store.Storage) {
	es := []store.HotlistEntryRecord{entry("e1", api.ListAlert, "7ABC123", base.Add(24*time.Hour)),
		entry("e2", api.ListCovert, "8XYZ987", base.Add(time.Hour)), entry("e3", api.ListAlert, "5DEF456", base.Add(-time.Minute)),
		entry("s1", api.ListStolenPlates, "1AAA111", base.Add(72*time.Hour)), entry("s2", api.ListStolenPlates, "1AAA112", base.Add(72*time.Hour))}
	update(t, st, func(tx store.Tx) error {
		for i := range es {
			if err := tx.InsertHotlistEntry(&es[i]); err != nil {
				return err
			}
		}
		wantErr(t, "entry id taken", tx.InsertHotlistEntry(&es[0]), store.ErrExists)
		return tx.BumpHotlistGeneration()
	})
	entryIDs := func(l []store.HotlistEntryRecord) []string {
		var ids []string
		for _, e := range l {
			ids = append(ids, e.ID)
		}
		return ids
	}
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.GetHotlistEntry("e2")
		if err != nil {
			return err
		}
		if !sameJSON(got, &es[1]) || !got.CreatedAt.Equal(base) || got.RequestedBy != "dana" || got.Status != store.EntryActive {
			t.Fatalf("entry %+v, want %+v", got, es[1])
		}
		act, err := tx.ActiveHotlistEntries(base)
		if err != nil {
			return err
		}
		if ids := entryIDs(act); !slices.Equal(ids, []string{"e1", "e2", "s1", "s2"}) { // by list, plate, id
			t.Fatalf("active entries %v", ids)
		}
		due, err := tx.DueHotlistEntries(base.Add(2 * time.Hour))
		if err != nil {
			return err
		}
		if ids := entryIDs(due); !slices.Equal(ids, []string{"e3", "e2"}) { // by expiry
			t.Fatalf("due entries %v", ids)
		}
		if g, err := tx.HotlistGeneration(); err != nil || g != 1 {
			t.Fatalf("generation %d, %v", g, err)
		}
		return nil
	})
	repl := []store.HotlistEntryRecord{entry("s3", api.ListStolenPlates, "2BBB222", base.Add(72*time.Hour))}
	update(t, st, func(tx store.Tx) error {
		if err := tx.EndHotlistEntry("e2", store.EntryRemoved, "approver", "recovered", base); err != nil {
			return err
		}
		wantErr(t, "end an ended entry", tx.EndHotlistEntry("e2", store.EntryRemoved, "approver", "again", base), store.ErrNotFound)
		wantErr(t, "end an unknown entry", tx.EndHotlistEntry("e9", store.EntryRemoved, "approver", "", base), store.ErrNotFound)
		n, err := tx.ReplaceStateList(api.ListStolenPlates, repl)
		if err == nil && n != 2 {
			t.Fatalf("replace removed %d, want 2", n)
		}
		return err
	})
	view(t, st, func(tx store.ReadTx) error {
		e, err := tx.GetHotlistEntry("e2")
		if err != nil || e.Status != store.EntryRemoved {
			t.Fatalf("ended entry %+v, %v", e, err)
		}
		act, err := tx.ActiveHotlistEntries(base)
		if ids := entryIDs(act); err == nil && !slices.Equal(ids, []string{"e1", "s3"}) {
			t.Fatalf("active after end and replace %v", ids)
		}
		return err
	})
}

// sameJSON compares two values by their JSON (times to the instant).
func sameJSON(a, b any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}

// testAlerts: sequences increase, data is built once the seq is known,
// routing by viewer, verifications, acknowledgements, and the purge of
// alerts whose read is gone.
func testAlerts(t *testing.T, st store.Storage) {
	insertReads(t, st, nil, sampleRead("r-old", base.Add(-40*24*time.Hour)), sampleRead("r-new", base))
	as := []store.AlertRecord{
		{ReadID: "r-new", EntryID: "e1", List: api.ListAlert, Match: "exact", RequestedBy: "dana", At: base},
		{ReadID: "r-new", EntryID: "e2", List: api.ListCovert, Match: "exact", RequestedBy: "eve", At: base.Add(time.Second)},
		{ReadID: "r-old", EntryID: "e3", List: api.ListStolenPlates, Match: "lookalike", RequestedBy: "", At: base.Add(2 * time.Second)},
	}
	update(t, st, func(tx store.Tx) error {
		for i := range as {
			if err := tx.InsertAlert(&as[i], func(seq int64) ([]byte, error) {
				return fmt.Appendf(nil, `{"id":%q}`, store.AlertID(seq)), nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	if as[0].Seq <= 0 || as[1].Seq <= as[0].Seq || as[2].Seq <= as[1].Seq {
		t.Fatalf("alert sequences %d %d %d", as[0].Seq, as[1].Seq, as[2].Seq)
	}
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.GetAlert(as[1].Seq)
		if err != nil {
			return err
		}
		if !sameJSON(got, &as[1]) || string(got.Data) != fmt.Sprintf(`{"id":%q}`, store.AlertID(as[1].Seq)) {
			t.Fatalf("alert %+v (%s), want %+v", got, got.Data, as[1])
		}
		if last, err := tx.LastAlertSeq(); err != nil || last != as[2].Seq {
			t.Fatalf("last alert seq %d, %v", last, err)
		}
		_, err = tx.GetAlert(as[2].Seq + 100)
		wantErr(t, "unknown alert", err, store.ErrNotFound)
		for _, c := range []struct {
			v     store.AlertViewer
			after int64
			want  []int64
		}{
			{store.AlertViewer{Username: "dana"}, 0, []int64{as[0].Seq}},
			{store.AlertViewer{Username: "eve"}, 0, []int64{as[1].Seq}},
			{store.AlertViewer{Username: "wc", Patrol: true}, 0, []int64{as[0].Seq, as[2].Seq}},
			{store.AlertViewer{Username: "ap", Approver: true}, 0, []int64{as[1].Seq}},
			{store.AlertViewer{Username: "all", Patrol: true, Approver: true}, as[0].Seq, []int64{as[1].Seq, as[2].Seq}},
		} {
			l, err := tx.AlertsAfter(c.after, c.v, 10)
			if err != nil {
				return err
			}
			var seqs []int64
			for _, a := range l {
				seqs = append(seqs, a.Seq)
			}
			if !slices.Equal(seqs, c.want) {
				t.Fatalf("AlertsAfter(%d, %+v) = %v, want %v", c.after, c.v, seqs, c.want)
			}
		}
		return nil
	})
	oldID, newID := store.AlertID(as[2].Seq), store.AlertID(as[0].Seq)
	update(t, st, func(tx store.Tx) error {
		for _, id := range []string{oldID, newID} {
			if err := tx.SetAlertVerified(id, "dana", "confirmed", base); err != nil {
				return err
			}
			if err := tx.InsertAlertAck(api.AlertAck{AlertID: id, By: "dana", Note: "seen", At: base}); err != nil {
				return err
			}
		}
		wantErr(t, "second ack", tx.InsertAlertAck(api.AlertAck{AlertID: newID, By: "dana", At: base}), store.ErrExists)
		return tx.SetAlertVerified(newID, "dana", "misread", base.Add(time.Minute)) // replaces
	})
	view(t, st, func(tx store.ReadTx) error {
		for _, c := range []struct {
			id, user string
			want     bool
		}{{newID, "dana", true}, {newID, "eve", false}, {oldID, "dana", true}} {
			if ok, err := tx.AlertVerified(c.id, c.user); err != nil || ok != c.want {
				t.Fatalf("AlertVerified(%s, %s) = %v, %v", c.id, c.user, ok, err)
			}
		}
		return nil
	})
	var n int
	update(t, st, func(tx store.Tx) error {
		if _, err := tx.PurgeReads(base.Add(-30 * 24 * time.Hour)); err != nil {
			return err
		}
		var err error
		n, err = tx.PurgeOrphanAlerts()
		return err
	})
	view(t, st, func(tx store.ReadTx) error {
		if _, err := tx.GetAlert(as[2].Seq); n != 1 || err == nil {
			t.Fatalf("orphan purge removed %d; alert of the purged read: %v", n, err)
		}
		if ok, err := tx.AlertVerified(oldID, "dana"); err != nil || ok {
			t.Fatalf("verification of a purged alert kept: %v, %v", ok, err)
		}
		_, err := tx.GetAlert(as[0].Seq)
		return err
	})
	update(t, st, func(tx store.Tx) error { // the ack of the purged alert went with it
		if err := tx.InsertAlertAck(api.AlertAck{AlertID: oldID, By: "dana", At: base}); err != nil {
			return err
		}
		a := store.AlertRecord{ReadID: "r-new", EntryID: "e4", List: api.ListAlert, At: base}
		if err := tx.InsertAlert(&a, func(int64) ([]byte, error) { return []byte(`{}`), nil }); err != nil {
			return err
		}
		if a.Seq <= as[2].Seq {
			t.Fatalf("a purged alert's sequence %d was reused (%d)", as[2].Seq, a.Seq)
		}
		return nil
	})
}
