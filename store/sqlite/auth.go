package sqlite

import (
	"encoding/json"
	"errors"
	"time"

	"alprdesk/store"
)

// authMigration adds the shared sign-in state: failed sign-ins per
// username (known or not), second factors, MFA tokens, and restricted
// token families (--require-mfa).
const authMigration = `CREATE TABLE login_failures(
	username TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until INTEGER NOT NULL);
CREATE TABLE mfa(
	username TEXT PRIMARY KEY, secret TEXT NOT NULL, confirmed INTEGER NOT NULL,
	last_step INTEGER NOT NULL, recovery TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE TABLE mfa_tokens(
	hash TEXT PRIMARY KEY, username TEXT NOT NULL, expires_at INTEGER NOT NULL, tries INTEGER NOT NULL);
ALTER TABLE tokens ADD COLUMN restricted INTEGER NOT NULL DEFAULT 0;
CREATE INDEX tokens_user ON tokens(username);`

// LoginFailures returns a username's failed sign-ins (zero when none).
func (t *Tx) LoginFailures(username string) (store.LoginFailures, error) {
	f := store.LoginFailures{Username: username}
	var locked int64
	err := t.row(`SELECT failures, locked_until FROM login_failures WHERE username = ?`, username).Scan(&f.Failures, &locked)
	if errors.Is(notFound(err), store.ErrNotFound) {
		return f, nil
	}
	if err != nil {
		return f, err
	}
	f.LockedUntil = fromMS(locked)
	return f, nil
}

// SetLoginFailures stores a username's failed sign-ins.
func (t *Tx) SetLoginFailures(f store.LoginFailures) error {
	_, err := t.exec(`INSERT INTO login_failures(username, failures, locked_until) VALUES (?,?,?)
		ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
		f.Username, f.Failures, ms(f.LockedUntil))
	return err
}

// ClearLoginFailures forgets a username's failed sign-ins.
func (t *Tx) ClearLoginFailures(username string) error {
	_, err := t.exec(`DELETE FROM login_failures WHERE username = ?`, username)
	return err
}

// RevokeUserTokens revokes a user's tokens except keepFamily's.
func (t *Tx) RevokeUserTokens(username, keepFamily string) error {
	_, err := t.exec(`UPDATE tokens SET revoked = 1 WHERE username = ? AND family <> ?`, username, keepFamily)
	return err
}

// GetMFA returns a user's second factor or ErrNotFound.
func (t *Tx) GetMFA(username string) (*store.MFARecord, error) {
	m := store.MFARecord{Username: username}
	var confirmed int
	var recovery string
	var created int64
	err := t.row(`SELECT secret, confirmed, last_step, recovery, created_at FROM mfa WHERE username = ?`, username).
		Scan(&m.Secret, &confirmed, &m.LastStep, &recovery, &created)
	if err != nil {
		return nil, notFound(err)
	}
	m.Confirmed, m.CreatedAt = confirmed != 0, fromMS(created)
	if err := json.Unmarshal([]byte(recovery), &m.RecoveryHashes); err != nil {
		return nil, err
	}
	return &m, nil
}

// PutMFA stores a user's second factor, replacing any.
func (t *Tx) PutMFA(m *store.MFARecord) error {
	rec, err := json.Marshal(nonNil(m.RecoveryHashes))
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO mfa(username, secret, confirmed, last_step, recovery, created_at) VALUES (?,?,?,?,?,?)
		ON CONFLICT(username) DO UPDATE SET secret = excluded.secret, confirmed = excluded.confirmed,
		last_step = excluded.last_step, recovery = excluded.recovery, created_at = excluded.created_at`,
		m.Username, m.Secret, b2i(m.Confirmed), m.LastStep, string(rec), ms(m.CreatedAt))
	return err
}

// DeleteMFA removes a user's second factor.
func (t *Tx) DeleteMFA(username string) error {
	_, err := t.exec(`DELETE FROM mfa WHERE username = ?`, username)
	return err
}

// InsertMFAToken stores an MFA token.
func (t *Tx) InsertMFAToken(k *store.MFATokenRecord) error {
	_, err := t.exec(`INSERT INTO mfa_tokens(hash, username, expires_at, tries) VALUES (?,?,?,?)`,
		k.Hash, k.Username, ms(k.ExpiresAt), k.Tries)
	return err
}

// GetMFAToken returns an MFA token or ErrNotFound.
func (t *Tx) GetMFAToken(hash string) (*store.MFATokenRecord, error) {
	k := store.MFATokenRecord{Hash: hash}
	var exp int64
	err := t.row(`SELECT username, expires_at, tries FROM mfa_tokens WHERE hash = ?`, hash).Scan(&k.Username, &exp, &k.Tries)
	if err != nil {
		return nil, notFound(err)
	}
	k.ExpiresAt = fromMS(exp)
	return &k, nil
}

// SetMFATokenTries records the codes tried with an MFA token.
func (t *Tx) SetMFATokenTries(hash string, tries int) error {
	_, err := t.exec(`UPDATE mfa_tokens SET tries = ? WHERE hash = ?`, tries, hash)
	return err
}

// DeleteMFAToken removes an MFA token.
func (t *Tx) DeleteMFAToken(hash string) error {
	_, err := t.exec(`DELETE FROM mfa_tokens WHERE hash = ?`, hash)
	return err
}

// DeleteMFATokensBefore drops MFA tokens that expired before tm.
func (t *Tx) DeleteMFATokensBefore(tm time.Time) error {
	_, err := t.exec(`DELETE FROM mfa_tokens WHERE expires_at < ?`, ms(tm))
	return err
}
