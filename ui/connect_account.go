package ui

import (
	"context"
	"errors"

	"alprdesk/api"
	"alprdesk/client"
)

// secondFactor turns the client's MFA challenge into SecondFactorNeeded,
// finishing into session; other errors pass through.
func secondFactor(cl *client.Client, err error, session func() Session) error {
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
		return session(), nil
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
