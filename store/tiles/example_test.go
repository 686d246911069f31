package tiles_test

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"

	"alprdesk/store/tiles"
)

// Load a basemap and draw a tile, as the store's /tiles handler does.
func ExampleLoad() {
	r, err := tiles.Load("testdata/small.geojson") // or ../shared/data/oakland-basemap.geojson.gz
	if err != nil {
		fmt.Println(err)
		return
	}
	st := r.Stats()
	fmt.Println("features:", st.Features, "skipped:", st.Skipped)

	b, err := r.Tile(14, 2627, 6331) // downtown Oakland
	if err != nil {
		fmt.Println(err)
		return
	}
	img, _ := png.Decode(bytes.NewReader(b))
	fmt.Println("tile:", img.Bounds().Size())

	_, err = r.Tile(10, 163, 395) // zoom 10 is not drawn: the store answers 404
	fmt.Println(errors.Is(err, tiles.ErrNoTile))
	// Output:
	// features: 8 skipped: 1
	// tile: (256,256)
	// true
}
