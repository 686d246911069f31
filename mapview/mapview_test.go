package mapview

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"alprdesk/store/tiles"
)

var t0 = time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)

// spread returns n sightings around downtown Oakland, well apart, given
// out of time order (every third one is moved to the end).
func spread(n int) []Sighting {
	var s, late []Sighting
	for i := range n {
		x := Sighting{
			ReadID: "r" + strconv.Itoa(i),
			Lat:    37.78 + 0.01*float64(i%4),
			Lon:    -122.30 + 0.012*float64(i),
			At:     t0.Add(time.Duration(i) * 37 * time.Minute),
		}
		if i%3 == 1 {
			late = append(late, x)
		} else {
			s = append(s, x)
		}
	}
	return append(s, late...)
}

func near(c color.Color, want color.RGBA, tol int) bool {
	r, g, b, _ := c.RGBA()
	d := func(v uint32, w uint8) bool { return math.Abs(float64(int(v>>8)-int(w))) <= float64(tol) }
	return d(r, want.R) && d(g, want.G) && d(b, want.B)
}

func render(t *testing.T, opt Options, s []Sighting) *Map {
	t.Helper()
	if opt.Location == nil {
		opt.Location = time.UTC
	}
	m, err := Render(context.Background(), opt, s)
	if err != nil {
		t.Fatalf("Render: %v", err)
	}
	return m
}

// TestMarkersWhereProjectionSays renders without tiles and checks each
// marker: inside the image, numbered in time order, its colour around
// Points[i], and the points' spacing equal to web-mercator pixels.
func TestMarkersWhereProjectionSays(t *testing.T) {
	s := spread(8)
	m := render(t, Options{Width: 640, Height: 480}, s)
	if b := m.Image.Bounds(); b.Dx() != 640 || b.Dy() != 480 {
		t.Fatalf("image %v, want 640x480", b)
	}
	if len(m.Points) != len(s) || len(m.Rank) != len(s) {
		t.Fatalf("%d points, %d ranks for %d sightings", len(m.Points), len(m.Rank), len(s))
	}
	world := 256 * math.Exp2(float64(m.Zoom))
	x0, y0 := mercator(s[0].Lat, s[0].Lon)
	for i, p := range m.Points {
		if !p.In(image.Rect(DefaultPadding-1, DefaultPadding-1, 640-DefaultPadding+1, 480-DefaultPadding+1)) {
			t.Errorf("point %d at %v is outside the padded image", i, p)
		}
		for j := range s {
			if s[j].At.Before(s[i].At) != (m.Rank[j] < m.Rank[i]) && i != j {
				t.Errorf("rank %d of %v vs rank %d of %v: not time order", m.Rank[i], s[i].At, m.Rank[j], s[j].At)
			}
		}
		xi, yi := mercator(s[i].Lat, s[i].Lon)
		wantX := float64(m.Points[0].X) + (xi-x0)*world
		wantY := float64(m.Points[0].Y) + (yi-y0)*world
		if math.Abs(float64(p.X)-wantX) > 1 || math.Abs(float64(p.Y)-wantY) > 1 {
			t.Errorf("point %d at %v, web mercator says (%.1f, %.1f)", i, p, wantX, wantY)
		}
		want := Color(m.Rank[i], len(s))
		hits, total := 0, 0
		for dy := -7; dy <= 7; dy++ {
			for dx := -7; dx <= 7; dx++ {
				if dx*dx+dy*dy > 49 {
					continue
				}
				total++
				if near(m.Image.At(p.X+dx, p.Y+dy), want, 8) {
					hits++
				}
			}
		}
		if hits*2 < total {
			t.Errorf("marker %d (rank %d): %d of %d pixels around %v have its colour %v", i, m.Rank[i], hits, total, p, want)
		}
	}
	if m.Attribution != "" || m.TilesMissing != 0 {
		t.Errorf("without TileURL: attribution %q, %d missing tiles", m.Attribution, m.TilesMissing)
	}
}

