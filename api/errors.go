package api

import (
	"fmt"
	"net/http"
	"slices"
)

// Error codes of the v1 API. Every error answer is
// {"error":{"code": Code, "message": "a sentence a person understands"}};
// the HTTP status of each code is written once, in errorTable.
const (
	CodeMalformedJSON          = "malformed_json"
	CodeUnknownField           = "unknown_field"
	CodeInvalidField           = "invalid_field"
	CodeUnauthorized           = "unauthorized"
	CodeTokenExpired           = "token_expired"
	CodeAccountLocked          = "account_locked"
	CodeForbidden              = "forbidden"
	CodeNotFound               = "not_found"
	CodeTooLarge               = "too_large"
	CodeRateLimited            = "rate_limited"
	CodeCaseContextRequired    = "case_context_required"
	CodeInvalidReportNumber    = "invalid_report_number"
	CodeInvalidPurposeCategory = "invalid_purpose_category"
	CodePurposeTooVague        = "purpose_too_vague"
	CodeProhibitedPurpose      = "prohibited_purpose"
	CodeTrainingRequired       = "training_required"
	CodePatternTooBroad        = "pattern_too_broad"
	CodeSearchTooBroad         = "search_too_broad"
	CodeFeatureNotSearchable   = "feature_not_searchable"
	CodeOutsideRetention       = "outside_retention"
	CodeVerificationRequired   = "verification_required"
	CodeConflict               = "conflict"
	CodeMethodNotAllowed       = "method_not_allowed"
	CodeInternal               = "internal"
	CodeStoreUnavailable       = "store_unavailable"
	CodeUnsupportedMediaType   = "unsupported_media_type"
	CodeChainBroken            = "chain_broken"
	CodeInvalidMFACode         = "invalid_mfa_code"
	CodeMFACodeReused          = "mfa_code_reused"
	CodeMFAEnrollmentRequired  = "mfa_enrollment_required"
	CodeMFARequiredByPolicy    = "mfa_required_by_policy"
	CodeOutcomeExists          = "outcome_exists"
	CodeReasonRequired         = "reason_required"
	CodeSceneTooBroad          = "scene_too_broad"
	CodeAnalysisNotPermitted   = "analysis_not_permitted"
	CodeTooManyResults         = "too_many_results"
	CodeDuplicateID            = "duplicate_id"
)

// ErrorCode is one row of the error table: a code, the HTTP status every
// answer with that code carries, and what the code means (the client's
// sentinel errors read it).
type ErrorCode struct {
	Code    string
	Status  int
	Meaning string
}

// alsoStatus is the one other status a code is answered with where the
// contract says so: invalid_mfa_code and mfa_code_reused are 401 at
// sign-in but 422 when confirming or removing a second factor (DESIGN's
// "Sign-in with a second factor"). Only EStatus answers it.
var alsoStatus = map[string]int{
	CodeInvalidMFACode: http.StatusUnprocessableEntity,
	CodeMFACodeReused:  http.StatusUnprocessableEntity,
}

// AlsoStatus is the other status a code may carry (0: none).
func AlsoStatus(code string) int { return alsoStatus[code] }

