package mapview

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"
	"time"

	sm "github.com/flopp/go-staticmaps"
	"github.com/fogleman/gg"
	"github.com/golang/geo/s2"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/vector"
)

// attributionBand is the height kept free at the bottom for the credit.
const attributionBand = 16

var (
	fontsOnce         sync.Once
	regular, boldFace *opentype.Font
	fontsErr          error
)

func newFace(bold bool, size float64) (font.Face, error) {
	fontsOnce.Do(func() {
		if regular, fontsErr = opentype.Parse(goregular.TTF); fontsErr == nil {
			boldFace, fontsErr = opentype.Parse(gobold.TTF)
		}
	})
	if fontsErr != nil {
		return nil, fontsErr
	}
	f := regular
	if bold {
		f = boldFace
	}
	return opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull})
}

// Color is the colour of the sighting of time rank (0 = oldest) among n:
// from blue through violet and magenta to red.
func Color(rank, n int) color.RGBA {
	t := 1.0
	if n > 1 {
		t = float64(rank) / float64(n-1)
	}
	return hsv(225+135*t, 0.85, 0.80+0.05*t)
}

func hsv(h, s, v float64) color.RGBA {
	h = math.Mod(h, 360) / 60
	c := v * s
	x := c * (1 - math.Abs(math.Mod(h, 2)-1))
	var r, g, b float64
	switch int(h) {
	case 0:
		r, g, b = c, x, 0
	case 1:
		r, g, b = x, c, 0
	case 2:
		r, g, b = 0, c, x
	case 3:
		r, g, b = 0, x, c
	case 4:
		r, g, b = x, 0, c
	default:
		r, g, b = c, 0, x
	}
	m := v - c
	return color.RGBA{uint8(math.Round((r + m) * 255)), uint8(math.Round((g + m) * 255)), uint8(math.Round((b + m) * 255)), 0xff}
}

// tileLayer draws fetched tiles; an sm.MapObject so it sits under the
// overlay in go-staticmaps' drawing order.
type tileLayer struct {
	tiles  map[tileID]*image.RGBA
	center s2.LatLng
}

func (*tileLayer) Bounds() s2.Rect                                         { return s2.EmptyRect() }
func (*tileLayer) ExtraMarginPixels() (float64, float64, float64, float64) { return 0, 0, 0, 0 }

// Draw places each tile relative to the map centre, whose pixel the
// transformer gives exactly (tile corners off the image's left edge would
// be wrapped around the world by LatLngToXY).
func (l *tileLayer) Draw(gc *gg.Context, trans *sm.Transformer) {
	dst, ok := gc.Image().(*image.RGBA)
	if !ok || len(l.tiles) == 0 {
		return
	}
	cx, cy := trans.LatLngToXY(l.center)
	mx, my := mercator(l.center.Lat.Degrees(), l.center.Lng.Degrees())
	for id, img := range l.tiles {
		world := 256 * math.Exp2(float64(id.z))
		x := int(math.Round(cx + float64(id.x)*256 - mx*world))
		y := int(math.Round(cy + float64(id.y)*256 - my*world))
		// Tiles were washed and made opaque when fetched: a plain copy.
		draw.Draw(dst, image.Rect(x, y, x+img.Rect.Dx(), y+img.Rect.Dy()), img, image.Point{}, draw.Src)
	}
}

// overlay draws the path, markers and labels, recording where markers go.
type overlay struct {
	s      []Sighting
	order  []int // sighting indexes in time order
	rank   []int // rank[i]: position of sighting i in time order
	center s2.LatLng
	radius int
	labels []string
	// filled by Draw: marker centres in go-staticmaps' uncropped image,
	// and the crop offset
	pos        []pointF
	offX, offY int
	err        error
	seg        segmenter
	w, h       int // the final image's size
}

type pointF struct{ X, Y float64 }

