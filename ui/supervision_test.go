package ui

import (
	"bytes"
	"encoding/csv"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"

	"alprdesk/api"
	"alprdesk/store/storetest"
	"alprdesk/ui/export"
)

// pdfPageCount validates a PDF file and counts its pages.
func pdfPageCount(t *testing.T, path string) int {
	t.Helper()
	pdfapi.DisableConfigDir()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := pdfapi.Validate(bytes.NewReader(b), nil); err != nil {
		t.Fatalf("%s does not validate: %v", path, err)
	}
	n, err := pdfapi.PageCount(bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// waitDone waits for an export's done callback.
func waitDone(t *testing.T, what string, start func(done func(error))) {
	t.Helper()
	var finished bool
	var err error
	start(func(e error) { finished, err = true, e })
	waitFor(t, what, func() bool { return finished })
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// auditCount counts the store's audit entries of an action.
func auditCount(t *testing.T, env *storetest.Env, action string) int {
	t.Helper()
	var p api.AuditPage
	env.Do(t, "GET", "/v1/audit?limit=500&action="+action, env.Login(t, "supervisor"), nil, http.StatusOK, &p)
	return len(p.Entries)
}

func TestSupervisorAuditHistoryReviewQueueAndExports(t *testing.T) {
	env := storetest.Start(t)
	ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Hour, 2*time.Hour)
	det, det2 := env.Login(t, "detective"), env.Login(t, "detective2")
	c := api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery", Purpose: goodPurpose}
	for _, tok := range []string{det, det, det2} {
		env.Do(t, "POST", "/v1/searches", tok, api.SearchRequest{CaseContext: c, Plate: "7ABC123"}, http.StatusOK, nil)
	}
	bad := c
	bad.Purpose = "locate the driver for an ICE deportation"
	env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: bad, Plate: "7ABC123"}, http.StatusForbidden, nil)

	a := newApp(t, env.URL, Config{})
	signIn(t, a, "supervisor", storetest.Password)
	m := a.Main()
	for _, n := range []string{screenAudit, screenReports, screenEvidence} {
		if !m.Screens().Has(n) {
			t.Fatalf("supervisor nav %v lacks %s", m.Screens().IDs(), n)
		}
	}
	// History: the team's (east) searches, newest first; detective2 is west.
	av := m.Audit()
	waitFor(t, "the audit entries", func() bool { return len(av.Entries()) > 0 })
	if n := len(av.Entries()); n != 3 || av.Entries()[0].Outcome != api.OutcomeRefused {
		t.Fatalf("team history: %d entries %+v", n, av.Entries())
	}
	av.Team.SetText("")
	av.Outcome.SetSelected(api.OutcomeAllowed)
	test.Tap(av.Apply)
	waitFor(t, "the filtered entries", func() bool { return len(av.Entries()) == 3 })
	av.Open(0)
	d := av.Detail.Text
	for _, want := range []string{"By: detective2 (detective)", "Why: report 26-012345 · Robbery", goodPurpose, "plate 7ABC123", "Results: 2"} {
		if !strings.Contains(d, want) {
			t.Fatalf("entry detail lacks %q:\n%s", want, d)
		}
	}
	av.From.SetText("yesterday")
	test.Tap(av.Apply)
	if !strings.Contains(av.Message(), "date") {
		t.Fatalf("bad date message %q", av.Message())
	}
	av.From.SetText("")

	// Audit CSV: recorded first, then written; it parses back.
	csvPath := filepath.Join(t.TempDir(), "audit.csv")
	waitDone(t, "the audit CSV", func(done func(error)) { av.ExportFile(csvPath, "26-012345", done) })
	f, err := os.Open(csvPath)
	if err != nil {
		t.Fatal(err)
	}
	entries, err := export.ReadAuditCSV(f)
	f.Close()
	if err != nil || len(entries) != 3 {
		t.Fatalf("audit CSV: %d entries, %v", len(entries), err)
	}
	if auditCount(t, env, "export") != 1 {
		t.Fatal("the audit CSV export was not recorded")
	}

	// The monthly sample as a review queue.
	q := av.Queue
	q.Size.SetText("10")
	test.Tap(q.Draw)
	waitFor(t, "the sample", func() bool { return q.Sample() != nil })
	if len(q.Sample().Entries) != 4 || !strings.Contains(q.Head.Text, "Chain head") {
		t.Fatalf("sample %+v, head %q", q.Sample(), q.Head.Text)
	}
	q.list.Select(0)
	q.Verdict.SetSelected("Needs follow-up")
	test.Tap(q.Record)
	if !strings.Contains(q.Message(), "at least 10 characters") {
		t.Fatalf("follow-up without a note: %q", q.Message())
	}
	q.Note.SetText("Ask for the RD narrative of this robbery.")
	test.Tap(q.Record)
	seq := q.Sample().Entries[0].Seq
	waitFor(t, "the review", func() bool { _, ok := q.Reviewed(seq); return ok })
	if r, _ := q.Reviewed(seq); r.Verdict != api.ReviewNeedsFollowUp || !strings.Contains(q.line(0), "Needs follow-up") {
		t.Fatalf("review %+v, line %q", r, q.line(0))
	}
	if auditCount(t, env, "audit_review") != 1 {
		t.Fatal("the review was not audited")
	}

	// Efficacy dashboard and its PDF.
	ev := m.Reports()
	waitFor(t, "the figures", func() bool { return ev.Figures() != nil })
	if ev.Figures().TotalSearches() != 3 || len(ev.charts.Objects) < 5 || !strings.Contains(ev.Summary.Text, "3 searches allowed, 1 search refused") {
		t.Fatalf("figures %+v, summary %q", ev.Figures(), ev.Summary.Text)
	}
	pdfPath := filepath.Join(t.TempDir(), "efficacy.pdf")
	waitDone(t, "the efficacy PDF", func(done func(error)) { ev.ExportFile(pdfPath, "26-012345", done) })
	if n := pdfPageCount(t, pdfPath); n < 2 {
		t.Fatalf("efficacy PDF has %d pages", n)
	}
	if auditCount(t, env, "export") != 2 {
		t.Fatal("the efficacy export was not recorded")
	}
	// An export the store refuses writes no file.
	noPath := filepath.Join(t.TempDir(), "refused.pdf")
	var err2 error
	done := false
	ev.ExportFile(noPath, "not a report", func(e error) { done, err2 = true, e })
	waitFor(t, "the refused export", func() bool { return done })
	if _, statErr := os.Stat(noPath); err2 == nil || statErr == nil || !strings.Contains(ev.Message(), "not exported") {
		t.Fatalf("refused export: %v, file %v, message %q", err2, statErr, ev.Message())
	}
}

