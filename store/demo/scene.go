package demo

import (
	"image/color"
	"math"
	"strings"
	"time"
)

func rgb(r, g, b uint8) color.RGBA { return color.RGBA{r, g, b, 255} }

// darker scales a colour towards black.
func darker(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), 255}
}

// lighter moves a colour towards white.
func lighter(c color.RGBA, f float64) color.RGBA {
	l := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*f) }
	return color.RGBA{l(c.R), l(c.G), l(c.B), 255}
}

// background draws the street behind the vehicle.
func (c *canvas) background(h uint64) {
	c.dim = 0.45
	defer func() { c.dim = 0 }()
	walls := []color.RGBA{rgb(150, 92, 74), rgb(168, 160, 146), rgb(120, 128, 120), rgb(196, 182, 150), rgb(96, 104, 118)}
	wall := walls[h%uint64(len(walls))]
	c.rect(0, 0, PhotoWidth, 48, wall)
	for x := float64(h>>8%60) - 60; x < PhotoWidth; x += 110 { // windows or doors
		c.rect(x, 8, x+50, 40, darker(wall, 0.55))
	}
	c.rect(0, 48, PhotoWidth, 66, rgb(158, 156, 150)) // sidewalk
	c.rect(0, 66, PhotoWidth, 72, rgb(196, 194, 188)) // curb
	for y := 72; y < PhotoHeight; y += 8 {            // asphalt, darker further away
		g := uint8(78 + (y-72)*18/PhotoHeight)
		c.rect(0, float64(y), PhotoWidth, float64(y+8), rgb(g, g+1, g+4))
	}
	lane := 40 + float64(h>>16%40)
	for _, x := range []float64{lane, PhotoWidth - lane} {
		for y := 90.0; y < PhotoHeight; y += 70 {
			c.poly(rgb(214, 212, 200), x-3, y, x+3, y, x+5, y+38, x-5, y+38)
		}
	}
	if c.night {
		c.ellipseRaw(PhotoWidth*0.2, -30, 180, 90, color.RGBA{60, 52, 30, 60})
	}
}

// overlay draws the camera's information strip.
func (c *canvas) overlay(s *shot, local time.Time) {
	const top = PhotoHeight - 24
	c.rectRaw(0, top, PhotoWidth, PhotoHeight, color.RGBA{0, 0, 0, 200})
	mono, bold := fonts()
	f := face(mono, 13)
	defer f.Close()
	when := "time unknown"
	if !s.at.IsZero() {
		when = local.Format("2006-01-02 15:04:05 MST")
	}
	name := s.camName
	if len(name) > 40 {
		name = name[:40]
	}
	c.text(f, 8, top+17, rgb(240, 240, 240), s.camID+"  "+name)
	c.text(f, PhotoWidth-8-textWidth(f, when), top+17, rgb(240, 240, 240), when)
	fb := face(bold, 12)
	defer fb.Close()
	c.rectRaw(6, 6, 98, 24, color.RGBA{0, 0, 0, 150})
	c.text(fb, 11, 20, rgb(255, 210, 60), "DEMO · ALPR")
}

// drawer draws one vehicle in plate-width units around the plate centre.
type drawer struct {
	c      *canvas
	s      *shot
	v      *vehicle
	h      uint64
	u      float64 // plate width in pixels
	cx, cy float64 // plate centre
	body   color.RGBA
	g      geom
}

// geom is a body type's shape, in plate widths from the plate centre.
type geom struct {
	halfW, bodyTop, bumperTop, bumperBot float64
	cabinTop, cabinTopHalf, cabinBotHalf float64
	winTop, winBot, winInset             float64
}

