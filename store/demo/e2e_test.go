package demo_test

import (
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// TestExercisesThroughSearchAPI solves every exercise as a trainee would,
// through the real store's search API on a small demo world, and checks
// that the search finds the trainer's answer and nothing else.
func TestExercisesThroughSearchAPI(t *testing.T) {
	env := storetest.StartDemo(t, 3, 20000)
	tok := env.Login(t, "trainer")
	var ex api.Exercises
	env.Do(t, "GET", "/v1/training/exercises", tok, nil, http.StatusOK, &ex)
	s := &solver{t: t, env: env, tok: tok}
	for _, e := range ex.Exercises {
		s.e = e
		switch e.ID {
		case "partial-plate-robbery":
			m := find(t, e.Brief, `began with "(.)", and the third and fourth characters were "(.)" and "(.)"`)
			s.onlyPlate(s.search(api.SearchRequest{Plate: m[1] + "?" + m[2] + m[3] + "*"}), e.Answer)
		case "partial-plate-description":
			p := find(t, e.Brief, `\(pattern ([0-9A-Z*?]+)\)`)[1]
			all := s.search(api.SearchRequest{Plate: p})
			narrow := s.search(api.SearchRequest{Plate: p, Color: "green", BodyType: "pickup"})
			s.onlyPlate(narrow, e.Answer)
			if all.Total <= narrow.Total {
				t.Fatalf("%s: the partial plate alone finds %d reads, with the description %d", e.ID, all.Total, narrow.Total)
			}
		case "stolen-vehicle-real-time", "missing-person-vehicle":
			res := s.search(api.SearchRequest{Plate: find(t, e.Brief, `plate ([0-9A-Z]+) \(CA\)`)[1]})
			s.camera(res.Results[0], e.Answer) // newest first
		case "carjacking-photo":
			res := s.search(api.SearchRequest{Plate: find(t, e.Brief, `Plate ([0-9A-Z]+) \(CA\)`)[1]})
			s.anyAt(res, e.Answer)
		case "switched-plate":
			s.switched(find(t, e.Brief, `plate ([0-9A-Z]+) \(CA\)`)[1])
		case "ocr-misread":
			s.misread(find(t, e.Brief, `suspect's plate, ([0-9A-Z]+),`)[1])
		case "serial-robbery-common-plate":
			s.commonPlate()
		case "convoy-second-car":
			s.convoy(find(t, e.Brief, `plate ([0-9A-Z]+) \(CA\)`)[1])
		default:
			t.Fatalf("exercise %s has no solver", e.ID)
		}
	}
}

type solver struct {
	t   *testing.T
	env *storetest.Env
	tok string
	e   api.Exercise
}

func find(t *testing.T, text, re string) []string {
	t.Helper()
	m := regexp.MustCompile(re).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("brief %q does not say %s", text, re)
	}
	return m
}

// search runs a search with the exercise's case context.
func (s *solver) search(req api.SearchRequest) api.SearchResponse {
	s.t.Helper()
	req.CaseContext = api.CaseContext{ReportNumber: s.e.ReportNumber, PurposeCategory: s.e.PurposeCategory,
		Purpose: "Training exercise: " + s.e.Title}
	req.Limit = 500
	var res api.SearchResponse
	s.env.Do(s.t, "POST", "/v1/searches", s.tok, req, http.StatusOK, &res)
	if res.Total == 0 || len(res.Results) == 0 {
		s.t.Fatalf("%s: search %+v found nothing", s.e.ID, req)
	}
	return res
}

func (s *solver) onlyPlate(res api.SearchResponse, plate string) {
	s.t.Helper()
	for _, r := range res.Results {
		if r.Plate != plate {
			s.t.Fatalf("%s: search finds %s as well as the answer %s", s.e.ID, r.Plate, plate)
		}
	}
}

func (s *solver) camera(r api.Read, answer string) {
	s.t.Helper()
	if !strings.HasPrefix(answer, r.Camera.Name+" ("+r.Camera.ID+")") {
		s.t.Fatalf("%s: read at %s (%s), answer %q", s.e.ID, r.Camera.Name, r.Camera.ID, answer)
	}
}

// anyAt checks that a read was taken at the answer's camera and local time.
func (s *solver) anyAt(res api.SearchResponse, answer string) {
	s.t.Helper()
	loc, _ := time.LoadLocation("America/Los_Angeles")
	for _, r := range res.Results {
		if strings.HasPrefix(answer, r.Camera.Name+" ("+r.Camera.ID+") at "+r.CapturedAt.In(loc).Format("15:04")) {
			return
		}
	}
	s.t.Fatalf("%s: no read matches %q", s.e.ID, answer)
}

