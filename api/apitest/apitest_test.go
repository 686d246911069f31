package apitest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
)

// recordingTB is a testing.TB whose Errorf records instead of failing, so
// the tests can prove that a mismatch is caught.
type recordingTB struct {
	testing.TB
	mu   sync.Mutex
	errs []string
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

func (r *recordingTB) Helper() {}

func (r *recordingTB) errors() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.errs)
}

// answer is what the test server replies.
type answer struct {
	status int
	ctype  string
	body   []byte
}

func jsonAnswer(status int, v any) answer {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return answer{status, "application/json", b}
}

func rawJSON(status int, s string) answer { return answer{status, "application/json", []byte(s)} }

func errAnswer(status int, code string) answer {
	return jsonAnswer(status, api.ErrorResponse{Error: api.ErrorBody{Code: code, Message: "Something is wrong with the request."}})
}

// exchange sends req to a loopback server that replies with a, through
// the validating transport, and returns what the transport reported.
func exchange(t *testing.T, req *http.Request, a answer) []string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if a.ctype != "" {
			w.Header().Set("Content-Type", a.ctype)
		}
		w.WriteHeader(a.status)
		_, _ = w.Write(a.body)
	}))
	defer srv.Close()
	u := *req.URL
	req.URL.Scheme, req.URL.Host = "http", strings.TrimPrefix(srv.URL, "http://")
	req.Host = ""
	rec := &recordingTB{TB: t}
	hc := &http.Client{Transport: Load(t).Transport(rec, nil)}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", req.Method, u.Path, err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil || !bytes.Equal(got, a.body) || resp.StatusCode != a.status {
		t.Fatalf("the transport changed the response: %d %q, %v", resp.StatusCode, got, err)
	}
	return rec.errors()
}

func newReq(method, path, ctype string, body []byte) *http.Request {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, "http://placeholder"+path, r)
	if err != nil {
		panic(err)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	req.Header.Set("Authorization", "Bearer token")
	req.Header.Set(api.HeaderWorkstation, "ws-12")
	return req
}

func jsonReq(method, path string, v any) *http.Request {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return newReq(method, path, "application/json", b)
}

var at = time.Date(2026, 11, 26, 14, 2, 0, 0, time.UTC)

func sampleRead(verified, fuzzy bool) api.Read {
	r := api.Read{ID: "r-1", Plate: "7ABC123", State: "CA", Confidence: 0.93, CapturedAt: at,
		Camera: api.ReadCamera{ID: "cam-1", Name: "International & 73rd", Lat: 37.76, Lon: -122.18},
		Make:   "Toyota", Color: "silver", BodyType: "sedan", Features: []string{},
		PlateBox: api.Box{X: 300, Y: 220, W: 90, H: 30}}
	if verified {
		r.Verification = &api.Verification{Status: api.VerifyMisread, CorrectedPlate: "7ABC128", By: "detective", At: at}
		r.Features = []string{"roof_rack"}
	}
	if fuzzy {
		r.FuzzySubstitutions = []api.Substitution{{Position: 2, Got: "8", Want: "B"}}
		r.PossibleSwitch = true
	}
	return r
}

func sampleMeta() api.ReadMeta {
	return api.ReadMeta{ID: "r-1", CameraID: "cam-1", CapturedAt: at, Plate: "7ABC123", State: "CA",
		Confidence: 0.9, Make: "Toyota", Features: []string{"roof_rack"}, PlateBox: api.Box{X: 1, Y: 2, W: 3, H: 4}}
}

func ingestReq(t *testing.T, meta any, metaType, photoType string) *http.Request {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="meta"`)
	if metaType != "" {
		h.Set("Content-Type", metaType)
	}
	w, _ := mw.CreatePart(h)
	_ = json.NewEncoder(w).Encode(meta)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="photo"; filename="r-1.jpg"`)
	h.Set("Content-Type", photoType)
	w, _ = mw.CreatePart(h)
	_, _ = w.Write([]byte{0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 'J', 'F', 'I', 'F'})
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return newReq(http.MethodPost, "/v1/reads", mw.FormDataContentType(), buf.Bytes())
}

