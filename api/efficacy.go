package api

import (
	"encoding/json"
	"slices"
	"time"
)

// Search outcomes: what a search led to, as its user marks it afterwards
// (issue 7, "Outcomes"). They feed the efficacy report.
const (
	LedToLead             = "lead"
	LedToArrest           = "arrest"
	LedToVehicleRecovered = "vehicle_recovered"
	LedToPersonLocated    = "person_located"
	LedToNone             = "none"
)

// SearchOutcomes lists every search outcome, in the order reports show them.
var SearchOutcomes = []string{LedToLead, LedToArrest, LedToVehicleRecovered, LedToPersonLocated, LedToNone}

// MaxOutcomeNote is the longest accepted note on a search outcome, in bytes.
const MaxOutcomeNote = 2000

// SearchOutcome is the body of the request by which a user marks what one of
// their searches led to. The store documents its route in openapi.yaml.
type SearchOutcome struct {
	// SearchID is the search_id a POST /v1/searches answered.
	SearchID string `json:"search_id"`
	// Outcome is one of SearchOutcomes.
	Outcome string `json:"outcome"`
	// Note is free text for the record (may be empty).
	Note string `json:"note"`
}

// Validate reports the first problem with the request as a 422
// invalid_field error naming the field, or nil when it is well formed.
func (o SearchOutcome) Validate() *Error {
	switch {
	case o.SearchID == "":
		return E(CodeInvalidField, "search_id is required.")
	case !slices.Contains(SearchOutcomes, o.Outcome):
		return E(CodeInvalidField,
			"outcome must be one of lead, arrest, vehicle_recovered, person_located or none.")
	case len(o.Note) > MaxOutcomeNote:
		return E(CodeInvalidField, "note must be at most %d bytes.", MaxOutcomeNote)
	}
	return nil
}

// Age buckets of the data at the time of query: how old a read was when a
// search returned it, in the surveillance impact report's buckets.
const (
	AgeUnder1Month = "under_1_month"
	Age1To3Months  = "1_3_months"
	Age4To6Months  = "4_6_months"
	Age7To12Months = "7_12_months"
	AgeOlder       = "older"
)

// AgeBuckets lists the age buckets, youngest first.
var AgeBuckets = []string{AgeUnder1Month, Age1To3Months, Age4To6Months, Age7To12Months, AgeOlder}

// AgeBucket names the bucket of a read captured at captured and returned by
// a search at query: whole calendar months between the two (UTC), 0 for
// under one month, 1–3, 4–6, 7–12, and older beyond.
func AgeBucket(captured, query time.Time) string {
	c, q := captured.UTC(), query.UTC()
	months := (q.Year()-c.Year())*12 + int(q.Month()) - int(c.Month())
	if c.AddDate(0, months, 0).After(q) {
		months--
	}
	switch {
	case months < 1:
		return AgeUnder1Month
	case months <= 3:
		return Age1To3Months
	case months <= 6:
		return Age4To6Months
	case months <= 12:
		return Age7To12Months
	}
	return AgeOlder
}

// CountBy is one count of a breakdown; what Key holds is documented on the
// field of Efficacy that carries the breakdown.
type CountBy struct {
	Key   string `json:"key"`
	Count int    `json:"count"`
}

// MonthCategoryCount counts the allowed searches of one month (UTC) and one
// purpose category.
type MonthCategoryCount struct {
	// Month is "YYYY-MM".
	Month string `json:"month"`
	// Category is a purpose category of the policy.
	Category string `json:"category"`
	Count    int    `json:"count"`
}

// VerificationFigures are the human verification figures of an efficacy
// report: each distinct read that the period's searches returned counts
// once, under its latest verdict.
type VerificationFigures struct {
	Confirmed  int `json:"confirmed"`
	Misread    int `json:"misread"`
	WrongState int `json:"wrong_state"`
	Unreadable int `json:"unreadable"`
	// Unverified counts returned reads nobody has given a verdict on.
	Unverified int `json:"unverified"`
	// OCRErrorRate is the measured OCR error rate: (misread + wrong_state)
	// / (confirmed + misread + wrong_state), 0 when nothing readable was
	// verified. Unreadable photos say nothing about the OCR and are left out.
	OCRErrorRate float64 `json:"ocr_error_rate"`
}

