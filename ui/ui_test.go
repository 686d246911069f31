package ui

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"image/png"
	"math"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/client"
	"alprdesk/store/demo"
	"alprdesk/store/storetest"
	"alprdesk/ui/session"
)

// uiQueue holds the UI updates of background work until the test's
// goroutine runs them (see uiDo): the test goroutine is the UI goroutine.
var uiQueue struct {
	sync.Mutex
	fns []func()
}

func init() {
	uiDo = func(fn func()) {
		uiQueue.Lock()
		uiQueue.fns = append(uiQueue.fns, fn)
		uiQueue.Unlock()
	}
}

// drain runs the queued UI updates.
func drain() {
	for {
		uiQueue.Lock()
		fns := uiQueue.fns
		uiQueue.fns = nil
		uiQueue.Unlock()
		if len(fns) == 0 {
			return
		}
		for _, fn := range fns {
			fn()
		}
	}
}

// waitFor runs the UI updates of background work until cond holds, or
// fails the test after 15 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		drain()
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatalf("timed out waiting for %s", what)
}

// newApp starts the workstation against the store at url with a fresh
// cache folder.
func newApp(t *testing.T, url string, cfg Config) *App {
	t.Helper()
	fa := test.NewTempApp(t)
	cfg.Connector = &session.ClientConnector{CacheDir: t.TempDir(), Workstation: "ui-test"}
	cfg.Server = url
	a := New(fa, cfg)
	a.Window().Resize(fyne.NewSize(1366, 740))
	t.Cleanup(func() {
		if a.main != nil {
			a.main.close()
		}
	})
	return a
}

// signIn signs in through the login screen.
func signIn(t *testing.T, a *App, user, password string) {
	t.Helper()
	l := a.Login()
	l.username.SetText(user)
	test.Type(l.password, password)
	test.Tap(l.signIn)
	waitFor(t, "the main screen", func() bool { return a.Main() != nil })
}

// setCase fills the case bar and presses Use this case.
func setCase(t *testing.T, m *MainScreen, report, category, purpose string) {
	t.Helper()
	m.Case.report.SetText(report)
	m.Case.category.SetSelected(categoryLabel(category))
	m.Case.purpose.SetText(purpose)
	test.Tap(m.Case.use)
}

const goodPurpose = "Armed robbery at 73rd Ave; suspect vehicle seen leaving westbound"

// plateJPEG draws a 640x360 photo with a white plate at box.
func plateJPEG(t *testing.T, box api.Box) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{60, 70, 90, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(box.X, box.Y, box.X+box.W, box.Y+box.H), image.NewUniform(color.White), image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// ingest puts reads of plate on the store at cam-1 (times ago, vehicles in turn).
func ingest(t *testing.T, env *storetest.Env, plate string, vehicles [][3]string, ago ...time.Duration) []string {
	t.Helper()
	var ids []string
	for i, d := range ago {
		id := "r-" + plate + "-" + string(rune('a'+i))
		ingestAt(t, env, id, plate, "cam-1", d, vehicles[i%len(vehicles)])
		ids = append(ids, id)
	}
	return ids
}

// ingestAt puts one read on the store.
func ingestAt(t *testing.T, env *storetest.Env, id, plate, cam string, ago time.Duration, v [3]string) {
	t.Helper()
	box := api.Box{X: 270, Y: 250, W: 100, H: 30}
	env.Ingest(t, api.ReadMeta{ID: id, CameraID: cam, CapturedAt: env.Clock.Now().Add(-ago).UTC().Truncate(time.Second),
		Plate: plate, State: "CA", Confidence: 0.9, Color: v[0], Make: v[1], BodyType: v[2], PlateBox: box}, plateJPEG(t, box))
}

func TestGateBlocksEverySearchUntilValidCase(t *testing.T) {
	env := storetest.Start(t)
	ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Hour)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	f := m.Form
	controls := []fyne.Disableable{f.plate, f.fuzzy, f.state, f.window, f.color, f.make, f.body, f.more, f.camBtn, f.search}
	closed := func(when string) {
		t.Helper()
		if f.Enabled() {
			t.Fatalf("%s: the search form is enabled", when)
		}
		for i, c := range controls {
			if !c.Disabled() {
				t.Fatalf("%s: control %d is enabled", when, i)
			}
		}
		if !f.gate.Visible() || !strings.Contains(f.gate.Text, "case") {
			t.Fatalf("%s: the form does not say why it is disabled: %q", when, f.gate.Text)
		}
		// Enter in the plate field and the Search button do nothing.
		f.onSubmit()
		test.Tap(f.search)
		if m.runs.busy(runSearch) || len(m.Results.Rows()) > 0 {
			t.Fatalf("%s: a search ran", when)
		}
	}
	closed("no case")
	cases := []struct {
		report, category, purpose, why string
	}{
		{"12345", "robbery", goodPurpose, "report number"},
		{"26-012345", "", goodPurpose, "category"},
		{"26-012345", "robbery", "", "purpose"},
		{"26-012345", "robbery", "investigation", "describe"},
		{"26-012345", "robbery", "follow up check", "says too little"},
	}
	for _, c := range cases {
		m.Case.report.SetText(c.report)
		m.Case.category.ClearSelected()
		if c.category != "" {
			m.Case.category.SetSelected(categoryLabel(c.category))
		}
		m.Case.purpose.SetText(c.purpose)
		if !m.Case.use.Disabled() {
			t.Fatalf("%+v: Use this case is enabled", c)
		}
		test.Tap(m.Case.use)
		if !strings.Contains(strings.ToLower(m.Case.msg.Text), c.why) {
			t.Errorf("%+v: the case bar says %q, want it to mention %q", c, m.Case.msg.Text, c.why)
		}
		closed(c.report + " " + c.purpose)
	}
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	if !f.Enabled() || f.search.Disabled() || f.plate.Disabled() {
		t.Fatal("a valid case did not open the search form")
	}
	// Changing the case closes the gate again.
	test.Tap(m.Case.change)
	closed("after Change case")
}