var caseCtx = api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: "Armed robbery at 73rd Ave; silver Toyota seen fleeing"}

// TestGoTypesMatchDocument answers every documented operation with the Go
// type of the contract, filled in, and expects no complaint: the schemas
// and the types agree.
func TestGoTypesMatchDocument(t *testing.T) {
	from := at.Add(-24 * time.Hour)
	user := api.User{Username: "detective", DisplayName: "Dana Detective", Role: api.RoleDetective, Serial: "D100", Team: "Robbery", TrainedOn: "2026-01-15"}
	tokens := api.TokenResponse{AccessToken: "a", RefreshToken: "r", ExpiresIn: 900, User: user}
	entry := api.AuditEntry{Seq: 1, At: at, Actor: "detective", Role: "detective", Action: "search", ReportNumber: "20-042436",
		PurposeCategory: "robbery", Purpose: caseCtx.Purpose, Query: `{"plate":"7AB*"}`, ResultCount: 3, Workstation: "ws-12",
		Outcome: api.OutcomeAllowed, PrevHash: strings.Repeat("0", 64), Hash: strings.Repeat("ab", 32)}
	for _, tc := range []struct {
		name string
		req  *http.Request
		ans  answer
	}{
		{"login", jsonReq("POST", "/v1/auth/login", api.LoginRequest{Username: "detective", Password: "pw"}), jsonAnswer(200, tokens)},
		{"login untrained", jsonReq("POST", "/v1/auth/login", api.LoginRequest{Username: "rookie", Password: "pw"}),
			jsonAnswer(200, api.TokenResponse{AccessToken: "a", RefreshToken: "r", ExpiresIn: 900, User: api.User{Username: "rookie", Role: "detective", Demo: true}})},
		{"login locked", jsonReq("POST", "/v1/auth/login", api.LoginRequest{Username: "d", Password: "x"}), errAnswer(423, api.CodeAccountLocked)},
		{"login wrong", jsonReq("POST", "/v1/auth/login", api.LoginRequest{Username: "d", Password: "x"}), errAnswer(401, api.CodeUnauthorized)},
		{"refresh", jsonReq("POST", "/v1/auth/refresh", api.RefreshRequest{RefreshToken: "r"}), jsonAnswer(200, tokens)},
		{"refresh expired", jsonReq("POST", "/v1/auth/refresh", api.RefreshRequest{RefreshToken: "r"}), errAnswer(401, api.CodeTokenExpired)},
		{"logout", jsonReq("POST", "/v1/auth/logout", api.RefreshRequest{RefreshToken: "r"}), answer{204, "", nil}},
		{"logout no body", newReq("POST", "/v1/auth/logout", "", nil), answer{204, "", nil}},
		{"me", newReq("GET", "/v1/me", "", nil), jsonAnswer(200, user)},
		{"policy", newReq("GET", "/v1/policy", "", nil), jsonAnswer(200, api.DefaultPolicy())},
		{"cameras", newReq("GET", "/v1/cameras", "", nil), jsonAnswer(200, []api.Camera{{ID: "cam-1", Name: "Intl & 73rd", Lat: 37.76, Lon: -122.18, Owner: "agency"}})},
		{"search", jsonReq("POST", "/v1/searches", api.SearchRequest{CaseContext: caseCtx, Plate: "7AB*", State: "CA", Fuzzy: true,
			Make: "toyota", Color: "silver", BodyType: "sedan", Features: []string{"roof_rack"}, From: &from, To: &at,
			Area: &api.Area{Lat: 37.76, Lon: -122.18, RadiusM: 1000}, Limit: 50}),
			jsonAnswer(200, api.SearchResponse{SearchID: "s-1", Results: []api.Read{sampleRead(false, false), sampleRead(true, true)}, Total: 2, NextCursor: "c2"})},
		{"search page", jsonReq("POST", "/v1/searches", api.SearchRequest{CaseContext: caseCtx, CameraIDs: []string{"cam-1"}, Cursor: "c2"}),
			jsonAnswer(200, api.SearchResponse{SearchID: "s-1", Results: []api.Read{}, Total: 10000, TotalCapped: true})},
		{"search refused", jsonReq("POST", "/v1/searches", api.SearchRequest{CaseContext: caseCtx, Plate: "7AB*"}), errAnswer(403, api.CodeProhibitedPurpose)},
		{"search too broad", jsonReq("POST", "/v1/searches", api.SearchRequest{CaseContext: caseCtx, Plate: "7*"}), errAnswer(422, api.CodePatternTooBroad)},
		{"photo", newReq("GET", "/v1/reads/r-1/photo?search_id=s-1", "", nil), answer{200, "image/jpeg", []byte{0xff, 0xd8, 0xff, 0xd9}}},
		{"photo escaped id", newReq("GET", "/v1/reads/r%2F1/photo?alert_id=a-1", "", nil), errAnswer(404, api.CodeNotFound)},
		{"photo forbidden", newReq("GET", "/v1/reads/r-1/photo?search_id=s-2", "", nil), errAnswer(403, api.CodeForbidden)},
		{"verify", jsonReq("POST", "/v1/reads/r-1/verification", api.VerificationRequest{SearchID: "s-1", Status: api.VerifyMisread, CorrectedPlate: "7ABC128"}),
			jsonAnswer(200, *sampleRead(true, false).Verification)},
		{"retain", jsonReq("POST", "/v1/reads/r-1/retain", api.RetainRequest{SearchID: "s-1", ReportNumber: "20-042436", Category: api.RetainCriminalInvestigation, Reason: "Evidence in robbery case"}),
			jsonAnswer(200, api.Retention{ReadID: "r-1", ReportNumber: "20-042436", Category: api.RetainCriminalInvestigation, Reason: "Evidence", By: "detective", At: at})},
		{"export", jsonReq("POST", "/v1/exports", api.ExportRequest{Kind: api.ExportEvidencePDF, SearchID: "s-1", ReadIDs: []string{"r-1"}, ReportNumber: "20-042436"}),
			jsonAnswer(200, api.ExportResponse{ExportID: "e-1", Retained: 1, At: at})},
		{"ingest", ingestReq(t, sampleMeta(), "application/json", "image/jpeg"), jsonAnswer(201, api.IngestResponse{ID: "r-1", Alerts: 1})},
		{"ingest retry", ingestReq(t, sampleMeta(), "application/json", "application/octet-stream"), jsonAnswer(200, api.IngestResponse{ID: "r-1", Duplicate: true})},
		{"ingest too large", ingestReq(t, sampleMeta(), "application/json", "image/jpeg"), errAnswer(413, api.CodeTooLarge)},
		{"batch", newReq("POST", "/v1/reads:batch", "application/x-ndjson", []byte("{\"id\":\"r-1\"}\n{\"id\":\"r-2\"}\n")),
			jsonAnswer(200, api.BatchResponse{Accepted: 1, Rejected: []api.BatchError{{Line: 2, ID: "r-2", Error: api.ErrorBody{Code: api.CodeInvalidField, Message: "The field plate is missing."}}}})},
		{"audit", newReq("GET", "/v1/audit?user=detective&from=2026-11-01T00:00:00Z&outcome=refused&limit=10", "", nil),
			jsonAnswer(200, api.AuditPage{Entries: []api.AuditEntry{entry}, NextCursor: "n"})},
		{"audit forbidden", newReq("GET", "/v1/audit", "", nil), errAnswer(403, api.CodeForbidden)},
		{"audit verify", newReq("GET", "/v1/audit/verify", "", nil),
			jsonAnswer(200, api.AuditVerify{OK: true, Checked: 1, Head: api.ChainHead{Seq: 1, Hash: entry.Hash}})},
		{"exercises", newReq("GET", "/v1/training/exercises", "", nil),
			jsonAnswer(200, api.Exercises{Exercises: []api.Exercise{{ID: "x1", Title: "Partial plate", Brief: "b", Question: "q", ReportNumber: "20-042319", PurposeCategory: "robbery", Answer: "7ABC123"}}})},
		{"health", newReq("GET", "/healthz", "", nil), jsonAnswer(200, api.Health{Status: "ok", Backend: "postgres", Database: "unreachable"})},
		{"ready", newReq("GET", "/readyz", "", nil), jsonAnswer(200, api.Ready{Status: api.ReadyOK, Backend: "sqlite"})},
		{"not ready", newReq("GET", "/readyz", "", nil), errAnswer(503, api.CodeStoreUnavailable)},
		{"tile", newReq("GET", "/tiles/13/1310/3166.png", "", nil), answer{200, "image/png", []byte("\x89PNG\r\n\x1a\n")}},
		{"tile missing", newReq("GET", "/tiles/3/1/1.png", "", nil), errAnswer(404, api.CodeNotFound)},
		{"undocumented path", newReq("GET", "/v1/nothing-here", "", nil), errAnswer(404, api.CodeNotFound)},
		{"undocumented method", newReq("DELETE", "/v1/me", "", nil), errAnswer(405, api.CodeMethodNotAllowed)},
		// Negative tests: a request that breaks the document, refused as documented.
		{"unknown field refused", newReq("POST", "/v1/searches", "application/json", []byte(`{"report_number":"20-042436","purpose_category":"robbery","purpose":"x","colour":"red"}`)),
			errAnswer(400, api.CodeUnknownField)},
		{"malformed refused", newReq("POST", "/v1/auth/login", "application/json", []byte(`{"username":`)), errAnswer(400, api.CodeMalformedJSON)},
		{"limit refused", jsonReq("POST", "/v1/searches", api.SearchRequest{CaseContext: caseCtx, Plate: "7AB*", Limit: 501}), errAnswer(422, api.CodeInvalidField)},
		{"missing context refused", jsonReq("POST", "/v1/searches", map[string]string{"plate": "7AB*"}), errAnswer(400, api.CodeCaseContextRequired)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if errs := exchange(t, tc.req, tc.ans); len(errs) > 0 {
				t.Errorf("a correct exchange was reported:\n%s", strings.Join(errs, "\n"))
			}
		})
	}
}

