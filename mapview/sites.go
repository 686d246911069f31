package mapview

import (
	"context"
	"fmt"
	"image"
	"math"

	sm "github.com/flopp/go-staticmaps"
	"github.com/fogleman/gg"
)

// Site is a fixed place to mark on a map, such as a camera.
type Site struct {
	Lat, Lon float64
	// Label is drawn beside the dot ("" for none).
	Label string
}

// SiteSightings gives sites as sightings, for Frame: the projection of a
// site map is the one Render would use for the same places.
func SiteSightings(sites []Site) []Sighting {
	s := make([]Sighting, len(sites))
	for i, x := range sites {
		s[i] = Sighting{Lat: x.Lat, Lon: x.Lon, Label: x.Label}
	}
	return s
}

// RenderSites draws sites as plain dots with their labels over the
// basemap: no numbers, path or time legend, since places are not
// sightings. The map is framed as Frame(opt, SiteSightings(sites)) says;
// Map.Points are the dots' centres (Rank is input order). Errors as Render.
func RenderSites(ctx context.Context, opt Options, sites []Site) (*Map, error) {
	if err := opt.normalise(); err != nil {
		return nil, err
	}
	s := SiteSightings(sites)
	if err := checkSightings(s); err != nil {
		return nil, err
	}
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
	mc := sm.NewContext()
	mc.SetTileProvider(&sm.TileProvider{Name: "none", TileSize: tileSize})
	mc.SetCache(nil)
	mc.SetOnline(false)
	mc.OverrideAttribution("")
	mc.SetSize(opt.Width, opt.Height)
	mc.SetCenter(center)
	mc.SetZoom(zoom)
	mc.SetBackground(opt.Background)
	mc.AddObject(&tileLayer{tiles: tiles, center: center})
	img, err := mc.Render()
	if err != nil {
		return nil, fmt.Errorf("mapview: render: %w", err)
	}
	rgba, ok := img.(*image.RGBA)
	if !ok {
		return nil, fmt.Errorf("mapview: render gave %T, want *image.RGBA", img)
	}
	p := Projection{Zoom: zoom, CenterLat: center.Lat.Degrees(), CenterLon: center.Lng.Degrees(), Width: opt.Width, Height: opt.Height}
	m := &Map{Image: rgba, Zoom: zoom, Points: make([]image.Point, len(sites)), Rank: make([]int, len(sites)), radius: 8}
	if opt.TileURL != "" {
		m.Attribution = opt.Attribution
		m.TilesMissing = len(want) - len(tiles)
	}
	if err := drawSites(rgba, p, sites, m); err != nil {
		return nil, err
	}
	if err := finishSites(rgba, opt, opt.TileURL != "" && m.TilesMissing == len(want)); err != nil {
		return nil, err
	}
	return m, ctx.Err()
}

// drawSites draws each site's dot and label and records its centre.
func drawSites(img *image.RGBA, p Projection, sites []Site, m *Map) error {
	gc := gg.NewContextForRGBA(img)
	face, err := newFace(false, 11)
	if err != nil {
		return err
	}
	defer face.Close()
	gc.SetFontFace(face)
	for i, x := range sites {
		px, py := p.Point(x.Lat, x.Lon)
		m.Points[i] = image.Pt(int(math.Round(px)), int(math.Round(py)))
		m.Rank[i] = i
		gc.DrawCircle(px, py, 6)
		gc.SetRGB(1, 1, 1)
		gc.FillPreserve()
		gc.SetRGB(0.25, 0.25, 0.3)
		gc.SetLineWidth(2.5)
		gc.Stroke()
		if x.Label != "" {
			w, h := gc.MeasureString(x.Label)
			gc.SetRGBA(1, 1, 1, 0.75)
			gc.DrawRectangle(px+9, py-h/2-3, w+6, h+6)
			gc.Fill()
			gc.SetRGB(0.15, 0.15, 0.15)
			gc.DrawStringAnchored(x.Label, px+12, py, 0, 0.35)
		}
	}
	return nil
}

// finishSites draws the attribution and, without tiles, says so.
func finishSites(img *image.RGBA, opt Options, noTiles bool) error {
	if opt.TileURL == "" {
		return nil
	}
	gc, done, err := captionContext(img)
	if err != nil {
		return err
	}
	defer done()
	caption(gc, opt, noTiles)
	return nil
}
