package store_test

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// analysisWorld is a small seeded world for analyses: a grid of cameras,
// a fleet with look-alike plates, some reads verified with corrections,
// and the reads as written (with verdicts applied) for brute-force
// reference answers.
type analysisWorld struct {
	env   *storetest.Env
	cams  []api.Camera
	reads []worldRead
	start time.Time
}

// worldRead is a read of the world with its verified plate and state.
type worldRead struct {
	api.ReadMeta
	vPlate, vState string
}

func (r worldRead) verifiedPlate() string { return cmp.Or(r.vPlate, r.Plate) }
func (r worldRead) verifiedState() string { return cmp.Or(r.vState, r.State) }

// newAnalysisWorld builds the world from a seed: 16 cameras on a 4x4 grid
// about 600 m apart, 3,000 reads over 24 hours of 120 plates (some
// look-alikes of others), and a verdict correcting every 50th read.
func newAnalysisWorld(t *testing.T, seed uint64) *analysisWorld {
	t.Helper()
	env := storetest.Start(t)
	w := &analysisWorld{env: env, start: env.Clock.Now().Add(-26 * time.Hour).Truncate(time.Hour)}
	adm := env.Server.Admin("cli:test")
	ctx := context.Background()
	for i := range 16 {
		c := api.Camera{ID: fmt.Sprintf("g-%02d", i), Name: fmt.Sprintf("Grid %d", i),
			Lat: 37.78 + 0.0055*float64(i/4), Lon: -122.22 + 0.007*float64(i%4), Owner: "agency"}
		if _, err := adm.AddCamera(ctx, c); err != nil {
			t.Fatal(err)
		}
		w.cams = append(w.cams, c)
	}
	r := rand.New(rand.NewPCG(seed, 99))
	fleet := make([]string, 120)
	for i := range fleet {
		fleet[i] = fmt.Sprintf("%d%c%c%c%03d", 1+r.IntN(9), 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(1000))
	}
	for i := 0; i < 12; i++ { // look-alikes: 8 for B, 0 for O
		fleet[100+i] = strings.NewReplacer("B", "8", "O", "0", "S", "5").Replace(fleet[i])
		if fleet[100+i] == fleet[i] {
			fleet[100+i] = fleet[i][:1] + "8" + fleet[i][2:]
			fleet[i] = fleet[i][:1] + "B" + fleet[i][2:]
		}
	}
	for i := range 3000 {
		p := fleet[r.IntN(len(fleet))]
		rd := worldRead{ReadMeta: api.ReadMeta{ID: fmt.Sprintf("w%05d", i), CameraID: w.cams[r.IntN(len(w.cams))].ID,
			CapturedAt: w.start.Add(time.Duration(r.IntN(24*3600*1000)) * time.Millisecond), Plate: p, State: "CA",
			Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan"}}
		if r.IntN(10) == 0 {
			rd.State = "NV"
		}
		w.reads = append(w.reads, rd)
	}
	w.addConvoy(r)
	w.load(t)
	return w
}

// addConvoy adds a target plate driving past 8 cameras with a companion
// 20-50 s behind it each time, and a look-alike of the target near it.
func (w *analysisWorld) addConvoy(r *rand.Rand) {
	at := w.start.Add(3 * time.Hour)
	for i := range 8 {
		cam := w.cams[(i*5)%len(w.cams)].ID
		at = at.Add(time.Duration(20+r.IntN(40)) * time.Minute)
		base := api.ReadMeta{CameraID: cam, State: "CA", Confidence: 0.9, Make: "Honda", Color: "black", BodyType: "suv"}
		tgt, comp, alike := base, base, base
		tgt.ID, tgt.Plate, tgt.CapturedAt = fmt.Sprintf("t%02d", i), "8TGT808", at
		comp.ID, comp.Plate, comp.CapturedAt = fmt.Sprintf("c%02d", i), "6CMP123", at.Add(time.Duration(20+r.IntN(30))*time.Second)
		alike.ID, alike.Plate, alike.CapturedAt = fmt.Sprintf("l%02d", i), "BTGT8O8", at.Add(5*time.Second)
		w.reads = append(w.reads, worldRead{ReadMeta: tgt}, worldRead{ReadMeta: comp}, worldRead{ReadMeta: alike})
	}
}

// load writes the reads and a verdict correcting every 50th read's plate
// (to another fleet plate) or state.
func (w *analysisWorld) load(t *testing.T) {
	t.Helper()
	ctx := context.Background()
	st := w.env.Server.Storage()
	_, err := st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for _, rd := range w.reads {
			if err := put(&store.ReadRecord{Meta: rd.ReadMeta}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(ctx, func(tx store.Tx) error {
		for i := 0; i < len(w.reads); i += 50 {
			v := api.Verification{Status: api.VerifyMisread, CorrectedPlate: w.reads[(i*7+13)%len(w.reads)].Plate, By: "detective", At: w.start}
			if i%100 == 0 {
				v = api.Verification{Status: api.VerifyWrongState, CorrectedState: "OR", By: "detective", At: w.start}
			}
			w.reads[i].vPlate, w.reads[i].vState = v.CorrectedPlate, v.CorrectedState
			if err := tx.SetVerification(w.reads[i].ID, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// distance is the great-circle distance in metres (haversine).
func distance(lat1, lon1, lat2, lon2 float64) float64 {
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * 6371000 * math.Asin(math.Min(1, math.Sqrt(h)))
}

// inScene reports whether the world's read falls in the scene.
func (w *analysisWorld) inScene(rd worldRead, sc api.Scene) bool {
	if rd.CapturedAt.Before(sc.From) || !rd.CapturedAt.Before(sc.To) {
		return false
	}
	if sc.Area == nil {
		return slices.Contains(sc.CameraIDs, rd.CameraID)
	}
	i := slices.IndexFunc(w.cams, func(c api.Camera) bool { return c.ID == rd.CameraID })
	return i >= 0 && distance(sc.Area.Lat, sc.Area.Lon, w.cams[i].Lat, w.cams[i].Lon) <= sc.Area.RadiusM
}

// refGroup is a brute-force answer's plate: its scenes and read ids.
type refGroup struct {
	scenes []int
	reads  []string
}

// commonRef answers a common-plates analysis by brute force: every pair of
// read and scene, grouped by verified plate (or its look-alike class) and
// verified state. Keys are the sorted read ids, so that the answer can be
// compared without knowing the group's name.
func (w *analysisWorld) commonRef(scenes []api.Scene, minScenes int, fuzzy bool) map[string]refGroup {
	type acc struct {
		scenes map[int]bool
		reads  map[string]bool
	}
	groups := map[string]*acc{}
	for _, rd := range w.reads {
		key := rd.verifiedPlate()
		if fuzzy {
			key = plate.Canonical(key)
		}
		key += "/" + rd.verifiedState()
		for i, sc := range scenes {
			if !w.inScene(rd, sc) {
				continue
			}
			if groups[key] == nil {
				groups[key] = &acc{scenes: map[int]bool{}, reads: map[string]bool{}}
			}
			groups[key].scenes[i], groups[key].reads[rd.ID] = true, true
		}
	}
	out := map[string]refGroup{}
	for _, g := range groups {
		if len(g.scenes) < minScenes {
			continue
		}
		var rg refGroup
		for i := range scenes {
			if g.scenes[i] {
				rg.scenes = append(rg.scenes, i)
			}
		}
		for id := range g.reads {
			rg.reads = append(rg.reads, id)
		}
		slices.Sort(rg.reads)
		out[strings.Join(rg.reads, ",")] = rg
	}
	return out
}

// analysisCase is a case context that passes the policy.
var analysisCase = api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery",
	Purpose: "Armed robberies at three gas stations, same suspect vehicle"}

func TestCommonPlatesMatchesBruteForce(t *testing.T) {
	w := newAnalysisWorld(t, 7)
	tok := w.env.Login(t, "detective")
	r := rand.New(rand.NewPCG(3, 3))
	total := 0
	defer func() {
		if total < 12 {
			t.Errorf("the trials found only %d common plates in all: the world does not exercise the analysis", total)
		}
	}()
	for trial := range 12 {
		n := 2 + trial%4
		var scenes []api.Scene
		for i := range n {
			from := w.start.Add(time.Duration(r.IntN(20*60)) * time.Minute)
			sc := api.Scene{From: from, To: from.Add(time.Duration(60+r.IntN(300)) * time.Minute)}
			if i%2 == 0 {
				c := w.cams[r.IntN(len(w.cams))]
				sc.Area = &api.Area{Lat: c.Lat + 0.001, Lon: c.Lon, RadiusM: float64(400 + r.IntN(600))}
			} else {
				sc.CameraIDs = []string{w.cams[r.IntN(16)].ID, w.cams[r.IntN(16)].ID, w.cams[r.IntN(16)].ID}
			}
			scenes = append(scenes, sc)
		}
		minScenes, fuzzy := 2, trial%3 == 0
		req := api.CommonPlatesRequest{CaseContext: analysisCase, Scenes: scenes, MinScenes: minScenes, Fuzzy: fuzzy}
		var res api.CommonPlatesResponse
		w.env.Do(t, "POST", "/v1/analyses/common-plates", tok, req, http.StatusOK, &res)
		want := w.commonRef(scenes, minScenes, fuzzy)
		got := map[string]refGroup{}
		for i, p := range res.Plates {
			var rg refGroup
			rg.scenes = p.Scenes
			for j, rd := range p.Reads {
				rg.reads = append(rg.reads, rd.ID)
				if j > 0 && rd.CapturedAt.After(p.Reads[j-1].CapturedAt) {
					t.Errorf("trial %d: plate %s: reads not newest first", trial, p.Plate)
				}
			}
			if i > 0 && len(p.Scenes) > len(res.Plates[i-1].Scenes) {
				t.Errorf("trial %d: plate %s with %d scenes after one with fewer", trial, p.Plate, len(p.Scenes))
			}
			slices.Sort(rg.reads)
			got[strings.Join(rg.reads, ",")] = rg
		}
		total += len(want)
		if len(got) != len(want) {
			t.Errorf("trial %d (fuzzy %v): %d plates, brute force %d", trial, fuzzy, len(got), len(want))
		}
		for k, g := range want {
			if h, ok := got[k]; !ok || !slices.Equal(h.scenes, g.scenes) {
				t.Errorf("trial %d: brute force group %s scenes %v; answer %v (found %v)", trial, k, g.scenes, h.scenes, ok)
			}
		}
	}
}

// convoyRef answers a convoy analysis by brute force: companions keyed by
// "plate/state" with their distinct camera count and sorted pairs.
func (w *analysisWorld) convoyRef(target string, from, to time.Time, within time.Duration, minCameras int) map[string][]string {
	var targets []worldRead
	for _, rd := range w.reads {
		if rd.verifiedPlate() == target && !rd.CapturedAt.Before(from) && rd.CapturedAt.Before(to) {
			targets = append(targets, rd)
		}
	}
	canon := plate.Canonical(target)
	pairs, cams := map[string][]string{}, map[string]map[string]bool{}
	for _, rd := range w.reads {
		if plate.Canonical(rd.Plate) == canon || plate.Canonical(rd.verifiedPlate()) == canon {
			continue
		}
		for _, tr := range targets {
			d := rd.CapturedAt.Sub(tr.CapturedAt)
			if rd.CameraID != tr.CameraID || d > within || d < -within {
				continue
			}
			key := rd.verifiedPlate() + "/" + rd.verifiedState()
			pairs[key] = append(pairs[key], tr.ID+">"+rd.ID)
			if cams[key] == nil {
				cams[key] = map[string]bool{}
			}
			cams[key][rd.CameraID] = true
		}
	}
	out := map[string][]string{}
	for k, p := range pairs {
		if len(cams[k]) >= minCameras {
			slices.Sort(p)
			out[k] = append([]string{fmt.Sprint(len(cams[k]))}, p...)
		}
	}
	return out
}

func TestConvoyMatchesBruteForce(t *testing.T) {
	w := newAnalysisWorld(t, 11)
	tok := w.env.Login(t, "detective")
	from, to := w.start, w.start.Add(25*time.Hour)
	for _, tc := range []struct {
		target             string
		withinS, minCamera int
	}{{"8TGT808", 60, 3}, {"8TGT808", 120, 3}, {"8TGT808", 30, 5}, {w.reads[5].Plate, 120, 3}} {
		req := api.ConvoyRequest{CaseContext: analysisCase, Plate: tc.target, From: from, To: to, WithinS: tc.withinS, MinCameras: tc.minCamera}
		var res api.ConvoyResponse
		w.env.Do(t, "POST", "/v1/analyses/convoy", tok, req, http.StatusOK, &res)
		want := w.convoyRef(tc.target, from, to, time.Duration(tc.withinS)*time.Second, tc.minCamera)
		got := map[string][]string{}
		for i, c := range res.Companions {
			var p []string
			for _, co := range c.CoReads {
				p = append(p, co.TargetReadID+">"+co.Read.ID)
			}
			slices.Sort(p)
			got[c.Plate+"/"+c.State] = append([]string{fmt.Sprint(c.Cameras)}, p...)
			if i > 0 && c.Cameras > res.Companions[i-1].Cameras {
				t.Errorf("%s: companion %s ranked below one with fewer cameras", tc.target, c.Plate)
			}
		}
		if len(got) != len(want) {
			t.Errorf("%s within %d: %d companions %v, brute force %d %v", tc.target, tc.withinS, len(got), got, len(want), want)
		}
		for k, v := range want {
			if !slices.Equal(got[k], v) {
				t.Errorf("%s: companion %s: got %v, brute force %v", tc.target, k, got[k], v)
			}
		}
		if tc.target == "8TGT808" && tc.withinS == 60 {
			if len(res.Companions) == 0 || res.Companions[0].Plate != "6CMP123" || res.Companions[0].Cameras != 8 {
				t.Errorf("the scripted companion is not first with 8 cameras: %+v", res.Companions)
			}
			if len(res.TargetReads) != 8 {
				t.Errorf("target reads: %d, want 8", len(res.TargetReads))
			}
		}
	}
}
