// Package session is the adapter between the workstation's screens and
// the store: the Session interface the screens use (with its optional
// capabilities: hotlists, supervision, outcomes, training), and its one
// implementation over client/ and cache/ (ClientConnector). No client or
// cache type crosses these interfaces, so screens and their tests depend on
// this package only; ui/uitest implements Session in memory.
//
// A capability is reached with its function (Hotlists, Supervision,
// Outcomes, Training), which returns false when the session lacks it:
// never a type assertion that could panic.
package session

import (
	"context"
	"errors"
	"time"

	"alprdesk/api"
	"alprdesk/client"
)

// Session is one signed-in user's connection to a store: everything the
// screens need after login.
type Session interface {
	// User is the signed-in user.
	User() api.User
	// StoreHost names the store for the status line ("127.0.0.1:8443").
	StoreHost() string
	// Policy is the store's GET /v1/policy, read once per session.
	Policy(ctx context.Context) (api.Policy, error)
	// Cameras lists the cameras the user may search.
	Cameras(ctx context.Context) ([]api.Camera, error)
	// Search runs POST /v1/searches (a page fetch when req.Cursor is set).
	Search(ctx context.Context, req api.SearchRequest) (*api.SearchResponse, error)
	// Photo fetches a read's JPEG, reached through searchID.
	Photo(ctx context.Context, readID, searchID string) ([]byte, error)
	// Verify records a verdict. queued is true when the store could not be
	// reached and the verdict waits in the outbox for delivery.
	Verify(ctx context.Context, readID string, req api.VerificationRequest) (queued bool, err error)
	// Export records an export (and retains its reads) before the file is written.
	Export(ctx context.Context, req api.ExportRequest) (*api.ExportResponse, error)
	// Exercises lists the demo world's training exercises (answers for trainers only).
	Exercises(ctx context.Context) ([]api.Exercise, error)
	// TileURL is the basemap tile template for mapview ("http://host/tiles/%d/%d/%d.png").
	TileURL() string
	// Online reports whether the store answered the last call.
	Online() bool
	// RecentCases lists the user's recent case contexts, newest first.
	RecentCases() []api.CaseContext
	// RememberCase puts a case context at the head of the recent cases.
	RememberCase(c api.CaseContext)
	// Lock records the idle lock with the stored credentials, so that a
	// restart opens locked.
	Lock() error
	// Unlock checks the password with the store and clears the lock.
	Unlock(ctx context.Context, password string) error
	// Logout revokes the session on the store and forgets its credentials.
	Logout(ctx context.Context) error
}

// Connector opens sessions with a store.
type Connector interface {
	// Login signs in with a password.
	Login(ctx context.Context, server, username, password string) (Session, error)
	// Resume signs in from credentials kept in the OS keyring. It returns a
	// nil session and no error when there are none; locked is true when the
	// session was idle-locked and must be unlocked with the password.
	Resume(ctx context.Context, server, username string) (s Session, locked bool, err error)
	// Remembered is the server and username of the last sign-in ("" when none).
	Remembered() (server, username string)
	// Remember keeps the server and username (never the password) for the next start.
	Remember(server, username string) error
}

// HotlistSession is the hotlist and alert side of a Session: requests and
// their decisions, the active entries, and the live alert stream with its
// photo, verification and acknowledgement (docs/POLICY.md, rule 7). The adapter
// over client/ implements it; screens reach it through Hotlists.
type HotlistSession interface {
	// RequestHotlist files a request; queued is true when the store could
	// not be reached and the request waits in the outbox.
	RequestHotlist(ctx context.Context, b api.HotlistRequestBody) (req *api.HotlistRequest, queued bool, err error)
	// HotlistRequests lists the user's requests (an approver's: all).
	HotlistRequests(ctx context.Context) ([]api.HotlistRequest, error)
	// DecideHotlistRequest approves or denies a request (approvers).
	DecideHotlistRequest(ctx context.Context, id string, approve bool, reason string) (*api.HotlistRequest, error)
	// HotlistEntries lists the active entries the user may see.
	HotlistEntries(ctx context.Context) ([]api.HotlistEntry, error)
	// RemoveHotlistEntry ends an entry early (approvers, admins).
	RemoveHotlistEntry(ctx context.Context, id, reason string) error
	// FollowAlerts calls fn for every hit until ctx ends, resuming after
	// lastID; state reports the stream's connection.
	FollowAlerts(ctx context.Context, lastID string, fn func(api.Alert), state func(connected bool, err error)) error
	// AlertPhoto fetches a hit's photo through the alert.
	AlertPhoto(ctx context.Context, readID, alertID string) ([]byte, error)
	// VerifyAlert records a verdict on a hit's read through the alert and
	// returns the alert's check as it now stands.
	VerifyAlert(ctx context.Context, readID string, req api.VerificationRequest) (*api.AlertCheck, error)
	// AckAlert acknowledges a verified hit.
	AckAlert(ctx context.Context, alertID, note string) error
	// RecordOutcome records what the user did about a hit (once per hit).
	RecordOutcome(ctx context.Context, alertID string, req api.OutcomeRequest) (*api.AlertOutcome, error)
}

