package ui

import (
	"bytes"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"alprdesk/api"
	"alprdesk/ui/uitest"
)

// Tests that overlap actions on purpose, against the in-memory session of
// ui/uitest: a held call lets the test act while it is in flight.

// fakeApp signs sess's user in to a workstation over the fake connector
// and sets a valid case.
func fakeApp(t *testing.T, sess *uitest.Session) *App {
	t.Helper()
	a := fakeAppNoCase(t, sess)
	if m := a.Main(); m.Case != nil {
		setCase(t, m, "26-012345", "robbery", goodPurpose)
	}
	return a
}

// fakeAppNoCase signs sess's user in over the fake connector and leaves the
// case bar empty.
func fakeAppNoCase(t *testing.T, sess *uitest.Session) *App {
	t.Helper()
	fa := test.NewTempApp(t)
	a := New(fa, Config{Connector: uitest.NewConnector(sess), Server: "https://uitest.example"})
	a.Window().Resize(fyne.NewSize(1366, 740))
	t.Cleanup(func() {
		if a.main != nil {
			a.main.close()
		}
		drain()
	})
	signIn(t, a, sess.User().Username, uitest.Password)
	return a
}

func detectiveSession() *uitest.Session {
	return uitest.NewSession(api.User{Username: "detective", DisplayName: "Det. Test", Role: api.RoleDetective})
}

// Bug: a second search while the first ran showed "Search cancelled.",
// hid the progress and merged the first's answer into the second's table.
func TestSecondSearchSupersedesTheFirst(t *testing.T) {
	sess := detectiveSession()
	sess.AddReads(uitest.Read("a1", "7AAA111", "cam-1", time.Hour), uitest.Read("b1", "7BBB222", "cam-2", 2*time.Hour))
	a := fakeApp(t, sess)
	m := a.Main()
	g := sess.Hold("Search")
	m.Form.plate.SetText("7AAA111")
	m.Form.onSubmit()
	g.Wait(t, 1)
	m.Form.plate.SetText("7BBB222")
	m.Form.onSubmit()
	g.Wait(t, 2)
	g.Release()
	waitFor(t, "the second search's answer", func() bool { return m.searchID != "" })
	drain()
	if msg := m.ResultMessage(); msg != "" {
		t.Fatalf("message after two searches: %q", msg)
	}
	rows := m.Results.Rows()
	if len(rows) != 1 || rows[0].Read.ID != "b1" || !strings.HasPrefix(m.searchID, "srch-7bbb222") {
		t.Fatalf("results %v, search %s: want only the second search's", rowIDs(rows), m.searchID)
	}
	if m.runs.busy(runSearch) {
		t.Fatal("the search still shows as running")
	}
}

// While the second search runs, the first's answer changes nothing.
func TestFirstAnswerIsDroppedWhileTheSecondRuns(t *testing.T) {
	sess := detectiveSession()
	sess.AddReads(uitest.Read("a1", "7AAA111", "cam-1", time.Hour))
	a := fakeApp(t, sess)
	m := a.Main()
	g := sess.Hold("Search")
	m.Form.plate.SetText("7AAA111")
	m.Form.onSubmit()
	g.Wait(t, 1)
	m.Form.plate.SetText("7BBB222")
	m.Form.onSubmit() // cancels the first: its held call returns at once
	time.Sleep(50 * time.Millisecond)
	drain()
	if msg := m.ResultMessage(); msg != "" || !m.runs.busy(runSearch) || len(m.Results.Rows()) != 0 {
		t.Fatalf("while the second runs: message %q, busy %v, rows %v", msg, m.runs.busy(runSearch), rowIDs(m.Results.Rows()))
	}
	g.Release()
	waitFor(t, "the second answer", func() bool { return !m.runs.busy(runSearch) })
}

func rowIDs(rows []Row) []string {
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.Read.ID)
	}
	return ids
}

