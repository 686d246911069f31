package uitest

import (
	"context"
	"fmt"

	"alprdesk/api"
	"alprdesk/ui/session"
)

var _ session.AccountSession = (*Session)(nil)

// RequireCode gives the user a second factor: the Connector's Login and
// Unlock then answer *session.SecondFactorNeeded, whose Finish (a call
// named "Finish", which Hold and Fail script) accepts only code.
func (s *Session) RequireCode(code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.code = code
}

// secondFactor is the second step a sign-in or unlock needs (nil when the
// user has no second factor); then completes it.
func (s *Session) secondFactor(then func()) error {
	s.mu.Lock()
	want := s.code
	s.mu.Unlock()
	if want == "" {
		return nil
	}
	return &session.SecondFactorNeeded{Finish: func(ctx context.Context, code string, recovery bool) (session.Session, error) {
		if err := s.call(ctx, "Finish", code); err != nil {
			return nil, err
		}
		if recovery || code != want {
			return nil, api.E(api.CodeInvalidMFACode, "The code is not right.")
		}
		then()
		return s, nil
	}}
}

// EnrollmentRequired is false: the fake never restricts a session.
func (s *Session) EnrollmentRequired() bool { return false }

// EnrolMFA answers a fixed secret (call "EnrolMFA").
func (s *Session) EnrolMFA(ctx context.Context) (*api.MFAEnrolment, error) {
	if err := s.call(ctx, "EnrolMFA", nil); err != nil {
		return nil, err
	}
	const secret = "JBSWY3DPEHPK3PXP"
	return &api.MFAEnrolment{Secret: secret,
		OTPAuthURL: "otpauth://totp/alprdesk:" + s.user.Username + "?secret=" + secret + "&issuer=alprdesk"}, nil
}

// ConfirmMFA accepts any code and answers ten recovery codes (call
// "ConfirmMFA").
func (s *Session) ConfirmMFA(ctx context.Context, code string) ([]string, error) {
	if err := s.call(ctx, "ConfirmMFA", code); err != nil {
		return nil, err
	}
	codes := make([]string, 10)
	for i := range codes {
		codes[i] = fmt.Sprintf("rcvry-%05d", i)
	}
	return codes, nil
}

// ChangePassword accepts Password as the current one (call
// "ChangePassword").
func (s *Session) ChangePassword(ctx context.Context, current, next string) error {
	if err := s.call(ctx, "ChangePassword", nil); err != nil {
		return err
	}
	if current != Password {
		return api.E(api.CodeUnauthorized, "The current password is not correct.")
	}
	return nil
}
