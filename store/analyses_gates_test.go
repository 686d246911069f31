package store_test

import (
	"context"
	"encoding/json"
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

// lastAudit returns the newest audit entry of an action.
func lastAudit(t *testing.T, env *storetest.Env, action string) api.AuditEntry {
	t.Helper()
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?limit=1&action="+action, env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) == 0 {
		t.Fatalf("no %s entry in the audit", action)
	}
	return page.Entries[0]
}

// twoScenes is a valid pair of scenes at the two storetest cameras.
func twoScenes(now time.Time) []api.Scene {
	return []api.Scene{
		{CameraIDs: []string{"cam-1"}, From: now.Add(-5 * time.Hour), To: now},
		{Area: &api.Area{Lat: storetest.Cameras[1].Lat, Lon: storetest.Cameras[1].Lon, RadiusM: 300}, From: now.Add(-5 * time.Hour), To: now},
	}
}

func TestCommonPlatesValidationNamesTheField(t *testing.T) {
	env := storetest.Start(t)
	tok := env.Login(t, "detective")
	now := env.Clock.Now()
	for _, tc := range []struct {
		field string
		edit  func(*api.CommonPlatesRequest)
	}{
		{"scenes", func(r *api.CommonPlatesRequest) { r.Scenes = r.Scenes[:1] }},
		{"scenes", func(r *api.CommonPlatesRequest) {
			for range 4 {
				r.Scenes = append(r.Scenes, r.Scenes[0])
			}
		}},
		{"scenes[1].to", func(r *api.CommonPlatesRequest) { r.Scenes[1].From = now.Add(-7 * time.Hour) }},
		{"scenes[0].to", func(r *api.CommonPlatesRequest) { r.Scenes[0].From, r.Scenes[0].To = now, now.Add(-time.Hour) }},
		{"scenes[1].area.radius_m", func(r *api.CommonPlatesRequest) { r.Scenes[1].Area.RadiusM = 1500 }},
		{"scenes[0].camera_ids", func(r *api.CommonPlatesRequest) { r.Scenes[0].CameraIDs = []string{"cam-9"} }},
		{"scenes[1].area", func(r *api.CommonPlatesRequest) { r.Scenes[1].CameraIDs = []string{"cam-1"} }},
		{"min_scenes", func(r *api.CommonPlatesRequest) { r.MinScenes = 3 }},
	} {
		req := api.CommonPlatesRequest{CaseContext: analysisCase, Scenes: twoScenes(now)}
		tc.edit(&req)
		var body api.ErrorResponse
		env.Do(t, "POST", "/v1/analyses/common-plates", tok, req, http.StatusUnprocessableEntity, &body)
		if body.Error.Code != api.CodeInvalidField || !strings.Contains(body.Error.Message, "field "+tc.field+" ") {
			t.Errorf("%s: got %+v", tc.field, body.Error)
		}
		e := lastAudit(t, env, store.ActionAnalysisCommonPlates)
		if e.Outcome != api.OutcomeRefused || e.Reason != api.CodeInvalidField || e.Actor != "detective" {
			t.Errorf("%s: refusal audited as %+v", tc.field, e)
		}
	}
}

func TestConvoyValidationNamesTheField(t *testing.T) {
	env := storetest.Start(t)
	tok := env.Login(t, "detective")
	now := env.Clock.Now()
	for _, tc := range []struct {
		field string
		edit  func(*api.ConvoyRequest)
	}{
		{"plate", func(r *api.ConvoyRequest) { r.Plate = "7ABC*" }},
		{"plate", func(r *api.ConvoyRequest) { r.Plate = "" }},
		{"to", func(r *api.ConvoyRequest) { r.From = now.Add(-8 * 24 * time.Hour) }},
		{"to", func(r *api.ConvoyRequest) { r.From, r.To = r.To, r.From }},
		{"within_s", func(r *api.ConvoyRequest) { r.WithinS = 121 }},
		{"min_cameras", func(r *api.ConvoyRequest) { r.MinCameras = 2 }},
	} {
		req := api.ConvoyRequest{CaseContext: analysisCase, Plate: "7ABC123", From: now.Add(-24 * time.Hour), To: now}
		tc.edit(&req)
		var body api.ErrorResponse
		env.Do(t, "POST", "/v1/analyses/convoy", tok, req, http.StatusUnprocessableEntity, &body)
		if body.Error.Code != api.CodeInvalidField || !strings.Contains(body.Error.Message, "field "+tc.field+" ") {
			t.Errorf("%s: got %+v", tc.field, body.Error)
		}
		if e := lastAudit(t, env, store.ActionAnalysisConvoy); e.Outcome != api.OutcomeRefused || e.Reason != api.CodeInvalidField {
			t.Errorf("%s: refusal audited as %+v", tc.field, e)
		}
	}
}