func newOverlay(opt Options, s []Sighting, order []int, center s2.LatLng) *overlay {
	o := &overlay{s: s, order: order, center: center, rank: make([]int, len(s)), radius: 10}
	if len(s) >= 100 {
		o.radius = 12
	}
	for r, i := range order {
		o.rank[i] = r
	}
	o.labels = timeLabels(s, opt)
	o.offX, o.offY = opt.Width/2, opt.Height/2
	o.w, o.h = opt.Width, opt.Height
	return o
}

func (*overlay) Bounds() s2.Rect                                         { return s2.EmptyRect() }
func (*overlay) ExtraMarginPixels() (float64, float64, float64, float64) { return 0, 0, 0, 0 }

// Draw is called by go-staticmaps with the transformer that places
// everything on this map.
func (o *overlay) Draw(gc *gg.Context, trans *sm.Transformer) {
	cx, cy := trans.LatLngToXY(o.center)
	// go-staticmaps crops the image at (pCenter - size/2); pCenter is
	// the centre's pixel, an integer.
	o.offX, o.offY = int(cx)-o.offX, int(cy)-o.offY
	o.pos = make([]pointF, len(o.s))
	for i, x := range o.s {
		px, py := trans.LatLngToXY(s2.LatLngFromDegrees(x.Lat, x.Lon))
		o.pos[i] = pointF{px, py}
	}
	hubs := o.fanOut()
	o.drawSpokes(gc, hubs)
	o.drawPath(gc)
	o.err = o.drawMarkers(gc)
}

// hub is a place (pixel) where several sightings fall, and those
// sightings in time order.
type hub struct {
	at      pointF
	members []int
}

// fanOut spreads the markers of sightings that share a pixel (one camera
// read several times) around it, in time order clockwise from the top, so
// each can be seen and clicked; a small ring for a few, a sunflower
// spiral for many. It returns the shared places.
func (o *overlay) fanOut() []hub {
	groups := map[image.Point][]int{}
	var keys []image.Point
	for _, i := range o.order {
		k := image.Pt(int(math.Round(o.pos[i].X)), int(math.Round(o.pos[i].Y)))
		if len(groups[k]) == 0 {
			keys = append(keys, k)
		}
		groups[k] = append(groups[k], i)
	}
	gap := 2*float64(o.radius) + 5 // centre to centre
	var hubs []hub
	for _, k := range keys {
		g := groups[k]
		if len(g) < 2 {
			continue
		}
		c := o.pos[g[0]]
		hubs = append(hubs, hub{at: c, members: g})
		n := float64(len(g))
		for j, i := range g {
			var r, a float64
			if len(g) <= 8 {
				r = math.Max(float64(o.radius)+6, gap/(2*math.Sin(math.Pi/n)))
				a = 2 * math.Pi * float64(j) / n
			} else {
				r = gap * 0.62 * math.Sqrt(float64(j)+0.7)
				a = float64(j) * 2.399963 // the golden angle
			}
			o.pos[i] = pointF{c.X + r*math.Sin(a), c.Y - r*math.Cos(a)}
		}
	}
	return hubs
}

// drawSpokes draws, for each shared place, a dot at the true position and
// thin lines out to its fanned markers.
func (o *overlay) drawSpokes(gc *gg.Context, hubs []hub) {
	for _, h := range hubs {
		gc.SetRGBA(0.15, 0.15, 0.15, 0.6)
		gc.SetLineWidth(1.2)
		for _, i := range h.members {
			gc.MoveTo(h.at.X, h.at.Y)
			gc.LineTo(o.pos[i].X, o.pos[i].Y)
			gc.Stroke()
		}
		gc.SetRGB(1, 1, 1)
		gc.DrawCircle(h.at.X, h.at.Y, 4.5)
		gc.Fill()
		gc.SetRGB(0.15, 0.15, 0.15)
		gc.DrawCircle(h.at.X, h.at.Y, 3)
		gc.Fill()
	}
}

