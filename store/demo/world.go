package demo

import (
	"math"
	"sync"
	"time"
	_ "time/tzdata" // Oakland's time zone without system zone data

	"alprdesk/api"
)

// Defaults of Options.
const (
	DefaultVehicles = 5000
	DefaultReads    = 200000
	// WindowDays is how far back reads go: the retention period.
	WindowDays = 30
	// minVehicles is the smallest fleet New builds (exercises need room).
	minVehicles = 60
)

// Options choose a world. The zero value is the default world.
type Options struct {
	// Seed picks the world; the same seed gives the same world.
	Seed int64
	// Vehicles is the fleet size. Zero: 5,000, or Reads/40 when that is
	// larger, so that a large world keeps a realistic reads-per-vehicle
	// rate. At least 60.
	Vehicles int
	// Reads is the approximate number of reads over the last 30 days.
	// Zero: 200,000.
	Reads int
	// Now is the end of the window; reads lie in the 30 days before it.
	// Zero: time.Now(). It is truncated to the second.
	Now time.Time
}

// World is a generated demo world. It is safe for concurrent use.
type World struct {
	opts    Options
	seed    int64
	now     time.Time
	nowUnix int64
	start   int64 // window start (exclusive)
	loc     *time.Location
	cs      *camSet
	fleet   []vehicle
	plates  map[string]int32 // true plate -> vehicle
	ex      []*exercise
	plans   map[int32]*plan

	dayStart [WindowDays + 2]int64 // local midnight of the day k days before Now's day
	weekday  [WindowDays + 2]time.Weekday

	pDetect     float64 // chance a passed camera reads the plate
	activeScale float64 // a vehicle drives past cameras on a day with chance activeScale*activity
	errandScale float64 // multiplies errand trip rates to reach Options.Reads
	switches    int     // vehicles carrying another's plate (exercise included)
}

// Error rates of the simulated OCR.
const (
	misreadRate    = 0.042 // reads whose plate text is wrong (some attempts are rejected)
	wrongStateRate = 0.004 // reads with the wrong state of issuance
	dupRate        = 0.06  // passes at a camera with a neighbour read by both
	detectRate     = 0.92  // passes a camera reads
)

// oakland is the cameras' time zone.
func oakland() *time.Location {
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		return time.FixedZone("PST", -8*3600)
	}
	return loc
}

// New generates the world of opts. Fleet, routines and exercise plans are
// built at once (well under a second at the default size); reads and photos
// are generated when asked for.
func New(opts Options) *World {
	if opts.Reads <= 0 {
		opts.Reads = DefaultReads
	}
	if opts.Vehicles <= 0 {
		opts.Vehicles = max(DefaultVehicles, opts.Reads/40)
	}
	opts.Vehicles = max(opts.Vehicles, minVehicles)
	if opts.Now.IsZero() {
		opts.Now = time.Now()
	}
	opts.Now = opts.Now.UTC().Truncate(time.Second)
	w := &World{opts: opts, seed: opts.Seed, now: opts.Now, nowUnix: opts.Now.Unix(),
		loc: oakland(), cs: sharedCams(), plates: make(map[string]int32, opts.Vehicles),
		plans: map[int32]*plan{}}
	w.start = w.nowUnix - WindowDays*86400
	local := opts.Now.In(w.loc)
	for k := range w.dayStart {
		d := time.Date(local.Year(), local.Month(), local.Day()-k, 0, 0, 0, 0, w.loc)
		w.dayStart[k] = d.Unix()
		w.weekday[k] = d.Weekday()
	}
	w.buildFleet()
	w.calibrate()
	return w
}

// Options returns the options the world was built with, defaults filled in.
func (w *World) Options() Options { return w.opts }

// Now is the end of the world's read window.
func (w *World) Now() time.Time { return w.now }

// dayEnd is the end of local day k (the start of day k-1).
func (w *World) dayEnd(k int) int64 {
	if k == 0 {
		return w.dayStart[0] + 86400 + 3600 // covers a 25-hour day; Now cuts earlier
	}
	return w.dayStart[k-1]
}

// at is local clock time hh:mm on day k.
func (w *World) at(k, hh, mm int) int64 {
	d := time.Unix(w.dayStart[k], 0).In(w.loc)
	return time.Date(d.Year(), d.Month(), d.Day(), hh, mm, 0, 0, w.loc).Unix()
}

// Cameras returns the camera sites (the same for every world).
func (w *World) Cameras() []api.Camera {
	return append([]api.Camera(nil), w.cs.cams...)
}

// sharedCams is the camera list and its tables, built once per process.
var sharedCams = sync.OnceValue(newCamSet)

// calibrate sets how active vehicles are (and, for worlds with more reads
// than the fleet can make by being active every day, the errand scale) so
// that the expected number of reads over the window is close to
// Options.Reads.
func (w *World) calibrate() {
	w.pDetect = detectRate
	w.errandScale = 1
	base := make([]float64, len(w.fleet))
	var commute, errand float64
	for i := range w.fleet {
		v := &w.fleet[i]
		var c, e float64
		if v.commuter {
			c = 5.0 / 7 * 0.92 * float64(len(w.cs.path(v.home, v.work))+len(w.cs.path(v.work, v.home)))
		}
		for _, x := range v.errands {
			e += float64(len(w.cs.path(v.home, x)) + len(w.cs.path(x, v.home)))
		}
		e *= float64(v.errandRate) / 3 * (5.0/7 + 2.0/7*weekendErrands)
		commute += c
		errand += e
		base[i] = (c + e) * detectRate
	}
	perDay := float64(w.opts.Reads) / WindowDays / (1 + dupRate*0.35)
	expect := func(s float64) float64 {
		var sum float64
		for i := range w.fleet {
			sum += math.Min(1, s*float64(w.fleet[i].activity)) * base[i]
		}
		return sum
	}
	lo, hi := 0.0, 1.0
	for expect(hi) < perDay && hi < 1e6 {
		hi *= 2
	}
	for range 50 {
		mid := (lo + hi) / 2
		if expect(mid) < perDay {
			lo = mid
		} else {
			hi = mid
		}
	}
	w.activeScale = hi
	if all := (commute + errand) * detectRate; all < perDay && errand > 0 {
		w.errandScale = (perDay/detectRate - commute) / errand
	}
}
