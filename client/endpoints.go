package client

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/google/uuid"

	"alprdesk/api"
)

// decodeBody decodes a success answer into out (JSON), or copies it when
// out is a *[]byte.
func decodeBody(body []byte, out any) error {
	switch o := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*o = append([]byte(nil), body...)
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		return &Error{Status: http.StatusOK, Code: CodeUnexpected, Err: err,
			Message: fmt.Sprintf("The store's answer could not be read (%v).", err)}
	}
	return nil
}

// list decodes either a JSON array or an object holding one array field
// (e.g. {"requests": [...]}) into a slice.
type list[T any] struct{ items []T }

// UnmarshalJSON accepts an array or an object holding one array.
func (l *list[T]) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if len(b) > 0 && b[0] == '[' {
		return json.Unmarshal(b, &l.items)
	}
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	for _, v := range obj {
		v = bytes.TrimSpace(v)
		if len(v) > 0 && v[0] == '[' {
			return json.Unmarshal(v, &l.items)
		}
	}
	return fmt.Errorf("no list in the answer")
}

func (c *Client) get(ctx context.Context, path string, q url.Values, out any) error {
	return c.do(ctx, &call{method: http.MethodGet, path: path, query: q, out: out, auth: true, retry: true})
}

// write sends a writing request with an Idempotency-Key; it is retried.
func (c *Client) write(ctx context.Context, method, path string, body, out any, opts []CallOption) error {
	cl := &call{method: method, path: path, body: body, out: out, auth: true, retry: true,
		idemKey: uuid.NewString()}
	for _, o := range opts {
		o(cl)
	}
	return c.do(ctx, cl)
}

// Health checks that the store is alive (GET /healthz, no sign-in).
func (c *Client) Health(ctx context.Context) (*api.Health, error) {
	var h api.Health
	err := c.do(ctx, &call{method: http.MethodGet, path: "/healthz", out: &h, retry: true})
	return &h, err
}

// Login signs in interactively (POST /v1/auth/login). The refresh token
// then lives one shift (ShiftLength) at most. A session the client held
// before (e.g. before an idle lock) is revoked on the store. For a user
// with a second factor the password step answers an *MFAChallenge error
// (errors.Is ErrMFARequired): finish with LoginMFA or LoginRecovery. Other
// errors: ErrUnauthorized (wrong username or password), ErrAccountLocked,
// ErrRateLimited, ErrOffline, ErrTLS.
func (c *Client) Login(ctx context.Context, username, password string) (*api.TokenResponse, error) {
	var ans loginAnswer
	err := c.do(ctx, &call{method: http.MethodPost, path: "/v1/auth/login",
		body: api.LoginRequest{Username: username, Password: password}, out: &ans})
	if err != nil {
		return nil, err
	}
	if ans.MFARequired {
		return nil, &MFAChallenge{Token: ans.MFAToken, Username: username,
			Expires: c.cfg.Now().Add(time.Duration(ans.ExpiresIn) * time.Second)}
	}
	return c.signedIn(ctx, username, ans.TokenResponse), nil
}

// loginAnswer is either answer of POST /v1/auth/login.
type loginAnswer struct {
	api.TokenResponse
	MFARequired bool   `json:"mfa_required"`
	MFAToken    string `json:"mfa_token"`
}

// signedIn installs the tokens of an interactive sign-in and revokes the
// session held before it.
func (c *Client) signedIn(ctx context.Context, username string, tr api.TokenResponse) *api.TokenResponse {
	now := c.cfg.Now()
	c.mu.Lock()
	c.policy = nil
	if c.keyringUser != "" && c.keyringUser != username {
		// Never file one user's tokens under another's entry.
		c.keyringHook, c.keyringUser = nil, ""
	}
	c.mu.Unlock()
	previous := c.Tokens().RefreshToken
	c.setTokens(c.tokensFrom(tr, now.Add(ShiftLength), now), true)
	if previous != "" && previous != tr.RefreshToken {
		// A new sign-in (e.g. unlocking) ends the previous one on the store.
		_ = c.do(ctx, &call{method: http.MethodPost, path: "/v1/auth/logout", noRenew: true,
			body: api.RefreshRequest{RefreshToken: previous}})
	}
	return &tr
}

