// Package transparency turns the store's public transparency figures
// (api.Transparency) into what the public reads: a self-contained HTML page
// (inline SVG charts, no external scripts, fonts or images; readable on a
// phone; prints cleanly) beside transparency.json. The store's
// `alprstore transparency` command and the workstation's Reports screen
// both write it, so the two are the same report. It also reads a report's
// period the way both accept it.
package transparency

import (
	"fmt"
	"time"

	"alprdesk/api"
)

// DefaultDays is the length of a report's period when none is given.
const DefaultDays = 365

// PeriodError is a bad period bound; Field is "from" or "to".
type PeriodError struct {
	Field   string
	Message string
}

// Error says which bound is wrong and why.
func (e *PeriodError) Error() string { return e.Field + " " + e.Message }

// parseBound reads a date (YYYY-MM-DD, UTC; a date given as to means the
// end of that day) or an RFC 3339 time.
func parseBound(field, v string) (time.Time, *PeriodError) {
	if t, err := time.Parse(time.RFC3339, v); err == nil {
		return t.UTC(), nil
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		return time.Time{}, &PeriodError{field, fmt.Sprintf("holds %q, which is neither a date such as 2026-01-31 nor an RFC 3339 time.", v)}
	}
	if field == "to" {
		t = t.AddDate(0, 0, 1)
	}
	return t, nil
}

// Period resolves a report's period from its bounds ("" for the default):
// to defaults to now, from to DefaultDays before to. A date as to includes
// that whole day. The period must not end before it starts and may be at
// most api.MaxTransparencyDays long.
func Period(fromText, toText string, now time.Time) (time.Time, time.Time, *PeriodError) {
	to := now.UTC()
	if toText != "" {
		var err *PeriodError
		if to, err = parseBound("to", toText); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	from := to.AddDate(0, 0, -DefaultDays)
	if fromText != "" {
		var err *PeriodError
		if from, err = parseBound("from", fromText); err != nil {
			return time.Time{}, time.Time{}, err
		}
	}
	switch {
	case !from.Before(to):
		return from, to, &PeriodError{"to", fmt.Sprintf("(%s) is not after from (%s); give a period that ends after it starts.",
			to.Format(time.RFC3339), from.Format(time.RFC3339))}
	case to.Sub(from) > api.MaxTransparencyDays*24*time.Hour:
		return from, to, &PeriodError{"from", fmt.Sprintf("is %d days before to; a transparency report covers at most %d days.",
			int(to.Sub(from).Hours()/24), api.MaxTransparencyDays)}
	}
	return from, to, nil
}
