package storagetest

import (
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// worldReads is the size of the seeded world the search parts run on.
const worldReads = 3000

// loadWorld builds and stores the suite's world.
func loadWorld(t *testing.T, st store.Storage) *World {
	t.Helper()
	w := NewWorld(7, worldReads)
	w.Load(t, st)
	return w
}

// search runs q in a read transaction.
func search(t *testing.T, st store.Storage, q store.ReadQuery) *store.ReadPage {
	t.Helper()
	var page *store.ReadPage
	view(t, st, func(tx store.ReadTx) error {
		var err error
		page, err = tx.SearchReads(&q)
		return err
	})
	return page
}

func pageIDs(p *store.ReadPage) []string {
	ids := make([]string, len(p.Reads))
	for i, r := range p.Reads {
		ids[i] = r.ID
	}
	return ids
}

// testSearch checks every kind of search against the reference: the first
// page's reads in order, the total and whether more follow.
func testSearch(t *testing.T, st store.Storage) {
	w := loadWorld(t, st)
	found := 0
	for _, nq := range w.Queries() {
		t.Run(nq.Name, func(t *testing.T) {
			want := w.Answer(&nq.Q)
			page := search(t, st, nq.Q)
			got := pageIDs(page)
			first := want[:min(len(want), nq.Q.Limit)]
			if !slices.Equal(got, first) {
				t.Fatalf("reads %v,\nwant %v", got, first)
			}
			if page.Total != min(len(want), nq.Q.CountCap) || page.Capped != (len(want) > nq.Q.CountCap) {
				t.Fatalf("total %d capped %v, want %d of %d", page.Total, page.Capped, min(len(want), nq.Q.CountCap), len(want))
			}
			if page.More != (len(want) > nq.Q.Limit) || len(page.Keys) != len(page.Reads) {
				t.Fatalf("more %v with %d keys, want more %v", page.More, len(page.Keys), len(want) > nq.Q.Limit)
			}
			if len(want) > 0 {
				found++
			}
		})
	}
	if found < len(w.Queries())-3 {
		t.Fatalf("only %d queries found reads: the world does not exercise the searches", found)
	}
	checkReadFields(t, st, w)
}

// checkReadFields compares the reads a search returns with what was
// stored, field by field (camera joined, times to the millisecond).
func checkReadFields(t *testing.T, st store.Storage, w *World) {
	page := search(t, st, store.ReadQuery{Limit: 200, CountCap: 10})
	byID := map[string]api.ReadMeta{}
	for _, m := range w.Reads {
		byID[m.ID] = m
	}
	for _, r := range page.Reads {
		m := byID[r.ID]
		cam := WorldCameras[slices.IndexFunc(WorldCameras, func(c api.Camera) bool { return c.ID == m.CameraID })]
		if r.Plate != m.Plate || r.State != m.State || r.Confidence != m.Confidence || !r.CapturedAt.Equal(m.CapturedAt) ||
			r.Camera != readCamera(cam) || r.Make != m.Make || r.Color != m.Color || r.BodyType != m.BodyType ||
			!slices.Equal(r.Features, m.Features) || r.PlateBox != m.PlateBox {
			t.Fatalf("read %s: got %+v, stored %+v", r.ID, r, m)
		}
		if c, ok := w.Corrected[r.ID]; ok != (r.Verification != nil) || (ok && r.Verification.CorrectedPlate != c) {
			t.Fatalf("read %s: verification %+v, corrected to %q", r.ID, r.Verification, c)
		}
	}
}

// testSearchPaging walks queries page by page with the keyset and checks
// the concatenation against the reference, and the count cap.
func testSearchPaging(t *testing.T, st store.Storage) {
	w := loadWorld(t, st)
	for _, nq := range w.Queries() {
		t.Run(nq.Name, func(t *testing.T) {
			q := nq.Q
			q.Limit = 37
			want := w.Answer(&q)
			var got []string
			for pages := 0; ; pages++ {
				if pages > len(want)/q.Limit+2 {
					t.Fatalf("paging does not end after %d pages", pages)
				}
				page := search(t, st, q)
				if pages > 0 && (page.Total != 0 || page.Capped) {
					t.Fatalf("page %d counted %d with SkipCount", pages, page.Total)
				}
				got = append(got, pageIDs(page)...)
				if !page.More {
					break
				}
				q.After, q.SkipCount = &page.Keys[len(page.Keys)-1], true
			}
			if !slices.Equal(got, want) {
				t.Fatalf("paged %d reads, want %d (first difference at %d)", len(got), len(want), firstDiff(got, want))
			}
		})
	}
	q := store.ReadQuery{Limit: 5, CountCap: 100}
	if p := search(t, st, q); p.Total != 100 || !p.Capped || !p.More {
		t.Fatalf("capped count: total %d capped %v more %v", p.Total, p.Capped, p.More)
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// testSwitchCandidates checks, for a page of reads, which plates were seen
// in the window on another make or colour, against the reference.
func testSwitchCandidates(t *testing.T, st store.Storage) {
	w := loadWorld(t, st)
	from, to := base.Add(-8*24*time.Hour), base.Add(-2*24*time.Hour)
	page := search(t, st, store.ReadQuery{Limit: 300, CountCap: 1, From: from, To: to})
	var got map[string]bool
	view(t, st, func(tx store.ReadTx) error {
		var err error
		got, err = tx.SwitchCandidates(page.Reads, from, to)
		return err
	})
	want := map[string]bool{}
	for _, r := range page.Reads {
		for _, m := range w.Reads {
			at := m.CapturedAt.UnixMilli()
			if m.Plate != r.Plate || at < from.UnixMilli() || at > to.UnixMilli() {
				continue
			}
			if differs(m.Make, r.Make) || differs(m.Color, r.Color) {
				want[r.ID] = true
				break
			}
		}
	}
	if len(want) == 0 || len(want) == len(page.Reads) {
		t.Fatalf("the world gives %d switch candidates of %d reads: not a test", len(want), len(page.Reads))
	}
	for _, r := range page.Reads {
		if got[r.ID] != want[r.ID] {
			t.Fatalf("read %s (%s %s %s): switch candidate %v, want %v", r.ID, r.Plate, r.Make, r.Color, got[r.ID], want[r.ID])
		}
	}
}

// differs compares two attributes case-insensitively; unknown ("") never
// differs.
func differs(a, b string) bool {
	return a != "" && b != "" && !strings.EqualFold(a, b)
}

// testSearchTies: reads captured in the same millisecond come in read id
// order, descending (DESIGN.md, Scaling out), whatever order they were
// stored in, on every search path (plate, plate with attributes, no plate)
// and across pages (the keyset carries the id).
func testSearchTies(t *testing.T, st store.Storage) {
	at := base.Add(-time.Hour)
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertCamera(WorldCameras[0], "tok-ties"); err != nil {
			return err
		}
		// Stored in an order that is neither the ids' order nor its reverse.
		for _, id := range []string{"tie-c", "tie-a", "tie-e", "tie-b", "tie-d"} {
			m := api.ReadMeta{ID: id, CameraID: WorldCameras[0].ID, CapturedAt: at, Plate: "7TIE123", State: "CA",
				Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan", Features: []string{}}
			if _, err := tx.InsertRead(&store.ReadRecord{Meta: m}); err != nil {
				return err
			}
		}
		return nil
	})
	want := []string{"tie-e", "tie-d", "tie-c", "tie-b", "tie-a"}
	for name, q := range map[string]store.ReadQuery{
		"plate":            {Pattern: mustPattern("7TIE123")},
		"plate_attributes": {Pattern: mustPattern("7TIE*"), Make: "toyota"},
		"no_plate":         {CameraIDs: []string{WorldCameras[0].ID}, From: at.Add(-time.Minute), To: at.Add(time.Minute)},
	} {
		t.Run(name, func(t *testing.T) {
			q.Limit, q.CountCap = 5, 100
			if got := pageIDs(search(t, st, q)); !slices.Equal(got, want) {
				t.Fatalf("reads %v, want %v", got, want)
			}
			q.Limit = 2
			var got []string
			for range 3 {
				page := search(t, st, q)
				got = append(got, pageIDs(page)...)
				if !page.More {
					break
				}
				q.After, q.SkipCount = &page.Keys[len(page.Keys)-1], true
			}
			if !slices.Equal(got, want) {
				t.Fatalf("paged by 2: %v, want %v", got, want)
			}
			// A counted page after a keyset counts the whole search.
			q.SkipCount = false
			if page := search(t, st, q); page.Total != len(want) || page.Capped {
				t.Fatalf("counted page after a keyset: total %d capped %v, want %d", page.Total, page.Capped, len(want))
			}
		})
	}
}

// plateRead is a read of the plate search parts: id, plate, capture time.
type plateRead struct {
	id, plate string
	at        time.Time
}

// insertPlateReads stores reads at the first world camera, then corrects
// the plate of each read in corrected (read id: corrected plate).
func insertPlateReads(t *testing.T, st store.Storage, reads []plateRead, corrected map[string]string) {
	t.Helper()
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertCamera(WorldCameras[0], "tok-plates"); err != nil {
			return err
		}
		for _, r := range reads {
			m := api.ReadMeta{ID: r.id, CameraID: WorldCameras[0].ID, CapturedAt: r.at, Plate: r.plate, State: "CA",
				Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan", Features: []string{}}
			if _, err := tx.InsertRead(&store.ReadRecord{Meta: m}); err != nil {
				return err
			}
		}
		for id, p := range corrected {
			v := api.Verification{Status: api.VerifyMisread, CorrectedPlate: p, CorrectedState: "CA", By: "verifier", At: base}
			if err := tx.SetVerification(id, v); err != nil {
				return err
			}
		}
		return nil
	})
}

// pageThrough runs q page by page with the keyset, at most maxPages
// pages, and returns the read ids in order and the first page.
func pageThrough(t *testing.T, st store.Storage, q store.ReadQuery, maxPages int) ([]string, *store.ReadPage) {
	t.Helper()
	var got []string
	var first *store.ReadPage
	for pages := 0; pages < maxPages; pages++ {
		page := search(t, st, q)
		if first == nil {
			first = page
		}
		got = append(got, pageIDs(page)...)
		if !page.More {
			break
		}
		q.After, q.SkipCount = &page.Keys[len(page.Keys)-1], true
	}
	return got, first
}

// testSearchTiesAcrossPlates: a plate pattern matching several plates
// whose reads share one capture time (one read matching by its corrected
// plate only) gives them in read id order, descending, on pages of every
// size, wherever a page ends among the ties, and counts each read once.
func testSearchTiesAcrossPlates(t *testing.T, st store.Storage) {
	at := base.Add(-2 * time.Hour)
	insertPlateReads(t, st, []plateRead{{"tp-c", "7TIF121", at}, {"tp-a", "7TIF122", at}, {"tp-old", "7TIF128", at.Add(-time.Second)},
		{"tp-f", "8ZZY999", at}, {"tp-e", "7TIF123", at}, {"tp-new", "7TIF120", at.Add(time.Second)},
		{"tp-b", "7TIF124", at}, {"tp-d", "7TIF121", at}, {"tp-g", "7TIF125", at}},
		// tp-f matches by its corrected plate, tp-g by both plates.
		map[string]string{"tp-f": "7TIF126", "tp-g": "7TIF127"})
	want := []string{"tp-new", "tp-g", "tp-f", "tp-e", "tp-d", "tp-c", "tp-b", "tp-a", "tp-old"}
	for limit := 1; limit <= len(want)+1; limit++ {
		got, first := pageThrough(t, st, store.ReadQuery{Pattern: mustPattern("7TIF*"), Limit: limit, CountCap: 100}, len(want)+1)
		if first.Total != len(want) {
			t.Fatalf("limit %d: total %d, want %d", limit, first.Total, len(want))
		}
		if !slices.Equal(got, want) {
			t.Fatalf("limit %d: %v, want %v", limit, got, want)
		}
	}
	// Capped counts: tp-g, matching by both plates, is counted once
	// whatever the cap.
	for limit := 1; limit <= len(want)+1; limit++ {
		page := search(t, st, store.ReadQuery{Pattern: mustPattern("7TIF*"), Limit: 3, CountCap: limit})
		if page.Total != min(len(want), limit) || page.Capped != (len(want) > limit) {
			t.Fatalf("count cap %d: total %d capped %v, want %d of %d", limit, page.Total, page.Capped, min(len(want), limit), len(want))
		}
	}
}

// testSearchBothPlatesOnce: a read whose corrected plate and OCR plate
// both match a search (look-alikes under a fuzzy search, or both under a
// wildcard) is returned and counted once, on every page size.
func testSearchBothPlatesOnce(t *testing.T, st store.Storage) {
	at := base.Add(-3 * time.Hour)
	insertPlateReads(t, st, []plateRead{{"bo-misread", "8FZO123", at}, {"bo-plain", "8FZ0123", at.Add(-time.Minute)},
		{"bo-other", "8FZO124", at.Add(time.Minute)}}, map[string]string{"bo-misread": "8FZ0123"})
	for _, c := range []struct {
		pattern string
		fuzzy   bool
		want    []string
	}{
		{"8FZO123", true, []string{"bo-misread", "bo-plain"}}, // both plates of bo-misread are look-alikes
		{"8FZ0123", false, []string{"bo-misread", "bo-plain"}},
		{"8FZO123", false, []string{"bo-misread"}},
		{"8FZ*", false, []string{"bo-other", "bo-misread", "bo-plain"}},
		{"8?Z?12?", false, []string{"bo-other", "bo-misread", "bo-plain"}},
	} {
		for limit := 1; limit <= len(c.want)+1; limit++ {
			q := store.ReadQuery{Pattern: mustPattern(c.pattern), Fuzzy: c.fuzzy, Limit: limit, CountCap: limit}
			got, first := pageThrough(t, st, q, len(c.want)+1)
			if first.Total != min(len(c.want), limit) || first.Capped != (len(c.want) > limit) {
				t.Fatalf("%s (fuzzy %v) count cap %d: total %d capped %v, want %d of %d",
					c.pattern, c.fuzzy, limit, first.Total, first.Capped, min(len(c.want), limit), len(c.want))
			}
			if !slices.Equal(got, c.want) {
				t.Fatalf("%s (fuzzy %v) limit %d: %v, want %v", c.pattern, c.fuzzy, limit, got, c.want)
			}
		}
	}
}
