package store

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
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
func issueTokens(tx Tx, u *UserRecord, family string, familyEnd, now time.Time) (*api.TokenResponse, error) {
	access, refresh := newToken("at_"), newToken("rt_")
	for _, k := range []*TokenRecord{
		{Hash: hashToken(access), Kind: tokenAccess, Username: u.Username, Family: family,
			ExpiresAt: minTime(now.Add(AccessTTL), familyEnd), FamilyExpiresAt: familyEnd},
		{Hash: hashToken(refresh), Kind: tokenRefresh, Username: u.Username, Family: family,
			ExpiresAt: familyEnd, FamilyExpiresAt: familyEnd},
	} {
		if err := tx.InsertToken(k); err != nil {
			return nil, err
		}
	}
	exp := int(minTime(now.Add(AccessTTL), familyEnd).Sub(now) / time.Second)
	return &api.TokenResponse{AccessToken: access, RefreshToken: refresh, ExpiresIn: exp, User: u.User}, nil
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

// login: POST /v1/auth/login.
func (s *Server) login(w http.ResponseWriter, r *http.Request, _ *session) error {
	var req api.LoginRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Username == "" {
		return invalid("username", "is required.")
	}
	if req.Password == "" {
		return invalid("password", "is required.")
	}
	var u *UserRecord
	err := s.st.View(r.Context(), func(tx Tx) error {
		var err error
		u, err = tx.GetUser(req.Username)
		return err
	})
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	passOK := u != nil && bcrypt.CompareHashAndPassword(u.PasswordHash, []byte(req.Password)) == nil
	now := s.now()
	ws := workstation(r)
	var resp *api.TokenResponse
	var refusal *api.Error
	err = s.st.Update(r.Context(), func(tx Tx) error {
		audit := &api.AuditEntry{At: now, Actor: req.Username, Action: ActionLogin, Workstation: ws}
		refuse := func(e *api.Error) error {
			refusal = e
			audit.Outcome, audit.Reason = api.OutcomeRefused, e.Code
			return appendAudit(tx, audit)
		}
		u, err := tx.GetUser(req.Username) // fresh, inside the transaction
		if errors.Is(err, ErrNotFound) {
			return refuse(badLogin())
		}
		if err != nil {
			return err
		}
		audit.Role = u.Role
		switch {
		case u.LockedUntil.After(now):
			return refuse(api.E(api.CodeAccountLocked,
				"The account %s is locked after repeated failed sign-ins until %s UTC; an administrator can unlock it.",
				u.Username, u.LockedUntil.Format("15:04")))
		case u.Disabled:
			return refuse(api.E(api.CodeForbidden, "The account %s is disabled; ask an administrator.", u.Username))
		case u.Demo && !s.cfg.Demo:
			return refuse(badLogin())
		case !passOK:
			return s.failLogin(tx, u, now, audit, refuse)
		}
		u.FailedLogins, u.LockedUntil = 0, time.Time{}
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		if resp, err = issueTokens(tx, u, newToken("f_"), now.Add(ShiftTTL), now); err != nil {
			return err
		}
		resp.User.Demo = s.cfg.Demo
		return appendAudit(tx, audit)
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	return writeJSON(w, http.StatusOK, resp)
}

// failLogin counts a wrong password; the fifth in a row locks the account.
func (s *Server) failLogin(tx Tx, u *UserRecord, now time.Time, audit *api.AuditEntry, refuse func(*api.Error) error) error {
	u.FailedLogins++
	locked := u.FailedLogins >= MaxFailures
	if locked {
		u.FailedLogins = 0
		u.LockedUntil = now.Add(LockoutPeriod)
	}
	if err := tx.UpdateUser(u); err != nil {
		return err
	}
	if err := refuse(badLogin()); err != nil || !locked {
		return err
	}
	return appendAudit(tx, &api.AuditEntry{At: now, Actor: u.Username, Role: u.Role, Action: ActionLockout,
		Workstation: audit.Workstation, Outcome: api.OutcomeRefused, Reason: api.CodeAccountLocked,
		Query: `{"failed_logins":5,"locked_minutes":15}`})
}

// refresh: POST /v1/auth/refresh. The refresh token rotates; a reused one
// revokes its whole family.
func (s *Server) refresh(w http.ResponseWriter, r *http.Request, _ *session) error {
	var req api.RefreshRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.RefreshToken == "" {
		return invalid("refresh_token", "is required.")
	}
	now := s.now()
	var resp *api.TokenResponse
	var refusal *api.Error
	err := s.st.Update(r.Context(), func(tx Tx) error {
		k, err := tx.GetToken(hashToken(req.RefreshToken))
		if errors.Is(err, ErrNotFound) || (err == nil && (k.Kind != tokenRefresh || k.Revoked)) {
			refusal = api.E(api.CodeUnauthorized, "The refresh token is not valid; sign in again.")
			return nil
		}
		if err != nil {
			return err
		}
		if k.Used {
			refusal = api.E(api.CodeUnauthorized, "The refresh token was already used; every token of this sign-in is revoked, sign in again.")
			return tx.RevokeFamily(k.Family)
		}
		if !now.Before(k.FamilyExpiresAt) {
			refusal = api.E(api.CodeTokenExpired, "The shift's sign-in has ended (12 hours); sign in again.")
			return nil
		}
		u, err := tx.GetUser(k.Username)
		if err != nil || u.Disabled {
			refusal = api.E(api.CodeUnauthorized, "The account of this token is disabled or gone.")
			return nil
		}
		if err := tx.MarkTokenUsed(k.Hash); err != nil {
			return err
		}
		resp, err = issueTokens(tx, u, k.Family, k.FamilyExpiresAt, now)
		if resp != nil {
			resp.User.Demo = s.cfg.Demo
		}
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

// logout: POST /v1/auth/logout revokes the sign-in of the access token
// and/or of the refresh token in the (optional) body.
func (s *Server) logout(w http.ResponseWriter, r *http.Request, _ *session) error {
	var req api.RefreshRequest
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &req); err != nil {
			return err
		}
	}
	sess, authErr := s.authUser(r)
	if authErr != nil && req.RefreshToken == "" {
		return authErr
	}
	revoked := false
	err := s.st.Update(r.Context(), func(tx Tx) error {
		if sess != nil {
			revoked = true
			if err := tx.RevokeFamily(sess.family); err != nil {
				return err
			}
		}
		if req.RefreshToken != "" {
			k, err := tx.GetToken(hashToken(req.RefreshToken))
			if err == nil && k.Kind == tokenRefresh {
				revoked = true
				return tx.RevokeFamily(k.Family)
			}
		}
		return nil
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
func (s *Server) me(w http.ResponseWriter, _ *http.Request, sess *session) error {
	u := sess.user.User
	u.Demo = s.cfg.Demo
	return writeJSON(w, http.StatusOK, u)
}

// getPolicy: GET /v1/policy.
func (s *Server) getPolicy(w http.ResponseWriter, _ *http.Request, _ *session) error {
	return writeJSON(w, http.StatusOK, s.policy)
}

// cameras: GET /v1/cameras.
func (s *Server) cameras(w http.ResponseWriter, r *http.Request, _ *session) error {
	var cams []api.Camera
	err := s.st.View(r.Context(), func(tx Tx) error {
		var err error
		cams, err = tx.Cameras()
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, cams)
}

// healthz: GET /healthz.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *session) error {
	err := s.st.View(r.Context(), func(tx Tx) error {
		_, err := tx.AuditHead()
		return err
	})
	if err != nil {
		return api.E(api.CodeInternal, "The store's database is not answering.")
	}
	return writeJSON(w, http.StatusOK, api.Health{Status: "ok"})
}