func TestProhibitedPurposeShowsRefusalInWords(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	// The workstation checks with the store's own policy as the user types.
	setCase(t, m, "26-012345", "other_felony", "Locate undocumented immigrants for ICE deportation")
	if m.Case.Active() != nil || m.Form.Enabled() {
		t.Fatal("a prohibited purpose was accepted")
	}
	if !strings.Contains(m.Case.msg.Text, "Not allowed: the purpose names \u201cundocumented\u201d") {
		t.Fatalf("case bar says %q", m.Case.msg.Text)
	}
	// The store refuses it too: with a policy copy that has lost its
	// prohibited terms (an agency that extended its list after the
	// workstation read it), the search reaches the store and the store's
	// refusal is shown in the case bar.
	m.Case.policy.ProhibitedTerms = nil
	setCase(t, m, "26-012345", "other_felony", "Locate undocumented immigrants for ICE deportation")
	if m.Case.Active() == nil {
		t.Fatalf("the loosened policy still refused: %q", m.Case.msg.Text)
	}
	m.Form.plate.SetText("7ABC123")
	m.Form.onSubmit()
	waitFor(t, "the store's refusal", func() bool { return m.Case.msg.Importance == widget.DangerImportance })
	got := m.Case.msg.Text
	if !strings.Contains(got, "The store refused this purpose") || m.Case.msg.Importance != widget.DangerImportance {
		t.Fatalf("case bar after the store's refusal: %q", got)
	}
	if strings.Contains(got, "prohibited_purpose") || m.Form.Enabled() {
		t.Fatalf("raw code shown or gate left open: %q", got)
	}
}

func TestTrainingRequiredShownInline(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "rookie", storetest.Password)
	m := a.Main()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	m.Form.plate.SetText("7ABC123")
	m.Form.onSubmit()
	waitFor(t, "the training refusal", func() bool { return strings.Contains(m.Case.msg.Text, "training") })
	if !strings.Contains(m.ResultMessage(), "no ALPR training on record") {
		t.Fatalf("results message %q", m.ResultMessage())
	}
}

