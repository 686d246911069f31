package ui

import (
	"math"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"alprdesk/store/storetest"
)

func TestAreaCircleReachesStore(t *testing.T) {
	env := storetest.Start(t)
	blue := [3]string{"blue", "Honda", "suv"}
	ingestAt(t, env, "r-in", "7ABC123", "cam-2", 2*time.Hour, blue)
	ingestAt(t, env, "r-out", "8XYZ999", "cam-1", 3*time.Hour, blue)
	ingestAt(t, env, "r-silver", "5SIL555", "cam-2", time.Hour, [3]string{"silver", "Toyota", "sedan"})
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	f := m.Form
	waitFor(t, "the cameras", func() bool { return len(f.cameras) == 2 })
	if f.areaBtn.Disabled() {
		t.Fatal("Area… disabled with a valid case")
	}
	test.Tap(f.areaBtn)
	p := f.picker
	waitFor(t, "the area map", func() bool { return p != nil && p.base != nil })
	cam2 := f.cameras[0] // sorted by name: "Broadway & Grand Ave" first
	if cam2.ID != "cam-2" {
		t.Fatalf("first camera %s", cam2.ID)
	}
	// A click on cam-2's site sets the centre there (the map's projection, inverted).
	p.mapw.Resize(fyne.NewSize(areaW, areaH))
	x, y := p.proj.Point(cam2.Lat, cam2.Lon)
	p.mapw.Tapped(&fyne.PointEvent{Position: p.mapw.PositionOf(x, y)})
	p.radius.SetSelected("1 km")
	if p.center == nil || distanceM(p.center.Lat, p.center.Lon, cam2.Lat, cam2.Lon) > 3*p.proj.MetresPerPixel(cam2.Lat) {
		t.Fatalf("centre %+v, want cam-2 at %v,%v", p.center, cam2.Lat, cam2.Lon)
	}
	if !strings.Contains(p.info.Text, "1 camera inside: Broadway & Grand Ave") {
		t.Fatalf("info %q", p.info.Text)
	}
	// The circle is drawn: the pixel just inside its edge is the outline colour.
	rpx := 1000 / p.proj.MetresPerPixel(cam2.Lat)
	if r, g, b, _ := p.mapw.img.Image.At(int(math.Round(x+rpx-1.5)), int(math.Round(y))).RGBA(); r>>8 != 0x00 || g>>8 != 0x60 || b>>8 != 0xd0 {
		t.Fatalf("no outline at the circle's edge: %x %x %x", r>>8, g>>8, b>>8)
	}
	p.onApply()
	// cam-2 is at 37.8117, -122.2650: the click lands within a pixel of it
	if got := f.areaLabel.Text; !strings.HasPrefix(got, "Area: 1 km around 37.81, -122.2") || !f.areaRow.Visible() {
		t.Fatalf("area line %q (visible %v)", got, f.areaRow.Visible())
	}
	// An attribute search (no plate, 7 days, colour) within the circle.
	f.plate.SetText("")
	f.window.SetSelected(window7d)
	f.color.SetSelected(categoryLabel("blue"))
	req, err := f.Request()
	if err != nil || req.Area == nil || req.Area.RadiusM != 1000 || len(req.CameraIDs) != 0 {
		t.Fatalf("request %+v, %v", req, err)
	}
	f.onSubmit()
	waitFor(t, "the area results", func() bool { return !m.runs.busy(runSearch) && m.searchID != "" })
	if msg := m.ResultMessage(); msg != "" {
		t.Fatalf("area search: %s", msg)
	}
	rows := m.Results.Rows()
	if len(rows) != 1 || rows[0].Read.ID != "r-in" || rows[0].Read.Camera.ID != "cam-2" {
		t.Fatalf("area search gave %d rows: %+v", len(rows), rows)
	}
	// clear removes the area from the next search.
	f.SetArea(nil)
	if req, _ := f.Request(); req.Area != nil || f.areaRow.Visible() {
		t.Fatal("the area survived clear")
	}
}
