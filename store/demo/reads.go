package demo

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"time"

	"alprdesk/api"
)

// Read kinds.
const (
	kindRoutine = iota
	kindDup     // the second camera of a duplicate read
	kindPlanted // an exercise's planted pass
)

// rec is one generated read before it becomes an api.ReadMeta.
type rec struct {
	t    int64 // capture time, unix seconds
	vi   int32 // vehicle
	cam  int16
	n    uint16 // index within the vehicle-day
	k    uint8  // day index: days before Now's local day
	kind uint8
}

// dayGen generates one vehicle's reads for one local day.
type dayGen struct {
	w      *World
	r      rng
	v      *vehicle
	p      *plan
	vi     int32
	k      uint8
	lo, hi int64 // reads must lie in [lo, hi)
	out    []rec
}

func (g *dayGen) emit(t int64, cam int16, kind uint8) {
	if t < g.lo || t >= g.hi {
		return
	}
	if g.p != nil && g.p.cutoff != 0 && t >= g.p.cutoff && kind != kindPlanted {
		return
	}
	g.out = append(g.out, rec{t: t, vi: g.vi, cam: cam, n: uint16(len(g.out)), k: g.k, kind: kind})
}

// drive passes the cameras on the way from a to b starting at t and
// returns the arrival time.
func (g *dayGen) drive(a, b int16, t int64) int64 {
	cs := g.w.cs
	speed := 8 + g.r.float()*6 // metres per second, lights included
	prev := a
	for _, c := range cs.path(a, b) {
		t += int64(cs.d(prev, c) / speed)
		prev = c
		if !g.r.chance(g.w.pDetect) {
			continue
		}
		g.emit(t, c, kindRoutine)
		if nb := cs.neighbour[c]; nb >= 0 && g.v.planted == 0 && g.r.chance(dupRate) {
			g.emit(t+1+int64(g.r.intn(4)), nb, kindDup)
		}
	}
	return t
}

// errandMinute is when an errand trip starts, in minutes after midnight.
func errandMinute(r *rng) int64 {
	switch x := r.float(); {
	case x < 0.6:
		return 9*60 + int64(r.intn(9*60))
	case x < 0.9:
		return 18*60 + int64(r.intn(210))
	default:
		return 21*60 + 30 + int64(r.intn(110))
	}
}

// poisson draws a Poisson count with the given mean.
func poisson(r *rng, mean float64) int {
	if mean <= 0 {
		return 0
	}
	if mean > 30 {
		return max(0, int(math.Round(mean+r.norm()*math.Sqrt(mean))))
	}
	l, k, p := math.Exp(-mean), 0, 1.0
	for {
		p *= r.float()
		if p < l {
			return k
		}
		k++
	}
}

// vehicleDay appends vehicle vi's reads of local day k to out, in
// generation order.
func (w *World) vehicleDay(vi int32, k int, out []rec) []rec {
	v := &w.fleet[vi]
	g := dayGen{w: w, r: newRNG(w.seed, 0xDA7, uint64(vi)<<8|uint64(k)), v: v, p: w.plans[vi], vi: vi, k: uint8(k),
		lo: max(w.dayStart[k], w.start+1), hi: min(w.dayEnd(k), w.nowUnix), out: out}
	start := len(out)
	if g.lo >= g.hi {
		return out
	}
	g.out = out
	d0 := w.dayStart[k]
	wd := w.weekday[k]
	weekend := wd == time.Saturday || wd == time.Sunday
	active := g.r.chance(w.activeScale * float64(v.activity))
	if active && v.commuter && !weekend && g.r.chance(0.92) {
		g.drive(v.home, v.work, d0+int64(v.departMin)*60+int64(g.r.norm()*12*60))
		g.drive(v.work, v.home, d0+int64(v.returnMin)*60+int64(g.r.norm()*15*60))
	}
	rate := float64(v.errandRate) * w.errandScale
	if weekend {
		rate *= weekendErrands
	}
	if !active {
		rate = 0
	}
	for range poisson(&g.r, rate) {
		e := v.errands[g.r.intn(len(v.errands))]
		arrive := g.drive(v.home, e, d0+errandMinute(&g.r)*60)
		g.drive(e, v.home, arrive+int64(15+g.r.intn(100))*60)
	}
	if g.p != nil {
		for _, p := range g.p.passes {
			g.emit(p.t, p.cam, kindPlanted)
		}
	}
	// renumber within the vehicle-day
	for i := start; i < len(g.out); i++ {
		g.out[i].n = uint16(i - start)
	}
	return g.out
}

// genDay generates every read of local day k, sorted by capture time.
func (w *World) genDay(k int, buf []rec) []rec {
	buf = buf[:0]
	for vi := range w.fleet {
		buf = w.vehicleDay(int32(vi), k, buf)
	}
	slices.SortFunc(buf, func(a, b rec) int {
		if c := cmp.Compare(a.t, b.t); c != 0 {
			return c
		}
		if c := cmp.Compare(a.vi, b.vi); c != 0 {
			return c
		}
		return cmp.Compare(a.n, b.n)
	})
	return buf
}

