package client

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"alprdesk/api"
)

// Sentinel errors. Every error a Client method returns for a store answer
// or a network fault is a *Error that matches exactly one of these with
// errors.Is (and ErrUnauthorized as well for every 401), so the UI can
// branch on them while showing Error(), the store's own sentence. The
// sentinels of store answers are derived from api's error table (their
// text is the table's meaning of the code); every code of the table has
// one (TestEveryTableCodeHasASentinel).
var (
	// Policy refusals (docs/POLICY.md).
	ErrCaseContextRequired    = sentinelFor(api.CodeCaseContextRequired)
	ErrInvalidReportNumber    = sentinelFor(api.CodeInvalidReportNumber)
	ErrInvalidPurposeCategory = sentinelFor(api.CodeInvalidPurposeCategory)
	ErrPurposeTooVague        = sentinelFor(api.CodePurposeTooVague)
	ErrProhibitedPurpose      = sentinelFor(api.CodeProhibitedPurpose)
	ErrTrainingRequired       = sentinelFor(api.CodeTrainingRequired)

	// Search refusals.
	ErrPatternTooBroad      = sentinelFor(api.CodePatternTooBroad)
	ErrSearchTooBroad       = sentinelFor(api.CodeSearchTooBroad)
	ErrFeatureNotSearchable = sentinelFor(api.CodeFeatureNotSearchable)
	ErrOutsideRetention     = sentinelFor(api.CodeOutsideRetention)
	ErrVerificationRequired = sentinelFor(api.CodeVerificationRequired)
	ErrConflict             = sentinelFor(api.CodeConflict)
	ErrTooManyResults       = sentinelFor(api.CodeTooManyResults)
	ErrDuplicateID          = sentinelFor(api.CodeDuplicateID)

	// Analysis refusals (DESIGN.md, Analyses).
	ErrSceneTooBroad        = sentinelFor(api.CodeSceneTooBroad)
	ErrAnalysisNotPermitted = sentinelFor(api.CodeAnalysisNotPermitted)

	// Hit outcomes.
	ErrOutcomeExists  = sentinelFor(api.CodeOutcomeExists)
	ErrReasonRequired = sentinelFor(api.CodeReasonRequired)

	// Second factor (DESIGN.md, Sign-in with a second factor).
	// ErrMFARequired is no answer of the store's: Login returns it when the
	// password step asks for a code.
	ErrMFARequired           = errors.New("the sign-in needs a code of the second factor")
	ErrInvalidMFACode        = sentinelFor(api.CodeInvalidMFACode)
	ErrMFACodeReused         = sentinelFor(api.CodeMFACodeReused)
	ErrMFAEnrollmentRequired = sentinelFor(api.CodeMFAEnrollmentRequired)
	ErrMFARequiredByPolicy   = sentinelFor(api.CodeMFARequiredByPolicy)

	// The store's audit chain does not verify: it serves only audit reads.
	ErrChainBroken = sentinelFor(api.CodeChainBroken)
	// The store cannot reach its database just now (retry later).
	ErrStoreUnavailable = sentinelFor(api.CodeStoreUnavailable)

	// Access.
	ErrUnauthorized  = sentinelFor(api.CodeUnauthorized)
	ErrTokenExpired  = sentinelFor(api.CodeTokenExpired)
	ErrAccountLocked = sentinelFor(api.CodeAccountLocked)
	ErrForbidden     = sentinelFor(api.CodeForbidden)

	// Generic request errors. ErrBadRequest is the sentinel of both codes
	// of an unreadable request and of any other 4xx without a code.
	ErrNotFound         = sentinelFor(api.CodeNotFound)
	ErrInvalidField     = sentinelFor(api.CodeInvalidField)
	ErrBadRequest       = sentinelFor(api.CodeMalformedJSON, api.CodeUnknownField)
	ErrTooLarge         = sentinelFor(api.CodeTooLarge)
	ErrRateLimited      = sentinelFor(api.CodeRateLimited)
	ErrServer           = sentinelFor(api.CodeInternal)
	ErrMethodNotAllowed = sentinelFor(api.CodeMethodNotAllowed)
	ErrUnsupportedType  = sentinelFor(api.CodeUnsupportedMediaType)

	// Answers the client could not decode, transport and configuration.
	ErrUnexpected = localSentinel(CodeUnexpected, "unexpected answer from the store")
	ErrOffline    = localSentinel(CodeOffline, "the store is unreachable")
	ErrTLS        = localSentinel(CodeTLS, "the store's certificate cannot be trusted")
	ErrInsecure   = errors.New("plain http is allowed only to this computer (loopback)")
)