// Bug: the timeline PNG export read the view from its goroutine: opening
// another plate meanwhile recorded plate A's reads with plate B's map.
func TestTimelineExportKeepsItsPlate(t *testing.T) {
	sess := detectiveSession()
	sess.AddReads(uitest.Read("a1", "7ABA111", "cam-1", time.Hour), uitest.Read("a2", "7ABA111", "cam-2", 3*time.Hour),
		uitest.Read("b1", "7ABB222", "cam-2", 2*time.Hour))
	a := fakeApp(t, sess)
	m := a.Main()
	m.Form.plate.SetText("7AB*")
	m.Form.onSubmit()
	waitFor(t, "the results", func() bool { return len(m.Results.Rows()) == 3 })
	openTimeline := func(plate string) {
		t.Helper()
		for i, r := range m.Results.Rows() {
			if r.Read.Plate == plate {
				m.Results.Select(i)
				break
			}
		}
		rendered := false
		m.Timeline.OnRendered = func() { rendered = true }
		m.showTimeline()
		waitFor(t, "the timeline of "+plate, func() bool { return rendered })
	}
	openTimeline("7ABA111")
	var want bytes.Buffer
	if err := png.Encode(&want, m.Timeline.Map().Image); err != nil {
		t.Fatal(err)
	}
	g := sess.Hold("Export")
	path := filepath.Join(t.TempDir(), "a.png")
	var done, exported bool
	var exportErr error
	m.Timeline.ExportFile(path, func(err error) { done, exportErr = true, err })
	g.Wait(t, 1)
	openTimeline("7ABB222")
	g.Release()
	waitFor(t, "the export", func() bool { return done })
	exported = exportErr == nil
	if !exported {
		t.Fatalf("export: %v", exportErr)
	}
	calls := sess.Calls("Export")
	req := calls[0].(api.ExportRequest)
	if got := slices.Sorted(slices.Values(req.ReadIDs)); !slices.Equal(got, []string{"a1", "a2"}) {
		t.Fatalf("the export recorded %v, want plate A's reads", got)
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want.Bytes()) {
		t.Fatal("the PNG is not plate A's map")
	}
}

// An export asked for before the new plate's map is drawn does not pair
// the new reads with the old map.
func TestTimelineExportWaitsForTheNewMap(t *testing.T) {
	sess := detectiveSession()
	sess.AddReads(uitest.Read("a1", "7ABA111", "cam-1", time.Hour), uitest.Read("b1", "7ABB222", "cam-2", 2*time.Hour))
	a := fakeApp(t, sess)
	m := a.Main()
	m.Form.plate.SetText("7AB*")
	m.Form.onSubmit()
	waitFor(t, "the results", func() bool { return len(m.Results.Rows()) == 2 })
	m.Results.Select(0)
	m.showTimeline()
	waitFor(t, "the first map", func() bool { return m.Timeline.Map() != nil })
	m.Results.Select(1)
	m.showTimeline() // the second map is not drawn yet: nothing is drained
	var done bool
	var exportErr error
	m.Timeline.ExportFile(filepath.Join(t.TempDir(), "x.png"), func(err error) { done, exportErr = true, err })
	waitFor(t, "the export's answer", func() bool { return done })
	if exportErr == nil && len(sess.Calls("Export")) > 0 {
		req := sess.Calls("Export")[0].(api.ExportRequest)
		if len(req.ReadIDs) != 1 || req.ReadIDs[0] != m.Timeline.Reads()[0].ID {
			t.Fatalf("export of %v with the map of another plate", req.ReadIDs)
		}
	}
}