var geoms = map[string]geom{
	"sedan":     {1.85, -0.62, 0.30, 0.62, -1.38, 1.15, 1.72, -1.27, -0.70, 0.16},
	"suv":       {1.95, -0.85, 0.32, 0.68, -2.0, 1.62, 1.86, -1.86, -0.98, 0.18},
	"hatchback": {1.72, -0.55, 0.30, 0.60, -1.48, 1.22, 1.58, -1.38, -0.64, 0.15},
	"coupe":     {1.95, -0.48, 0.28, 0.58, -1.08, 1.0, 1.78, -0.99, -0.55, 0.14},
	"wagon":     {1.85, -0.62, 0.30, 0.62, -1.52, 1.55, 1.74, -1.42, -0.72, 0.15},
	"minivan":   {1.95, -0.78, 0.32, 0.66, -2.05, 1.68, 1.9, -1.9, -0.9, 0.16},
	"pickup":    {1.98, -0.80, 0.30, 0.64, -1.78, 1.35, 1.45, -1.58, -1.08, 0.32},
	"van":       {1.95, -2.6, 0.32, 0.66, -2.6, 1.95, 1.95, -2.35, -1.6, 0.12},
	"truck":     {2.45, -3.7, 0.30, 0.58, -3.7, 2.45, 2.45, 0, 0, 0},
	"bus":       {2.7, -3.9, 0.36, 0.70, -3.9, 2.7, 2.7, -2.5, -1.85, 0.15},
}

func newDrawer(c *canvas, s *shot, h uint64) *drawer {
	d := &drawer{c: c, s: s, v: s.v, h: h, u: float64(s.box.W),
		cx: float64(s.box.X) + float64(s.box.W)/2, cy: float64(s.box.Y) + float64(s.box.H)/2,
		body: paint[s.v.color]}
	d.g = geoms[BodyTypes[s.v.body]]
	return d
}

func (d *drawer) X(x float64) float64 { return d.cx + x*d.u }
func (d *drawer) Y(y float64) float64 { return d.cy + y*d.u }

func (d *drawer) rect(x0, y0, x1, y1 float64, col color.RGBA) {
	d.c.rect(d.X(x0), d.Y(y0), d.X(x1), d.Y(y1), col)
}

func (d *drawer) round(x0, y0, x1, y1, r float64, col color.RGBA) {
	d.c.roundRect(d.X(x0), d.Y(y0), d.X(x1), d.Y(y1), r*d.u, col)
}

func (d *drawer) poly(col color.RGBA, xy ...float64) {
	p := make([]float64, len(xy))
	for i := 0; i < len(xy); i += 2 {
		p[i], p[i+1] = d.X(xy[i]), d.Y(xy[i+1])
	}
	d.c.poly(col, p...)
}

func (d *drawer) ellipse(x, y, rx, ry float64, col color.RGBA) {
	d.c.ellipse(d.X(x), d.Y(y), rx*d.u, ry*d.u, col)
}

// vehicle draws the vehicle, its features and stickers.
func (d *drawer) vehicle() {
	switch BodyTypes[d.v.body] {
	case "motorcycle":
		d.motorcycle()
	case "van":
		d.van()
	case "truck":
		d.truck()
	case "bus":
		d.bus()
	case "pickup":
		d.pickup()
	default:
		d.car()
	}
	d.features()
	d.stickers()
}

// wheels draws the shadow and the tyres.
func (d *drawer) wheels(inner, outer float64) {
	g := d.g
	d.ellipse(0, g.bumperBot+0.2, g.halfW+0.15, 0.16, rgb(30, 31, 34))
	for _, s := range []float64{-1, 1} {
		d.round(s*outer, g.bumperBot-0.25, s*inner, g.bumperBot+0.24, 0.06, rgb(18, 18, 20))
	}
}

