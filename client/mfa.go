package client

import (
	"context"
	"net/http"
	"time"

	"alprdesk/api"
)

// MFAChallenge is what Login returns (as its error) when the password was
// right and the user has a second factor: the token of the code step. It
// matches ErrMFARequired with errors.Is.
type MFAChallenge struct {
	// Token is the MFA token for POST /v1/auth/mfa (5 minutes, 5 tries).
	Token string
	// Username is the user signing in.
	Username string
	// Expires is when the code step ends.
	Expires time.Time
}

// Error says what the user must do next.
func (c *MFAChallenge) Error() string {
	return "Enter the 6-digit code of your authenticator app (or a recovery code)."
}

// Is matches ErrMFARequired.
func (c *MFAChallenge) Is(target error) bool { return target == ErrMFARequired }

// LoginMFA finishes a two-step sign-in with a current code (POST
// /v1/auth/mfa). Errors: ErrInvalidMFACode, ErrMFACodeReused,
// ErrUnauthorized (the step expired or its five tries are spent: sign in
// again), ErrAccountLocked, ErrRateLimited.
func (c *Client) LoginMFA(ctx context.Context, ch *MFAChallenge, code string) (*api.TokenResponse, error) {
	return c.finishMFA(ctx, ch, api.MFARequest{MFAToken: ch.Token, Code: code})
}

// LoginRecovery finishes a two-step sign-in with a single-use recovery
// code instead of a current code.
func (c *Client) LoginRecovery(ctx context.Context, ch *MFAChallenge, recoveryCode string) (*api.TokenResponse, error) {
	return c.finishMFA(ctx, ch, api.MFARequest{MFAToken: ch.Token, RecoveryCode: recoveryCode})
}

func (c *Client) finishMFA(ctx context.Context, ch *MFAChallenge, req api.MFARequest) (*api.TokenResponse, error) {
	var tr api.TokenResponse
	err := c.do(ctx, &call{method: http.MethodPost, path: "/v1/auth/mfa", body: req, out: &tr})
	if err != nil {
		return nil, err
	}
	return c.signedIn(ctx, ch.Username, tr), nil
}

// EnrolMFA starts setting up a second factor (POST /v1/me/mfa): the secret
// and the otpauth:// URL to show as a QR code. It replaces an unconfirmed
// enrolment; ErrConflict when the user already has a second factor.
func (c *Client) EnrolMFA(ctx context.Context) (*api.MFAEnrolment, error) {
	var en api.MFAEnrolment
	err := c.do(ctx, &call{method: http.MethodPost, path: "/v1/me/mfa", out: &en, auth: true})
	if err != nil {
		return nil, err
	}
	return &en, nil
}

// ConfirmMFA confirms the enrolment with a first code (POST
// /v1/me/mfa/confirm) and returns the ten recovery codes, which the store
// shows only this once. ErrInvalidMFACode for a wrong code. It is not
// retried: a retry after a lost answer could not show the codes again.
func (c *Client) ConfirmMFA(ctx context.Context, code string) ([]string, error) {
	var rc api.RecoveryCodes
	err := c.do(ctx, &call{method: http.MethodPost, path: "/v1/me/mfa/confirm", body: api.MFACode{Code: code}, out: &rc, auth: true})
	if err != nil {
		return nil, err
	}
	return rc.RecoveryCodes, nil
}

// RemoveMFA removes the caller's second factor with a current code
// (DELETE /v1/me/mfa). ErrMFARequiredByPolicy when the store requires one.
func (c *Client) RemoveMFA(ctx context.Context, code string) error {
	return c.do(ctx, &call{method: http.MethodDelete, path: "/v1/me/mfa", body: api.MFACode{Code: code}, auth: true})
}

// ChangePassword changes the caller's password (POST /v1/me/password; at
// least api.MinPasswordLength characters). The store revokes the caller's
// other sessions; this one goes on. ErrInvalidField names a wrong current
// password or a short new one.
func (c *Client) ChangePassword(ctx context.Context, current, next string) error {
	return c.do(ctx, &call{method: http.MethodPost, path: "/v1/me/password", auth: true,
		body: api.PasswordChange{CurrentPassword: current, NewPassword: next}})
}
