package store_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// counts turns a breakdown into a map.
func counts(cs []api.CountBy) map[string]int {
	m := map[string]int{}
	for _, c := range cs {
		m[c.Key] = c.Count
	}
	return m
}

// TestEfficacyFigures builds a small world whose every figure is known and
// checks the report against it.
func TestEfficacyFigures(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PurgeEvery: -1, HotlistEvery: -1})
	t0 := env.Clock.Now().UTC()
	month1 := t0.Format("2006-01")
	for i, p := range []string{"7ABC123", "7ABC123", "8XYZ999", "8XYZ999"} {
		env.Ingest(t, api.ReadMeta{ID: fmt.Sprintf("r%d", i+1), CameraID: "cam-1", CapturedAt: t0.Add(-time.Duration(i+1) * time.Hour),
			Plate: p, State: "CA", Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan"}, nil)
	}
	det, det2, wc, sup := env.Login(t, "detective"), env.Login(t, "detective2"), env.Login(t, "watch_commander"), env.Login(t, "supervisor")

	s1 := doSearch(t, env, det, "7ABC123", caseFor("robbery", "20-042436"))  // r1, r2
	s2 := doSearch(t, env, det, "8XYZ999", caseFor("burglary", "20-042437")) // r3, r4
	s3 := doSearch(t, env, det2, "7ABC123", caseFor("robbery", "21-04318"))  // r1, r2
	if s1.Total != 2 || s2.Total != 2 || s3.Total != 2 {
		t.Fatalf("totals %d %d %d", s1.Total, s2.Total, s3.Total)
	}
	for range 12 { // a heavy user: 12 searches that find nothing
		doSearch(t, env, wc, "1NOPE00", caseFor("homicide", "20-042438"))
	}
	prohibited := caseFor("robbery", "20-042436")
	prohibited.Purpose = "locate for ICE deportation hearing"
	env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: prohibited, Plate: "7ABC123"}, http.StatusForbidden, nil)
	env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: prohibited, Plate: "8XYZ999"}, http.StatusForbidden, nil)
	vague := caseFor("robbery", "20-042436")
	vague.Purpose = "investigation"
	env.Do(t, "POST", "/v1/searches", det2, api.SearchRequest{CaseContext: vague, Plate: "7ABC123"}, http.StatusUnprocessableEntity, nil)

	verify := func(read, search string, req api.VerificationRequest) {
		req.SearchID = search
		env.Do(t, "POST", "/v1/reads/"+read+"/verification", det, req, http.StatusOK, nil)
	}
	verify("r1", s1.SearchID, api.VerificationRequest{Status: api.VerifyMisread, CorrectedPlate: "7ABC128"})
	verify("r1", s1.SearchID, api.VerificationRequest{Status: api.VerifyConfirmed}) // the latest verdict counts
	verify("r2", s1.SearchID, api.VerificationRequest{Status: api.VerifyMisread, CorrectedPlate: "7ABC128"})
	verify("r3", s2.SearchID, api.VerificationRequest{Status: api.VerifyWrongState, CorrectedState: "NV"})
	// r4 stays unverified.

	env.Do(t, "POST", "/v1/searches/"+s1.SearchID+"/outcome", det, api.SearchOutcome{Outcome: api.LedToArrest}, http.StatusOK, nil)
	env.Do(t, "POST", "/v1/searches/"+s2.SearchID+"/outcome", sup, api.SearchOutcome{Outcome: api.LedToLead}, http.StatusOK, nil)

	// 50 days later (no purge runs here) the old reads are found again.
	env.Clock.Advance(50 * 24 * time.Hour)
	month2 := env.Clock.Now().UTC().Format("2006-01")
	det, sup = env.Login(t, "detective"), env.Login(t, "supervisor")
	s4 := doSearch(t, env, det, "7ABC123", caseFor("robbery", "20-042436"))
	if s4.Total != 2 {
		t.Fatalf("late search total %d", s4.Total)
	}
	env.Do(t, "POST", "/v1/searches/"+s4.SearchID+"/outcome", det, api.SearchOutcome{Outcome: api.LedToNone}, http.StatusOK, nil)

	q := url.Values{"from": {t0.Add(-time.Hour).Format(time.RFC3339)}, "to": {env.Clock.Now().UTC().Add(time.Hour).Format(time.RFC3339)}}
	var e api.Efficacy
	env.Do(t, "GET", "/v1/reports/efficacy?"+q.Encode(), sup, nil, http.StatusOK, &e)

	byMonth := map[string]int{}
	for _, c := range e.SearchesByMonth {
		byMonth[c.Month+" "+c.Category] = c.Count
	}
	want := map[string]int{month1 + " robbery": 2, month1 + " burglary": 1, month1 + " homicide": 12, month2 + " robbery": 1}
	if fmt.Sprint(byMonth) != fmt.Sprint(want) || e.TotalSearches() != 16 {
		t.Errorf("searches by month %v, want %v", byMonth, want)
	}
	if len(e.Refusals) != 2 || e.Refusals[0] != (api.CountBy{Key: api.CodeProhibitedPurpose, Count: 2}) ||
		e.Refusals[1] != (api.CountBy{Key: api.CodePurposeTooVague, Count: 1}) {
		t.Errorf("refusals %+v", e.Refusals)
	}
	wantV := api.VerificationFigures{Confirmed: 1, Misread: 1, WrongState: 1, Unverified: 1, OCRErrorRate: 2.0 / 3}
	if e.Verification != wantV {
		t.Errorf("verification %+v, want %+v", e.Verification, wantV)
	}
	if got := counts(e.DataAge); len(e.DataAge) != 5 || got[api.AgeUnder1Month] != 3 || got[api.Age1To3Months] != 1 || sumOf(e.DataAge) != 4 {
		t.Errorf("data age %+v", e.DataAge)
	}
	if got := counts(e.Outcomes); len(e.Outcomes) != 5 || got[api.LedToArrest] != 1 || got[api.LedToLead] != 1 ||
		got[api.LedToNone] != 1 || sumOf(e.Outcomes) != 3 || e.NoOutcome != 13 {
		t.Errorf("outcomes %+v, none marked %d", e.Outcomes, e.NoOutcome)
	}
	if len(e.HotlistHits) != 5 || sumOf(e.HotlistHits) != 0 {
		t.Errorf("hotlist hits %+v", e.HotlistHits)
	}
	if len(e.Users) != 3 || e.FlagRule == "" {
		t.Fatalf("users %+v", e.Users)
	}
	wc0, d0, d2 := e.Users[0], e.Users[1], e.Users[2]
	if wc0.Username != "watch_commander" || wc0.Searches != 12 || !wc0.Flagged || wc0.Team != "east" || wc0.DisplayName != "Test watch_commander" {
		t.Errorf("heavy user %+v", wc0)
	}
	if d0.Username != "detective" || d0.Searches != 3 || d0.Refused != 2 || d0.Flagged {
		t.Errorf("detective %+v", d0)
	}
	if d2.Username != "detective2" || d2.Searches != 1 || d2.Refused != 1 || d2.Flagged {
		t.Errorf("detective2 %+v", d2)
	}

	// The first month alone.
	q.Set("to", time.Date(t0.Year(), t0.Month()+1, 1, 0, 0, 0, 0, time.UTC).Format(time.RFC3339))
	env.Do(t, "GET", "/v1/reports/efficacy?"+q.Encode(), sup, nil, http.StatusOK, &e)
	if e.TotalSearches() != 15 || counts(e.DataAge)[api.Age1To3Months] != 0 || counts(e.Outcomes)[api.LedToNone] != 0 {
		t.Errorf("first month: %d searches, age %+v, outcomes %+v", e.TotalSearches(), e.DataAge, e.Outcomes)
	}
	// An empty period lists every key with zeros and no null lists.
	raw := env.Do(t, "GET", "/v1/reports/efficacy?from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z", sup, nil, http.StatusOK, &e)
	if e.TotalSearches() != 0 || len(e.DataAge) != 5 || len(e.Outcomes) != 5 || e.Users == nil || string(raw) == "" {
		t.Errorf("empty period %s", raw)
	}
	env.Do(t, "GET", "/v1/reports/efficacy", sup, nil, http.StatusOK, &e)
	if !e.To.After(e.From) || e.To.Sub(e.From) < 365*24*time.Hour {
		t.Errorf("default period %v .. %v", e.From, e.To)
	}
	env.Do(t, "GET", "/v1/reports/efficacy?from=yesterday", sup, nil, http.StatusUnprocessableEntity, nil)
	env.Do(t, "GET", "/v1/reports/efficacy?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", sup, nil, http.StatusUnprocessableEntity, nil)
	env.Do(t, "GET", "/v1/reports/efficacy?from=2010-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", sup, nil, http.StatusUnprocessableEntity, nil)
	env.Do(t, "GET", "/v1/reports/efficacy", det, nil, http.StatusForbidden, nil)
}

