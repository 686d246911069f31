package store

import (
	"cmp"
	"slices"
	"time"

	"alprdesk/api/plate"
)

// plateGroup is one plate (and state) an analysis found: the scenes or
// cameras it matched and the reads that matched.
type plateGroup struct {
	Plate, State string
	// Scenes are the 0-based scene indexes (common plates).
	Scenes []int
	// Cameras counts the distinct shared cameras (convoy).
	Cameras int
	// ReadIDs are the group's reads (common plates).
	ReadIDs []string
	// Pairs are the co-reads: target read id and read id (convoy).
	Pairs [][2]string
}

// groupKey is the plate a read is grouped under: its verified plate, or
// that plate's look-alike class when fuzzy, with its verified state.
func groupKey(k ReadKey, fuzzy bool) string {
	p := k.VerifiedPlate()
	if fuzzy {
		p = plate.Canonical(p)
	}
	return p + "\x00" + k.VerifiedState()
}

// groupAcc gathers one group while reads are scanned.
type groupAcc struct {
	g      plateGroup
	texts  map[string]int // verified plate texts seen, for a fuzzy group's name
	scenes map[int]bool
	cams   map[string]bool
	reads  map[string]bool
}

func newAcc(k ReadKey) *groupAcc {
	return &groupAcc{g: plateGroup{State: k.VerifiedState()}, texts: map[string]int{},
		scenes: map[int]bool{}, cams: map[string]bool{}, reads: map[string]bool{}}
}

// name is the most frequent verified text of the group (the smallest on a
// tie), so a fuzzy group is named by its usual spelling.
func (a *groupAcc) name() string {
	best, n := "", -1
	for t, c := range a.texts {
		if c > n || (c == n && t < best) {
			best, n = t, c
		}
	}
	return best
}

// commonPlates finds the plates seen at no fewer than minScenes of the
// scenes (each scene's reads given), most scenes first, then most reads,
// then plate and state; at most limit groups, capped when more matched.
func commonPlates(scenes [][]ReadKey, minScenes int, fuzzy bool, limit int) (groups []plateGroup, capped bool) {
	accs := map[string]*groupAcc{}
	for i, reads := range scenes {
		for _, k := range reads {
			key := groupKey(k, fuzzy)
			a := accs[key]
			if a == nil {
				a = newAcc(k)
				accs[key] = a
			}
			a.scenes[i] = true
			if !a.reads[k.ID] {
				a.reads[k.ID] = true
				a.texts[k.VerifiedPlate()]++
				a.g.ReadIDs = append(a.g.ReadIDs, k.ID)
			}
		}
	}
	for _, a := range accs {
		if len(a.scenes) < minScenes {
			continue
		}
		a.g.Plate = a.name()
		for i := range scenes {
			if a.scenes[i] {
				a.g.Scenes = append(a.g.Scenes, i)
			}
		}
		groups = append(groups, a.g)
	}
	slices.SortFunc(groups, func(x, y plateGroup) int {
		return cmp.Or(cmp.Compare(len(y.Scenes), len(x.Scenes)), cmp.Compare(len(y.ReadIDs), len(x.ReadIDs)),
			cmp.Compare(x.Plate, y.Plate), cmp.Compare(x.State, y.State))
	})
	if len(groups) > limit {
		return groups[:limit], true
	}
	return groups, false
}

// targetRead is a read of the convoy's target: where and when.
type targetRead struct {
	ID         string
	CameraID   string
	CapturedAt time.Time
}

// nearWindow is the co-travel window around a target read: [at-within,
// at+within], as a half-open interval at millisecond precision.
func nearWindow(t targetRead, within time.Duration) (from, to time.Time) {
	return t.CapturedAt.Add(-within), t.CapturedAt.Add(within + time.Millisecond)
}

// convoy finds the companions of a target: reads near each target read
// (near[i] holds the reads at targets[i]'s camera within its window) are
// grouped by verified plate and state; the target's own reads and its
// look-alikes are not companions. Groups sharing at least minCameras
// distinct cameras are kept, most cameras first, then most co-reads, then
// plate and state; at most limit, capped when more matched.
func convoy(target string, targets []targetRead, near [][]ReadKey, minCameras, limit int) (groups []plateGroup, capped bool) {
	own := map[string]bool{}
	for _, t := range targets {
		own[t.ID] = true
	}
	canon := plate.Canonical(target)
	accs := map[string]*groupAcc{}
	for i, t := range targets {
		for _, k := range near[i] {
			if own[k.ID] || plate.Canonical(k.Plate) == canon || plate.Canonical(k.VerifiedPlate()) == canon {
				continue
			}
			key := groupKey(k, false)
			a := accs[key]
			if a == nil {
				a = newAcc(k)
				a.g.Plate = k.VerifiedPlate()
				accs[key] = a
			}
			a.cams[k.CameraID] = true
			a.g.Pairs = append(a.g.Pairs, [2]string{t.ID, k.ID})
		}
	}
	for _, a := range accs {
		if len(a.cams) >= minCameras {
			a.g.Cameras = len(a.cams)
			groups = append(groups, a.g)
		}
	}
	slices.SortFunc(groups, func(x, y plateGroup) int {
		return cmp.Or(cmp.Compare(y.Cameras, x.Cameras), cmp.Compare(len(y.Pairs), len(x.Pairs)),
			cmp.Compare(x.Plate, y.Plate), cmp.Compare(x.State, y.State))
	})
	if len(groups) > limit {
		return groups[:limit], true
	}
	return groups, false
}
