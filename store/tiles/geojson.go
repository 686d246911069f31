package tiles

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"strings"
)

// DataError describes GeoJSON that cannot be used as basemap data: the file,
// the feature (its index in the collection, -1 for the whole file) and why.
type DataError struct {
	Path    string
	Feature int
	Reason  string
}

// Error implements error.
func (e *DataError) Error() string {
	where := e.Path
	if where == "" {
		where = "basemap data"
	}
	if e.Feature >= 0 {
		return fmt.Sprintf("%s: feature %d: %s", where, e.Feature, e.Reason)
	}
	return fmt.Sprintf("%s: %s", where, e.Reason)
}

// geomKind says how a feature is drawn.
type geomKind uint8

const (
	kindArea geomKind = iota
	kindLine
	kindPoint
)

// pt is a point in normalised web-mercator units: x and y in [0, 1],
// origin at the top left (north-west) of the world.
type pt struct{ X, Y float64 }

// bbox is an axis-aligned box in normalised mercator units.
type bbox struct{ MinX, MinY, MaxX, MaxY float64 }

func emptyBox() bbox {
	return bbox{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
}

func (b *bbox) add(p pt) {
	b.MinX = math.Min(b.MinX, p.X)
	b.MinY = math.Min(b.MinY, p.Y)
	b.MaxX = math.Max(b.MaxX, p.X)
	b.MaxY = math.Max(b.MaxY, p.Y)
}

func (b *bbox) union(o bbox) {
	b.MinX = math.Min(b.MinX, o.MinX)
	b.MinY = math.Min(b.MinY, o.MinY)
	b.MaxX = math.Max(b.MaxX, o.MaxX)
	b.MaxY = math.Max(b.MaxY, o.MaxY)
}

func (b bbox) intersects(o bbox) bool {
	return b.MinX <= o.MaxX && o.MinX <= b.MaxX && b.MinY <= o.MaxY && o.MinY <= b.MaxY
}

func (b bbox) empty() bool { return b.MinX > b.MaxX }

// feature is one drawable feature after loading: projected, with its layer.
type feature struct {
	layer layerID
	kind  geomKind
	// polys holds, for areas, one entry per polygon: its rings, outer ring
	// counter-clockwise on screen and holes clockwise (normalised at load so
	// the non-zero rule fills them right). Lines and points use one entry
	// whose rings are the line strings or the single point.
	polys [][][]pt
	box   bbox
	name  string
}

// Project converts WGS84 lon/lat degrees to normalised web-mercator units.
func project(lon, lat float64) pt {
	const maxLat = 85.0511287798066
	lat = math.Max(-maxLat, math.Min(maxLat, lat))
	s := math.Sin(lat * math.Pi / 180)
	return pt{
		X: (lon + 180) / 360,
		Y: 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi),
	}
}

type rawCollection struct {
	Type     string       `json:"type"`
	Features []rawFeature `json:"features"`
}

type rawFeature struct {
	Type       string        `json:"type"`
	Properties rawProperties `json:"properties"`
	Geometry   *rawGeometry  `json:"geometry"`
}

// rawProperties keeps only what the renderer uses; other properties are
// skipped by the decoder without being built.
type rawProperties struct {
	Layer any `json:"layer"`
	Name  any `json:"name"`
}

type rawGeometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

// readFile opens path, transparently un-gzipping it (by magic number, so a
// .geojson.gz and a plain .geojson both work whatever their names).
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("tiles: open basemap: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, 1<<16)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, &DataError{Path: path, Feature: -1, Reason: "bad gzip header: " + err.Error()}
		}
		defer zr.Close()
		r = zr
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, &DataError{Path: path, Feature: -1, Reason: "read: " + err.Error()}
	}
	return b, nil
}

// parse decodes a GeoJSON FeatureCollection into drawable features. Features
// whose layer is not one the renderer knows are skipped and counted.
func parse(path string, data []byte) (feats []feature, skipped int, err error) {
	var fc rawCollection
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&fc); err != nil {
		return nil, 0, &DataError{Path: path, Feature: -1, Reason: "not valid JSON: " + err.Error()}
	}
	if fc.Type != "FeatureCollection" {
		return nil, 0, &DataError{Path: path, Feature: -1, Reason: fmt.Sprintf("type is %q, want \"FeatureCollection\"", fc.Type)}
	}
	for i, rf := range fc.Features {
		f, ok, err := convert(rf)
		if err != nil {
			return nil, 0, &DataError{Path: path, Feature: i, Reason: err.Error()}
		}
		if !ok {
			skipped++
			continue
		}
		feats = append(feats, f)
	}
	if len(feats) == 0 {
		return nil, skipped, &DataError{Path: path, Feature: -1, Reason: "no features with a known properties.layer (want e.g. \"land-polygons-clip\", \"primaryroads\")"}
	}
	return feats, skipped, nil
}

