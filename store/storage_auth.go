package store

import "time"

// AuthReadTx is the read part of the sign-in state every node shares
// (DESIGN.md, Scaling out: lockouts, MFA steps and MFA tokens are rows,
// never node memory); in ReadTx.
type AuthReadTx interface {
	// LoginFailures returns the failed sign-ins counted against a
	// username, known or not (zero when none).
	LoginFailures(username string) (LoginFailures, error)
	// GetMFA returns a user's second factor or ErrNotFound.
	GetMFA(username string) (*MFARecord, error)
	// GetMFAToken returns the MFA token with that hash or ErrNotFound.
	GetMFAToken(hash string) (*MFATokenRecord, error)
}

// AuthTx writes the shared sign-in state (in Tx).
type AuthTx interface {
	// SetLoginFailures stores a username's count and lock.
	SetLoginFailures(f LoginFailures) error
	// ClearLoginFailures forgets a username's count and lock.
	ClearLoginFailures(username string) error
	// RevokeUserTokens revokes every token of a user except those of
	// keepFamily ("" keeps none).
	RevokeUserTokens(username, keepFamily string) error

	// PutMFA stores a user's second factor, replacing any.
	PutMFA(m *MFARecord) error
	// DeleteMFA removes a user's second factor (nothing when none).
	DeleteMFA(username string) error

	// MFA tokens: the second step of a two-step sign-in, stored by hash.
	InsertMFAToken(t *MFATokenRecord) error
	// SetMFATokenTries records how many codes were tried with a token.
	SetMFATokenTries(hash string, tries int) error
	// DeleteMFAToken removes an MFA token.
	DeleteMFAToken(hash string) error
	// DeleteMFATokensBefore drops MFA tokens that expired before t.
	DeleteMFATokensBefore(t time.Time) error
}

// LoginFailures counts the failed sign-ins of a username; five in a row
// lock it until LockedUntil.
type LoginFailures struct {
	Username    string
	Failures    int
	LockedUntil time.Time
}

// MFARecord is a user's TOTP second factor. Until Confirmed it is an
// enrolment in progress and does not apply at sign-in.
type MFARecord struct {
	Username string
	// Secret is the base32 TOTP secret.
	Secret    string
	Confirmed bool
	// LastStep is the 30-second step of the last accepted code; a code of
	// that step or an earlier one is refused as a replay.
	LastStep int64
	// RecoveryHashes are the SHA-256 (hex) of the unused recovery codes.
	RecoveryHashes []string
	CreatedAt      time.Time
}

// MFATokenRecord is the token between a sign-in's password step and its
// code step (stored by SHA-256 hash).
type MFATokenRecord struct {
	Hash      string
	Username  string
	ExpiresAt time.Time
	Tries     int
}
