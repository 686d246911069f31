package store_test

import (
	"context"
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// trainingReads is the size of the demo worlds of these tests.
const trainingReads = 10000

// answers returns the exercises with their answers (as the trainer sees them).
func answers(t *testing.T, env *storetest.Env, trainer string) []api.Exercise {
	t.Helper()
	var ex api.Exercises
	env.Do(t, "GET", "/v1/training/exercises", trainer, nil, http.StatusOK, &ex)
	if len(ex.Exercises) < 6 {
		t.Fatalf("%d exercises", len(ex.Exercises))
	}
	return ex.Exercises
}

func exerciseByID(t *testing.T, exs []api.Exercise, id string) api.Exercise {
	t.Helper()
	for _, e := range exs {
		if e.ID == id {
			return e
		}
	}
	t.Fatalf("no exercise %s", id)
	return api.Exercise{}
}

func attempt(t *testing.T, env *storetest.Env, tok, id, answer string) api.AttemptResult {
	t.Helper()
	var res api.AttemptResult
	env.Do(t, "POST", "/v1/training/exercises/"+id+"/attempts", tok, api.AttemptRequest{Answer: answer}, http.StatusOK, &res)
	return res
}

// TestTrainingAttemptsOnTheDemoWorld answers the real exercises through
// the API, in the forms a trainee would write them.
func TestTrainingAttemptsOnTheDemoWorld(t *testing.T) {
	env := storetest.StartDemo(t, 11, trainingReads)
	exs := answers(t, env, env.Login(t, "trainer"))
	det := env.Login(t, "detective")
	robbery := exerciseByID(t, exs, "partial-plate-robbery").Answer
	missing := exerciseByID(t, exs, "missing-person-vehicle").Answer
	camID := missing[strings.LastIndex(missing, "(")+1 : len(missing)-1]
	camName := missing[:strings.LastIndex(missing, " (")]
	carjack := exerciseByID(t, exs, "carjacking-photo").Answer
	carjackCam := carjack[strings.Index(carjack, "(")+1 : strings.Index(carjack, ")")]
	for _, tc := range []struct {
		id, answer string
		ok         bool
	}{
		{"partial-plate-robbery", strings.ToLower(robbery[:3]) + " " + robbery[3:], true},
		{"partial-plate-robbery", robbery[:6], false},
		{"missing-person-vehicle", strings.ToUpper(camID), true},
		{"missing-person-vehicle", strings.ReplaceAll(strings.ToLower(camName), "&", "and"), true},
		{"missing-person-vehicle", "Lake Merritt", false},
		{"carjacking-photo", "first seen at " + carjackCam + ", roof rack", true},
	} {
		res := attempt(t, env, det, tc.id, tc.answer)
		if res.Correct != tc.ok || res.Feedback == "" || res.ExerciseID != tc.id {
			t.Errorf("%s %q: %+v, want correct %v", tc.id, tc.answer, res, tc.ok)
		}
	}
	// Attempts and solved are counted per exercise.
	res := attempt(t, env, det, "partial-plate-robbery", "nothing like it")
	if res.Attempts != 3 || !res.Solved || res.Correct {
		t.Fatalf("third robbery attempt = %+v", res)
	}
	env.Do(t, "POST", "/v1/training/exercises/partial-plate-robbery/attempts", det, api.AttemptRequest{Answer: "  "}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/training/exercises/partial-plate-robbery/attempts", det, api.AttemptRequest{Answer: strings.Repeat("x", 501)}, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/training/exercises/no-such/attempts", det, api.AttemptRequest{Answer: "7ABC123"}, http.StatusNotFound, nil)
	env.Do(t, "POST", "/v1/training/exercises/partial-plate-robbery/attempts", det, map[string]any{"answer": "x", "extra": 1}, http.StatusBadRequest, nil)
	// Every attempt is audited with its trainee.
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=training_attempt&limit=100", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 7 || page.Entries[0].Actor != "detective" || page.Entries[0].ReportNumber == "" {
		t.Fatalf("%d training_attempt entries; newest %+v", len(page.Entries), page.Entries)
	}
}

