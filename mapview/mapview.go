// Package mapview draws timeline maps of plate sightings: numbered markers
// in time order, the path between them coloured from oldest (blue) to
// newest (red), short time labels, over basemap tiles placed with
// go-staticmaps.
//
// Tiles come from the agency's own store (StoreTileURL) by default; a
// third-party tile server learns where investigators look, so one is used
// only when the caller configures it. Tiles are cached in memory and, with
// Options.CacheDir, on disk. Without tiles (no server, errors, 404) the map
// still draws, on a plain background.
package mapview

import (
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"math"
	"net/http"
	"net/url"
	"strings"
	"time"

	sm "github.com/flopp/go-staticmaps"
	"github.com/golang/geo/s2"
)

// DefaultAttribution is the credit for the store's basemap (OpenStreetMap
// data); a third-party tile server may need another (Options.Attribution).
const DefaultAttribution = "© OpenStreetMap contributors"

// Defaults for Options.
const (
	DefaultWidth   = 800
	DefaultHeight  = 600
	DefaultPadding = 48
	DefaultMaxZoom = 17
	// MaxSize bounds Width and Height.
	MaxSize = 4096
)

// ErrNoSightings is returned by Render for an empty list.
var ErrNoSightings = errors.New("mapview: no sightings to draw")

// InvalidError reports a bad option or sighting.
type InvalidError struct {
	Field  string // e.g. "TileURL" or "sightings[3].Lat"
	Reason string
}

// Error implements error.
func (e *InvalidError) Error() string { return "mapview: " + e.Field + ": " + e.Reason }

// Sighting is one read of a plate to put on the map.
type Sighting struct {
	ReadID   string
	Lat, Lon float64
	At       time.Time
	// Label, if set, is drawn after the time (keep it short, e.g. a camera).
	Label string
}

// Options control a render. The zero value draws an 800x600 map without
// tiles.
type Options struct {
	Width, Height int
	// TileURL is a pattern with three %d for zoom, x and y, such as
	// StoreTileURL("http://127.0.0.1:8080"). Empty: no tiles.
	TileURL string
	// Attribution drawn on the map when TileURL is set; "" means
	// DefaultAttribution.
	Attribution string
	// CacheDir, if set, keeps fetched tiles on disk (one folder per TileURL).
	CacheDir string
	// Client for tile requests; nil uses one with an 8 s timeout.
	Client *http.Client
	// Padding in pixels kept between the markers and the image's edges.
	Padding int
	// MinZoom and MaxZoom bound the fitted zoom; 0 means 1 and DefaultMaxZoom.
	MinZoom, MaxZoom int
	// Location for time labels; nil means time.Local.
	Location *time.Location
	// Background where no tile is drawn; nil is a light grey.
	Background color.Color
}

// Map is a rendered timeline.
type Map struct {
	Image image.Image
	// Points[i] is the centre of sighting i's marker (input order) in
	// Image, placed by the projection that drew it. Sightings that share
	// a place (one camera read several times) have their markers fanned
	// out around it, joined to a dot on the place itself; Points gives the
	// fanned centres, which is what a click finds.
	Points []image.Point
	// Rank[i] is the number drawn on sighting i's marker minus one: its
	// place in time order.
	Rank        []int
	Zoom        int
	Attribution string
	// TilesMissing counts tiles that could not be had (0 without TileURL).
	TilesMissing int
	radius       int
}

// StoreTileURL returns the tile pattern of the store at base, e.g.
// "http://127.0.0.1:8080" -> "http://127.0.0.1:8080/tiles/%d/%d/%d.png".
func StoreTileURL(base string) string {
	return strings.TrimRight(base, "/") + "/tiles/%d/%d/%d.png"
}

// Hit returns the index of the sighting whose marker is at p, within
// radius pixels of its centre (the marker's own radius if radius <= 0),
// or -1. Where markers overlap it returns the one drawn on top (newest).
func (m *Map) Hit(p image.Point, radius int) int {
	if radius <= 0 {
		radius = m.radius
	}
	best, bestRank := -1, -1
	for i, q := range m.Points {
		dx, dy := q.X-p.X, q.Y-p.Y
		if dx*dx+dy*dy <= radius*radius && m.Rank[i] > bestRank {
			best, bestRank = i, m.Rank[i]
		}
	}
	return best
}

