package main

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/transparency"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// distinct are the personal values of the test world: none may appear in
// the transparency report.
var distinct = struct {
	users, serials, plates, reports, texts []string
}{
	users:   []string{"quillonvex", "marrowdane", "sup_oriel", "appr_tenebra"},
	serials: []string{"QV-48213", "MD-90417", "SO-33719", "AT-62045"},
	plates:  []string{"QZX4817"},
	reports: []string{"26-938271", "26-938272", "26-938273"},
	texts: []string{"Ochre heron sighting near the wharf storage lot", "Velvet quarry robbery: saffron hatchback fled east",
		"Glimmerfen witness matched the driver", "Vantablack umbrella on the back seat", "Cobalt lantern review of this search",
		"Quillon Vex", "Marrow Dane"},
}

// transparencyWorld builds a store with distinctive users, a hotlist hit
// with a verdict and outcomes, searches allowed and refused, an audit
// sample and a non-compliant review.
func transparencyWorld(t *testing.T) *storetest.Env {
	t.Helper()
	env := storetest.StartWith(t, store.Config{HotlistEvery: -1})
	adm := env.Server.Admin("cli:test")
	for i, u := range distinct.users {
		role := []string{api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor, api.RoleApprover}[i]
		name := []string{"Quillon Vex", "Marrow Dane", "Oriel Sup", "Tenebra Appr"}[i]
		err := adm.AddUser(context.Background(), store.NewUser{Username: u, Role: role, Serial: distinct.serials[i], Name: name,
			Team: "east", Trained: storetest.TrainedOn, Password: storetest.Password, DesignatedBy: "memo"})
		if err != nil {
			t.Fatal(err)
		}
	}
	det, wc, sup, appr := env.Login(t, "quillonvex"), env.Login(t, "marrowdane"), env.Login(t, "sup_oriel"), env.Login(t, "appr_tenebra")
	var req api.HotlistRequest
	env.Do(t, "POST", "/v1/hotlist-requests", det, api.HotlistRequestBody{Plate: "QZX4817", State: "CA", ReportNumber: "26-938271",
		VehicleDescription: "silver Toyota Camry", Explanation: distinct.texts[0], List: api.ListAlert,
		RequesterName: "Quillon Vex", RequesterSerial: "QV-48213", Days: 10}, http.StatusCreated, &req)
	env.Do(t, "POST", "/v1/hotlist-requests/"+req.ID+"/decision", appr, api.DecisionRequest{Approve: true, Reason: "Open robbery case on file"},
		http.StatusOK, nil)
	env.Ingest(t, api.ReadMeta{ID: "tr-1", CameraID: "cam-1", CapturedAt: env.Clock.Now().Add(-time.Second), Plate: "QZX4817",
		State: "CA", Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan", PlateBox: api.Box{W: 10, H: 5}}, nil)
	var list api.AlertList
	env.Do(t, "GET", "/v1/alerts", wc, nil, http.StatusOK, &list)
	if len(list.Alerts) != 1 {
		t.Fatalf("alerts = %+v", list.Alerts)
	}
	al := list.Alerts[0].ID
	env.Do(t, "POST", "/v1/alerts/"+al+"/outcome", det, api.OutcomeRequest{Action: api.ActionStop, Note: distinct.texts[3], Reason: distinct.texts[2]},
		http.StatusOK, nil)
	env.Do(t, "POST", "/v1/reads/tr-1/verification", wc, api.VerificationRequest{AlertID: al, Status: api.VerifyConfirmed}, http.StatusOK, nil)
	env.Do(t, "POST", "/v1/alerts/"+al+"/outcome", wc, api.OutcomeRequest{Action: api.ActionArrest, Note: distinct.texts[3]}, http.StatusOK, nil)
	search := api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "26-938272", PurposeCategory: "robbery", Purpose: distinct.texts[1]},
		Plate: "QZX4817"}
	env.Do(t, "POST", "/v1/searches", det, search, http.StatusOK, nil)
	search.ReportNumber, search.Purpose = "26-938273", "just curious about my ex"
	env.Do(t, "POST", "/v1/searches", det, search, http.StatusForbidden, nil)
	var sample api.AuditSample
	env.Do(t, "POST", "/v1/audit/samples", sup, api.AuditSampleRequest{Month: env.Clock.Now().UTC().Format("2006-01"), Size: 5}, http.StatusOK, &sample)
	if len(sample.Entries) == 0 {
		t.Fatal("empty audit sample")
	}
	env.Do(t, "POST", "/v1/audit/reviews", sup, api.AuditReviewRequest{Seq: sample.Entries[0].Seq, Verdict: api.ReviewNonCompliant,
		Note: distinct.texts[4]}, http.StatusOK, nil)
	return env
}

