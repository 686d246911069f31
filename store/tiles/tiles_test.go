package tiles

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"image"
	"image/color"
	"image/png"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

const fixture = "testdata/small.geojson"

// oakland is the shared basemap, present in CI beside the repository.
const oakland = "../../../shared/data/oakland-basemap.geojson.gz"

func loadFixture(t testing.TB) *Renderer {
	t.Helper()
	r, err := Load(fixture)
	if err != nil {
		t.Fatalf("Load(%s): %v", fixture, err)
	}
	return r
}

// tileAt returns the tile containing lon/lat at zoom z and the pixel of
// lon/lat inside it.
func tileAt(lon, lat float64, z int) (x, y, px, py int) {
	p := project(lon, lat)
	n := math.Exp2(float64(z))
	fx, fy := p.X*n, p.Y*n
	x, y = int(fx), int(fy)
	return x, y, int((fx - float64(x)) * TileSize), int((fy - float64(y)) * TileSize)
}

func decode(t testing.TB, b []byte) image.Image {
	t.Helper()
	img, err := png.Decode(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("tile is not a PNG: %v", err)
	}
	if img.Bounds() != image.Rect(0, 0, TileSize, TileSize) {
		t.Fatalf("tile bounds %v, want 256x256", img.Bounds())
	}
	return img
}

func near(a color.Color, b color.RGBA, tol int) bool {
	r, g, bl, _ := a.RGBA()
	d := func(x uint32, y uint8) int { return int(x>>8) - int(y) }
	return abs(float64(d(r, b.R))) <= float64(tol) && abs(float64(d(g, b.G))) <= float64(tol) &&
		abs(float64(d(bl, b.B))) <= float64(tol)
}

func TestLoadFixture(t *testing.T) {
	r := loadFixture(t)
	st := r.Stats()
	if st.Features != 8 || st.Skipped != 1 {
		t.Errorf("features %d skipped %d, want 8 and 1 (the unknown bike-lanes layer)", st.Features, st.Skipped)
	}
	minLon, minLat, maxLon, maxLat := r.Bounds()
	for _, c := range []struct{ got, want float64 }{{minLon, -122.30}, {minLat, 37.78}, {maxLon, -122.24}, {maxLat, 37.82}} {
		if math.Abs(c.got-c.want) > 1e-9 {
			t.Errorf("bounds %v %v %v %v, want -122.30 37.78 -122.24 37.82", minLon, minLat, maxLon, maxLat)
			break
		}
	}
}