// errorTable is the one place that says which HTTP status each error code
// is answered with. The store's writeError and the client both read it;
// api/apitest checks it against the codes openapi.yaml documents. To add a
// code: a constant above, a row here, the code in openapi.yaml.
var errorTable = []ErrorCode{
	{CodeMalformedJSON, http.StatusBadRequest, "the store could not read the request"},
	{CodeUnknownField, http.StatusBadRequest, "the request has a field the API does not know"},
	{CodeCaseContextRequired, http.StatusBadRequest, "a report number and a purpose are required"},
	{CodeUnauthorized, http.StatusUnauthorized, "not signed in, or the session has ended"},
	{CodeTokenExpired, http.StatusUnauthorized, "the access token has expired"},
	{CodeForbidden, http.StatusForbidden, "the user's role does not allow this"},
	{CodeProhibitedPurpose, http.StatusForbidden, "the purpose names a prohibited use"},
	{CodeTrainingRequired, http.StatusForbidden, "no training is on record for this user"},
	{CodeNotFound, http.StatusNotFound, "not found"},
	{CodeMethodNotAllowed, http.StatusMethodNotAllowed, "method not allowed"},
	{CodeVerificationRequired, http.StatusConflict, "the read must be verified first"},
	{CodeConflict, http.StatusConflict, "the request conflicts with the store's state"},
	{CodeTooLarge, http.StatusRequestEntityTooLarge, "the request is too large"},
	{CodeInvalidField, http.StatusUnprocessableEntity, "a field is invalid"},
	{CodeInvalidReportNumber, http.StatusUnprocessableEntity, "the report number does not match the agency's pattern"},
	{CodeInvalidPurposeCategory, http.StatusUnprocessableEntity, "the purpose category is not an authorized one"},
	{CodePurposeTooVague, http.StatusUnprocessableEntity, "the written justification is too short or only filler"},
	{CodePatternTooBroad, http.StatusUnprocessableEntity, "the plate pattern has too few known characters"},
	{CodeSearchTooBroad, http.StatusUnprocessableEntity, "the search needs a plate, or a short window and an area"},
	{CodeFeatureNotSearchable, http.StatusUnprocessableEntity, "the feature is not searchable"},
	{CodeOutsideRetention, http.StatusUnprocessableEntity, "the read is outside the retention period"},
	{CodeAccountLocked, http.StatusLocked, "the account is locked"},
	{CodeRateLimited, http.StatusTooManyRequests, "too many requests"},
	{CodeInternal, http.StatusInternalServerError, "the store failed"},
	{CodeStoreUnavailable, http.StatusServiceUnavailable, "the store cannot reach its database just now"},
	{CodeUnsupportedMediaType, http.StatusUnsupportedMediaType, "the request body was not sent as JSON"},
	{CodeChainBroken, http.StatusServiceUnavailable, "the store's audit chain is broken"},
	{CodeInvalidMFACode, http.StatusUnauthorized, "the second factor's code is not correct"},
	{CodeMFACodeReused, http.StatusUnauthorized, "the second factor's code was already used"},
	{CodeMFAEnrollmentRequired, http.StatusForbidden, "the store requires a second factor; set one up"},
	{CodeMFARequiredByPolicy, http.StatusForbidden, "the store requires a second factor; it cannot be removed"},
	{CodeOutcomeExists, http.StatusConflict, "an outcome of this hit is already on record"},
	{CodeReasonRequired, http.StatusUnprocessableEntity, "a written reason is required"},
	{CodeSceneTooBroad, http.StatusUnprocessableEntity, "a scene holds too many reads in its window"},
	{CodeAnalysisNotPermitted, http.StatusForbidden, "the analysis is not permitted for this role or purpose"},
	{CodeTooManyResults, http.StatusUnprocessableEntity, "the search returned its most reads; narrow the window or the area"},
	{CodeDuplicateID, http.StatusConflict, "a read with this id came from another camera"},
}

// ErrorCodes returns the error table, in a copy the caller may keep.
func ErrorCodes() []ErrorCode { return slices.Clone(errorTable) }

// LookupCode returns the table's row for code, and whether code is in it.
func LookupCode(code string) (ErrorCode, bool) {
	i := slices.IndexFunc(errorTable, func(c ErrorCode) bool { return c.Code == code })
	if i < 0 {
		return ErrorCode{}, false
	}
	return errorTable[i], true
}

// StatusOf is the HTTP status of an error code: its row in the table, or
// 500 for a code the table does not have (a bug the table test catches).
func StatusOf(code string) int {
	if c, ok := LookupCode(code); ok {
		return c.Status
	}
	return http.StatusInternalServerError
}

// ErrorBody is the inside of an error answer.
type ErrorBody struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ErrorResponse is every error answer of the API.
type ErrorResponse struct {
	Error ErrorBody `json:"error"`
}

// Error is an API error: a code of the table and the store's sentence. It
// is what the store returns from its handlers and what the client gives
// (through errors.As) for an error answer. Its HTTP status follows from
// the code.
type Error struct {
	Code    string
	Message string
	// also, when set, is the code's other status this answer carries
	// (EStatus).
	also int
}

// Status is the HTTP status the code is answered with: the table's, or
// the code's other status for an error built with EStatus.
func (e *Error) Status() int {
	if e.also != 0 {
		return e.also
	}
	return StatusOf(e.Code)
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

// E builds an API error of a code of the table with a formatted message.
func E(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// EStatus is E for the few answers the contract gives a code's other
// status (AlsoStatus); any other status is ignored and the table's stands.
func EStatus(status int, code, format string, args ...any) *Error {
	e := E(code, format, args...)
	if also := alsoStatus[code]; also != 0 && status == also {
		e.also = status
	}
	return e
}