func TestLoginErrorsInWords(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{})
	l := a.Login()
	l.username.SetText("detective")
	test.Type(l.password, "wrong-password")
	test.Tap(l.signIn)
	waitFor(t, "the wrong-password message", func() bool { return l.msg.Visible() })
	if !strings.Contains(l.msg.Text, "Wrong username or password") {
		t.Fatalf("wrong password: %q", l.msg.Text)
	}
	l.server.SetText("http://127.0.0.1:1")
	test.Type(l.password, "x")
	test.Tap(l.signIn)
	waitFor(t, "the unreachable message", func() bool { return strings.Contains(l.msg.Text, "Cannot reach the store at http://127.0.0.1:1") })
	l.server.SetText("http://alpr.example.gov")
	test.Type(l.password, "x")
	test.Tap(l.signIn)
	waitFor(t, "the insecure message", func() bool { return strings.Contains(l.msg.Text, "https://") })
	// A store whose certificate is not trusted.
	tlsStore := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsStore.Close()
	l.server.SetText(tlsStore.URL)
	test.Type(l.password, "x")
	test.Tap(l.signIn)
	waitFor(t, "the TLS message", func() bool { return strings.Contains(l.msg.Text, "certificate could not be verified") })
	// Five wrong passwords lock the account; the sixth attempt says so.
	l.server.SetText(env.URL)
	for i := 0; i < 6; i++ {
		l.msg.SetText("")
		test.Type(l.password, "wrong")
		test.Tap(l.signIn)
		waitFor(t, "an answer", func() bool { return l.msg.Text != "" })
	}
	if !strings.Contains(l.msg.Text, "This account is locked") {
		t.Fatalf("after six wrong passwords: %q", l.msg.Text)
	}
}

// search runs a plate search through the form and waits for its results.
func search(t *testing.T, m *MainScreen, plate string) {
	t.Helper()
	m.Form.plate.SetText(plate)
	m.Form.window.SetSelected(window30d)
	m.Form.onSubmit()
	waitFor(t, "the results of "+plate, func() bool { return !m.runs.busy(runSearch) && m.searchID != "" })
	if msg := m.ResultMessage(); msg != "" {
		t.Fatalf("search %s: %s", plate, msg)
	}
}

func TestSearchFillsTableAndVerdictReachesStore(t *testing.T) {
	env := storetest.Start(t)
	ids := ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Hour, 2*time.Hour, 3*time.Hour)
	ingest(t, env, "8XYZ999", [][3]string{{"blue", "Honda", "suv"}}, time.Hour)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	search(t, m, "7AB*")
	rows := m.Results.Rows()
	if len(rows) != len(ids) {
		t.Fatalf("%d rows, want %d", len(rows), len(ids))
	}
	if r, c := m.Results.Table().Length(); r != 3 || c != numCols {
		t.Fatalf("table length %d x %d", r, c)
	}
	if !strings.HasPrefix(m.Results.count.Text, "3 results") || !strings.Contains(m.Results.count.Text, "3 unverified") {
		t.Fatalf("count %q", m.Results.count.Text)
	}
	for _, r := range rows {
		if cellText(r, colStatus) != "UNVERIFIED" {
			t.Fatalf("status %q", cellText(r, colStatus))
		}
	}
	// Newest first; the first row is selected and its photo shown.
	if !rows[0].Read.CapturedAt.After(rows[1].Read.CapturedAt) || m.Results.Selected() != 0 {
		t.Fatal("results are not newest first with the first selected")
	}
	waitFor(t, "the photo", func() bool { return m.Photo.full != nil })
	if b := m.Photo.crop.Image.Bounds(); b.Dx() < 400 {
		t.Fatalf("plate crop is %v, want it enlarged", b)
	}
	// Key 1 confirms; Down moves on; the row updates.
	first := rows[0].Read.ID
	m.Results.table.TypedRune('1')
	waitFor(t, "the verdict", func() bool { return m.Results.Rows()[0].Read.Verification != nil })
	if cellText(m.Results.Rows()[0], colStatus) != "confirmed" {
		t.Fatalf("row status %q", cellText(m.Results.Rows()[0], colStatus))
	}
	m.Results.table.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if m.Results.Selected() != 1 {
		t.Fatalf("Down selected %d", m.Results.Selected())
	}
	// The verdict is on the store: another session sees it.
	cl, err := client.New(client.Config{BaseURL: env.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cl.Login(ctx, "detective2", storetest.Password); err != nil {
		t.Fatal(err)
	}
	resp, err := cl.Search(ctx, api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "26-012345",
		PurposeCategory: "robbery", Purpose: goodPurpose}, Plate: "7ABC123"})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range resp.Results {
		if r.ID == first {
			found = true
			if r.Verification == nil || r.Verification.Status != api.VerifyConfirmed || r.Verification.By != "detective" {
				t.Fatalf("store has verification %+v", r.Verification)
			}
		} else if r.Verification != nil {
			t.Fatalf("read %s verified too: %+v", r.ID, r.Verification)
		}
	}
	if !found {
		t.Fatal("the read is not on the store")
	}
	// The case is one click away among the recent cases.
	rc := m.Case.Recent()
	if len(rc) == 0 || rc[0].ReportNumber != "26-012345" || rc[0].Purpose != goodPurpose {
		t.Fatalf("recent cases %+v", rc)
	}
	test.Tap(m.Case.change)
	if m.Case.Active() != nil || !m.Case.Use(rc[0]) || !m.Form.Enabled() {
		t.Fatal("a recent case did not reopen the search")
	}
	// Sorting keeps the selection on the same read.
	sel := m.Results.Rows()[m.Results.Selected()].Read.ID
	m.Results.SortBy(colConf)
	if m.Results.Rows()[m.Results.Selected()].Read.ID != sel {
		t.Fatal("sorting lost the selection")
	}
}

