package store

import (
	"testing"
	"time"
)

// TestHistogramMedian checks odd and even counts, repeated values and
// keys that are not numbers.
func TestHistogramMedian(t *testing.T) {
	for _, tc := range []struct {
		h    map[string]int
		want float64
	}{
		{nil, 0},
		{map[string]int{"7": 1}, 7},
		{map[string]int{"1": 2, "9": 1}, 1},
		{map[string]int{"1": 1, "4": 1}, 2.5},
		{map[string]int{"3": 2, "10": 2, "x": 5}, 6.5},
		{map[string]int{"2": 0, "5": 3}, 5},
	} {
		if got := histogramMedian(tc.h); got != tc.want {
			t.Errorf("histogramMedian(%v) = %v, want %v", tc.h, got, tc.want)
		}
	}
}

// TestDayRange checks that a period covers the UTC days whose start lies in it.
func TestDayRange(t *testing.T) {
	at := func(s string) time.Time { v, _ := time.Parse(time.RFC3339, s); return v }
	for _, tc := range []struct{ from, to, f, t string }{
		{"2026-11-01T00:00:00Z", "2026-12-01T00:00:00Z", "2026-11-01", "2026-12-01"},
		{"2026-11-01T10:00:00Z", "2026-11-03T10:00:00Z", "2026-11-02", "2026-11-04"},
	} {
		f, to := dayRange(at(tc.from), at(tc.to))
		if f != tc.f || to != tc.t {
			t.Errorf("dayRange(%s, %s) = %s, %s; want %s, %s", tc.from, tc.to, f, to, tc.f, tc.t)
		}
	}
}