// TestTransparencyReport writes the report with the command, checks it
// against the API's figures, renders index.html in headless Chromium and
// compares every figure of the page with transparency.json, and looks for
// every personal value of the world in all three.
func TestTransparencyReport(t *testing.T) {
	env := transparencyWorld(t)
	day := env.Clock.Now().UTC().Format(time.DateOnly)
	dir := filepath.Join(t.TempDir(), "report")
	if _, err := cli(t, "", "transparency", "--db", env.DBPath, "--out", dir, "--from", day, "--to", day); err != nil {
		t.Fatal(err)
	}
	jsonBytes, err := os.ReadFile(filepath.Join(dir, "transparency.json"))
	if err != nil {
		t.Fatal(err)
	}
	var got api.Transparency
	if err := json.Unmarshal(jsonBytes, &got); err != nil {
		t.Fatal(err)
	}
	var viaAPI api.Transparency
	env.Do(t, "GET", "/v1/reports/transparency?from="+day+"&to="+day, env.Login(t, "sup_oriel"), nil, http.StatusOK, &viaAPI)
	viaAPI.ChainHead = got.ChainHead // the API's own read of the report is appended after the command ran
	if !reflect.DeepEqual(got, viaAPI) {
		t.Fatalf("command and API differ:\n%+v\n%+v", got, viaAPI)
	}
	want := map[string]int{"reads_collected": got.ReadsCollected, "allowed": got.Searches.Allowed, "refused": got.Searches.Refused,
		"hits": got.Hits.ByList[api.ListAlert], "confirmed": got.Hits.Confirmed, "stop": got.Hits.Outcomes[api.ActionStop],
		"arrest": got.Hits.Outcomes[api.ActionArrest], "requests": got.Hotlists.Requests, "approved": got.Hotlists.Approved,
		"samples": got.Audits.Samples, "non_compliant": got.Audits.NonCompliant, "cameras": got.Cameras}
	for k, n := range want {
		if n < 1 {
			t.Errorf("%s = %d in %s", k, n, jsonBytes)
		}
	}
	if got.ChainHead.Seq == 0 || got.Searches.RefusedByReason[api.CodeProhibitedPurpose] != 1 {
		t.Errorf("report = %s", jsonBytes)
	}
	htmlBytes, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil {
		t.Fatal(err)
	}
	for _, external := range []string{"http://", "https://", "<script", "<link", "<img", "@import", "url("} {
		if strings.Contains(string(htmlBytes), external) {
			t.Errorf("index.html holds %q: it must be self-contained", external)
		}
	}
	dom := dumpDOM(t, filepath.Join(dir, "index.html"))
	checkFigures(t, jsonBytes, dom)
	for _, list := range [][]string{distinct.users, distinct.serials, distinct.plates, distinct.reports, distinct.texts} {
		for _, v := range list {
			for name, doc := range map[string]string{"transparency.json": string(jsonBytes), "index.html": string(htmlBytes), "the rendered page": dom} {
				if strings.Contains(strings.ToLower(doc), strings.ToLower(v)) {
					t.Errorf("%s holds the personal value %q", name, v)
				}
			}
		}
	}
}

// dumpDOM renders a page in headless Chromium and returns its DOM.
func dumpDOM(t *testing.T, page string) string {
	t.Helper()
	bin, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is needed to render the report (make deps-test installs it): %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--dump-dom", "file://"+page)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium --dump-dom: %v", err)
	}
	if !strings.Contains(string(out), "data-figure") {
		t.Fatalf("chromium rendered no figures: %.500s", out)
	}
	return string(out)
}

