package mapview

import (
	"math"
	"sort"
)

// DefaultMaxKmh is the fastest a car is taken to travel between two reads
// (about 100 mph) when deciding that one plate seen twice is probably two
// vehicles: a cloned or copied plate.
const DefaultMaxKmh = 160

// MinCloneKm is the distance below which two reads are never called
// impossible travel, whatever the times: nearby cameras and clock skew.
const MinCloneKm = 1.0

const earthRadiusKm = 6371.0088

// DistanceKm is the great-circle distance between two sightings.
func DistanceKm(a, b Sighting) float64 {
	la1, la2 := a.Lat*math.Pi/180, b.Lat*math.Pi/180
	dLat := la2 - la1
	dLon := (b.Lon - a.Lon) * math.Pi / 180
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(la1)*math.Cos(la2)*math.Sin(dLon/2)*math.Sin(dLon/2)
	return 2 * earthRadiusKm * math.Asin(math.Min(1, math.Sqrt(h)))
}

// ImpossibleTravel reports whether getting from a to b (in either time
// order) would need a speed above maxKmh: the "possible clone" warning.
// maxKmh <= 0 means DefaultMaxKmh. Sightings less than MinCloneKm apart
// are never impossible.
func ImpossibleTravel(a, b Sighting, maxKmh float64) bool {
	if maxKmh <= 0 {
		maxKmh = DefaultMaxKmh
	}
	d := DistanceKm(a, b)
	if d < MinCloneKm {
		return false
	}
	hours := math.Abs(b.At.Sub(a.At).Hours())
	return d > maxKmh*hours
}

// ImpossiblePairs returns the index pairs (into s) of sightings that follow
// each other in time and could not both be the same vehicle at maxKmh.
func ImpossiblePairs(s []Sighting, maxKmh float64) [][2]int {
	order := timeOrder(s)
	var out [][2]int
	for k := 1; k < len(order); k++ {
		i, j := order[k-1], order[k]
		if ImpossibleTravel(s[i], s[j], maxKmh) {
			out = append(out, [2]int{i, j})
		}
	}
	return out
}

// timeOrder returns the indexes of s sorted by time, stable for equal times.
func timeOrder(s []Sighting) []int {
	order := make([]int, len(s))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return s[order[a]].At.Before(s[order[b]].At) })
	return order
}
