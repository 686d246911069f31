package demo

import "alprdesk/api"

// SampleReads returns up to n reads of the world, each of a different
// vehicle on a past day, chosen from the seed alone (the same seed gives
// the same reads) without generating the whole world. The store uses them
// for the demo search history, whose photo views and verifications name
// reads that exist. The Features slices are fresh copies.
func (w *World) SampleReads(n int) []api.ReadMeta {
	r := newRNG(w.seed, 0x4157)
	seen := map[int32]bool{}
	var out []api.ReadMeta
	for try := 0; len(out) < n && try < n*40 && len(w.fleet) > 0; try++ {
		vi := int32(r.intn(len(w.fleet)))
		k := 1 + r.intn(WindowDays-1)
		if seen[vi] || w.fleet[vi].planted != 0 {
			continue
		}
		recs := w.vehicleDay(vi, k, nil)
		if len(recs) == 0 {
			continue
		}
		seen[vi] = true
		var m api.ReadMeta
		w.meta(&recs[0], &m)
		m.Features = append([]string(nil), m.Features...)
		out = append(out, m)
	}
	return out
}
