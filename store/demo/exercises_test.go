package demo

import (
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// exerciseByID finds an exercise of the world with its plan.
func exerciseByID(t *testing.T, w *World, id string) *exercise {
	t.Helper()
	for _, e := range w.ex {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no exercise %s", id)
	return nil
}

func TestExercisesComplete(t *testing.T) {
	tw := small(t, 1)
	ex := tw.w.Exercises()
	if len(ex) < 6 {
		t.Fatalf("%d exercises", len(ex))
	}
	p := api.DefaultPolicy()
	want := []string{"20-042319", "18-043265", "20-054741", "20-057415", "21-040329", "20-016214"}
	for _, e := range ex {
		if e.ID == "" || e.Title == "" || e.Brief == "" || e.Question == "" || e.Answer == "" {
			t.Fatalf("incomplete exercise %+v", e)
		}
		if err := p.CheckCase(api.CaseContext{ReportNumber: e.ReportNumber, PurposeCategory: e.PurposeCategory,
			Purpose: e.Title + ": " + e.Question}); err != nil {
			t.Fatalf("exercise %s: its case context is refused: %v", e.ID, err)
		}
		want = slices.DeleteFunc(want, func(s string) bool { return s == e.ReportNumber })
	}
	if len(want) > 0 {
		t.Fatalf("no exercise for report numbers %v", want)
	}
}

// TestExerciseAnswersUnique scans every read, with the search's own plate
// rules (api/plate), and checks that each exercise's answer exists and is
// the only one, in several worlds.
func TestExerciseAnswersUnique(t *testing.T) {
	for _, tw := range []*testWorld{small(t, 1), small(t, 2), small(t, 3), sized(t, 4, 60, 3000), sized(t, 5, 2000, 60000)} {
		w := tw.w
		checkPartialPlate(t, tw, exerciseByID(t, w, "partial-plate-robbery"))
		checkDescription(t, tw, exerciseByID(t, w, "partial-plate-description"))
		checkLastSeen(t, tw, exerciseByID(t, w, "stolen-vehicle-real-time"))
		checkFirstAfter(t, tw, exerciseByID(t, w, "carjacking-photo"))
		checkSwitched(t, tw, exerciseByID(t, w, "switched-plate"))
		checkLastSeen(t, tw, exerciseByID(t, w, "missing-person-vehicle"))
		checkMisread(t, tw, exerciseByID(t, w, "ocr-misread"))
		checkCommonScenes(t, tw, exerciseByID(t, w, "serial-robbery-common-plate"))
		checkConvoy(t, tw, exerciseByID(t, w, "convoy-second-car"))
	}
}

func parse(t *testing.T, s string) *plate.Pattern {
	t.Helper()
	p, err := plate.ParsePattern(s)
	if err != nil {
		t.Fatalf("pattern %q: %v", s, err)
	}
	return p
}

func plates(reads []api.ReadMeta) []string {
	var out []string
	for _, m := range reads {
		if !slices.Contains(out, m.Plate) {
			out = append(out, m.Plate)
		}
	}
	slices.Sort(out)
	return out
}

func filter(reads []api.ReadMeta, keep func(api.ReadMeta) bool) []api.ReadMeta {
	var out []api.ReadMeta
	for _, m := range reads {
		if keep(m) {
			out = append(out, m)
		}
	}
	return out
}

func checkPartialPlate(t *testing.T, tw *testWorld, e *exercise) {
	p := parse(t, e.pattern)
	hits := filter(tw.reads, func(m api.ReadMeta) bool { return p.Match(m.Plate) })
	if got := plates(hits); len(got) != 1 || got[0] != e.Answer || len(hits) < 3 {
		t.Fatalf("%s: pattern %s finds plates %v in %d reads, want only %s", e.ID, e.pattern, got, len(hits), e.Answer)
	}
	if !strings.Contains(e.Brief, string(e.Answer[0])) || strings.Contains(e.Brief, e.Answer) {
		t.Fatalf("%s: the brief must give the partial plate, not the answer", e.ID)
	}
}

func checkDescription(t *testing.T, tw *testWorld, e *exercise) {
	p := parse(t, e.pattern)
	hits := filter(tw.reads, func(m api.ReadMeta) bool { return p.Match(m.Plate) })
	desc := filter(hits, func(m api.ReadMeta) bool {
		return m.Color == Colors[e.color] && m.BodyType == BodyTypes[e.body]
	})
	if got := plates(desc); len(got) != 1 || got[0] != e.Answer {
		t.Fatalf("%s: pattern and description find plates %v, want only %s", e.ID, got, e.Answer)
	}
	if n := len(plates(hits)); n < 6 || len(hits) < 2*len(desc) {
		t.Fatalf("%s: the partial plate alone finds only %d plates in %d reads: nothing to narrow", e.ID, n, len(hits))
	}
}

// lastCamera checks the answer "name (cam-nnn)" names camera id.
func answerNames(t *testing.T, w *World, e *exercise, camID string) {
	t.Helper()
	for _, c := range w.Cameras() {
		if c.ID == camID {
			if !strings.HasPrefix(e.Answer, c.Name+" ("+c.ID+")") {
				t.Fatalf("%s: answer %q, reads say %s %s", e.ID, e.Answer, c.Name, c.ID)
			}
			return
		}
	}
	t.Fatalf("%s: unknown camera %s", e.ID, camID)
}

func checkLastSeen(t *testing.T, tw *testWorld, e *exercise) {
	pl := tw.w.fleet[e.vehicles[0]].plate
	hits := filter(tw.reads, func(m api.ReadMeta) bool { return m.Plate == pl })
	if len(hits) < 2 {
		t.Fatalf("%s: %d reads of %s", e.ID, len(hits), pl)
	}
	last := hits[len(hits)-1]
	if len(hits) > 1 && hits[len(hits)-2].CapturedAt.Equal(last.CapturedAt) {
		t.Fatalf("%s: two last reads at the same time", e.ID)
	}
	answerNames(t, tw.w, e, last.CameraID)
	if got := plates(filter(tw.reads, func(m api.ReadMeta) bool { return m.Make == last.Make && m.Plate == pl })); len(got) != 1 {
		t.Fatalf("%s: plate %s ambiguous", e.ID, pl)
	}
}

func checkFirstAfter(t *testing.T, tw *testWorld, e *exercise) {
	pl := tw.w.fleet[e.vehicles[0]].plate
	before := filter(tw.reads, func(m api.ReadMeta) bool { return m.Plate == pl && m.CapturedAt.Unix() < e.incident })
	after := filter(tw.reads, func(m api.ReadMeta) bool { return m.Plate == pl && m.CapturedAt.Unix() >= e.incident })
	if len(before) == 0 || len(after) < 2 || after[0].CapturedAt.Equal(after[1].CapturedAt) {
		t.Fatalf("%s: %d reads before, %d after the carjacking", e.ID, len(before), len(after))
	}
	answerNames(t, tw.w, e, after[0].CameraID)
}

func checkSwitched(t *testing.T, tw *testWorld, e *exercise) {
	s, v := tw.w.fleet[e.vehicles[0]], tw.w.fleet[e.vehicles[1]]
	desc := filter(tw.reads, func(m api.ReadMeta) bool {
		return m.Make == s.make && m.Color == Colors[s.color] && m.BodyType == BodyTypes[s.body] &&
			slices.Contains(m.Features, FeatureDamage)
	})
	if got := plates(desc); !slices.Equal(got, plates([]api.ReadMeta{{Plate: e.Answer}, {Plate: v.plate}})) {
		t.Fatalf("%s: the Altima's reads show plates %v, want %s and %s", e.ID, got, e.Answer, v.plate)
	}
	onP := filter(tw.reads, func(m api.ReadMeta) bool { return m.Plate == v.plate })
	makes := map[string]bool{}
	for _, m := range onP {
		makes[m.Make+" "+m.Color] = true
	}
	if len(makes) != 2 {
		t.Fatalf("%s: plate %s seen on %v, want the pickup and the Altima", e.ID, v.plate, makes)
	}
	if !strings.Contains(e.Brief, v.plate) || strings.Contains(e.Brief, e.Answer) {
		t.Fatalf("%s: brief must name the switched plate only", e.ID)
	}
}

func checkMisread(t *testing.T, tw *testWorld, e *exercise) {
	truth := tw.w.fleet[e.vehicles[0]].plate
	x := tw.w.cs.cams[e.camera].ID
	p := parse(t, truth)
	var atX, elsewhere int
	for _, m := range tw.reads {
		ok, _ := p.MatchFuzzy(m.Plate)
		if !ok {
			continue
		}
		if m.Make != "Honda" || m.BodyType != "minivan" {
			t.Fatalf("%s: look-alike search for %s finds another vehicle: %+v", e.ID, truth, m)
		}
		if m.CameraID == x {
			atX++
			if m.Plate != e.Answer || m.Plate == truth {
				t.Fatalf("%s: read at %s says %s, answer %s", e.ID, x, m.Plate, e.Answer)
			}
		} else {
			elsewhere++
			if m.Plate != truth {
				t.Fatalf("%s: read elsewhere says %s", e.ID, m.Plate)
			}
		}
	}
	if atX == 0 || elsewhere == 0 {
		t.Fatalf("%s: %d reads at %s, %d elsewhere", e.ID, atX, x, elsewhere)
	}
}

// checkCommonScenes checks, by brute force over every read, that the
// answer is the only plate read at all of the exercise's scenes, even
// grouping look-alike plates together.
func checkCommonScenes(t *testing.T, tw *testWorld, e *exercise) {
	seen := map[string]map[int]bool{}
	for _, m := range tw.reads {
		for i, sc := range e.scenes {
			at := m.CapturedAt.Unix()
			if m.CameraID == tw.w.cs.cams[sc.cam].ID && at >= sc.from && at < sc.to {
				k := plate.Canonical(m.Plate)
				if seen[k] == nil {
					seen[k] = map[int]bool{}
				}
				seen[k][i] = true
			}
		}
	}
	var all []string
	for k, sc := range seen {
		if len(sc) == len(e.scenes) {
			all = append(all, k)
		}
	}
	if len(all) != 1 || all[0] != plate.Canonical(e.Answer) {
		t.Fatalf("%s: plates at all %d scenes %v; want only %s", e.ID, len(e.scenes), all, e.Answer)
	}
}

// checkConvoy checks, by brute force, that the answer is the only plate
// read within 120 s of the target at three or more distinct cameras.
func checkConvoy(t *testing.T, tw *testWorld, e *exercise) {
	target := tw.w.fleet[e.vehicles[1]].plate
	var tr []api.ReadMeta
	for _, m := range tw.reads {
		if m.Plate == target {
			tr = append(tr, m)
		}
	}
	cams := map[string]map[string]bool{}
	for _, m := range tw.reads {
		if plate.Canonical(m.Plate) == plate.Canonical(target) {
			continue
		}
		for _, x := range tr {
			if d := m.CapturedAt.Sub(x.CapturedAt).Abs(); m.CameraID == x.CameraID && d <= 120*time.Second {
				if cams[m.Plate] == nil {
					cams[m.Plate] = map[string]bool{}
				}
				cams[m.Plate][m.CameraID] = true
			}
		}
	}
	var found []string
	for p, c := range cams {
		if len(c) >= 3 {
			found = append(found, p)
		}
	}
	if len(found) != 1 || found[0] != e.Answer {
		t.Fatalf("%s: companions of %s at 3+ cameras %v; want only %s", e.ID, target, found, e.Answer)
	}
}
