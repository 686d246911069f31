package store

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
)

// Daily counters: plate-free figures written when things happen, so that
// the efficacy and transparency reports keep periods older than the
// retention period after the reads and alerts are purged. A key never holds
// a person, a plate, a report number or a justification.
const (
	CounterReads            = "reads_collected"    // key ""
	CounterHit              = "hit"                // key list
	CounterHitVerdict       = "hit_verdict"        // key list/verdict (the alert's latest verdict)
	CounterHitVerifyMinutes = "hit_verify_minutes" // key list/minutes from hit to first verdict
	CounterHitOutcome       = "hit_outcome"        // key list/action
	CounterStopNotReady     = "stop_not_ready"     // key list
	CounterSearch           = "search_allowed"     // key purpose category
	CounterSearchRefused    = "search_refused"     // key error code
	CounterAnalysis         = "analysis_allowed"   // key analysis (common_plates, convoy)
	CounterAnalysisRefused  = "analysis_refused"   // key analysis
	CounterHotlistRequest   = "hotlist_request"    // key ""
	CounterHotlistDecision  = "hotlist_decision"   // key approved or denied
	CounterHotlistRemoved   = "hotlist_removed"    // key ""
	CounterAuditSample      = "audit_sample"       // key ""
	CounterAuditReview      = "audit_review"       // key verdict (entry and flag reviews)
)

// Day is the UTC day of t as the counters key it.
func Day(t time.Time) string { return t.UTC().Format(time.DateOnly) }

// countKey joins a counter key's parts with "/".
func countKey(parts ...string) string { return strings.Join(parts, "/") }

// countAt adds n to a counter on the day of at.
func countAt(tx Tx, at time.Time, name, key string, n int) error {
	return tx.AddCount(Day(at), name, key, n)
}

// countAudit counts what an audit entry records, in the entry's own
// transaction: searches, analyses, hotlist requests and decisions, early
// removals, audit samples and reviews. Page fetches are not searches.
func countAudit(tx Tx, e *api.AuditEntry) error {
	allowed := e.Outcome != api.OutcomeRefused
	name, key := "", ""
	switch e.Action {
	case ActionSearch:
		name, key = CounterSearch, e.PurposeCategory
		if !allowed {
			name, key = CounterSearchRefused, e.Reason
		}
	case ActionAnalysisCommonPlates, ActionAnalysisConvoy:
		name, key = CounterAnalysis, strings.TrimPrefix(e.Action, "analysis_")
		if !allowed {
			name = CounterAnalysisRefused
		}
	case ActionHotlistRequest:
		name = CounterHotlistRequest
	case ActionHotlistDecision:
		name, key = CounterHotlistDecision, api.RequestDenied
		if queryField(e.Query, "approve") == "true" {
			key = api.RequestApproved
		}
	case ActionHotlistRemove:
		name = CounterHotlistRemoved
	case ActionAuditSample:
		name = CounterAuditSample
	case ActionAuditReview, ActionFlagReview:
		name, key = CounterAuditReview, queryField(e.Query, "verdict")
	}
	if name == "" || (!allowed && name != CounterSearchRefused && name != CounterAnalysisRefused) {
		return nil
	}
	return countAt(tx, e.At, name, key, 1)
}

// queryField returns a top-level field of an entry's query JSON as text
// ("" when absent).
func queryField(query, field string) string {
	var m map[string]any
	if json.Unmarshal([]byte(query), &m) != nil {
		return ""
	}
	switch v := m[field].(type) {
	case string:
		return v
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	}
	return ""
}

// countVerdict moves a hit's verdict counter when a verdict is given
// through its alert: the alert's previous verdict (prev, "" when none) is
// taken back and the new one counted, on the day of the hit; the first
// verdict also records the minutes from hit to verification.
func countVerdict(tx Tx, a *AlertRecord, prev, status string, at time.Time) error {
	if prev != "" {
		if err := countAt(tx, a.At, CounterHitVerdict, countKey(a.List, prev), -1); err != nil {
			return err
		}
	} else {
		mins := max(0, int(at.Sub(a.At)/time.Minute))
		if err := countAt(tx, a.At, CounterHitVerifyMinutes, countKey(a.List, strconv.Itoa(mins)), 1); err != nil {
			return err
		}
	}
	return countAt(tx, a.At, CounterHitVerdict, countKey(a.List, status), 1)
}

// countOutcome counts a hit's outcome on the day of the hit.
func countOutcome(tx Tx, a *AlertRecord, o api.AlertOutcome) error {
	if err := countAt(tx, a.At, CounterHitOutcome, countKey(a.List, o.Action), 1); err != nil {
		return err
	}
	if api.IsStopAction(o.Action) && !o.StopReady {
		return countAt(tx, a.At, CounterStopNotReady, a.List, 1)
	}
	return nil
}

// dayRange returns the counter days covering [from, to): every UTC day
// whose start lies in it.
func dayRange(from, to time.Time) (string, string) {
	f := from.UTC().Truncate(24 * time.Hour)
	if f.Before(from) {
		f = f.Add(24 * time.Hour)
	}
	t := to.UTC().Truncate(24 * time.Hour)
	if t.Before(to) {
		t = t.Add(24 * time.Hour)
	}
	return Day(f), Day(t)
}

// counterSet is a period's summed counters, by name then key.
type counterSet map[string]map[string]int

// loadCounts sums the counters of the days covering [from, to).
func loadCounts(tx ReadTx, from, to time.Time) (counterSet, error) {
	fd, td := dayRange(from, to)
	cs, err := tx.Counts(fd, td)
	if err != nil {
		return nil, err
	}
	out := counterSet{}
	for _, c := range cs {
		if out[c.Name] == nil {
			out[c.Name] = map[string]int{}
		}
		out[c.Name][c.Key] += c.N
	}
	return out, nil
}

// total sums every key of a counter.
func (c counterSet) total(name string) int {
	n := 0
	for _, v := range c[name] {
		n += v
	}
	return n
}

// split returns a counter's keys "a/b" as a map a -> b -> n.
func (c counterSet) split(name string) map[string]map[string]int {
	out := map[string]map[string]int{}
	for k, n := range c[name] {
		a, b, _ := strings.Cut(k, "/")
		if out[a] == nil {
			out[a] = map[string]int{}
		}
		out[a][b] += n
	}
	return out
}