// search runs a search; status is the expected answer.
func search(t *testing.T, env *storetest.Env, tok string, c api.CaseContext, status int) {
	t.Helper()
	env.Do(t, "POST", "/v1/searches", tok, api.SearchRequest{CaseContext: c, Plate: "7ABC123"}, status, nil)
}

// TestTrainingProgressOfAClass scripts a class of two trainees and checks
// what the trainer and each trainee see.
func TestTrainingProgressOfAClass(t *testing.T) {
	env := storetest.StartDemo(t, 12, trainingReads)
	trainer := env.Login(t, "trainer")
	exs := answers(t, env, trainer)
	d1, d2 := env.Login(t, "detective"), env.Login(t, "detective2")
	robbery := exerciseByID(t, exs, "partial-plate-robbery").Answer
	switched := exerciseByID(t, exs, "switched-plate").Answer

	// detective: robbery wrong, wrong, right; switched right; 2 searches
	// allowed, 2 refused (prohibited purpose, invalid report number).
	attempt(t, env, d1, "partial-plate-robbery", "7ZZZ999")
	attempt(t, env, d1, "partial-plate-robbery", "8YYY888")
	attempt(t, env, d1, "partial-plate-robbery", robbery)
	attempt(t, env, d1, "switched-plate", switched)
	search(t, env, d1, storetest.Case, http.StatusOK)
	search(t, env, d1, storetest.Case, http.StatusOK)
	prohibited := storetest.Case
	prohibited.Purpose = "Find where the protester parks for the rally"
	search(t, env, d1, prohibited, http.StatusForbidden)
	badNumber := storetest.Case
	badNumber.ReportNumber = "12345"
	search(t, env, d1, badNumber, http.StatusUnprocessableEntity)
	// detective2: one wrong attempt, one refused search.
	attempt(t, env, d2, "switched-plate", "1AAA111")
	search(t, env, d2, prohibited, http.StatusForbidden)

	var p api.TrainingProgress
	env.Do(t, "GET", "/v1/training/progress", trainer, nil, http.StatusOK, &p)
	if p.Seed != 12 || p.Since == nil || len(p.Exercises) != len(exs) {
		t.Fatalf("progress header %+v", p)
	}
	rows := map[string]api.TraineeProgress{}
	for _, r := range p.Trainees {
		rows[r.Username] = r
	}
	for _, u := range []string{"detective", "detective2", "watch_commander", "supervisor", "rookie"} {
		if _, ok := rows[u]; !ok {
			t.Errorf("class view has no row for %s", u)
		}
	}
	if _, ok := rows["approver"]; ok {
		t.Error("an approver without activity is listed in the class")
	}
	r1 := rows["detective"]
	if r1.Attempts != 4 || !slices.Equal(r1.Solved, []string{"partial-plate-robbery", "switched-plate"}) ||
		r1.Searches != 4 || r1.Refused != 2 || len(r1.Refusals) != 2 {
		t.Fatalf("detective: %+v", r1)
	}
	reasons := map[string]int{}
	for _, rc := range r1.Refusals {
		reasons[rc.Reason] = rc.Count
	}
	if reasons[api.CodeProhibitedPurpose] != 1 || reasons[api.CodeInvalidReportNumber] != 1 {
		t.Fatalf("detective refusals %+v", r1.Refusals)
	}
	rob := r1.Exercises[slices.Index(p.Exercises, "partial-plate-robbery")]
	if rob.Attempts != 3 || !rob.Solved || rob.SolvedAt == nil || rob.LastAnswer != robbery {
		t.Fatalf("detective's robbery record %+v", rob)
	}
	r2 := rows["detective2"]
	if r2.Attempts != 1 || len(r2.Solved) != 0 || r2.Searches != 1 || r2.Refused != 1 ||
		r2.Refusals[0] != (api.ReasonCount{Reason: api.CodeProhibitedPurpose, Count: 1}) {
		t.Fatalf("detective2: %+v", r2)
	}
	// A trainee sees their own row only.
	var own api.TrainingProgress
	env.Do(t, "GET", "/v1/training/progress", d2, nil, http.StatusOK, &own)
	if len(own.Trainees) != 1 || own.Trainees[0].Username != "detective2" || own.Trainees[0].Attempts != 1 {
		t.Fatalf("detective2's own progress %+v", own.Trainees)
	}
}