// TestMismatchesAreCaught proves that the transport reports a wrong answer.
func TestMismatchesAreCaught(t *testing.T) {
	unverifiedNoFeatures := sampleRead(false, false)
	unverifiedNoFeatures.Features = nil
	for _, tc := range []struct {
		name string
		req  *http.Request
		ans  answer
		want string // in the report
	}{
		{"extra field", newReq("GET", "/healthz", "", nil), rawJSON(200, `{"status":"ok","uptime":3}`), "uptime"},
		{"missing field", newReq("GET", "/v1/me", "", nil), rawJSON(200, `{"username":"d","display_name":"D","role":"detective","serial":"1"}`), "team"},
		{"wrong type", newReq("GET", "/v1/cameras", "", nil), rawJSON(200, `[{"id":"c","name":"n","lat":"37.7","lon":-122.2,"owner":"agency"}]`), "lat"},
		{"undocumented status", newReq("GET", "/v1/me", "", nil), errAnswer(418, api.CodeInternal), "418"},
		{"undocumented code", jsonReq("POST", "/v1/searches", api.SearchRequest{CaseContext: caseCtx, Plate: "7AB*"}), errAnswer(422, api.CodeProhibitedPurpose), "prohibited_purpose"},
		{"unknown code", newReq("GET", "/v1/me", "", nil), errAnswer(401, "nope"), "nope"},
		{"null features", jsonReq("POST", "/v1/searches", api.SearchRequest{CaseContext: caseCtx, Plate: "7AB*"}),
			jsonAnswer(200, api.SearchResponse{SearchID: "s", Results: []api.Read{unverifiedNoFeatures}, Total: 1}), "features"},
		{"null results", jsonReq("POST", "/v1/searches", api.SearchRequest{CaseContext: caseCtx, Plate: "7AB*"}),
			jsonAnswer(200, api.SearchResponse{SearchID: "s", Total: 0}), "results"},
		{"bad verification status", newReq("POST", "/v1/reads/r-1/verification", "application/json", []byte(`{"search_id":"s","status":"confirmed"}`)),
			rawJSON(200, `{"status":"looks_fine","by":"d","at":"2026-11-26T14:02:00Z"}`), "looks_fine"},
		{"bad time", jsonReq("POST", "/v1/reads/r-1/retain", api.RetainRequest{SearchID: "s", ReportNumber: "20-042436", Category: api.RetainLegalObligation, Reason: "Subpoena"}),
			rawJSON(200, `{"read_id":"r-1","report_number":"20-042436","category":"legal_obligation","reason":"Subpoena","by":"d","at":"yesterday"}`), "at"},
		{"bad date", newReq("GET", "/v1/me", "", nil), rawJSON(200, `{"username":"d","display_name":"D","role":"detective","serial":"1","team":"t","trained_on":"15/01/2026"}`), "trained_on"},
		{"wrong content type", newReq("GET", "/v1/reads/r-1/photo?search_id=s", "", nil), answer{200, "image/png", []byte("x")}, "image/png"},
		{"invalid request accepted", newReq("POST", "/v1/searches", "application/json", []byte(`{"report_number":"20-042436","purpose_category":"robbery","purpose":"x","colour":"red"}`)),
			jsonAnswer(200, api.SearchResponse{SearchID: "s", Results: []api.Read{}}), "accepted"},
		{"ingest meta missing box", ingestReq(t, map[string]any{"id": "r", "camera_id": "c", "captured_at": at, "plate": "7ABC123", "state": "CA", "confidence": 0.5}, "application/json", "image/jpeg"),
			jsonAnswer(201, api.IngestResponse{ID: "r"}), "plate_box"},
		{"ingest meta as text", ingestReq(t, sampleMeta(), "", "image/jpeg"), jsonAnswer(201, api.IngestResponse{ID: "r"}), "meta"},
		{"undocumented path answered", newReq("GET", "/v1/undocumented-list", "", nil), rawJSON(200, `[]`), "not in openapi.yaml"},
		{"404 without error body", newReq("GET", "/nothing", "", nil), answer{404, "text/plain", []byte("404 page not found")}, "error body"},
		{"tile without .png", newReq("GET", "/tiles/13/1310/3166", "", nil), answer{200, "image/png", []byte("x")}, "not in openapi.yaml"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			errs := exchange(t, tc.req, tc.ans)
			if len(errs) != 1 {
				t.Fatalf("want exactly one report, got %d: %q", len(errs), errs)
			}
			if !strings.Contains(errs[0], tc.want) || !strings.HasPrefix(errs[0], "openapi: "+tc.req.Method+" ") ||
				!strings.Contains(errs[0], fmt.Sprintf("-> %d", tc.ans.status)) {
				t.Errorf("report %q should name the method, path, status %d and %q", errs[0], tc.ans.status, tc.want)
			}
		})
	}
}

