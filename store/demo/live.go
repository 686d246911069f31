package demo

import (
	"context"
	"math"
	"strconv"
	"time"

	"alprdesk/api"
)

// stolenEvery is how often, in live reads, the stolen-vehicle exercise's
// car passes its last camera again, so that a class sees a hotlist hit.
const stolenEvery = 240

// Live keeps the world's cameras reading in real time: perSecond reads a
// second, each captured now, with its photo, handed to ingest (the store's
// real ingest path) until ctx is done, when it returns nil. An ingest error
// stops it and is returned. Now and then the stolen Charger of the
// "stolen-vehicle-real-time" exercise passes the camera that exercise
// names, so that an alert hotlist entry for its plate raises a hit.
func (w *World) Live(ctx context.Context, perSecond float64, ingest func(api.ReadMeta, []byte) error) error {
	if !(perSecond > 0) || math.IsInf(perSecond, 0) || perSecond > 1000 {
		return api.E(api.CodeInvalidField, "live rate must be between 0 and 1000 reads a second, not %v", perSecond)
	}
	if ingest == nil {
		return api.E(api.CodeInvalidField, "live mode needs an ingest function")
	}
	r := newRNG(w.seed, 0x11FE, uint64(time.Now().UnixNano()))
	tick := time.NewTicker(time.Duration(float64(time.Second) / perSecond))
	defer tick.Stop()
	for n := uint64(1); ; n++ {
		select {
		case <-ctx.Done():
			return nil
		case now := <-tick.C:
			if ctx.Err() != nil {
				return nil
			}
			m, photo, err := w.liveRead(&r, now, n)
			if err != nil {
				return err
			}
			if err := ingest(m, photo); err != nil {
				return err
			}
		}
	}
}

// liveRead makes the n-th live read, captured at now.
func (w *World) liveRead(r *rng, now time.Time, n uint64) (api.ReadMeta, []byte, error) {
	var vi int32
	var cam int16
	if stolen := w.exercise("stolen-vehicle-real-time"); n%stolenEvery == 0 && stolen != nil {
		vi, cam = stolen.vehicles[0], stolen.camera
	} else {
		for {
			vi = int32(r.intn(len(w.fleet)))
			if w.fleet[vi].planted == 0 {
				break
			}
		}
		v := &w.fleet[vi]
		stops := []int16{v.home, v.work, v.errands[0], v.errands[1], v.errands[2]}
		a, b := stops[r.intn(len(stops))], stops[r.intn(len(stops))]
		p := w.cs.path(a, b)
		cam = p[r.intn(len(p))]
	}
	t := now.UTC().Truncate(time.Second)
	id := "l" + strconv.FormatUint(uint64(w.seed), 10) + "-" + strconv.Itoa(int(vi)) + "-" +
		strconv.FormatInt(t.Unix(), 10) + "-" + strconv.FormatUint(n, 10)
	h := fnvHash(id)
	var m api.ReadMeta
	w.fill(&m, id, vi, 0, cam, t.Unix(), mix(h), mix(h))
	c := w.cs.cams[cam]
	s := &shot{id: id, v: &w.fleet[vi], pv: w.carriedPlate(vi, 0), box: m.PlateBox, camID: c.ID, camName: c.Name, at: t}
	photo, err := encodeJPEG(w.render(s))
	return m, photo, err
}

// exercise finds an exercise by id, or nil.
func (w *World) exercise(id string) *exercise {
	for _, e := range w.ex {
		if e.ID == id {
			return e
		}
	}
	return nil
}
