package demo

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/jpeg"
	"testing"
	"time"

	"alprdesk/api"
)

// lum is the luma of a pixel: the Y of a decoded JPEG.
func lum(img image.Image, x, y int) int {
	if yc, ok := img.(*image.YCbCr); ok {
		return int(yc.Y[yc.YOffset(x, y)])
	}
	r, g, b, _ := img.At(x, y).RGBA()
	return int((299*r + 587*g + 114*b) / 1000 >> 8)
}

// checkPlateDrawn decodes a photo and checks the plate is drawn inside the
// box: plate-coloured background and dark characters within, the dark
// plate mount just outside.
func checkPlateDrawn(t *testing.T, id string, photo []byte, box api.Box) {
	t.Helper()
	img, err := jpeg.Decode(bytes.NewReader(photo))
	if err != nil {
		t.Fatalf("%s: %v", id, err)
	}
	if b := img.Bounds(); b.Dx() != PhotoWidth || b.Dy() != PhotoHeight {
		t.Fatalf("%s: photo is %v", id, b)
	}
	var in, light, dark int
	for y := box.Y + 2; y < box.Y+box.H-2; y++ {
		for x := box.X + 2; x < box.X+box.W-2; x++ {
			l := lum(img, x, y)
			in++
			switch {
			case l > 170:
				light++
			case l < 110:
				dark++
			}
		}
	}
	if light*100 < in*50 || dark*100 < in*6 {
		t.Fatalf("%s: plate box %+v has %d%% light and %d%% dark pixels", id, box, light*100/in, dark*100/in)
	}
	var ring, ringLight int
	for y := box.Y - 4; y < box.Y+box.H+4; y++ {
		for x := box.X - 4; x < box.X+box.W+4; x++ {
			if x >= box.X-2 && x < box.X+box.W+2 && y >= box.Y-2 && y < box.Y+box.H+2 {
				continue
			}
			ring++
			if lum(img, x, y) > 170 {
				ringLight++
			}
		}
	}
	if ringLight*100 > ring*10 {
		t.Fatalf("%s: %d%% of the pixels around the box are plate-coloured: plate drawn outside it", id, ringLight*100/ring)
	}
}

func TestPhotos(t *testing.T) {
	tw := small(t, 1)
	w := tw.w
	night, day, bodies := 0, 0, map[string]bool{}
	for i, m := range tw.reads {
		isN := isNight(m.CapturedAt.In(w.loc))
		if i%2999 != 0 && bodies[m.BodyType] {
			continue
		}
		bodies[m.BodyType] = true
		if isN {
			night++
		} else {
			day++
		}
		photo, err := w.Photo(readOf(w, m))
		if err != nil {
			t.Fatal(err)
		}
		checkPlateDrawn(t, m.ID, photo, m.PlateBox)
	}
	if night == 0 || day == 0 || len(bodies) != len(BodyTypes) {
		t.Fatalf("sample: %d night, %d day, body types %v", night, day, bodies)
	}
}

// TestPhotoShowsTruePlate: the photo depends on the read, never on the OCR
// text, so a misread's photo shows the true plate.
func TestPhotoShowsTruePlate(t *testing.T) {
	tw := small(t, 1)
	for i, m := range tw.reads {
		r := &tw.recs[i]
		if m.Plate == tw.w.carriedPlate(r.vi, int(r.k)).plate {
			continue
		}
		read := readOf(tw.w, m)
		misread, err := tw.w.Photo(read)
		if err != nil {
			t.Fatal(err)
		}
		read.Plate = tw.w.carriedPlate(r.vi, int(r.k)).plate
		read.Confidence = 0.99
		truth, err := tw.w.Photo(read)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(misread, truth) {
			t.Fatalf("photo of misread %s depends on its OCR text", m.ID)
		}
		return
	}
	t.Fatal("no misread in the world")
}

func TestPhotoRefusesForeignRead(t *testing.T) {
	w := small(t, 1).w
	for _, id := range []string{"", "x", "d2-1-1-1", "d1-999999-1-1", "d1-1-40-1", "d1-1-1", "r-1", "d1-a-1-1"} {
		_, err := w.Photo(api.Read{ID: id})
		var ae *api.Error
		if !errors.As(err, &ae) || ae.Code != api.CodeNotFound {
			t.Fatalf("Photo(%q) = %v, want not_found", id, err)
		}
	}
	// A read of the world without box or camera name still gets a photo.
	m := small(t, 1).reads[10]
	photo, err := w.Photo(api.Read{ID: m.ID, CapturedAt: m.CapturedAt, Camera: api.ReadCamera{ID: m.CameraID}})
	if err != nil {
		t.Fatal(err)
	}
	checkPlateDrawn(t, m.ID, photo, m.PlateBox)
}

func TestLive(t *testing.T) {
	w := New(Options{Seed: 5, Vehicles: 300, Reads: 5000})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	start := time.Now().Add(-time.Second)
	var got []api.ReadMeta
	err := w.Live(ctx, 25, func(m api.ReadMeta, photo []byte) error {
		if m.CapturedAt.Before(start) || m.CapturedAt.After(time.Now()) {
			t.Errorf("live read %s captured at %v", m.ID, m.CapturedAt)
		}
		again, err := w.Photo(readOf(w, m))
		if err != nil {
			return err
		}
		if !bytes.Equal(again, photo) {
			t.Errorf("Photo of live read %s differs from the photo ingested", m.ID)
		}
		checkPlateDrawn(t, m.ID, photo, m.PlateBox)
		got = append(got, m)
		if len(got) == 3 {
			cancel() // Live returns nil once ctx is done
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || ctx.Err() != context.Canceled {
		t.Fatalf("%d live reads before the deadline (%v)", len(got), ctx.Err())
	}
	ids := map[string]bool{}
	for _, m := range got {
		if ids[m.ID] {
			t.Fatalf("live read id %s repeated", m.ID)
		}
		ids[m.ID] = true
	}
	stop := errors.New("store down")
	if err := w.Live(context.Background(), 50, func(api.ReadMeta, []byte) error { return stop }); !errors.Is(err, stop) {
		t.Fatalf("ingest error: got %v", err)
	}
	for _, rate := range []float64{0, -1, 1e9} {
		var ae *api.Error
		if err := w.Live(context.Background(), rate, func(api.ReadMeta, []byte) error { return nil }); !errors.As(err, &ae) || ae.Code != api.CodeInvalidField {
			t.Fatalf("rate %v: %v", rate, err)
		}
	}
}

// BenchmarkPhoto measures drawing and encoding one photo.
func BenchmarkPhoto(b *testing.B) {
	tw := small(b, 1)
	reads := make([]api.Read, 0, 64)
	for i := 0; i < len(tw.reads) && len(reads) < cap(reads); i += len(tw.reads) / cap(reads) {
		reads = append(reads, readOf(tw.w, tw.reads[i]))
	}
	b.ResetTimer()
	for i := range b.N {
		if _, err := tw.w.Photo(reads[i%len(reads)]); err != nil {
			b.Fatal(err)
		}
	}
}
