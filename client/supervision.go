package client

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"alprdesk/api"
)

// AuditReviews lists the reviews of the audit entries made in month
// ("2026-11", UTC), by seq then oldest first (GET /v1/audit/reviews;
// supervisors). The review queue uses it to show what is already reviewed.
func (c *Client) AuditReviews(ctx context.Context, month string) ([]api.AuditReview, error) {
	return c.auditReviews(ctx, url.Values{"month": {month}})
}

// EntryReviews lists the reviews of one audit entry (GET
// /v1/audit/reviews?seq=; supervisors).
func (c *Client) EntryReviews(ctx context.Context, seq int64) ([]api.AuditReview, error) {
	return c.auditReviews(ctx, url.Values{"seq": {strconv.FormatInt(seq, 10)}})
}

func (c *Client) auditReviews(ctx context.Context, q url.Values) ([]api.AuditReview, error) {
	var r api.AuditReviews
	if err := c.get(ctx, "/v1/audit/reviews", q, &r); err != nil {
		return nil, err
	}
	return r.Reviews, nil
}

// SetSearchOutcome marks what one of the user's searches led to (POST
// /v1/searches/{id}/outcome; the searcher or a supervisor). outcome is one
// of api.SearchOutcomes; a later mark replaces an earlier one.
func (c *Client) SetSearchOutcome(ctx context.Context, searchID, outcome, note string, opts ...CallOption) (*api.SearchOutcomeRecord, error) {
	var r api.SearchOutcomeRecord
	err := c.write(ctx, http.MethodPost, "/v1/searches/"+url.PathEscape(searchID)+"/outcome",
		api.SearchOutcome{SearchID: searchID, Outcome: outcome, Note: note}, &r, opts)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Efficacy fetches the efficacy figures of the searches made in [from, to)
// (GET /v1/reports/efficacy; supervisors). A zero to means now, a zero
// from one year before to.
func (c *Client) Efficacy(ctx context.Context, from, to time.Time) (*api.Efficacy, error) {
	q := period(from, to)
	var e api.Efficacy
	if err := c.get(ctx, "/v1/reports/efficacy", q, &e); err != nil {
		return nil, err
	}
	return &e, nil
}