func (c *Client) tokensFrom(tr api.TokenResponse, refreshExpires, now time.Time) Tokens {
	return Tokens{
		AccessToken:        tr.AccessToken,
		RefreshToken:       tr.RefreshToken,
		AccessExpires:      now.Add(time.Duration(tr.ExpiresIn) * time.Second),
		RefreshExpires:     refreshExpires,
		User:               tr.User,
		EnrollmentRequired: tr.MFAEnrollmentRequired,
	}
}

// Refresh rotates the tokens now (POST /v1/auth/refresh). Methods do this
// by themselves when the access token has expired.
func (c *Client) Refresh(ctx context.Context) (*api.TokenResponse, error) {
	t := c.Tokens()
	if t.RefreshToken == "" {
		return nil, storeError(api.CodeUnauthorized, "Not signed in: sign in first.")
	}
	return c.Resume(ctx, t.RefreshToken, t.RefreshExpires)
}

// Resume starts a session from a saved refresh token (which the store
// rotates) that ends at refreshExpires. SignInFromKeyring uses it.
func (c *Client) Resume(ctx context.Context, refreshToken string, refreshExpires time.Time) (*api.TokenResponse, error) {
	var tr api.TokenResponse
	err := c.do(ctx, &call{method: http.MethodPost, path: "/v1/auth/refresh", noRenew: true,
		body: api.RefreshRequest{RefreshToken: refreshToken}, out: &tr})
	if err != nil {
		return nil, err
	}
	now := c.cfg.Now()
	if refreshExpires.IsZero() || refreshExpires.After(now.Add(ShiftLength)) {
		refreshExpires = now.Add(ShiftLength)
	}
	c.setTokens(c.tokensFrom(tr, refreshExpires, now), false)
	return &tr, nil
}

// renew refreshes the tokens after a token_expired answer to a call made
// with usedToken, unless another call has refreshed them meanwhile.
func (c *Client) renew(ctx context.Context, usedToken string) error {
	c.refresh.Lock()
	defer c.refresh.Unlock()
	if t := c.Tokens(); t.AccessToken != usedToken && t.AccessToken != "" {
		return nil
	}
	_, err := c.Refresh(ctx)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Status >= 400 && e.Status < 500 {
			return storeError(api.CodeUnauthorized, e.Message)
		}
	}
	return err
}

// Logout revokes the session's tokens on the store (POST /v1/auth/logout)
// and forgets them here, even when the store cannot be reached (the error
// is still returned). With UseKeyring, the keyring entry is deleted.
func (c *Client) Logout(ctx context.Context) error {
	t := c.Tokens()
	var err error
	if t.AccessToken != "" || t.RefreshToken != "" {
		err = c.do(ctx, &call{method: http.MethodPost, path: "/v1/auth/logout", auth: t.AccessToken != "",
			noRenew: true, body: api.RefreshRequest{RefreshToken: t.RefreshToken}})
	}
	c.mu.Lock()
	c.policy = nil
	c.mu.Unlock()
	c.setTokens(Tokens{}, true)
	c.forgetKeyring()
	return err
}

// Me returns the signed-in user with training date and team (GET /v1/me).
func (c *Client) Me(ctx context.Context) (*api.User, error) {
	var u api.User
	if err := c.get(ctx, "/v1/me", nil, &u); err != nil {
		return nil, err
	}
	return &u, nil
}

// Policy returns the store's policy (GET /v1/policy), fetched once per
// session and kept; ReloadPolicy fetches it again.
func (c *Client) Policy(ctx context.Context) (*api.Policy, error) {
	c.mu.Lock()
	p := c.policy
	c.mu.Unlock()
	if p != nil {
		return p, nil
	}
	return c.ReloadPolicy(ctx)
}

// ReloadPolicy fetches the policy from the store and keeps it.
func (c *Client) ReloadPolicy(ctx context.Context) (*api.Policy, error) {
	var p api.Policy
	if err := c.get(ctx, "/v1/policy", nil, &p); err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.policy = &p
	c.mu.Unlock()
	return &p, nil
}

// Cameras lists the camera sites the user may see (GET /v1/cameras).
func (c *Client) Cameras(ctx context.Context) ([]api.Camera, error) {
	var l list[api.Camera]
	if err := c.get(ctx, "/v1/cameras", nil, &l); err != nil {
		return nil, err
	}
	return l.items, nil
}

