package postgres

import (
	"encoding/json"
	"errors"
	"time"

	"alprdesk/store"
)

// authMigration adds the shared sign-in state every node reads: failed
// sign-ins per username (known or not), second factors, MFA tokens, and
// restricted token families (--require-mfa).
const authMigration = `CREATE TABLE login_failures(
	username text PRIMARY KEY, failures integer NOT NULL, locked_until bigint NOT NULL);
CREATE TABLE mfa(
	username text PRIMARY KEY, secret text NOT NULL, confirmed boolean NOT NULL,
	last_step bigint NOT NULL, recovery text NOT NULL, created_at bigint NOT NULL);
CREATE TABLE mfa_tokens(
	hash text PRIMARY KEY, username text NOT NULL, expires_at bigint NOT NULL, tries integer NOT NULL);
ALTER TABLE tokens ADD COLUMN restricted boolean NOT NULL DEFAULT false;
CREATE INDEX tokens_user ON tokens(username);`

// LoginFailures returns a username's failed sign-ins (zero when none).
func (t *Tx) LoginFailures(username string) (store.LoginFailures, error) {
	f := store.LoginFailures{Username: username}
	var locked int64
	if err := t.lockLogin(username); err != nil {
		return f, err
	}
	err := t.row(`SELECT failures, locked_until FROM login_failures WHERE username = $1`, username).Scan(&f.Failures, &locked)
	if errors.Is(err, store.ErrNotFound) {
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
	_, err := t.exec(`INSERT INTO login_failures(username, failures, locked_until) VALUES ($1,$2,$3)
		ON CONFLICT(username) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
		f.Username, f.Failures, ms(f.LockedUntil))
	return err
}

// ClearLoginFailures forgets a username's failed sign-ins.
func (t *Tx) ClearLoginFailures(username string) error {
	_, err := t.exec(`DELETE FROM login_failures WHERE username = $1`, username)
	return err
}

// RevokeUserTokens revokes a user's tokens except keepFamily's.
func (t *Tx) RevokeUserTokens(username, keepFamily string) error {
	_, err := t.exec(`UPDATE tokens SET revoked = true WHERE username = $1 AND family <> $2`, username, keepFamily)
	return err
}

// GetMFA returns a user's second factor or ErrNotFound.
func (t *Tx) GetMFA(username string) (*store.MFARecord, error) {
	m := store.MFARecord{Username: username}
	var recovery string
	var created int64
	err := t.row(`SELECT secret, confirmed, last_step, recovery, created_at FROM mfa WHERE username = $1`+t.forUpdate(), username).
		Scan(&m.Secret, &m.Confirmed, &m.LastStep, &recovery, &created)
	if err != nil {
		return nil, err
	}
	m.CreatedAt = fromMS(created)
	if err := json.Unmarshal([]byte(recovery), &m.RecoveryHashes); err != nil {
		return nil, err
	}
	return &m, nil
}

// PutMFA stores a user's second factor, replacing any.
func (t *Tx) PutMFA(m *store.MFARecord) error {
	hashes := m.RecoveryHashes
	if hashes == nil {
		hashes = []string{}
	}
	rec, err := json.Marshal(hashes)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO mfa(username, secret, confirmed, last_step, recovery, created_at) VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT(username) DO UPDATE SET secret = excluded.secret, confirmed = excluded.confirmed,
		last_step = excluded.last_step, recovery = excluded.recovery, created_at = excluded.created_at`,
		m.Username, m.Secret, m.Confirmed, m.LastStep, string(rec), ms(m.CreatedAt))
	return err
}

// DeleteMFA removes a user's second factor.
func (t *Tx) DeleteMFA(username string) error {
	_, err := t.exec(`DELETE FROM mfa WHERE username = $1`, username)
	return err
}

// InsertMFAToken stores an MFA token.
func (t *Tx) InsertMFAToken(k *store.MFATokenRecord) error {
	_, err := t.exec(`INSERT INTO mfa_tokens(hash, username, expires_at, tries) VALUES ($1,$2,$3,$4)`,
		k.Hash, k.Username, ms(k.ExpiresAt), k.Tries)
	return err
}

// GetMFAToken returns an MFA token or ErrNotFound.
func (t *Tx) GetMFAToken(hash string) (*store.MFATokenRecord, error) {
	k := store.MFATokenRecord{Hash: hash}
	var exp int64
	err := t.row(`SELECT username, expires_at, tries FROM mfa_tokens WHERE hash = $1`+t.forUpdate(), hash).Scan(&k.Username, &exp, &k.Tries)
	if err != nil {
		return nil, err
	}
	k.ExpiresAt = fromMS(exp)
	return &k, nil
}

// SetMFATokenTries records the codes tried with an MFA token.
func (t *Tx) SetMFATokenTries(hash string, tries int) error {
	_, err := t.exec(`UPDATE mfa_tokens SET tries = $1 WHERE hash = $2`, tries, hash)
	return err
}

// DeleteMFAToken removes an MFA token.
func (t *Tx) DeleteMFAToken(hash string) error {
	_, err := t.exec(`DELETE FROM mfa_tokens WHERE hash = $1`, hash)
	return err
}

// DeleteMFATokensBefore drops MFA tokens that expired before tm.
func (t *Tx) DeleteMFATokensBefore(tm time.Time) error {
	_, err := t.exec(`DELETE FROM mfa_tokens WHERE expires_at < $1`, ms(tm))
	return err
}