func TestHit(t *testing.T) {
	s := spread(5)
	m := render(t, Options{}, s)
	for i := range s {
		if got := m.Hit(m.Points[i].Add(image.Pt(3, -2)), 0); got != i {
			t.Errorf("Hit near point %d = %d", i, got)
		}
	}
	if got := m.Hit(image.Pt(1, 1), 0); got != -1 {
		t.Errorf("Hit in a corner = %d, want -1", got)
	}
	if got := m.Hit(m.Points[2].Add(image.Pt(30, 0)), 40); got != 2 {
		t.Errorf("Hit with a 40 px radius = %d, want 2", got)
	}
	// Overlapping markers: the one drawn on top (the newer) wins.
	o := &Map{Points: []image.Point{{100, 100}, {106, 100}}, Rank: []int{1, 0}, radius: 10}
	if got := o.Hit(image.Pt(103, 100), 0); got != 0 {
		t.Errorf("Hit between overlapping markers = %d, want the newer (0)", got)
	}
}

// TestSharedPlaceFansOut reads one camera several times: each sighting
// gets its own marker around the camera, in reach of a click.
func TestSharedPlaceFansOut(t *testing.T) {
	for _, n := range []int{2, 5, 14} {
		s := spread(3)
		for k := range n - 1 {
			s = append(s, Sighting{ReadID: "again", Lat: s[0].Lat, Lon: s[0].Lon, At: t0.Add(time.Duration(100+k) * time.Hour)})
		}
		m := render(t, Options{}, s)
		same := append([]int{0}, func() (ix []int) {
			for i := 3; i < len(s); i++ {
				ix = append(ix, i)
			}
			return
		}()...)
		var cx, cy float64
		for a, i := range same {
			cx += float64(m.Points[i].X) / float64(len(same))
			cy += float64(m.Points[i].Y) / float64(len(same))
			if got := m.Hit(m.Points[i], 0); got != i {
				t.Errorf("%d at one place: Hit on marker %d = %d", n, i, got)
			}
			for _, j := range same[:a] {
				if d := math.Hypot(float64(m.Points[i].X-m.Points[j].X), float64(m.Points[i].Y-m.Points[j].Y)); d < float64(2*m.radius) {
					t.Errorf("%d at one place: markers %d and %d only %.1f px apart", n, i, j, d)
				}
			}
		}
		// The fan is around the camera's own pixel, which the other
		// sightings' spacing fixes.
		world := 256 * math.Exp2(float64(m.Zoom))
		x0, y0 := mercator(s[1].Lat, s[1].Lon)
		xc, yc := mercator(s[0].Lat, s[0].Lon)
		wantX, wantY := float64(m.Points[1].X)+(xc-x0)*world, float64(m.Points[1].Y)+(yc-y0)*world
		if d := math.Hypot(cx-wantX, cy-wantY); d > 3*float64(m.radius) {
			t.Errorf("%d at one place: fan centred %.1f px from the camera", n, d)
		}
	}
}

// TestLabelsStayInside puts a marker near the right edge: its label goes
// to its left rather than off the image.
func TestLabelsStayInside(t *testing.T) {
	s := []Sighting{
		{Lat: 37.80, Lon: -122.30, At: t0},
		{Lat: 37.80, Lon: -122.20, At: t0.Add(time.Hour), Label: "International & 73rd"},
	}
	m := render(t, Options{Width: 400, Height: 200, Padding: 20}, s)
	p := m.Points[1]
	if p.X < 400-60 {
		t.Fatalf("newest marker at %v, want it within 60 px of the right edge, too close for its label", p)
	}
	dark := func(x0, x1 int) int {
		n := 0
		for x := x0; x < x1; x++ {
			for y := p.Y - 5; y <= p.Y+5; y++ {
				if r, _, _, _ := m.Image.At(x, y).RGBA(); r>>8 < 0x60 {
					n++
				}
			}
		}
		return n
	}
	if n := dark(p.X-m.radius-60, p.X-m.radius-3); n < 10 {
		t.Errorf("%d dark pixels left of the marker, want its time label there", n)
	}
}

