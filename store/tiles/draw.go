package tiles

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"

	"github.com/fogleman/gg"
	"golang.org/x/image/font"
)

// lineMargin is how far outside a tile lines and areas are looked for: the
// widest road's half width, with room to spare.
const lineMargin = 16

// canvas draws one tile: gg context plus the mapping from normalised
// mercator units to the tile's pixels.
type canvas struct {
	dc     *gg.Context
	z      int
	scale  float64 // pixels per normalised unit
	ox, oy float64 // pixel offset of the tile in the world
	zi     int     // z - MinZoom
	// scratch buffers for path building
	buf, clip, tmp []pt
}

func (c *canvas) px(p pt) (float64, float64) {
	return p.X*c.scale - c.ox, p.Y*c.scale - c.oy
}

// render draws tile z/x/y and encodes it as PNG. Output depends only on
// the data and the arguments, so goldens hold.
func (r *Renderer) render(z, x, y int) ([]byte, error) {
	img := image.NewRGBA(image.Rect(0, 0, TileSize, TileSize))
	c := &canvas{
		dc:    gg.NewContextForRGBA(img),
		z:     z,
		zi:    z - MinZoom,
		scale: float64(TileSize) * float64(int(1)<<z),
		ox:    float64(x * TileSize),
		oy:    float64(y * TileSize),
	}
	c.dc.SetColor(colLand)
	c.dc.Clear()
	c.dc.SetLineCapRound()
	c.dc.SetLineJoinRound()

	box := tileBox(z, x, y)
	ids := r.idx.query(grow(box, lineMargin/c.scale))
	var byLayer [numLayers][]*feature
	for _, i := range ids {
		f := &r.idx.feats[i]
		byLayer[f.layer] = append(byLayer[f.layer], f)
	}
	for l := layerLand; l <= layerWater; l++ {
		c.fillAreas(l, byLayer[l])
	}
	c.railways(byLayer[layerRailways])
	for l := layerResidential; l <= layerMotorway; l++ {
		c.roads(l, byLayer[l])
	}
	if err := r.labels(c); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func grow(b bbox, d float64) bbox {
	return bbox{b.MinX - d, b.MinY - d, b.MaxX + d, b.MaxY + d}
}

// path adds a feature's rings or lines to the current path, in pixels,
// skipping vertices closer than a third of a pixel to the last one kept.
// Lines keep only segments near the tile; rings are clipped to a box just
// larger than the tile. Either way the rasteriser never walks the miles of
// geometry outside the tile.
func (c *canvas) path(f *feature, closed bool) {
	for _, poly := range f.polys {
		for _, ring := range poly {
			c.buf = c.pixels(c.buf[:0], ring)
			if closed {
				c.clip = clipRing(c.clip[:0], c.buf, -2, TileSize+2, &c.tmp)
				if len(c.clip) < 3 {
					continue
				}
				c.dc.MoveTo(c.clip[0].X, c.clip[0].Y)
				for _, p := range c.clip[1:] {
					c.dc.LineTo(p.X, p.Y)
				}
				c.dc.ClosePath()
				continue
			}
			c.lineNear(c.buf, lineMargin)
		}
	}
}

// pixels converts a ring or line to tile pixels, dropping vertices closer
// than a third of a pixel to the previous one kept (never the last).
func (c *canvas) pixels(dst, src []pt) []pt {
	const minStep = 1.0 / 3
	var last pt
	for i, p := range src {
		x, y := c.px(p)
		if i > 0 && i < len(src)-1 && abs(x-last.X) < minStep && abs(y-last.Y) < minStep {
			continue
		}
		last = pt{x, y}
		dst = append(dst, last)
	}
	return dst
}

// lineNear adds the parts of a pixel line within m pixels of the tile,
// each segment clipped to that box (the rasteriser slows down badly on
// lines thousands of pixels long), starting a new sub-path after each gap.
func (c *canvas) lineNear(line []pt, m float64) {
	lo, hi := -m, TileSize+m
	var pen pt
	down := false
	for i := 1; i < len(line); i++ {
		a, b, ok := clipSegment(line[i-1], line[i], lo, hi)
		if !ok {
			down = false
			continue
		}
		if !down || a != pen {
			c.dc.MoveTo(a.X, a.Y)
		}
		c.dc.LineTo(b.X, b.Y)
		pen, down = b, true
	}
}

func abs(v float64) float64 {
	if v < 0 {
		return -v
	}
	return v
}

// fillAreas fills every area of one layer in one pass (non-zero rule;
// rings were normalised at load, so holes stay open). Parks get an edge
// from zoom 14.
func (c *canvas) fillAreas(l layerID, fs []*feature) {
	n := 0
	for _, f := range fs {
		if f.kind == kindArea {
			c.path(f, true)
			n++
		}
	}
	if n == 0 {
		return
	}
	c.dc.SetFillRuleWinding()
	c.dc.SetColor(areaFill[l])
	if l == layerParks && c.z >= 14 {
		c.dc.FillPreserve()
		c.dc.SetColor(colParkEdge)
		c.dc.SetLineWidth(1)
		c.dc.Stroke()
		return
	}
	c.dc.Fill()
}

// strokeLines adds the lines of fs, and the outlines of any areas among
// them, to the path for stroking; it reports whether there were any.
func (c *canvas) strokeLines(fs []*feature) bool {
	n := 0
	for _, f := range fs {
		if f.kind != kindPoint {
			c.path(f, false) // rings as closed lines: never clipped to a box whose edges would show
			n++
		}
	}
	return n > 0
}

// railways: a grey line with white dashes from zoom 14, a thin grey dashed
// line below. Dashes are phased by the distance along each line, so they
// continue across tile edges.
func (c *canvas) railways(fs []*feature) {
	w := 1.0 + 0.4*float64(c.zi)
	if c.z < 14 {
		c.dc.SetColor(colRail)
		c.dc.SetLineWidth(w)
		c.dashed(fs, 4, 3)
		return
	}
	if !c.strokeLines(fs) {
		return
	}
	c.dc.SetColor(colRail)
	c.dc.SetLineWidth(w)
	c.dc.Stroke()
	c.dc.SetColor(color.White)
	c.dc.SetLineWidth(w * 0.45)
	c.dc.SetLineCapButt()
	c.dashed(fs, w*3, w*3)
	c.dc.SetLineCapRound()
}

// dashed strokes the lines of fs with the current colour and width in
// dashes of on, off pixels, each visible piece phased by its distance from
// the start of its line.
func (c *canvas) dashed(fs []*feature, on, off float64) {
	lo, hi := -float64(lineMargin), float64(TileSize+lineMargin)
	c.dc.SetDash(on, off)
	defer c.dc.SetDash()
	for _, f := range fs {
		if f.kind != kindLine {
			continue
		}
		for _, line := range f.polys[0] {
			c.buf = c.pixels(c.buf[:0], line)
			along, down := 0.0, false
			var pen pt
			for i := 1; i < len(c.buf); i++ {
				p, q := c.buf[i-1], c.buf[i]
				a, b, ok := clipSegment(p, q, lo, hi)
				if ok && (!down || a != pen) {
					if down {
						c.dc.Stroke()
					}
					c.dc.SetDashOffset(along + math.Hypot(a.X-p.X, a.Y-p.Y))
					c.dc.MoveTo(a.X, a.Y)
				}
				if ok {
					c.dc.LineTo(b.X, b.Y)
					pen = b
				} else if down {
					c.dc.Stroke()
				}
				down = ok
				along += math.Hypot(q.X-p.X, q.Y-p.Y)
			}
			if down {
				c.dc.Stroke()
			}
		}
	}
	c.dc.SetDashOffset(0)
}

// roads draws one class: its casing, then its fill, each in one pass.
func (c *canvas) roads(l layerID, fs []*feature) {
	st := roadStyles[l]
	if c.z < st.minZoom || !c.strokeLines(fs) {
		return
	}
	if l == layerResidential && c.z <= 12 {
		c.dc.SetColor(residentialAtLowZoom)
		c.dc.SetLineWidth(st.fill[c.zi])
		c.dc.Stroke()
		return
	}
	if w := st.casing[c.zi]; w > 0 {
		c.dc.SetColor(st.caseCol)
		c.dc.SetLineWidth(w)
		c.dc.StrokePreserve()
	}
	c.dc.SetColor(st.fillCol)
	c.dc.SetLineWidth(st.fill[c.zi])
	c.dc.Stroke()
}

// labels draws the place names placed for this zoom whose box touches
// the tile. Placement is global (see placeLabels), so a name crossing a
// tile edge is drawn whole on both sides and names never overlap.
func (r *Renderer) labels(c *canvas) error {
	placed, err := r.placed(c.z)
	if err != nil {
		return err
	}
	tile := bbox{c.ox, c.oy, c.ox + TileSize, c.oy + TileSize}
	var face font.Face
	var cur *labelKind
	defer func() {
		if face != nil {
			face.Close()
		}
	}()
	for i := range placed {
		l := &placed[i]
		if !l.box.intersects(tile) {
			continue
		}
		if l.kind != cur {
			if face != nil {
				face.Close()
			}
			if face, err = l.kind.face(c.z); err != nil {
				return err
			}
			c.dc.SetFontFace(face)
			cur = l.kind
		}
		x, y := l.x-c.ox, l.y-c.oy
		if l.angle == 0 {
			c.haloText(l.text, x, y, l.kind.col)
			continue
		}
		c.dc.Push()
		c.dc.RotateAbout(l.angle, x, y)
		c.haloText(l.text, x, y, l.kind.col)
		c.dc.Pop()
	}
	return nil
}

// haloText draws s centred on x, y with a white halo for legibility.
func (c *canvas) haloText(s string, x, y float64, col color.Color) {
	c.dc.SetColor(colHalo)
	for _, d := range [][2]float64{{-1.5, 0}, {1.5, 0}, {0, -1.5}, {0, 1.5}, {-1, -1}, {1, 1}, {-1, 1}, {1, -1}} {
		c.dc.DrawStringAnchored(s, x+d[0], y+d[1], 0.5, 0.5)
	}
	c.dc.SetColor(col)
	c.dc.DrawStringAnchored(s, x, y, 0.5, 0.5)
}
