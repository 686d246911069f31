package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// reach checks that the caller reached read id through their own search
// (searchID) or an alert they received (alertID) and returns the search
// (or the alert's case context) and the read. A search reaches only the
// reads its pages returned, for its searcher, while the read and the search
// are within the retention period or the read is retained; an alert
// reaches only its own read.
func (s *Server) reach(tx Tx, sess *session, searchID, AlertID, id string) (*SearchRecord, *api.Read, error) {
	if searchID == "" {
		if AlertID != "" {
			return s.reachAlert(tx, sess, AlertID, id)
		}
		return nil, nil, api.E(api.CodeCaseContextRequired,
			"A read is reached through a search or an alert: give the search_id of the search that returned it, or the alert_id.")
	}
	rec, err := tx.GetSearch(searchID)
	if errors.Is(err, ErrNotFound) || (err == nil && rec.Username != sess.username()) {
		return nil, nil, forbidden("The search %s is not a search of yours.", searchID)
	}
	if err != nil {
		return nil, nil, err
	}
	read, err := readOrGone(tx, id)
	if err != nil {
		return nil, nil, err
	}
	req := rec.Request
	if _, apiErr := s.checkSearch(tx, sess, &req); apiErr != nil {
		return nil, nil, forbidden("Your search %s no longer passes the policy: %s", searchID, apiErr.Message)
	}
	returned, err := tx.SearchReturned(searchID, id)
	if err != nil {
		return nil, nil, err
	}
	if !returned {
		return nil, nil, forbidden("The read %s was not returned by your search %s; a search opens only the reads it returned.", id, searchID)
	}
	if err := s.withinRetention(tx, rec, read); err != nil {
		return nil, nil, err
	}
	return rec, read, nil
}

// readOrGone returns read id, or not_found saying it may have been purged.
func readOrGone(tx ReadTx, id string) (*api.Read, error) {
	read, err := tx.GetRead(id)
	if errors.Is(err, ErrNotFound) {
		return nil, notFoundErr("There is no read %s (it may have passed its retention period).", id)
	}
	return read, err
}

// withinRetention answers 422 outside_retention when the search or the
// read is older than the retention period and the read is not retained.
func (s *Server) withinRetention(tx ReadTx, rec *SearchRecord, read *api.Read) error {
	cut := s.now().AddDate(0, 0, -s.cfg.RetentionDays)
	if !read.CapturedAt.Before(cut) && !rec.CreatedAt.Before(cut) {
		return nil
	}
	retained, err := tx.ReadRetained(read.ID)
	if err != nil || retained {
		return err
	}
	return api.E(api.CodeOutsideRetention,
		"The read %s or your search %s is older than the %d-day retention period and the read is not retained for a case.",
		read.ID, rec.ID, s.cfg.RetentionDays)
}

// caseAudit starts an audit entry carrying a search's case context.
func caseAudit(rec *SearchRecord, sess *session, r *http.Request, action string, query any) *api.AuditEntry {
	b, _ := json.Marshal(query)
	e := &api.AuditEntry{Actor: sess.username(), Role: sess.role(), Action: action, Query: string(b),
		Workstation: workstation(r), ResultCount: 1}
	withCase(e, rec)
	return e
}

// withCase copies a search's case context into an audit entry.
func withCase(e *api.AuditEntry, rec *SearchRecord) {
	if rec != nil {
		e.ReportNumber, e.PurposeCategory, e.Purpose = rec.Request.ReportNumber, rec.Request.PurposeCategory, rec.Request.Purpose
	}
}

// audited runs fn in a write transaction and audits its outcome in the
// chain: e is appended as allowed in fn's own transaction when fn succeeds.
// When fn refuses with an *api.Error, nothing fn wrote is kept, e is
// appended as refused (with the refusal's code) in a transaction of its
// own, and the refusal is returned. Any other error is returned as is.
func (s *Server) audited(ctx context.Context, e *api.AuditEntry, fn func(tx Tx) error) error {
	err := s.st.Update(ctx, func(tx Tx) error {
		if err := fn(tx); err != nil {
			return err
		}
		return AppendAudit(tx, e)
	})
	var refusal *api.Error
	if err == nil || !errors.As(err, &refusal) {
		return err
	}
	e.Outcome, e.Reason, e.ResultCount = api.OutcomeRefused, refusal.Code, 0
	if err := s.st.Update(ctx, func(tx Tx) error { return AppendAudit(tx, e) }); err != nil {
		return err
	}
	return refusal
}

