package mapview_test

import (
	"context"
	"fmt"
	"image"
	"time"

	"alprdesk/mapview"
)

// A timeline of three reads of one plate, drawn without tiles (give
// TileURL, e.g. mapview.StoreTileURL(storeURL), for the basemap), then a
// click turned back into the read under it.
func ExampleRender() {
	at := time.Date(2026, 11, 26, 8, 0, 0, 0, time.UTC)
	reads := []mapview.Sighting{
		{ReadID: "r2", Lat: 37.7749, Lon: -122.2194, At: at.Add(40 * time.Minute), Label: "Intl & 73rd"},
		{ReadID: "r1", Lat: 37.8044, Lon: -122.2712, At: at},
		{ReadID: "r3", Lat: 37.7600, Lon: -122.1900, At: at.Add(2 * time.Hour)},
	}
	m, err := mapview.Render(context.Background(), mapview.Options{Width: 640, Height: 480, Location: time.UTC}, reads)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("size:", m.Image.Bounds().Size(), "zoom:", m.Zoom)
	for i, r := range reads {
		fmt.Printf("%s is marker %d\n", r.ReadID, m.Rank[i]+1)
	}
	fmt.Println("click on r2 opens", reads[m.Hit(m.Points[0].Add(image.Pt(4, 4)), 0)].ReadID)
	fmt.Println("possible clone:", mapview.ImpossibleTravel(reads[1], reads[0], 0))
	// Output:
	// size: (640,480) zoom: 13
	// r2 is marker 2
	// r1 is marker 1
	// r3 is marker 3
	// click on r2 opens r2
	// possible clone: false
}
