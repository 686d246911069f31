package platedict

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"

	"alprdesk/api/plate"
)

// TestScanAgreesWithPattern checks the packed scan against api/plate's
// Match and MatchFuzzy on random plates (some longer than the stride) and
// random patterns (with `?` and `*`), before and after a removal.
func TestScanAgreesWithPattern(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	es := randomEntries(r, 3000)
	d := &Dict{}
	d.Add(es[:1000])
	d.Add(es[1000:])
	if d.Len() != len(es) {
		t.Fatalf("Len %d, want %d", d.Len(), len(es))
	}
	checkScans(t, r, d, es)
	gone := map[int64]bool{}
	var kept []Entry
	for i, e := range es {
		if i%3 == 0 {
			gone[e.ID] = true
		} else {
			kept = append(kept, e)
		}
	}
	d.Remove(gone)
	if d.Len() != len(kept) {
		t.Fatalf("Len after Remove %d, want %d", d.Len(), len(kept))
	}
	checkScans(t, r, d, kept)
}

// randomEntries draws n distinct plates with increasing ids; every 500th
// is longer than the stride.
func randomEntries(r *rand.Rand, n int) []Entry {
	seen := map[string]bool{}
	var es []Entry
	for i := range n {
		p := randomPlate(r)
		if i%500 == 0 {
			p = "ABCDEFGHJK" + strconv.Itoa(i)
		}
		if seen[p] {
			continue
		}
		seen[p] = true
		es = append(es, Entry{ID: int64(i + 1), Plate: p})
	}
	return es
}

// checkScans compares Scan with a brute force over es for 300 patterns
// made from es's plates.
func checkScans(t *testing.T, r *rand.Rand, d *Dict, es []Entry) {
	t.Helper()
	for range 300 {
		p, err := plate.ParsePattern(randomPattern(r, es[r.IntN(len(es))].Plate))
		if err != nil {
			continue
		}
		for _, fuzzy := range []bool{false, true} {
			var want []int64
			for _, e := range es {
				ok := p.Match(e.Plate)
				if fuzzy {
					ok, _ = p.MatchFuzzy(e.Plate)
				}
				if ok {
					want = append(want, e.ID)
				}
			}
			if got := d.Scan(p, fuzzy); !slices.Equal(got, want) {
				t.Fatalf("pattern %s fuzzy %v: scan %v, want %v", p, fuzzy, got, want)
			}
		}
	}
}

// randomPattern turns a plate into a pattern: some characters become `?`,
// some look-alikes swap, and the pattern may open or close with `*`.
func randomPattern(r *rand.Rand, p string) string {
	src := []byte(p)
	for i := range src {
		switch r.IntN(5) {
		case 0:
			src[i] = '?'
		case 1:
			if i == len(src)-1 {
				src = append(src[:i], '*')
			}
		case 2:
			if s, ok := swap[src[i]]; ok {
				src[i] = s
			}
		}
	}
	if r.IntN(6) == 0 {
		src = append([]byte("*"), src[1:]...)
	}
	return string(src)
}

// swap pairs some look-alike characters.
var swap = map[byte]byte{'0': 'O', 'O': 'D', '8': 'B', 'B': '8', '1': 'I', 'I': 'L', '5': 'S', 'S': '5', '2': 'Z', '6': 'G'}

// randomPlate draws a plate of 2 to 8 characters, a third of them in the
// California shape 1ABC234 so that patterns find many matches.
func randomPlate(r *rand.Rand) string {
	const chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789O"
	if r.IntN(3) == 0 {
		return fmt.Sprintf("%d%c%c%c%03d", 1+r.IntN(9), 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(1000))
	}
	b := make([]byte, 2+r.IntN(7))
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

// BenchmarkScan times the scan of a dictionary of the size of the 10M-read
// benchmark world's (about 3.6 million plates) for a fixed-length pattern
// without a run of three (7?B?1?3, plain and fuzzy) and one with `*`, and
// reports the dictionary's footprint.
func BenchmarkScan(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 3_600_000
	d := New(n)
	es := make([]Entry, 0, 4096)
	for i := range n {
		es = append(es, Entry{ID: int64(i + 1), Plate: randomPlate(r)})
		if len(es) == cap(es) {
			d.Add(es)
			es = es[:0]
		}
	}
	d.Add(es)
	for _, c := range []struct {
		pattern string
		fuzzy   bool
	}{{"7?B?1?3", false}, {"7?B?1?3", true}, {"7?B*3", false}} {
		p, err := plate.ParsePattern(c.pattern)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("%s/fuzzy=%v", c.pattern, c.fuzzy), func(b *testing.B) {
			for b.Loop() {
				d.Scan(p, c.fuzzy)
			}
			b.ReportMetric(float64(d.Footprint())/(1<<20), "MiB")
		})
	}
}

// TestScanWhileAdding scans while plates are added and one removed (run
// with -race): every scan finds at least the matching plates added before
// it started.
func TestScanWhileAdding(t *testing.T) {
	dict := &Dict{}
	var es []Entry
	for i := range 20000 {
		es = append(es, Entry{ID: int64(i + 1), Plate: fmt.Sprintf("1%cB%04d", 'A'+i%26, i)})
	}
	var added atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		d := es
		for len(d) > 0 {
			n := min(500, len(d))
			dict.Add(d[:n])
			d = d[n:]
			added.Add(int64(n))
		}
		dict.Remove(map[int64]bool{es[len(es)-1].ID: true}) // 1?B9999 matches no pattern below
	}()
	check := func(pattern string, fuzzy bool) {
		p, err := plate.ParsePattern(pattern)
		if err != nil {
			t.Fatal(err)
		}
		before := int(added.Load())
		got := map[int64]bool{}
		for _, id := range dict.Scan(p, fuzzy) {
			got[id] = true
		}
		for _, e := range es[:before] {
			if p.Match(e.Plate) && !got[e.ID] {
				t.Fatalf("%s fuzzy %v: a scan after %d plates were added missed %s", pattern, fuzzy, before, e.Plate)
			}
		}
	}
	for scans := 0; ; scans++ {
		select {
		case <-done:
			check("1?B0???", false)
			return
		default:
		}
		check([]string{"1?B0???", "1?B0*"}[scans%2], scans%3 == 0)
	}
}