// Search runs a search (POST /v1/searches). A page fetch repeats req with
// Cursor set to the previous answer's NextCursor. Searches are audited, so
// a search is never retried automatically. Policy refusals come back as
// ErrCaseContextRequired, ErrInvalidReportNumber, ErrInvalidPurposeCategory,
// ErrPurposeTooVague, ErrProhibitedPurpose, ErrTrainingRequired,
// ErrForbidden, ErrPatternTooBroad, ErrSearchTooBroad,
// ErrFeatureNotSearchable or ErrInvalidField.
func (c *Client) Search(ctx context.Context, req api.SearchRequest) (*api.SearchResponse, error) {
	var r api.SearchResponse
	err := c.do(ctx, &call{method: http.MethodPost, path: "/v1/searches", body: req, out: &r, auth: true})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Via names how a read was reached: through a search, a hotlist alert or
// an analysis.
type Via struct {
	SearchID   string
	AlertID    string
	AnalysisID string
}

// BySearch is a Via for a read a search returned.
func BySearch(searchID string) Via { return Via{SearchID: searchID} }

// ByAlert is a Via for a hotlist alert's read.
func ByAlert(alertID string) Via { return Via{AlertID: alertID} }

func (v Via) query() url.Values {
	q := url.Values{}
	if v.SearchID != "" {
		q.Set("search_id", v.SearchID)
	}
	if v.AlertID != "" {
		q.Set("alert_id", v.AlertID)
	}
	if v.AnalysisID != "" {
		q.Set("analysis_id", v.AnalysisID)
	}
	return q
}

// Photo fetches a read's JPEG (GET /v1/reads/{id}/photo), reached through a
// search or an alert. The view is audited by the store.
func (c *Client) Photo(ctx context.Context, readID string, via Via) ([]byte, error) {
	var b []byte
	err := c.do(ctx, &call{method: http.MethodGet, path: "/v1/reads/" + url.PathEscape(readID) + "/photo",
		query: via.query(), out: &b, auth: true, retry: true, accept: "image/jpeg"})
	if err != nil {
		return nil, err
	}
	return b, nil
}

// Verify records a human verdict on a read's OCR (POST
// /v1/reads/{id}/verification). req names the SearchID or AlertID through
// which the read was reached. Pass WithIdempotencyKey for a stable key
// across retries (the outbox does).
func (c *Client) Verify(ctx context.Context, readID string, req api.VerificationRequest, opts ...CallOption) (*api.Verification, error) {
	var v api.Verification
	if err := c.write(ctx, http.MethodPost, "/v1/reads/"+url.PathEscape(readID)+"/verification", req, &v, opts); err != nil {
		return nil, err
	}
	return &v, nil
}

// Retain records a retention exception for a read (POST
// /v1/reads/{id}/retain).
func (c *Client) Retain(ctx context.Context, readID string, req api.RetainRequest, opts ...CallOption) (*api.Retention, error) {
	var r api.Retention
	if err := c.write(ctx, http.MethodPost, "/v1/reads/"+url.PathEscape(readID)+"/retain", req, &r, opts); err != nil {
		return nil, err
	}
	return &r, nil
}

// Export records an export made in the app, before its file is written
// (POST /v1/exports); the store retains the exported reads.
func (c *Client) Export(ctx context.Context, req api.ExportRequest, opts ...CallOption) (*api.ExportResponse, error) {
	var r api.ExportResponse
	if err := c.write(ctx, http.MethodPost, "/v1/exports", req, &r, opts); err != nil {
		return nil, err
	}
	return &r, nil
}

// AuditQuery filters GET /v1/audit. Zero fields are not sent.
type AuditQuery struct {
	User            string
	Team            string
	From, To        time.Time
	ReportNumber    string
	PurposeCategory string
	Outcome         string
	Action          string
	Limit           int
	Cursor          string
}

func (q AuditQuery) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("user", q.User)
	set("team", q.Team)
	if !q.From.IsZero() {
		v.Set("from", q.From.UTC().Format(time.RFC3339))
	}
	if !q.To.IsZero() {
		v.Set("to", q.To.UTC().Format(time.RFC3339))
	}
	set("report_number", q.ReportNumber)
	set("purpose_category", q.PurposeCategory)
	set("outcome", q.Outcome)
	set("action", q.Action)
	if q.Limit > 0 {
		v.Set("limit", strconv.Itoa(q.Limit))
	}
	set("cursor", q.Cursor)
	return v
}

