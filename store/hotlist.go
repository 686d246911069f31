package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// Hotlist rules (docs/POLICY.md, rule 7).
const (
	// MaxHotlistDays is the longest an entry runs; longer requests are
	// clamped.
	MaxHotlistDays = 30
	// StateListDays is how long an imported state list stays active
	// unless a newer file replaces it.
	StateListDays = 30
	minReasonLen  = 10
)

// Audit actions of hotlists and alerts.
const (
	ActionHotlistRequest  = "hotlist_request"
	ActionHotlistDecision = "hotlist_decision"
	ActionHotlistRemove   = "hotlist_remove"
	ActionHotlistExpire   = "hotlist_expire"
	ActionHotlistImport   = "hotlist_import"
	ActionAlertAck        = "alert_ack"
	ActionAlertStream     = "alert_stream"
)

// RequestLists are the lists a request may ask for; StateLists are
// imported from files.
var (
	RequestLists = []string{api.ListAlert, api.ListCovert}
	StateLists   = []string{api.ListFelonyWants, api.ListStolenPlates, api.ListStolenVehicles}
)

// requesterRoles may file hotlist requests (approvers too, but never
// decide their own).
var requesterRoles = []string{api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor, api.RoleApprover}

// hotlistAudit starts an audit entry of a hotlist action.
func hotlistAudit(sess *session, r *http.Request, action, reportNumber string, query any, at time.Time) *api.AuditEntry {
	b, _ := json.Marshal(query)
	return &api.AuditEntry{At: at, Actor: sess.username(), Role: sess.role(), Action: action,
		ReportNumber: reportNumber, Query: string(b), Workstation: workstation(r), ResultCount: 1}
}

// checkText validates a free-text field's encoding (api.CheckEncoding)
// and length.
func checkText(field, v string, required bool, minLen, maxLen int) *api.Error {
	if e := api.CheckEncoding(field, v); e != nil {
		return e
	}
	n := utf8.RuneCountInString(v)
	switch {
	case v == "" && required:
		return invalid(field, "is required.")
	case v != "" && n < minLen:
		return invalid(field, "must be at least %d characters.", minLen)
	case n > maxLen:
		return invalid(field, "is longer than %d characters.", maxLen)
	}
	return nil
}

// checkHotlistRequest validates and normalises a request body, returning
// a notice when it adjusted something (days clamped).
func (s *Server) checkHotlistRequest(b *api.HotlistRequestBody) (string, *api.Error) {
	b.Plate = plate.Normalize(b.Plate)
	b.State = strings.ToUpper(strings.TrimSpace(b.State))
	for _, f := range []*string{&b.ReportNumber, &b.VehicleDescription, &b.Explanation, &b.List, &b.RequesterName,
		&b.RequesterSerial, &b.Instructions, &b.Contact, &b.Extends} {
		*f = strings.TrimSpace(*f)
	}
	switch {
	case b.Plate == "":
		return "", invalid("plate", "is required: the plate as issued, letters and digits.")
	case !plate.Valid(b.Plate) || strings.ContainsAny(b.Plate, "*?"):
		return "", invalid("plate", "must be 1 to %d letters and digits (no wildcards); it is %q.", plate.MaxLen, b.Plate)
	case b.State == "":
		return "", invalid("state", "is required: the state of issuance, such as CA.")
	case !slices.Contains(s.policy.States, b.State):
		return "", invalid("state", "holds %q, which is not a known state of issuance.", b.State)
	case b.ReportNumber == "":
		return "", invalid("report_number", "is required: the case's report number, such as 20-042436.")
	}
	if e := s.policy.CheckCase(api.CaseContext{ReportNumber: b.ReportNumber, PurposeCategory: s.policy.PurposeCategories[0],
		Purpose: "Hotlist request for a vehicle in an open case"}); e != nil {
		return "", e
	}
	if e := checkText("vehicle_description", b.VehicleDescription, true, 3, 200); e != nil {
		return "", e
	}
	if e := s.checkExplanation(b.Explanation); e != nil {
		return "", e
	}
	if !slices.Contains(RequestLists, b.List) {
		return "", invalid("list", "holds %q; a request is for the list alert (patrol and watch are notified) or covert (only the requester and approvers).", b.List)
	}
	for _, c := range []struct {
		field, v      string
		required      bool
		minLen, maxLn int
	}{
		{"requester_name", b.RequesterName, true, 2, 100},
		{"requester_serial", b.RequesterSerial, true, 1, 40},
		{"instructions", b.Instructions, false, 0, 500},
		{"contact", b.Contact, false, 0, 200},
	} {
		if e := checkText(c.field, c.v, c.required, c.minLen, c.maxLn); e != nil {
			return "", e
		}
	}
	if e := s.policy.CheckHotlistText(*b); e != nil {
		return "", e
	}
	if b.Days < 1 {
		return "", invalid("days", "must be the number of days requested, 1 to %d; it is %d.", MaxHotlistDays, b.Days)
	}
	var notice string
	if b.Days > MaxHotlistDays {
		notice = fmt.Sprintf("%d days were requested; hotlist entries run at most %d days, so the request is for %d days. Extend it later with a new request.", b.Days, MaxHotlistDays, MaxHotlistDays)
		b.Days = MaxHotlistDays
	}
	if b.Contact == "" {
		b.Contact = fmt.Sprintf("%s (%s)", b.RequesterName, b.RequesterSerial)
	}
	return notice, nil
}