// window draws a rear window: tinted, or showing headrests and a reflection.
func (d *drawer) window(xy ...float64) {
	if d.v.hasFeature(FeatureTintedWindows) {
		d.poly(rgb(12, 13, 16), xy...)
		return
	}
	d.poly(rgb(72, 88, 104), xy...)
	top, bot := math.Inf(1), math.Inf(-1)
	for i := 1; i < len(xy); i += 2 {
		top, bot = math.Min(top, xy[i]), math.Max(bot, xy[i])
	}
	hgt := bot - top
	for _, x := range []float64{-0.75, 0.75} { // headrests
		d.round(x-0.28, bot-hgt*0.55, x+0.28, bot, 0.08, rgb(46, 48, 54))
	}
	d.poly(color.RGBA{150, 170, 190, 255}, -0.9, top+hgt*0.05, -0.55, top+hgt*0.05, -1.0, bot-hgt*0.1, -1.3, bot-hgt*0.1)
}

// lights draws tail lights at the sides between y0 and y1.
func (d *drawer) lights(x0, x1, y0, y1 float64) {
	red := rgb(196, 22, 28)
	for _, s := range []float64{-1, 1} {
		if d.c.night {
			d.c.ellipseRaw(d.X(s*(x0+x1)/2), d.Y((y0+y1)/2), (x1-x0)*d.u*0.75, (y1-y0)*d.u*0.8, color.RGBA{150, 20, 16, 70})
			a, b := d.X(s*x0), d.X(s*x1)
			d.c.polyRaw(rgb(255, 70, 56), roundRectPts(math.Min(a, b), d.Y(y0), math.Max(a, b), d.Y(y1), 0.05*d.u)...)
			continue
		}
		if s < 0 {
			d.round(-x1, y0, -x0, y1, 0.05, red)
		} else {
			d.round(x0, y0, x1, y1, 0.05, red)
		}
	}
}

// car draws sedans, SUVs, hatchbacks, coupes, wagons and minivans.
func (d *drawer) car() {
	g := d.g
	d.wheels(g.halfW-0.5, g.halfW-0.08)
	cab := darker(d.body, 0.9)
	d.poly(cab, -g.cabinBotHalf, g.bodyTop+0.05, g.cabinBotHalf, g.bodyTop+0.05,
		g.cabinTopHalf, g.cabinTop+0.05, g.cabinTopHalf-0.12, g.cabinTop,
		-g.cabinTopHalf+0.12, g.cabinTop, -g.cabinTopHalf, g.cabinTop+0.05)
	half := func(y float64) float64 { // cabin half width at y
		t := (y - g.cabinTop) / (g.bodyTop - g.cabinTop)
		return g.cabinTopHalf + (g.cabinBotHalf-g.cabinTopHalf)*t - g.winInset
	}
	d.window(-half(g.winBot), g.winBot, half(g.winBot), g.winBot, half(g.winTop), g.winTop, -half(g.winTop), g.winTop)
	d.rect(-0.2, g.cabinTop+0.03, 0.2, g.cabinTop+0.09, rgb(180, 20, 24)) // third brake light
	d.round(-g.halfW, g.bodyTop, g.halfW, g.bumperTop+0.05, 0.16, d.body)
	d.rect(-g.halfW+0.1, g.bodyTop+0.04, g.halfW-0.1, g.bodyTop+0.07, lighter(d.body, 0.25))
	d.lights(g.halfW-0.55, g.halfW-0.04, g.bodyTop+0.08, g.bodyTop+0.36)
	d.ellipse(0, g.bodyTop+0.2, 0.16, 0.08, rgb(200, 200, 205)) // badge
	bumper := darker(d.body, 0.85)
	if BodyTypes[d.v.body] == "suv" {
		bumper = rgb(40, 41, 44)
	}
	d.round(-g.halfW-0.02, g.bumperTop, g.halfW+0.02, g.bumperBot, 0.12, bumper)
	d.recess()
}

// recess is the dark plate mount around the plate box.
func (d *drawer) recess() {
	b := d.s.box
	m := math.Max(4, float64(b.W)*0.05)
	d.c.rect(float64(b.X)-m, float64(b.Y)-m, float64(b.X+b.W)+m, float64(b.Y+b.H)+m, rgb(22, 22, 24))
}

