package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"alprdesk/api"
)

// ActionAlertOutcome is the audit action of a recorded hit outcome.
const ActionAlertOutcome = "alert_outcome"

// maxAlertList bounds GET /v1/alerts.
const maxAlertList = 500

// servedAlert decodes a stored alert and computes its check from the read
// as it now stands (the stored read when it is gone).
func (s *Server) servedAlert(tx ReadTx, a *AlertRecord) (*api.Alert, error) {
	var al api.Alert
	if err := json.Unmarshal(a.Data, &al); err != nil {
		return nil, fmt.Errorf("store: alert %s: %w", AlertID(a.Seq), err)
	}
	read, err := tx.GetRead(a.ReadID)
	switch {
	case err == nil:
		al.Read = *read
	case !errors.Is(err, ErrNotFound):
		return nil, err
	}
	al.Check = HitCheck(al.Read, al.Entry, s.policy.Colors)
	return &al, nil
}

// servedData is servedAlert as the JSON of an `event: hit`.
func (s *Server) servedData(tx ReadTx, a *AlertRecord) ([]byte, error) {
	al, err := s.servedAlert(tx, a)
	if err != nil {
		return nil, err
	}
	return json.Marshal(al)
}

// listAlerts: GET /v1/alerts?from=&to= — the caller's alerts of the period
// (default: the retention period up to now), newest first, each with its
// check, verification, acknowledgements and outcomes.
func (s *Server) listAlerts(w http.ResponseWriter, r *http.Request, sess *session) error {
	if e := checkAlertUser(sess); e != nil {
		return e
	}
	from, to, err := periodParams(r, s.now(), func(t time.Time) time.Time { return t.AddDate(0, 0, -s.policy.RetentionDays) })
	if err != nil {
		return err
	}
	out := api.AlertList{Alerts: []api.AlertItem{}}
	err = s.st.View(r.Context(), func(tx ReadTx) error {
		recs, err := tx.AlertsBetween(viewer(sess), from, to, maxAlertList)
		if err != nil {
			return err
		}
		for i := range recs {
			item, err := s.alertItem(tx, &recs[i])
			if err != nil {
				return err
			}
			out.Alerts = append(out.Alerts, *item)
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// alertItem is one alert of GET /v1/alerts.
func (s *Server) alertItem(tx ReadTx, a *AlertRecord) (*api.AlertItem, error) {
	al, err := s.servedAlert(tx, a)
	if err != nil {
		return nil, err
	}
	item := &api.AlertItem{Alert: *al, Verification: al.Read.Verification}
	if item.Acks, err = tx.AlertAcks(al.ID); err != nil {
		return nil, err
	}
	if item.Outcomes, err = tx.AlertOutcomes(al.ID); err != nil {
		return nil, err
	}
	return item, nil
}

// periodParams reads from and to (RFC 3339) from the query: to defaults to
// just after now (inclusive of now) and from to back(to); from must be
// before to.
func periodParams(r *http.Request, now time.Time, back func(time.Time) time.Time) (time.Time, time.Time, error) {
	qs := r.URL.Query()
	var from time.Time
	// The default end is just after now: what happened in the current
	// millisecond (an alert stored by the request before this one) is in.
	to := now.Add(time.Millisecond)
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &from}, {"to", &to}} {
		if v := qs.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return from, to, invalid(p.name, "holds %q, which is not an RFC 3339 time such as 2026-01-01T00:00:00Z.", v)
			}
			*p.dst = t.UTC()
		}
	}
	if from.IsZero() {
		from = back(to)
	}
	if !from.Before(to) {
		return from, to, invalid("from", "must be before to.")
	}
	return from.UTC(), to.UTC(), nil
}

// yearBefore is a year before t.
func yearBefore(t time.Time) time.Time { return t.AddDate(-1, 0, 0) }

// alertOutcome: POST /v1/alerts/{id}/outcome {action, note, reason}, once
// per alert and recipient; audited. A stop, arrest or recovery on a hit
// that is not stop-ready is recorded (it is what happened) but needs a
// reason, and the audit entry carries stop_ready false for the review queue.
func (s *Server) alertOutcome(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.OutcomeRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	id := r.PathValue("id")
	now := s.now().Truncate(time.Millisecond)
	o := api.AlertOutcome{AlertID: id, By: sess.username(), Action: req.Action, Note: req.Note, Reason: req.Reason, At: now}
	query := map[string]any{"alert_id": id, "action": req.Action}
	e := hotlistAudit(sess, r, ActionAlertOutcome, "", query, now)
	err := s.audited(r.Context(), e, func(tx Tx) error {
		for _, f := range []struct{ name, text string }{{"note", req.Note}, {"reason", req.Reason}} {
			if apiErr := api.CheckEncoding(f.name, f.text); apiErr != nil {
				return apiErr // outcome notes get the encoding rules only
			}
		}
		if apiErr := req.Validate(); apiErr != nil {
			return apiErr
		}
		o.Note, o.Reason = req.Note, req.Reason
		a, al, err := s.outcomeAlert(tx, sess, id)
		if err != nil {
			return err
		}
		o.AlertID, o.StopReady = al.ID, al.Check.StopReady
		e.ReportNumber, e.PurposeCategory, e.Purpose = al.Entry.ReportNumber, listCategory(a.List), o.Reason
		query["alert_id"], query["list"], query["stop_ready"] = al.ID, a.List, o.StopReady
		q, _ := json.Marshal(query)
		e.Query = string(q)
		if api.IsStopAction(o.Action) && !o.StopReady && o.Reason == "" {
			return api.E(api.CodeReasonRequired,
				"The hit %s is not stop-ready (%s); a %s on it is recorded only with a written reason, and supervisors see it.",
				al.ID, notReadyWhy(al), o.Action)
		}
		err = tx.InsertAlertOutcome(o)
		if errors.Is(err, ErrExists) {
			return api.E(api.CodeOutcomeExists, "You already recorded an outcome of the hit %s.", al.ID)
		}
		if err != nil {
			return err
		}
		return countOutcome(tx, a, o)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, o)
}

// outcomeAlert returns the alert with its check as served; an alert the
// caller never received is not found.
func (s *Server) outcomeAlert(tx Tx, sess *session, id string) (*AlertRecord, *api.Alert, error) {
	a, _, err := s.recipientAlert(tx, sess, id)
	var apiErr *api.Error
	if errors.As(err, &apiErr) && apiErr.Code == api.CodeForbidden && checkAlertUser(sess) == nil {
		return nil, nil, notFoundErr("There is no alert %s among the alerts sent to you.", id)
	}
	if err != nil {
		return nil, nil, err
	}
	al, err := s.servedAlert(tx, a)
	return a, al, err
}

// notReadyWhy says in words why an alert is not stop-ready.
func notReadyWhy(al *api.Alert) string {
	v, c := al.Read.Verification, al.Check
	switch {
	case v == nil:
		return "nobody has verified the read against its photo"
	case v.Status == api.VerifyUnreadable:
		return "the photo was found unreadable"
	case c.DescriptionMatch == api.DescriptionNo:
		return "the vehicle does not match the entry's description"
	case !c.StateMatch:
		return "the verified state differs from the entry's"
	}
	return "the verified plate differs from the entry's"
}