func TestTimelineMarkersFollowProjection(t *testing.T) {
	env := storetest.Start(t)
	car := [3]string{"silver", "Toyota", "sedan"}
	ingestAt(t, env, "r-old", "7ABC123", "cam-1", 5*time.Hour, car)
	ingestAt(t, env, "r-new", "7ABC123", "cam-2", time.Hour, car)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	search(t, m, "7ABC123")
	m.showTimeline()
	tl := m.Timeline
	waitFor(t, "the map", func() bool { return tl.Map() != nil })
	mp := tl.Map()
	reads := tl.Reads()
	if len(reads) != 2 || len(mp.Points) != 2 || reads[0].ID != "r-old" || reads[1].ID != "r-new" {
		t.Fatalf("timeline has %d reads, %d points", len(reads), len(mp.Points))
	}
	// Web Mercator at the map's zoom: pixel offsets between the markers.
	world := 256 * math.Exp2(float64(mp.Zoom))
	px := func(lat, lon float64) (float64, float64) {
		s := math.Sin(lat * math.Pi / 180)
		return (lon + 180) / 360 * world, (0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)) * world
	}
	x0, y0 := px(reads[0].Camera.Lat, reads[0].Camera.Lon)
	x1, y1 := px(reads[1].Camera.Lat, reads[1].Camera.Lon)
	dx, dy := float64(mp.Points[1].X-mp.Points[0].X), float64(mp.Points[1].Y-mp.Points[0].Y)
	if math.Abs(dx-(x1-x0)) > 2 || math.Abs(dy-(y1-y0)) > 2 {
		t.Fatalf("marker offset (%v,%v), projection says (%v,%v)", dx, dy, x1-x0, y1-y0)
	}
	for i, p := range mp.Points {
		if !p.In(mp.Image.Bounds()) {
			t.Fatalf("marker %d at %v is off the image", i, p)
		}
	}
	// Export: recorded with the store first, then the PNG is written.
	path := filepath.Join(t.TempDir(), "timeline.png")
	var exportErr error
	done := false
	tl.ExportFile(path, func(err error) { exportErr, done = err, true })
	waitFor(t, "the export", func() bool { return done })
	if exportErr != nil {
		t.Fatal(exportErr)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(f)
	f.Close()
	if err != nil || img.Bounds() != mp.Image.Bounds() {
		t.Fatalf("exported PNG: %v", err)
	}
	sup, err := client.New(client.Config{BaseURL: env.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := sup.Login(ctx, "supervisor", storetest.Password); err != nil {
		t.Fatal(err)
	}
	page, err := sup.Audit(ctx, client.AuditQuery{ReportNumber: "26-012345"})
	if err != nil {
		t.Fatal(err)
	}
	recorded := false
	for _, e := range page.Entries {
		if strings.Contains(e.Action, "export") && strings.Contains(e.Query, "timeline_png") {
			recorded = true
		}
	}
	if !recorded {
		t.Fatalf("no timeline export in the audit trail: %+v", page.Entries)
	}
	// A click on marker 1 (the older read) opens its photo.
	tl.mapw.Resize(fyne.NewSize(mapW, mapH))
	pos := tl.mapw.MarkerPosition(0)
	tl.mapw.Tapped(&fyne.PointEvent{Position: pos})
	sel := m.Results.Rows()[m.Results.Selected()].Read.ID
	if sel != reads[0].ID || m.Photo.Row() == nil || m.Photo.Row().Read.ID != reads[0].ID {
		t.Fatalf("click on marker 1 selected %s, want %s", sel, reads[0].ID)
	}
}

// switchedPlate is the plate of the demo world's switched-plate exercise.
func switchedPlate(t *testing.T, seed int64, reads int) string {
	for _, e := range demo.New(demo.Options{Seed: seed, Reads: reads}).Exercises() {
		if e.ID == "switched-plate" {
			m := regexp.MustCompile(`plate ([A-Z0-9]+) \(CA\)`).FindStringSubmatch(e.Brief)
			if m != nil {
				return m[1]
			}
		}
	}
	t.Fatal("the demo world has no switched-plate exercise")
	return ""
}

func TestSwitchedPlateWarningForDemoWorld(t *testing.T) {
	const seed, reads = 7, 400
	env := storetest.StartDemo(t, seed, reads)
	plate := switchedPlate(t, seed, reads)
	a := newApp(t, env.URL, Config{Demo: true})
	signIn(t, a, "detective", "demo")
	m := a.Main()
	setCase(t, m, "21-040329", "homicide", "Vallejo homicide vehicle carries this plate; trace the gray Altima")
	search(t, m, plate)
	rows := m.Results.Rows()
	if len(rows) < 2 {
		t.Fatalf("%d reads of %s", len(rows), plate)
	}
	// The first row is selected: its warning names the other vehicle.
	if w := m.Photo.Warnings(); !strings.Contains(w, "Possible switched plate: "+plate+" is on a") {
		t.Fatalf("no switched-plate warning for %s: %q", plate, w)
	}
}

func TestIdleLockAndUnlock(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{IdleLock: 400 * time.Millisecond})
	signIn(t, a, "detective", storetest.Password)
	setCase(t, a.Main(), "26-012345", "robbery", goodPurpose)
	waitFor(t, "the lock screen", func() bool { return a.Lock() != nil })
	l := a.Lock()
	test.Type(l.password, "wrong")
	test.Tap(l.unlock)
	waitFor(t, "the refusal", func() bool { return l.msg.Visible() })
	if !strings.Contains(l.msg.Text, "Wrong username or password") {
		t.Fatalf("lock says %q", l.msg.Text)
	}
	a.idle.d = time.Hour
	test.Type(l.password, storetest.Password)
	test.Tap(l.unlock)
	waitFor(t, "the main screen", func() bool { return a.Lock() == nil && a.Main() != nil })
	if a.Main().Case.Active() != nil {
		t.Fatal("the case context survived the lock")
	}
}

func TestDemoBannerOnEveryScreen(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{Demo: true, DemoUsers: []DemoUser{{Username: "detective", Role: "detective"}}, DemoPassword: storetest.Password})
	banner := func(screen string) {
		t.Helper()
		if !strings.Contains(test.RenderObjectToMarkup(a.Window().Content()), "DEMO DATA — NOT REAL") {
			t.Fatalf("no demo banner on the %s screen", screen)
		}
	}
	banner("login")
	signIn(t, a, "detective", storetest.Password)
	banner("main")
	a.LockNow()
	banner("lock")
}

