// Package ui holds the Fyne screens of the alprdesk workstation: login, the
// case bar that gates every search, the search form, the results table, the
// photo verification panel, the timeline map, the idle lock and the status
// line. Screens talk to the store only through the Session and Connector
// interfaces below (implemented over client/ and cache/ by the adapter in
// this package), and to maps through mapview; ui never builds HTTP requests
// or SQL.
//
// Every network or disk call runs off the UI goroutine; widget changes from
// goroutines go through fyne.Do. Errors reach the user as sentences (see
// Words), never as raw Go errors.
package ui

import (
	"context"

	"fyne.io/fyne/v2"

	"alprdesk/api"
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

// DemoUser is an account of the demo world, listed on the login screen.
type DemoUser struct {
	Username string
	Role     string
	Note     string
}

// uiDo runs fn on the UI goroutine; every result of background work comes
// back through it. Tests replace it with a queue they drain themselves, so
// that widget changes happen on the test's goroutine.
var uiDo = fyne.Do

// SecondFactorNeeded is the error Connector.Login and Session.Unlock
// return when the password was right and the user has a second factor:
// the sign-in finishes with a code from the authenticator app (or a
// recovery code) through Finish.
type SecondFactorNeeded struct {
	// Finish sends the code (recovery: a recovery code) and returns the
	// session; a wrong code answers an error and may be tried again.
	Finish func(ctx context.Context, code string, recovery bool) (Session, error)
}

// Error says what the user must do next.
func (e *SecondFactorNeeded) Error() string {
	return "Enter the 6-digit code from your authenticator app."
}

// AccountSession is what a session offers for the user's own account:
// the second factor and the password (the Session menu, and the enrolment
// a store that requires a second factor asks for first).
type AccountSession interface {
	// EnrollmentRequired is true when the store requires a second factor
	// the user has not set up: the session reaches only the enrolment.
	EnrollmentRequired() bool
	// EnrolMFA starts an enrolment: the secret and its otpauth:// URL.
	EnrolMFA(ctx context.Context) (*api.MFAEnrolment, error)
	// ConfirmMFA confirms it with a first code and returns the recovery
	// codes, shown once.
	ConfirmMFA(ctx context.Context, code string) ([]string, error)
	// ChangePassword changes the user's password (other sessions end).
	ChangePassword(ctx context.Context, current, next string) error
}