// TestStreamedRequestBody sends a body with no GetBody (a pipe): it is
// captured as sent and validated.
func TestStreamedRequestBody(t *testing.T) {
	for _, tc := range []struct {
		body  string
		ans   answer
		calls int
	}{
		{`{"username":"detective","password":"pw"}`, errAnswer(401, api.CodeUnauthorized), 0},
		{`{"username":"detective","password":"pw","otp":1}`, rawJSON(200, `{}`), 2}, // accepted invalid request, bad body
	} {
		pr, pw := io.Pipe()
		go func() {
			_, _ = io.WriteString(pw, tc.body)
			pw.Close()
		}()
		req, _ := http.NewRequest(http.MethodPost, "http://placeholder/v1/auth/login", pr)
		req.Header.Set("Content-Type", "application/json")
		errs := exchange(t, req, tc.ans)
		if tc.calls == 0 && len(errs) != 0 {
			t.Errorf("streamed body %s: %q", tc.body, errs)
		}
		if tc.calls > 0 && (len(errs) != 1 || !strings.Contains(errs[0], "accepted")) {
			t.Errorf("streamed invalid body %s should be reported once as accepted: %q", tc.body, errs)
		}
	}
}

// TestPaths lists the document's operations exactly: the store's route
// table must equal this list.
func TestPaths(t *testing.T) {
	want := []string{
		"DELETE /v1/hotlist-entries/{id}",
		"DELETE /v1/me/mfa",
		"GET /healthz",
		"GET /readyz",
		"GET /tiles/{z}/{x}/{y}.png",
		"GET /v1/alerts",
		"GET /v1/alerts/stream",
		"GET /v1/audit",
		"GET /v1/audit/flags",
		"GET /v1/audit/reviews",
		"GET /v1/audit/verify",
		"GET /v1/cameras",
		"GET /v1/hotlist-entries",
		"GET /v1/hotlist-requests",
		"GET /v1/me",
		"GET /v1/policy",
		"GET /v1/reads/{id}/photo",
		"GET /v1/reports/efficacy",
		"GET /v1/reports/transparency",
		"GET /v1/training/exercises",
		"GET /v1/training/live",
		"GET /v1/training/progress",
		"POST /v1/alerts/{id}/ack",
		"POST /v1/alerts/{id}/outcome",
		"POST /v1/analyses/common-plates",
		"POST /v1/analyses/convoy",
		"POST /v1/audit/flags/{id}/review",
		"POST /v1/audit/reviews",
		"POST /v1/audit/samples",
		"POST /v1/auth/login",
		"POST /v1/auth/logout",
		"POST /v1/auth/mfa",
		"POST /v1/auth/refresh",
		"POST /v1/exports",
		"POST /v1/hotlist-requests",
		"POST /v1/hotlist-requests/{id}/decision",
		"POST /v1/me/mfa",
		"POST /v1/me/mfa/confirm",
		"POST /v1/me/password",
		"POST /v1/reads",
		"POST /v1/reads/{id}/retain",
		"POST /v1/reads/{id}/verification",
		"POST /v1/reads:batch",
		"POST /v1/searches",
		"POST /v1/searches/{id}/outcome",
		"POST /v1/training/exercises/{id}/attempts",
		"POST /v1/training/live",
		"POST /v1/training/reset",
	}
	if got := Load(t).Paths(); !slices.Equal(got, want) {
		t.Fatalf("Paths() =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestFindRoute(t *testing.T) {
	d := Load(t)
	for _, tc := range []struct {
		method, path, want string
		params             map[string]string
		err                error
	}{
		{"POST", "/v1/reads:batch", "/v1/reads:batch", nil, nil},
		{"POST", "/v1/reads", "/v1/reads", nil, nil},
		{"GET", "/v1/reads/abc%2Fd/photo", "/v1/reads/{id}/photo", map[string]string{"id": "abc/d"}, nil},
		{"GET", "/tiles/12/655/1583.png", "/tiles/{z}/{x}/{y}.png", map[string]string{"z": "12", "x": "655", "y": "1583"}, nil},
		{"GET", "/tiles/12/655/.png", "", nil, ErrPathNotFound},
		{"GET", "/tiles/12/655/1583.jpg", "", nil, ErrPathNotFound},
		{"GET", "/v1/reads", "", nil, ErrMethodNotAllowed},
		{"GET", "/v1/reads/x/photo/extra", "", nil, ErrPathNotFound},
	} {
		r, params, err := d.FindRoute(tc.method, tc.path)
		if err != tc.err || (r != nil && (r.Path != tc.want || r.Method != tc.method)) || (err == nil && !mapsEqual(params, tc.params)) {
			t.Errorf("FindRoute(%s %s) = %v %v %v, want %s %v %v", tc.method, tc.path, r, params, err, tc.want, tc.params, tc.err)
		}
	}
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

func TestParseRejectsBadDocuments(t *testing.T) {
	for _, doc := range []string{
		"openapi: 3.0.3\ninfo: {title: x, version: '1'}\npaths:\n  /a/{b}{c}:\n    get:\n      responses: {'200': {description: ok}}\n",
		"openapi: 3.0.3\ninfo: {title: x}\npaths: {}\n",
		"{not yaml",
	} {
		if _, err := Parse([]byte(doc)); err == nil {
			t.Errorf("Parse accepted %q", doc)
		}
	}
}

func TestCheckRoutes(t *testing.T) {
	d := Load(t)
	rec := &recordingTB{TB: t}
	d.CheckRoutes(rec, d.Paths())
	if errs := rec.errors(); len(errs) != 0 {
		t.Fatalf("the document's own paths: %q", errs)
	}
	routes := append(slices.DeleteFunc(d.Paths(), func(r string) bool { return r == "GET /healthz" }), "GET /v1/secret")
	d.CheckRoutes(rec, routes)
	errs := rec.errors()
	if len(errs) != 2 || !strings.Contains(errs[0], "GET /v1/secret is served but not documented") ||
		!strings.Contains(errs[1], "GET /healthz is documented in openapi.yaml but not served") {
		t.Fatalf("CheckRoutes reported %q", errs)
	}
}

// streamDoc documents one event stream, as the alerts issue will.
const streamDoc = `openapi: 3.0.3
info: {title: stream, version: "1"}
paths:
  /v1/alerts/stream:
    get:
      parameters:
        - {name: Last-Event-ID, in: header, schema: {type: string}}
      responses:
        "200":
          description: events
          content:
            text/event-stream:
              schema: {type: string}
`

// TestEventStreamPassesThrough proves that an event stream reaches the
// caller event by event: the transport checks its status and headers but
// never waits for its end.
func TestEventStreamPassesThrough(t *testing.T) {
	d, err := Parse([]byte(streamDoc))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/event-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, "id: a-1\nevent: hit\ndata: {}\n\n")
		w.(http.Flusher).Flush()
		<-done // keep the stream open until the client has read the event
	}))
	defer srv.Close()
	defer close(done)
	rec := &recordingTB{TB: t}
	hc := &http.Client{Transport: d.Transport(rec, nil)}
	resp, err := hc.Get(srv.URL + "/v1/alerts/stream")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	buf := make([]byte, 64)
	n, err := io.ReadAtLeast(resp.Body, buf, len("id: a-1\n"))
	if err != nil || !strings.HasPrefix(string(buf[:n]), "id: a-1\n") {
		t.Fatalf("first event: %q, %v", buf[:n], err)
	}
	if errs := rec.errors(); len(errs) != 0 {
		t.Fatalf("a documented stream was reported: %q", errs)
	}
}

