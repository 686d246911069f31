package ui

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log"
	"net"
	"strings"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// inputError is a mistake in what the person typed, found before anything
// is sent (session.InputError).
type inputError = session.InputError

// inputErrorf builds an inputError from a format.
func inputErrorf(format string, args ...any) error { return inputError(fmt.Sprintf(format, args...)) }

// Words turns an error into a sentence for the person at the screen. It
// never returns a raw Go error string: unexpected errors are logged and
// described generically.
func Words(err error) string {
	if err == nil {
		return ""
	}
	if errors.Is(err, context.Canceled) {
		return "Cancelled."
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "The store took too long to answer. Try again in a moment."
	}
	var ie inputError
	if errors.As(err, &ie) {
		return ie.Error()
	}
	if isTLSError(err) {
		return "The store's certificate could not be verified, so the connection was not trusted. " +
			"Check the server address, or ask an administrator for the agency's CA certificate."
	}
	var ae *api.Error
	if errors.As(err, &ae) {
		return apiWords(ae)
	}
	if isOfflineError(err) {
		return "Cannot reach the store. Check the server address and the network, then try again."
	}
	log.Printf("alprdesk: unexpected error: %v", err)
	return "Something went wrong that the workstation did not expect; the details were written to the log. Try again, or tell your administrator."
}

func isTLSError(err error) bool {
	if session.IsTLS(err) {
		return true
	}
	var ua x509.UnknownAuthorityError
	var hn x509.HostnameError
	var ci x509.CertificateInvalidError
	var cv *tls.CertificateVerificationError
	var rh tls.RecordHeaderError
	return errors.As(err, &ua) || errors.As(err, &hn) || errors.As(err, &ci) || errors.As(err, &cv) || errors.As(err, &rh)
}

func isOfflineError(err error) bool {
	if session.IsOffline(err) {
		return true
	}
	var ne net.Error
	var oe *net.OpError
	return errors.As(err, &oe) || errors.As(err, &ne)
}

// apiWords explains a store refusal. The store's own message is a sentence
// meant for people, so it is kept; the prefix says what it means here.
func apiWords(e *api.Error) string {
	msg := strings.TrimSpace(e.Message)
	own := func(s string) string { // the store's sentence says it all
		if msg == "" || msg == e.Code {
			return s
		}
		return msg
	}
	with := func(s string) string {
		if msg == "" || msg == e.Code {
			return s
		}
		return s + " (" + strings.TrimSuffix(msg, ".") + ".)"
	}
	switch e.Code {
	case api.CodeUnauthorized:
		return "Wrong username or password, or the session has ended. Check them and sign in again."
	case api.CodeTokenExpired:
		return "The session has expired. Sign in again."
	case api.CodeAccountLocked:
		return with("This account is locked after too many failed sign-ins. Wait, or ask an administrator to unlock it.")
	case api.CodeInvalidMFACode:
		return "That code is not right. Enter the code your authenticator app shows now (it changes every 30 seconds)."
	case api.CodeMFACodeReused:
		return "That code was already used. Wait for the next code of your authenticator app."
	case api.CodeMFAEnrollmentRequired:
		return "This store requires a second factor: set one up, then sign in again."
	case api.CodeMFARequiredByPolicy:
		return "This store requires a second factor, so it cannot be removed; an administrator can reset a lost one."
	case api.CodeChainBroken:
		return "The store's audit trail does not verify, so it serves only the audit until an administrator has investigated."
	case api.CodeForbidden:
		return with("Your role does not allow this.")
	case api.CodeProhibitedPurpose:
		return with("The store refused this purpose: ALPR data may not be used for it under the agency's policy.")
	case api.CodeTrainingRequired:
		return with("You have no ALPR training on record, so the store will not run searches for you. Ask your training officer to record your training.")
	case api.CodeCaseContextRequired:
		return own("Every search needs a case: report number, purpose category and a written justification.")
	case api.CodeInvalidReportNumber:
		return own("The report number does not match the agency's format.")
	case api.CodeInvalidPurposeCategory:
		return own("Pick a purpose category from the list.")
	case api.CodePurposeTooVague:
		return own("The justification is too vague: say what happened and why this search helps.")
	case api.CodePatternTooBroad:
		return own("The plate pattern is too broad: give at least 3 known characters.")
	case api.CodeSearchTooBroad:
		return own("The search is too broad: add a plate, a shorter window, or more vehicle details.")
	case api.CodeSceneTooBroad:
		return own("A scene holds too many reads: make its circle smaller or its window shorter.")
	case api.CodeAnalysisNotPermitted:
		return with("This analysis is not permitted: a convoy analysis is for detectives and supervisors, and only for the most serious case categories.")
	case api.CodeFeatureNotSearchable:
		return own("That vehicle feature cannot be searched.")
	case api.CodeOutsideRetention:
		return own("That time is outside the retention period; those reads have been purged.")
	case api.CodeRateLimited:
		return "Too many requests in a short time. Wait a moment and try again."
	case api.CodeNotFound:
		return with("Not found: it may have been purged under the retention rule.")
	case api.CodeInternal:
		return "The store had an internal problem. Try again; if it persists, tell your administrator."
	}
	if msg != "" {
		return msg
	}
	return "The store refused the request (" + e.Code + ")."
}
