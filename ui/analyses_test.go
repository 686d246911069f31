package ui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// openAnalyses selects the Analyses nav entry.
func openAnalyses(t *testing.T, m *MainScreen) *AnalysesView {
	t.Helper()
	if !m.Screens().Show(screenAnalyses) {
		t.Fatalf("no Analyses entry in %v", m.Screens().IDs())
	}
	if m.analyses == nil || m.Screens().Current() != screenAnalyses {
		t.Fatal("the Analyses screen is not shown")
	}
	return m.analyses
}

func TestAnalysesScreenCommonPlatesVerifyAndTimeline(t *testing.T) {
	env := storetest.Start(t)
	ingestAt(t, env, "x1", "7SCN111", "cam-1", time.Hour, [3]string{"silver", "Toyota", "sedan"})
	ingestAt(t, env, "x2", "7SCN111", "cam-2", 2*time.Hour, [3]string{"silver", "Toyota", "sedan"})
	ingestAt(t, env, "x3", "7ONE222", "cam-1", time.Hour, [3]string{"blue", "Honda", "suv"})
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	waitFor(t, "the cameras", func() bool { return len(m.Form.cameras) == 2 })
	v := openAnalyses(t, m)
	if !v.run.Disabled() {
		t.Fatal("Run analysis enabled without a case")
	}
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	if v.run.Disabled() {
		t.Fatal("Run analysis disabled under a valid case")
	}
	start := time.Now().Add(-3 * time.Hour).Local().Format(timeLayout)
	for _, s := range v.scenes {
		s.from.SetText(start)
		s.length.SetSelected("4 h")
	}
	v.scenes[0].setCameras([]string{"cam-1"})
	// Scene 2: a circle drawn on the map around cam-2.
	test.Tap(v.scenes[1].circle)
	p := v.scenes[1].picker
	waitFor(t, "the scene map", func() bool { return p != nil && p.base != nil })
	if got := p.radius.Options; !slices.Equal(got, []string{"250 m", "500 m", "1 km"}) {
		t.Fatalf("scene radii %v: a scene is at most 1 km", got)
	}
	cam2 := storetest.Cameras[1]
	p.mapw.Resize(fyne.NewSize(areaW, areaH))
	x, y := p.proj.Point(cam2.Lat, cam2.Lon)
	p.mapw.Tapped(&fyne.PointEvent{Position: p.mapw.PositionOf(x, y)})
	p.radius.SetSelected("500 m")
	p.onApply()
	if !strings.Contains(v.scenes[1].place.Text, "1 camera inside") {
		t.Fatalf("scene 2 place %q", v.scenes[1].place.Text)
	}
	test.Tap(v.run)
	waitFor(t, "the common plates", func() bool { return v.Items() > 0 || v.msg.Visible() })
	if v.Items() != 1 || v.items[0].plate != "7SCN111" || !strings.Contains(v.items[0].detail, "scenes 1, 2 of 2") {
		t.Fatalf("items %+v (msg %q)", v.items, v.msg.Text)
	}
	v.SelectPlate(0)
	if v.readCount() != 2 {
		t.Fatalf("%d reads listed", v.readCount())
	}
	waitFor(t, "the photo", func() bool { return v.photo.full != nil || v.photo.msg.Visible() })
	if v.photo.full == nil {
		t.Fatalf("photo: %q", v.photo.msg.Text)
	}
	test.Tap(v.photo.buttons[0])
	waitFor(t, "the verdict", func() bool { return v.photo.msg.Text != "Sending the verdict…" })
	if !strings.Contains(v.photo.msg.Text, "Verdict recorded") || v.items[0].reads[0].Verification == nil {
		t.Fatalf("verdict: %q", v.photo.msg.Text)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?limit=1&action=verification", env.Login(t, "supervisor"), nil, 200, &page)
	if len(page.Entries) != 1 || !strings.Contains(page.Entries[0].Query, v.analysisID) {
		t.Fatalf("verification audited as %+v", page.Entries)
	}
	test.Tap(v.timeline)
	waitFor(t, "the plate's timeline", func() bool { return m.Screens().Current() == screenTimeline })
}

func TestAnalysesScreenConvoyNoticeAndGate(t *testing.T) {
	env := storetest.Start(t)
	ingestAt(t, env, "y1", "7TGT333", "cam-1", time.Hour, [3]string{"silver", "Toyota", "sedan"})
	for _, user := range []string{"detective", "watch_commander"} {
		a := newApp(t, env.URL, Config{})
		signIn(t, a, user, storetest.Password)
		m := a.Main()
		setCase(t, m, "26-012345", "robbery", goodPurpose)
		v := openAnalyses(t, m)
		v.kind.SetSelected(kindConvoy)
		if v.forms.Objects[0] != v.convoy {
			t.Fatal("the convoy form is not shown")
		}
		v.plate.SetText("7tgt333")
		test.Tap(v.run)
		waitFor(t, "the convoy answer", func() bool { return v.Items() > 0 || v.msg.Visible() })
		if user == "watch_commander" {
			if v.Items() != 0 || !strings.Contains(v.msg.Text, "not permitted") || v.notice.Visible() {
				t.Fatalf("watch commander: items %d, msg %q", v.Items(), v.msg.Text)
			}
			continue
		}
		if !v.notice.Visible() || !strings.HasPrefix(v.notice.Text, "Co-travel is not evidence of association") {
			t.Fatal("no co-travel notice above the results")
		}
		if v.Items() != 1 || v.items[0].plate != "7TGT333" || len(v.items[0].reads) != 1 {
			t.Fatalf("items %+v", v.items)
		}
	}
}

// runSceneAnalysis runs a common-plates analysis of two camera scenes
// (cam-1, cam-2; the last 4 hours each) on the Analyses screen.
func runSceneAnalysis(t *testing.T, m *MainScreen) *AnalysesView {
	t.Helper()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	v := openAnalyses(t, m)
	start := time.Now().Add(-3 * time.Hour).Local().Format(timeLayout)
	for i, s := range v.scenes {
		s.from.SetText(start)
		s.length.SetSelected("4 h")
		s.setCameras([]string{storetest.Cameras[i].ID})
	}
	test.Tap(v.run)
	waitFor(t, "the common plates", func() bool { return v.Items() > 0 || v.msg.Visible() })
	if v.Items() != 1 {
		t.Fatalf("items %+v (msg %q)", v.items, v.msg.Text)
	}
	return v
}

// twoSceneWorld starts a store where plate was read at cam-1 an hour ago
// and at cam-2 two hours ago, and signs the detective in.
func twoSceneWorld(t *testing.T, plate string) (*storetest.Env, *App) {
	t.Helper()
	env := storetest.Start(t)
	ingestAt(t, env, plate+"-1", plate, "cam-1", time.Hour, [3]string{"silver", "Toyota", "sedan"})
	ingestAt(t, env, plate+"-2", plate, "cam-2", 2*time.Hour, [3]string{"silver", "Toyota", "sedan"})
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	waitFor(t, "the cameras", func() bool { return len(a.Main().Form.cameras) == 2 })
	return env, a
}

// auditOf is the newest audit entry of an action.
func auditOf(t *testing.T, env *storetest.Env, action string) api.AuditEntry {
	t.Helper()
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?limit=1&action="+action, env.Login(t, "supervisor"), nil, 200, &page)
	if len(page.Entries) != 1 {
		t.Fatalf("no %s audit entry", action)
	}
	return page.Entries[0]
}

// awaitDone waits (running the UI queue) for a retain or export to answer
// and returns its error.
func awaitDone(t *testing.T, what string, start func(done func(error))) error {
	t.Helper()
	var finished bool
	var err error
	start(func(e error) { finished, err = true, e })
	waitFor(t, what, func() bool { return finished })
	return err
}

func TestAnalysesScreenRetainAndExport(t *testing.T) {
	env, a := twoSceneWorld(t, "7KEP111")
	m := a.Main()
	v := runSceneAnalysis(t, m)
	if !v.retain.Disabled() || !v.exportCSV.Disabled() || !v.exportPDF.Disabled() {
		t.Fatal("retain or export enabled before a plate and a read are selected")
	}
	v.SelectPlate(0)
	if v.retain.Disabled() || v.exportCSV.Disabled() || v.exportPDF.Disabled() {
		t.Fatal("retain or export disabled with a read selected")
	}
	read := v.selectedRead().ID

	// Bad input: the store refuses a short reason, and the screen says so.
	if err := awaitDone(t, "short retain", func(done func(error)) { v.RetainRead(api.RetainLegalObligation, "court", done) }); err == nil ||
		!strings.HasPrefix(v.Message(), "The read was not retained: ") || !strings.Contains(v.Message(), "reason") {
		t.Fatalf("short reason: %v, message %q", err, v.Message())
	}
	if err := awaitDone(t, "retain", func(done func(error)) {
		v.RetainRead(api.RetainCriminalInvestigation, "Seen at both robbery scenes; kept for the case", done)
	}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(v.Message(), "retained for case 26-012345") || v.msg.Importance != widget.DangerImportance {
		t.Fatalf("retain message %q", v.Message())
	}
	ret := auditOf(t, env, "retain")
	if ret.ReportNumber != "26-012345" || !strings.Contains(ret.Query, v.analysisID) || !strings.Contains(ret.Query, read) {
		t.Fatalf("retain audited as %+v", ret)
	}

	for _, kind := range []string{api.ExportEvidenceCSV, api.ExportEvidencePDF} {
		path := filepath.Join(t.TempDir(), "packet."+kind)
		if err := awaitDone(t, kind, func(done func(error)) { v.ExportPlate(kind, path, done) }); err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		x := auditOf(t, env, "export")
		if !strings.Contains(x.Query, v.analysisID) || !strings.Contains(x.Query, kind) || x.ResultCount != 2 {
			t.Fatalf("%s audited as %+v", kind, x)
		}
		b, err := os.ReadFile(path)
		if err != nil || len(b) == 0 {
			t.Fatalf("%s: %d bytes, %v", kind, len(b), err)
		}
		if kind == api.ExportEvidenceCSV && !strings.Contains(string(b), "7KEP111") {
			t.Fatalf("the CSV lacks the plate:\n%s", b)
		}
		if !strings.Contains(v.Message(), "Exported 2 reads of 7KEP111") {
			t.Fatalf("%s message %q", kind, v.Message())
		}
	}

	// A new run clears the results: nothing is left to retain or export.
	v.kind.SetSelected(kindConvoy)
	if !v.retain.Disabled() || !v.exportCSV.Disabled() || v.selectedRead() != nil {
		t.Fatal("retain or export still enabled after the results were cleared")
	}
}

func TestAnalysesScreenFromTheKeyboard(t *testing.T) {
	_, a := twoSceneWorld(t, "7KBD111")
	m := a.Main()
	c := a.win.Canvas()
	v := openAnalyses(t, m)
	if c.Focused() != m.Case.report {
		t.Fatalf("without a case the cursor is in %T, not the case's report number", c.Focused())
	}
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	m.Screens().Show(screenAnalyses)
	if c.Focused() != v.scenes[0].from {
		t.Fatalf("under a case the cursor is in %T, not scene 1's start", c.Focused())
	}
	start := time.Now().Add(-3 * time.Hour).Local().Format(timeLayout)
	for i, s := range v.scenes {
		s.from.SetText(start)
		s.length.SetSelected("4 h")
		test.Tap(s.cams)
		if c.Focused() != s.filter {
			t.Fatalf("scene %d: the camera dialog opens with the cursor in %T", i+1, c.Focused())
		}
		test.Type(s.filter, "nowhere")
		s.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if len(s.cameraIDs) != 0 {
			t.Fatalf("scene %d: cameras %v from a filter that matches none", i+1, s.cameraIDs)
		}
		s.filter.SetText("")
		test.Type(s.filter, strings.ToUpper(storetest.Cameras[i].Name[:10]))
		s.filter.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
		if !slices.Equal(s.cameraIDs, []string{storetest.Cameras[i].ID}) || !strings.Contains(s.place.Text, storetest.Cameras[i].Name) {
			t.Fatalf("scene %d: cameras %v, place %q", i+1, s.cameraIDs, s.place.Text)
		}
	}
	// Enter in a scene's start runs the analysis; the results take the cursor.
	v.scenes[1].from.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	waitFor(t, "the common plates", func() bool { return v.Items() > 0 || v.msg.Visible() })
	if v.Items() != 1 || c.Focused() != v.plates {
		t.Fatalf("items %d (msg %q), cursor in %T", v.Items(), v.msg.Text, c.Focused())
	}
}