// figureRE finds a figure element of the page: its path, value and text.
var figureRE = regexp.MustCompile(`data-figure="([^"]+)" data-value="([^"]*)">([^<]*)<`)

// checkFigures compares every figure of transparency.json with the page's:
// each leaf of the JSON appears once as a data-figure with its value, and
// counts are shown as their value.
func checkFigures(t *testing.T, jsonBytes []byte, dom string) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(jsonBytes, &doc); err != nil {
		t.Fatal(err)
	}
	leaves := map[string]any{}
	flatten("", doc, leaves)
	shown := map[string][2]string{}
	for _, m := range figureRE.FindAllStringSubmatch(dom, -1) {
		if _, dup := shown[m[1]]; dup {
			t.Errorf("the figure %s appears twice", m[1])
		}
		shown[m[1]] = [2]string{m[2], m[3]}
	}
	for path, v := range leaves {
		s, ok := shown[path]
		if !ok {
			t.Errorf("the page lacks the figure %s (%v)", path, v)
			continue
		}
		switch v := v.(type) {
		case float64:
			n, err := strconv.ParseFloat(s[0], 64)
			if err != nil || n != v {
				t.Errorf("figure %s: page %q, json %v", path, s[0], v)
			}
			if path != "ocr_error_rate" && path != "chain_head.seq" && s[1] != transparency.FormatCount(int(v)) {
				t.Errorf("figure %s shows %q, want %s", path, s[1], transparency.FormatCount(int(v)))
			}
		case string:
			if s[0] != v {
				t.Errorf("figure %s: page %q, json %q", path, s[0], v)
			}
		}
	}
	for path := range shown {
		if _, ok := leaves[path]; !ok && !strings.HasPrefix(path, "hits.by_list.") && !strings.HasPrefix(path, "hits.outcomes.") {
			t.Errorf("the page shows %s, which transparency.json does not hold", path)
		}
	}
	if len(leaves) < 20 {
		t.Fatalf("only %d figures in the report", len(leaves))
	}
}

// flatten collects the leaves of a decoded JSON document by dotted path.
func flatten(prefix string, v any, out map[string]any) {
	if m, ok := v.(map[string]any); ok {
		for k, x := range m {
			p := k
			if prefix != "" {
				p = prefix + "." + k
			}
			flatten(p, x, out)
		}
		return
	}
	out[prefix] = v
}

// TestTransparencyBadPeriod: a period that ends before it starts or is
// longer than 400 days is refused with a sentence, by the command and the
// API.
func TestTransparencyBadPeriod(t *testing.T) {
	env := storetest.Start(t)
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--from", "2026-03-01", "--to", "2026-02-01"},
		{"--from", "2025-01-01", "--to", "2026-06-01"},
		{"--from", "March"},
	} {
		_, err := cli(t, "", append([]string{"transparency", "--db", env.DBPath, "--out", dir}, args...)...)
		if err == nil || !strings.Contains(err.Error(), "--") {
			t.Errorf("%v: err = %v", args, err)
		}
	}
	if _, err := cli(t, "", "transparency", "--db", env.DBPath); err == nil || !strings.Contains(err.Error(), "--out") {
		t.Errorf("no --out: %v", err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("a refused report wrote %d files", len(entries))
	}
	sup := env.Login(t, "supervisor")
	for _, q := range []string{"from=2026-03-01&to=2026-02-01", "from=2025-01-01&to=2026-06-01", "from=soon"} {
		var e api.ErrorResponse
		env.Do(t, "GET", "/v1/reports/transparency?"+q, sup, nil, http.StatusUnprocessableEntity, &e)
		if e.Error.Code != api.CodeInvalidField || e.Error.Message == "" {
			t.Errorf("%s: %+v", q, e)
		}
	}
	env.Do(t, "GET", "/v1/reports/transparency", env.Login(t, "detective"), nil, http.StatusForbidden, nil)
}