// TestLegend finds the legend's first and last colours at the top left.
func TestLegend(t *testing.T) {
	s := spread(6)
	m := render(t, Options{}, s)
	count := func(c color.RGBA) int {
		n := 0
		for y := 0; y < 30; y++ {
			for x := 0; x < 400; x++ {
				if near(m.Image.At(x, y), c, 4) {
					n++
				}
			}
		}
		return n
	}
	if a, b := count(Color(0, 6)), count(Color(5, 6)); a < 20 || b < 20 {
		t.Errorf("legend dots: %d pixels of the oldest colour, %d of the newest", a, b)
	}
}

func TestSingleSightingAndLabels(t *testing.T) {
	s := []Sighting{{ReadID: "a", Lat: 37.8, Lon: -122.27, At: t0.Add(6*time.Hour + 2*time.Minute), Label: "Intl & 73rd"}}
	m := render(t, Options{Width: 300, Height: 200}, s)
	if m.Points[0] != image.Pt(150, 100) || m.Zoom != 16 {
		t.Errorf("one sighting at %v zoom %d, want the centre (150,100) at zoom 16", m.Points[0], m.Zoom)
	}
	if got := timeLabels(s, Options{Location: time.UTC}); got[0] != "14:02 Intl & 73rd" {
		t.Errorf("label %q", got[0])
	}
	two := append(s, Sighting{At: t0.Add(30 * time.Hour)})
	if got := timeLabels(two, Options{Location: time.UTC}); got[1] != "Nov 21 14:00" {
		t.Errorf("label over two days %q, want Nov 21 14:00", got[1])
	}
}

// solidPNG is a 256x256 tile of one colour.
func solidPNG(t testing.TB, c color.RGBA) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// smallPNG is a 64x64 image: not a 256-pixel tile.
func smallPNG(t testing.TB) []byte {
	var buf bytes.Buffer
	if err := png.Encode(&buf, image.NewRGBA(image.Rect(0, 0, 64, 64))); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// washed is a tile colour after the white wash drawn over tiles.
func washed(c color.RGBA) color.RGBA {
	f := func(v uint8) uint8 { return uint8((int(v)*(255-0x40) + 255*0x40 + 127) / 255) }
	return color.RGBA{f(c.R), f(c.G), f(c.B), 0xff}
}

func TestTilesFetchedAndCached(t *testing.T) {
	memCache.reset()
	green := color.RGBA{0x20, 0xc0, 0x40, 0xff}
	tile := solidPNG(t, green)
	var requests atomic.Int64
	var badPath atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if !strings.HasPrefix(r.URL.Path, "/tiles/") || !strings.HasSuffix(r.URL.Path, ".png") {
			badPath.Store(r.URL.Path)
		}
		w.Header().Set("Content-Type", "image/png")
		w.Write(tile)
	}))
	defer srv.Close()
	dir := t.TempDir()
	opt := Options{Width: 500, Height: 400, TileURL: StoreTileURL(srv.URL), CacheDir: dir}
	s := spread(6)
	m := render(t, opt, s)
	first := requests.Load()
	if first == 0 || m.TilesMissing != 0 {
		t.Fatalf("%d requests, %d tiles missing", first, m.TilesMissing)
	}
	if p := badPath.Load(); p != nil {
		t.Errorf("requested %v, want /tiles/z/x/y.png", p)
	}
	if !near(m.Image.At(5, 395), washed(green), 3) {
		t.Errorf("corner pixel %v, want the tile's colour %v under the wash", m.Image.At(5, 395), washed(green))
	}
	if m.Attribution != DefaultAttribution {
		t.Errorf("attribution %q", m.Attribution)
	}
	render(t, opt, s)
	if n := requests.Load(); n != first {
		t.Errorf("second render made %d new requests, want 0 (memory cache)", n-first)
	}
	memCache.reset()
	render(t, opt, s)
	if n := requests.Load(); n != first {
		t.Errorf("render after emptying memory made %d requests, want 0 (disk cache)", n-first)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*", "*", "*.png"))
	if int64(len(files)) != first {
		t.Errorf("%d tiles on disk, want %d", len(files), first)
	}
}

