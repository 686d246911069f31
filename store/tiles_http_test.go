package store_test

import (
	"bytes"
	"image/png"
	"net/http"
	"testing"

	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/storetest"
)

func TestTileRoute(t *testing.T) {
	env := storetest.StartWith(t, store.Config{BasemapPath: "tiles/testdata/small.geojson"})
	raw := env.Do(t, "GET", "/tiles/14/2627/6331.png", "", nil, http.StatusOK, nil)
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil || img.Bounds().Dx() != 256 {
		t.Fatalf("tile: %v", err)
	}
	for _, p := range []string{"/tiles/14/2627/6331.jpg", "/tiles/10/163/395.png", "/tiles/14/1/1.png"} {
		if c := errCode(t, env.Do(t, "GET", p, "", nil, http.StatusNotFound, nil)); c != "not_found" {
			t.Errorf("%s: %s", p, c)
		}
	}
	if _, err := store.Open(store.Config{DBPath: t.TempDir() + "/x.db", Open: open.Open, BasemapPath: "tiles/testdata/missing.geojson"}); err == nil {
		t.Fatal("a missing basemap file must fail the start")
	}
}
