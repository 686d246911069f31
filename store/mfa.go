package store

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"alprdesk/api"
)

// Second-factor rules (DESIGN.md, Sign-in with a second factor).
const (
	// MFATokenTTL is how long the code step of a sign-in may wait.
	MFATokenTTL = 5 * time.Minute
	// MFATokenTries is how many codes one MFA token may try.
	MFATokenTries = 5
	// RecoveryCodeCount is how many recovery codes an enrolment gives.
	RecoveryCodeCount = 10
	// MFAIssuer names the store in authenticator apps.
	MFAIssuer  = "alprdesk"
	totpPeriod = 30
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// matchTOTP checks a 6-digit code against secret at now, one 30-second
// step of skew either way, and returns the step it belongs to.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step - 1, step, step + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(s*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return s, true
		}
	}
	return 0, false
}

// newRecoveryCodes returns ten fresh recovery codes (xxxxx-xxxxx, 50 bits
// each) and their hashes.
func newRecoveryCodes() (codes, hashes []string) {
	enc := base32.StdEncoding.WithPadding(base32.NoPadding)
	for range RecoveryCodeCount {
		b := make([]byte, 7)
		if _, err := rand.Read(b); err != nil {
			panic("store: no randomness: " + err.Error())
		}
		c := strings.ToLower(enc.EncodeToString(b))[:10]
		codes = append(codes, c[:5]+"-"+c[5:])
		hashes = append(hashes, recoveryHash(c))
	}
	return codes, hashes
}

// recoveryHash is the stored form of a recovery code: SHA-256 (hex) of the
// code without dashes or spaces, lower case.
func recoveryHash(code string) string {
	c := strings.ToLower(strings.NewReplacer("-", "", " ", "").Replace(code))
	sum := sha256.Sum256([]byte(c))
	return hex.EncodeToString(sum[:])
}

// mfaChallenge answers a correct password of a user with a second factor:
// an MFA token for the code step.
func (s *Server) mfaChallenge(tx Tx, u *UserRecord, now time.Time) (*api.MFAChallenge, error) {
	tok := newToken("mt_")
	err := tx.InsertMFAToken(&MFATokenRecord{Hash: hashToken(tok), Username: u.Username, ExpiresAt: now.Add(MFATokenTTL)})
	if err != nil {
		return nil, err
	}
	return &api.MFAChallenge{MFARequired: true, MFAToken: tok, ExpiresIn: int(MFATokenTTL / time.Second)}, nil
}

func invalidCode(status int) *api.Error {
	return api.EStatus(status, api.CodeInvalidMFACode, "The code is not correct; use the current code of your authenticator app.")
}

func codeReused() *api.Error {
	return api.E(api.CodeMFACodeReused,
		"This code was already used; wait for the next code of your authenticator app.")
}

