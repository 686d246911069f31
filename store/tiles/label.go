package tiles

import (
	"image/color"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goitalic"
	"golang.org/x/image/font/opentype"
)

var (
	fontsOnce          sync.Once
	boldFont, italFont *opentype.Font
	fontsErr           error
)

func loadFonts() error {
	fontsOnce.Do(func() {
		if boldFont, fontsErr = opentype.Parse(gobold.TTF); fontsErr != nil {
			return
		}
		italFont, fontsErr = opentype.Parse(goitalic.TTF)
	})
	return fontsErr
}

// labelKind is a class of place label: which layer, at which zooms, in
// which font.
type labelKind struct {
	layer      layerID
	minZ, maxZ int
	bold       bool
	size0      float64 // size at minZ
	grow       float64 // size added per zoom level
	col        color.RGBA
}

// labelKinds in placement priority: earlier kinds win collisions.
var labelKinds = []*labelKind{
	{layer: layerCities, minZ: 11, maxZ: 13, bold: true, size0: 12, grow: 1.5, col: rgb(0x222222)},
	{layer: layerNeighborhoods, minZ: 14, maxZ: 16, size0: 11, grow: 1, col: colLabel},
}

func (k *labelKind) face(z int) (font.Face, error) {
	if err := loadFonts(); err != nil {
		return nil, err
	}
	f := italFont
	if k.bold {
		f = boldFont
	}
	size := k.size0 + k.grow*float64(z-k.minZ)
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
}

// placedLabel is a label accepted at one zoom, in world pixels.
type placedLabel struct {
	kind *labelKind
	text string
	x, y float64 // centre
	box  bbox    // with its halo and a little room
}

// placed returns the labels of zoom z, placing them on first use.
func (r *Renderer) placed(z int) ([]placedLabel, error) {
	zl := &r.labelZooms[z-MinZoom]
	zl.once.Do(func() { zl.labels, zl.err = r.placeLabels(z) })
	return zl.labels, zl.err
}

// zoomLabels caches the placement for one zoom.
type zoomLabels struct {
	once   sync.Once
	labels []placedLabel
	err    error
}

// placeLabels chooses the labels of zoom z greedily, in kind priority then
// file order, dropping any that would overlap one already placed. The
// result depends only on the data, so tiles agree at their edges.
func (r *Renderer) placeLabels(z int) ([]placedLabel, error) {
	scale := float64(TileSize) * math.Exp2(float64(z))
	var out []placedLabel
	for _, k := range labelKinds {
		if z < k.minZ || z > k.maxZ {
			continue
		}
		face, err := k.face(z)
		if err != nil {
			return nil, err
		}
		m := face.Metrics()
		h := float64(m.Ascent+m.Descent) / 64
		for i := range r.idx.feats {
			f := &r.idx.feats[i]
			if f.layer != k.layer || f.kind != kindPoint || f.name == "" {
				continue
			}
			w := float64(font.MeasureString(face, f.name)) / 64
			p := f.polys[0][0][0]
			l := placedLabel{kind: k, text: f.name, x: p.X * scale, y: p.Y * scale}
			const pad = 4
			l.box = bbox{l.x - w/2 - pad, l.y - h/2 - pad, l.x + w/2 + pad, l.y + h/2 + pad}
			if !collides(out, l.box) {
				out = append(out, l)
			}
		}
		face.Close()
	}
	return out, nil
}

func collides(ls []placedLabel, b bbox) bool {
	for i := range ls {
		if ls[i].box.intersects(b) {
			return true
		}
	}
	return false
}