// points returns marker centres in the cropped image.
func (o *overlay) points() []image.Point {
	out := make([]image.Point, len(o.pos))
	for i, p := range o.pos {
		out[i] = image.Pt(int(math.Round(p.X))-o.offX, int(math.Round(p.Y))-o.offY)
	}
	return out
}

func (o *overlay) drawPath(gc *gg.Context) {
	n := len(o.order)
	dst, ok := gc.Image().(*image.RGBA)
	if n < 2 || !ok {
		return
	}
	// The white casing is one shape (all quads wind the same way, so
	// overlaps merge), drawn in one pass.
	var casing [][]pointF
	for k := 1; k < n; k++ {
		if q := quad(o.pos[o.order[k-1]], o.pos[o.order[k]], 0, 1, 6.5); q != nil {
			casing = append(casing, q)
		}
	}
	o.seg.fill(dst, casing, color.White)
	for k := 1; k < n; k++ {
		a, b := o.pos[o.order[k-1]], o.pos[o.order[k]]
		c := mid(Color(k-1, n), Color(k, n))
		o.seg.line(dst, a, b, 3.5, c)
		o.arrow(gc, a, b, c)
	}
}

// segmenter fills shapes with an antialiasing rasteriser sized to each
// shape's box, much faster than gg (freetype) for many small shapes.
type segmenter struct {
	r vector.Rasterizer
}

// slab is the width of the pieces a coloured line is drawn in. Each piece
// is the line's rectangle cut between two pixel-aligned lines across it
// (vertical cuts for a mostly horizontal line, else horizontal ones) and
// rasterised in its own small box, so the cost follows the line's area
// rather than its bounding box, and no pixel is shared between pieces
// (no seams). The markers cover the ends, so no caps are needed.
const slab = 16

// quad returns the rectangle along a-b from fraction t0 to t1 of its
// length, width wide, or nil for a segment too short to draw.
func quad(a, b pointF, t0, t1, width float64) []pointF {
	dx, dy := b.X-a.X, b.Y-a.Y
	l := math.Hypot(dx, dy)
	if l < 0.5 {
		return nil
	}
	nx, ny := -dy/l*width/2, dx/l*width/2
	p := pointF{a.X + dx*t0, a.Y + dy*t0}
	q := pointF{a.X + dx*t1, a.Y + dy*t1}
	return []pointF{{p.X + nx, p.Y + ny}, {q.X + nx, q.Y + ny}, {q.X - nx, q.Y - ny}, {p.X - nx, p.Y - ny}}
}