// Audit reads the audit trail, newest first (GET /v1/audit; supervisors).
func (c *Client) Audit(ctx context.Context, q AuditQuery) (*api.AuditPage, error) {
	var p api.AuditPage
	if err := c.get(ctx, "/v1/audit", q.values(), &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// AuditVerify checks the audit chain on the store (GET /v1/audit/verify).
func (c *Client) AuditVerify(ctx context.Context) (*api.AuditVerify, error) {
	var v api.AuditVerify
	if err := c.get(ctx, "/v1/audit/verify", nil, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// AuditSample draws (or re-draws: it is reproducible) the monthly random
// sample (POST /v1/audit/samples; supervisors). month is "2026-11".
func (c *Client) AuditSample(ctx context.Context, month string, size int) (*api.AuditSample, error) {
	var s api.AuditSample
	err := c.write(ctx, http.MethodPost, "/v1/audit/samples", api.AuditSampleRequest{Month: month, Size: size}, &s, nil)
	if err != nil {
		return nil, err
	}
	return &s, nil
}

// ReviewAudit records a supervisor's review of an audit entry (POST
// /v1/audit/reviews).
func (c *Client) ReviewAudit(ctx context.Context, req api.AuditReviewRequest, opts ...CallOption) (*api.AuditReview, error) {
	var r api.AuditReview
	if err := c.write(ctx, http.MethodPost, "/v1/audit/reviews", req, &r, opts); err != nil {
		return nil, err
	}
	return &r, nil
}

// Exercises lists the demo world's training exercises (GET
// /v1/training/exercises); answers are filled for trainers only.
func (c *Client) Exercises(ctx context.Context) ([]api.Exercise, error) {
	var e api.Exercises
	if err := c.get(ctx, "/v1/training/exercises", nil, &e); err != nil {
		return nil, err
	}
	return e.Exercises, nil
}

// RequestHotlist files a hotlist request (POST /v1/hotlist-requests).
func (c *Client) RequestHotlist(ctx context.Context, req api.HotlistRequestBody, opts ...CallOption) (*api.HotlistRequest, error) {
	var r api.HotlistRequest
	if err := c.write(ctx, http.MethodPost, "/v1/hotlist-requests", req, &r, opts); err != nil {
		return nil, err
	}
	return &r, nil
}

// HotlistRequests lists hotlist requests: the user's own, or all for an
// approver (GET /v1/hotlist-requests).
func (c *Client) HotlistRequests(ctx context.Context) ([]api.HotlistRequest, error) {
	var l list[api.HotlistRequest]
	if err := c.get(ctx, "/v1/hotlist-requests", nil, &l); err != nil {
		return nil, err
	}
	return l.items, nil
}

// DecideHotlistRequest approves or denies a request (POST
// /v1/hotlist-requests/{id}/decision; approvers, never their own).
func (c *Client) DecideHotlistRequest(ctx context.Context, id string, approve bool, reason string, opts ...CallOption) (*api.HotlistRequest, error) {
	var r api.HotlistRequest
	err := c.write(ctx, http.MethodPost, "/v1/hotlist-requests/"+url.PathEscape(id)+"/decision",
		api.DecisionRequest{Approve: approve, Reason: reason}, &r, opts)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// HotlistEntries lists the active hotlist entries the user may see (GET
// /v1/hotlist-entries).
func (c *Client) HotlistEntries(ctx context.Context) ([]api.HotlistEntry, error) {
	var l list[api.HotlistEntry]
	if err := c.get(ctx, "/v1/hotlist-entries", nil, &l); err != nil {
		return nil, err
	}
	return l.items, nil
}

// RemoveHotlistEntry removes an entry early, with a reason (DELETE
// /v1/hotlist-entries/{id}; approvers and admins).
func (c *Client) RemoveHotlistEntry(ctx context.Context, id, reason string, opts ...CallOption) error {
	return c.write(ctx, http.MethodDelete, "/v1/hotlist-entries/"+url.PathEscape(id),
		api.RemoveEntryRequest{Reason: reason}, nil, opts)
}

// AckAlert acknowledges a hotlist hit (POST /v1/alerts/{id}/ack), allowed
// only once its read is verified (else ErrVerificationRequired).
func (c *Client) AckAlert(ctx context.Context, id, note string, opts ...CallOption) error {
	return c.write(ctx, http.MethodPost, "/v1/alerts/"+url.PathEscape(id)+"/ack", api.AckRequest{Note: note}, nil, opts)
}
