package store

import (
	"slices"
	"strconv"

	"alprdesk/api"
)

// hitsByList computes the efficacy report's hits_by_list from a period's
// counters: per list, the hits, their latest verdicts through the alert,
// the OCR error rate, outcomes by action, stops on hits that were not
// stop-ready, and the median minutes from hit to first verdict.
func hitsByList(c counterSet) []api.ListHits {
	verdicts := c.split(CounterHitVerdict)
	outcomes := c.split(CounterHitOutcome)
	minutes := c.split(CounterHitVerifyMinutes)
	out := make([]api.ListHits, 0, len(hotlistLists))
	for _, l := range hotlistLists {
		v := verdicts[l]
		h := api.ListHits{List: l, Hits: c[CounterHit][l], Confirmed: v[api.VerifyConfirmed], Misread: v[api.VerifyMisread],
			WrongState: v[api.VerifyWrongState], Unreadable: v[api.VerifyUnreadable],
			Outcomes: map[string]int{}, StopsNotStopReady: c[CounterStopNotReady][l]}
		h.Unverified = max(0, h.Hits-h.Confirmed-h.Misread-h.WrongState-h.Unreadable)
		h.ErrorRate = api.VerificationFigures{Confirmed: h.Confirmed, Misread: h.Misread, WrongState: h.WrongState}.ErrorRate()
		for _, a := range api.OutcomeActions {
			h.Outcomes[a] = outcomes[l][a]
		}
		h.MedianMinutesToVerification = histogramMedian(minutes[l])
		out = append(out, h)
	}
	return out
}

// histogramMedian is the median of a histogram whose keys are whole
// numbers (as text) and whose values are how often each occurred; 0 when
// empty. An even count averages the two middle values.
func histogramMedian(h map[string]int) float64 {
	type bin struct{ v, n int }
	var bins []bin
	total := 0
	for k, n := range h {
		v, err := strconv.Atoi(k)
		if err != nil || n <= 0 {
			continue
		}
		bins = append(bins, bin{v, n})
		total += n
	}
	if total == 0 {
		return 0
	}
	slices.SortFunc(bins, func(a, b bin) int { return a.v - b.v })
	at := func(i int) int { // the i-th value (0-based) in order
		for _, b := range bins {
			if i < b.n {
				return b.v
			}
			i -= b.n
		}
		return bins[len(bins)-1].v
	}
	if total%2 == 1 {
		return float64(at(total / 2))
	}
	return float64(at(total/2-1)+at(total/2)) / 2
}
