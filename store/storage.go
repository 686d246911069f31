package store

import (
	"context"
	"errors"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// ErrNotFound is returned by storage when a looked-up record does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrExists is returned by storage when a record with the same key exists.
var ErrExists = errors.New("store: already exists")

// ErrUnavailable wraps the errors of a storage that lost (or cannot make)
// its connection to the database; the handlers answer 503
// store_unavailable with Retry-After, and the request may be retried.
var ErrUnavailable = errors.New("store: the database is unavailable")

// Storage is the store's persistence layer. The HTTP layer talks only to
// this interface; backends live in their own packages (store/sqlite, the
// embedded default, and store/postgres) and are opened by the caller
// (store/open), so package store imports none of them. Nothing
// backend-specific appears in these signatures, and a backend may be shared
// by several store processes at once: the handlers assume no serialisation
// of writes beyond what the methods below promise.
type Storage interface {
	// Update runs fn in a read-write transaction; fn's error rolls
	// everything back. Transactions may run concurrently (on PostgreSQL,
	// from several nodes); a backend may serialise them.
	Update(ctx context.Context, fn func(Tx) error) error
	// View runs fn in a read-only snapshot.
	View(ctx context.Context, fn func(ReadTx) error) error
	// BulkInsertReads loads the reads that produce puts, outside the HTTP
	// path (demo world, benchmarks), in large transactions; duplicates are
	// skipped. It returns how many reads were committed.
	BulkInsertReads(ctx context.Context, produce func(put func(*ReadRecord) error) error) (int, error)
	// Meta reads a small key/value setting; "" when unset.
	Meta(ctx context.Context, key string) (string, error)
	// SetMeta writes a small key/value setting.
	SetMeta(ctx context.Context, key, value string) error
	// ShiftReadTimes moves every read's capture time by d (a cached demo
	// world laid relative to a new start time).
	ShiftReadTimes(ctx context.Context, d time.Duration) error
	// Close releases the storage.
	Close() error
}

// Scrubber is a Storage that can also wipe what a purge deleted from places
// outside its live rows (SQLite: the write-ahead log's older frames, which
// still hold the pages as they were before the purge). Server.Purge calls
// Scrub after a purge that removed anything; a backend without such places
// does not implement it.
type Scrubber interface {
	// Scrub wipes the copies of deleted data the backend keeps outside its
	// tables; it may fail while readers hold them (the next purge retries).
	Scrub(ctx context.Context) error
}

// Advisor is a Storage that can say, when a node starts, which settings of
// its database fall short of what docs/DEPLOY.md asks for (PostgreSQL's
// huge pages). Server.Open logs each line; a backend with nothing to check
// does not implement it.
type Advisor interface {
	// Advice returns one sentence per setting to change (none when all
	// are as advised).
	Advice(ctx context.Context) ([]string, error)
}

// ReadTx is what a read-only transaction offers (Storage.View); every Tx
// offers it too. In a write transaction GetUser, GetToken and
// GetHotlistRequest also lock the row they return until the transaction
// ends, so that a read-modify-write (failed logins, a refresh token's use, a
// decision) is not lost to a concurrent one on another node.
type ReadTx interface {
	HotlistReadTx     // hotlists and alerts (storage_hotlist.go)
	SupervisionReadTx // samples, reviews, outcomes, efficacy (storage_supervision.go)
	TrainingReadTx    // training attempts (storage_training.go)
	AuthReadTx        // lockouts, second factors, MFA tokens (storage_auth.go)
	PolicyReadTx      // returned reads and retention (storage_policy.go)
	AccountReadTx     // hit outcomes, daily counters (storage_account.go)
	AnalysisReadTx    // scene reads, kept analyses (storage_analyses.go)

	// GetUser answers ErrNotFound for an unknown username.
	GetUser(username string) (*UserRecord, error)
	ListUsers() ([]UserRecord, error)
	// GetToken finds a token by the SHA-256 of the token.
	GetToken(hash string) (*TokenRecord, error)
	// CameraByToken finds a camera by the hash of its ingest token.
	CameraByToken(hash string) (*api.Camera, error)
	Cameras() ([]api.Camera, error)

	GetRead(id string) (*api.Read, error)
	Photo(id string) ([]byte, error)
	// SearchReads answers a resolved search query, newest first: capture
	// time to the millisecond, ties by read id descending (byte order),
	// which Keyset.ID carries; so backends answer alike, read for read,
	// whatever order the reads were stored in (DESIGN.md, Scaling out).
	SearchReads(q *ReadQuery) (*ReadPage, error)
	// SwitchCandidates reports, per plate of reads, whether that plate was
	// seen in [from, to] on a make or colour other than the read's.
	SwitchCandidates(reads []api.Read, from, to time.Time) (map[string]bool, error)

	// AuditHead is the chain's head as this transaction sees it (for
	// appending, see Tx.LockAuditHead). AuditPage is newest first,
	// AuditScan in seq order.
	AuditHead() (api.ChainHead, error)
	AuditPage(f AuditFilter) ([]api.AuditEntry, error)
	AuditScan(fn func(api.AuditEntry) error) error

	// GetSearch finds a search kept for photo, verification, retain and
	// export checks.
	GetSearch(id string) (*SearchRecord, error)
	// GetIdempotent finds the first answer of a request with an
	// Idempotency-Key, per user.
	GetIdempotent(username, key string) (*IdemRecord, error)
}

// Tx is one read-write transaction of a Storage.
type Tx interface {
	ReadTx
	HotlistTx     // storage_hotlist.go
	SupervisionTx // storage_supervision.go
	TrainingTx    // storage_training.go
	AuthTx        // storage_auth.go
	PolicyTx      // storage_policy.go
	AccountTx     // storage_account.go
	AnalysisTx    // storage_analyses.go

	// InsertUser answers ErrExists for a taken username, UpdateUser
	// ErrNotFound for an unknown one.
	InsertUser(u *UserRecord) error
	UpdateUser(u *UserRecord) error

	// Tokens, stored by the SHA-256 of the token; a family is one sign-in.
	InsertToken(t *TokenRecord) error
	MarkTokenUsed(hash string) error
	RevokeFamily(family string) error
	DeleteTokensBefore(t time.Time) error

	// InsertCamera stores a camera with the hash of its ingest token.
	InsertCamera(c api.Camera, tokenHash string) error

	// InsertRead stores a read (and its photo when given); dup is true
	// when a read with that id exists, in which case nothing is written.
	InsertRead(r *ReadRecord) (dup bool, err error)
	SetVerification(id string, v api.Verification) error
	InsertRetention(r api.Retention, searchID, exportID string) error
	// PurgeReads deletes unretained reads (and photos) captured before t,
	// and the plates of its dictionary that no read names any more.
	PurgeReads(before time.Time) (int, error)

	// LockAuditHead returns the chain's head and holds the chain's append
	// lock until the transaction ends, so that appends from concurrent
	// transactions (other goroutines, other store nodes) form one chain:
	// the next entry is head.Seq+1, linked to head.Hash. Every append
	// reads the head through it, in the transaction that inserts the
	// entry. (SQLite's single writer serialises by itself; PostgreSQL takes
	// a lock in the database.)
	LockAuditHead() (api.ChainHead, error)
	// InsertAudit stores an entry whose seq and hashes are set. The chain
	// is append-only: no method updates or deletes an entry.
	InsertAudit(e *api.AuditEntry) error

	// InsertSearch keeps a search for later checks.
	InsertSearch(s *SearchRecord) error
	// InsertIdempotent stores a first answer; a later one for the same
	// user and key is ignored.
	InsertIdempotent(r *IdemRecord) error
	// InsertExport records an export made in the app.
	InsertExport(id string, req api.ExportRequest, username string, at time.Time) error
}

// UserRecord is a stored user account.
type UserRecord struct {
	api.User
	DesignatedBy string
	PasswordHash []byte
	Disabled     bool
	FailedLogins int
	LockedUntil  time.Time
	CreatedAt    time.Time
}

// Token kinds (TokenRecord.Kind).
const (
	TokenAccess  = "access"
	TokenRefresh = "refresh"
)

// TokenRecord is a stored token (only its SHA-256 hash is kept).
type TokenRecord struct {
	Hash            string
	Kind            string
	Username        string
	Family          string
	ExpiresAt       time.Time
	FamilyExpiresAt time.Time
	Used            bool
	Revoked         bool
	// Restricted tokens (--require-mfa, no second factor yet) reach only
	// the routes that set one up.
	Restricted bool
}

// ReadRecord is a read as ingested: its metadata and optionally its photo.
type ReadRecord struct {
	Meta  api.ReadMeta
	Photo []byte
}

// ReadQuery is a search as the storage layer executes it.
type ReadQuery struct {
	Pattern   *plate.Pattern // nil: no plate
	Fuzzy     bool
	State     string
	Make      string // compared case-insensitively
	Color     string
	BodyType  string
	Features  []string
	From, To  time.Time // zero: open
	CameraIDs []string  // nil: every camera; empty non-nil: none
	Limit     int
	// After is the keyset position of the previous page's last read.
	After *Keyset
	// CountCap caps the total counted.
	CountCap int
	// SkipCount leaves Total at zero (page fetches after the first).
	SkipCount bool
}

// Keyset is a position in newest-first order.
type Keyset struct {
	At int64  // capture time, Unix milliseconds
	ID string // the read id: the tie-breaker
}

// ReadPage is one page of search results.
type ReadPage struct {
	Reads []api.Read
	// Keys holds each read's keyset position.
	Keys   []Keyset
	Total  int
	Capped bool
	More   bool
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	User, Team, ReportNumber, Outcome, Action string
	PurposeCategory                           string
	From, To                                  time.Time
	BeforeSeq                                 int64 // 0: from the head
	Limit                                     int
}

// SearchRecord is a search as kept for later photo and verification checks.
type SearchRecord struct {
	ID        string
	Username  string
	CreatedAt time.Time
	Request   api.SearchRequest
	// Hash identifies the request body without its cursor and limit.
	Hash string
}

// IdemRecord is the first answer to an idempotent request.
type IdemRecord struct {
	Username  string
	Key       string
	Route     string
	Status    int
	Body      []byte
	CreatedAt time.Time
}
