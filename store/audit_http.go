package store

import (
	"encoding/base64"
	"net/http"
	"strconv"
	"time"

	"alprdesk/api"
)

// auditList: GET /v1/audit, newest first, with filters and cursor paging.
func (s *Server) auditList(w http.ResponseWriter, r *http.Request, _ *session) error {
	qs := r.URL.Query()
	f := AuditFilter{User: qs.Get("user"), Team: qs.Get("team"), ReportNumber: qs.Get("report_number"),
		Outcome: qs.Get("outcome"), Action: qs.Get("action"), Limit: DefaultLimit,
		PurposeCategory: qs.Get("purpose_category")}
	if f.Outcome != "" && f.Outcome != api.OutcomeAllowed && f.Outcome != api.OutcomeRefused {
		return invalid("outcome", "must be allowed or refused.")
	}
	for _, p := range []struct {
		name string
		dst  *time.Time
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := qs.Get(p.name); v != "" {
			t, err := time.Parse(time.RFC3339, v)
			if err != nil {
				return invalid(p.name, "holds %q, which is not an RFC 3339 time such as 2026-11-26T14:02:00Z.", v)
			}
			*p.dst = t
		}
	}
	if v := qs.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxLimit {
			return invalid("limit", "must be a number between 1 and %d.", MaxLimit)
		}
		f.Limit = n
	}
	if v := qs.Get("cursor"); v != "" {
		b, err := base64.RawURLEncoding.DecodeString(v)
		n, perr := strconv.ParseInt(string(b), 10, 64)
		if err != nil || perr != nil || n < 1 {
			return invalid("cursor", "is not a cursor this store gave out.")
		}
		f.BeforeSeq = n
	}
	lim := f.Limit
	f.Limit++
	var entries []api.AuditEntry
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		entries, err = tx.AuditPage(f)
		return err
	})
	if err != nil {
		return err
	}
	page := api.AuditPage{Entries: entries}
	if len(entries) > lim {
		page.Entries = entries[:lim]
		last := page.Entries[lim-1].Seq
		page.NextCursor = base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(last, 10)))
	}
	return writeJSON(w, http.StatusOK, page)
}

// auditVerify: GET /v1/audit/verify.
func (s *Server) auditVerify(w http.ResponseWriter, r *http.Request, _ *session) error {
	cps, cpErr := s.checkpoints()
	var v api.AuditVerify
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		v, err = verifyChain(tx, cps)
		return err
	})
	if err != nil {
		return err
	}
	if cpErr != nil {
		// A checkpoint that does not verify is a break the supervisor must
		// see; where the chain went wrong is then not known.
		s.cfg.Logf("store: audit verify: %v", cpErr)
		v.OK = false
		if v.FirstBrokenSeq == 0 {
			v.FirstBrokenSeq = max(1, v.Head.Seq)
		}
	}
	return writeJSON(w, http.StatusOK, v)
}