func (opt *Options) normalise() error {
	if opt.Width == 0 {
		opt.Width = DefaultWidth
	}
	if opt.Height == 0 {
		opt.Height = DefaultHeight
	}
	if opt.Width < 64 || opt.Height < 64 || opt.Width > MaxSize || opt.Height > MaxSize {
		return &InvalidError{"Width/Height", fmt.Sprintf("%dx%d is outside 64..%d", opt.Width, opt.Height, MaxSize)}
	}
	if opt.Padding == 0 {
		opt.Padding = DefaultPadding
	}
	opt.Padding = max(0, min(opt.Padding, min(opt.Width, opt.Height)/4))
	if opt.MinZoom == 0 {
		opt.MinZoom = 1
	}
	if opt.MaxZoom == 0 {
		opt.MaxZoom = DefaultMaxZoom
	}
	if opt.MinZoom < 0 || opt.MaxZoom > 20 || opt.MinZoom > opt.MaxZoom {
		return &InvalidError{"MinZoom/MaxZoom", fmt.Sprintf("%d..%d is not within 0..20", opt.MinZoom, opt.MaxZoom)}
	}
	if opt.Location == nil {
		opt.Location = time.Local
	}
	if opt.Background == nil {
		opt.Background = color.RGBA{0xe9, 0xe7, 0xe2, 0xff}
	}
	if opt.TileURL != "" {
		if err := checkTileURL(opt.TileURL); err != nil {
			return err
		}
		if opt.Attribution == "" {
			opt.Attribution = DefaultAttribution
		}
	}
	return nil
}

func checkTileURL(p string) error {
	if strings.Count(p, "%d") != 3 || strings.Count(p, "%") != 3 {
		return &InvalidError{"TileURL", fmt.Sprintf("%q needs exactly three %%d (zoom, x, y) and no other %% verbs", p)}
	}
	u, err := url.Parse(fmt.Sprintf(p, 1, 2, 3))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return &InvalidError{"TileURL", fmt.Sprintf("%q is not an http(s) URL pattern", p)}
	}
	return nil
}

func checkSightings(s []Sighting) error {
	if len(s) == 0 {
		return ErrNoSightings
	}
	for i, x := range s {
		if math.IsNaN(x.Lat) || x.Lat < -85 || x.Lat > 85 {
			return &InvalidError{fmt.Sprintf("sightings[%d].Lat", i), fmt.Sprintf("%v is not a latitude within ±85", x.Lat)}
		}
		if math.IsNaN(x.Lon) || x.Lon < -180 || x.Lon > 180 {
			return &InvalidError{fmt.Sprintf("sightings[%d].Lon", i), fmt.Sprintf("%v is not a longitude", x.Lon)}
		}
	}
	return nil
}

// Render draws the sightings. It fetches tiles (honouring ctx) before
// drawing; tiles it cannot get are left to the plain background and
// counted in Map.TilesMissing. Errors: ErrNoSightings, *InvalidError,
// or ctx's error.
func Render(ctx context.Context, opt Options, s []Sighting) (*Map, error) {
	if err := opt.normalise(); err != nil {
		return nil, err
	}
	if err := checkSightings(s); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	order := timeOrder(s)
	zoom, center := fit(opt, s)

	var tiles map[tileID]*image.RGBA
	var want []tileID
	if opt.TileURL != "" {
		want = visibleTiles(opt, zoom, center)
		var err error
		if tiles, err = newFetcher(opt).fetchAll(ctx, want); err != nil {
			return nil, err
		}
	}

	rgba, ov, err := compose(opt, s, order, zoom, center, tiles)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m := &Map{Image: rgba, Zoom: zoom, Points: ov.points(), Rank: ov.rank, radius: ov.radius}
	if opt.TileURL != "" {
		m.Attribution = opt.Attribution
		m.TilesMissing = len(want) - len(tiles)
	}
	first, last := s[order[0]].At, s[order[len(order)-1]].At
	noTiles := opt.TileURL != "" && m.TilesMissing == len(want)
	if err := finish(rgba, opt, len(s), noTiles, first, last); err != nil {
		return nil, err
	}
	return m, nil
}