// line draws segment a-b in pixel-aligned pieces.
func (s *segmenter) line(dst *image.RGBA, a, b pointF, width float64, c color.Color) {
	q := quad(a, b, 0, 1, width)
	if q == nil {
		return
	}
	alongX := math.Abs(b.X-a.X) >= math.Abs(b.Y-a.Y)
	coord := func(p pointF) float64 {
		if alongX {
			return p.X
		}
		return p.Y
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range q {
		lo, hi = math.Min(lo, coord(p)), math.Max(hi, coord(p))
	}
	var buf, piece []pointF
	for k := math.Floor(lo); k < hi; k += slab {
		buf = cutAxis(buf[:0], q, alongX, k, true)
		piece = cutAxis(piece[:0], buf, alongX, k+slab, false)
		if len(piece) >= 3 {
			s.fill(dst, [][]pointF{piece}, c)
		}
	}
}

// cutAxis clips a convex polygon to the half-plane x >= v (keepAbove) or
// x <= v, or the same in y when alongX is false.
func cutAxis(dst, poly []pointF, alongX bool, v float64, keepAbove bool) []pointF {
	coord := func(p pointF) float64 {
		if alongX {
			return p.X
		}
		return p.Y
	}
	in := func(p pointF) bool { return (coord(p) >= v) == keepAbove || coord(p) == v }
	cross := func(a, b pointF) pointF {
		t := (v - coord(a)) / (coord(b) - coord(a))
		if alongX {
			return pointF{v, a.Y + t*(b.Y-a.Y)}
		}
		return pointF{a.X + t*(b.X-a.X), v}
	}
	if len(poly) == 0 {
		return dst
	}
	prev := poly[len(poly)-1]
	for _, cur := range poly {
		switch ci, pi := in(cur), in(prev); {
		case ci && pi:
			dst = append(dst, cur)
		case ci:
			dst = append(dst, cross(prev, cur), cur)
		case pi:
			dst = append(dst, cross(prev, cur))
		}
		prev = cur
	}
	return dst
}

// circle fills a disc.
func (s *segmenter) circle(dst *image.RGBA, c pointF, r float64, col color.Color) {
	const n = 40
	poly := make([]pointF, n)
	for i := range poly {
		a := 2 * math.Pi * float64(i) / n
		poly[i] = pointF{c.X + r*math.Cos(a), c.Y + r*math.Sin(a)}
	}
	s.fill(dst, [][]pointF{poly}, col)
}

// fill draws polygons (non-zero rule) in colour c over dst.
func (s *segmenter) fill(dst *image.RGBA, polys [][]pointF, c color.Color) {
	x0, y0 := math.Inf(1), math.Inf(1)
	x1, y1 := math.Inf(-1), math.Inf(-1)
	for _, poly := range polys {
		for _, p := range poly {
			x0, y0 = math.Min(x0, p.X), math.Min(y0, p.Y)
			x1, y1 = math.Max(x1, p.X), math.Max(y1, p.Y)
		}
	}
	// The rasteriser's (0, 0) is the box's corner; it clips what falls
	// outside, so the box is cut to the image first.
	box := image.Rect(int(math.Floor(x0)), int(math.Floor(y0)), int(math.Ceil(x1))+1, int(math.Ceil(y1))+1).Intersect(dst.Rect)
	if box.Empty() {
		return
	}
	ox, oy := float64(box.Min.X), float64(box.Min.Y)
	s.r.Reset(box.Dx(), box.Dy())
	for _, poly := range polys {
		s.r.MoveTo(float32(poly[0].X-ox), float32(poly[0].Y-oy))
		for _, p := range poly[1:] {
			s.r.LineTo(float32(p.X-ox), float32(p.Y-oy))
		}
		s.r.ClosePath()
	}
	s.r.DrawOp = draw.Over
	s.r.Draw(dst, box, image.NewUniform(c), image.Point{})
}

// arrow draws a small arrowhead half way along a segment long enough to
// show it beside the markers.
func (o *overlay) arrow(gc *gg.Context, a, b pointF, c color.Color) {
	dx, dy := b.X-a.X, b.Y-a.Y
	l := math.Hypot(dx, dy)
	if l < float64(4*o.radius+16) {
		return
	}
	ux, uy := dx/l, dy/l
	mx, my := a.X+dx/2, a.Y+dy/2
	const size = 7.0
	gc.MoveTo(mx+ux*size, my+uy*size)
	gc.LineTo(mx-ux*size-uy*size*0.8, my-uy*size+ux*size*0.8)
	gc.LineTo(mx-ux*size+uy*size*0.8, my-uy*size-ux*size*0.8)
	gc.ClosePath()
	gc.SetRGB(1, 1, 1)
	gc.SetLineWidth(2)
	gc.StrokePreserve()
	gc.SetColor(c)
	gc.Fill()
}

func mid(a, b color.RGBA) color.RGBA {
	return color.RGBA{uint8((int(a.R) + int(b.R)) / 2), uint8((int(a.G) + int(b.G)) / 2), uint8((int(a.B) + int(b.B)) / 2), 0xff}
}

// drawMarkers draws markers oldest first (newest on top), then as many
// time labels as fit without covering a marker or another label.
func (o *overlay) drawMarkers(gc *gg.Context) error {
	n := len(o.order)
	num, err := newFace(true, map[bool]float64{true: 10, false: 11}[n >= 100])
	if err != nil {
		return err
	}
	defer num.Close()
	dst, ok := gc.Image().(*image.RGBA)
	if !ok {
		return fmt.Errorf("go-staticmaps drew on %T, want *image.RGBA", gc.Image())
	}
	r := float64(o.radius)
	shadow := color.NRGBA{0, 0, 0, 0x59}
	gc.SetFontFace(num)
	for k, i := range o.order {
		p := o.pos[i]
		o.seg.circle(dst, pointF{p.X, p.Y + 1}, r+2, shadow)
		o.seg.circle(dst, p, r+2, color.White)
		o.seg.circle(dst, p, r, Color(k, n))
		gc.SetRGB(1, 1, 1)
		gc.DrawStringAnchored(fmt.Sprint(k+1), p.X, p.Y-1, 0.5, 0.35)
	}
	return o.drawLabels(gc)
}

// maxLabelTries bounds how many time labels are tried.
const maxLabelTries = 100

type rectF struct{ x0, y0, x1, y1 float64 }

func (a rectF) overlaps(b rectF) bool {
	return a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1
}

// drawLabels places labels right of their marker, else left, newest and
// oldest first, skipping any that would hide a marker or another label.
func (o *overlay) drawLabels(gc *gg.Context) error {
	face, err := newFace(false, 11)
	if err != nil {
		return err
	}
	defer face.Close()
	gc.SetFontFace(face)
	n := len(o.order)
	r := float64(o.radius) + 2
	var taken []rectF
	for _, p := range o.pos {
		taken = append(taken, rectF{p.X - r, p.Y - r, p.X + r, p.Y + r})
	}
	prio := []int{o.order[n-1]}
	if n > 1 {
		prio = append(prio, o.order[0])
	}
	for k := n - 2; k >= 1; k-- {
		prio = append(prio, o.order[k])
	}
	const padX, padY = 4.0, 2.0
	// Past a hundred tries the map is too crowded for more labels to fit;
	// stopping keeps big timelines fast.
	if len(prio) > maxLabelTries {
		prio = prio[:maxLabelTries]
	}
	// The visible image in go-staticmaps' uncropped coordinates, less
	// the attribution's band.
	view := rectF{float64(o.offX), float64(o.offY), float64(o.offX + o.w), float64(o.offY + o.h - attributionBand)}
	for _, i := range prio {
		text := o.labels[i]
		w, h := gc.MeasureString(text)
		p := o.pos[i]
		for _, side := range []float64{1, -1} {
			x0 := p.X + side*(r+3)
			if side < 0 {
				x0 -= w + 2*padX
			}
			box := rectF{x0, p.Y - h/2 - padY, x0 + w + 2*padX, p.Y + h/2 + padY + 1}
			if !view.contains(box) || collidesAny(taken, box) {
				continue
			}
			taken = append(taken, box)
			gc.SetRGBA(1, 1, 1, 0.88)
			gc.DrawRoundedRectangle(box.x0, box.y0, box.x1-box.x0, box.y1-box.y0, 3)
			gc.Fill()
			gc.SetColor(color.RGBA{0x22, 0x22, 0x22, 0xff})
			gc.DrawStringAnchored(text, box.x0+padX, p.Y, 0, 0.35)
			break
		}
	}
	return nil
}

func (a rectF) contains(b rectF) bool {
	return b.x0 >= a.x0 && b.y0 >= a.y0 && b.x1 <= a.x1 && b.y1 <= a.y1
}

func collidesAny(rs []rectF, b rectF) bool {
	for _, r := range rs {
		if r.overlaps(b) {
			return true
		}
	}
	return false
}

// timeLabels gives each sighting a short time ("14:02" when all share a
// day, else "Nov 26 14:02"), followed by its Label.
func timeLabels(s []Sighting, opt Options) []string {
	layout := "15:04"
	y, m, d := s[0].At.In(opt.Location).Date()
	for _, x := range s[1:] {
		if y2, m2, d2 := x.At.In(opt.Location).Date(); y2 != y || m2 != m || d2 != d {
			layout = "Jan 2 15:04"
			break
		}
	}
	out := make([]string, len(s))
	for i, x := range s {
		out[i] = x.At.In(opt.Location).Format(layout)
		if x.Label != "" {
			out[i] += " " + x.Label
		}
	}
	return out
}

// finish draws the legend (first and last sighting, with their marker
// colours) at the top left, the attribution at the bottom right when
// tiles were asked for and, if none could be had, says so at the top
// right.
func finish(img *image.RGBA, opt Options, n int, noTiles bool, first, last time.Time) error {
	gc, done, err := captionContext(img)
	if err != nil {
		return err
	}
	defer done()
	caption(gc, opt, noTiles)
	legend(gc, opt, n, first, last)
	return nil
}

// captionContext returns a drawing context on img set in the caption font;
// call done when finished with it.
func captionContext(img *image.RGBA) (gc *gg.Context, done func(), err error) {
	gc = gg.NewContextForRGBA(img)
	face, err := newFace(false, 11)
	if err != nil {
		return nil, nil, err
	}
	gc.SetFontFace(face)
	return gc, func() { face.Close() }, nil
}

// caption draws the attribution at the bottom right when tiles were asked
// for and, if none could be had, says so at the top right.
func caption(gc *gg.Context, opt Options, noTiles bool) {
	if opt.TileURL == "" {
		return
	}
	note := func(text string, top bool) {
		w, h := gc.MeasureString(text)
		x := float64(opt.Width) - w - 8
		y := float64(opt.Height) - h - 6
		if top {
			y = 4
		}
		gc.SetRGBA(1, 1, 1, 0.8)
		gc.DrawRectangle(x-4, y-1, w+8, h+6)
		gc.Fill()
		gc.SetRGB(0.2, 0.2, 0.2)
		gc.DrawStringAnchored(text, x, y+h/2+2, 0, 0.35)
	}
	note(opt.Attribution, false)
	if noTiles {
		note("Map tiles unavailable", true)
	}
}

// legend draws "(1) first time → (n) last time" in a box at the top left,
// so an exported map states its period on its own.
func legend(gc *gg.Context, opt Options, n int, first, last time.Time) {
	const layout = "2006-01-02 15:04 MST"
	from := first.In(opt.Location).Format(layout)
	to := last.In(opt.Location).Format(layout)
	wf, h := gc.MeasureString(from)
	wt, _ := gc.MeasureString(to)
	warrow, _ := gc.MeasureString("→")
	const dot, gap = 6.0, 5.0
	x, y := 8.0, 6.0
	width := 2*(2*dot+gap) + wf + wt + warrow + 2*gap + 8
	if n == 1 {
		width = 2*dot + gap + wf + 8
	}
	gc.SetRGBA(1, 1, 1, 0.85)
	gc.DrawRoundedRectangle(x-4, y-3, width, h+10, 3)
	gc.Fill()
	cy := y + h/2 + 2
	item := func(rank int, text string, w float64) {
		gc.SetColor(Color(rank, n))
		gc.DrawCircle(x+dot, cy, dot)
		gc.Fill()
		x += 2*dot + gap
		gc.SetRGB(0.15, 0.15, 0.15)
		gc.DrawStringAnchored(text, x, cy, 0, 0.35)
		x += w + gap
	}
	item(0, from, wf)
	if n == 1 {
		return
	}
	gc.DrawStringAnchored("→", x, cy, 0, 0.35)
	x += warrow + gap
	item(n-1, to, wt)
}
