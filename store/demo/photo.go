package demo

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
)

// Photo size.
const (
	PhotoWidth  = 640
	PhotoHeight = 360
)

// shot is everything a photo shows.
type shot struct {
	id      string
	v       *vehicle // the vehicle in the frame
	pv      *vehicle // whose plate it carries
	box     api.Box
	camID   string
	camName string
	at      time.Time
}

// Photo draws the photo of one of the world's reads: a 640x360 JPEG of the
// vehicle from behind with its TRUE plate (a misread's photo shows what the
// camera should have read) inside r.PlateBox, and an overlay strip with the
// camera and the capture time. The picture depends only on the read (its
// id, camera, time and plate box), so a read's photo never changes. A read
// id that is not of this world gets a 404 not_found *api.Error.
func (w *World) Photo(r api.Read) ([]byte, error) {
	s, err := w.shotOf(r)
	if err != nil {
		return nil, err
	}
	return encodeJPEG(w.render(s))
}

// shotOf recovers what to draw from a read.
func (w *World) shotOf(r api.Read) (*shot, error) {
	vi, k, n, live, ok := w.parseID(r.ID)
	if !ok {
		return nil, api.E(api.CodeNotFound, "read %q is not a read of this demo world", r.ID)
	}
	s := &shot{id: r.ID, v: &w.fleet[vi], pv: w.carriedPlate(vi, k), box: r.PlateBox,
		camID: r.Camera.ID, camName: r.Camera.Name, at: r.CapturedAt}
	if !validBox(s.box) {
		h := mix(w.readHash(vi, uint8(k), uint16(n)) ^ 1)
		if live {
			h = mix(fnvHash(r.ID)) // as liveRead places it
		}
		s.box = plateBox(s.v.body, h)
	}
	if s.camName == "" {
		for _, c := range w.cs.cams {
			if c.ID == s.camID {
				s.camName = c.Name
			}
		}
	}
	return s, nil
}

// validBox reports whether a plate box lies inside the frame at a size a
// plate can be drawn in.
func validBox(b api.Box) bool {
	return b.W >= 24 && b.H >= 12 && b.X >= 0 && b.Y >= 0 && b.X+b.W <= PhotoWidth && b.Y+b.H <= PhotoHeight-30
}

// parseID splits "d<seed>-<vehicle>-<day>-<n>" (a generated read) or
// "l<seed>-<vehicle>-<unix>-<n>" (a live read).
func (w *World) parseID(id string) (vi int32, k, n int, live, ok bool) {
	if len(id) < 2 || (id[0] != 'd' && id[0] != 'l') {
		return 0, 0, 0, false, false
	}
	live = id[0] == 'l'
	parts := strings.Split(id[1:], "-")
	if len(parts) != 4 {
		return 0, 0, 0, false, false
	}
	seed, err1 := strconv.ParseUint(parts[0], 10, 64)
	v, err2 := strconv.ParseInt(parts[1], 10, 32)
	a, err3 := strconv.Atoi(parts[2])
	b, err4 := strconv.Atoi(parts[3])
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil || seed != uint64(w.seed) ||
		v < 0 || int(v) >= len(w.fleet) || b < 0 {
		return 0, 0, 0, false, false
	}
	if live {
		return int32(v), 0, b, true, true
	}
	if a < 0 || a > WindowDays+1 || b > 65535 {
		return 0, 0, 0, false, false
	}
	return int32(v), a, b, false, true
}

func fnvHash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// encodeJPEG encodes a photo.
func encodeJPEG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(48 << 10)
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 82}); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// isNight reports whether a local time is dark in Oakland (sunrise and
// sunset by month, roughly).
func isNight(t time.Time) bool {
	sunrise := []float64{7.4, 7.0, 7.2, 6.7, 6.1, 5.8, 6.0, 6.4, 6.9, 7.3, 6.8, 7.2}
	sunset := []float64{17.3, 17.9, 19.3, 19.7, 20.1, 20.5, 20.5, 20.0, 19.3, 18.6, 17.1, 16.9}
	h := float64(t.Hour()) + float64(t.Minute())/60
	m := t.Month() - 1
	return h < sunrise[m]-0.3 || h > sunset[m]+0.4
}

// vehicle paint colours by Colors index.
var paint = []color.RGBA{
	{28, 29, 32, 255}, {232, 233, 230, 255}, {176, 181, 186, 255}, {108, 111, 116, 255}, {165, 24, 30, 255},
	{32, 66, 150, 255}, {34, 98, 52, 255}, {104, 68, 42, 255}, {196, 164, 92, 255}, {232, 200, 36, 255},
	{226, 118, 28, 255}, {92, 42, 116, 255}, {212, 198, 164, 255},
}

// render draws a photo.
func (w *World) render(s *shot) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, PhotoWidth, PhotoHeight))
	local := s.at.In(w.loc)
	c := &canvas{img: img, night: !s.at.IsZero() && isNight(local)}
	h := fnvHash(s.id)
	c.background(fnvHash(s.camID)) // each camera looks at its own street
	d := newDrawer(c, s, h)
	d.vehicle()
	d.plate()
	c.overlay(s, local)
	return img
}