// Bug: signing out while an unlock was in flight panicked (nil main screen).
func TestSignOutDuringUnlock(t *testing.T) {
	sess := detectiveSession()
	a := fakeApp(t, sess)
	a.LockNow()
	waitFor(t, "the lock screen", func() bool { return a.Lock() != nil && sess.Locked() })
	l := a.Lock()
	g := sess.Hold("Unlock")
	test.Type(l.password, uitest.Password)
	l.onUnlock()
	g.Wait(t, 1)
	job := l.runs.latest["lock.unlock"]
	if job == nil {
		t.Fatal("the unlock is not sent through the lock screen's runs")
	}
	a.logout()
	g.Release()
	settle(t, job) // the unlock's answer is back: applied or dropped
	if l.runs.busy("lock.policy") {
		t.Fatal("the dropped unlock still went on to read the policy")
	}
	if a.Login() == nil || a.Main() != nil || a.Lock() != nil {
		t.Fatalf("after sign-out during unlock: login %v main %v lock %v", a.Login() != nil, a.Main() != nil, a.Lock() != nil)
	}
	waitFor(t, "the logout", sess.LoggedOut)
}

// A photo that arrives after the session locked is not shown, and the
// photo panel no longer shows the read.
func TestLockDuringPhotoLoad(t *testing.T) {
	sess := detectiveSession()
	sess.AddReads(uitest.Read("a1", "7AAA111", "cam-1", time.Hour))
	a := fakeApp(t, sess)
	m := a.Main()
	g := sess.Hold("Photo")
	m.Form.plate.SetText("7AAA111")
	m.Form.onSubmit()
	waitFor(t, "the results", func() bool { return len(m.Results.Rows()) == 1 })
	g.Wait(t, 1) // the first row's photo is on its way
	a.LockNow()
	g.Release()
	time.Sleep(50 * time.Millisecond)
	drain()
	if m.Photo.full != nil || m.Photo.Row() != nil {
		t.Fatal("the photo panel shows a read while the session is locked")
	}
	test.Type(a.Lock().password, uitest.Password)
	a.Lock().onUnlock()
	waitFor(t, "the main screen", func() bool { return a.Lock() == nil })
	if m.Photo.full != nil {
		t.Fatal("a photo from before the lock came back after the unlock")
	}
}

// The network goes down between two pages: the first page stays, the
// failure is said in words, and More works once the network is back.
func TestNetworkDownMidPage(t *testing.T) {
	sess := detectiveSession()
	for i := range 5 {
		sess.AddReads(uitest.Read("r"+string(rune('0'+i)), "7AAA111", "cam-1", time.Duration(i+1)*time.Hour))
	}
	sess.SetPageSize(2)
	a := fakeApp(t, sess)
	m := a.Main()
	m.Form.plate.SetText("7AAA111")
	m.Form.onSubmit()
	waitFor(t, "the first page", func() bool { return len(m.Results.Rows()) == 2 && !m.runs.busy(runSearch) })
	sess.SetOffline(true)
	m.onMore()
	waitFor(t, "the offline answer", func() bool { return !m.runs.busy(runSearch) })
	if msg := m.ResultMessage(); !strings.Contains(msg, "Cannot reach the store") || len(m.Results.Rows()) != 2 {
		t.Fatalf("offline page: message %q, %d rows", msg, len(m.Results.Rows()))
	}
	sess.SetOffline(false)
	m.onMore()
	waitFor(t, "the second page", func() bool { return len(m.Results.Rows()) == 4 && !m.runs.busy(runSearch) })
}

// Photos are decoded off the UI goroutine: the panel receives an image.
func TestPhotoDecodedOffTheUIGoroutine(t *testing.T) {
	ph, err := decodePhoto(uitest.PlateJPEG(api.Box{X: 10, Y: 10, W: 100, H: 30}), api.Box{X: 10, Y: 10, W: 100, H: 30}, nil)
	if err != nil || ph.full == nil || ph.crop == nil || ph.full.Bounds() != image.Rect(0, 0, 640, 360) {
		t.Fatalf("decodePhoto = %v, %v", ph, err)
	}
	if _, err := decodePhoto([]byte("not a jpeg"), api.Box{}, nil); err == nil || !strings.Contains(Words(err), "damaged") {
		t.Fatalf("a damaged photo: %v", err)
	}
}
