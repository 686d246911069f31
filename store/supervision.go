package store

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
)

// Audit actions of supervision (issue 7).
const (
	ActionAuditSample   = "audit_sample"
	ActionAuditReview   = "audit_review"
	ActionSearchOutcome = "search_outcome"
	ActionAuditExport   = "audit_export"
)

// parseMonth reads a "YYYY-MM" month of the query or body field name and
// returns its first instant and the next month's (UTC). Months after the
// current one are refused.
func (s *Server) parseMonth(field, v string) (time.Time, time.Time, error) {
	m, err := time.Parse("2006-01", v)
	if err != nil || len(v) != 7 {
		return time.Time{}, time.Time{}, invalid(field, "holds %q; give a month as YYYY-MM, such as 2026-11.", v)
	}
	if m.After(s.now()) {
		return time.Time{}, time.Time{}, invalid(field, "holds %s, a month that has not begun.", v)
	}
	return m, m.AddDate(0, 1, 0), nil
}

// sampleKey is an entry's place in its month's sample: HMAC-SHA256 under
// the store's secret of the month and the entry's seq. The smallest keys
// form the sample, so the same month gives the same sample every time,
// a larger size extends a smaller one, and nobody who lacks the secret can
// tell in advance which searches will be drawn.
func sampleKey(secret, month string, seq int64) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%s/%d", month, seq)
	return hex.EncodeToString(m.Sum(nil))
}

