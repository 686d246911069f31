//go:build ignore

// icon_gen draws assets/icon.png, the alprdesk application icon: a licence
// plate under a magnifying glass. Run: go run assets/icon_gen.go
package main

import (
	"image"
	"image/color"
	"image/png"
	"log"
	"math"
	"os"

	xdraw "golang.org/x/image/draw"
	"golang.org/x/image/font"
	"golang.org/x/image/font/basicfont"
	"golang.org/x/image/math/fixed"
)

const size = 512

func main() {
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	navy := color.NRGBA{0x1a, 0x2b, 0x4c, 0xff}
	white := color.NRGBA{0xf5, 0xf5, 0xf0, 0xff}
	ink := color.NRGBA{0x12, 0x1a, 0x2a, 0xff}
	orange := color.NRGBA{0xff, 0x8f, 0x1f, 0xff}
	fill(img, func(x, y float64) bool { return roundRect(x, y, 16, 16, 496, 496, 96) }, navy)
	// The plate.
	fill(img, func(x, y float64) bool { return roundRect(x, y, 56, 150, 400, 200, 24) }, ink)
	fill(img, func(x, y float64) bool { return roundRect(x, y, 66, 160, 380, 180, 18) }, white)
	// Plate text, drawn small and enlarged for a pixel-font look.
	txt := image.NewNRGBA(image.Rect(0, 0, 56, 16))
	d := font.Drawer{Dst: txt, Src: image.NewUniform(ink), Face: basicfont.Face7x13, Dot: fixed.P(3, 12)}
	d.DrawString("7ABC12")
	d.Dot = fixed.P(4, 12) // a second pass one pixel right: bolder strokes
	d.DrawString("7ABC12")
	xdraw.NearestNeighbor.Scale(img, image.Rect(78, 186, 78+56*6, 186+16*6), txt, txt.Bounds(), xdraw.Over, nil)
	// The magnifying glass.
	cx, cy, r := 330.0, 300.0, 110.0
	fill(img, func(x, y float64) bool { d := math.Hypot(x-cx, y-cy); return d <= r && d >= r-24 }, orange)
	fill(img, func(x, y float64) bool {
		// handle: a thick segment from the ring towards the corner
		ax, ay := cx+r*0.72, cy+r*0.72
		bx, by := 470.0, 470.0
		t := ((x-ax)*(bx-ax) + (y-ay)*(by-ay)) / ((bx-ax)*(bx-ax) + (by-ay)*(by-ay))
		if t < 0 || t > 1 {
			return false
		}
		px, py := ax+t*(bx-ax), ay+t*(by-ay)
		return math.Hypot(x-px, y-py) <= 22
	}, orange)
	f, err := os.Create("assets/icon.png")
	if err != nil {
		log.Fatal(err)
	}
	defer f.Close()
	if err := png.Encode(f, img); err != nil {
		log.Fatal(err)
	}
}

// fill paints the pixels whose centre is inside.
func fill(img *image.NRGBA, inside func(x, y float64) bool, c color.NRGBA) {
	for y := 0; y < size; y++ {
		for x := 0; x < size; x++ {
			if inside(float64(x)+0.5, float64(y)+0.5) {
				img.SetNRGBA(x, y, c)
			}
		}
	}
}

// roundRect reports whether (x, y) is inside the rounded rectangle.
func roundRect(x, y, rx, ry, w, h, rad float64) bool {
	if x < rx || y < ry || x > rx+w || y > ry+h {
		return false
	}
	cx := math.Max(rx+rad, math.Min(x, rx+w-rad))
	cy := math.Max(ry+rad, math.Min(y, ry+h-rad))
	return math.Hypot(x-cx, y-cy) <= rad
}
