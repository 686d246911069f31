package mapview

import (
	"image"
	"math"
)

// Projection is the web-mercator frame in which Render draws a set of
// sightings: the zoom, the geographic centre (at the image's centre) and
// the image size. It turns map pixels back into coordinates (a click on
// the map) and coordinates into pixels.
type Projection struct {
	Zoom                 int
	CenterLat, CenterLon float64
	Width, Height        int
}

// Frame returns the projection Render uses for opt and s (the same
// options normalised, the same fitted zoom and centre). Errors are
// Render's: ErrNoSightings or *InvalidError.
func Frame(opt Options, s []Sighting) (Projection, error) {
	if err := opt.normalise(); err != nil {
		return Projection{}, err
	}
	if err := checkSightings(s); err != nil {
		return Projection{}, err
	}
	zoom, c := fit(opt, s)
	return Projection{Zoom: zoom, CenterLat: c.Lat.Degrees(), CenterLon: c.Lng.Degrees(), Width: opt.Width, Height: opt.Height}, nil
}

// world is the width of the world in pixels at the projection's zoom.
func (p Projection) world() float64 { return 256 * math.Exp2(float64(p.Zoom)) }

// Point is where lat, lon falls in the image (fractional pixels; a
// marker's centre in Map.Points is this rounded).
func (p Projection) Point(lat, lon float64) (x, y float64) {
	w := p.world()
	mx, my := mercator(lat, lon)
	cx, cy := mercator(p.CenterLat, p.CenterLon)
	return float64(p.Width)/2 + (mx-cx)*w, float64(p.Height)/2 + (my-cy)*w
}

// LatLon is the coordinate under image pixel pt.
func (p Projection) LatLon(pt image.Point) (lat, lon float64) {
	w := p.world()
	cx, cy := mercator(p.CenterLat, p.CenterLon)
	mx := cx + (float64(pt.X)-float64(p.Width)/2)/w
	my := cy + (float64(pt.Y)-float64(p.Height)/2)/w
	lon = mx*360 - 180
	lat = math.Atan(math.Sinh(math.Pi*(1-2*my))) * 180 / math.Pi
	return lat, lon
}

// MetresPerPixel is the ground distance one pixel spans at latitude lat.
func (p Projection) MetresPerPixel(lat float64) float64 {
	const earthCircumference = 2 * math.Pi * 6378137
	return earthCircumference * math.Cos(lat*math.Pi/180) / p.world()
}
