package api

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestEfficacyListsAreNeverNull(t *testing.T) {
	b, err := json.Marshal(Efficacy{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(b), "null") {
		t.Fatalf("empty report has null: %s", b)
	}
	for _, k := range []string{`"searches_by_month":[]`, `"refusals":[]`, `"users":[]`, `"data_age":[]`, `"verification":{"confirmed":0`} {
		if !strings.Contains(string(b), k) {
			t.Errorf("missing %s in %s", k, b)
		}
	}
	var back Efficacy
	in := Efficacy{Users: []UserSearches{{Username: "d", Searches: 3, Flagged: true}}}
	b, _ = json.Marshal(in)
	if err := json.Unmarshal(b, &back); err != nil || len(back.Users) != 1 || !back.Users[0].Flagged {
		t.Fatalf("round trip: %v %+v", err, back)
	}
}

func TestAgeBucket(t *testing.T) {
	q := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	cases := []struct {
		captured time.Time
		want     string
	}{
		{q.Add(-time.Hour), AgeUnder1Month},
		{time.Date(2026, 10, 26, 12, 0, 1, 0, time.UTC), AgeUnder1Month},
		{time.Date(2026, 10, 26, 12, 0, 0, 0, time.UTC), Age1To3Months},
		{time.Date(2026, 8, 27, 0, 0, 0, 0, time.UTC), Age1To3Months},
		{time.Date(2026, 8, 26, 0, 0, 0, 0, time.UTC), Age1To3Months}, // 3 months and 12 hours
		{time.Date(2026, 7, 26, 12, 0, 0, 0, time.UTC), Age4To6Months},
		{time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC), Age4To6Months}, // 6 months and 25 days
		{time.Date(2026, 4, 26, 12, 0, 0, 0, time.UTC), Age7To12Months},
		{time.Date(2025, 11, 1, 0, 0, 0, 0, time.UTC), Age7To12Months}, // 12 months and 25 days
		{time.Date(2025, 10, 26, 12, 0, 0, 0, time.UTC), AgeOlder},
	}
	for _, c := range cases {
		if got := AgeBucket(c.captured, q); got != c.want {
			t.Errorf("AgeBucket(%v) = %s, want %s", c.captured, got, c.want)
		}
	}
}

func TestSearchOutcomeValidate(t *testing.T) {
	if err := (SearchOutcome{SearchID: "s1", Outcome: LedToArrest}).Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []SearchOutcome{
		{Outcome: LedToLead},
		{SearchID: "s1", Outcome: "solved"},
		{SearchID: "s1", Outcome: LedToNone, Note: strings.Repeat("x", MaxOutcomeNote+1)},
	}
	for _, o := range bad {
		err := o.Validate()
		if err == nil || !errors.Is(err, &Error{Code: CodeInvalidField}) || err.Status() != 422 {
			t.Errorf("%+v: got %v", o, err)
		}
	}
}

func TestVerificationFigures(t *testing.T) {
	v := VerificationFigures{Confirmed: 90, Misread: 8, WrongState: 2, Unreadable: 5, Unverified: 40}
	if v.Verified() != 105 || v.ErrorRate() != 0.1 {
		t.Fatalf("verified %d rate %v", v.Verified(), v.ErrorRate())
	}
	if (VerificationFigures{Unreadable: 3}).ErrorRate() != 0 {
		t.Fatal("no readable verdicts must give rate 0")
	}
}
