package demo

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"slices"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
)

// testNow is a fixed end of window, so tests do not depend on the clock.
var testNow = time.Date(2026, 11, 26, 21, 30, 0, 0, time.UTC)

type testWorld struct {
	w     *World
	reads []api.ReadMeta
	recs  []rec
}

var (
	worldsMu sync.Mutex
	worlds   = map[int64]*testWorld{}
)

// small returns the small test world of a seed and all its reads.
func small(t testing.TB, seed int64) *testWorld {
	t.Helper()
	return sized(t, seed, 800, 30000)
}

// sized returns a test world of the given size and all its reads.
func sized(t testing.TB, seed int64, vehicles, reads int) *testWorld {
	t.Helper()
	worldsMu.Lock()
	defer worldsMu.Unlock()
	key := seed<<32 ^ int64(vehicles)<<20 ^ int64(reads)
	if tw, ok := worlds[key]; ok {
		return tw
	}
	tw := &testWorld{w: New(Options{Seed: seed, Vehicles: vehicles, Reads: reads, Now: testNow})}
	err := tw.w.each(func(r *rec, m *api.ReadMeta) error {
		tw.reads = append(tw.reads, *m)
		tw.recs = append(tw.recs, *r)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	worlds[key] = tw
	return tw
}

func digest(t *testing.T, reads []api.ReadMeta) [32]byte {
	t.Helper()
	h := sha256.New()
	enc := json.NewEncoder(h)
	for _, m := range reads {
		if err := enc.Encode(m); err != nil {
			t.Fatal(err)
		}
	}
	var d [32]byte
	copy(d[:], h.Sum(nil))
	return d
}

func TestDeterministic(t *testing.T) {
	opts := Options{Seed: 1, Vehicles: 300, Reads: 6000, Now: testNow}
	a, b := New(opts), New(opts)
	opts.Seed = 2
	c := New(opts)
	var ra, rb, rc []api.ReadMeta
	for _, x := range []struct {
		w   *World
		out *[]api.ReadMeta
	}{{a, &ra}, {b, &rb}, {c, &rc}} {
		if err := x.w.Reads(func(m api.ReadMeta) error { *x.out = append(*x.out, m); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	if digest(t, ra) != digest(t, rb) {
		t.Fatal("the same options gave different reads")
	}
	if digest(t, ra) == digest(t, rc) {
		t.Fatal("seeds 1 and 2 gave the same reads")
	}
	for _, i := range []int{0, len(ra) / 2, len(ra) - 1} {
		p1, err1 := a.Photo(readOf(a, ra[i]))
		p2, err2 := b.Photo(readOf(b, rb[i]))
		if err1 != nil || err2 != nil {
			t.Fatal(err1, err2)
		}
		if !bytes.Equal(p1, p2) {
			t.Fatalf("photo of %s differs between two builds of the same world", ra[i].ID)
		}
	}
	if !slices.Equal(a.Exercises(), b.Exercises()) || slices.Equal(a.Exercises(), c.Exercises()) {
		t.Fatal("exercises do not follow the seed")
	}
}

// readOf is the api.Read the store would build from a ReadMeta.
func readOf(w *World, m api.ReadMeta) api.Read {
	var cam api.ReadCamera
	for _, c := range w.Cameras() {
		if c.ID == m.CameraID {
			cam = api.ReadCamera{ID: c.ID, Name: c.Name, Lat: c.Lat, Lon: c.Lon}
		}
	}
	return api.Read{ID: m.ID, Plate: m.Plate, State: m.State, Confidence: m.Confidence, CapturedAt: m.CapturedAt,
		Camera: cam, Make: m.Make, Color: m.Color, BodyType: m.BodyType, Features: m.Features, PlateBox: m.PlateBox}
}

func TestReadsShape(t *testing.T) {
	tw := small(t, 1)
	w := tw.w
	if n := len(tw.reads); n < 30000*3/4 || n > 30000*5/4 {
		t.Fatalf("%d reads for a world of about 30,000", n)
	}
	cams := map[string]bool{}
	for _, c := range w.Cameras() {
		cams[c.ID] = true
	}
	ids := map[string]bool{}
	start := testNow.Add(-WindowDays * 24 * time.Hour)
	var prev time.Time
	for _, m := range tw.reads {
		switch {
		case ids[m.ID]:
			t.Fatalf("duplicate read id %s", m.ID)
		case m.CapturedAt.Before(prev):
			t.Fatalf("read %s out of capture order", m.ID)
		case !m.CapturedAt.After(start) || !m.CapturedAt.Before(testNow):
			t.Fatalf("read %s at %v outside the window", m.ID, m.CapturedAt)
		case m.CapturedAt.Location() != time.UTC || m.CapturedAt.Nanosecond() != 0:
			t.Fatalf("read %s time %v not UTC seconds", m.ID, m.CapturedAt)
		case !cams[m.CameraID]:
			t.Fatalf("read %s from unknown camera %s", m.ID, m.CameraID)
		case !validBox(m.PlateBox):
			t.Fatalf("read %s plate box %+v", m.ID, m.PlateBox)
		case m.Plate == "" || m.State == "" || m.Make == "" || m.Color == "" || m.BodyType == "":
			t.Fatalf("read %s incomplete: %+v", m.ID, m)
		case m.Confidence <= 0 || m.Confidence >= 1:
			t.Fatalf("read %s confidence %v", m.ID, m.Confidence)
		}
		ids[m.ID] = true
		prev = m.CapturedAt
	}
}

func TestOCRErrors(t *testing.T) {
	for _, seed := range []int64{1, 2} {
		tw := small(t, seed)
		w := tw.w
		var mis, ws, dup int
		var misConf, okConf float64
		for i, m := range tw.reads {
			r := &tw.recs[i]
			truth := w.carriedPlate(r.vi, int(r.k))
			if m.Plate != truth.plate {
				mis++
				misConf += m.Confidence
				if plateCanon(m.Plate) != plateCanon(truth.plate) {
					t.Fatalf("misread %s of %s is not a look-alike", m.Plate, truth.plate)
				}
			} else {
				okConf += m.Confidence
			}
			if m.State != truth.state {
				ws++
			}
			if r.kind == kindDup {
				dup++
			}
		}
		n := len(tw.reads)
		if rate := float64(mis) / float64(n); rate < 0.03 || rate > 0.05 {
			t.Errorf("seed %d: misread rate %.2f%%, want 3-5%%", seed, 100*rate)
		}
		if rate := float64(ws) / float64(n); rate < 0.001 || rate > 0.01 {
			t.Errorf("seed %d: wrong-state rate %.2f%%, want 0.1-1%%", seed, 100*rate)
		}
		if misConf/float64(mis) >= okConf/float64(n-mis)-0.05 {
			t.Errorf("seed %d: misreads not less confident (%.2f vs %.2f)", seed, misConf/float64(mis), okConf/float64(n-mis))
		}
		if rate := float64(dup) / float64(n); rate < 0.002 || rate > 0.05 {
			t.Errorf("seed %d: duplicate-read rate %.2f%%", seed, 100*rate)
		}
	}
}

// TestDuplicateReads: a duplicate is the same pass read by an adjacent camera
// seconds later.
func TestDuplicateReads(t *testing.T) {
	tw := small(t, 1)
	last := map[int32]int{} // vehicle -> index of its previous read
	found := 0
	for i, r := range tw.recs {
		if r.kind == kindDup {
			j, ok := last[r.vi]
			if !ok || tw.recs[j].t < r.t-5 || tw.w.cs.neighbour[tw.recs[j].cam] != r.cam {
				t.Fatalf("duplicate read %s has no pass at an adjacent camera just before", tw.reads[i].ID)
			}
			found++
		}
		last[r.vi] = i
	}
	if found == 0 {
		t.Fatal("no duplicate reads")
	}
}

func TestSwitchedPlates(t *testing.T) {
	tw := small(t, 1)
	// plates seen (as read, excluding misreads) on more than one make and colour
	seen := map[string]map[[2]string]bool{}
	for i, m := range tw.reads {
		r := &tw.recs[i]
		if m.Plate != tw.w.carriedPlate(r.vi, int(r.k)).plate {
			continue
		}
		if seen[m.Plate] == nil {
			seen[m.Plate] = map[[2]string]bool{}
		}
		seen[m.Plate][[2]string{m.Make, m.Color}] = true
	}
	switched := 0
	for _, s := range seen {
		if len(s) > 1 {
			switched++
		}
	}
	if switched < 2 || switched > tw.w.switches {
		t.Fatalf("%d plates seen on two vehicles, want 2..%d", switched, tw.w.switches)
	}
}

func TestCameras(t *testing.T) {
	a, b := New(Options{Seed: 1, Vehicles: 60, Reads: 100, Now: testNow}), New(Options{Seed: 9, Vehicles: 60, Reads: 100, Now: testNow})
	cams := a.Cameras()
	if !slices.Equal(cams, b.Cameras()) {
		t.Fatal("camera list depends on the seed")
	}
	if len(cams) < 100 || len(cams) > 140 {
		t.Fatalf("%d cameras", len(cams))
	}
	ids, names := map[string]bool{}, map[string]bool{}
	for _, c := range cams {
		if ids[c.ID] || names[c.Name] {
			t.Fatalf("duplicate camera %+v", c)
		}
		ids[c.ID], names[c.Name] = true, true
		if c.Lon < -122.36 || c.Lon > -122.11 || c.Lat < 37.70 || c.Lat > 37.89 || c.Owner != "agency" {
			t.Fatalf("camera %+v outside Oakland or not the agency's", c)
		}
	}
	if cams[0].ID != "cam-001" || cams[0].Name != "International Blvd & 1st Ave" {
		t.Fatalf("first camera %+v", cams[0])
	}
	pairs := 0
	for _, n := range a.cs.neighbour {
		if n >= 0 {
			pairs++
		}
	}
	if pairs < 10 {
		t.Fatalf("only %d cameras have an adjacent camera", pairs)
	}
}

func TestVocabularyIsPolicy(t *testing.T) {
	p := api.DefaultPolicy()
	if !slices.Equal(Colors, p.Colors) || !slices.Equal(BodyTypes, p.BodyTypes) || !slices.Equal(Features, p.Features) {
		t.Fatal("demo vocabularies differ from api.DefaultPolicy")
	}
	for _, s := range states {
		if !slices.Contains(p.States, s) {
			t.Fatalf("state %s not in the policy", s)
		}
	}
	for _, m := range small(t, 1).reads {
		for _, f := range m.Features {
			if !slices.Contains(p.Features, f) {
				t.Fatalf("read %s has feature %q outside the policy", m.ID, f)
			}
		}
	}
}

func TestUsers(t *testing.T) {
	users := small(t, 1).w.Users()
	roles := map[string]bool{}
	names := map[string]bool{}
	for _, u := range users {
		if names[u.Username] || u.Serial == "" || u.DisplayName == "" || u.Team == "" {
			t.Fatalf("bad user %+v", u)
		}
		names[u.Username] = true
		roles[u.Role] = true
		if (u.TrainedOn == "") != (u.Username == "rookie") {
			t.Fatalf("training date of %s: %q", u.Username, u.TrainedOn)
		}
	}
	for _, r := range api.Roles {
		if !roles[r] || !names[r] {
			t.Fatalf("no demo user %s", r)
		}
	}
	if !names["detective2"] || !names["rookie"] {
		t.Fatal("detective2 and rookie missing")
	}
}

func TestDefaults(t *testing.T) {
	w := New(Options{Reads: 400000})
	o := w.Options()
	if o.Vehicles != 10000 || o.Reads != 400000 || o.Now.IsZero() || time.Since(o.Now) > time.Minute {
		t.Fatalf("defaults: %+v", o)
	}
	if w := New(Options{Vehicles: 3, Reads: 10}); w.Options().Vehicles != minVehicles || len(w.Exercises()) < 6 {
		t.Fatalf("tiny world: %+v, %d exercises", w.Options(), len(w.Exercises()))
	}
}

// BenchmarkReads measures generation speed of the default world (200,000
// reads); reads/s is the figure to watch.
func BenchmarkReads(b *testing.B) {
	w := New(Options{Seed: 1, Now: testNow})
	n := 0
	b.ResetTimer()
	for range b.N {
		if err := w.Reads(func(api.ReadMeta) error { n++; return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "reads/s")
}

func TestHotlists(t *testing.T) {
	tw := small(t, 1)
	hl := tw.w.Hotlists()
	if len(hl) != 4 || hl[0].List != api.ListStolenVehicles {
		t.Fatalf("hotlists %+v", hl)
	}
	p := api.DefaultPolicy()
	for _, e := range hl {
		if p.CheckCase(api.CaseContext{ReportNumber: e.ReportNumber, PurposeCategory: "felony_want", Purpose: e.Instructions}) != nil ||
			!e.ExpiresAt.After(testNow) || e.ExpiresAt.After(testNow.Add(31*24*time.Hour)) {
			t.Fatalf("bad entry %+v", e)
		}
		n := len(filter(tw.reads, func(m api.ReadMeta) bool { return m.Plate == e.Plate }))
		if n < 5 {
			t.Fatalf("hotlist plate %s read only %d times", e.Plate, n)
		}
	}
}
