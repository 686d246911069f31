package demo

import (
	"image"
	"image/color"
	"image/draw"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/gomonobold"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// canvas draws anti-aliased shapes and text onto an RGBA image. A canvas
// belongs to one goroutine.
type canvas struct {
	img   *image.RGBA
	ras   vector.Rasterizer
	night bool
	dim   float64 // extra darkening at night (the background); 0 = none
}

// fonts are parsed once per process.
var fonts = sync.OnceValues(func() (*opentype.Font, *opentype.Font) {
	mono, err := opentype.Parse(gomonobold.TTF)
	if err != nil {
		panic("demo: gomonobold: " + err.Error())
	}
	bold, err := opentype.Parse(gobold.TTF)
	if err != nil {
		panic("demo: gobold: " + err.Error())
	}
	return mono, bold
})

// face is a font face of the given size in pixels.
func face(f *opentype.Font, px float64) font.Face {
	fc, err := opentype.NewFace(f, &opentype.FaceOptions{Size: px, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		panic("demo: font face: " + err.Error())
	}
	return fc
}

// shade is the colour as the scene's light shows it: at night the camera's
// infrared flash lights the vehicle dimly and washes colours out.
func (c *canvas) shade(col color.RGBA) color.RGBA {
	if !c.night {
		return col
	}
	l := (int(col.R)*3 + int(col.G)*6 + int(col.B)) / 10
	f := 0.5 * (1 - c.dim)
	mixc := func(v uint8) uint8 { return uint8(float64(int(v)*5+l*3) / 8 * f) }
	return color.RGBA{mixc(col.R), mixc(col.G), mixc(col.B) + 6, 255}
}

// rect fills an axis-aligned rectangle (no anti-aliasing), shaded.
func (c *canvas) rect(x0, y0, x1, y1 float64, col color.RGBA) {
	c.rectRaw(x0, y0, x1, y1, c.shade(col))
}

// rectRaw fills a rectangle with the colour as given.
func (c *canvas) rectRaw(x0, y0, x1, y1 float64, col color.RGBA) {
	r := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1))).Intersect(c.img.Rect)
	if r.Empty() {
		return
	}
	if col.A == 255 {
		for y := r.Min.Y; y < r.Max.Y; y++ {
			i := c.img.PixOffset(r.Min.X, y)
			row := c.img.Pix[i : i+4*r.Dx()]
			for x := 0; x < len(row); x += 4 {
				row[x], row[x+1], row[x+2], row[x+3] = col.R, col.G, col.B, 255
			}
		}
		return
	}
	draw.Draw(c.img, r, image.NewUniform(col), image.Point{}, draw.Over)
}

// poly fills a polygon given as x, y pairs, shaded.
func (c *canvas) poly(col color.RGBA, xy ...float64) {
	c.polyRaw(c.shade(col), xy...)
}

// polyRaw fills a polygon with the colour as given.
func (c *canvas) polyRaw(col color.RGBA, xy ...float64) {
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for i := 0; i < len(xy); i += 2 {
		minX, maxX = math.Min(minX, xy[i]), math.Max(maxX, xy[i])
		minY, maxY = math.Min(minY, xy[i+1]), math.Max(maxY, xy[i+1])
	}
	b := image.Rect(int(math.Floor(minX)), int(math.Floor(minY)), int(math.Ceil(maxX))+1, int(math.Ceil(maxY))+1)
	clip := b.Intersect(c.img.Rect)
	if clip.Empty() {
		return
	}
	ox, oy := float64(b.Min.X), float64(b.Min.Y)
	c.ras.Reset(b.Dx(), b.Dy())
	c.ras.MoveTo(float32(xy[0]-ox), float32(xy[1]-oy))
	for i := 2; i < len(xy); i += 2 {
		c.ras.LineTo(float32(xy[i]-ox), float32(xy[i+1]-oy))
	}
	c.ras.ClosePath()
	c.ras.Draw(c.img, clip, image.NewUniform(col), clip.Min.Sub(b.Min))
}

// roundRect fills a rectangle with rounded corners of radius rad.
func (c *canvas) roundRect(x0, y0, x1, y1, rad float64, col color.RGBA) {
	x0, x1 = math.Min(x0, x1), math.Max(x0, x1)
	y0, y1 = math.Min(y0, y1), math.Max(y0, y1)
	rad = math.Min(rad, math.Min((x1-x0)/2, (y1-y0)/2))
	c.polyRaw(c.shade(col), roundRectPts(x0, y0, x1, y1, rad)...)
}

// roundRectPts approximates a rounded rectangle by a polygon.
func roundRectPts(x0, y0, x1, y1, r float64) []float64 {
	pts := make([]float64, 0, 4*7*2)
	corner := func(cx, cy, a0 float64) {
		for i := 0; i <= 6; i++ {
			a := a0 + float64(i)*math.Pi/12
			pts = append(pts, cx+r*math.Cos(a), cy+r*math.Sin(a))
		}
	}
	corner(x1-r, y0+r, -math.Pi/2)
	corner(x1-r, y1-r, 0)
	corner(x0+r, y1-r, math.Pi/2)
	corner(x0+r, y0+r, math.Pi)
	return pts
}

