package storagetest

import (
	"encoding/json"
	"testing"

	"alprdesk/store"
)

// Compare loads the same seeded world into two fresh storages (two
// backends) and checks that they answer every search of the suite with the
// same reads, field for field, in the same order, page by page, with the
// same counts and switch candidates.
func Compare(t *testing.T, a, b store.Storage) {
	w := NewWorld(7, worldReads)
	w.Load(t, a)
	w.Load(t, b)
	for _, nq := range w.Queries() {
		t.Run(nq.Name, func(t *testing.T) {
			qa, qb := nq.Q, nq.Q
			qa.Limit, qb.Limit = 29, 29
			for page := 0; ; page++ {
				pa, pb := search(t, a, qa), search(t, b, qb)
				ja, _ := json.Marshal(pa.Reads)
				jb, _ := json.Marshal(pb.Reads)
				if string(ja) != string(jb) || pa.Total != pb.Total || pa.Capped != pb.Capped || pa.More != pb.More {
					t.Fatalf("page %d differs:\n%s (total %d more %v)\n%s (total %d more %v)", page, ja, pa.Total, pa.More, jb, pb.Total, pb.More)
				}
				if page == 0 {
					compareSwitches(t, a, b, pa)
				}
				if !pa.More {
					return
				}
				qa.After, qa.SkipCount = &pa.Keys[len(pa.Keys)-1], true
				qb.After, qb.SkipCount = &pb.Keys[len(pb.Keys)-1], true
			}
		})
	}
}

// compareSwitches compares the switch candidates of a page on both.
func compareSwitches(t *testing.T, a, b store.Storage, p *store.ReadPage) {
	t.Helper()
	var sa, sb map[string]bool
	view(t, a, func(tx store.ReadTx) error {
		var err error
		sa, err = tx.SwitchCandidates(p.Reads, base.AddDate(0, 0, -WorldDays), base)
		return err
	})
	view(t, b, func(tx store.ReadTx) error {
		var err error
		sb, err = tx.SwitchCandidates(p.Reads, base.AddDate(0, 0, -WorldDays), base)
		return err
	})
	ja, _ := json.Marshal(sa)
	jb, _ := json.Marshal(sb)
	if string(ja) != string(jb) {
		t.Fatalf("switch candidates differ:\n%s\n%s", ja, jb)
	}
}