// checkExplanation applies the policy's written-justification rules to a
// request's explanation.
func (s *Server) checkExplanation(text string) *api.Error {
	if text == "" {
		return invalid("explanation", "is required: why this vehicle belongs on a hotlist.")
	}
	if e := s.policy.CheckProhibited("explanation", text); e != nil {
		return e
	}
	e := s.policy.CheckCase(api.CaseContext{ReportNumber: "20-042436", PurposeCategory: s.policy.PurposeCategories[0], Purpose: text})
	if e != nil && e.Code == api.CodePurposeTooVague {
		return api.E(api.CodePurposeTooVague,
			"The explanation says too little; in at least %d characters, say what happened and why this vehicle is sought.", s.policy.MinPurposeLength)
	}
	return nil
}

func checkRequester(sess *session) *api.Error {
	if !slices.Contains(requesterRoles, sess.role()) {
		return forbidden("The role %s may not request hotlist entries.", sess.role())
	}
	if sess.user.TrainedOn == "" {
		return api.E(api.CodeTrainingRequired,
			"%s has no ALPR training on record; hotlist requests are allowed only after training.", sess.username())
	}
	return nil
}

// createHotlistRequest: POST /v1/hotlist-requests.
func (s *Server) createHotlistRequest(w http.ResponseWriter, r *http.Request, sess *session) error {
	var body api.HotlistRequestBody
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	now := s.now().Truncate(time.Millisecond)
	req := api.HotlistRequest{ID: "hr_" + newToken("")[:16], RequestedBy: sess.username(), RequestedAt: now, Status: api.RequestPending}
	e := hotlistAudit(sess, r, ActionHotlistRequest, strings.TrimSpace(body.ReportNumber), map[string]any{"plate": plate.Normalize(body.Plate),
		"state": body.State, "list": body.List, "days": body.Days, "extends": body.Extends, "request_id": req.ID,
		"normalised": body.Normalised()}, now)
	e.Purpose = body.Explanation
	err := s.audited(r.Context(), e, func(tx Tx) error {
		if err := checkRequester(sess); err != nil {
			return err
		}
		notice, apiErr := s.checkHotlistRequest(&body)
		if apiErr != nil {
			return apiErr
		}
		if err := s.checkExtends(tx, sess, &body); err != nil {
			return err
		}
		req.HotlistRequestBody, req.Notice = body, notice
		return tx.InsertHotlistRequest(&req)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusCreated, req)
}

// checkExtends checks that an extension names an approved request of the
// same plate and state that the caller may see.
func (s *Server) checkExtends(tx Tx, sess *session, b *api.HotlistRequestBody) error {
	if b.Extends == "" {
		return nil
	}
	old, err := tx.GetHotlistRequest(b.Extends)
	if errors.Is(err, ErrNotFound) || (err == nil && !canSeeRequest(sess, old)) {
		return invalid("extends", "names %q, which is not a hotlist request you can see.", b.Extends)
	}
	if err != nil {
		return err
	}
	switch {
	case old.Status != api.RequestApproved:
		return invalid("extends", "names the request %s, which is %s; only an approved request can be extended.", old.ID, old.Status)
	case old.Plate != b.Plate || old.State != b.State:
		return invalid("extends", "names the request %s for %s %s; an extension is for the same plate and state.", old.ID, old.State, old.Plate)
	}
	return nil
}

func canSeeRequest(sess *session, r *api.HotlistRequest) bool {
	return sess.role() == api.RoleApprover || r.RequestedBy == sess.username()
}

// listHotlistRequests: GET /v1/hotlist-requests?status=.
func (s *Server) listHotlistRequests(w http.ResponseWriter, r *http.Request, sess *session) error {
	status := r.URL.Query().Get("status")
	if status != "" && !slices.Contains([]string{api.RequestPending, api.RequestApproved, api.RequestDenied}, status) {
		return invalid("status", "holds %q; use pending, approved or denied.", status)
	}
	by := sess.username()
	if sess.role() == api.RoleApprover {
		by = ""
	}
	var out []api.HotlistRequest
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		out, err = tx.ListHotlistRequests(by, status)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// decideHotlistRequest: POST /v1/hotlist-requests/{id}/decision.
func (s *Server) decideHotlistRequest(w http.ResponseWriter, r *http.Request, sess *session) error {
	var d api.DecisionRequest
	if err := decodeJSON(w, r, &d); err != nil {
		return err
	}
	d.Reason = strings.TrimSpace(d.Reason)
	id := r.PathValue("id")
	now := s.now().Truncate(time.Millisecond)
	var req *api.HotlistRequest
	var entry *HotlistEntryRecord
	e := hotlistAudit(sess, r, ActionHotlistDecision, "", map[string]any{"request_id": id, "approve": d.Approve}, now)
	e.Purpose = d.Reason
	err := s.audited(r.Context(), e, func(tx Tx) error {
		var err error
		if sess.role() != api.RoleApprover {
			return forbidden("Only a hotlist approver (the BOS Deputy Director or a written designee) decides hotlist requests.")
		}
		if e := checkText("reason", d.Reason, true, minReasonLen, 500); e != nil {
			return e
		}
		req, err = tx.GetHotlistRequest(id)
		if errors.Is(err, ErrNotFound) {
			return notFoundErr("There is no hotlist request %s.", id)
		}
		if err != nil {
			return err
		}
		e.ReportNumber = req.ReportNumber
		if req.RequestedBy == sess.username() || strings.EqualFold(req.RequesterSerial, sess.user.Serial) {
			return forbidden("You filed or are the requester of %s; another approver must decide it.", id)
		}
		if req.Status != api.RequestPending {
			return api.E(api.CodeConflict, "The request %s was already %s by %s.", id, req.Status, req.DecidedBy)
		}
		req.DecidedBy, req.DecidedAt, req.Reason = sess.username(), &now, d.Reason
		req.Status = api.RequestDenied
		if d.Approve {
			req.Status = api.RequestApproved
			if entry, err = s.approve(tx, sess, req, now); err != nil {
				return err
			}
		}
		return tx.UpdateHotlistRequest(req)
	})
	if err != nil {
		return err
	}
	if entry != nil {
		s.reloadHotlists(r.Context())
	}
	return writeJSON(w, http.StatusOK, req)
}

// approve creates the entry of an approved request, ending the entry of
// the request it extends.
func (s *Server) approve(tx Tx, sess *session, req *api.HotlistRequest, now time.Time) (*HotlistEntryRecord, error) {
	entry := &HotlistEntryRecord{HotlistEntry: api.HotlistEntry{ID: "he_" + newToken("")[:16], Plate: req.Plate,
		State: req.State, List: req.List, ExpiresAt: now.Add(time.Duration(req.Days) * 24 * time.Hour),
		RequestID: req.ID, ReportNumber: req.ReportNumber, VehicleDescription: req.VehicleDescription,
		Instructions: req.Instructions, Contact: req.Contact}, RequestedBy: req.RequestedBy, CreatedAt: now, Status: EntryActive}
	if err := tx.InsertHotlistEntry(entry); err != nil {
		return nil, err
	}
	req.EntryID = entry.ID
	if req.Extends != "" {
		old, err := tx.GetHotlistRequest(req.Extends)
		if err != nil {
			return nil, err
		}
		if old.EntryID != "" {
			err := tx.EndHotlistEntry(old.EntryID, EntryReplaced, sess.username(), "extended by "+req.ID, now)
			if err != nil && !errors.Is(err, ErrNotFound) {
				return nil, err
			}
		}
	}
	return entry, tx.BumpHotlistGeneration()
}

// canSeeEntry: covert entries only for their requester and approvers.
func canSeeEntry(sess *session, e *HotlistEntryRecord) bool {
	return e.List != api.ListCovert || e.RequestedBy == sess.username() || sess.role() == api.RoleApprover
}

// listHotlistEntries: GET /v1/hotlist-entries?list=.
func (s *Server) listHotlistEntries(w http.ResponseWriter, r *http.Request, sess *session) error {
	list := r.URL.Query().Get("list")
	if list != "" && !slices.Contains(RequestLists, list) && !slices.Contains(StateLists, list) {
		return invalid("list", "holds %q; use alert, covert, %s.", list, strings.Join(StateLists, ", "))
	}
	var all []HotlistEntryRecord
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		all, err = tx.ActiveHotlistEntries(s.now())
		return err
	})
	if err != nil {
		return err
	}
	out := []api.HotlistEntry{}
	for i := range all {
		if canSeeEntry(sess, &all[i]) && (list == "" || all[i].List == list) {
			out = append(out, all[i].HotlistEntry)
		}
	}
	return writeJSON(w, http.StatusOK, out)
}

