package storagetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// auditWorld is the entries testAudit appends: actors of two teams,
// several actions, report numbers, categories and outcomes, one minute
// apart from base.
func auditWorld() []api.AuditEntry {
	var es []api.AuditEntry
	actors := []string{"dana", "eve", "sam"}
	actions := []string{store.ActionSearch, store.ActionSearch, store.ActionVerification, store.ActionLogin}
	for i := range 60 {
		e := api.AuditEntry{At: base.Add(time.Duration(i)*time.Minute + 250*time.Microsecond), Actor: actors[i%3], Role: api.RoleDetective,
			Action: actions[i%4], ReportNumber: fmt.Sprintf("26-%03d", i%5), PurposeCategory: []string{"robbery", "homicide"}[i%2],
			Purpose: "case work", Query: fmt.Sprintf(`{"read_id":"r%d","status":"confirmed"}`, i), ResultCount: i, Workstation: "ws-1"}
		if i%7 == 0 {
			e.Outcome, e.Reason = api.OutcomeRefused, "not_trained"
		}
		es = append(es, e)
	}
	return es
}

// appendAll appends es to the chain in one transaction.
func appendAll(t *testing.T, st store.Storage, es []api.AuditEntry) {
	t.Helper()
	update(t, st, func(tx store.Tx) error {
		for i := range es {
			if err := store.AppendAudit(tx, &es[i]); err != nil {
				return err
			}
		}
		return nil
	})
}

// testAudit: appends link into a chain that verifies; the head, GetAudit,
// every page filter against a reference, AuditScan and AuditRange.
func testAudit(t *testing.T, st store.Storage) {
	view(t, st, func(tx store.ReadTx) error {
		h, err := tx.AuditHead()
		if err == nil && h != (api.ChainHead{}) {
			t.Fatalf("empty chain head %+v", h)
		}
		return err
	})
	update(t, st, func(tx store.Tx) error {
		for _, u := range []store.UserRecord{{User: api.User{Username: "dana", Team: "east"}}, {User: api.User{Username: "eve", Team: "west"}},
			{User: api.User{Username: "sam", Team: "east"}}} {
			u.PasswordHash = []byte{1}
			if err := tx.InsertUser(&u); err != nil {
				return err
			}
		}
		return nil
	})
	es := auditWorld()
	appendAll(t, st, es[:30])
	appendAll(t, st, es[30:])
	var scanned []api.AuditEntry
	view(t, st, func(tx store.ReadTx) error {
		h, err := tx.AuditHead()
		if err != nil {
			return err
		}
		if h.Seq != 60 || h.Hash != es[59].Hash {
			t.Fatalf("head %+v, want seq 60 hash %s", h, es[59].Hash)
		}
		e, err := tx.GetAudit(17)
		if err != nil {
			return err
		}
		if *e != es[16] {
			t.Fatalf("GetAudit(17) %+v,\nwant %+v", *e, es[16])
		}
		_, err = tx.GetAudit(61)
		wantErr(t, "unknown audit seq", err, store.ErrNotFound)
		return tx.AuditScan(func(e api.AuditEntry) error { scanned = append(scanned, e); return nil })
	})
	if !slices.Equal(scanned, es) {
		t.Fatalf("AuditScan gave %d entries, differing from the appended ones", len(scanned))
	}
	c := store.NewChainChecker()
	for _, e := range scanned {
		c.Add(e)
	}
	if r := c.Result(); !r.OK || r.Checked != 60 {
		t.Fatalf("chain check %+v", r)
	}
	checkAuditPages(t, st, es)
	var ranged []int64
	view(t, st, func(tx store.ReadTx) error {
		return tx.AuditRange(base.Add(10*time.Minute), base.Add(20*time.Minute), store.ActionSearch, func(e api.AuditEntry) error {
			ranged = append(ranged, e.Seq)
			return nil
		})
	})
	if want := []int64{13, 14, 17, 18}; !slices.Equal(ranged, want) {
		t.Fatalf("AuditRange %v, want %v", ranged, want)
	}
}

// checkAuditPages compares AuditPage under every filter with a reference
// filter over the appended entries.
func checkAuditPages(t *testing.T, st store.Storage, es []api.AuditEntry) {
	teams := map[string]string{"dana": "east", "eve": "west", "sam": "east"}
	for _, f := range []store.AuditFilter{
		{Limit: 100},
		{Limit: 7},
		{User: "eve", Limit: 100},
		{Team: "east", Limit: 100},
		{ReportNumber: "26-003", Limit: 100},
		{PurposeCategory: "homicide", Limit: 100},
		{Outcome: api.OutcomeRefused, Limit: 100},
		{Action: store.ActionVerification, Limit: 100},
		{From: base.Add(10 * time.Minute), To: base.Add(20*time.Minute + 250*time.Microsecond), Limit: 100},
		{BeforeSeq: 30, Limit: 10},
		{User: "dana", Action: store.ActionSearch, BeforeSeq: 40, Limit: 3},
	} {
		var want []api.AuditEntry
		for i := len(es) - 1; i >= 0 && len(want) < f.Limit; i-- {
			e := es[i]
			at := e.At.UnixMilli()
			if (f.User != "" && e.Actor != f.User) || (f.Team != "" && teams[e.Actor] != f.Team) ||
				(f.ReportNumber != "" && e.ReportNumber != f.ReportNumber) || (f.PurposeCategory != "" && e.PurposeCategory != f.PurposeCategory) ||
				(f.Outcome != "" && e.Outcome != f.Outcome) || (f.Action != "" && e.Action != f.Action) ||
				(!f.From.IsZero() && at < f.From.UnixMilli()) || (!f.To.IsZero() && at > f.To.UnixMilli()) ||
				(f.BeforeSeq > 0 && e.Seq >= f.BeforeSeq) {
				continue
			}
			want = append(want, e)
		}
		view(t, st, func(tx store.ReadTx) error {
			got, err := tx.AuditPage(f)
			if err != nil {
				return err
			}
			if len(want) == 0 || !slices.Equal(got, want) {
				t.Fatalf("AuditPage(%+v): %d entries, want %d (non-empty)", f, len(got), len(want))
			}
			return nil
		})
	}
}

// testAuditConcurrent: appends from many goroutines at once, each in its
// own transaction, form one chain with contiguous sequence numbers.
func testAuditConcurrent(t *testing.T, st store.Storage) {
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := st.Update(ctx, func(tx store.Tx) error {
					e := api.AuditEntry{At: base.Add(time.Duration(i) * time.Second), Actor: fmt.Sprintf("w%d", w), Role: api.RoleDetective, Action: store.ActionSearch}
					return store.AppendAudit(tx, &e)
				})
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent append: %v", err)
	}
	c := store.NewChainChecker()
	var seqs []int64
	view(t, st, func(tx store.ReadTx) error {
		return tx.AuditScan(func(e api.AuditEntry) error { c.Add(e); seqs = append(seqs, e.Seq); return nil })
	})
	if r := c.Result(); !r.OK || r.Checked != writers*each {
		t.Fatalf("chain after concurrent appends: %+v", r)
	}
	for i, s := range seqs {
		if s != int64(i+1) {
			t.Fatalf("sequence %d at position %d", s, i)
		}
	}
}
