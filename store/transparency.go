package store

import (
	"net/http"
	"time"

	"alprdesk/api"
	"alprdesk/api/transparency"
)

// Transparency computes the public transparency figures of [from, to) from
// the daily counters (whole UTC days), the cameras, the retention period
// and the audit chain's last entry before to. Nothing in them names a
// person, a plate, a report number or a justification.
func Transparency(tx ReadTx, from, to time.Time, retentionDays int) (*api.Transparency, error) {
	c, err := loadCounts(tx, from, to)
	if err != nil {
		return nil, err
	}
	cams, err := tx.Cameras()
	if err != nil {
		return nil, err
	}
	t := &api.Transparency{From: from.UTC(), To: to.UTC(), Cameras: len(cams), RetentionDays: retentionDays,
		ReadsCollected: c.total(CounterReads),
		Searches: api.TransparencySearches{Allowed: c.total(CounterSearch), Refused: c.total(CounterSearchRefused),
			ByCategory: nonEmpty(c[CounterSearch]), RefusedByReason: nonEmpty(c[CounterSearchRefused])},
		Analyses: api.TransparencyAnalyses{CommonPlates: c[CounterAnalysis]["common_plates"], Convoy: c[CounterAnalysis]["convoy"],
			Refused: c.total(CounterAnalysisRefused)},
		Hotlists: api.TransparencyHotlists{Requests: c.total(CounterHotlistRequest), Approved: c[CounterHotlistDecision][api.RequestApproved],
			Denied: c[CounterHotlistDecision][api.RequestDenied], RemovedEarly: c.total(CounterHotlistRemoved)},
		Audits: api.TransparencyAudits{Samples: c.total(CounterAuditSample), Reviews: c.total(CounterAuditReview),
			NonCompliant: c[CounterAuditReview][api.ReviewNonCompliant]},
	}
	t.Hits = transparencyHits(hitsByList(c))
	t.OCRErrorRate = api.VerificationFigures{Confirmed: t.Hits.Confirmed, Misread: t.Hits.Misread, WrongState: t.Hits.WrongState}.ErrorRate()
	head, err := tx.AuditPage(AuditFilter{To: to.Add(-time.Millisecond), Limit: 1})
	if err != nil {
		return nil, err
	}
	if len(head) == 1 {
		t.ChainHead = api.ChainHead{Seq: head[0].Seq, Hash: head[0].Hash}
	}
	return t, nil
}

// transparencyHits sums the per-list hit figures.
func transparencyHits(lists []api.ListHits) api.TransparencyHits {
	h := api.TransparencyHits{ByList: map[string]int{}, Outcomes: map[string]int{}}
	for _, l := range lists {
		h.ByList[l.List] = l.Hits
		h.Confirmed += l.Confirmed
		h.Misread += l.Misread
		h.WrongState += l.WrongState
		h.Unreadable += l.Unreadable
		h.Unverified += l.Unverified
		for a, n := range l.Outcomes {
			h.Outcomes[a] += n
		}
	}
	return h
}

// nonEmpty copies a breakdown without zero counts (never nil).
func nonEmpty(m map[string]int) map[string]int {
	out := map[string]int{}
	for k, n := range m {
		if n != 0 {
			out[k] = n
		}
	}
	return out
}

// transparencyReport: GET /v1/reports/transparency?from=&to= (supervisors);
// from and to are dates (YYYY-MM-DD) or RFC 3339 times, by default the 365
// days up to now.
func (s *Server) transparencyReport(w http.ResponseWriter, r *http.Request, _ *session) error {
	qs := r.URL.Query()
	from, to, perr := transparency.Period(qs.Get("from"), qs.Get("to"), s.now())
	if perr != nil {
		return invalid(perr.Field, "%s", perr.Message)
	}
	var t *api.Transparency
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		t, err = Transparency(tx, from, to, s.policy.RetentionDays)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, t)
}