func TestConvoyGate(t *testing.T) {
	env := storetest.Start(t)
	now := env.Clock.Now()
	burglary := analysisCase
	burglary.PurposeCategory = "burglary"
	prohibited := analysisCase
	prohibited.Purpose = "Robbery suspect, also check for immigration status"
	for _, tc := range []struct {
		user   string
		cc     api.CaseContext
		status int
		code   string
	}{
		{"watch_commander", analysisCase, http.StatusForbidden, api.CodeAnalysisNotPermitted},
		{"trainer", analysisCase, http.StatusForbidden, api.CodeAnalysisNotPermitted},
		{"detective", burglary, http.StatusForbidden, api.CodeAnalysisNotPermitted},
		{"rookie", analysisCase, http.StatusForbidden, api.CodeTrainingRequired},
		{"detective", prohibited, http.StatusForbidden, api.CodeProhibitedPurpose},
		{"detective", analysisCase, http.StatusOK, ""},
		{"supervisor", analysisCase, http.StatusOK, ""},
	} {
		req := api.ConvoyRequest{CaseContext: tc.cc, Plate: "7ABC123", From: now.Add(-24 * time.Hour), To: now}
		var body api.ErrorResponse
		env.Do(t, "POST", "/v1/analyses/convoy", env.Login(t, tc.user), req, tc.status, &body)
		e := lastAudit(t, env, store.ActionAnalysisConvoy)
		if body.Error.Code != tc.code || e.Actor != tc.user || e.Reason != tc.code || e.PurposeCategory != tc.cc.PurposeCategory {
			t.Errorf("%s %s: answer %+v, audit %+v", tc.user, tc.cc.PurposeCategory, body.Error, e)
		}
		var q map[string]any
		if err := json.Unmarshal([]byte(e.Query), &q); err != nil || q["plate"] != "7ABC123" || q["from"] == nil {
			t.Errorf("%s: data elements %s", tc.user, e.Query)
		}
	}
	var pol api.Policy
	env.Do(t, "GET", "/v1/policy", env.Login(t, "detective"), nil, http.StatusOK, &pol)
	if !slices.Equal(pol.ConvoyCategories, api.DefaultConvoyCategories()) {
		t.Errorf("policy convoy_categories = %v", pol.ConvoyCategories)
	}
}

// sceneWorld ingests reads of plates at the two storetest cameras: 7SCN001
// at both, 7SCN002 at cam-1 only, 7HOT003 (hotlisted) at both.
func sceneWorld(t *testing.T) *storetest.Env {
	t.Helper()
	env := startHotlists(t)
	now := env.Clock.Now()
	for i, r := range []struct{ plate, cam string }{
		{"7SCN001", "cam-1"}, {"7SCN001", "cam-2"}, {"7SCN002", "cam-1"}, {"7HOT003", "cam-1"}, {"7HOT003", "cam-2"},
	} {
		env.Ingest(t, api.ReadMeta{ID: fmt.Sprintf("s%d", i), CameraID: r.cam, CapturedAt: now.Add(-time.Duration(i+1) * time.Minute),
			Plate: r.plate, State: "CA", Confidence: 0.9}, storetest.JPEG(t, 32, 18))
	}
	approved(t, env, "detective2", hotReq("7HOT003", api.ListAlert))
	return env
}

