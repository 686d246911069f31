package ui

import (
	"fmt"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/mapview"
)

// warningsFor lists what the investigator should know about read r given
// the results at hand: a possibly switched plate (the store's flag, or the
// same plate on a different vehicle among the results) and a possible clone
// (two sightings farther apart than a car could drive in the time between).
func (m *MainScreen) warningsFor(r api.Read, rows []Row) []string {
	var w []string
	if s := switchWarning(r, rows); s != "" {
		w = append(w, s)
	}
	if s := cloneWarning(r, rows); s != "" {
		w = append(w, s)
	}
	return w
}

// sameVehicle reports whether two reads show the same kind of vehicle
// (unknown attributes never count as a difference).
func sameVehicle(a, b api.Read) bool {
	diff := func(x, y string) bool { return x != "" && y != "" && !strings.EqualFold(x, y) }
	return !diff(a.Make, b.Make) && !diff(a.Color, b.Color) && !diff(a.BodyType, b.BodyType)
}

// switchWarning explains a possibly switched plate, or "".
func switchWarning(r api.Read, rows []Row) string {
	p := plateOf(r)
	for _, o := range rows {
		if o.Read.ID == r.ID || plateOf(o.Read) != p || sameVehicle(r, o.Read) {
			continue
		}
		return fmt.Sprintf("Possible switched plate: %s is on a %s here, but on a %s at %s, %s.",
			p, vehicleText(r), vehicleText(o.Read), o.Read.Camera.Name, o.Read.CapturedAt.Local().Format("Jan 02 15:04"))
	}
	if r.PossibleSwitch {
		return fmt.Sprintf("Possible switched plate: the store has seen %s on a different make or colour in this window. Search the plate alone to see every vehicle.", p)
	}
	return ""
}

// sighting is a read as mapview sees it.
func sighting(r api.Read) mapview.Sighting {
	return mapview.Sighting{ReadID: r.ID, Lat: r.Camera.Lat, Lon: r.Camera.Lon, At: r.CapturedAt}
}

// cloneWarning explains a possible cloned plate, or "": another read of the
// same plate among the results that no car could have reached in time.
func cloneWarning(r api.Read, rows []Row) string {
	p := plateOf(r)
	a := sighting(r)
	for _, o := range rows {
		if o.Read.ID == r.ID || plateOf(o.Read) != p {
			continue
		}
		if b := sighting(o.Read); mapview.ImpossibleTravel(a, b, 0) {
			gap := r.CapturedAt.Sub(o.Read.CapturedAt)
			if gap < 0 {
				gap = -gap
			}
			return fmt.Sprintf("Possible clone: %s was also read at %s, %.1f km away, %s apart — faster than a car can drive. Two vehicles may carry this plate.",
				p, o.Read.Camera.Name, mapview.DistanceKm(a, b), gapText(gap))
		}
	}
	return ""
}

// gapText is "12 min" or "3 h 5 min".
func gapText(d time.Duration) string {
	m := int(d.Round(time.Minute).Minutes())
	if m < 60 {
		return fmt.Sprintf("%d min", m)
	}
	return fmt.Sprintf("%d h %d min", m/60, m%60)
}