// pickup draws a pickup: tailgate, cab behind, chrome bumper.
func (d *drawer) pickup() {
	g := d.g
	d.wheels(g.halfW-0.5, g.halfW-0.06)
	d.round(-g.cabinBotHalf, g.cabinTop, g.cabinBotHalf, g.bodyTop+0.05, 0.12, darker(d.body, 0.85))
	d.window(-1.0, g.winBot, 1.0, g.winBot, 0.95, g.winTop, -0.95, g.winTop)
	d.rect(-g.halfW, g.bodyTop-0.04, g.halfW, g.bodyTop+0.04, darker(d.body, 0.6)) // bed rails
	d.round(-g.halfW+0.05, g.bodyTop, g.halfW-0.05, g.bumperTop+0.02, 0.06, d.body)
	d.rect(-g.halfW+0.25, g.bodyTop+0.1, g.halfW-0.25, g.bodyTop+0.13, lighter(d.body, 0.3))
	d.round(-0.22, g.bodyTop+0.15, 0.22, g.bodyTop+0.24, 0.03, rgb(30, 30, 32)) // handle
	d.lights(g.halfW-0.3, g.halfW-0.02, g.bodyTop+0.02, g.bodyTop+0.6)
	d.round(-g.halfW-0.04, g.bumperTop, g.halfW+0.04, g.bumperBot, 0.08, rgb(176, 178, 182))
	d.recess()
}

// van draws a cargo van with two rear doors.
func (d *drawer) van() {
	g := d.g
	d.wheels(g.halfW-0.5, g.halfW-0.08)
	d.round(-g.halfW, g.bodyTop, g.halfW, g.bumperTop+0.05, 0.22, d.body)
	d.rect(-0.015, g.bodyTop+0.1, 0.015, g.bumperTop, darker(d.body, 0.6))
	for _, s := range []float64{-1, 1} {
		x0, x1 := s*0.15, s*(g.halfW-0.3)
		d.window(math.Min(x0, x1), g.winBot, math.Max(x0, x1), g.winBot, math.Max(x0, x1), g.winTop, math.Min(x0, x1), g.winTop)
		d.rect(s*0.1-0.04, -1.0, s*0.1+0.04, -0.85, rgb(40, 40, 42))
	}
	d.lights(g.halfW-0.22, g.halfW-0.02, -1.1, -0.3)
	d.round(-g.halfW-0.02, g.bumperTop, g.halfW+0.02, g.bumperBot, 0.06, rgb(38, 39, 42))
	d.recess()
}

// truck draws a box truck.
func (d *drawer) truck() {
	g := d.g
	d.ellipse(0, g.bumperBot+0.3, g.halfW, 0.2, rgb(30, 31, 34))
	for _, s := range []float64{-1, 1} {
		d.round(s*(g.halfW-0.1), -0.2, s*(g.halfW-0.95), 0.95, 0.05, rgb(18, 18, 20))
	}
	d.rect(-g.halfW, g.bodyTop, g.halfW, -0.35, d.body)
	door := darker(d.body, 0.92)
	d.rect(-g.halfW+0.15, g.bodyTop+0.15, g.halfW-0.15, -0.45, door)
	for y := g.bodyTop + 0.45; y < -0.5; y += 0.3 {
		d.rect(-g.halfW+0.15, y, g.halfW-0.15, y+0.025, darker(d.body, 0.7))
	}
	d.rect(-1.6, -0.35, 1.6, 0.3, rgb(35, 35, 38)) // chassis
	d.lights(1.9, 2.35, -0.3, -0.05)
	d.rect(-2.2, g.bumperTop, 2.2, g.bumperBot, rgb(60, 60, 64))
	d.recess()
}