func TestCommonPlatesAnswerAuditAndReach(t *testing.T) {
	env := sceneWorld(t)
	tok := env.Login(t, "detective")
	now := env.Clock.Now()
	req := api.CommonPlatesRequest{CaseContext: analysisCase, Scenes: twoScenes(now)}
	var res api.CommonPlatesResponse
	env.Do(t, "POST", "/v1/analyses/common-plates", tok, req, http.StatusOK, &res)
	var got []string
	for _, p := range res.Plates {
		got = append(got, fmt.Sprintf("%s:%v:%d:%v", p.Plate, p.Scenes, len(p.Reads), p.Hotlisted))
	}
	slices.Sort(got)
	if want := []string{"7HOT003:[0 1]:2:true", "7SCN001:[0 1]:2:false"}; !slices.Equal(got, want) {
		t.Fatalf("plates %v, want %v", got, want)
	}
	e := lastAudit(t, env, store.ActionAnalysisCommonPlates)
	var q api.CommonPlatesRequest
	if err := json.Unmarshal([]byte(e.Query), &q); err != nil || len(q.Scenes) != 2 || q.Scenes[1].Area == nil ||
		!slices.Equal(q.Scenes[0].CameraIDs, []string{"cam-1"}) || q.Scenes[0].From.IsZero() || q.ReportNumber != "" {
		t.Errorf("data elements %s (%v)", e.Query, err)
	}
	if e.ResultCount != 2 || e.Outcome != api.OutcomeAllowed || e.ReportNumber != analysisCase.ReportNumber {
		t.Errorf("audit entry %+v", e)
	}
	returned := res.Plates[0].Reads[0].ID
	aid := "?analysis_id=" + res.AnalysisID
	env.Do(t, "GET", "/v1/reads/"+returned+"/photo"+aid, tok, nil, http.StatusOK, nil)
	if pv := lastAudit(t, env, store.ActionPhotoView); pv.ReportNumber != analysisCase.ReportNumber || !strings.Contains(pv.Query, res.AnalysisID) {
		t.Errorf("photo view audited as %+v", pv)
	}
	// s2 (7SCN002, one scene only) was not returned: refused, and audited.
	env.Do(t, "GET", "/v1/reads/s2/photo"+aid, tok, nil, http.StatusForbidden, nil)
	if pv := lastAudit(t, env, store.ActionPhotoView); pv.Outcome != api.OutcomeRefused {
		t.Errorf("refused photo view audited as %+v", pv)
	}
	env.Do(t, "GET", "/v1/reads/"+returned+"/photo"+aid, env.Login(t, "detective2"), nil, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/reads/"+returned+"/photo"+aid+"&search_id=s_x", tok, nil, http.StatusUnprocessableEntity, nil)
	env.Do(t, "POST", "/v1/reads/"+returned+"/verification", tok,
		api.VerificationRequest{AnalysisID: res.AnalysisID, Status: api.VerifyConfirmed}, http.StatusOK, nil)
	env.Do(t, "POST", "/v1/reads/s2/verification", tok,
		api.VerificationRequest{AnalysisID: res.AnalysisID, Status: api.VerifyConfirmed}, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/reads/"+returned+"/retain", tok, api.RetainRequest{AnalysisID: res.AnalysisID,
		ReportNumber: analysisCase.ReportNumber, Category: api.RetainCriminalInvestigation, Reason: "evidence for the robbery series"},
		http.StatusOK, nil)
	var ex api.ExportResponse
	env.Do(t, "POST", "/v1/exports", tok, api.ExportRequest{Kind: api.ExportEvidenceCSV, AnalysisID: res.AnalysisID,
		ReadIDs: []string{returned}, ReportNumber: analysisCase.ReportNumber}, http.StatusOK, &ex)
	if ex.Retained != 1 {
		t.Errorf("export retained %d", ex.Retained)
	}
	env.Do(t, "POST", "/v1/exports", tok, api.ExportRequest{Kind: api.ExportEvidenceCSV, AnalysisID: res.AnalysisID,
		ReadIDs: []string{returned, "s2"}, ReportNumber: analysisCase.ReportNumber}, http.StatusForbidden, nil)
}