// mfaLogin: POST /v1/auth/mfa, the code step of a two-step sign-in.
func (s *Server) mfaLogin(w http.ResponseWriter, r *http.Request, _ *session) error {
	if err := s.limitAuth(w, r); err != nil {
		return err
	}
	var req api.MFARequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if e := checkMFARequest(req); e != nil {
		return e
	}
	now, ws := s.now(), workstation(r)
	var resp *api.TokenResponse
	var refusal *api.Error
	err := s.st.Update(r.Context(), func(tx Tx) error {
		var err error
		resp, refusal, err = s.judgeMFA(tx, req, now, ws)
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

func checkMFARequest(req api.MFARequest) *api.Error {
	if e := bounded("mfa_token", req.MFAToken, MaxTokenBytes); e != nil {
		return e
	}
	switch {
	case (req.Code == "") == (req.RecoveryCode == ""):
		return invalid("code", "or recovery_code is required (exactly one of them).")
	case len(req.Code) > MaxCodeBytes:
		return invalid("code", "is longer than %d bytes.", MaxCodeBytes)
	case len(req.RecoveryCode) > MaxCodeBytes:
		return invalid("recovery_code", "is longer than %d bytes.", MaxCodeBytes)
	}
	return nil
}

// judgeMFA decides the code step inside a transaction and audits it.
func (s *Server) judgeMFA(tx Tx, req api.MFARequest, now time.Time, ws string) (*api.TokenResponse, *api.Error, error) {
	k, err := tx.GetMFAToken(hashToken(req.MFAToken))
	if errors.Is(err, ErrNotFound) || (err == nil && !now.Before(k.ExpiresAt)) {
		return nil, api.E(api.CodeUnauthorized,
			"This sign-in step has expired or was used up; sign in again with your password."), nil
	}
	if err != nil {
		return nil, nil, err
	}
	audit := &api.AuditEntry{At: now, Actor: k.Username, Action: ActionLoginMFA, Workstation: ws}
	f, err := tx.LoginFailures(k.Username)
	if err != nil {
		return nil, nil, err
	}
	u, err := tx.GetUser(k.Username)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return nil, nil, err
	}
	m, merr := tx.GetMFA(k.Username)
	if merr != nil && !errors.Is(merr, ErrNotFound) {
		return nil, nil, merr
	}
	switch {
	case f.LockedUntil.After(now):
		e := lockedErr(f.LockedUntil)
		return nil, e, refuseAudit(tx, audit, e)
	case u == nil || u.Disabled || m == nil || !m.Confirmed:
		e := api.E(api.CodeUnauthorized, "This account can no longer sign in this way; sign in again.")
		if err := tx.DeleteMFAToken(k.Hash); err != nil {
			return nil, nil, err
		}
		return nil, e, refuseAudit(tx, audit, e)
	}
	audit.Role = u.Role
	if e := useSecondFactor(m, req, now); e != nil {
		return nil, e, s.failMFA(tx, k, f, audit, e)
	}
	if err := tx.PutMFA(m); err != nil {
		return nil, nil, err
	}
	if err := tx.DeleteMFAToken(k.Hash); err != nil {
		return nil, nil, err
	}
	audit.Query = `{"second_factor":"totp"}`
	if req.RecoveryCode != "" {
		audit.Query = `{"second_factor":"recovery_code","recovery_codes_left":` + strconv.Itoa(len(m.RecoveryHashes)) + `}`
	}
	resp, err := s.completeSignIn(tx, u, now, audit)
	return resp, nil, err
}

// useSecondFactor checks a code (not a replay) or spends a recovery code,
// updating m; it answers the refusal when neither holds.
func useSecondFactor(m *MFARecord, req api.MFARequest, now time.Time) *api.Error {
	if req.RecoveryCode != "" {
		h := recoveryHash(req.RecoveryCode)
		i := slices.Index(m.RecoveryHashes, h)
		if i < 0 {
			return invalidCode(http.StatusUnauthorized)
		}
		m.RecoveryHashes = slices.Delete(m.RecoveryHashes, i, i+1)
		return nil
	}
	step, ok := matchTOTP(m.Secret, req.Code, now)
	switch {
	case !ok:
		return invalidCode(http.StatusUnauthorized)
	case step <= m.LastStep:
		return codeReused()
	}
	m.LastStep = step
	return nil
}

// failMFA spends one try of the MFA token and counts a wrong code toward
// the lockout like a wrong password (a replayed code only spends the try).
func (s *Server) failMFA(tx Tx, k *MFATokenRecord, f LoginFailures, audit *api.AuditEntry, e *api.Error) error {
	k.Tries++
	var err error
	if k.Tries >= MFATokenTries {
		err = tx.DeleteMFAToken(k.Hash)
	} else {
		err = tx.SetMFATokenTries(k.Hash, k.Tries)
	}
	if err != nil {
		return err
	}
	if e.Code == api.CodeMFACodeReused {
		return refuseAudit(tx, audit, e)
	}
	_, err = s.failSignIn(tx, f, audit, e)
	return err
}

// enrolMFA: POST /v1/me/mfa starts an enrolment, replacing an unconfirmed one.
func (s *Server) enrolMFA(w http.ResponseWriter, r *http.Request, sess *session) error {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: MFAIssuer, AccountName: sess.user.Username,
		Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
	if err != nil {
		return err
	}
	err = s.st.Update(r.Context(), func(tx Tx) error {
		m, err := tx.GetMFA(sess.user.Username)
		if err == nil && m.Confirmed {
			return api.E(api.CodeConflict,
				"You already have a second factor; remove it first to set up another.")
		}
		if err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
		return tx.PutMFA(&MFARecord{Username: sess.user.Username, Secret: key.Secret(), CreatedAt: s.now()})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, api.MFAEnrolment{Secret: key.Secret(), OTPAuthURL: key.URL()})
}

// confirmMFA: POST /v1/me/mfa/confirm {code} confirms the enrolment and
// answers ten recovery codes (only their hashes are kept); audited.
func (s *Server) confirmMFA(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.MFACode
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if e := bounded("code", req.Code, MaxCodeBytes); e != nil {
		return e
	}
	now := s.now()
	codes, hashes := newRecoveryCodes()
	err := s.st.Update(r.Context(), func(tx Tx) error {
		m, err := tx.GetMFA(sess.user.Username)
		if errors.Is(err, ErrNotFound) || (err == nil && m.Confirmed) {
			return api.E(api.CodeConflict, "There is no enrolment to confirm; start one with POST /v1/me/mfa.")
		}
		if err != nil {
			return err
		}
		step, ok := matchTOTP(m.Secret, req.Code, now)
		if !ok {
			return invalidCode(http.StatusUnprocessableEntity)
		}
		m.Confirmed, m.LastStep, m.RecoveryHashes = true, step, hashes
		if err := tx.PutMFA(m); err != nil {
			return err
		}
		return AppendAudit(tx, &api.AuditEntry{At: now, Actor: sess.username(), Role: sess.role(),
			Action: ActionMFAEnrol, Workstation: workstation(r), ResultCount: 1,
			Query: `{"second_factor":"totp","recovery_codes":` + strconv.Itoa(RecoveryCodeCount) + `}`})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, api.RecoveryCodes{RecoveryCodes: codes})
}

// removeMFA: DELETE /v1/me/mfa {code} removes the caller's second factor
// with a current code, unless the store requires one; audited.
func (s *Server) removeMFA(w http.ResponseWriter, r *http.Request, sess *session) error {
	if s.cfg.RequireMFA {
		return api.E(api.CodeMFARequiredByPolicy,
			"This store requires a second factor; it cannot be removed (an administrator can reset a lost one).")
	}
	var req api.MFACode
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if e := bounded("code", req.Code, MaxCodeBytes); e != nil {
		return e
	}
	now := s.now()
	err := s.st.Update(r.Context(), func(tx Tx) error {
		m, err := tx.GetMFA(sess.user.Username)
		if errors.Is(err, ErrNotFound) || (err == nil && !m.Confirmed) {
			return notFoundErr("You have no second factor to remove.")
		}
		if err != nil {
			return err
		}
		step, ok := matchTOTP(m.Secret, req.Code, now)
		switch {
		case !ok:
			return invalidCode(http.StatusUnprocessableEntity)
		case step <= m.LastStep:
			return api.EStatus(http.StatusUnprocessableEntity, api.CodeMFACodeReused,
				"This code was already used; wait for the next code of your authenticator app.")
		}
		if err := tx.DeleteMFA(sess.user.Username); err != nil {
			return err
		}
		return AppendAudit(tx, &api.AuditEntry{At: now, Actor: sess.username(), Role: sess.role(),
			Action: ActionMFARemove, Workstation: workstation(r), ResultCount: 1, Query: `{"second_factor":"totp"}`})
	})
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
