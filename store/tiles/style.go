package tiles

import "image/color"

// layerID indexes layers; its order is the drawing order.
type layerID uint8

const (
	layerLand layerID = iota
	layerBay
	layerIndustrial
	layerCemeteries
	layerParks
	layerWater
	layerRailways
	layerResidential
	layerTertiary
	layerSecondary
	layerPrimary
	layerMotorway
	layerNeighborhoods
	layerCities
	numLayers
)

// layerNames are the properties.layer values of the basemap format, in
// drawing order (see /work/shared/data/README.md).
var layerNames = [numLayers]string{
	"land-polygons-clip", "sf-bay-mask", "industrial", "cemeteries", "parks",
	"waterbodies", "railways", "residentialroads", "tertiaryroads",
	"secondaryroads", "primaryroads", "motorways", "neighborhoods", "cities",
}

var layerByName = func() map[string]layerID {
	m := make(map[string]layerID, numLayers)
	for i, n := range layerNames {
		m[n] = layerID(i)
	}
	return m
}()

func rgb(hex uint32) color.RGBA {
	return color.RGBA{uint8(hex >> 16), uint8(hex >> 8), uint8(hex), 0xff}
}

// Colours, loosely after the usual OpenStreetMap look.
var (
	colLand       = rgb(0xf2efe9)
	colWater      = rgb(0xaad3df)
	colIndustrial = rgb(0xebdbe8)
	colCemetery   = rgb(0xaacbaf)
	colPark       = rgb(0xc8facc)
	colParkEdge   = rgb(0xa6dca9)
	colRail       = rgb(0x8c8c8c)
	colLabel      = rgb(0x3c3c3c)
	colHalo       = color.RGBA{0xff, 0xff, 0xff, 0xd0}
)

// areaFill gives the fill colour of an area layer.
var areaFill = map[layerID]color.RGBA{
	layerLand:       colLand,
	layerBay:        colWater,
	layerIndustrial: colIndustrial,
	layerCemeteries: colCemetery,
	layerParks:      colPark,
	layerWater:      colWater,
}

// roadStyle gives, per zoom 11..17, the width in pixels of a road's fill
// and of its casing (0: no casing), and its colours.
type roadStyle struct {
	fill, casing [MaxZoom - MinZoom + 1]float64
	fillCol      color.RGBA
	caseCol      color.RGBA
	// minZoom below which the class is not drawn.
	minZoom int
}

var roadStyles = map[layerID]roadStyle{
	layerResidential: {
		fill:    [...]float64{0.6, 0.8, 1.4, 2.4, 4.2, 7, 11},
		casing:  [...]float64{0, 0, 2.4, 3.6, 5.6, 8.8, 13.4},
		fillCol: rgb(0xffffff), caseCol: rgb(0xc2bdb4), minZoom: 11,
	},
	layerTertiary: {
		fill:    [...]float64{0.9, 1.2, 2.0, 3.4, 5.2, 8.4, 12.4},
		casing:  [...]float64{0, 2.0, 3.2, 4.8, 6.8, 10.4, 15},
		fillCol: rgb(0xffffff), caseCol: rgb(0xa8a29a), minZoom: 11,
	},
	layerSecondary: {
		fill:    [...]float64{1.2, 1.7, 2.6, 4.0, 6.0, 9.4, 13.6},
		casing:  [...]float64{2.0, 2.7, 3.8, 5.4, 7.6, 11.4, 16.2},
		fillCol: rgb(0xf7f6b3), caseCol: rgb(0xb3ae6a), minZoom: 11,
	},
	layerPrimary: {
		fill:    [...]float64{1.6, 2.2, 3.2, 4.8, 7.0, 10.6, 15},
		casing:  [...]float64{2.6, 3.4, 4.6, 6.4, 8.8, 12.8, 17.8},
		fillCol: rgb(0xfcd6a4), caseCol: rgb(0xc4874a), minZoom: 11,
	},
	layerMotorway: {
		fill:    [...]float64{2.0, 2.8, 3.8, 5.6, 8.0, 12, 16.4},
		casing:  [...]float64{3.2, 4.2, 5.4, 7.4, 10.2, 14.6, 19.6},
		fillCol: rgb(0xf4a460), caseCol: rgb(0xb35c1e), minZoom: 11,
	},
}

// residentialAtLowZoom is how residential streets look at zoom 11 and 12,
// where white lines with casings would blur into a grey carpet.
var residentialAtLowZoom = rgb(0xd6d1c8)
