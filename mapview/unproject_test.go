package mapview

import (
	"context"
	"image"
	"math"
	"testing"
	"time"
)

func TestFrameMatchesRenderAndInverts(t *testing.T) {
	at := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	s := []Sighting{
		{ReadID: "a", Lat: 37.7662, Lon: -122.1818, At: at},
		{ReadID: "b", Lat: 37.8117, Lon: -122.2650, At: at.Add(time.Hour)},
		{ReadID: "c", Lat: 37.8044, Lon: -122.2712, At: at.Add(2 * time.Hour)},
	}
	opt := Options{Width: 640, Height: 480}
	m, err := Render(context.Background(), opt, s)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Frame(opt, s)
	if err != nil {
		t.Fatal(err)
	}
	if p.Zoom != m.Zoom || p.Width != 640 || p.Height != 480 {
		t.Fatalf("frame %+v, map zoom %d", p, m.Zoom)
	}
	for i, x := range s {
		px, py := p.Point(x.Lat, x.Lon)
		if math.Abs(px-float64(m.Points[i].X)) > 1 || math.Abs(py-float64(m.Points[i].Y)) > 1 {
			t.Fatalf("sighting %d: frame says (%.1f,%.1f), marker at %v", i, px, py, m.Points[i])
		}
		lat, lon := p.LatLon(m.Points[i])
		// one pixel at this zoom is a few metres: well under 1e-3 degrees
		if math.Abs(lat-x.Lat) > 1e-3 || math.Abs(lon-x.Lon) > 1e-3 {
			t.Fatalf("sighting %d: pixel %v maps back to %.5f,%.5f, want %.5f,%.5f", i, m.Points[i], lat, lon, x.Lat, x.Lon)
		}
	}
	// The image centre is the frame's centre; metres per pixel follow the zoom.
	if lat, lon := p.LatLon(image.Pt(320, 240)); math.Abs(lat-p.CenterLat) > 1e-9 || math.Abs(lon-p.CenterLon) > 1e-9 {
		t.Fatalf("centre pixel maps to %v,%v", lat, lon)
	}
	want := 156543.03392 * math.Cos(37.8*math.Pi/180) / math.Exp2(float64(p.Zoom))
	if got := p.MetresPerPixel(37.8); math.Abs(got-want)/want > 1e-6 {
		t.Fatalf("metres per pixel %v, want %v", got, want)
	}
	if _, err := Frame(opt, nil); err != ErrNoSightings {
		t.Fatalf("empty frame: %v", err)
	}
}

func TestRenderSitesFollowsFrame(t *testing.T) {
	sites := []Site{{Lat: 37.7662, Lon: -122.1818, Label: "International Blvd & 73rd Ave"}, {Lat: 37.8117, Lon: -122.2650, Label: "Broadway & Grand Ave"}}
	opt := Options{Width: 640, Height: 460, TileURL: "http://127.0.0.1:1/tiles/%d/%d/%d.png"}
	m, err := RenderSites(context.Background(), opt, sites)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Frame(opt, SiteSightings(sites))
	if err != nil {
		t.Fatal(err)
	}
	if m.Zoom != p.Zoom || m.Attribution != DefaultAttribution || m.TilesMissing == 0 {
		t.Fatalf("zoom %d/%d, attribution %q, missing %d", m.Zoom, p.Zoom, m.Attribution, m.TilesMissing)
	}
	for i, s := range sites {
		x, y := p.Point(s.Lat, s.Lon)
		if math.Abs(x-float64(m.Points[i].X)) > 1 || math.Abs(y-float64(m.Points[i].Y)) > 1 || m.Hit(m.Points[i], 0) != i {
			t.Fatalf("site %d at %v, frame says %.1f,%.1f", i, m.Points[i], x, y)
		}
		// the dot is drawn: white centre
		if r, g, b, _ := m.Image.At(m.Points[i].X, m.Points[i].Y).RGBA(); r>>8 != 0xff || g>>8 != 0xff || b>>8 != 0xff {
			t.Fatalf("no dot at site %d", i)
		}
	}
	if _, err := RenderSites(context.Background(), opt, nil); err != ErrNoSightings {
		t.Fatalf("no sites: %v", err)
	}
}
