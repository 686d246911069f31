package store_test

import (
	"context"
	"net/http"
	"net/url"
	"reflect"
	"testing"
	"time"

	"alprdesk/api"
)

// TestFiguresSurviveRetention records hits, verdicts and outcomes, reads
// the period's efficacy figures, ages the database past the retention
// period (reads, alerts and outcomes purged) and reads them again: the
// figures of that month are unchanged.
func TestFiguresSurviveRetention(t *testing.T) {
	env := startHotlists(t)
	approved(t, env, "detective", hotReq("7ABC123", api.ListAlert))
	wc := env.Login(t, "watch_commander")
	s := subscribe(t, env, wc, "")
	for _, r := range []struct{ id, plate string }{{"k-1", "7ABC123"}, {"k-2", "7A8C123"}, {"k-3", "7ABC123"}} {
		env.Ingest(t, read(env, r.id, r.plate, time.Second), nil)
	}
	as := s.wait(t, 3)
	verify := func(readID, alertID, status, corrected string) {
		env.Do(t, "POST", "/v1/reads/"+readID+"/verification", wc,
			api.VerificationRequest{AlertID: alertID, Status: status, CorrectedPlate: corrected}, http.StatusOK, nil)
	}
	env.Clock.Advance(4 * time.Minute)
	verify("k-1", as[0].ID, api.VerifyConfirmed, "")
	env.Clock.Advance(4 * time.Minute)
	verify("k-2", as[1].ID, api.VerifyConfirmed, "")
	verify("k-2", as[1].ID, api.VerifyMisread, "7ABC123") // a second look: the latest verdict counts once
	env.Do(t, "POST", "/v1/alerts/"+as[0].ID+"/outcome", wc, api.OutcomeRequest{Action: api.ActionArrest}, http.StatusOK, nil)
	env.Do(t, "POST", "/v1/alerts/"+as[2].ID+"/outcome", wc,
		api.OutcomeRequest{Action: api.ActionStop, Reason: "Officer saw the suspect driving"}, http.StatusOK, nil)
	env.Do(t, "POST", "/v1/searches", env.Login(t, "detective"), searchReq("7ABC123"), http.StatusOK, nil)

	day := env.Clock.Now().UTC().Truncate(24 * time.Hour)
	q := "?from=" + url.QueryEscape(day.Format(time.RFC3339)) + "&to=" + url.QueryEscape(day.Add(24*time.Hour).Format(time.RFC3339))
	sup := env.Login(t, "supervisor")
	var before api.Efficacy
	env.Do(t, "GET", "/v1/reports/efficacy"+q, sup, nil, http.StatusOK, &before)
	want := api.ListHits{List: api.ListAlert, Hits: 3, Confirmed: 1, Misread: 1, Unverified: 1, ErrorRate: 0.5,
		Outcomes:          map[string]int{"no_action": 0, "stop": 1, "arrest": 1, "vehicle_recovered": 0, "wrong_vehicle": 0, "unable_to_locate": 0},
		StopsNotStopReady: 1, MedianMinutesToVerification: 6}
	if got := before.HitsByList[0]; !reflect.DeepEqual(got, want) {
		t.Fatalf("hits_by_list[alert] = %+v\nwant %+v", got, want)
	}

	env.Clock.Advance(45 * 24 * time.Hour)
	if n, err := env.Server.Purge(context.Background()); err != nil || n != 3 {
		t.Fatalf("purge: %d, %v", n, err)
	}
	if _, err := env.Server.ExpireHotlists(context.Background()); err != nil {
		t.Fatal(err)
	}
	wc = env.Login(t, "watch_commander")
	var list api.AlertList
	env.Do(t, "GET", "/v1/alerts"+q, wc, nil, http.StatusOK, &list)
	if len(list.Alerts) != 0 {
		t.Fatalf("alerts left after the purge: %+v", list.Alerts)
	}
	var after api.Efficacy
	env.Do(t, "GET", "/v1/reports/efficacy"+q, env.Login(t, "supervisor"), nil, http.StatusOK, &after)
	if !reflect.DeepEqual(before.HitsByList, after.HitsByList) {
		t.Fatalf("hits_by_list changed by the purge:\nbefore %+v\nafter  %+v", before.HitsByList, after.HitsByList)
	}
}