func TestGzipLoadsTheSame(t *testing.T) {
	plain, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(plain)
	zw.Close()
	gz := filepath.Join(t.TempDir(), "small.geojson.gz")
	if err := os.WriteFile(gz, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	a, err := Load(gz)
	if err != nil {
		t.Fatalf("Load(gzip): %v", err)
	}
	b := loadFixture(t)
	c, err := Parse(plain)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	x, y, _, _ := tileAt(-122.27, 37.80, 14)
	ta, _ := a.Tile(14, x, y)
	tb, _ := b.Tile(14, x, y)
	tc, _ := c.Tile(14, x, y)
	if len(ta) == 0 || !bytes.Equal(ta, tb) || !bytes.Equal(tb, tc) {
		t.Error("gzip, plain file and Parse give different tiles")
	}
}

func TestNoTile(t *testing.T) {
	r := loadFixture(t)
	x, y, _, _ := tileAt(-122.27, 37.80, 14)
	x10, y10, _, _ := tileAt(-122.27, 37.80, 10)
	x18, y18, _, _ := tileAt(-122.27, 37.80, 18)
	fx, fy, _, _ := tileAt(-122.0, 37.80, 14) // east of the data
	for _, c := range []struct{ z, x, y int }{
		{10, x10, y10}, {18, x18, y18}, {14, fx, fy}, {14, -1, y}, {14, x, 1 << 14}, {14, 0, 0},
	} {
		if _, err := r.Tile(c.z, c.x, c.y); !errors.Is(err, ErrNoTile) {
			t.Errorf("Tile(%d, %d, %d) error %v, want ErrNoTile", c.z, c.x, c.y, err)
		}
	}
	if _, err := r.Tile(14, x, y); err != nil {
		t.Errorf("Tile inside the data: %v", err)
	}
}

// TestTileDrawsLayers checks colours where the fixture puts things.
func TestTileDrawsLayers(t *testing.T) {
	r := loadFixture(t)
	const z = 15
	for _, c := range []struct {
		what     string
		lon, lat float64
		want     color.RGBA
	}{
		{"bay", -122.275, 37.7805, colWater},
		{"island (hole in the bay)", -122.2875, 37.784, colLand},
		{"park", -122.2575, 37.8075, colPark},
		{"industrial", -122.2475, 37.7925, colIndustrial},
		{"primary road", -122.265, 37.80, roadStyles[layerPrimary].fillCol},
		{"residential road", -122.28, 37.807, roadStyles[layerResidential].fillCol},
		{"plain land", -122.29, 37.81, colLand},
	} {
		x, y, px, py := tileAt(c.lon, c.lat, z)
		b, err := r.Tile(z, x, y)
		if err != nil {
			t.Fatalf("%s: %v", c.what, err)
		}
		got := decode(t, b).At(px, py)
		if !near(got, c.want, 6) {
			t.Errorf("%s at %d/%d/%d (%d,%d): colour %v, want %v", c.what, z, x, y, px, py, got, c.want)
		}
	}
}

// TestAreaInLineLayer strokes a polygon found in a road layer along its
// ring only: a tile inside it shows no road at all.
func TestAreaInLineLayer(t *testing.T) {
	r, err := Parse([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"primaryroads"},
		"geometry":{"type":"Polygon","coordinates":[[[-122.30,37.78],[-122.24,37.78],[-122.24,37.82],[-122.30,37.82],[-122.30,37.78]]]}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	x, y, _, _ := tileAt(-122.27, 37.80, 16)
	b, err := r.Tile(16, x, y)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	for py := 0; py < TileSize; py++ {
		for px := 0; px < TileSize; px++ {
			if !near(img.At(px, py), colLand, 0) {
				t.Fatalf("pixel (%d,%d) is %v inside the ring, want plain land", px, py, img.At(px, py))
			}
		}
	}
}

func TestLabelDrawn(t *testing.T) {
	r := loadFixture(t)
	x, y, px, py := tileAt(-122.25, 37.815, 15)
	b, err := r.Tile(15, x, y)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	dark := 0
	for dy := -8; dy <= 8; dy++ {
		for dx := -40; dx <= 40; dx++ {
			if near(img.At(px+dx, py+dy), colLabel, 40) {
				dark++
			}
		}
	}
	if dark < 20 {
		t.Errorf("found %d label-coloured pixels around Testville, want a drawn name", dark)
	}
}

func TestBadInput(t *testing.T) {
	cases := []struct{ name, data, want string }{
		{"not json", `{"type":`, "not valid JSON"},
		{"not a collection", `{"type":"Feature"}`, `want "FeatureCollection"`},
		{"no layer", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{},"geometry":{"type":"Point","coordinates":[0,0]}}]}`, "feature 0: properties.layer is missing"},
		{"bad position", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"cities"},"geometry":{"type":"Point","coordinates":[500,0]}}]}`, "is not WGS84"},
		{"short line", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"railways"},"geometry":{"type":"LineString","coordinates":[[0,0]]}}]}`, "at least 2 positions"},
		{"open ring", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"parks"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[0,1]]]}}]}`, "at least 4 positions"},
		{"unsupported geometry", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"parks"},"geometry":{"type":"GeometryCollection","geometries":[]}}]}`, "not supported"},
		{"nothing known", `{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"bike-lanes"},"geometry":{"type":"Point","coordinates":[0,0]}}]}`, "no features with a known properties.layer"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse([]byte(c.data))
			var de *DataError
			if !errors.As(err, &de) {
				t.Fatalf("error %v (%T), want *DataError", err, err)
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("error %q does not say %q", err, c.want)
			}
		})
	}
	if _, err := Load(filepath.Join(t.TempDir(), "missing.geojson")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("missing file: %v, want fs.ErrNotExist", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.geojson.gz")
	os.WriteFile(bad, []byte{0x1f, 0x8b, 1, 2, 3}, 0o600)
	if _, err := Load(bad); err == nil || !strings.Contains(err.Error(), "gzip") {
		t.Errorf("corrupt gzip: %v, want an error naming gzip", err)
	}
}

func TestStreetNameDrawn(t *testing.T) {
	r := loadFixture(t)
	x, y, px, py := tileAt(-122.27, 37.80, 17)
	b, err := r.Tile(17, x, y)
	if err != nil {
		t.Fatal(err)
	}
	img := decode(t, b)
	dark := 0
	for dx := -30; dx <= 30; dx++ {
		for dy := -5; dy <= 5; dy++ {
			if near(img.At(px+dx, py+dy), rgb(0x333333), 50) {
				dark++
			}
		}
	}
	if dark < 15 {
		t.Errorf("found %d dark pixels on Test Avenue at zoom 17, want its name", dark)
	}
	labels, _ := r.placed(17)
	for i := range labels {
		for j := range i {
			if labels[i].overlaps(&labels[j]) {
				t.Errorf("labels %q and %q overlap", labels[i].text, labels[j].text)
			}
		}
	}
}

func TestLabelOverlap(t *testing.T) {
	mk := func(x, y, angle float64) placedLabel {
		return streetLabel(nil, "x", pt{x - 50*math.Cos(angle), y - 50*math.Sin(angle)}, pt{x + 50*math.Cos(angle), y + 50*math.Sin(angle)}, 60, 10)
	}
	for _, c := range []struct {
		name string
		a, b placedLabel
		want bool
	}{
		{"crossing", mk(0, 0, 0), mk(0, 0, math.Pi/2), true},
		{"parallel, apart", mk(0, 0, 0), mk(0, 20, 0), false},
		{"diagonal neighbours whose bounds meet", mk(0, 0, math.Pi/4), mk(20, -20, math.Pi/4), false},
		{"diagonal, touching", mk(0, 0, math.Pi/4), mk(5, -5, math.Pi/4), true},
	} {
		if got := c.a.overlaps(&c.b); got != c.want || c.b.overlaps(&c.a) != c.want {
			t.Errorf("%s: overlaps %v, want %v", c.name, got, c.want)
		}
		if c.name == "diagonal neighbours whose bounds meet" && !c.a.box.intersects(c.b.box) {
			t.Errorf("%s: the case needs bounds that meet", c.name)
		}
	}
}

// TestConcurrentRendersOnce asks for one tile from many goroutines: it is
// drawn once and everyone gets the same bytes.
func TestConcurrentRendersOnce(t *testing.T) {
	r := loadFixture(t)
	x, y, _, _ := tileAt(-122.27, 37.80, 13)
	var wg sync.WaitGroup
	got := make([][]byte, 16)
	for i := range got {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b, err := r.Tile(13, x, y)
			if err != nil {
				t.Error(err)
			}
			got[i] = b
		}()
	}
	wg.Wait()
	for i := range got {
		if !bytes.Equal(got[i], got[0]) {
			t.Fatal("goroutines got different bytes for one tile")
		}
	}
	st := r.Stats()
	if st.Rendered != 1 {
		t.Errorf("rendered %d times, want once", st.Rendered)
	}
	if st.CacheHits+st.Rendered > 16 {
		t.Errorf("hits %d + renders %d > 16 requests", st.CacheHits, st.Rendered)
	}
}

func TestCacheIsBounded(t *testing.T) {
	r := loadFixture(t)
	x, y, _, _ := tileAt(-122.27, 37.80, 16)
	one, err := r.Tile(16, x, y)
	if err != nil {
		t.Fatal(err)
	}
	r.SetCacheBytes(len(one) * 3)
	for dx := range 6 {
		if _, err := r.Tile(16, x+dx, y); err != nil {
			t.Fatal(err)
		}
	}
	r.mu.Lock()
	n, size := len(r.cache), r.bytes
	r.mu.Unlock()
	if size > len(one)*3 || n == 0 || n > 6 {
		t.Errorf("cache holds %d tiles, %d bytes; limit %d", n, size, len(one)*3)
	}
	before := r.Stats().Rendered
	again, _ := r.Tile(16, x, y) // evicted: drawn again, identically
	if r.Stats().Rendered != before+1 || !bytes.Equal(again, one) {
		t.Error("an evicted tile was not redrawn identically")
	}
}

func TestClipRing(t *testing.T) {
	var tmp []pt
	square := []pt{{-10, -10}, {10, -10}, {10, 10}, {-10, 10}}
	got := clipRing(nil, square, 0, 5, &tmp)
	want := []pt{{5, 0}, {5, 5}, {0, 5}, {0, 0}}
	if math.Abs(signedArea(got)-signedArea(want)) > 1e-9 || math.Abs(signedArea(got)) != 25 {
		t.Errorf("clipped %v, want a 5x5 square", got)
	}
	if out := clipRing(nil, []pt{{20, 20}, {30, 20}, {30, 30}}, 0, 5, &tmp); len(out) != 0 {
		t.Errorf("ring outside clipped to %v, want nothing", out)
	}
}

func TestClipSegment(t *testing.T) {
	for _, c := range []struct {
		a, b, wa, wb pt
		ok           bool
	}{
		{pt{-100, 5}, pt{100, 5}, pt{0, 5}, pt{10, 5}, true},
		{pt{2, 2}, pt{8, 8}, pt{2, 2}, pt{8, 8}, true},
		{pt{-5, -5}, pt{15, 15}, pt{0, 0}, pt{10, 10}, true},
		{pt{20, 0}, pt{30, 10}, pt{}, pt{}, false},
		{pt{-1e9, 3}, pt{-1, 3}, pt{}, pt{}, false},
	} {
		a, b, ok := clipSegment(c.a, c.b, 0, 10)
		same := func(p, q pt) bool { return math.Abs(p.X-q.X) < 1e-9 && math.Abs(p.Y-q.Y) < 1e-9 }
		if ok != c.ok || (ok && (!same(a, c.wa) || !same(b, c.wb))) {
			t.Errorf("clip %v-%v = %v-%v %v, want %v-%v %v", c.a, c.b, a, b, ok, c.wa, c.wb, c.ok)
		}
	}
}

// Golden tiles of downtown Oakland from the shared basemap.
var goldens = []struct {
	z, x, y int
	sha256  string
}{
	{12, 656, 1582, "96ff0b822c8a98d3f231ea9ee78f71250711b575801d135d653a4abc2a387794"},
	{14, 2627, 6331, "9d797dccf8860363fd504d7a3f8ce88e364fc46d486c5636d8985d9671640261"},
	{16, 10509, 25324, "3c9556835dd127b27f9f62b5e4672e3b10c7ed2780c1f345b3fc9f22469d51ce"},
}

func TestGoldenOakland(t *testing.T) {
	if _, err := os.Stat(oakland); err != nil {
		t.Fatalf("the shared basemap must be at %s (beside the repository, as in CI): %v", oakland, err)
	}
	r, err := Load(oakland)
	if err != nil {
		t.Fatal(err)
	}
	for _, g := range goldens {
		b, err := r.Tile(g.z, g.x, g.y)
		if err != nil {
			t.Fatalf("tile %d/%d/%d: %v", g.z, g.x, g.y, err)
		}
		decode(t, b)
		sum := sha256.Sum256(b)
		if got := hex.EncodeToString(sum[:]); got != g.sha256 {
			t.Errorf("tile %d/%d/%d sha256 %s, want %s", g.z, g.x, g.y, got, g.sha256)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(oakland); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTile draws (never from the cache) a 3x3 block of downtown
// Oakland tiles at each zoom.
func BenchmarkTile(b *testing.B) {
	r, err := Load(oakland)
	if err != nil {
		b.Fatal(err)
	}
	r.SetCacheBytes(0)
	for z := MinZoom; z <= MaxZoom; z++ {
		x, y, _, _ := tileAt(-122.2712, 37.8044, z)
		b.Run("z"+string(rune('0'+z/10))+string(rune('0'+z%10)), func(b *testing.B) {
			i := 0
			for b.Loop() {
				if _, err := r.Tile(z, x+i%3-1, y+(i/3)%3-1); err != nil {
					b.Fatal(err)
				}
				i++
			}
		})
	}
}

// FuzzParse feeds arbitrary bytes to the loader: it must answer a
// renderer or an error, never panic, and a renderer must draw its tiles.
func FuzzParse(f *testing.F) {
	plain, err := os.ReadFile(fixture)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(plain)
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"parks"},"geometry":{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,0]]]}}]}`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"layer":"railways"},"geometry":{"type":"LineString","coordinates":[[1e3,-2],[0,0]]}}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Parse(data)
		if err != nil {
			return
		}
		minLon, minLat, maxLon, maxLat := r.Bounds()
		x, y, _, _ := tileAt((minLon+maxLon)/2, (minLat+maxLat)/2, MinZoom)
		if _, err := r.Tile(MinZoom, x, y); err != nil && !errors.Is(err, ErrNoTile) {
			t.Errorf("Tile: %v", err)
		}
	})
}