// Codes of the errors that do not come from the store.
const (
	CodeOffline = "offline"
	CodeTLS     = "tls"
	// CodeUnexpected marks an answer the client could not decode.
	CodeUnexpected = "unexpected"
)

// codeSentinels maps every error code to its sentinel; sentinelFor and
// localSentinel fill it.
var codeSentinels = map[string]error{}

// sentinelFor makes the sentinel of one or more codes of api's error
// table, worded as the table's meaning of the first.
func sentinelFor(codes ...string) error {
	c, ok := api.LookupCode(codes[0])
	if !ok {
		panic("client: " + codes[0] + " is not in api's error table")
	}
	err := errors.New(c.Meaning)
	for _, code := range codes {
		codeSentinels[code] = err
	}
	return err
}

// localSentinel makes the sentinel of a code only the client produces.
func localSentinel(code, text string) error {
	err := errors.New(text)
	codeSentinels[code] = err
	return err
}

// storeError is an answer of the store the client builds itself (a 401
// before any request is sent, for example): its status is the code's.
func storeError(code, message string) *Error {
	return &Error{Status: api.StatusOf(code), Code: code, Message: message}
}

// Error is every failure of a call to the store: an error answer (Status
// and Code from the store, Message its sentence) or a transport fault
// (Status 0, Code "offline" or "tls", Err the cause).
//
// errors.Is(err, ErrProhibitedPurpose) and the like match by Code; every
// 401 also matches ErrUnauthorized. errors.As(err, &apiErr) with an
// *api.Error gives the store's error as the api package spells it.
type Error struct {
	// Status is the HTTP status, 0 for a transport fault.
	Status int
	// Code is the store's error code, or CodeOffline / CodeTLS.
	Code string
	// Message is the store's sentence, or ours for a transport fault.
	Message string
	// Err is the underlying transport error, if any.
	Err error

	retryAfter time.Duration
}

// Error returns the store's sentence (or a sentence describing the fault).
func (e *Error) Error() string {
	if e.Message != "" {
		return e.Message
	}
	if s := e.sentinel(); s != nil {
		return s.Error()
	}
	return fmt.Sprintf("store answered %d %s", e.Status, e.Code)
}

func (e *Error) sentinel() error {
	if s, ok := codeSentinels[e.Code]; ok {
		return s
	}
	switch {
	case e.Status == http.StatusUnauthorized:
		return ErrUnauthorized
	case e.Status == http.StatusForbidden:
		return ErrForbidden
	case e.Status == http.StatusNotFound:
		return ErrNotFound
	case e.Status >= 500:
		return ErrServer
	case e.Status >= 400:
		return ErrBadRequest
	}
	return ErrUnexpected
}

// Is matches the sentinel of e's code, an *api.Error of the same code, and
// ErrUnauthorized for any 401.
func (e *Error) Is(target error) bool {
	if target == e.sentinel() {
		return true
	}
	if ae, ok := target.(*api.Error); ok {
		return e.Status != 0 && ae.Code == e.Code
	}
	return target == ErrUnauthorized && e.Status == http.StatusUnauthorized
}

