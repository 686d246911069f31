package api

import "fmt"

// Error codes of the v1 API. Every error answer is
// {"error":{"code": Code, "message": "a sentence a person understands"}}.
const (
	CodeMalformedJSON          = "malformed_json"           // 400
	CodeUnknownField           = "unknown_field"            // 400
	CodeInvalidField           = "invalid_field"            // 422
	CodeUnauthorized           = "unauthorized"             // 401
	CodeTokenExpired           = "token_expired"            // 401
	CodeAccountLocked          = "account_locked"           // 423
	CodeForbidden              = "forbidden"                // 403
	CodeNotFound               = "not_found"                // 404
	CodeTooLarge               = "too_large"                // 413
	CodeRateLimited            = "rate_limited"             // 429
	CodeCaseContextRequired    = "case_context_required"    // 400
	CodeInvalidReportNumber    = "invalid_report_number"    // 422
	CodeInvalidPurposeCategory = "invalid_purpose_category" // 422
	CodePurposeTooVague        = "purpose_too_vague"        // 422
	CodeProhibitedPurpose      = "prohibited_purpose"       // 403
	CodeTrainingRequired       = "training_required"        // 403
	CodePatternTooBroad        = "pattern_too_broad"        // 422
	CodeSearchTooBroad         = "search_too_broad"         // 422
	CodeFeatureNotSearchable   = "feature_not_searchable"   // 422
	CodeOutsideRetention       = "outside_retention"        // 422
	CodeVerificationRequired   = "verification_required"    // 409
	CodeConflict               = "conflict"                 // 409
	CodeOutcomeExists          = "outcome_exists"           // 409
	CodeReasonRequired         = "reason_required"          // 422
	CodeMethodNotAllowed       = "method_not_allowed"       // 405
	CodeInternal               = "internal"                 // 500
	CodeStoreUnavailable       = "store_unavailable"        // 503
	CodeUnsupportedMediaType   = "unsupported_media_type"   // 415
	CodeChainBroken            = "chain_broken"             // 503
	CodeInvalidMFACode         = "invalid_mfa_code"         // 401 (422 when confirming enrolment)
	CodeMFACodeReused          = "mfa_code_reused"          // 401
	CodeMFAEnrollmentRequired  = "mfa_enrollment_required"  // 403
	CodeMFARequiredByPolicy    = "mfa_required_by_policy"   // 403
)

// ErrorBody is the inside of an error answer.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ErrorResponse is every error answer of the API.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// Error is an API error with its HTTP status. It is what the store returns
// from its handlers and what the client decodes from an error answer.
type Error struct {
	Status  int
	Code    string
	Message string
}

// Error implements error with the store's sentence.
func (e *Error) Error() string {
	if e.Message == "" {
		return e.Code
	}
	return e.Message
}

// Is makes errors.Is match two API errors of the same code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// E builds an API error with a formatted message.
func E(status int, code, format string, args ...any) *Error {
	return &Error{Status: status, Code: code, Message: fmt.Sprintf(format, args...)}
}
