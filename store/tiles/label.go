package tiles

import (
	"image/color"
	"math"
	"sort"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
)

var (
	fontsOnce                   sync.Once
	boldFont, italFont, regFont *opentype.Font
	fontsErr                    error
)

func loadFonts() error {
	fontsOnce.Do(func() {
		if boldFont, fontsErr = opentype.Parse(gobold.TTF); fontsErr != nil {
			return
		}
		if italFont, fontsErr = opentype.Parse(goitalic.TTF); fontsErr != nil {
			return
		}
		regFont, fontsErr = opentype.Parse(goregular.TTF)
	})
	return fontsErr
}

// labelKind is a class of label: which features, at which zooms, in which
// font.
type labelKind struct {
	layers     []layerID
	minZ, maxZ int
	font       **opentype.Font
	size0      float64 // size at minZ
	grow       float64 // size added per zoom level
	col        color.RGBA
	street     bool // drawn along a line, not at a point
}

// labelKinds in placement priority: earlier kinds win collisions.
var labelKinds = []*labelKind{
	{layers: []layerID{layerCities}, minZ: 11, maxZ: 13, font: &boldFont, size0: 12, grow: 1.5, col: rgb(0x222222)},
	{layers: []layerID{layerNeighborhoods}, minZ: 14, maxZ: 16, font: &italFont, size0: 11, grow: 1, col: colLabel},
	{layers: []layerID{layerMotorway, layerPrimary, layerSecondary}, minZ: 15, maxZ: 17, font: &regFont, size0: 10, grow: 0.5, col: rgb(0x333333), street: true},
	{layers: []layerID{layerTertiary, layerResidential}, minZ: 16, maxZ: 17, font: &regFont, size0: 10, grow: 0.5, col: rgb(0x444444), street: true},
}

