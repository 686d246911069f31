package store

import (
	"slices"
	"testing"

	"alprdesk/api"
)

// TestHitCheck covers each branch of the check: no verdict, confirmed,
// confirmed look-alike, misread corrected to the entry, wrong state,
// unreadable, a conflicting description, and plates of different lengths.
func TestHitCheck(t *testing.T) {
	colors := api.DefaultPolicy().Colors
	entry := api.HotlistEntry{Plate: "5SOW350", State: "CA", VehicleDescription: "silver Honda Accord sedan"}
	read := func(p, state, mk, color string, v *api.Verification) api.Read {
		return api.Read{Plate: p, State: state, Make: mk, Color: color, Verification: v}
	}
	verdict := func(status, cp, cs string) *api.Verification {
		return &api.Verification{Status: status, CorrectedPlate: cp, CorrectedState: cs}
	}
	for _, tc := range []struct {
		name      string
		read      api.Read
		entry     api.HotlistEntry
		stopReady bool
		state     bool
		desc      string
		positions []api.CheckPosition
	}{
		{"unverified exact", read("5SOW350", "CA", "Honda", "silver", nil), entry, false, true, api.DescriptionYes, nil},
		{"confirmed exact", read("5SOW350", "CA", "Honda", "silver", verdict(api.VerifyConfirmed, "", "")), entry, true, true, api.DescriptionYes, nil},
		{"confirmed look-alike is another plate", read("5S0W350", "CA", "Honda", "silver", verdict(api.VerifyConfirmed, "", "")), entry, false, true, api.DescriptionYes,
			[]api.CheckPosition{{Index: 2, Read: "0", Entry: "O", LookAlike: true}}},
		{"misread corrected to the entry", read("5SOW750", "CA", "Honda", "silver", verdict(api.VerifyMisread, "5SOW350", "")), entry, true, true, api.DescriptionYes,
			[]api.CheckPosition{{Index: 4, Read: "7", Entry: "3"}}},
		{"misread corrected elsewhere", read("5SOW350", "CA", "Honda", "silver", verdict(api.VerifyMisread, "5SOW358", "")), entry, false, true, api.DescriptionYes, nil},
		{"wrong state", read("5SOW350", "CA", "Honda", "silver", verdict(api.VerifyWrongState, "", "MT")), entry, false, false, api.DescriptionYes, nil},
		{"wrong state corrected to the entry's", read("5SOW350", "CO", "Honda", "silver", verdict(api.VerifyWrongState, "", "CA")), entry, true, true, api.DescriptionYes, nil},
		{"other state unverified", read("5SOW350", "CO", "", "", nil), entry, false, false, api.DescriptionUnknown, nil},
		{"unreadable", read("5SOW350", "CA", "Honda", "silver", verdict(api.VerifyUnreadable, "", "")), entry, false, true, api.DescriptionYes, nil},
		{"description says no (colour)", read("5SOW350", "CA", "Honda", "red", verdict(api.VerifyConfirmed, "", "")), entry, false, true, api.DescriptionNo, nil},
		{"description says no (make)", read("5SOW350", "CA", "Toyota", "silver", verdict(api.VerifyConfirmed, "", "")), entry, false, true, api.DescriptionNo, nil},
		{"description unknown", read("5SOW350", "CA", "Honda", "silver", verdict(api.VerifyConfirmed, "", "")),
			api.HotlistEntry{Plate: "5SOW350", State: "CA", VehicleDescription: "sedan, dented rear bumper"}, true, true, api.DescriptionUnknown, nil},
		{"shorter read", read("5SOW35", "CA", "", "", nil), entry, false, true, api.DescriptionUnknown,
			[]api.CheckPosition{{Index: 6, Read: "", Entry: "0"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := HitCheck(tc.read, tc.entry, colors)
			if c.StopReady != tc.stopReady || c.StateMatch != tc.state || c.DescriptionMatch != tc.desc {
				t.Errorf("check = stop_ready %v state_match %v description %q; want %v %v %q",
					c.StopReady, c.StateMatch, c.DescriptionMatch, tc.stopReady, tc.state, tc.desc)
			}
			if c.ReadPlate != tc.read.Plate || c.EntryPlate != tc.entry.Plate {
				t.Errorf("plates = %s/%s", c.ReadPlate, c.EntryPlate)
			}
			if !slices.Equal(c.Positions, tc.positions) && !(len(c.Positions) == 0 && len(tc.positions) == 0) {
				t.Errorf("positions = %+v, want %+v", c.Positions, tc.positions)
			}
		})
	}
}
