package store

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"alprdesk/api"
)

// flagReviewSpan is how far around a flag's anchor entry a review looks
// the flag up again.
const flagReviewSpan = 62 * 24 * time.Hour

// timeZone is the store's time zone for the after-hours rule.
func (s *Server) timeZone() *time.Location {
	if s.cfg.TimeZone != nil {
		return s.cfg.TimeZone
	}
	return time.Local
}

// auditFlags: GET /v1/audit/flags?from=&to= (supervisors): the review
// queue of the period (default: the last 30 days), newest first.
func (s *Server) auditFlags(w http.ResponseWriter, r *http.Request, _ *session) error {
	from, to, err := periodParams(r, s.now(), func(t time.Time) time.Time { return t.Add(-flagWindow) })
	if err != nil {
		return err
	}
	if to.Sub(from) > api.MaxTransparencyDays*24*time.Hour {
		return invalid("from", "is more than %d days before to; ask for a shorter period.", api.MaxTransparencyDays)
	}
	var out api.AuditFlags
	err = s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		out.Flags, err = Flags(tx, from, to, s.timeZone())
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// findFlag recomputes the flags around the anchor entry of id and returns
// the flag with that id.
func (s *Server) findFlag(tx ReadTx, id string) (*api.AuditFlag, error) {
	_, seq, ok := flagAnchor(id)
	if !ok {
		return nil, notFoundErr("There is no flag %s.", id)
	}
	e, err := tx.GetAudit(seq)
	if err != nil {
		return nil, notFoundErr("There is no flag %s.", id)
	}
	to := e.At.Add(flagReviewSpan)
	if now := s.now(); now.Before(to) {
		to = now
	}
	to = to.Add(time.Millisecond)
	flags, err := Flags(tx, e.At.Add(-time.Millisecond), to, s.timeZone())
	if err != nil {
		return nil, err
	}
	for i := range flags {
		if flags[i].ID == id {
			return &flags[i], nil
		}
	}
	return nil, notFoundErr("There is no flag %s.", id)
}

// reviewFlag: POST /v1/audit/flags/{id}/review {verdict, note}
// (supervisors, not on a flag about themselves); audited.
func (s *Server) reviewFlag(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.FlagReviewRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	req.Note = strings.TrimSpace(req.Note)
	if err := checkReviewVerdict(req.Verdict, req.Note); err != nil {
		return err
	}
	id := r.PathValue("id")
	now := s.now().Truncate(time.Microsecond)
	rev := api.FlagReview{Verdict: req.Verdict, Note: req.Note, Reviewer: sess.username(), At: now}
	err := s.st.Update(r.Context(), func(tx Tx) error {
		f, err := s.findFlag(tx, id)
		if err != nil {
			return err
		}
		if f.Username == sess.username() {
			return forbidden("The flag %s is about you; another supervisor reviews it.", id)
		}
		q, _ := json.Marshal(map[string]any{"flag_id": id, "kind": f.Kind, "verdict": rev.Verdict, "note": rev.Note,
			"flagged_user": f.Username, "seqs": f.Seqs})
		return AppendAudit(tx, &api.AuditEntry{At: now, Actor: sess.username(), Role: sess.role(),
			Action: ActionFlagReview, Query: string(q), ResultCount: len(f.Seqs), Workstation: workstation(r)})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rev)
}