// bus draws a transit bus.
func (d *drawer) bus() {
	g := d.g
	d.ellipse(0, g.bumperBot+0.2, g.halfW, 0.18, rgb(30, 31, 34))
	d.round(-g.halfW, g.bodyTop, g.halfW, g.bumperBot-0.05, 0.3, d.body)
	d.window(-g.halfW+0.3, g.winBot, g.halfW-0.3, g.winBot, g.halfW-0.4, g.winTop, -g.halfW+0.4, g.winTop)
	for y := -1.1; y < -0.45; y += 0.16 {
		d.rect(-1.4, y, 1.4, y+0.07, darker(d.body, 0.55))
	}
	d.lights(g.halfW-0.35, g.halfW-0.08, -1.2, -0.2)
	d.rect(-g.halfW, g.bumperTop+0.1, g.halfW, g.bumperBot, rgb(40, 40, 44))
	d.recess()
}

// motorcycle draws a motorcycle and its rider from behind.
func (d *drawer) motorcycle() {
	jacket := []color.RGBA{rgb(30, 30, 34), rgb(70, 50, 40), rgb(40, 50, 80)}[d.h%3]
	d.ellipse(0, 2.05, 1.1, 0.2, rgb(30, 31, 34))
	d.round(-0.3, 0.3, 0.3, 2.05, 0.2, rgb(16, 16, 18))
	for _, s := range []float64{-1, 1} {
		d.rect(s*0.55, -1.1, s*1.0, 1.0, rgb(36, 36, 40))                 // legs
		d.round(s*1.0-0.18, 0.9, s*1.0+0.18, 1.15, 0.05, rgb(20, 20, 20)) // boots
		d.ellipse(s*0.62, -0.55, 0.12, 0.08, rgb(240, 140, 20))           // turn signals
	}
	d.rect(0.75, 0.2, 1.4, 0.4, rgb(190, 192, 196)) // exhaust
	d.round(-0.9, -1.0, 0.9, -0.3, 0.2, d.body)     // side panels
	d.round(-0.55, -0.62, 0.55, 0.05, 0.25, darker(d.body, 0.85))
	d.round(-0.75, -1.35, 0.75, -0.9, 0.15, rgb(24, 24, 26)) // seat
	d.lights(0.05, 0.3, -0.82, -0.65)
	d.poly(jacket, -1.25, -1.1, 1.25, -1.1, 0.95, -3.1, -0.95, -3.1)
	d.ellipse(0, -3.55, 0.6, 0.58, darker(d.body, 0.9)) // helmet
	d.recess()
}

// features draws the searchable features.
func (d *drawer) features() {
	g := d.g
	moto := BodyTypes[d.v.body] == "motorcycle"
	for _, f := range d.v.features {
		switch f {
		case FeatureRoofRack:
			y := g.cabinTop
			d.rect(-g.cabinTopHalf-0.1, y-0.1, g.cabinTopHalf+0.1, y-0.05, rgb(20, 20, 22))
			for _, s := range []float64{-1, 1} {
				d.rect(s*(g.cabinTopHalf-0.2)-0.05, y-0.07, s*(g.cabinTopHalf-0.2)+0.05, y+0.01, rgb(20, 20, 22))
			}
		case FeatureLadderRack:
			y := g.cabinTop - 0.35
			for _, s := range []float64{-1, 1} {
				d.rect(s*(g.cabinBotHalf+0.02)-0.04, y, s*(g.cabinBotHalf+0.02)+0.04, g.bodyTop, rgb(25, 25, 28))
			}
			d.rect(-g.cabinBotHalf-0.06, y, g.cabinBotHalf+0.06, y+0.06, rgb(25, 25, 28))
			d.rect(-1.0, y-0.2, 1.0, y, rgb(200, 202, 206)) // ladder end
			for x := -0.9; x <= 0.9; x += 0.3 {
				d.rect(x-0.02, y-0.2, x+0.02, y, rgb(120, 122, 126))
			}
		case FeatureSpareTire:
			y := g.bodyTop - 0.15
			d.ellipse(0, y, 0.5, 0.5, rgb(20, 20, 22))
			d.ellipse(0, y, 0.28, 0.28, rgb(150, 152, 156))
			d.ellipse(0, y, 0.1, 0.1, rgb(60, 60, 64))
		case FeatureTowHitch:
			d.rect(-0.1, g.bumperBot-0.04, 0.1, g.bumperBot+0.12, rgb(16, 16, 18))
			d.ellipse(0, g.bumperBot-0.06, 0.07, 0.06, rgb(200, 202, 206))
		case FeatureDamage:
			x, y := -g.halfW+0.1, g.bumperTop-0.25
			if moto {
				x, y = -0.85, -0.8
			}
			d.poly(rgb(72, 70, 68), x, y, x+0.55, y+0.05, x+0.62, y+0.22, x+0.3, y+0.4, x+0.05, y+0.33)
			d.c.line(d.X(x+0.05), d.Y(y+0.1), d.X(x+0.6), d.Y(y+0.3), 2, rgb(210, 210, 210))
			d.c.line(d.X(x+0.15), d.Y(y+0.3), d.X(x+0.5), d.Y(y+0.05), 2, rgb(190, 190, 190))
		case FeatureCommercialLogo:
			d.logo()
		}
	}
}