func TestDetectiveEvidenceExportAndOutcome(t *testing.T) {
	env := storetest.Start(t)
	ids := ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Hour, 2*time.Hour, 3*time.Hour)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	if m.Screens().Has(screenAudit) || m.Screens().Has(screenReports) || m.Audit() != nil || m.Reports() != nil {
		t.Fatalf("a detective sees supervisor screens: %v", m.Screens().IDs())
	}
	v := m.Evidence()
	if v.PDF.Disabled() == false || !strings.Contains(v.Heading.Text, "Run a search first") {
		t.Fatalf("before a search: %q", v.Heading.Text)
	}
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	search(t, m, "7ABC123")
	m.Results.table.TypedRune('1') // confirm the newest read
	waitFor(t, "the verdict", func() bool { return m.Results.Rows()[0].Read.Verification != nil })
	v = m.Evidence()
	if len(v.rows) != 3 || !strings.Contains(v.Heading.Text, "26-012345") || v.PDF.Disabled() {
		t.Fatalf("evidence screen: %d rows, %q", len(v.rows), v.Heading.Text)
	}
	v.Select(ids[0], ids[1])

	csvPath := filepath.Join(t.TempDir(), "evidence.csv")
	waitDone(t, "the evidence CSV", func(done func(error)) { v.ExportFile(api.ExportEvidenceCSV, csvPath, done) })
	raw, _ := os.ReadFile(csvPath)
	if !bytes.HasPrefix(raw, []byte(export.BOM)) {
		t.Fatal("the evidence CSV does not start with the UTF-8 BOM")
	}
	recs, err := csv.NewReader(bytes.NewReader(raw[len(export.BOM):])).ReadAll()
	if err != nil || len(recs) != 3 || !slices.Equal(recs[0], export.EvidenceColumns) {
		t.Fatalf("evidence CSV %v %v", recs, err)
	}
	body := strings.Join(recs[1], ",") + strings.Join(recs[2], ",")
	if !strings.Contains(body, "UNVERIFIED") || !strings.Contains(body, "confirmed") {
		t.Fatalf("verification status not in the CSV: %v", recs[1:])
	}
	pdfPath := filepath.Join(t.TempDir(), "evidence.pdf")
	waitDone(t, "the evidence PDF", func(done func(error)) { v.ExportFile(api.ExportEvidencePDF, pdfPath, done) })
	if n := pdfPageCount(t, pdfPath); n < 3 {
		t.Fatalf("evidence PDF has %d pages", n)
	}
	if auditCount(t, env, "export") != 2 {
		t.Fatal("the evidence exports were not recorded")
	}
	// Nothing selected: nothing exported.
	v.Select()
	test.Tap(v.CSV)
	if !strings.Contains(v.Message(), "Select the reads") {
		t.Fatalf("empty selection: %q", v.Message())
	}

	// What the search led to.
	v.LedTo.SetSelected("Arrest")
	v.Note.SetText("suspect arrested at 98th Ave")
	test.Tap(v.Mark)
	waitFor(t, "the outcome", func() bool { return strings.Contains(v.Message(), "led to arrest") })
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=search_outcome", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || !strings.Contains(page.Entries[0].Query, `"outcome":"arrest"`) || page.Entries[0].Actor != "detective" {
		t.Fatalf("outcome audit %+v", page.Entries)
	}
}