// TrainingSession is what training mode needs of a session beyond Session:
// grading attempts, the class's progress, resetting the demo world and the
// live camera simulator. The client adapter offers it; screens reach it
// through Training and hide training features when it is missing.
type TrainingSession interface {
	// Attempt answers an exercise; the store grades and records it.
	Attempt(ctx context.Context, exerciseID, answer string) (*api.AttemptResult, error)
	// Progress is the class's progress (a trainee's own for non-trainers).
	Progress(ctx context.Context) (*api.TrainingProgress, error)
	// ResetTraining re-seeds the demo world (nil seed: the current one).
	ResetTraining(ctx context.Context, seed *int64) (*api.TrainingReset, error)
	// Live is the live camera simulator's state.
	Live(ctx context.Context) (*api.TrainingLive, error)
	// SetLive starts or stops the simulator (rate 0 keeps the rate).
	SetLive(ctx context.Context, running bool, rate float64) (*api.TrainingLive, error)
}

// SupervisionSession is what the supervisor screens (audit history, review
// queue, efficacy dashboard) need of a session beyond Session. The client
// adapter implements it; a session without it shows no supervisor screens.
type SupervisionSession interface {
	// Audit reads a page of the audit trail, newest first.
	Audit(ctx context.Context, q AuditQuery) (*api.AuditPage, error)
	// AuditSample draws the month's reproducible random sample.
	AuditSample(ctx context.Context, month string, size int) (*api.AuditSample, error)
	// ReviewAudit records a review of an audit entry.
	ReviewAudit(ctx context.Context, req api.AuditReviewRequest) (*api.AuditReview, error)
	// AuditReviews lists the reviews of the month's entries.
	AuditReviews(ctx context.Context, month string) ([]api.AuditReview, error)
	// Efficacy fetches the efficacy figures of [from, to).
	Efficacy(ctx context.Context, from, to time.Time) (*api.Efficacy, error)
}

// OutcomeSession marks what a search led to.
type OutcomeSession interface {
	SetSearchOutcome(ctx context.Context, searchID, outcome, note string) (*api.SearchOutcomeRecord, error)
}

// AuditQuery filters GET /v1/audit (zero fields are not sent).
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

// KeyringReporter is a session that can say the OS keyring was not usable
// (the password is asked each time and nothing is cached on disk).
type KeyringReporter interface {
	NoKeyring() bool
}

// Hotlists returns the hotlist side of a session, and whether it has one.
func Hotlists(s Session) (HotlistSession, bool) {
	h, ok := s.(HotlistSession)
	return h, ok && h != nil
}

// Supervision returns the supervisor side of a session, and whether it has one.
func Supervision(s Session) (SupervisionSession, bool) {
	v, ok := s.(SupervisionSession)
	return v, ok && v != nil
}

// Outcomes returns the search-outcome side of a session, and whether it has one.
func Outcomes(s Session) (OutcomeSession, bool) {
	v, ok := s.(OutcomeSession)
	return v, ok && v != nil
}

// Training returns the training side of a session, and whether it has one.
func Training(s Session) (TrainingSession, bool) {
	v, ok := s.(TrainingSession)
	return v, ok && v != nil
}

// NoKeyring reports whether the session says the OS keyring was not usable.
func NoKeyring(s Session) bool {
	k, ok := s.(KeyringReporter)
	return ok && k.NoKeyring()
}

// ErrOffline is matched (errors.Is) by every error that means the store
// could not be reached; a fake session wraps it to play a network fault.
var ErrOffline = client.ErrOffline

// ErrTLS is matched by every error that means the store's certificate was
// not trusted.
var ErrTLS = client.ErrTLS

// IsOffline reports whether err means the store could not be reached.
func IsOffline(err error) bool { return errors.Is(err, ErrOffline) }

// IsTLS reports whether err is a TLS or certificate failure.
func IsTLS(err error) bool { return errors.Is(err, ErrTLS) }

// InputError is a mistake in what the person typed or configured, found
// before anything reached the store. Its text is the sentence shown; it
// carries no API code, because the store never saw it.
type InputError string

// Error returns the sentence.
func (e InputError) Error() string { return string(e) }