// logo draws the company name of a commercial vehicle.
func (d *drawer) logo() {
	name := d.v.logo
	if name == "" {
		name = "SERVICE CO"
	}
	g := d.g
	x0, y0, x1, y1 := 0.2, -1.45, g.halfW-0.3, -1.1
	switch BodyTypes[d.v.body] {
	case "truck":
		x0, y0, x1, y1 = -1.8, -2.0, 1.8, -1.4
	case "bus":
		x0, y0, x1, y1 = -1.6, -1.75, 1.6, -1.25
	case "pickup":
		x0, y0, x1, y1 = -1.3, g.bodyTop+0.27, 1.3, g.bodyTop+0.44
	case "van":
	default:
		x0, y0, x1, y1 = 0.6, g.bodyTop+0.4, g.halfW-0.12, g.bodyTop+0.6
	}
	d.rect(x0, y0, x1, y1, rgb(250, 250, 246))
	words := strings.Fields(name)
	_, bold := fonts()
	ink := d.c.shade([]color.RGBA{rgb(180, 30, 30), rgb(20, 60, 150), rgb(20, 110, 60)}[d.h>>20%3])
	lines := len(words)
	if BodyTypes[d.v.body] == "pickup" {
		lines, words = 1, []string{name}
	}
	if lines > 2 {
		lines = 2
		words = []string{words[0], strings.Join(words[1:], " ")}
	}
	lh := (y1 - y0) / float64(lines)
	for i, wd := range words {
		d.c.fitText(bold, d.X(x0+0.06), d.Y(y0+lh*float64(i)+lh*0.15), d.X(x1-0.06), d.Y(y0+lh*float64(i+1)-lh*0.15), ink, wd)
	}
}

// stickerInk are the sticker colours: background, text.
var stickerInk = [][2]color.RGBA{
	{rgb(250, 250, 250), rgb(20, 40, 140)}, {rgb(20, 60, 140), rgb(250, 250, 250)}, {rgb(250, 220, 40), rgb(20, 20, 20)},
	{rgb(30, 120, 60), rgb(250, 250, 250)}, {rgb(200, 30, 40), rgb(255, 255, 255)}, {rgb(20, 20, 20), rgb(250, 200, 40)},
}