// TestAuditSampleFromTheKeyboard: Next tab (Ctrl+PageDown) reaches the
// monthly review with the cursor in the month; Tab goes to the size and
// to Draw sample, which Space presses.
func TestAuditSampleFromTheKeyboard(t *testing.T) {
	_, a := supervisorAfterOneSearch(t)
	m := a.Main()
	q := m.Audit().Queue
	cv := a.Window().Canvas()
	var next *fyne.MenuItem
	for _, menu := range a.Window().MainMenu().Items {
		for _, it := range menu.Items {
			if it.Label == "Next tab" {
				next = it
			}
		}
	}
	if next == nil || next.Shortcut == nil || next.Shortcut.ShortcutName() != "CustomDesktop:Control+Next" {
		t.Fatalf("no Next tab item with Ctrl+PageDown: %+v", next)
	}
	next.Action()
	if cv.Focused() != q.Month {
		t.Fatalf("Next tab: focus on %T, want the month", cv.Focused())
	}
	test.FocusNext(cv)
	test.FocusNext(cv)
	if cv.Focused() != q.Draw {
		t.Fatalf("Tab twice from the month: focus on %T, want Draw sample", cv.Focused())
	}
	press(t, cv, fyne.KeySpace)
	waitFor(t, "the sample", func() bool { return q.Sample() != nil && len(q.Sample().Entries) == 1 })
}

// TestReportsNeedOnlyTheirDeps: the efficacy dashboard is built from the
// registry's Deps alone (session, runs, window, clock), not from the main
// screen, and loads its figures so.
func TestReportsNeedOnlyTheirDeps(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "supervisor", storetest.Password)
	rs := newRuns()
	t.Cleanup(rs.stop)
	v := newEfficacyView(Deps{Session: a.Session(), Runs: rs, Window: a.Window(), Now: time.Now})
	test.Tap(v.Load)
	waitFor(t, "the figures", func() bool { return v.Figures() != nil })
	if !strings.Contains(v.Summary.Text, "allowed") {
		t.Fatalf("summary %q", v.Summary.Text)
	}
}

// supervisorAfterOneSearch starts a store where the detective made one
// search of 7ABC123 (read once), and signs the supervisor in.
func supervisorAfterOneSearch(t *testing.T) (*storetest.Env, *App) {
	t.Helper()
	env := storetest.Start(t)
	ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Hour)
	c := api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery", Purpose: goodPurpose}
	env.Do(t, "POST", "/v1/searches", env.Login(t, "detective"), api.SearchRequest{CaseContext: c, Plate: "7ABC123"}, http.StatusOK, nil)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "supervisor", storetest.Password)
	return env, a
}