// Verified is the number of reads that received a verdict.
func (v VerificationFigures) Verified() int {
	return v.Confirmed + v.Misread + v.WrongState + v.Unreadable
}

// ErrorRate computes OCRErrorRate from the counts.
func (v VerificationFigures) ErrorRate() float64 {
	readable := v.Confirmed + v.Misread + v.WrongState
	if readable == 0 {
		return 0
	}
	return float64(v.Misread+v.WrongState) / float64(readable)
}

// UserSearches is one user's search count in the period.
type UserSearches struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Team        string `json:"team"`
	// Searches counts the user's allowed searches; Refused their refused ones.
	Searches int `json:"searches"`
	Refused  int `json:"refused"`
	// Flagged is true when Searches is far above the user's peers (the rule
	// is Efficacy.FlagRule); a flag asks a supervisor to look, it proves nothing.
	Flagged bool `json:"flagged"`
}

// Efficacy answers GET /v1/reports/efficacy?from=&to=: the figures of the
// annual surveillance report (issue 7) for searches made in [From, To).
// Every list is present and never null (empty when there is nothing);
// breakdowns by a fixed set of keys list every key, zero counts included,
// in the order of that set.
type Efficacy struct {
	From time.Time `json:"from"`
	To   time.Time `json:"to"`
	// SearchesByMonth counts allowed searches by month and purpose category,
	// sorted by month then category; only non-zero pairs are listed.
	SearchesByMonth []MonthCategoryCount `json:"searches_by_month"`
	// Refusals counts refused searches by reason: Key is the error code
	// (e.g. prohibited_purpose, purpose_too_vague), sorted by count, largest first.
	Refusals []CountBy `json:"refusals"`
	// HotlistHits counts hotlist alerts raised in the period: Key is the
	// list (alert, covert, felony_wants, stolen_plates, stolen_vehicles).
	HotlistHits []CountBy `json:"hotlist_hits"`
	// HitsByList holds, per list (in the order of HotlistHits), the hits
	// raised in the period with their verdicts and outcomes, read from the
	// daily counters so that they outlive the purge of alerts.
	HitsByList []ListHits `json:"hits_by_list"`
	// Verification holds the human verification figures.
	Verification VerificationFigures `json:"verification"`
	// DataAge counts the period's searches that returned reads by the age,
	// at the time of the search, of the oldest read each returned: Key is
	// each of AgeBuckets, in order.
	DataAge []CountBy `json:"data_age"`
	// Outcomes counts the period's searches by marked outcome: Key is each
	// of SearchOutcomes, in order.
	Outcomes []CountBy `json:"outcomes"`
	// NoOutcome counts the allowed searches with no outcome marked.
	NoOutcome int `json:"no_outcome"`
	// Users lists per-user search counts, most searches first.
	Users []UserSearches `json:"users"`
	// FlagRule says in a sentence when a user is flagged, e.g. "A user is
	// flagged when their allowed searches in the period are more than 3
	// times the median of all users who searched in it, and at least 20."
	FlagRule string `json:"flag_rule"`
}

// TotalSearches is the number of allowed searches in the period.
func (e Efficacy) TotalSearches() int {
	n := 0
	for _, c := range e.SearchesByMonth {
		n += c.Count
	}
	return n
}

// Sum adds the counts of a breakdown.
func Sum(cs []CountBy) int {
	n := 0
	for _, c := range cs {
		n += c.Count
	}
	return n
}

// MarshalJSON writes e with every nil list as [] so that clients never see
// null for a list.
func (e Efficacy) MarshalJSON() ([]byte, error) {
	type plain Efficacy
	p := plain(e)
	p.SearchesByMonth = nonNil(p.SearchesByMonth)
	p.Refusals = nonNil(p.Refusals)
	p.HotlistHits = nonNil(p.HotlistHits)
	p.HitsByList = nonNil(p.HitsByList)
	p.DataAge = nonNil(p.DataAge)
	p.Outcomes = nonNil(p.Outcomes)
	p.Users = nonNil(p.Users)
	return json.Marshal(p)
}

// nonNil returns s, or an empty slice when s is nil.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
