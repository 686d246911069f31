package store

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"time"

	"golang.org/x/crypto/bcrypt"

	"alprdesk/api"
)

// Token and lockout rules (docs/POLICY.md, rule 9).
const (
	AccessTTL     = 15 * time.Minute
	ShiftTTL      = 12 * time.Hour
	MaxFailures   = 5
	LockoutPeriod = 15 * time.Minute
)

// newToken returns a random opaque token with a readable prefix.
func newToken(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("store: no randomness: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// issueTokens stores a new access token and refresh token of a family.
// A restricted family (DESIGN.md, --require-mfa) reaches only the routes
// that set up a second factor.
func issueTokens(tx Tx, u *UserRecord, family string, familyEnd, now time.Time, restricted bool) (*api.TokenResponse, error) {
	access, refresh := newToken("at_"), newToken("rt_")
	for _, k := range []*TokenRecord{
		{Hash: hashToken(access), Kind: TokenAccess, Username: u.Username, Family: family,
			ExpiresAt: minTime(now.Add(AccessTTL), familyEnd), FamilyExpiresAt: familyEnd, Restricted: restricted},
		{Hash: hashToken(refresh), Kind: TokenRefresh, Username: u.Username, Family: family,
			ExpiresAt: familyEnd, FamilyExpiresAt: familyEnd, Restricted: restricted},
	} {
		if err := tx.InsertToken(k); err != nil {
			return nil, err
		}
	}
	exp := int(minTime(now.Add(AccessTTL), familyEnd).Sub(now) / time.Second)
	return &api.TokenResponse{AccessToken: access, RefreshToken: refresh, ExpiresIn: exp, User: u.User,
		MFAEnrollmentRequired: restricted}, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func badLogin() *api.Error {
	return api.E(api.CodeUnauthorized, "The username or password is not correct.")
}

func lockedErr(until time.Time) *api.Error {
	return api.E(api.CodeAccountLocked,
		"This account is locked after repeated failed sign-ins until %s UTC; an administrator can unlock it.",
		until.Format("15:04"))
}

// loginAttempt is one password sign-in as the transaction judges it.
type loginAttempt struct {
	username, workstation string
	passOK                bool
	now                   time.Time
}

// login: POST /v1/auth/login. Unknown, disabled and real users meet the
// same answer in the same time on a wrong password: the password is always
// run through bcrypt (a dummy hash for an unknown user), and failures are
// counted per username whether or not it exists.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *session) error {
	if err := s.limitAuth(w, r); err != nil {
		return err
	}
	var req api.LoginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if e := bounded("username", req.Username, MaxUsernameBytes); e != nil {
		return e
	}
	if e := bounded("password", req.Password, MaxPasswordBytes); e != nil {
		return e
	}
	var u *UserRecord
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		u, err = tx.GetUser(req.Username)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	hash := s.dummyHash
	if u != nil {
		hash = u.PasswordHash
	}
	passOK := bcrypt.CompareHashAndPassword(hash, []byte(req.Password)) == nil && u != nil
	at := loginAttempt{username: req.Username, workstation: workstation(r), passOK: passOK, now: s.now()}
	var answer any
	var refusal *api.Error
	err = s.st.Update(r.Context(), func(tx Tx) error {
		var err error
		answer, refusal, err = s.judgeLogin(tx, at)
		return err
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	return writeJSON(w, http.StatusOK, answer)
}

// judgeLogin decides a password sign-in inside a transaction and audits
// it: a refusal, an MFA challenge or tokens.
func (s *Server) judgeLogin(tx Tx, at loginAttempt) (any, *api.Error, error) {
	audit := &api.AuditEntry{At: at.now, Actor: at.username, Action: ActionLogin, Workstation: at.workstation}
	f, err := tx.LoginFailures(at.username)
	if err != nil {
		return nil, nil, err
	}
	u, err := tx.GetUser(at.username) // fresh, inside the transaction
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	known := u != nil && (!u.Demo || s.cfg.Demo)
	if known {
		audit.Role = u.Role
	}
	switch {
	case f.LockedUntil.After(at.now):
		e := lockedErr(f.LockedUntil)
		return nil, e, refuseAudit(tx, audit, e)
	case !known || !at.passOK:
		e, err := s.failSignIn(tx, f, audit, badLogin())
		return nil, e, err
	case u.Disabled:
		e := api.E(api.CodeForbidden, "The account %s is disabled; ask an administrator.", u.Username)
		return nil, e, refuseAudit(tx, audit, e)
	}
	m, err := tx.GetMFA(u.Username)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	if m != nil && m.Confirmed {
		ch, err := s.mfaChallenge(tx, u, at.now)
		if err != nil {
			return nil, nil, err
		}
		audit.Query = `{"step":"password","mfa_required":true}`
		return ch, nil, AppendAudit(tx, audit)
	}
	resp, err := s.completeSignIn(tx, u, at.now, audit)
	return resp, nil, err
}

// completeSignIn ends a successful sign-in: the username's failures are
// forgotten, a new token family is issued (restricted when the store
// requires a second factor the user has not set up) and the sign-in is
// audited.
func (s *Server) completeSignIn(tx Tx, u *UserRecord, now time.Time, audit *api.AuditEntry) (*api.TokenResponse, error) {
	if err := tx.ClearLoginFailures(u.Username); err != nil {
		return nil, err
	}
	m, err := tx.GetMFA(u.Username)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	hasMFA := m != nil && m.Confirmed
	restricted := s.cfg.RequireMFA && !hasMFA
	resp, err := issueTokens(tx, u, newToken("f_"), now.Add(ShiftTTL), now, restricted)
	if err != nil {
		return nil, err
	}
	resp.User.Demo = s.cfg.Demo
	resp.User.MFAEnabled = hasMFA
	if restricted {
		audit.Query = `{"restricted":"mfa_enrollment_required"}`
	}
	return resp, AppendAudit(tx, audit)
}

// refuseAudit audits a refusal with its code.
func refuseAudit(tx Tx, audit *api.AuditEntry, e *api.Error) error {
	audit.Outcome, audit.Reason = api.OutcomeRefused, e.Code
	return AppendAudit(tx, audit)
}

// failSignIn counts a failed sign-in step (wrong password or wrong second
// factor) against the username, known or not, audits it, and locks the
// username at the fifth failure in a row. It returns the refusal to answer.
func (s *Server) failSignIn(tx Tx, f LoginFailures, audit *api.AuditEntry, e *api.Error) (*api.Error, error) {
	f.Failures++
	locked := f.Failures >= MaxFailures
	if locked {
		f.Failures = 0
		f.LockedUntil = audit.At.Add(LockoutPeriod)
	}
	if err := tx.SetLoginFailures(f); err != nil {
		return nil, err
	}
	if err := refuseAudit(tx, audit, e); err != nil || !locked {
		return e, err
	}
	return e, AppendAudit(tx, &api.AuditEntry{At: audit.At, Actor: f.Username, Role: audit.Role, Action: ActionLockout,
		Workstation: audit.Workstation, Outcome: api.OutcomeRefused, Reason: api.CodeAccountLocked,
		Query: fmt.Sprintf(`{"failed_logins":%d,"locked_minutes":%d}`, MaxFailures, int(LockoutPeriod/time.Minute))})
}

// refresh: POST /v1/auth/refresh. The refresh token rotates; a reused one
// revokes its whole family. Refreshes of a known token are audited.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request, _ *session) error {
	if err := s.limitAuth(w, r); err != nil {
		return err
	}
	var req api.RefreshRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if e := bounded("refresh_token", req.RefreshToken, MaxTokenBytes); e != nil {
		return e
	}
	now := s.now()
	ws := workstation(r)
	var resp *api.TokenResponse
	var refusal *api.Error
	err := s.st.Update(r.Context(), func(tx Tx) error {
		k, err := tx.GetToken(hashToken(req.RefreshToken))
		if errors.Is(err, ErrNotFound) || (err == nil && (k.Kind != TokenRefresh || k.Revoked)) {
			refusal = api.E(api.CodeUnauthorized, "The refresh token is not valid; sign in again.")
			return nil
		}
		if err != nil {
			return err
		}
		audit := &api.AuditEntry{At: now, Actor: k.Username, Action: ActionRefresh, Workstation: ws}
		resp, refusal, err = s.rotate(tx, k, now, audit)
		return err
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	return writeJSON(w, http.StatusOK, resp)
}

// rotate spends a known refresh token for new tokens of its family, and
// audits the refresh or its refusal.
func (s *Server) rotate(tx Tx, k *TokenRecord, now time.Time, audit *api.AuditEntry) (*api.TokenResponse, *api.Error, error) {
	if k.Used {
		e := api.E(api.CodeUnauthorized, "The refresh token was already used; every token of this sign-in is revoked, sign in again.")
		if err := tx.RevokeFamily(k.Family); err != nil {
			return nil, nil, err
		}
		audit.Query = `{"reused":true,"family_revoked":true}`
		return nil, e, refuseAudit(tx, audit, e)
	}
	if !now.Before(k.FamilyExpiresAt) {
		e := api.E(api.CodeTokenExpired, "The shift's sign-in has ended (12 hours); sign in again.")
		return nil, e, refuseAudit(tx, audit, e)
	}
	u, err := tx.GetUser(k.Username)
	if err != nil || u.Disabled {
		e := api.E(api.CodeUnauthorized, "The account of this token is disabled or gone.")
		return nil, e, refuseAudit(tx, audit, e)
	}
	audit.Role = u.Role
	if err := tx.MarkTokenUsed(k.Hash); err != nil {
		return nil, nil, err
	}
	resp, err := issueTokens(tx, u, k.Family, k.FamilyExpiresAt, now, k.Restricted)
	if err != nil {
		return nil, nil, err
	}
	resp.User.Demo = s.cfg.Demo
	if m, err := tx.GetMFA(u.Username); err == nil && m.Confirmed {
		resp.User.MFAEnabled = true
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	return resp, nil, AppendAudit(tx, audit)
}

// logout: POST /v1/auth/logout revokes the sign-in of the access token
// and/or of the refresh token in the (optional) body, and audits it.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ *session) error {
	var req api.RefreshRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
		if len(req.RefreshToken) > MaxTokenBytes {
			return invalid("refresh_token", "is longer than %d bytes.", MaxTokenBytes)
		}
	}
	sess, authErr := s.authUser(r)
	if authErr != nil && req.RefreshToken == "" {
		return authErr
	}
	now, ws := s.now(), workstation(r)
	revoked := false
	err := s.st.Update(r.Context(), func(tx Tx) error {
		var who []string
		if sess != nil {
			if err := tx.RevokeFamily(sess.family); err != nil {
				return err
			}
			who = append(who, sess.user.Username)
		}
		if req.RefreshToken != "" {
			k, err := tx.GetToken(hashToken(req.RefreshToken))
			if err == nil && k.Kind == TokenRefresh {
				if err := tx.RevokeFamily(k.Family); err != nil {
					return err
				}
				who = append(who, k.Username)
			}
		}
		revoked = len(who) > 0
		if !revoked {
			return nil
		}
		e := &api.AuditEntry{At: now, Actor: who[0], Action: ActionLogout, Workstation: ws}
		if sess != nil {
			e.Role = sess.role()
		}
		return AppendAudit(tx, e)
	})
	if err != nil {
		return err
	}
	if !revoked {
		return api.E(api.CodeUnauthorized, "The refresh token is not valid; nothing was signed out.")
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// me: GET /v1/me.
func (s *Server) me(w http.ResponseWriter, r *http.Request, sess *session) error {
	u := sess.user.User
	u.Demo = s.cfg.Demo
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		m, err := tx.GetMFA(u.Username)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		u.MFAEnabled = err == nil && m.Confirmed
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, u)
}

// getPolicy: GET /v1/policy.
func (s *Server) getPolicy(w http.ResponseWriter, _ *http.Request, _ *session) error {
	return writeJSON(w, http.StatusOK, s.policy)
}

// cameras: GET /v1/cameras.
func (s *Server) cameras(w http.ResponseWriter, r *http.Request, _ *session) error {
	var cams []api.Camera
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		cams, err = tx.Cameras()
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cams)
}
