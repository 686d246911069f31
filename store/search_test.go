package store_test

import (
	"encoding/base64"
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// seeded starts a store with a few reads of known plates.
func seeded(t *testing.T) (*storetest.Env, string) {
	t.Helper()
	env := storetest.Start(t)
	plates := []struct {
		id, plate, camera, make, color, body string
		ago                                  time.Duration
		features                             []string
	}{
		{"a1", "7ABC123", "cam-1", "Toyota", "silver", "sedan", 1 * time.Hour, []string{"roof_rack"}},
		{"a2", "7ABC128", "cam-1", "Honda", "blue", "suv", 2 * time.Hour, nil},
		{"a3", "7A8C123", "cam-2", "Toyota", "silver", "sedan", 3 * time.Hour, []string{"bumper_sticker"}},
		{"a4", "9XYZ555", "cam-2", "Ford", "white", "pickup", 30 * time.Hour, []string{"ladder_rack", "tow_hitch"}},
		{"a5", "7ABC123", "cam-2", "Honda", "red", "sedan", 10 * 24 * time.Hour, nil},
		{"a6", "7A8C1Z3", "cam-1", "Toyota", "silver", "sedan", 4 * time.Hour, nil},
	}
	for _, p := range plates {
		env.Ingest(t, api.ReadMeta{ID: p.id, CameraID: p.camera, CapturedAt: env.Clock.Now().Add(-p.ago),
			Plate: p.plate, State: "CA", Confidence: 0.8, Make: p.make, Color: p.color, BodyType: p.body,
			Features: p.features}, nil)
	}
	return env, env.Login(t, "detective")
}

func ids(res api.SearchResponse) []string {
	var out []string
	for _, r := range res.Results {
		out = append(out, r.ID)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	sort.Strings(s)
	return s
}

func TestPlatePatterns(t *testing.T) {
	env, tok := seeded(t)
	for _, tc := range []struct {
		plate string
		fuzzy bool
		want  []string
	}{
		{"7ABC123", false, []string{"a1", "a5"}},
		{"7abc-123", false, []string{"a1", "a5"}},
		{"7ABC12?", false, []string{"a1", "a2", "a5"}},
		{"*C12*", false, []string{"a1", "a2", "a3", "a5"}},
		{"7?B?1?3", false, []string{"a1", "a5"}},
		{"*555", false, []string{"a4"}},
		{"XYZ", false, nil},
		{"7ABC123", true, []string{"a1", "a3", "a5", "a6"}},
		{"7AB*3", true, []string{"a1", "a3", "a5", "a6"}},
		{"7?8C1*", false, []string{"a3", "a6"}},
	} {
		var res api.SearchResponse
		req := searchReq(tc.plate)
		req.Fuzzy = tc.fuzzy
		env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &res)
		if got := sorted(ids(res)); !slices.Equal(got, sorted(tc.want)) || res.Total != len(tc.want) {
			t.Errorf("plate %q fuzzy %v: got %v (total %d), want %v", tc.plate, tc.fuzzy, got, res.Total, tc.want)
		}
	}
}

func TestFuzzySubstitutionsAndSwitch(t *testing.T) {
	env, tok := seeded(t)
	req := searchReq("7ABC123")
	req.Fuzzy = true
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &res)
	for _, r := range res.Results {
		switch r.ID {
		case "a3":
			if len(r.FuzzySubstitutions) != 1 || r.FuzzySubstitutions[0] != (api.Substitution{Position: 2, Got: "8", Want: "B"}) {
				t.Errorf("a3 substitutions = %+v", r.FuzzySubstitutions)
			}
		case "a6":
			if len(r.FuzzySubstitutions) != 2 {
				t.Errorf("a6 substitutions = %+v", r.FuzzySubstitutions)
			}
		case "a1", "a5":
			if len(r.FuzzySubstitutions) != 0 {
				t.Errorf("%s exact match has substitutions %+v", r.ID, r.FuzzySubstitutions)
			}
			// 7ABC123 is seen on a silver Toyota and a red Honda.
			if !r.PossibleSwitch {
				t.Errorf("%s not flagged as a possible switch", r.ID)
			}
		}
	}
	env.Do(t, "POST", "/v1/searches", tok, searchReq("9XYZ555"), http.StatusOK, &res)
	if len(res.Results) != 1 || res.Results[0].PossibleSwitch {
		t.Fatalf("9XYZ555 = %+v", res.Results)
	}
}