// convert turns one raw feature into a drawable one; ok is false for a
// feature of an unknown layer or without geometry.
func convert(rf rawFeature) (f feature, ok bool, err error) {
	if rf.Type != "Feature" {
		return f, false, fmt.Errorf("type is %q, want \"Feature\"", rf.Type)
	}
	layerName, _ := rf.Properties.Layer.(string)
	if layerName == "" {
		return f, false, fmt.Errorf("properties.layer is missing")
	}
	id, known := layerByName[layerName]
	if !known || rf.Geometry == nil {
		return f, false, nil
	}
	f.layer = id
	f.name, _ = rf.Properties.Name.(string)
	f.name = strings.TrimSpace(f.name)
	if err := decodeGeometry(&f, rf.Geometry); err != nil {
		return f, false, err
	}
	f.box = emptyBox()
	for _, poly := range f.polys {
		for _, ring := range poly {
			for _, p := range ring {
				f.box.add(p)
			}
		}
	}
	return f, !f.box.empty(), nil
}

func decodeGeometry(f *feature, g *rawGeometry) error {
	var err error
	switch g.Type {
	case "Point":
		var c []float64
		if c, err = coords(g.Coordinates, (*numReader).arr1); err == nil {
			var p pt
			if p, err = toPt(c); err == nil {
				f.kind, f.polys = kindPoint, [][][]pt{{{p}}}
			}
		}
	case "LineString":
		var c [][]float64
		if c, err = coords(g.Coordinates, (*numReader).arr2); err == nil {
			var line []pt
			if line, err = toLine(c, 2); err == nil {
				f.kind, f.polys = kindLine, [][][]pt{{line}}
			}
		}
	case "MultiLineString":
		var c [][][]float64
		if c, err = coords(g.Coordinates, (*numReader).arr3); err == nil {
			lines := make([][]pt, 0, len(c))
			for _, lc := range c {
				var line []pt
				if line, err = toLine(lc, 2); err != nil {
					break
				}
				lines = append(lines, line)
			}
			f.kind, f.polys = kindLine, [][][]pt{lines}
		}
	case "Polygon":
		var c [][][]float64
		if c, err = coords(g.Coordinates, (*numReader).arr3); err == nil {
			var poly [][]pt
			if poly, err = toPolygon(c); err == nil {
				f.kind, f.polys = kindArea, [][][]pt{poly}
			}
		}
	case "MultiPolygon":
		var c [][][][]float64
		if c, err = coords(g.Coordinates, (*numReader).arr4); err == nil {
			for _, pc := range c {
				var poly [][]pt
				if poly, err = toPolygon(pc); err != nil {
					break
				}
				f.polys = append(f.polys, poly)
			}
			f.kind = kindArea
		}
	default:
		return fmt.Errorf("geometry type %q is not supported (Point, LineString, MultiLineString, Polygon, MultiPolygon)", g.Type)
	}
	if err != nil {
		return fmt.Errorf("%s coordinates: %v", g.Type, err)
	}
	return nil
}

func toPt(c []float64) (pt, error) {
	if len(c) < 2 {
		return pt{}, fmt.Errorf("a position needs 2 numbers, got %d", len(c))
	}
	lon, lat := c[0], c[1]
	if math.IsNaN(lon) || math.IsNaN(lat) || lon < -180 || lon > 180 || lat < -90 || lat > 90 {
		return pt{}, fmt.Errorf("position [%g, %g] is not WGS84 lon/lat", lon, lat)
	}
	return project(lon, lat), nil
}

func toLine(c [][]float64, min int) ([]pt, error) {
	if len(c) < min {
		return nil, fmt.Errorf("a line needs at least %d positions, got %d", min, len(c))
	}
	out := make([]pt, len(c))
	for i, p := range c {
		q, err := toPt(p)
		if err != nil {
			return nil, err
		}
		out[i] = q
	}
	return out, nil
}

// toPolygon converts rings and normalises their winding: the outer ring
// positive (counter-clockwise in lon/lat, clockwise on screen), holes the
// opposite, so the non-zero rule cuts holes whatever the file's winding.
func toPolygon(c [][][]float64) ([][]pt, error) {
	if len(c) == 0 {
		return nil, fmt.Errorf("a polygon needs at least one ring")
	}
	rings := make([][]pt, 0, len(c))
	for i, rc := range c {
		ring, err := toLine(rc, 4)
		if err != nil {
			return nil, fmt.Errorf("ring %d: %v", i, err)
		}
		outer := i == 0
		if (signedArea(ring) > 0) != outer {
			reverse(ring)
		}
		rings = append(rings, ring)
	}
	return rings, nil
}

func signedArea(r []pt) float64 {
	var a float64
	for i := range r {
		j := (i + 1) % len(r)
		a += r[i].X*r[j].Y - r[j].X*r[i].Y
	}
	return a / 2
}

func reverse(r []pt) {
	for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
		r[i], r[j] = r[j], r[i]
	}
}