// photo: GET /v1/reads/{id}/photo?search_id= (or alert_id= or analysis_id=).
func (s *Server) photo(w http.ResponseWriter, r *http.Request, sess *session) error {
	id := r.PathValue("id")
	qs := r.URL.Query()
	via := readVia{SearchID: qs.Get("search_id"), AlertID: qs.Get("alert_id"), AnalysisID: qs.Get("analysis_id")}
	var jpeg []byte
	var read *api.Read
	e := caseAudit(nil, sess, r, ActionPhotoView, photoElements(id, via))
	e.At = s.now()
	err := s.audited(r.Context(), e, func(tx Tx) error {
		rec, rd, err := s.reachVia(tx, sess, via, id)
		if err != nil {
			return err
		}
		withCase(e, rec)
		read = rd
		if jpeg, err = tx.Photo(id); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(jpeg) == 0 && s.demo != nil {
		if jpeg, err = s.world().Photo(*read); err != nil {
			return fmt.Errorf("demo photo %s: %w", id, err)
		}
	}
	if len(jpeg) == 0 {
		return notFoundErr("No photo is stored for the read %s.", id)
	}
	w.Header().Set("Content-Type", "image/jpeg")
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(jpeg)
	return err
}

// photoElements are the data elements of an audited access to read id:
// the read and how it was reached (analysis_id only when given, so that
// entries of searches and alerts keep their form).
func photoElements(id string, via readVia) map[string]string {
	m := map[string]string{"read_id": id, "search_id": via.SearchID, "alert_id": via.AlertID}
	if via.AnalysisID != "" {
		m["analysis_id"] = via.AnalysisID
	}
	return m
}

// checkVerification validates a verdict.
func (s *Server) checkVerification(req *api.VerificationRequest) error {
	req.CorrectedPlate = plate.Normalize(req.CorrectedPlate)
	req.CorrectedState = strings.ToUpper(strings.TrimSpace(req.CorrectedState))
	switch req.Status {
	case api.VerifyConfirmed, api.VerifyUnreadable:
		if req.CorrectedPlate != "" || req.CorrectedState != "" {
			return invalid("status", "%s takes no corrected_plate or corrected_state.", req.Status)
		}
	case api.VerifyMisread:
		if req.CorrectedPlate == "" {
			return invalid("corrected_plate", "is required when the status is misread.")
		}
		if !plate.Valid(req.CorrectedPlate) {
			return invalid("corrected_plate", "holds %q; a plate is 1 to %d letters and digits.", req.CorrectedPlate, plate.MaxLen)
		}
	case api.VerifyWrongState:
		if req.CorrectedState == "" {
			return invalid("corrected_state", "is required when the status is wrong_state.")
		}
	case "":
		return invalid("status", "is required: confirmed, misread, wrong_state or unreadable.")
	default:
		return invalid("status", "holds %q; use confirmed, misread, wrong_state or unreadable.", req.Status)
	}
	if req.CorrectedState != "" && !slices.Contains(s.policy.States, req.CorrectedState) {
		return invalid("corrected_state", "holds %q, which is not a known state of issuance.", req.CorrectedState)
	}
	return nil
}

// verify: POST /v1/reads/{id}/verification.
func (s *Server) verify(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.VerificationRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := s.checkVerification(&req); err != nil {
		return err
	}
	id := r.PathValue("id")
	now := s.now()
	v := api.Verification{Status: req.Status, CorrectedPlate: req.CorrectedPlate, CorrectedState: req.CorrectedState,
		By: sess.username(), At: now.Truncate(1e6)}
	via := readVia{SearchID: req.SearchID, AlertID: req.AlertID, AnalysisID: req.AnalysisID}
	elements := photoElements(id, via)
	elements["status"], elements["corrected_plate"], elements["corrected_state"] = req.Status, req.CorrectedPlate, req.CorrectedState
	e := caseAudit(nil, sess, r, ActionVerification, elements)
	e.At = now
	res := api.VerificationResult{Verification: v}
	err := s.audited(r.Context(), e, func(tx Tx) error {
		rec, _, err := s.reachVia(tx, sess, via, id)
		if err != nil {
			return err
		}
		withCase(e, rec)
		if err := tx.SetVerification(id, v); err != nil {
			return err
		}
		if req.SearchID == "" && req.AnalysisID == "" && req.AlertID != "" {
			res.Check, err = s.verifyAlert(tx, req.AlertID, sess.username(), req.Status, now)
			return err
		}
		return nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// verifyAlert records a verdict given through an alert, moves the hit's
// verdict counters and returns the alert's check as it now stands.
func (s *Server) verifyAlert(tx Tx, idText, username, status string, now time.Time) (*api.AlertCheck, error) {
	seq, _ := parseAlertID(idText)
	a, err := tx.GetAlert(seq)
	if err != nil {
		return nil, err
	}
	id := AlertID(seq)
	prev, err := tx.AlertVerdict(id)
	if err != nil {
		return nil, err
	}
	if err := tx.SetAlertVerified(id, username, status, now); err != nil {
		return nil, err
	}
	if err := countVerdict(tx, a, prev, status, now); err != nil {
		return nil, err
	}
	al, err := s.servedAlert(tx, a)
	if err != nil {
		return nil, err
	}
	return &al.Check, nil
}

// checkReport validates a report number against the agency's pattern.
func (s *Server) checkReport(rn string) error {
	expr := s.policy.ReportNumberPattern
	re, err := regexp.Compile(expr)
	if err != nil {
		return err
	}
	if strings.TrimSpace(rn) == "" {
		return api.E(api.CodeCaseContextRequired, "A report number is required.")
	}
	if !re.MatchString(strings.TrimSpace(rn)) {
		return api.E(api.CodeInvalidReportNumber,
			"The report number %q is not in the agency's format, such as 20-042436.", rn)
	}
	return nil
}

// retain: POST /v1/reads/{id}/retain.
func (s *Server) retain(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.RetainRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := s.checkReport(req.ReportNumber); err != nil {
		return err
	}
	if !slices.Contains(s.policy.RetainCategories, req.Category) {
		return invalid("category", "holds %q; use one of %s.", req.Category, strings.Join(s.policy.RetainCategories, ", "))
	}
	if e := api.CheckEncoding("reason", req.Reason); e != nil {
		return e
	}
	if len(strings.TrimSpace(req.Reason)) < 10 {
		return invalid("reason", "must say in at least 10 characters why the read is kept.")
	}
	id := r.PathValue("id")
	now := s.now()
	ret := api.Retention{ReadID: id, ReportNumber: strings.TrimSpace(req.ReportNumber), Category: req.Category,
		Reason: strings.TrimSpace(req.Reason), By: sess.username(), At: now.Truncate(1e6)}
	via := readVia{SearchID: req.SearchID, AnalysisID: req.AnalysisID}
	elements := photoElements(id, via)
	elements["category"], elements["reason"] = req.Category, ret.Reason
	e := caseAudit(nil, sess, r, ActionRetain, elements)
	e.At, e.ReportNumber = now, ret.ReportNumber
	err := s.audited(r.Context(), e, func(tx Tx) error {
		rec, _, err := s.reachVia(tx, sess, via, id)
		if err != nil {
			return err
		}
		withCase(e, rec)
		e.ReportNumber = ret.ReportNumber // the retention's own report number
		return tx.InsertRetention(ret, rec.ID, "")
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ret)
}

var exportKinds = []string{api.ExportEvidencePDF, api.ExportEvidenceCSV, api.ExportTimelinePNG, api.ExportAuditCSV, api.ExportEfficacyPDF}

// maxExportReads bounds one export.
const maxExportReads = 10000

// export: POST /v1/exports records an export and retains its reads.
func (s *Server) export(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.ExportRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if !slices.Contains(exportKinds, req.Kind) {
		return invalid("kind", "holds %q; use one of %s.", req.Kind, strings.Join(exportKinds, ", "))
	}
	supervision := req.Kind == api.ExportAuditCSV || req.Kind == api.ExportEfficacyPDF
	if supervision && sess.role() != api.RoleSupervisor {
		return forbidden("Only supervisors export %s.", req.Kind)
	}
	if !supervision && !slices.Contains(api.SearchRoles, sess.role()) {
		return forbidden("The role %s may not export reads.", sess.role())
	}
	if !supervision && len(req.ReadIDs) == 0 {
		return invalid("read_ids", "must name the exported reads.")
	}
	if len(req.ReadIDs) > 0 && req.SearchID == "" && req.AnalysisID == "" {
		return invalid("search_id", "is required: exported reads must come from a search (or an analysis_id) of yours.")
	}
	if len(req.ReadIDs) > maxExportReads {
		return invalid("read_ids", "names more than %d reads.", maxExportReads)
	}
	if err := s.checkReport(req.ReportNumber); err != nil {
		return err
	}
	now := s.now()
	resp := api.ExportResponse{ExportID: "x_" + newToken("")[:22], At: now.Truncate(1e6)}
	elements := map[string]any{"kind": req.Kind, "export_id": resp.ExportID, "search_id": req.SearchID, "read_ids": req.ReadIDs}
	if req.AnalysisID != "" {
		elements["analysis_id"] = req.AnalysisID
	}
	e := caseAudit(nil, sess, r, ActionExport, elements)
	e.At, e.ReportNumber, e.ResultCount = now, strings.TrimSpace(req.ReportNumber), len(req.ReadIDs)
	err := s.audited(r.Context(), e, func(tx Tx) error {
		via := readVia{SearchID: req.SearchID, AnalysisID: req.AnalysisID}
		for _, id := range req.ReadIDs { // every read is checked before anything is written
			rec, _, err := s.reachVia(tx, sess, via, id)
			if err != nil {
				return err
			}
			e.PurposeCategory, e.Purpose = rec.Request.PurposeCategory, rec.Request.Purpose
		}
		for _, id := range req.ReadIDs {
			ret := api.Retention{ReadID: id, ReportNumber: e.ReportNumber, Category: api.RetainCriminalInvestigation,
				Reason: fmt.Sprintf("exported as %s (%s)", req.Kind, resp.ExportID), By: sess.username(), At: now}
			if err := tx.InsertRetention(ret, req.SearchID+req.AnalysisID, resp.ExportID); err != nil {
				return err
			}
			resp.Retained++
		}
		return tx.InsertExport(resp.ExportID, req, sess.username(), now)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resp)
}
