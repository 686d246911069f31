package session

import (
	"context"
	"errors"

	"alprdesk/api"
	"alprdesk/client"
)

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

// Account returns the account side of a session, and whether it has one.
func Account(s Session) (AccountSession, bool) {
	v, ok := s.(AccountSession)
	return v, ok && v != nil
}

// secondFactor turns the client's MFA challenge into SecondFactorNeeded,
// finishing into session; other errors pass through.
func secondFactor(cl *client.Client, err error, open func() Session) error {
	var ch *client.MFAChallenge
	if !errors.As(err, &ch) {
		return err
	}
	return &SecondFactorNeeded{Finish: func(ctx context.Context, code string, recovery bool) (Session, error) {
		var err error
		if recovery {
			_, err = cl.LoginRecovery(ctx, ch, code)
		} else {
			_, err = cl.LoginMFA(ctx, ch, code)
		}
		if err != nil {
			return nil, err
		}
		return open(), nil
	}}
}

// EnrollmentRequired reports a restricted session (--require-mfa).
func (s *clientSession) EnrollmentRequired() bool { return s.cl.Tokens().EnrollmentRequired }

// EnrolMFA starts an enrolment.
func (s *clientSession) EnrolMFA(ctx context.Context) (*api.MFAEnrolment, error) {
	en, err := s.cl.EnrolMFA(ctx)
	return en, s.note(err)
}

// ConfirmMFA confirms the enrolment.
func (s *clientSession) ConfirmMFA(ctx context.Context, code string) ([]string, error) {
	codes, err := s.cl.ConfirmMFA(ctx, code)
	return codes, s.note(err)
}

// ChangePassword changes the user's password.
func (s *clientSession) ChangePassword(ctx context.Context, current, next string) error {
	return s.note(s.cl.ChangePassword(ctx, current, next))
}
