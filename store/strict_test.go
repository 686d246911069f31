package store_test

import (
	"encoding/base64"
	"net/http"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// TestPhotoMustDecode: a photo must decode as a JPEG of at most 4,096 px
// a side, and the plate box must lie inside it.
func TestPhotoMustDecode(t *testing.T) {
	env := storetest.Start(t)
	small := storetest.JPEG(t, 64, 36)
	for _, tc := range []struct {
		name  string
		photo []byte
		box   api.Box
		want  int
	}{
		{"fine", small, api.Box{X: 10, Y: 10, W: 40, H: 12}, http.StatusCreated},
		{"JPEG magic, then garbage", append([]byte("\xff\xd8\xff\xe0"), make([]byte, 200)...), api.Box{}, http.StatusUnprocessableEntity},
		{"not a JPEG", []byte("GIF89a..."), api.Box{}, http.StatusUnprocessableEntity},
		{"too wide", storetest.JPEG(t, 4097, 8), api.Box{}, http.StatusUnprocessableEntity},
		{"box outside", small, api.Box{X: 40, Y: 10, W: 40, H: 12}, http.StatusUnprocessableEntity},
		{"box below", small, api.Box{X: 0, Y: 30, W: 10, H: 7}, http.StatusUnprocessableEntity},
	} {
		m := read(env, "p-"+tc.name, "7ABC123", time.Minute)
		m.PlateBox = tc.box
		resp, raw := env.Upload(t, env.CameraToken, m, tc.photo)
		if resp.StatusCode != tc.want || tc.want == 422 && errCode(t, raw) != api.CodeInvalidField {
			t.Errorf("%s: %d %s, want %d", tc.name, resp.StatusCode, raw, tc.want)
		}
	}
}

// TestDuplicateIDFromAnotherCamera: a read id already used by another
// camera is refused with 409 duplicate_id, single and in a batch (that
// line only); the same camera's repeat stays a duplicate.
func TestDuplicateIDFromAnotherCamera(t *testing.T) {
	env := storetest.Start(t)
	m := read(env, "dup-1", "7ABC123", time.Minute)
	env.Ingest(t, m, nil)
	photo := storetest.JPEG(t, 64, 36)
	resp, raw := env.Upload(t, env.CameraToken, m, photo)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("same camera repeat: %d %s", resp.StatusCode, raw)
	}
	other := m
	other.CameraID, other.Plate = "cam-2", "9XYZ555"
	resp, raw = env.Upload(t, env.CameraTokens["cam-2"], other, photo)
	if resp.StatusCode != http.StatusConflict || errCode(t, raw) != api.CodeDuplicateID {
		t.Fatalf("another camera's read with a used id: %d %s", resp.StatusCode, raw)
	}
	other.PhotoBase64 = base64.StdEncoding.EncodeToString(photo)
	fresh := other
	fresh.ID = "dup-2"
	br := batch(t, env, env.CameraTokens["cam-2"], []api.ReadMeta{fresh, other})
	if br.Accepted != 1 || len(br.Rejected) != 1 || br.Rejected[0].Line != 2 || br.Rejected[0].Error.Code != api.CodeDuplicateID {
		t.Fatalf("batch = %+v", br)
	}
}
