package demo

import (
	"alprdesk/api/plate"

	"math"
)

// weekendErrands multiplies errand trips on Saturdays and Sundays.
const weekendErrands = 1.4

// homeWeight favours residential flatlands for homes; workWeight favours
// downtown, the port side and the Hegenberger corridor for work places.
func (w *World) siteWeights() (home, work []float64) {
	n := len(w.cs.cams)
	home, work = make([]float64, n), make([]float64, n)
	for i, c := range w.cs.cams {
		home[i] = 1
		if c.Lat < 37.79 && c.Lon > -122.24 { // East Oakland flatlands
			home[i] = 1.6
		}
		work[i] = 0.6
		if distM(c.Lat, c.Lon, 37.8044, -122.2712) < 1500 { // downtown
			work[i] = 3
		}
		if c.Lat < 37.755 && c.Lon < -122.19 { // airport, Coliseum, Hegenberger
			work[i] = 2
		}
	}
	return home, work
}

// buildFleet draws the fleet: the exercise vehicles first (their plates fix
// the exercises' patterns), then everyone else under the rules that keep
// the exercises' answers unique, then routines and switched plates.
func (w *World) buildFleet() {
	n := w.opts.Vehicles
	w.fleet = make([]vehicle, n)
	for i := range w.fleet {
		w.fleet[i].switchTo = -1
	}
	r := newRNG(w.seed, 0xF1EE7)
	homeW, workW := w.siteWeights()
	for i := range w.fleet {
		w.routine(&r, &w.fleet[i], homeW, workW)
	}
	w.plantExercises(&r)
	canon := make(map[string]bool, len(w.ex)*2)
	for _, e := range w.ex {
		for _, vi := range e.vehicles {
			canon[plate.Canonical(w.fleet[vi].plate)] = true
		}
	}
	for i := range w.fleet {
		v := &w.fleet[i]
		if v.planted != 0 {
			continue
		}
		w.describe(&r, v)
		for w.fitsExclusive(v) {
			w.describe(&r, v)
		}
		for {
			v.plate = randomPlate(&r, v.state, v.body, v.hasFeature(FeatureCommercialLogo))
			if _, dup := w.plates[v.plate]; !dup && !canon[plate.Canonical(v.plate)] && w.allowed(v) {
				break
			}
		}
		w.plates[v.plate] = int32(i)
	}
	w.plantDecoys(&r)
	w.switchPlates(&r)
}

// describe draws make, model, colour, body, features, stickers and state.
func (w *World) describe(r *rng, v *vehicle) {
	v.body = uint8(r.pick(bodyWeights))
	m := models[v.body][r.intn(len(models[v.body]))]
	v.make, v.model = m[0], m[1]
	v.color = uint8(r.pick(colorWeights))
	if BodyTypes[v.body] == "bus" {
		v.color = uint8(indexOf(Colors, []string{"white", "green", "blue"}[r.intn(3)]))
	}
	v.features = nil
	odds := featureOdds[v.body]
	for f, p := range odds {
		if r.chance(p) {
			v.features = append(v.features, Features[f])
		}
	}
	if v.make == "Jeep" && v.model == "Wrangler" && !v.hasFeature(FeatureSpareTire) {
		v.features = append(v.features, FeatureSpareTire)
	}
	if v.hasFeature(FeatureCommercialLogo) {
		v.logo = companies[r.intn(len(companies))]
		if BodyTypes[v.body] == "bus" {
			v.logo = "EAST BAY TRANSIT"
		}
	}
	v.stickers = nil
	if BodyTypes[v.body] != "bus" && BodyTypes[v.body] != "truck" && r.chance(0.2) {
		for range 1 + r.intn(3) {
			v.stickers = append(v.stickers, uint8(r.intn(len(stickerTexts))))
		}
	}
	v.state = states[r.pick(stateWeights)]
	if BodyTypes[v.body] == "bus" {
		v.state = "CA"
	}
}

// companies are the names on commercial vehicles.
var companies = []string{"BAYSIDE PLUMBING", "EASTBAY ELECTRIC", "FRUITVALE BAKERY", "LAKE MERRITT MOVERS",
	"PORT LOGISTICS", "GOLDEN STATE HVAC", "TEMESCAL ROOFING", "ACME COURIER", "OAK TOWN FLOORS", "DIMOND DELI"}

// allowed applies the exercises' uniqueness rules to an ordinary vehicle:
// no plate matching an exercise's exact-answer pattern, and no vehicle that
// both matches an exercise's pattern and fits its description.
func (w *World) allowed(v *vehicle) bool {
	for _, e := range w.ex {
		if e.match(v.plate) {
			if !e.decoysOK || e.fits(v) {
				return false
			}
		}
	}
	return !w.fitsExclusive(v)
}

// fitsExclusive reports whether v fits the description of an exercise that
// has no partial plate: only the exercise's vehicle may fit it.
func (w *World) fitsExclusive(v *vehicle) bool {
	for _, e := range w.ex {
		if e.pattern == "" && e.hasDescription() && e.fits(v) {
			return true
		}
	}
	return false
}