func TestCloneWarning(t *testing.T) {
	env := storetest.Start(t)
	car := [3]string{"silver", "Toyota", "sedan"}
	// cam-1 and cam-2 are about 8 km apart: 3 minutes is too short.
	ingestAt(t, env, "r-1", "7ABC123", "cam-1", 20*time.Minute, car)
	ingestAt(t, env, "r-2", "7ABC123", "cam-2", 17*time.Minute, car)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	search(t, m, "7ABC123")
	if w := m.Photo.Warnings(); !strings.Contains(w, "Possible clone") || strings.Contains(w, "switched") {
		t.Fatalf("warnings %q", w)
	}
}

func TestLockedSessionReopensLockedAfterRestart(t *testing.T) {
	env := storetest.Start(t)
	cl, err := client.New(client.Config{BaseURL: env.URL})
	if err != nil {
		t.Fatal(err)
	}
	k := client.NewKeyring(cl)
	if err := k.Available(); err != nil {
		if os.Getenv("ALPR_REQUIRE_KEYRING") != "" {
			t.Fatalf("ALPR_REQUIRE_KEYRING is set but no Secret Service answers: %v", err)
		}
		t.Skipf("no Secret Service keyring here (make test starts one): %v", err)
	}
	dir := t.TempDir()
	start := func() *App {
		fa := test.NewTempApp(t)
		a := New(fa, Config{Connector: &session.ClientConnector{CacheDir: dir, Workstation: "ui-test"}, Server: env.URL})
		t.Cleanup(func() {
			if a.main != nil {
				a.main.close()
			}
		})
		return a
	}
	a := start()
	signIn(t, a, "detective", storetest.Password)
	a.LockNow()
	waitFor(t, "the lock to reach the keyring", func() bool {
		s, err := k.Load("detective")
		return err == nil && s.Locked
	})
	// A restart (a new window on the same workstation) opens locked.
	b := start()
	waitFor(t, "the lock screen after the restart", func() bool { return b.Lock() != nil })
	if b.Main() != nil {
		t.Fatal("the restarted session skipped the lock")
	}
	test.Type(b.Lock().password, storetest.Password)
	test.Tap(b.Lock().unlock)
	waitFor(t, "the main screen after unlocking", func() bool { return b.Main() != nil && b.Lock() == nil })
	// Unlocked, a restart signs in from the keyring without the password.
	c := start()
	waitFor(t, "a sign-in from the keyring", func() bool { return c.Main() != nil })
	// Sign-out forgets the keyring entry.
	c.logout()
	waitFor(t, "the keyring entry to go", func() bool {
		_, err := k.Load("detective")
		return errors.Is(err, client.ErrNoSavedSession)
	})
}

