package api

import (
	"slices"
	"testing"
)

// TestDescriptionMatch covers yes, no (colour, make) and unknown, aliases,
// two-tone descriptions and reads without a make or colour.
func TestDescriptionMatch(t *testing.T) {
	colors := DefaultPolicy().Colors
	for _, tc := range []struct {
		desc, mk, color, want string
	}{
		{"silver Honda Accord", "Honda", "silver", DescriptionYes},
		{"Honda", "Honda", "", DescriptionYes},
		{"grey chevy pickup", "Chevrolet", "gray", DescriptionYes},
		{"white over blue Ford van", "Ford", "blue", DescriptionYes},
		{"silver Honda Accord", "Honda", "red", DescriptionNo},
		{"silver Honda Accord", "Toyota", "silver", DescriptionNo},
		{"black Mercedes-Benz Sprinter", "Mercedes-Benz", "white", DescriptionNo},
		{"sedan with damage", "Honda", "silver", DescriptionUnknown},
		{"silver Honda", "", "", DescriptionUnknown},
		{"", "Honda", "silver", DescriptionUnknown},
		{"minivan", "Mini", "", DescriptionUnknown},
	} {
		if got := DescriptionMatch(tc.desc, tc.mk, tc.color, colors); got != tc.want {
			t.Errorf("DescriptionMatch(%q, %q, %q) = %q, want %q", tc.desc, tc.mk, tc.color, got, tc.want)
		}
	}
	named, makes := DescribedVehicle("Grey VW Golf, Land Rover plates", colors)
	if !slices.Equal(named, []string{"gray"}) || !slices.Equal(makes, []string{"Volkswagen", "Land Rover"}) {
		t.Errorf("DescribedVehicle = %v %v", named, makes)
	}
}