func (k *labelKind) face(z int) (font.Face, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	size := k.size0 + k.grow*float64(z-k.minZ)
	return opentype.NewFace(*k.font, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
}

func (k *labelKind) has(l layerID) bool {
	for _, x := range k.layers {
		if x == l {
			return true
		}
	}
	return false
}

// placedLabel is a label accepted at one zoom, in world pixels.
type placedLabel struct {
	kind  *labelKind
	text  string
	x, y  float64 // centre
	angle float64 // radians, for street names
	// hw, hh are half the width and height of the text's (turned) box,
	// with room for the halo; box is its axis-aligned bounds.
	hw, hh float64
	box    bbox
}

// overlaps tests two labels' turned boxes (separating axis test).
func (a *placedLabel) overlaps(b *placedLabel) bool {
	if !a.box.intersects(b.box) {
		return false
	}
	if a.angle == 0 && b.angle == 0 {
		return true
	}
	dx, dy := b.x-a.x, b.y-a.y
	axes := func(l *placedLabel) [2][2]float64 {
		c, s := math.Cos(l.angle), math.Sin(l.angle)
		return [2][2]float64{{c, s}, {-s, c}}
	}
	ea, eb := axes(a), axes(b)
	radius := func(l *placedLabel, e [2][2]float64, u [2]float64) float64 {
		return l.hw*math.Abs(e[0][0]*u[0]+e[0][1]*u[1]) + l.hh*math.Abs(e[1][0]*u[0]+e[1][1]*u[1])
	}
	for _, u := range [4][2]float64{ea[0], ea[1], eb[0], eb[1]} {
		if math.Abs(dx*u[0]+dy*u[1]) > radius(a, ea, u)+radius(b, eb, u) {
			return false
		}
	}
	return true
}

// zoomLabels caches the placement for one zoom.
type zoomLabels struct {
	once   sync.Once
	labels []placedLabel
	err    error
}

// placed returns the labels of zoom z, placing them on first use.
func (r *Renderer) placed(z int) ([]placedLabel, error) {
	zl := &r.labelZooms[z-MinZoom]
	zl.once.Do(func() { zl.labels, zl.err = r.placeLabels(z) })
	return zl.labels, zl.err
}

// candidate is a label before collision checks.
type candidate struct {
	placedLabel
	prio float64 // higher first within a kind
}

// placeLabels chooses the labels of zoom z greedily, in kind priority
// (then the longest street segments first, then file order), dropping any
// that would overlap one already placed or repeat a street name nearby.
// The result depends only on the data, so tiles agree at their edges.
func (r *Renderer) placeLabels(z int) ([]placedLabel, error) {
	scale := float64(TileSize) * math.Exp2(float64(z))
	var out []placedLabel
	taken := newBoxGrid(256)
	lastByName := map[string][]int{} // street name -> indexes in out
	for _, k := range labelKinds {
		if z < k.minZ || z > k.maxZ {
			continue
		}
		face, err := k.face(z)
		if err != nil {
			return nil, err
		}
		cands := r.candidates(k, face, scale)
		face.Close()
		sort.SliceStable(cands, func(i, j int) bool { return cands[i].prio > cands[j].prio })
		for _, c := range cands {
			if taken.hits(&c.placedLabel) || (k.street && repeats(out, lastByName[c.text], c.placedLabel)) {
				continue
			}
			taken.add(c.placedLabel)
			if k.street {
				lastByName[c.text] = append(lastByName[c.text], len(out))
			}
			out = append(out, c.placedLabel)
		}
	}
	return out, nil
}

// repeats reports whether a street name is already shown within 320 px.
func repeats(out []placedLabel, same []int, l placedLabel) bool {
	for _, i := range same {
		if math.Hypot(out[i].x-l.x, out[i].y-l.y) < 320 {
			return true
		}
	}
	return false
}

// candidates lists kind k's possible labels at the given scale.
func (r *Renderer) candidates(k *labelKind, face font.Face, scale float64) []candidate {
	m := face.Metrics()
	h := float64(m.Ascent+m.Descent) / 64
	const pad = 4
	widths := map[string]float64{}
	var out []candidate
	for i := range r.idx.feats {
		f := &r.idx.feats[i]
		if !k.has(f.layer) || f.name == "" {
			continue
		}
		w, ok := widths[f.name]
		if !ok {
			w = float64(font.MeasureString(face, f.name)) / 64
			widths[f.name] = w
		}
		if !k.street {
			if f.kind != kindPoint {
				continue
			}
			p := f.polys[0][0][0]
			l := placedLabel{kind: k, text: f.name, x: p.X * scale, y: p.Y * scale}
			l.hw, l.hh = w/2+pad, h/2+pad
			l.box = bbox{l.x - l.hw, l.y - l.hh, l.x + l.hw, l.y + l.hh}
			out = append(out, candidate{placedLabel: l})
			continue
		}
		if f.kind != kindLine {
			continue
		}
		// Every straight segment long enough is a candidate; the
		// repeat rule keeps one per stretch of street.
		for _, line := range f.polys[0] {
			for i := 1; i < len(line); i++ {
				a := pt{line[i-1].X * scale, line[i-1].Y * scale}
				b := pt{line[i].X * scale, line[i].Y * scale}
				if length := math.Hypot(b.X-a.X, b.Y-a.Y); length >= w+16 {
					out = append(out, candidate{placedLabel: streetLabel(k, f.name, a, b, w, h), prio: length})
				}
			}
		}
	}
	return out
}

// streetLabel centres a name on segment a-b, turned along it and never
// upside down.
func streetLabel(k *labelKind, name string, a, b pt, w, h float64) placedLabel {
	const pad = 4
	l := placedLabel{kind: k, text: name, x: (a.X + b.X) / 2, y: (a.Y + b.Y) / 2}
	l.angle = math.Atan2(b.Y-a.Y, b.X-a.X)
	if l.angle > math.Pi/2 {
		l.angle -= math.Pi
	} else if l.angle < -math.Pi/2 {
		l.angle += math.Pi
	}
	l.hw, l.hh = w/2+pad, h/2+1
	cos, sin := math.Abs(math.Cos(l.angle)), math.Abs(math.Sin(l.angle))
	hw := l.hw*cos + l.hh*sin
	hh := l.hw*sin + l.hh*cos
	l.box = bbox{l.x - hw, l.y - hh, l.x + hw, l.y + hh}
	return l
}

// labelGrid finds overlapping labels quickly: a hash of cells to the
// labels whose bounds touch them.
type labelGrid struct {
	cell  float64
	cells map[[2]int][]placedLabel
}

func newBoxGrid(cell float64) *labelGrid {
	return &labelGrid{cell: cell, cells: map[[2]int][]placedLabel{}}
}

func (g *labelGrid) span(b bbox) (x0, y0, x1, y1 int) {
	return int(math.Floor(b.MinX / g.cell)), int(math.Floor(b.MinY / g.cell)),
		int(math.Floor(b.MaxX / g.cell)), int(math.Floor(b.MaxY / g.cell))
}

func (g *labelGrid) hits(l *placedLabel) bool {
	x0, y0, x1, y1 := g.span(l.box)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			for i := range g.cells[[2]int{x, y}] {
				if g.cells[[2]int{x, y}][i].overlaps(l) {
					return true
				}
			}
		}
	}
	return false
}

func (g *labelGrid) add(l placedLabel) {
	x0, y0, x1, y1 := g.span(l.box)
	for y := y0; y <= y1; y++ {
		for x := x0; x <= x1; x++ {
			k := [2]int{x, y}
			g.cells[k] = append(g.cells[k], l)
		}
	}
}