// compose has go-staticmaps draw the tiles and the overlay at zoom around
// center.
func compose(opt Options, s []Sighting, order []int, zoom int, center s2.LatLng, tiles map[tileID]*image.RGBA) (*image.RGBA, *overlay, error) {
	ov := newOverlay(opt, s, order, center)
	mc := sm.NewContext()
	mc.SetTileProvider(&sm.TileProvider{Name: "none", TileSize: tileSize}) // tiles are drawn by tileLayer
	mc.SetCache(nil)
	mc.SetOnline(false)
	mc.OverrideAttribution("") // drawn by finish, in a font that has ©
	mc.SetSize(opt.Width, opt.Height)
	mc.SetCenter(center)
	mc.SetZoom(zoom)
	mc.SetBackground(opt.Background)
	mc.AddObject(&tileLayer{tiles: tiles, center: center})
	mc.AddObject(ov)
	img, err := mc.Render()
	if err != nil {
		return nil, nil, fmt.Errorf("mapview: render: %w", err)
	}
	if ov.err != nil {
		return nil, nil, fmt.Errorf("mapview: draw: %w", ov.err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		return nil, nil, fmt.Errorf("mapview: render gave %T, want *image.RGBA", img)
	}
	return rgba, ov, nil
}

// mercator returns normalised web-mercator x, y in [0, 1] (y down).
func mercator(lat, lon float64) (float64, float64) {
	s := math.Sin(lat * math.Pi / 180)
	return (lon + 180) / 360, 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

// fit picks the largest zoom at which every sighting fits inside the
// padded image, and the centre of their extent.
func fit(opt Options, s []Sighting) (int, s2.LatLng) {
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	for _, x := range s {
		mx, my := mercator(x.Lat, x.Lon)
		minX, maxX = math.Min(minX, mx), math.Max(maxX, mx)
		minY, maxY = math.Min(minY, my), math.Max(maxY, my)
	}
	cx, cy := (minX+maxX)/2, (minY+maxY)/2
	center := s2.LatLngFromDegrees(math.Atan(math.Sinh(math.Pi*(1-2*cy)))*180/math.Pi, cx*360-180)
	availW := float64(opt.Width - 2*opt.Padding)
	availH := float64(opt.Height - 2*opt.Padding - attributionBand)
	zoom := opt.MinZoom
	for z := opt.MaxZoom; z >= opt.MinZoom; z-- {
		world := 256 * math.Exp2(float64(z))
		if (maxX-minX)*world <= availW && (maxY-minY)*world <= availH {
			zoom = z
			break
		}
	}
	if maxX-minX == 0 && maxY-minY == 0 {
		zoom = min(zoom, 16)
	}
	return zoom, center
}

// visibleTiles lists the tiles under the image at zoom around center.
func visibleTiles(opt Options, zoom int, center s2.LatLng) []tileID {
	world := 256 * math.Exp2(float64(zoom))
	mx, my := mercator(center.Lat.Degrees(), center.Lng.Degrees())
	x0 := int(math.Floor((mx*world - float64(opt.Width)/2) / 256))
	x1 := int(math.Floor((mx*world + float64(opt.Width)/2) / 256))
	y0 := int(math.Floor((my*world - float64(opt.Height)/2) / 256))
	y1 := int(math.Floor((my*world + float64(opt.Height)/2) / 256))
	n := 1 << zoom
	var ids []tileID
	for y := max(0, y0); y <= min(n-1, y1); y++ {
		for x := x0; x <= x1; x++ {
			ids = append(ids, tileID{url: opt.TileURL, z: zoom, x: ((x % n) + n) % n, y: y})
		}
	}
	return ids
}
