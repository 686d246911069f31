package sqlite

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"alprdesk/api/plate"
)

// TestDictScanAgreesWithPattern checks the packed scan of the plate
// dictionary against api/plate's Match and MatchFuzzy on random plates and
// patterns.
func TestDictScanAgreesWithPattern(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 9))
	d := &plateDict{ids: map[string]int64{}, byCanon: map[string][]int64{}}
	var es []dictEntry
	for i := range 3000 {
		p := randomPlate(r)
		if i%500 == 0 {
			p = "ABCDEFGHJK" // longer than the packed stride
		}
		if _, dup := d.ids[p]; dup {
			continue
		}
		es = append(es, dictEntry{id: int64(i + 1), plate: p, canon: plate.Canonical(p)})
		d.ids[p] = int64(i + 1)
	}
	d.ids = map[string]int64{}
	d.add(es)
	for range 300 {
		src := []byte(es[r.IntN(len(es))].plate)
		for i := range src {
			switch r.IntN(4) {
			case 0:
				src[i] = '?'
			case 1:
				if i == len(src)-1 {
					src = append(src[:i], '*')
				}
			}
		}
		p, err := plate.ParsePattern(string(src))
		if err != nil {
			continue
		}
		for _, fuzzy := range []bool{false, true} {
			var want []int64
			for _, e := range es {
				ok := p.Match(e.plate)
				if fuzzy {
					ok, _ = p.MatchFuzzy(e.plate)
				}
				if ok {
					want = append(want, e.id)
				}
			}
			if got := d.scan(p, fuzzy); !slices.Equal(got, want) {
				t.Fatalf("pattern %s fuzzy %v: scan %v, want %v", p, fuzzy, got, want)
			}
		}
	}
}

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