// TestAttributionDrawn checks the credit is drawn on the image.
func TestAttributionDrawn(t *testing.T) {
	memCache.reset()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write(solidPNG(t, color.RGBA{0xff, 0xff, 0xff, 0xff}))
	}))
	defer srv.Close()
	m := render(t, Options{Width: 400, Height: 300, TileURL: StoreTileURL(srv.URL)}, spread(3))
	dark := 0
	for y := 300 - attributionBand; y < 300; y++ {
		for x := 200; x < 400; x++ {
			if r, _, _, _ := m.Image.At(x, y).RGBA(); r>>8 < 0x80 {
				dark++
			}
		}
	}
	if dark < 50 {
		t.Errorf("%d dark pixels in the bottom-right band: no attribution text", dark)
	}
}

func TestFailingTileServer(t *testing.T) {
	for _, c := range []struct {
		name string
		code int
		body []byte
	}{
		{"404", http.StatusNotFound, []byte("no tile here")},
		{"500", http.StatusInternalServerError, []byte("broken")},
		{"not a png", http.StatusOK, []byte("<html>")},
		{"wrong size", http.StatusOK, smallPNG(t)},
	} {
		t.Run(c.name, func(t *testing.T) {
			memCache.reset()
			var requests atomic.Int64
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				w.WriteHeader(c.code)
				w.Write(c.body)
			}))
			defer srv.Close()
			bg := color.RGBA{0x50, 0x60, 0x70, 0xff}
			opt := Options{TileURL: StoreTileURL(srv.URL), Background: bg}
			m := render(t, opt, spread(4))
			if m.TilesMissing == 0 || int64(m.TilesMissing) != requests.Load() {
				t.Errorf("%d tiles missing after %d requests", m.TilesMissing, requests.Load())
			}
			if !near(m.Image.At(5, DefaultHeight-5), bg, 0) {
				t.Errorf("background %v, want plain %v", m.Image.At(5, DefaultHeight-5), bg)
			}
			if !near(m.Image.At(m.Points[0].X, m.Points[0].Y+5), Color(m.Rank[0], 4), 8) {
				t.Errorf("marker 0 not drawn over the plain background")
			}
			before := requests.Load()
			render(t, opt, spread(4))
			if requests.Load() != before {
				t.Errorf("a render right after failures asked again (%d requests)", requests.Load()-before)
			}
		})
	}
	// Nothing listening at all.
	memCache.reset()
	dead := httptest.NewServer(http.NotFoundHandler())
	url := StoreTileURL(dead.URL)
	dead.Close()
	m := render(t, Options{TileURL: url}, spread(3))
	if m.TilesMissing == 0 {
		t.Error("a closed server gave tiles")
	}
}

func TestContextCancelled(t *testing.T) {
	memCache.reset()
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	defer srv.Close()
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := Render(ctx, Options{TileURL: StoreTileURL(srv.URL)}, spread(3))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("error %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("Render took %v after its context ended", d)
	}
	done, stop := context.WithCancel(context.Background())
	stop()
	if _, err := Render(done, Options{}, spread(2)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: %v", err)
	}
}

func TestBadInput(t *testing.T) {
	ctx := context.Background()
	if _, err := Render(ctx, Options{}, nil); !errors.Is(err, ErrNoSightings) {
		t.Errorf("no sightings: %v", err)
	}
	cases := []struct {
		opt   Options
		s     []Sighting
		field string
	}{
		{Options{}, []Sighting{{Lat: 91, Lon: 0}}, "sightings[0].Lat"},
		{Options{}, []Sighting{{Lat: 1}, {Lat: 1, Lon: math.NaN()}}, "sightings[1].Lon"},
		{Options{Width: 10_000}, spread(1), "Width/Height"},
		{Options{TileURL: "http://x/tiles/{z}/{x}/{y}.png"}, spread(1), "TileURL"},
		{Options{TileURL: "file:///etc/%d/%d/%d"}, spread(1), "TileURL"},
		{Options{MinZoom: 15, MaxZoom: 12}, spread(1), "MinZoom/MaxZoom"},
	}
	for _, c := range cases {
		_, err := Render(ctx, c.opt, c.s)
		var ie *InvalidError
		if !errors.As(err, &ie) || ie.Field != c.field {
			t.Errorf("%+v: error %v, want *InvalidError on %s", c.opt, err, c.field)
		}
	}
}