// Unwrap gives the underlying transport error, if any.
func (e *Error) Unwrap() error { return e.Err }

// As fills an **api.Error with the store's error.
func (e *Error) As(target any) bool {
	p, ok := target.(**api.Error)
	if !ok || e.Status == 0 {
		return false
	}
	*p = &api.Error{Code: e.Code, Message: e.Message}
	return true
}

// Permanent reports whether repeating the same request can never succeed:
// a refusal by the store (4xx) other than 401 (sign in again), 408, 423
// (account locked for a while) and 429. Offline, TLS and 5xx are not
// permanent. The cache's outbox drops (and records) only permanent
// refusals.
func (e *Error) Permanent() bool {
	switch e.Status {
	case http.StatusUnauthorized, http.StatusRequestTimeout, http.StatusLocked, http.StatusTooManyRequests:
		return false
	}
	return e.Status >= 400 && e.Status < 500
}

// transient reports whether an idempotent call may be retried.
func (e *Error) transient() bool {
	return e.Code == CodeOffline || e.Status == http.StatusTooManyRequests ||
		e.Status == http.StatusBadGateway || e.Status == http.StatusServiceUnavailable ||
		e.Status == http.StatusGatewayTimeout
}

// IsPermanent reports whether err is a permanent refusal by the store (see
// (*Error).Permanent).
func IsPermanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Permanent()
}

// decodeError turns an error answer into an *Error.
func decodeError(status int, body []byte) *Error {
	var r api.ErrorResponse
	if err := json.Unmarshal(body, &r); err != nil || r.Error.Code == "" {
		msg := strings.TrimSpace(string(body))
		if len(msg) > 200 || msg == "" || strings.HasPrefix(msg, "<") {
			msg = fmt.Sprintf("the store answered %d %s", status, http.StatusText(status))
		}
		e := &Error{Status: status, Message: msg}
		e.Code = codeForStatus(status)
		return e
	}
	return &Error{Status: status, Code: r.Error.Code, Message: r.Error.Message}
}

func codeForStatus(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return api.CodeUnauthorized
	case http.StatusForbidden:
		return api.CodeForbidden
	case http.StatusNotFound:
		return api.CodeNotFound
	case http.StatusTooManyRequests:
		return api.CodeRateLimited
	case http.StatusRequestEntityTooLarge:
		return api.CodeTooLarge
	}
	if status >= 500 {
		return api.CodeInternal
	}
	return ""
}

// transportError classifies a failed round trip. It returns ctx's own error
// unchanged when the caller cancelled.
func transportError(ctx context.Context, base string, err error) error {
	if ctxErr := ctx.Err(); ctxErr != nil && errors.Is(err, ctxErr) {
		return ctxErr
	}
	if isTLSError(err) {
		return &Error{Code: CodeTLS, Err: err,
			Message: fmt.Sprintf("The store at %s presented a certificate this workstation does not trust (%s). Ask your administrator for the agency's CA certificate.", base, rootCause(err))}
	}
	return &Error{Code: CodeOffline, Err: err,
		Message: fmt.Sprintf("The store at %s cannot be reached (%s).", base, rootCause(err))}
}

func isTLSError(err error) bool {
	var (
		unknownAuth x509.UnknownAuthorityError
		certInvalid x509.CertificateInvalidError
		hostname    x509.HostnameError
		verify      *tls.CertificateVerificationError
		record      tls.RecordHeaderError
		alert       tls.AlertError
	)
	return errors.As(err, &unknownAuth) || errors.As(err, &certInvalid) || errors.As(err, &hostname) ||
		errors.As(err, &verify) || errors.As(err, &record) || errors.As(err, &alert) ||
		strings.Contains(err.Error(), "tls: ") || strings.Contains(err.Error(), "x509: ")
}

// rootCause gives the innermost useful text of a network error.
func rootCause(err error) string {
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return dns.Error()
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		return s[i+2:]
	}
	return s
}