func TestCoverage(t *testing.T) {
	d, err := Parse(api.OpenAPI) // a private Doc: other tests do not count
	if err != nil {
		t.Fatal(err)
	}
	answers := d.Answers()
	for _, want := range []string{
		"GET /healthz 200",
		"POST /v1/searches 403 prohibited_purpose",
		"POST /v1/searches 422 pattern_too_broad",
		"POST /v1/reads 201",
		"POST /v1/auth/logout 204",
		"GET /tiles/{z}/{x}/{y}.png 404 not_found",
	} {
		if !slices.Contains(answers, want) {
			t.Errorf("Answers() lacks %q", want)
		}
	}
	if slices.Contains(answers, "POST /v1/searches 422 account_locked") {
		t.Error("Answers() lists a code the response does not allow")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/healthz" {
			_, _ = io.WriteString(w, `{"status":"ok","backend":"sqlite","database":"ok"}`)
			return
		}
		w.WriteHeader(http.StatusUnauthorized)
		_, _ = io.WriteString(w, `{"error":{"code":"token_expired","message":"Your session expired; sign in again."}}`)
	}))
	defer srv.Close()
	hc := &http.Client{Transport: d.Transport(t, nil)}
	for _, p := range []string{"/healthz", "/v1/me"} {
		resp, err := hc.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	seen, missing := d.Coverage()
	if !slices.Equal(seen, []string{"GET /healthz 200", "GET /v1/me 401 token_expired"}) {
		t.Errorf("seen = %q", seen)
	}
	if len(seen)+len(missing) != len(answers) || slices.Contains(missing, "GET /healthz 200") || !slices.Contains(missing, "GET /v1/me 200") {
		t.Errorf("missing = %q", missing)
	}
}