func TestConvoyHotlistMarkHidesCovert(t *testing.T) {
	env := startHotlists(t)
	now := env.Clock.Now()
	cams := []string{"cam-1", "cam-2", "cam-3"}
	adm := env.Server.Admin("cli:test")
	tok3, err := adm.AddCamera(context.Background(), api.Camera{ID: "cam-3", Name: "Third", Lat: 37.79, Lon: -122.2, Owner: "agency"})
	if err != nil {
		t.Fatal(err)
	}
	env.CameraTokens["cam-3"] = tok3
	n := 0
	for i, cam := range cams {
		at := now.Add(-time.Duration(i+1) * time.Hour)
		for _, p := range []struct {
			plate string
			d     time.Duration
		}{{"7TGT100", 0}, {"7ALT200", 30 * time.Second}, {"7COV300", -40 * time.Second}, {"7TGT1O0", 5 * time.Second}} {
			n++
			env.Ingest(t, api.ReadMeta{ID: fmt.Sprintf("v%02d", n), CameraID: cam, CapturedAt: at.Add(p.d), Plate: p.plate,
				State: "CA", Confidence: 0.9}, nil)
		}
	}
	approved(t, env, "detective", hotReq("7ALT200", api.ListAlert))
	approved(t, env, "detective2", hotReq("7COV300", api.ListCovert))
	req := api.ConvoyRequest{CaseContext: analysisCase, Plate: "7tgt-100", From: now.Add(-24 * time.Hour), To: now}
	var res api.ConvoyResponse
	env.Do(t, "POST", "/v1/analyses/convoy", env.Login(t, "detective"), req, http.StatusOK, &res)
	var got []string
	for _, c := range res.Companions {
		got = append(got, fmt.Sprintf("%s:%d:%d:%v", c.Plate, c.Cameras, len(c.CoReads), c.Hotlisted))
	}
	slices.Sort(got)
	// 7TGT1O0 is a look-alike of the target: not a companion. The covert
	// entry of detective2 is not shown to detective.
	if want := []string{"7ALT200:3:3:true", "7COV300:3:3:false"}; !slices.Equal(got, want) || len(res.TargetReads) != 3 {
		t.Fatalf("companions %v (target reads %d), want %v", got, len(res.TargetReads), want)
	}
	env.Do(t, "POST", "/v1/analyses/convoy", env.Login(t, "detective2"), req, http.StatusOK, &res)
	for _, c := range res.Companions {
		if c.Plate == "7COV300" && !c.Hotlisted {
			t.Errorf("the covert entry's requester does not see it marked")
		}
	}
	e := lastAudit(t, env, store.ActionAnalysisConvoy)
	if e.ResultCount != 2 || e.Outcome != api.OutcomeAllowed {
		t.Errorf("audit entry %+v", e)
	}
	// Every convoy analysis that ran is in the supervisor's review queue.
	var flags api.AuditFlags
	q := "?from=" + now.Add(-time.Hour).Format(time.RFC3339) + "&to=" + now.Add(time.Hour).Format(time.RFC3339)
	env.Do(t, "GET", "/v1/audit/flags"+q, env.Login(t, "supervisor"), nil, http.StatusOK, &flags)
	convoys := map[string]int{}
	for _, f := range flags.Flags {
		if f.Kind == api.FlagConvoy {
			convoys[f.Username]++
			if len(f.Seqs) != 1 || !strings.Contains(f.Explanation, "7TGT100") {
				t.Errorf("convoy flag %+v", f)
			}
		}
	}
	if convoys["detective"] != 1 || convoys["detective2"] != 1 {
		t.Errorf("convoy flags by user %v; want one each", convoys)
	}
}

func TestSceneTooBroad(t *testing.T) {
	env := storetest.Start(t)
	now := env.Clock.Now()
	_, err := env.Server.Storage().BulkInsertReads(context.Background(), func(put func(*store.ReadRecord) error) error {
		for i := range api.MaxSceneReads + 1 {
			m := api.ReadMeta{ID: fmt.Sprintf("b%05d", i), CameraID: "cam-2", Plate: fmt.Sprintf("8BRD%03d", i%1000),
				State: "CA", Confidence: 0.9, CapturedAt: now.Add(-time.Duration(i%3600+1) * time.Second)}
			if err := put(&store.ReadRecord{Meta: m}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	req := api.CommonPlatesRequest{CaseContext: analysisCase, Scenes: twoScenes(now)}
	var body api.ErrorResponse
	env.Do(t, "POST", "/v1/analyses/common-plates", env.Login(t, "detective"), req, http.StatusUnprocessableEntity, &body)
	if body.Error.Code != api.CodeSceneTooBroad || !strings.Contains(body.Error.Message, "Scene 2 ") {
		t.Fatalf("got %+v", body.Error)
	}
	if e := lastAudit(t, env, store.ActionAnalysisCommonPlates); e.Reason != api.CodeSceneTooBroad {
		t.Errorf("audited as %+v", e)
	}
}