// stickers draws bumper stickers: visible to a person, never searchable.
func (d *drawer) stickers() {
	g := d.g
	slots := [][4]float64{
		{-g.halfW + 0.2, g.bumperTop + 0.06, -0.75, g.bumperTop + 0.26},
		{0.75, g.bumperTop + 0.06, g.halfW - 0.2, g.bumperTop + 0.26},
		{0.5, g.winBot - 0.26, 1.3, g.winBot - 0.08},
	}
	if BodyTypes[d.v.body] == "motorcycle" {
		slots = [][4]float64{{-0.8, -0.95, -0.1, -0.75}, {0.1, -0.95, 0.8, -0.75}, {-0.5, -1.3, 0.5, -1.12}}
	}
	_, bold := fonts()
	for i, st := range d.v.stickers {
		if i >= len(slots) {
			break
		}
		s := slots[i]
		ink := stickerInk[int(st)%len(stickerInk)]
		d.rect(s[0], s[1], s[2], s[3], ink[0])
		d.c.fitText(bold, d.X(s[0])+3, d.Y(s[1])+3, d.X(s[2])-3, d.Y(s[3])-3, d.c.shade(ink[1]), stickerTexts[st])
	}
}

// plateStyle is how a state's plates look.
type plateStyle struct {
	name         string
	bg, ink, top color.RGBA
}

var plateStyles = map[string]plateStyle{
	"CA": {"California", rgb(246, 246, 242), rgb(22, 36, 112), rgb(196, 30, 42)},
	"NV": {"NEVADA", rgb(224, 236, 248), rgb(20, 40, 120), rgb(20, 70, 150)},
	"AZ": {"ARIZONA", rgb(246, 232, 204), rgb(120, 24, 32), rgb(160, 60, 30)},
	"OR": {"OREGON", rgb(238, 246, 238), rgb(24, 40, 110), rgb(30, 110, 60)},
	"TX": {"TEXAS", rgb(246, 246, 246), rgb(16, 16, 16), rgb(20, 40, 100)},
	"WA": {"WASHINGTON", rgb(234, 242, 250), rgb(20, 40, 120), rgb(30, 80, 150)},
	"NY": {"NEW YORK", rgb(250, 240, 204), rgb(20, 40, 120), rgb(20, 40, 120)},
	"FL": {"FLORIDA", rgb(246, 246, 246), rgb(20, 96, 52), rgb(230, 120, 20)},
	"UT": {"UTAH", rgb(240, 240, 240), rgb(20, 20, 60), rgb(120, 40, 30)},
	"IL": {"ILLINOIS", rgb(240, 240, 246), rgb(20, 30, 90), rgb(30, 60, 140)},
}

// plate draws the licence plate exactly inside the plate box, with its
// true characters.
func (d *drawer) plate() {
	b := d.s.box
	st, ok := plateStyles[d.s.pv.state]
	if !ok {
		st = plateStyle{d.s.pv.state, rgb(244, 244, 244), rgb(20, 20, 20), rgb(20, 20, 20)}
	}
	x0, y0 := float64(b.X), float64(b.Y)
	w, h := float64(b.W), float64(b.H)
	c := d.c
	c.rectRaw(x0, y0, x0+w, y0+h, st.bg)
	c.rectRaw(x0, y0, x0+w, y0+1, darker(st.bg, 0.6))
	c.rectRaw(x0, y0+h-1, x0+w, y0+h, darker(st.bg, 0.6))
	c.rectRaw(x0, y0, x0+1, y0+h, darker(st.bg, 0.6))
	c.rectRaw(x0+w-1, y0, x0+w, y0+h, darker(st.bg, 0.6))
	mono, bold := fonts()
	c.fitText(bold, x0+w*0.28, y0+h*0.07, x0+w*0.72, y0+h*0.24, st.top, st.name)
	c.fitText(mono, x0+w*0.07, y0+h*0.31, x0+w*0.93, y0+h*0.80, st.ink, d.s.pv.plate)
	if d.s.pv.state == "CA" {
		c.fitText(bold, x0+w*0.34, y0+h*0.85, x0+w*0.66, y0+h*0.94, st.ink, "DMV.CA.GOV")
	}
}