// removeHotlistEntry: DELETE /v1/hotlist-entries/{id} {reason}.
func (s *Server) removeHotlistEntry(w http.ResponseWriter, r *http.Request, sess *session) error {
	var body api.RemoveEntryRequest
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	body.Reason = strings.TrimSpace(body.Reason)
	id := r.PathValue("id")
	now := s.now()
	var entry *HotlistEntryRecord
	e := hotlistAudit(sess, r, ActionHotlistRemove, "", map[string]any{"entry_id": id}, now)
	e.Purpose = body.Reason
	err := s.audited(r.Context(), e, func(tx Tx) error {
		if sess.role() != api.RoleApprover && sess.role() != api.RoleAdmin {
			return forbidden("Only approvers and administrators remove hotlist entries.")
		}
		if e := checkText("reason", body.Reason, true, minReasonLen, 500); e != nil {
			return e
		}
		var err error
		entry, err = tx.GetHotlistEntry(id)
		if errors.Is(err, ErrNotFound) || (err == nil && (!canSeeEntry(sess, entry) || entry.Status != EntryActive || !entry.ExpiresAt.After(now))) {
			return notFoundErr("There is no active hotlist entry %s.", id)
		}
		if err != nil {
			return err
		}
		e.ReportNumber = entry.ReportNumber
		if err := tx.EndHotlistEntry(id, EntryRemoved, sess.username(), body.Reason, now); err != nil {
			return err
		}
		return tx.BumpHotlistGeneration()
	})
	if err != nil {
		return err
	}
	s.reloadHotlists(r.Context())
	return writeJSON(w, http.StatusOK, entry.HotlistEntry)
}