// ellipse fills an ellipse, shaded.
func (c *canvas) ellipse(cx, cy, rx, ry float64, col color.RGBA) {
	c.ellipseRaw(cx, cy, rx, ry, c.shade(col))
}

func (c *canvas) ellipseRaw(cx, cy, rx, ry float64, col color.RGBA) {
	const n = 28
	pts := make([]float64, 0, 2*n)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		pts = append(pts, cx+rx*math.Cos(a), cy+ry*math.Sin(a))
	}
	c.polyRaw(col, pts...)
}

// line draws a straight stroke of the given width.
func (c *canvas) line(x0, y0, x1, y1, width float64, col color.RGBA) {
	dx, dy := x1-x0, y1-y0
	l := math.Hypot(dx, dy)
	if l == 0 {
		return
	}
	nx, ny := -dy/l*width/2, dx/l*width/2
	c.poly(col, x0+nx, y0+ny, x1+nx, y1+ny, x1-nx, y1-ny, x0-nx, y0-ny)
}

// text draws s with its baseline starting at (x, y).
func (c *canvas) text(f font.Face, x, y float64, col color.RGBA, s string) {
	d := font.Drawer{Dst: c.img, Src: image.NewUniform(col), Face: f, Dot: fixed.P(int(x), int(y))}
	d.DrawString(s)
}

// textWidth is the advance of s in pixels.
func textWidth(f font.Face, s string) float64 {
	return float64(font.MeasureString(f, s)) / 64
}

// fitText draws s scaled to fill the rectangle (x0, y0)-(x1, y1) exactly:
// rendered large, then resampled, which gives the tall, narrow characters
// of a licence plate.
func (c *canvas) fitText(fnt *opentype.Font, x0, y0, x1, y1 float64, col color.RGBA, s string) {
	const px = 64
	f := face(fnt, px)
	defer f.Close()
	m := f.Metrics()
	asc := float64(m.CapHeight) / 64
	if asc <= 0 {
		asc = px * 0.7
	}
	w := int(math.Ceil(textWidth(f, s))) + 2
	h := int(math.Ceil(asc)) + 2
	mask := image.NewAlpha(image.Rect(0, 0, w, h))
	d := font.Drawer{Dst: mask, Src: image.Opaque, Face: f, Dot: fixed.P(1, h-1)}
	d.DrawString(s)
	// trim empty columns so the characters fill the width
	minX, maxX := w, 0
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			if mask.Pix[y*mask.Stride+x] > 40 {
				minX, maxX = min(minX, x), max(maxX, x+1)
			}
		}
	}
	if minX >= maxX {
		return
	}
	src := mask.SubImage(image.Rect(minX, 0, maxX, h)).(*image.Alpha)
	scaleMask(c.img, src, x0, y0, x1, y1, col)
}

// scaleMask paints col through mask resampled (bilinear) onto the target
// rectangle of dst.
func scaleMask(dst *image.RGBA, mask *image.Alpha, x0, y0, x1, y1 float64, col color.RGBA) {
	mb := mask.Rect
	r := image.Rect(int(x0), int(y0), int(math.Ceil(x1)), int(math.Ceil(y1))).Intersect(dst.Rect)
	if r.Empty() {
		return
	}
	sx := float64(mb.Dx()) / (x1 - x0)
	sy := float64(mb.Dy()) / (y1 - y0)
	// per column: the two source columns and the weight of the second
	cols := make([]int, 2*r.Dx())
	wts := make([]float64, r.Dx())
	for x := r.Min.X; x < r.Max.X; x++ {
		fx := (float64(x)+0.5-x0)*sx - 0.5
		ix := int(math.Floor(fx))
		i := x - r.Min.X
		cols[2*i] = min(max(ix, 0), mb.Dx()-1) + mb.Min.X
		cols[2*i+1] = min(max(ix+1, 0), mb.Dx()-1) + mb.Min.X
		wts[i] = fx - float64(ix)
	}
	cr, cg, cb := float64(col.R), float64(col.G), float64(col.B)
	for y := r.Min.Y; y < r.Max.Y; y++ {
		fy := (float64(y)+0.5-y0)*sy - 0.5
		iy := int(math.Floor(fy))
		ty := fy - float64(iy)
		row0 := mask.Pix[(min(max(iy, 0), mb.Dy()-1))*mask.Stride:]
		row1 := mask.Pix[(min(max(iy+1, 0), mb.Dy()-1))*mask.Stride:]
		o := dst.PixOffset(r.Min.X, y)
		for i := 0; i < r.Dx(); i++ {
			c0, c1, tx := cols[2*i]-mb.Min.X, cols[2*i+1]-mb.Min.X, wts[i]
			a := (float64(row0[c0])*(1-tx)+float64(row0[c1])*tx)*(1-ty) + (float64(row1[c0])*(1-tx)+float64(row1[c1])*tx)*ty
			if a > 0 {
				a /= 255
				p := dst.Pix[o+4*i : o+4*i+4]
				p[0] = uint8(float64(p[0])*(1-a) + cr*a)
				p[1] = uint8(float64(p[1])*(1-a) + cg*a)
				p[2] = uint8(float64(p[2])*(1-a) + cb*a)
				p[3] = 255
			}
		}
	}
}