func TestImpossibleTravel(t *testing.T) {
	at := func(lat, lon float64, min int) Sighting {
		return Sighting{Lat: lat, Lon: lon, At: t0.Add(time.Duration(min) * time.Minute)}
	}
	oneDegree := 2 * math.Pi * earthRadiusKm / 360 // about 111.2 km
	if d := DistanceKm(at(37, -122, 0), at(38, -122, 0)); math.Abs(d-oneDegree) > 0.01 {
		t.Errorf("one degree of latitude = %.3f km, want %.3f", d, oneDegree)
	}
	for _, c := range []struct {
		name string
		a, b Sighting
		max  float64
		want bool
	}{
		{"111 km in an hour", at(37, -122, 0), at(38, -122, 60), 0, false},
		{"111 km in half an hour", at(37, -122, 0), at(38, -122, 30), 0, true},
		{"reversed order", at(38, -122, 30), at(37, -122, 0), 0, true},
		{"under a stricter limit", at(37, -122, 0), at(38, -122, 60), 100, true},
		{"same time, 5 km apart", at(37.80, -122.27, 0), at(37.845, -122.27, 0), 0, true},
		{"same time, nearby cameras", at(37.80, -122.27, 0), at(37.804, -122.27, 0), 0, false},
		{"Oakland to San Francisco in 20 minutes", at(37.8044, -122.2712, 0), at(37.7793, -122.4193, 20), 0, false},
		{"Oakland to San Francisco in 3 minutes", at(37.8044, -122.2712, 0), at(37.7793, -122.4193, 3), 0, true},
	} {
		if got := ImpossibleTravel(c.a, c.b, c.max); got != c.want {
			t.Errorf("%s: %v, want %v (%.1f km)", c.name, got, c.want, DistanceKm(c.a, c.b))
		}
	}
	s := []Sighting{at(37.8044, -122.2712, 10), at(37.7793, -122.4193, 13), at(37.80, -122.27, 0)}
	if got := ImpossiblePairs(s, 0); len(got) != 1 || got[0] != [2]int{0, 1} {
		t.Errorf("ImpossiblePairs = %v, want [[0 1]]", got)
	}
}

// BenchmarkTimeline200 renders 200 sightings over warm tiles drawn by the
// store's own renderer from the shared Oakland basemap.
func BenchmarkTimeline200(b *testing.B) {
	const basemap = "../../shared/data/oakland-basemap.geojson.gz"
	if _, err := os.Stat(basemap); err != nil {
		b.Fatalf("the shared basemap must be at %s: %v", basemap, err)
	}
	r, err := tiles.Load(basemap)
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, q *http.Request) {
		var z, x, y int
		p := strings.Split(strings.TrimSuffix(strings.TrimPrefix(q.URL.Path, "/tiles/"), ".png"), "/")
		if len(p) == 3 {
			z, _ = strconv.Atoi(p[0])
			x, _ = strconv.Atoi(p[1])
			y, _ = strconv.Atoi(p[2])
		}
		png, err := r.Tile(z, x, y)
		if err != nil {
			http.NotFound(w, q)
			return
		}
		w.Write(png)
	}))
	defer srv.Close()
	rng := rand.New(rand.NewSource(7))
	s := make([]Sighting, 200)
	for i := range s {
		s[i] = Sighting{ReadID: strconv.Itoa(i), Lat: 37.76 + 0.08*rng.Float64(), Lon: -122.30 + 0.10*rng.Float64(),
			At: t0.Add(time.Duration(rng.Intn(7*24*60)) * time.Minute)}
	}
	opt := Options{Width: 1024, Height: 700, TileURL: StoreTileURL(srv.URL), Location: time.UTC}
	if _, err := Render(context.Background(), opt, s); err != nil { // warm the tiles
		b.Fatal(err)
	}
	for b.Loop() {
		m, err := Render(context.Background(), opt, s)
		if err != nil || m.TilesMissing != 0 {
			b.Fatalf("render: %v, %d tiles missing", err, m.TilesMissing)
		}
	}
}