// ExpireHotlists ends the entries whose time ran out by the store's clock,
// auditing each, and purges the alerts whose read is gone. The hotlist job
// calls it; it returns how many entries expired.
func (s *Server) ExpireHotlists(ctx context.Context) (int, error) {
	now := s.now()
	var n int
	err := s.st.Update(ctx, func(tx Tx) error {
		due, err := tx.DueHotlistEntries(now)
		if err != nil {
			return err
		}
		for _, e := range due {
			if err := tx.EndHotlistEntry(e.ID, EntryExpired, "system", "expired", now); err != nil {
				return err
			}
			b, _ := json.Marshal(map[string]any{"entry_id": e.ID, "list": e.List, "request_id": e.RequestID,
				"expires_at": e.ExpiresAt.Format(time.RFC3339)})
			if err := AppendAudit(tx, &api.AuditEntry{At: now, Actor: "system", Role: "system", Action: ActionHotlistExpire,
				ReportNumber: e.ReportNumber, Query: string(b), ResultCount: 1}); err != nil {
				return err
			}
		}
		n = len(due)
		if n > 0 {
			if err := tx.BumpHotlistGeneration(); err != nil {
				return err
			}
		}
		_, err = tx.PurgeOrphanAlerts()
		return err
	})
	if err != nil {
		return 0, err
	}
	if n > 0 {
		s.reloadHotlists(ctx)
	}
	return n, nil
}
