package store_test

import (
	"net/http"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// TestAlertCheckAndOutcome follows two hits on one entry (a look-alike read
// and an exact one) through their checks, verdicts and outcomes, with every
// refusal of POST /v1/alerts/{id}/outcome.
func TestAlertCheckAndOutcome(t *testing.T) {
	env := startHotlists(t)
	approved(t, env, "detective", hotReq("7ABC123", api.ListAlert))
	wc := env.Login(t, "watch_commander")
	s := subscribe(t, env, wc, "")
	env.Ingest(t, read(env, "o-1", "7A8C123", time.Second), nil)
	env.Ingest(t, read(env, "o-2", "7ABC123", time.Second), nil)
	got := s.wait(t, 2)
	look, exact := got[0], got[1]
	if c := look.Check; c.StopReady || len(c.Positions) != 1 || c.Positions[0] != (api.CheckPosition{Index: 2, Read: "8", Entry: "B", LookAlike: true}) ||
		!c.StateMatch || c.DescriptionMatch != api.DescriptionYes {
		t.Fatalf("look-alike check on the stream = %+v", c)
	}
	if exact.Check.StopReady || len(exact.Check.Positions) != 0 {
		t.Fatalf("an unverified exact hit is not stop-ready: %+v", exact.Check)
	}

	outcome := func(tok, id string, req api.OutcomeRequest, status int, code string) api.AlertOutcome {
		t.Helper()
		var o api.AlertOutcome
		var e api.ErrorResponse
		var out any = &o
		if code != "" {
			out = &e
		}
		env.Do(t, "POST", "/v1/alerts/"+id+"/outcome", tok, req, status, out)
		if code != "" && e.Error.Code != code {
			t.Fatalf("outcome %+v: code %q, want %q", req, e.Error.Code, code)
		}
		return o
	}
	outcome(wc, look.ID, api.OutcomeRequest{Action: "detained"}, http.StatusUnprocessableEntity, api.CodeInvalidField)
	outcome(wc, look.ID, api.OutcomeRequest{Action: api.ActionStop, Note: "Stopped at 73rd"}, http.StatusUnprocessableEntity, api.CodeReasonRequired)
	outcome(env.Login(t, "approver"), look.ID, api.OutcomeRequest{Action: api.ActionNoAction}, http.StatusNotFound, api.CodeNotFound)
	outcome(wc, "al_999", api.OutcomeRequest{Action: api.ActionNoAction}, http.StatusNotFound, api.CodeNotFound)

	// A confirmed look-alike read is another plate: never stop-ready.
	var vr api.VerificationResult
	env.Do(t, "POST", "/v1/reads/o-1/verification", wc, api.VerificationRequest{AlertID: look.ID, Status: api.VerifyConfirmed}, http.StatusOK, &vr)
	if vr.Check == nil || vr.Check.StopReady {
		t.Fatalf("verification answer through the alert = %+v", vr)
	}
	o := outcome(wc, look.ID, api.OutcomeRequest{Action: api.ActionStop, Note: "Stopped at 73rd", Reason: "Driver matched the robbery suspect description"}, http.StatusOK, "")
	if o.StopReady || o.By != "watch_commander" || o.Action != api.ActionStop || o.AlertID != look.ID {
		t.Fatalf("outcome = %+v", o)
	}
	outcome(wc, look.ID, api.OutcomeRequest{Action: api.ActionNoAction}, http.StatusConflict, api.CodeOutcomeExists)

	// The exact hit, confirmed, is stop-ready: an arrest needs no reason.
	env.Do(t, "POST", "/v1/reads/o-2/verification", wc, api.VerificationRequest{AlertID: exact.ID, Status: api.VerifyConfirmed}, http.StatusOK, &vr)
	if vr.Check == nil || !vr.Check.StopReady {
		t.Fatalf("confirmed exact hit: %+v", vr)
	}
	if o := outcome(wc, exact.ID, api.OutcomeRequest{Action: api.ActionArrest}, http.StatusOK, ""); !o.StopReady {
		t.Fatalf("arrest on a stop-ready hit = %+v", o)
	}

	var list api.AlertList
	env.Do(t, "GET", "/v1/alerts", wc, nil, http.StatusOK, &list)
	if len(list.Alerts) != 2 || list.Alerts[0].ID != exact.ID || list.Alerts[1].ID != look.ID {
		t.Fatalf("GET /v1/alerts = %+v", list.Alerts)
	}
	if a := list.Alerts[1]; a.Check.StopReady || a.Verification == nil || a.Verification.Status != api.VerifyConfirmed ||
		len(a.Outcomes) != 1 || a.Outcomes[0].Reason == "" {
		t.Fatalf("look-alike alert listed = %+v", a)
	}
	if !list.Alerts[0].Check.StopReady {
		t.Fatalf("exact alert listed = %+v", list.Alerts[0])
	}
	env.Do(t, "GET", "/v1/alerts?from=2026-13-01", wc, nil, http.StatusUnprocessableEntity, nil)
	env.Do(t, "GET", "/v1/alerts", env.Login(t, "trainer"), nil, http.StatusForbidden, nil)

	// Audited: the refusals and the outcomes.
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action="+store.ActionAlertOutcome+"&limit=50", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	allowed, refused := 0, 0
	for _, e := range page.Entries {
		if e.Outcome == api.OutcomeAllowed {
			allowed++
		} else {
			refused++
		}
	}
	if allowed != 2 || refused < 3 {
		t.Fatalf("alert_outcome entries: %d allowed, %d refused", allowed, refused)
	}
	// The allowed entries say whether the hit was stop-ready (the review queue reads it).
	var flags api.AuditFlags
	env.Do(t, "GET", "/v1/audit/flags", env.Login(t, "supervisor"), nil, http.StatusOK, &flags)
	stops := 0
	for _, f := range flags.Flags {
		if f.Kind == api.FlagUnverifiedStop {
			stops++
		}
	}
	if stops != 1 {
		t.Fatalf("unverified_stop flags = %d in %+v", stops, flags.Flags)
	}
}