// readsDigest hashes every read of the store (id, plate, state, camera,
// capture time, vehicle) in search order.
func readsDigest(t *testing.T, env *storetest.Env) (string, int) {
	t.Helper()
	h := sha256.New()
	n := 0
	err := env.Server.Storage().View(context.Background(), func(tx store.ReadTx) error {
		page, err := tx.SearchReads(&store.ReadQuery{Limit: 1 << 20, CountCap: 1 << 20})
		for _, r := range page.Reads {
			fmt.Fprintf(h, "%s|%s|%s|%s|%d|%s|%s\n", r.ID, r.Plate, r.State, r.Camera.ID, r.CapturedAt.UnixMilli(), r.Make, r.Color)
		}
		n = len(page.Reads)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprintf("%x", h.Sum(nil)), n
}

// TestTrainingResetRestoresADeterministicWorld resets to another seed and
// back: the same seed gives the same reads and answers, attempts and
// verifications are gone, and the audit chain is whole.
func TestTrainingResetRestoresADeterministicWorld(t *testing.T) {
	at := time.Now().UTC().Truncate(time.Second)
	env := storetest.StartWith(t, store.Config{Demo: true, DemoSeed: 3, DemoReads: trainingReads,
		Now: func() time.Time { return at }})
	trainer := env.Login(t, "trainer")
	det := env.Login(t, "detective")
	first := answers(t, env, trainer)
	digest, n := readsDigest(t, env)
	if n < trainingReads/2 {
		t.Fatalf("%d reads", n)
	}
	attempt(t, env, det, first[0].ID, first[0].Answer)
	var sr api.SearchResponse
	env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: storetest.Case, Plate: first[0].Answer}, http.StatusOK, &sr)
	if len(sr.Results) == 0 {
		t.Fatal("the robbery answer has no reads")
	}
	env.Do(t, "POST", "/v1/reads/"+sr.Results[0].ID+"/verification", det,
		api.VerificationRequest{SearchID: sr.SearchID, Status: api.VerifyConfirmed}, http.StatusOK, nil)

	// Only a trainer resets.
	env.Do(t, "POST", "/v1/training/reset", det, api.TrainingResetRequest{}, http.StatusForbidden, nil)
	seven := int64(7)
	var rs api.TrainingReset
	env.Do(t, "POST", "/v1/training/reset", trainer, api.TrainingResetRequest{Seed: &seven}, http.StatusOK, &rs)
	if rs.Seed != 7 || rs.Reads < trainingReads/2 || rs.AuditSeq == 0 {
		t.Fatalf("reset = %+v", rs)
	}
	other := answers(t, env, trainer)
	if other[0].Answer == first[0].Answer {
		t.Fatal("seed 7 has the same robbery answer as seed 3")
	}
	if d, _ := readsDigest(t, env); d == digest {
		t.Fatal("seed 7 has the reads of seed 3")
	}
	var p api.TrainingProgress
	env.Do(t, "GET", "/v1/training/progress", trainer, nil, http.StatusOK, &p)
	for _, r := range p.Trainees {
		if r.Attempts != 0 || r.Searches != 0 {
			t.Fatalf("after the reset %s has %d attempts, %d searches", r.Username, r.Attempts, r.Searches)
		}
	}
	if p.Seed != 7 {
		t.Fatalf("progress seed %d", p.Seed)
	}
	// The old search is gone with its reads: its photos are out of reach.
	env.Do(t, "GET", "/v1/reads/"+sr.Results[0].ID+"/photo?search_id="+sr.SearchID, det, nil, http.StatusForbidden, nil)

	three := int64(3)
	env.Do(t, "POST", "/v1/training/reset", trainer, api.TrainingResetRequest{Seed: &three}, http.StatusOK, &rs)
	if d, m := readsDigest(t, env); d != digest || m != n {
		t.Fatalf("seed 3 again: %d reads, digest %s; want %d, %s", m, d, n, digest)
	}
	again := answers(t, env, trainer)
	if !slices.Equal(again, first) {
		t.Fatal("seed 3 again has other exercises")
	}
	env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: storetest.Case, Plate: first[0].Answer}, http.StatusOK, &sr)
	for _, r := range sr.Results {
		if r.Verification != nil {
			t.Fatalf("read %s keeps a verification across the reset", r.ID)
		}
	}
	// The audit trail keeps everything, resets included, and verifies.
	sup := env.Login(t, "supervisor")
	var v api.AuditVerify
	env.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if !v.OK || v.Head.Seq <= rs.AuditSeq {
		t.Fatalf("audit verify %+v", v)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=training_reset", sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 2 || page.Entries[0].Actor != "trainer" {
		t.Fatalf("reset entries %+v", page.Entries)
	}
	env.Do(t, "GET", "/v1/audit?action=verification&limit=500", sup, nil, http.StatusOK, &page)
	var made int // the demo history's verifications aside
	for _, e := range page.Entries {
		if e.Workstation != store.DemoHistoryWorkstation {
			made++
		}
	}
	if made != 1 {
		t.Fatalf("the verification's audit entry: %d entries", made)
	}
}