// routine gives a vehicle its home, work, errands and habitual times.
func (w *World) routine(r *rng, v *vehicle, homeW, workW []float64) {
	v.home = int16(r.pick(homeW))
	v.commuter = r.chance(0.62)
	v.work = int16(r.pick(workW))
	// errands: sites within 2.5 km of home, else anywhere
	var near []int16
	for j := range w.cs.cams {
		if w.cs.d(v.home, int16(j)) < 2500 && int16(j) != v.home {
			near = append(near, int16(j))
		}
	}
	for e := range v.errands {
		if len(near) > 0 && r.chance(0.85) {
			v.errands[e] = near[r.intn(len(near))]
		} else {
			v.errands[e] = int16(r.intn(len(w.cs.cams)))
		}
	}
	dep := 7*60 + 40 + r.norm()*50
	ret := dep + 8.5*60 + r.norm()*40
	if r.chance(0.08) { // swing shift
		dep = 14*60 + r.norm()*40
		ret = 22*60 + 45 + r.norm()*20
	}
	v.departMin = int16(clamp(dep, 5*60, 15*60))
	v.returnMin = int16(clamp(ret, float64(v.departMin)+4*60, 23*60+15))
	rate := math.Exp(r.norm()*0.6) * 0.55
	if !v.commuter {
		rate *= 2
	}
	v.errandRate = float32(rate)
	// A few regulars drive past cameras most days; most vehicles rarely.
	v.activity = 0.06
	if r.chance(0.18) {
		v.activity = 1
	}
}

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

func indexOf(list []string, s string) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// plantDecoys gives a few ordinary vehicles plates that match the
// description-narrowing exercise's partial plate but not its description,
// so that the partial plate alone finds many vehicles in any world size.
func (w *World) plantDecoys(r *rng) {
	for _, e := range w.ex {
		if !e.decoysOK {
			continue
		}
		want := max(10, len(w.fleet)/250)
		for got, tries := 0, 0; got < want && tries < want*50; tries++ {
			vi := r.intn(len(w.fleet))
			v := &w.fleet[vi]
			if v.planted != 0 || v.state != "CA" || len(v.plate) != 7 || v.plate[1] < 'A' {
				continue
			}
			old := v.plate
			b := []byte(old)
			fillPattern(r, b, e.pattern)
			p := string(b)
			if _, dup := w.plates[p]; dup || !e.match(p) || e.fits(v) {
				continue
			}
			if got%2 == 0 { // half the decoys share part of the description
				if got%4 == 0 {
					v.color = e.color
				} else {
					v.body = e.body
					m := models[v.body][r.intn(len(models[v.body]))]
					v.make, v.model = m[0], m[1]
				}
				if e.fits(v) {
					continue
				}
			}
			delete(w.plates, old)
			v.plate = p
			if !w.allowed(v) {
				v.plate = old
				w.plates[old] = int32(vi)
				continue
			}
			w.plates[p] = int32(vi)
			v.activity = 1 // a regular: its reads crowd the partial plate's results
			got++
		}
	}
}

// fillPattern writes the literal characters of a pattern such as "8*25"
// into a 1ABC234 plate: a prefix before `*` at the start, a suffix after
// it at the end; `?` keeps the plate's character.
func fillPattern(r *rng, b []byte, pattern string) {
	star := -1
	for i := 0; i < len(pattern); i++ {
		if pattern[i] == '*' {
			star = i
			break
		}
	}
	pre, suf := pattern, ""
	if star >= 0 {
		pre, suf = pattern[:star], pattern[star+1:]
	}
	for i := 0; i < len(pre) && i < len(b); i++ {
		if pre[i] != '?' {
			b[i] = pre[i]
		}
	}
	for i := 0; i < len(suf); i++ {
		j := len(b) - len(suf) + i
		if suf[i] != '?' && suf[i] != '*' && j >= 0 {
			b[j] = suf[i]
		}
	}
	_ = r
}

// switchPlates picks a few ordinary vehicles that, from some day on, carry
// the plate of another vehicle of a different make and colour.
func (w *World) switchPlates(r *rng) {
	want := max(2, len(w.fleet)/1500)
	carried := map[int32]bool{}
	for i := range w.fleet {
		if t := w.fleet[i].switchTo; t >= 0 {
			carried[t] = true
		}
	}
	for got, tries := 0, 0; got < want && tries < 100*want; tries++ {
		a, b := r.intn(len(w.fleet)), r.intn(len(w.fleet))
		va, vb := &w.fleet[a], &w.fleet[b]
		if a == b || va.planted != 0 || vb.planted != 0 || va.switchTo >= 0 || vb.switchTo >= 0 ||
			va.make == vb.make || va.color == vb.color || carried[int32(a)] || carried[int32(b)] {
			continue
		}
		va.switchTo = int32(b)
		va.switchK = int8(3 + r.intn(17))
		va.activity, vb.activity = 1, 1 // regulars: both sides of the switch show in the reads
		carried[int32(b)] = true
		got++
	}
	w.switches = 0
	for i := range w.fleet {
		if w.fleet[i].switchTo >= 0 {
			w.switches++
		}
	}
}
