package store

import (
	"net/http"
	"unicode/utf8"

	"golang.org/x/crypto/bcrypt"

	"alprdesk/api"
)

// changePassword: POST /v1/me/password changes the caller's password. A
// wrong current password counts toward the lockout like a failed sign-in;
// a change revokes every other session of the caller and is audited.
func (s *Server) changePassword(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := s.limitAuth(w, r); err != nil {
		return err
	}
	var req api.PasswordChange
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if e := checkNewPassword(req); e != nil {
		return e
	}
	currentOK := bcrypt.CompareHashAndPassword(sess.user.PasswordHash, []byte(req.CurrentPassword)) == nil
	hash, err := bcrypt.GenerateFromPassword([]byte(req.NewPassword), s.cfg.PasswordCost)
	if err != nil {
		return err
	}
	now := s.now()
	audit := &api.AuditEntry{At: now, Actor: sess.username(), Role: sess.role(), Action: ActionPassword,
		Workstation: workstation(r), ResultCount: 1}
	var refusal *api.Error
	err = s.st.Update(r.Context(), func(tx Tx) error {
		f, err := tx.LoginFailures(sess.user.Username)
		if err != nil {
			return err
		}
		switch {
		case f.LockedUntil.After(now):
			refusal = lockedErr(f.LockedUntil)
			return refuseAudit(tx, audit, refusal)
		case !currentOK:
			refusal, err = s.failSignIn(tx, f, audit,
				invalid("current_password", "is not your current password."))
			return err
		}
		u, err := tx.GetUser(sess.user.Username)
		if err != nil {
			return err
		}
		u.PasswordHash = hash
		if err := tx.UpdateUser(u); err != nil {
			return err
		}
		if err := tx.RevokeUserTokens(u.Username, sess.family); err != nil {
			return err
		}
		audit.Query = `{"other_sessions_revoked":true}`
		return AppendAudit(tx, audit)
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// checkNewPassword checks the fields of a password change.
func checkNewPassword(req api.PasswordChange) *api.Error {
	if e := bounded("current_password", req.CurrentPassword, MaxPasswordBytes); e != nil {
		return e
	}
	if e := bounded("new_password", req.NewPassword, MaxPasswordBytes); e != nil {
		return e
	}
	switch {
	case utf8.RuneCountInString(req.NewPassword) < api.MinPasswordLength:
		return invalid("new_password", "must have at least %d characters.", api.MinPasswordLength)
	case req.NewPassword == req.CurrentPassword:
		return invalid("new_password", "must differ from the current password.")
	}
	return nil
}
