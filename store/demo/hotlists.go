package demo

import (
	"fmt"
	"time"

	"alprdesk/api"
)

// Hotlists returns the entries of the state lists a demo store starts
// with, as if imported from the CA DOJ files that morning: the stolen
// Charger of the "stolen-vehicle-real-time" exercise (stolen_vehicles) and
// a few felony wants on vehicles that drive past cameras most days, so
// that live mode raises hits during a class. Entry ids are "demo-hl-N";
// they expire 30 days after the world's Now.
func (w *World) Hotlists() []api.HotlistEntry {
	exp := w.now.Add(WindowDays * 24 * time.Hour)
	var out []api.HotlistEntry
	add := func(v *vehicle, list, rn, instr string) {
		out = append(out, api.HotlistEntry{ID: fmt.Sprintf("demo-hl-%d", len(out)+1), Plate: v.plate, State: v.state,
			List: list, ExpiresAt: exp, ReportNumber: rn,
			VehicleDescription: fmt.Sprintf("%s %s %s %s", Colors[v.color], v.make, v.model, BodyTypes[v.body]),
			Instructions:       instr, Contact: "OPD Communications, 510-777-3333 (demo)"})
	}
	if e := w.exercise("stolen-vehicle-real-time"); e != nil {
		add(&w.fleet[e.vehicles[0]], api.ListStolenVehicles, e.ReportNumber,
			"Stolen vehicle. Verify the photo and the plate with dispatch before any stop.")
	}
	r := newRNG(w.seed, 0x4071)
	for n, tries := 0, 0; n < 3 && tries < 10000; tries++ {
		vi := int32(r.intn(len(w.fleet)))
		v := &w.fleet[vi]
		if v.planted != 0 || v.activity < 1 || v.switchTo >= 0 || v.state != "CA" {
			continue
		}
		add(v, api.ListFelonyWants, fmt.Sprintf("26-%06d", 10000+r.intn(90000)),
			"Felony want: the registered owner is wanted. Do not stop on the hit alone; confirm the driver.")
		n++
	}
	return out
}