func TestFilters(t *testing.T) {
	env, tok := seeded(t)
	now := env.Clock.Now()
	from, to := now.Add(-48*time.Hour), now
	for name, tc := range map[string]struct {
		req  api.SearchRequest
		want []string
	}{
		"make any case":  {api.SearchRequest{Plate: "7A*C*", Make: "toyota"}, []string{"a1", "a3", "a6"}},
		"color":          {api.SearchRequest{Plate: "7AB*", Color: "Blue"}, []string{"a2"}},
		"body type":      {api.SearchRequest{Plate: "9XY*", BodyType: "pickup"}, []string{"a4"}},
		"features all":   {api.SearchRequest{Plate: "9XY*", Features: []string{"ladder_rack", "tow_hitch"}}, []string{"a4"}},
		"feature none":   {api.SearchRequest{Plate: "7A*C*", Features: []string{"roof_rack", "damage"}}, nil},
		"state":          {api.SearchRequest{Plate: "7AB*", State: "NV"}, nil},
		"window":         {api.SearchRequest{Plate: "7ABC123", From: &from, To: &to}, []string{"a1"}},
		"cameras":        {api.SearchRequest{Plate: "7A*C*", CameraIDs: []string{"cam-2"}}, []string{"a3", "a5"}},
		"area":           {api.SearchRequest{Plate: "7A*C*", Area: &api.Area{Lat: 37.7662, Lon: -122.1818, RadiusM: 500}}, []string{"a1", "a2", "a6"}},
		"no plate, area": {api.SearchRequest{Make: "Ford", From: &from, To: &to, CameraIDs: []string{"cam-2"}}, []string{"a4"}},
		"no plate, all":  {api.SearchRequest{From: &from, To: &to, Area: &api.Area{Lat: 37.8117, Lon: -122.2650, RadiusM: 1000}}, []string{"a3", "a4"}},
	} {
		tc.req.CaseContext = storetest.Case
		var res api.SearchResponse
		env.Do(t, "POST", "/v1/searches", tok, tc.req, http.StatusOK, &res)
		if got := sorted(ids(res)); !slices.Equal(got, sorted(tc.want)) {
			t.Errorf("%s: got %v, want %v", name, got, tc.want)
		}
	}
}

func TestPagingNewestFirstWithoutNewAudit(t *testing.T) {
	env := storetest.Start(t)
	now := env.Clock.Now()
	for i := 0; i < 7; i++ {
		env.Ingest(t, api.ReadMeta{ID: "p" + string(rune('0'+i)), CameraID: "cam-1", CapturedAt: now.Add(-time.Duration(i) * time.Minute),
			Plate: "4PAG00" + string(rune('0'+i)), State: "CA", Confidence: 0.9}, nil)
	}
	tok := env.Login(t, "detective")
	sup := env.Login(t, "supervisor")
	req := searchReq("4PAG*")
	req.Limit = 3
	var first api.SearchResponse
	env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &first)
	var before api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=search", sup, nil, http.StatusOK, &before)
	got := ids(first)
	cur := first.NextCursor
	for cur != "" {
		req.Cursor = cur
		var page api.SearchResponse
		env.Do(t, "POST", "/v1/searches", tok, req, http.StatusOK, &page)
		if page.SearchID != first.SearchID || page.Total != 7 {
			t.Fatalf("page = %+v", page)
		}
		got = append(got, ids(page)...)
		cur = page.NextCursor
	}
	if want := []string{"p0", "p1", "p2", "p3", "p4", "p5", "p6"}; !slices.Equal(got, want) {
		t.Fatalf("pages = %v, want %v", got, want)
	}
	var after api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=search", sup, nil, http.StatusOK, &after)
	if len(after.Entries) != len(before.Entries) || len(after.Entries) != 1 || after.Entries[0].ResultCount != 7 {
		t.Fatalf("page fetches wrote audit entries: %d then %d", len(before.Entries), len(after.Entries))
	}
	// A cursor with another body, or of another user, is refused.
	req.Plate = "4PA*"
	env.Do(t, "POST", "/v1/searches", tok, req, http.StatusUnprocessableEntity, nil)
	req.Plate = "4PAG*"
	env.Do(t, "POST", "/v1/searches", env.Login(t, "detective2"), req, http.StatusUnprocessableEntity, nil)
	req.Cursor = "!!"
	env.Do(t, "POST", "/v1/searches", tok, req, http.StatusUnprocessableEntity, nil)
}

