package transparency

import (
	"strings"
	"testing"
	"time"
)

// TestPeriod covers the defaults, dates (a date as to includes the day),
// RFC 3339 times and each refusal.
func TestPeriod(t *testing.T) {
	now := time.Date(2026, 12, 2, 10, 0, 0, 0, time.UTC)
	day := func(s string) time.Time { d, _ := time.Parse(time.DateOnly, s); return d }
	for _, tc := range []struct {
		from, to     string
		wFrom, wTo   time.Time
		field, fails string
	}{
		{"", "", now.AddDate(0, 0, -365), now, "", ""},
		{"2026-01-01", "2026-12-31", day("2026-01-01"), day("2027-01-01"), "", ""},
		{"2026-11-01T00:00:00Z", "2026-11-15T12:00:00Z", day("2026-11-01"), day("2026-11-15").Add(12 * time.Hour), "", ""},
		{"", "2026-06-30", day("2025-07-01"), day("2026-07-01"), "", ""},
		{"2026-03-01", "2026-02-01", time.Time{}, time.Time{}, "to", "is not after from"},
		{"2025-01-01", "2026-06-01", time.Time{}, time.Time{}, "from", "at most 400 days"},
		{"March", "", time.Time{}, time.Time{}, "from", "neither a date"},
		{"", "2026-02-30", time.Time{}, time.Time{}, "to", "neither a date"},
	} {
		f, to, err := Period(tc.from, tc.to, now)
		if tc.fails != "" {
			if err == nil || err.Field != tc.field || !strings.Contains(err.Error(), tc.fails) {
				t.Errorf("Period(%q, %q) err = %v, want %s … %s", tc.from, tc.to, err, tc.field, tc.fails)
			}
			continue
		}
		if err != nil || !f.Equal(tc.wFrom) || !to.Equal(tc.wTo) {
			t.Errorf("Period(%q, %q) = %v, %v, %v; want %v, %v", tc.from, tc.to, f, to, err, tc.wFrom, tc.wTo)
		}
	}
}

func TestFormatCount(t *testing.T) {
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", -4500: "-4,500"} {
		if got := FormatCount(n); got != want {
			t.Errorf("FormatCount(%d) = %q, want %q", n, got, want)
		}
	}
}