// auditSample: POST /v1/audit/samples draws the month's random sample of
// search entries and records, in the audit trail, the chain head it saw.
func (s *Server) auditSample(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.AuditSampleRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	from, to, err := s.parseMonth("month", req.Month)
	if err != nil {
		return err
	}
	if req.Size < 1 || req.Size > api.MaxAuditSample {
		return invalid("size", "must be between 1 and %d.", api.MaxAuditSample)
	}
	out := api.AuditSample{Month: req.Month, Entries: []api.AuditEntry{}}
	err = s.st.Update(r.Context(), func(tx Tx) error {
		secret, err := tx.SampleSecret()
		if err != nil {
			return err
		}
		type keyed struct {
			key string
			e   api.AuditEntry
		}
		var all []keyed
		err = tx.AuditRange(from, to, ActionSearch, func(e api.AuditEntry) error {
			all = append(all, keyed{sampleKey(secret, req.Month, e.Seq), e})
			return nil
		})
		if err != nil {
			return err
		}
		slices.SortFunc(all, func(a, b keyed) int { return strings.Compare(a.key, b.key) })
		seqs := []int64{}
		for _, k := range all[:min(req.Size, len(all))] {
			out.Entries = append(out.Entries, k.e)
			seqs = append(seqs, k.e.Seq)
		}
		slices.SortFunc(out.Entries, func(a, b api.AuditEntry) int { return int(a.Seq - b.Seq) })
		slices.Sort(seqs)
		if out.Head, err = tx.AuditHead(); err != nil {
			return err
		}
		q, _ := json.Marshal(map[string]any{"month": req.Month, "size": req.Size, "searches_in_month": len(all),
			"sampled_seqs": seqs, "head_seq": out.Head.Seq, "head_hash": out.Head.Hash})
		return AppendAudit(tx, &api.AuditEntry{At: s.now(), Actor: sess.username(), Role: sess.role(),
			Action: ActionAuditSample, Query: string(q), ResultCount: len(seqs), Workstation: workstation(r)})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// checkReviewVerdict validates the verdict and note of a review (of an
// audit entry or of a flag).
func checkReviewVerdict(verdict, note string) error {
	if e := api.CheckEncoding("note", note); e != nil {
		return e // review notes get the encoding rules only
	}
	switch {
	case !slices.Contains(api.ReviewVerdicts, verdict):
		return invalid("verdict", "holds %q; use compliant, non_compliant or needs_follow_up.", verdict)
	case verdict != api.ReviewCompliant && len(note) < 10:
		return invalid("note", "must say in at least 10 characters what is wrong or what to follow up.")
	case len(note) > api.MaxReviewNote:
		return invalid("note", "must be at most %d bytes.", api.MaxReviewNote)
	}
	return nil
}

// auditReview: POST /v1/audit/reviews records a supervisor's verdict on an
// audit entry; the review is itself audited.
func (s *Server) auditReview(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.AuditReviewRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	req.Note = strings.TrimSpace(req.Note)
	if req.Seq < 1 {
		return invalid("seq", "must name an audit entry (1 or more).")
	}
	if err := checkReviewVerdict(req.Verdict, req.Note); err != nil {
		return err
	}
	now := s.now()
	rev := api.AuditReview{ID: "v_" + newToken("")[:22], Seq: req.Seq, Verdict: req.Verdict, Note: req.Note,
		Reviewer: sess.username(), At: now.Truncate(time.Microsecond)}
	err := s.st.Update(r.Context(), func(tx Tx) error {
		e, err := tx.GetAudit(req.Seq)
		if errors.Is(err, ErrNotFound) {
			return notFoundErr("There is no audit entry %d.", req.Seq)
		}
		if err != nil {
			return err
		}
		if e.Actor == sess.username() {
			return forbidden("The audit entry %d is your own; another supervisor reviews it.", req.Seq)
		}
		if err := tx.InsertAuditReview(rev); err != nil {
			return err
		}
		q, _ := json.Marshal(map[string]any{"review_id": rev.ID, "seq": rev.Seq, "verdict": rev.Verdict,
			"note": rev.Note, "reviewed_actor": e.Actor, "reviewed_action": e.Action})
		return AppendAudit(tx, &api.AuditEntry{At: now, Actor: sess.username(), Role: sess.role(),
			Action: ActionAuditReview, ReportNumber: e.ReportNumber, PurposeCategory: e.PurposeCategory,
			Purpose: e.Purpose, Query: string(q), ResultCount: 1, Workstation: workstation(r)})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rev)
}

// auditReviews: GET /v1/audit/reviews?month= or ?seq= lists reviews.
func (s *Server) auditReviews(w http.ResponseWriter, r *http.Request, _ *session) error {
	qs := r.URL.Query()
	var seq int64
	var from, to time.Time
	switch m, sq := qs.Get("month"), qs.Get("seq"); {
	case m != "" && sq != "":
		return invalid("month", "and seq cannot be combined; give one.")
	case sq != "":
		n, err := strconv.ParseInt(sq, 10, 64)
		if err != nil || n < 1 {
			return invalid("seq", "must name an audit entry (1 or more).")
		}
		seq = n
	case m != "":
		var err error
		if from, to, err = s.parseMonth("month", m); err != nil {
			return err
		}
	default:
		return invalid("month", "is required (YYYY-MM), or give seq.")
	}
	var out api.AuditReviews
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		out.Reviews, err = tx.AuditReviews(seq, from, to)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// searchOutcome: POST /v1/searches/{id}/outcome marks what a search led
// to; the searcher or a supervisor; audited with the search's case context.
func (s *Server) searchOutcome(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.SearchOutcome
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	id := r.PathValue("id")
	if req.SearchID == "" {
		req.SearchID = id
	}
	if req.SearchID != id {
		return invalid("search_id", "holds %q but the path names the search %q.", req.SearchID, id)
	}
	req.Note = strings.TrimSpace(req.Note)
	if e := api.CheckEncoding("note", req.Note); e != nil {
		return e
	}
	if err := req.Validate(); err != nil {
		return err
	}
	now := s.now()
	rec := api.SearchOutcomeRecord{SearchID: id, Outcome: req.Outcome, Note: req.Note, By: sess.username(), At: now.Truncate(time.Millisecond)}
	err := s.st.Update(r.Context(), func(tx Tx) error {
		search, err := tx.GetSearch(id)
		if errors.Is(err, ErrNotFound) {
			return notFoundErr("There is no search %s.", id)
		}
		if err != nil {
			return err
		}
		if search.Username != sess.username() && sess.role() != api.RoleSupervisor {
			return forbidden("The search %s is not yours; its user or a supervisor marks its outcome.", id)
		}
		if err := tx.SetSearchOutcome(rec); err != nil {
			return err
		}
		e := caseAudit(search, sess, r, ActionSearchOutcome, map[string]string{"search_id": id,
			"searched_by": search.Username, "outcome": req.Outcome, "note": req.Note})
		e.At = now
		return AppendAudit(tx, e)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, rec)
}