func TestSearchRefusals(t *testing.T) {
	env, tok := seeded(t)
	now := env.Clock.Now()
	old := now.Add(-8 * 24 * time.Hour)
	withCase := func(r api.SearchRequest) api.SearchRequest { r.CaseContext = storetest.Case; return r }
	for name, tc := range map[string]struct {
		user   string
		req    api.SearchRequest
		status int
		code   string
	}{
		"no case":          {"detective", api.SearchRequest{Plate: "7ABC123"}, 400, api.CodeCaseContextRequired},
		"bad report":       {"detective", api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "2020-1", PurposeCategory: "robbery", Purpose: storetest.Case.Purpose}, Plate: "7ABC123"}, 422, api.CodeInvalidReportNumber},
		"bad category":     {"detective", api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "parking", Purpose: storetest.Case.Purpose}, Plate: "7ABC123"}, 422, api.CodeInvalidPurposeCategory},
		"vague":            {"detective", api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: "investigation follow up"}, Plate: "7ABC123"}, 422, api.CodePurposeTooVague},
		"short":            {"detective", api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: "robbery"}, Plate: "7ABC123"}, 422, api.CodePurposeTooVague},
		"immigration":      {"detective", api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "other_felony", Purpose: "Locate vehicle for ICE immigration enforcement"}, Plate: "7ABC123"}, 403, api.CodeProhibitedPurpose},
		"protest":          {"detective", api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "other_felony", Purpose: "Identify protesters at the city hall rally"}, Plate: "7ABC123"}, 403, api.CodeProhibitedPurpose},
		"untrained":        {"rookie", withCase(api.SearchRequest{Plate: "7ABC123"}), 403, api.CodeTrainingRequired},
		"role":             {"approver", withCase(api.SearchRequest{Plate: "7ABC123"}), 403, api.CodeForbidden},
		"admin role":       {"admin", withCase(api.SearchRequest{Plate: "7ABC123"}), 403, api.CodeForbidden},
		"two chars":        {"detective", withCase(api.SearchRequest{Plate: "7A*"}), 422, api.CodePatternTooBroad},
		"bad char":         {"detective", withCase(api.SearchRequest{Plate: "7AB%"}), 422, api.CodeInvalidField},
		"no plate no area": {"detective", withCase(api.SearchRequest{Make: "Toyota", From: &old, To: &now}), 422, api.CodeSearchTooBroad},
		"no plate 8 days":  {"detective", withCase(api.SearchRequest{From: &old, To: &now, CameraIDs: []string{"cam-1"}}), 422, api.CodeSearchTooBroad},
		"nothing":          {"detective", withCase(api.SearchRequest{}), 422, api.CodeSearchTooBroad},
		"sticker":          {"detective", withCase(api.SearchRequest{Plate: "7AB*", Features: []string{"bumper_sticker"}}), 422, api.CodeFeatureNotSearchable},
		"limit":            {"detective", withCase(api.SearchRequest{Plate: "7AB*", Limit: 501}), 422, api.CodeInvalidField},
		"color":            {"detective", withCase(api.SearchRequest{Plate: "7AB*", Color: "plaid"}), 422, api.CodeInvalidField},
		"camera":           {"detective", withCase(api.SearchRequest{Plate: "7AB*", CameraIDs: []string{"cam-9"}}), 422, api.CodeInvalidField},
		"radius":           {"detective", withCase(api.SearchRequest{Plate: "7AB*", Area: &api.Area{Lat: 37.8, Lon: -122.2}}), 422, api.CodeInvalidField},
		"to before from":   {"detective", withCase(api.SearchRequest{Plate: "7AB*", From: &now, To: &old}), 422, api.CodeInvalidField},
	} {
		tk := tok
		if tc.user != "detective" {
			tk = env.Login(t, tc.user)
		}
		raw := env.Do(t, "POST", "/v1/searches", tk, tc.req, tc.status, nil)
		if c := errCode(t, raw); c != tc.code {
			t.Errorf("%s: code %s, want %s (%s)", name, c, tc.code, raw)
		}
	}
	// Every refusal after the body was read is audited as refused with its code.
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=search&outcome=refused&limit=500", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 21 {
		t.Fatalf("%d refused searches audited, want 21", len(page.Entries))
	}
	for _, e := range page.Entries {
		if e.Reason == "" || e.Outcome != api.OutcomeRefused || e.Workstation != "storetest-ws" {
			t.Fatalf("refusal entry %+v", e)
		}
	}
}

func TestLegitimatePurposesPass(t *testing.T) {
	env, tok := seeded(t)
	for _, c := range []api.CaseContext{
		{ReportNumber: "21-04318", PurposeCategory: "burglary", Purpose: "Burglary at a church on MacArthur Blvd, suspect van seen"},
		{ReportNumber: "20-042436", PurposeCategory: "grand_theft", Purpose: "Stolen personal property from a parked car, suspect vehicle sought"},
		{ReportNumber: "20-042319", PurposeCategory: "robbery", Purpose: "Robbery on March 3 at International Blvd, grey sedan"},
		{ReportNumber: "20-057415", PurposeCategory: "assault", Purpose: "Assault with an ice pick outside a bar on Telegraph"},
	} {
		env.Do(t, "POST", "/v1/searches", tok, api.SearchRequest{CaseContext: c, Plate: "7ABC123"}, http.StatusOK, nil)
	}
}

func TestTotalCapped(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 10,001 reads")
	}
	env := storetest.Start(t)
	now := env.Clock.Now()
	var lines []api.ReadMeta
	photo := base64.StdEncoding.EncodeToString(storetest.JPEG(t, 8, 8))
	for i := 0; i < 10001; i++ {
		lines = append(lines, api.ReadMeta{ID: "c" + itoa(i), CameraID: "cam-1", CapturedAt: now.Add(-time.Duration(i) * time.Second),
			Plate: "8CAP" + itoa(i%1000), State: "CA", Confidence: 0.9, PhotoBase64: photo})
	}
	resp := batch(t, env, env.CameraToken, lines)
	if resp.Accepted != 10001 {
		t.Fatalf("batch = %+v", resp.Accepted)
	}
	var res api.SearchResponse
	env.Do(t, "POST", "/v1/searches", env.Login(t, "detective"), searchReq("8CAP*"), http.StatusOK, &res)
	if res.Total != 10000 || !res.TotalCapped || len(res.Results) != 100 || res.NextCursor == "" {
		t.Fatalf("total %d capped %v results %d", res.Total, res.TotalCapped, len(res.Results))
	}
}