// proxy forwards to the store and can be taken down and brought back on
// the same address: the network between workstation and store.
type proxy struct {
	addr   string
	target *url.URL
	srv    *http.Server
}

func startProxy(t *testing.T, target string) *proxy {
	u, err := url.Parse(target)
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{target: u}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p.addr = l.Addr().String()
	p.serve(l)
	t.Cleanup(p.down)
	return p
}

func (p *proxy) serve(l net.Listener) {
	p.srv = &http.Server{Handler: httputil.NewSingleHostReverseProxy(p.target)}
	go func() { _ = p.srv.Serve(l) }()
}

func (p *proxy) down() { _ = p.srv.Close() }

func (p *proxy) up(t *testing.T) {
	l, err := net.Listen("tcp", p.addr)
	if err != nil {
		t.Fatal(err)
	}
	p.serve(l)
}

func TestOfflineVerdictWaitsInOutboxThenReachesStore(t *testing.T) {
	env := storetest.Start(t)
	ingest(t, env, "7ABC123", [][3]string{{"silver", "Toyota", "sedan"}}, time.Hour)
	px := startProxy(t, env.URL)
	a := newApp(t, "http://"+px.addr, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	search(t, m, "7ABC123")
	waitFor(t, "the photo", func() bool { return m.Photo.full != nil })
	px.down()
	m.Results.table.TypedRune('4')
	waitFor(t, "the queued verdict", func() bool { return len(m.Results.Rows()) == 1 && m.Results.Rows()[0].Queued })
	if s := cellText(m.Results.Rows()[0], colStatus); !strings.Contains(s, "queued") {
		t.Fatalf("row says %q", s)
	}
	m.Status.Refresh()
	if !strings.Contains(m.Status.Text(), "OFFLINE") {
		t.Fatalf("status line %q", m.Status.Text())
	}
	// The store is back: the next call delivers the outbox.
	px.up(t)
	search(t, m, "7ABC123")
	cl, err := client.New(client.Config{BaseURL: env.URL})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := cl.Login(ctx, "detective2", storetest.Password); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the verdict on the store", func() bool {
		resp, err := cl.Search(ctx, api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "26-012345",
			PurposeCategory: "robbery", Purpose: goodPurpose}, Plate: "7ABC123"})
		return err == nil && len(resp.Results) == 1 && resp.Results[0].Verification != nil &&
			resp.Results[0].Verification.Status == api.VerifyUnreadable
	})
}

func TestTrainingExerciseFillsCase(t *testing.T) {
	env := storetest.StartDemo(t, 7, 400)
	a := newApp(t, env.URL, Config{Demo: true})
	signIn(t, a, "trainer", "demo")
	m := a.Main()
	m.showTraining()
	tv := m.Training
	waitFor(t, "the exercises", func() bool { return len(tv.Exercises()) > 0 })
	idx := -1
	for i, e := range tv.Exercises() {
		if e.ID == "switched-plate" {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatal("no switched-plate exercise")
	}
	tv.list.Select(idx)
	if !tv.answer.Visible() || !strings.Contains(tv.answer.Text, "Answer") {
		t.Fatal("a trainer does not see the answer")
	}
	test.Tap(tv.work)
	if m.Case.report.Text != "21-040329" || m.Case.draft().PurposeCategory != "homicide" {
		t.Fatalf("case bar holds %q / %q", m.Case.report.Text, m.Case.draft().PurposeCategory)
	}
	// The justification is the trainee's to write: the gate stays shut.
	if m.Case.Active() != nil || m.Form.Enabled() {
		t.Fatal("the exercise opened the gate without a justification")
	}
}
