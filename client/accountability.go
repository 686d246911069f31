package client

import (
	"context"
	"net/http"
	"net/url"
	"time"

	"alprdesk/api"
)

// period is the from/to query of a report or list (zero: the store's default).
func period(from, to time.Time) url.Values {
	q := url.Values{}
	if !from.IsZero() {
		q.Set("from", from.UTC().Format(time.RFC3339))
	}
	if !to.IsZero() {
		q.Set("to", to.UTC().Format(time.RFC3339))
	}
	return q
}

// Alerts lists the caller's hotlist hits raised in [from, to), newest
// first, each with its check, the read's verification, acknowledgements and
// outcomes (GET /v1/alerts). Zero times: the retention period up to now.
func (c *Client) Alerts(ctx context.Context, from, to time.Time) ([]api.AlertItem, error) {
	var r api.AlertList
	if err := c.get(ctx, "/v1/alerts", period(from, to), &r); err != nil {
		return nil, err
	}
	return r.Alerts, nil
}

// VerifyAlertRead records a verdict on the read of an alert (req.AlertID)
// and returns it with the alert's check as it now stands (POST
// /v1/reads/{id}/verification).
func (c *Client) VerifyAlertRead(ctx context.Context, readID string, req api.VerificationRequest, opts ...CallOption) (*api.VerificationResult, error) {
	var v api.VerificationResult
	if err := c.write(ctx, http.MethodPost, "/v1/reads/"+url.PathEscape(readID)+"/verification", req, &v, opts); err != nil {
		return nil, err
	}
	return &v, nil
}

// RecordOutcome records what the caller did about a hit (POST
// /v1/alerts/{id}/outcome), once per alert. A stop, arrest or recovery on a
// hit that is not stop-ready needs req.Reason (api.CodeReasonRequired).
func (c *Client) RecordOutcome(ctx context.Context, alertID string, req api.OutcomeRequest, opts ...CallOption) (*api.AlertOutcome, error) {
	var o api.AlertOutcome
	if err := c.write(ctx, http.MethodPost, "/v1/alerts/"+url.PathEscape(alertID)+"/outcome", req, &o, opts); err != nil {
		return nil, err
	}
	return &o, nil
}

// AuditFlags lists the review queue of [from, to), newest first (GET
// /v1/audit/flags; supervisors). Zero times: the last 30 days.
func (c *Client) AuditFlags(ctx context.Context, from, to time.Time) ([]api.AuditFlag, error) {
	var r api.AuditFlags
	if err := c.get(ctx, "/v1/audit/flags", period(from, to), &r); err != nil {
		return nil, err
	}
	return r.Flags, nil
}

// ReviewFlag records a supervisor's review of a flag (POST
// /v1/audit/flags/{id}/review).
func (c *Client) ReviewFlag(ctx context.Context, id string, req api.FlagReviewRequest, opts ...CallOption) (*api.FlagReview, error) {
	var r api.FlagReview
	if err := c.write(ctx, http.MethodPost, "/v1/audit/flags/"+url.PathEscape(id)+"/review", req, &r, opts); err != nil {
		return nil, err
	}
	return &r, nil
}

// Transparency fetches the public transparency figures of [from, to) (GET
// /v1/reports/transparency; supervisors). Zero times: the 365 days up to now.
func (c *Client) Transparency(ctx context.Context, from, to time.Time) (*api.Transparency, error) {
	var t api.Transparency
	if err := c.get(ctx, "/v1/reports/transparency", period(from, to), &t); err != nil {
		return nil, err
	}
	return &t, nil
}