// TestEfficacyHotlistHits counts the alerts that an approved hotlist entry
// raises, by list.
func TestEfficacyHotlistHits(t *testing.T) {
	env := storetest.StartWith(t, store.Config{PurgeEvery: -1, HotlistEvery: -1})
	det, appr, sup := env.Login(t, "detective"), env.Login(t, "approver"), env.Login(t, "supervisor")
	var req api.HotlistRequest
	env.Do(t, "POST", "/v1/hotlist-requests", det, api.HotlistRequestBody{Plate: "5HOT555", State: "CA",
		ReportNumber: "20-042436", VehicleDescription: "silver Toyota Camry", List: api.ListAlert,
		Explanation: "Vehicle used in the armed robbery at 73rd Ave", RequesterName: "Test detective",
		RequesterSerial: "S-detective", Days: 7}, http.StatusCreated, &req)
	env.Do(t, "POST", "/v1/hotlist-requests/"+req.ID+"/decision", appr,
		api.DecisionRequest{Approve: true, Reason: "RD narrative supports it"}, http.StatusOK, nil)
	from := env.Clock.Now().UTC().Add(-time.Minute)
	for i := range 2 {
		env.Ingest(t, api.ReadMeta{ID: fmt.Sprintf("h%d", i), CameraID: "cam-1", CapturedAt: env.Clock.Now().Add(-time.Minute),
			Plate: "5HOT555", State: "CA", Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan"}, nil)
	}
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {env.Clock.Now().UTC().Add(time.Minute).Format(time.RFC3339)}}
	var e api.Efficacy
	env.Do(t, "GET", "/v1/reports/efficacy?"+q.Encode(), sup, nil, http.StatusOK, &e)
	if got := counts(e.HotlistHits); got[api.ListAlert] != 2 || sumOf(e.HotlistHits) != 2 || e.HotlistHits[0].Key != api.ListAlert {
		t.Fatalf("hotlist hits %+v", e.HotlistHits)
	}
}

// sumOf adds the counts of a breakdown.
func sumOf(cs []api.CountBy) int {
	n := 0
	for _, c := range cs {
		n += c.Count
	}
	return n
}