// TestTrainingLiveControl starts and stops the live simulator through the
// API and sees its reads arrive through the ingest path.
func TestTrainingLiveControl(t *testing.T) {
	env := storetest.StartDemo(t, 4, trainingReads)
	trainer, det := env.Login(t, "trainer"), env.Login(t, "detective")
	var live api.TrainingLive
	env.Do(t, "GET", "/v1/training/live", det, nil, http.StatusOK, &live)
	if live.Running || live.Rate != 3 {
		t.Fatalf("initial live state %+v", live)
	}
	env.Do(t, "POST", "/v1/training/live", det, api.TrainingLive{Running: true}, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/training/live", trainer, api.TrainingLive{Running: true, Rate: 2000}, http.StatusUnprocessableEntity, nil)
	_, before := readsDigest(t, env)
	env.Do(t, "POST", "/v1/training/live", trainer, api.TrainingLive{Running: true, Rate: 50}, http.StatusOK, &live)
	if !live.Running || live.Rate != 50 {
		t.Fatalf("started: %+v", live)
	}
	deadline := time.Now().Add(10 * time.Second)
	for {
		if _, n := readsDigest(t, env); n > before {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no live read arrived in 10 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	// A reset pauses the simulator and resumes it.
	env.Do(t, "POST", "/v1/training/reset", trainer, api.TrainingResetRequest{}, http.StatusOK, nil)
	env.Do(t, "GET", "/v1/training/live", det, nil, http.StatusOK, &live)
	if !live.Running || live.Rate != 50 {
		t.Fatalf("after a reset: %+v", live)
	}
	env.Do(t, "POST", "/v1/training/live", trainer, api.TrainingLive{Running: false}, http.StatusOK, &live)
	env.Do(t, "GET", "/v1/training/live", det, nil, http.StatusOK, &live)
	if live.Running || live.Rate != 50 {
		t.Fatalf("stopped: %+v", live)
	}
	_, stopped := readsDigest(t, env)
	time.Sleep(200 * time.Millisecond)
	if _, n := readsDigest(t, env); n != stopped {
		t.Fatalf("reads still arrive after stop: %d -> %d", stopped, n)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=training_live", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 2 {
		t.Fatalf("%d training_live entries", len(page.Entries))
	}
}

// TestTrainingOnlyInDemoMode: every training route is 404 outside a demo
// store, even for a trainer.
func TestTrainingOnlyInDemoMode(t *testing.T) {
	env := storetest.Start(t)
	trainer := env.Login(t, "trainer")
	env.Do(t, "POST", "/v1/training/exercises/partial-plate-robbery/attempts", trainer, api.AttemptRequest{Answer: "7ABC123"}, http.StatusNotFound, nil)
	env.Do(t, "GET", "/v1/training/progress", trainer, nil, http.StatusNotFound, nil)
	env.Do(t, "POST", "/v1/training/reset", trainer, api.TrainingResetRequest{}, http.StatusNotFound, nil)
	env.Do(t, "GET", "/v1/training/live", trainer, nil, http.StatusNotFound, nil)
	env.Do(t, "POST", "/v1/training/live", trainer, api.TrainingLive{Running: true}, http.StatusNotFound, nil)
	env.Do(t, "GET", "/v1/training/progress", "", nil, http.StatusUnauthorized, nil)
}