// Reads calls fn with every read of the world in capture order (ties in a
// fixed order), stopping at fn's first error, which it returns. Reads are generated
// day by day, so memory stays small for any world size. The Features slice
// of a ReadMeta is shared between reads: fn must not modify it. Photos are
// not included (see Photo).
func (w *World) Reads(fn func(api.ReadMeta) error) error {
	return w.each(func(_ *rec, m *api.ReadMeta) error { return fn(*m) })
}

// each is Reads with the generator's record of each read. One goroutine
// generates and sorts the next day while the caller consumes this one.
func (w *World) each(fn func(*rec, *api.ReadMeta) error) error {
	days := make(chan []rec, 1)
	free := make(chan []rec, 2)
	free <- nil
	free <- nil
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(days)
		for k := WindowDays + 1; k >= 0; k-- {
			var buf []rec
			select {
			case buf = <-free:
			case <-done:
				return
			}
			buf = w.genDay(k, buf)
			select {
			case days <- buf:
			case <-done:
				return
			}
		}
	}()
	var m api.ReadMeta
	for buf := range days {
		for i := range buf {
			w.meta(&buf[i], &m)
			if err := fn(&buf[i], &m); err != nil {
				return err
			}
		}
		free <- buf
	}
	return nil
}

// readHash is the per-read randomness, from the read's identity only.
func (w *World) readHash(vi int32, k uint8, n uint16) uint64 {
	return mix(mix(uint64(w.seed)^0x0C0FFEE^uint64(vi)<<20) ^ uint64(k)<<16 ^ uint64(n))
}

// carriedPlate is the vehicle whose plate vehicle vi carries on day k.
func (w *World) carriedPlate(vi int32, k int) *vehicle {
	v := &w.fleet[vi]
	if v.switchTo >= 0 && k <= int(v.switchK) {
		return &w.fleet[v.switchTo]
	}
	return v
}

// meta fills m with the read r as the camera reports it.
func (w *World) meta(r *rec, m *api.ReadMeta) {
	h := w.readHash(r.vi, r.k, r.n)
	w.fill(m, w.readID(r.vi, r.k, r.n), r.vi, int(r.k), r.cam, r.t, h, mix(h^1))
}

// fill writes a read of vehicle vi on day k at camera cam and time t; h is
// the read's randomness, boxHash places the plate.
func (w *World) fill(m *api.ReadMeta, id string, vi int32, k int, cam int16, t int64, h, boxHash uint64) {
	v := &w.fleet[vi]
	pv := w.carriedPlate(vi, k)
	plate, state := pv.plate, pv.state
	conf := 0.86 + 0.13*unit(h>>40)
	if v.planted == 0 {
		switch u := unit(h >> 8); {
		case u < misreadRate:
			if s := w.misread(plate, mix(h)); s != "" {
				plate = s
				conf = 0.52 + 0.28*unit(h>>40)
			}
		case u < misreadRate+wrongStateRate:
			if state == "CA" {
				state = wrongStates[(h>>50)%uint64(len(wrongStates))]
			} else {
				state = "CA"
			}
			conf = 0.70 + 0.18*unit(h>>40)
		}
	} else if p := w.plans[vi]; p != nil && p.misreadCam == cam {
		plate = p.misreadPlate
		conf = 0.58 + 0.2*unit(h>>40)
	}
	*m = api.ReadMeta{
		ID:         id,
		CameraID:   w.cs.cams[cam].ID,
		CapturedAt: time.Unix(t, 0).UTC(),
		Plate:      plate,
		State:      state,
		Confidence: math.Round(conf*1000) / 1000,
		Make:       v.make,
		Color:      Colors[v.color],
		BodyType:   BodyTypes[v.body],
		Features:   v.features,
		PlateBox:   plateBox(v.body, boxHash),
	}
}

// unit maps the low 24 bits of x to [0, 1).
func unit(x uint64) float64 { return float64(x&0xFFFFFF) / (1 << 24) }

// readID is "d<seed>-<vehicle>-<day>-<n>": everything Photo needs to find
// the vehicle again.
func (w *World) readID(vi int32, k uint8, n uint16) string {
	var b [64]byte
	s := append(b[:0], 'd')
	s = strconv.AppendUint(s, uint64(w.seed), 10)
	s = append(s, '-')
	s = strconv.AppendInt(s, int64(vi), 10)
	s = append(s, '-')
	s = strconv.AppendInt(s, int64(k), 10)
	s = append(s, '-')
	s = strconv.AppendInt(s, int64(n), 10)
	return string(s)
}

// plateBox is where the plate is in the photo: its size by body type, its
// place varying with where the vehicle is in the frame.
func plateBox(body uint8, h uint64) api.Box {
	var bw, bh int
	if BodyTypes[body] == "motorcycle" {
		bw = 62 + int(h%10)
		bh = bw * 4 / 7
	} else {
		bw = 104 + int(h%26)
		bh = bw / 2
	}
	cx := 260 + int(h>>8%121)
	cy := 212 + int(h>>16%48)
	return api.Box{X: cx - bw/2, Y: cy - bh/2, W: bw, H: bh}
}