// switched finds the Altima with the switched plate, then its own plate by
// description at the same camera in the week before.
func (s *solver) switched(p string) {
	s.t.Helper()
	var first *api.Read
	for _, r := range s.search(api.SearchRequest{Plate: p}).Results {
		if r.Make == "Nissan" && r.Color == "gray" {
			first = &r
		}
	}
	if first == nil {
		s.t.Fatalf("%s: plate %s never seen on the Altima", s.e.ID, p)
	}
	from, to := first.CapturedAt.Add(-7*24*time.Hour), first.CapturedAt
	var plates []string
	for _, cam := range []string{first.Camera.ID, "cam-058"} { // where it was seen; the exercise's camera
		res := s.search(api.SearchRequest{Make: "Nissan", Color: "gray", BodyType: "sedan", Features: []string{"damage"},
			CameraIDs: []string{cam}, From: &from, To: &to})
		for _, r := range res.Results {
			if !slices.Contains(plates, r.Plate) {
				plates = append(plates, r.Plate)
			}
		}
	}
	if !slices.Contains(plates, s.e.Answer) || len(plates) > 2 {
		s.t.Fatalf("%s: the Altima's description finds plates %v, answer %s", s.e.ID, plates, s.e.Answer)
	}
}

// misread: the exact plate is never read at Fruitvale; the look-alike
// search finds the answer's OCR text there.
func (s *solver) misread(plate string) {
	s.t.Helper()
	const at = "Fruitvale Ave & E 12th St"
	for _, r := range s.search(api.SearchRequest{Plate: plate}).Results {
		if r.Camera.Name == at {
			s.t.Fatalf("%s: exact search finds %s at %s", s.e.ID, plate, at)
		}
	}
	found := false
	for _, r := range s.search(api.SearchRequest{Plate: plate, Fuzzy: true}).Results {
		if r.Camera.Name == at {
			if r.Plate != s.e.Answer {
				s.t.Fatalf("%s: fuzzy search finds %s at %s, answer %s", s.e.ID, r.Plate, at, s.e.Answer)
			}
			found = true
		}
	}
	if !found {
		s.t.Fatalf("%s: fuzzy search finds nothing at %s", s.e.ID, at)
	}
}

// caseOf is the exercise's case context.
func (s *solver) caseOf() api.CaseContext {
	return api.CaseContext{ReportNumber: s.e.ReportNumber, PurposeCategory: s.e.PurposeCategory,
		Purpose: "Training exercise: " + s.e.Title}
}

// commonPlate reads the three robberies from the brief, runs a
// common-plates analysis with one scene per robbery (its camera, 30
// minutes either side) and checks that the answer is the only plate.
func (s *solver) commonPlate() {
	s.t.Helper()
	loc, _ := time.LoadLocation("America/Los_Angeles")
	now := s.env.Clock.Now()
	var cams []api.Camera
	s.env.Do(s.t, "GET", "/v1/cameras", s.tok, nil, http.StatusOK, &cams)
	re := regexp.MustCompile(`([A-Z][a-z]+day \d{1,2} [A-Z][a-z]+) at about (\d\d:\d\d) near ([A-Za-z0-9 &]+?)[;.]`)
	req := api.CommonPlatesRequest{CaseContext: s.caseOf()}
	for _, m := range re.FindAllStringSubmatch(s.e.Brief, -1) {
		at, err := time.ParseInLocation("Monday 2 January 2006 15:04", fmt.Sprintf("%s %d %s", m[1], now.Year(), m[2]), loc)
		if err == nil && at.After(now) {
			at = at.AddDate(-1, 0, 0)
		}
		i := slices.IndexFunc(cams, func(c api.Camera) bool { return c.Name == m[3] })
		if err != nil || i < 0 {
			s.t.Fatalf("%s: scene %q: %v (camera found: %v)", s.e.ID, m[0], err, i >= 0)
		}
		req.Scenes = append(req.Scenes, api.Scene{CameraIDs: []string{cams[i].ID}, From: at.Add(-30 * time.Minute), To: at.Add(30 * time.Minute)})
	}
	if len(req.Scenes) != 3 {
		s.t.Fatalf("%s: the brief names %d scenes", s.e.ID, len(req.Scenes))
	}
	var res api.CommonPlatesResponse
	s.env.Do(s.t, "POST", "/v1/analyses/common-plates", s.tok, req, http.StatusOK, &res)
	if len(res.Plates) != 1 || res.Plates[0].Plate != s.e.Answer {
		s.t.Fatalf("%s: common plates %+v, answer %s", s.e.ID, res.Plates, s.e.Answer)
	}
}

// convoy runs a convoy analysis for the suspect's plate over the last
// week, as a detective (trainers may not run one), and checks that the
// answer is the only companion.
func (s *solver) convoy(target string) {
	s.t.Helper()
	now := s.env.Clock.Now()
	req := api.ConvoyRequest{CaseContext: s.caseOf(), Plate: target, From: now.Add(-7 * 24 * time.Hour), To: now}
	var res api.ConvoyResponse
	s.env.Do(s.t, "POST", "/v1/analyses/convoy", s.tok, req, http.StatusForbidden, nil)
	s.env.Do(s.t, "POST", "/v1/analyses/convoy", s.env.Login(s.t, "detective"), req, http.StatusOK, &res)
	if len(res.Companions) != 1 || res.Companions[0].Plate != s.e.Answer || res.Companions[0].Cameras < 3 {
		s.t.Fatalf("%s: companions %+v, answer %s", s.e.ID, res.Companions, s.e.Answer)
	}
}
