// Package api is the wire contract between the alprdesk workstation and the
// alprstore server: every request, response, event and error of the store's
// v1 API as Go types. Both client/ and store/ use these types; openapi.yaml
// beside this file documents them for everyone else.
//
// Times are RFC 3339 in UTC. JSON field names here are the contract: they
// must not change.
package api

import "time"

// Header names used on every call.
const (
	// HeaderWorkstation carries the workstation's host name; the store
	// records it in the audit trail.
	HeaderWorkstation = "X-Workstation"
	// HeaderIdempotencyKey makes a writing POST safe to repeat: the store
	// answers a repeated key from the same user with the first answer.
	HeaderIdempotencyKey = "Idempotency-Key"
	// HeaderLastEventID resumes an alert stream after the given alert id.
	HeaderLastEventID = "Last-Event-ID"
)

// Roles a user can hold.
const (
	RoleDetective      = "detective"
	RoleWatchCommander = "watch_commander"
	RoleSupervisor     = "supervisor"
	RoleApprover       = "approver"
	RoleTrainer        = "trainer"
	RoleAdmin          = "admin"
	// RoleCamera is the role of a camera's ingest token.
	RoleCamera = "camera"
)

// Roles lists every user role (cameras excluded).
var Roles = []string{RoleDetective, RoleWatchCommander, RoleSupervisor, RoleApprover, RoleTrainer, RoleAdmin}

// SearchRoles may run searches (api/openapi.yaml: POST /v1/searches).
var SearchRoles = []string{RoleDetective, RoleWatchCommander, RoleSupervisor, RoleTrainer}

// LoginRequest is the body of POST /v1/auth/login.
type LoginRequest struct {
	Username string `json:"username"`
	Password string `json:"password"`
}

// RefreshRequest is the body of POST /v1/auth/refresh (and optionally of
// POST /v1/auth/logout, to revoke that refresh token).
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// TokenResponse answers a login or a refresh.
type TokenResponse struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	// ExpiresIn is the access token's life in seconds.
	ExpiresIn int  `json:"expires_in"`
	User      User `json:"user"`
	// MFAEnrollmentRequired marks restricted tokens: the store requires a
	// second factor the user has not set up, and these tokens reach only
	// /v1/me, /v1/me/mfa, /v1/me/mfa/confirm, /v1/me/password and logout.
	MFAEnrollmentRequired bool `json:"mfa_enrollment_required,omitempty"`
}

// MFAChallenge answers the password step of a user with a second factor:
// no tokens yet, an MFA token for POST /v1/auth/mfa (5 minutes, 5 tries).
type MFAChallenge struct {
	MFARequired bool   `json:"mfa_required"`
	MFAToken    string `json:"mfa_token"`
	// ExpiresIn is the MFA token's life in seconds.
	ExpiresIn int `json:"expires_in"`
}

// MFARequest is the body of POST /v1/auth/mfa: the MFA token and either a
// current code or an unused recovery code.
type MFARequest struct {
	MFAToken     string `json:"mfa_token"`
	Code         string `json:"code,omitempty"`
	RecoveryCode string `json:"recovery_code,omitempty"`
}

// MFAEnrolment answers POST /v1/me/mfa: the new secret to load into an
// authenticator app, as base32 and as an otpauth:// URL (for a QR code).
type MFAEnrolment struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

// MFACode is the body of POST /v1/me/mfa/confirm and DELETE /v1/me/mfa.
type MFACode struct {
	Code string `json:"code"`
}

// RecoveryCodes answers a confirmed enrolment: ten single-use codes, shown
// once.
type RecoveryCodes struct {
	RecoveryCodes []string `json:"recovery_codes"`
}

// PasswordChange is the body of POST /v1/me/password.
type PasswordChange struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password"`
}

// MinPasswordLength is the shortest password POST /v1/me/password accepts.
const MinPasswordLength = 12

// User is a store account as the API shows it.
type User struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	Serial      string `json:"serial"`
	Team        string `json:"team"`
	// TrainedOn is the recorded training date (YYYY-MM-DD); empty when the
	// user has no training on record and so cannot search.
	TrainedOn string `json:"trained_on,omitempty"`
	// Demo is true for accounts of a demo store.
	Demo bool `json:"demo,omitempty"`
	// MFAEnabled is true when the user has a confirmed second factor.
	MFAEnabled bool `json:"mfa_enabled,omitempty"`
}

// Policy answers GET /v1/policy: the agency's rules, which the workstation
// uses to validate early what the store enforces anyway.
type Policy struct {
	ReportNumberPattern string   `json:"report_number_pattern"`
	PurposeCategories   []string `json:"purpose_categories"`
	RetentionDays       int      `json:"retention_days"`
	Colors              []string `json:"colors"`
	BodyTypes           []string `json:"body_types"`
	Features            []string `json:"features"`
	ProhibitedTerms     []string `json:"prohibited_terms"`
	FillerTerms         []string `json:"filler_terms"`
	// MinPurposeLength is the shortest accepted written justification.
	MinPurposeLength int `json:"min_purpose_length"`
	// RetainCategories are the accepted retention exception categories.
	RetainCategories []string `json:"retain_categories"`
	// States are the accepted states (and provinces) of issuance.
	States []string `json:"states"`
	// Demo is true when the store serves a demo world.
	Demo bool `json:"demo"`
	// ConvoyCategories are the purpose categories under which a convoy
	// analysis is allowed.
	ConvoyCategories []string `json:"convoy_categories"`
	// MaxSearchResults is how many reads a search without a plate returns
	// across all its pages; asking past it answers 422 too_many_results.
	MaxSearchResults int `json:"max_search_results"`
}

// Camera is one ALPR camera site.
type Camera struct {
	ID    string  `json:"id"`
	Name  string  `json:"name"`
	Lat   float64 `json:"lat"`
	Lon   float64 `json:"lon"`
	Owner string  `json:"owner"`
}

// Area is a circle on the map.
type Area struct {
	Lat     float64 `json:"lat"`
	Lon     float64 `json:"lon"`
	RadiusM float64 `json:"radius_m"`
}

// CaseContext is the right-to-know / need-to-know justification that every
// search carries (docs/POLICY.md, rule 1).
type CaseContext struct {
	ReportNumber    string `json:"report_number"`
	PurposeCategory string `json:"purpose_category"`
	Purpose         string `json:"purpose"`
}

// SearchRequest is the body of POST /v1/searches. A page fetch repeats the
// body with Cursor set.
type SearchRequest struct {
	CaseContext
	Plate     string     `json:"plate,omitempty"`
	State     string     `json:"state,omitempty"`
	Fuzzy     bool       `json:"fuzzy,omitempty"`
	Make      string     `json:"make,omitempty"`
	Color     string     `json:"color,omitempty"`
	BodyType  string     `json:"body_type,omitempty"`
	Features  []string   `json:"features,omitempty"`
	From      *time.Time `json:"from,omitempty"`
	To        *time.Time `json:"to,omitempty"`
	Area      *Area      `json:"area,omitempty"`
	CameraIDs []string   `json:"camera_ids,omitempty"`
	Limit     int        `json:"limit,omitempty"`
	Cursor    string     `json:"cursor,omitempty"`
}

// SearchResponse answers POST /v1/searches.
type SearchResponse struct {
	SearchID    string `json:"search_id"`
	Results     []Read `json:"results"`
	Total       int    `json:"total"`
	TotalCapped bool   `json:"total_capped"`
	NextCursor  string `json:"next_cursor,omitempty"`
}

// Box is a rectangle in photo pixels.
type Box struct {
	X int `json:"x"`
	Y int `json:"y"`
	W int `json:"w"`
	H int `json:"h"`
}

// ReadCamera is the camera of a read as embedded in it.
type ReadCamera struct {
	ID   string  `json:"id"`
	Name string  `json:"name"`
	Lat  float64 `json:"lat"`
	Lon  float64 `json:"lon"`
}

// Verification statuses (docs/POLICY.md, rule 5).
const (
	VerifyConfirmed  = "confirmed"
	VerifyMisread    = "misread"
	VerifyWrongState = "wrong_state"
	VerifyUnreadable = "unreadable"
)

// Verification is a human's verdict on a read's OCR.
type Verification struct {
	Status         string    `json:"status"`
	CorrectedPlate string    `json:"corrected_plate,omitempty"`
	CorrectedState string    `json:"corrected_state,omitempty"`
	By             string    `json:"by"`
	At             time.Time `json:"at"`
}

// Substitution is one look-alike character substituted by a fuzzy match:
// the read's character Got at Position (0-based) stands for Want.
type Substitution struct {
	Position int    `json:"position"`
	Got      string `json:"got"`
	Want     string `json:"want"`
}

// Read is one plate read as the API returns it.
type Read struct {
	ID                 string         `json:"id"`
	Plate              string         `json:"plate"`
	State              string         `json:"state"`
	Confidence         float64        `json:"confidence"`
	CapturedAt         time.Time      `json:"captured_at"`
	Camera             ReadCamera     `json:"camera"`
	Make               string         `json:"make"`
	Color              string         `json:"color"`
	BodyType           string         `json:"body_type"`
	Features           []string       `json:"features"`
	PlateBox           Box            `json:"plate_box"`
	Verification       *Verification  `json:"verification"`
	FuzzySubstitutions []Substitution `json:"fuzzy_substitutions,omitempty"`
	PossibleSwitch     bool           `json:"possible_switch"`
}

// ReadMeta is the `meta` part of a camera's POST /v1/reads, and one line of
// POST /v1/reads:batch (with PhotoBase64 set there).
type ReadMeta struct {
	ID         string    `json:"id"`
	CameraID   string    `json:"camera_id"`
	CapturedAt time.Time `json:"captured_at"`
	Plate      string    `json:"plate"`
	State      string    `json:"state"`
	Confidence float64   `json:"confidence"`
	Make       string    `json:"make,omitempty"`
	Color      string    `json:"color,omitempty"`
	BodyType   string    `json:"body_type,omitempty"`
	Features   []string  `json:"features,omitempty"`
	PlateBox   Box       `json:"plate_box"`
	// PhotoBase64 is used only on batch lines: the JPEG, base64 (std).
	PhotoBase64 string `json:"photo_base64,omitempty"`
}

// IngestResponse answers POST /v1/reads.
type IngestResponse struct {
	ID string `json:"id"`
	// Duplicate is true when the read id was already stored (a retry).
	Duplicate bool `json:"duplicate"`
	// Alerts counts the hotlist hits the read raised.
	Alerts int `json:"alerts"`
}

// BatchResponse answers POST /v1/reads:batch.
type BatchResponse struct {
	Accepted   int          `json:"accepted"`
	Duplicates int          `json:"duplicates"`
	Rejected   []BatchError `json:"rejected"`
	// Alerts counts the hotlist hits the accepted reads raised.
	Alerts int `json:"alerts"`
}

// BatchError names a rejected line of a batch.
type BatchError struct {
	Line  int       `json:"line"`
	ID    string    `json:"id,omitempty"`
	Error ErrorBody `json:"error"`
}

// VerificationRequest is the body of POST /v1/reads/{id}/verification. One
// of SearchID, AlertID or AnalysisID names how the read was reached.
type VerificationRequest struct {
	SearchID       string `json:"search_id,omitempty"`
	AlertID        string `json:"alert_id,omitempty"`
	AnalysisID     string `json:"analysis_id,omitempty"`
	Status         string `json:"status"`
	CorrectedPlate string `json:"corrected_plate,omitempty"`
	CorrectedState string `json:"corrected_state,omitempty"`
}

// Retention exception categories (docs/POLICY.md, rule 6).
const (
	RetainCriminalInvestigation = "criminal_investigation"
	RetainMissingPerson         = "missing_person"
	RetainLegalObligation       = "legal_obligation"
)

// RetainRequest is the body of POST /v1/reads/{id}/retain.
type RetainRequest struct {
	SearchID     string `json:"search_id,omitempty"`
	AnalysisID   string `json:"analysis_id,omitempty"`
	ReportNumber string `json:"report_number"`
	Category     string `json:"category"`
	Reason       string `json:"reason"`
}

// Retention answers a retain: the exception now on record.
type Retention struct {
	ReadID       string    `json:"read_id"`
	ReportNumber string    `json:"report_number"`
	Category     string    `json:"category"`
	Reason       string    `json:"reason"`
	By           string    `json:"by"`
	At           time.Time `json:"at"`
}

// Export kinds.
const (
	ExportEvidencePDF = "evidence_pdf"
	ExportEvidenceCSV = "evidence_csv"
	ExportTimelinePNG = "timeline_png"
	ExportAuditCSV    = "audit_csv"
	ExportEfficacyPDF = "efficacy_pdf"
)

// ExportRequest is the body of POST /v1/exports: it records an export made
// in the app, before the file is written, and retains its reads.
type ExportRequest struct {
	Kind         string   `json:"kind"`
	SearchID     string   `json:"search_id,omitempty"`
	AnalysisID   string   `json:"analysis_id,omitempty"`
	ReadIDs      []string `json:"read_ids,omitempty"`
	ReportNumber string   `json:"report_number"`
}

// ExportResponse answers POST /v1/exports.
type ExportResponse struct {
	ExportID string    `json:"export_id"`
	Retained int       `json:"retained"`
	At       time.Time `json:"at"`
}

// Audit outcomes.
const (
	OutcomeAllowed = "allowed"
	OutcomeRefused = "refused"
)

// AuditEntry is one link of the append-only, hash-chained audit trail. The
// hash is SHA-256 (hex) over the other fields serialised as JSON in this
// order with no spaces; see store/audit.go, AuditCanonical.
type AuditEntry struct {
	Seq             int64     `json:"seq"`
	At              time.Time `json:"at"`
	Actor           string    `json:"actor"`
	Role            string    `json:"role"`
	Action          string    `json:"action"`
	ReportNumber    string    `json:"report_number"`
	PurposeCategory string    `json:"purpose_category"`
	Purpose         string    `json:"purpose"`
	Query           string    `json:"query"`
	ResultCount     int       `json:"result_count"`
	Workstation     string    `json:"workstation"`
	Outcome         string    `json:"outcome"`
	Reason          string    `json:"reason"`
	PrevHash        string    `json:"prev_hash"`
	Hash            string    `json:"hash"`
}

// AuditPage answers GET /v1/audit.
type AuditPage struct {
	Entries    []AuditEntry `json:"entries"`
	NextCursor string       `json:"next_cursor,omitempty"`
}

// ChainHead names the last entry of the audit chain.
type ChainHead struct {
	Seq  int64  `json:"seq"`
	Hash string `json:"hash"`
}

// AuditVerify answers GET /v1/audit/verify.
type AuditVerify struct {
	OK             bool      `json:"ok"`
	Checked        int64     `json:"checked"`
	FirstBrokenSeq int64     `json:"first_broken_seq"`
	Head           ChainHead `json:"head"`
}

// AuditSampleRequest is the body of POST /v1/audit/samples.
type AuditSampleRequest struct {
	Month string `json:"month"`
	Size  int    `json:"size"`
}

// AuditSample answers POST /v1/audit/samples.
type AuditSample struct {
	Month   string       `json:"month"`
	Head    ChainHead    `json:"head"`
	Entries []AuditEntry `json:"entries"`
}

// Review verdicts.
const (
	ReviewCompliant     = "compliant"
	ReviewNonCompliant  = "non_compliant"
	ReviewNeedsFollowUp = "needs_follow_up"
)

// AuditReviewRequest is the body of POST /v1/audit/reviews.
type AuditReviewRequest struct {
	Seq     int64  `json:"seq"`
	Verdict string `json:"verdict"`
	Note    string `json:"note"`
}

// AuditReview is a supervisor's review of one audit entry.
type AuditReview struct {
	ID       string    `json:"id"`
	Seq      int64     `json:"seq"`
	Verdict  string    `json:"verdict"`
	Note     string    `json:"note"`
	Reviewer string    `json:"reviewer"`
	At       time.Time `json:"at"`
}

// Hotlist list kinds.
const (
	ListAlert          = "alert"
	ListCovert         = "covert"
	ListFelonyWants    = "felony_wants"
	ListStolenPlates   = "stolen_plates"
	ListStolenVehicles = "stolen_vehicles"
)

// HotlistRequestBody is the body of POST /v1/hotlist-requests.
type HotlistRequestBody struct {
	Plate              string `json:"plate"`
	State              string `json:"state"`
	ReportNumber       string `json:"report_number"`
	VehicleDescription string `json:"vehicle_description"`
	Explanation        string `json:"explanation"`
	List               string `json:"list"`
	RequesterName      string `json:"requester_name"`
	RequesterSerial    string `json:"requester_serial"`
	Days               int    `json:"days"`
	Instructions       string `json:"instructions,omitempty"`
	Contact            string `json:"contact,omitempty"`
	// Extends names an earlier request this one extends.
	Extends string `json:"extends,omitempty"`
}

// Hotlist request statuses.
const (
	RequestPending  = "pending"
	RequestApproved = "approved"
	RequestDenied   = "denied"
)

// HotlistRequest is a hotlist request on file.
type HotlistRequest struct {
	HotlistRequestBody
	ID          string     `json:"id"`
	RequestedBy string     `json:"requested_by"`
	RequestedAt time.Time  `json:"requested_at"`
	Status      string     `json:"status"`
	DecidedBy   string     `json:"decided_by,omitempty"`
	DecidedAt   *time.Time `json:"decided_at,omitempty"`
	Reason      string     `json:"reason,omitempty"`
	EntryID     string     `json:"entry_id,omitempty"`
	// Notice explains an adjustment, such as days clamped to 30.
	Notice string `json:"notice,omitempty"`
}

// DecisionRequest is the body of POST /v1/hotlist-requests/{id}/decision.
type DecisionRequest struct {
	Approve bool   `json:"approve"`
	Reason  string `json:"reason"`
}

// HotlistEntry is an active hotlist entry.
type HotlistEntry struct {
	ID                 string    `json:"id"`
	Plate              string    `json:"plate"`
	State              string    `json:"state"`
	List               string    `json:"list"`
	ExpiresAt          time.Time `json:"expires_at"`
	RequestID          string    `json:"request_id"`
	ReportNumber       string    `json:"report_number"`
	VehicleDescription string    `json:"vehicle_description,omitempty"`
	Instructions       string    `json:"instructions,omitempty"`
	Contact            string    `json:"contact,omitempty"`
}

// RemoveEntryRequest is the body of DELETE /v1/hotlist-entries/{id}.
type RemoveEntryRequest struct {
	Reason string `json:"reason"`
}

// Alert match kinds.
const (
	MatchExact    = "exact"
	MatchPossible = "possible"
)

// Alert is a hotlist hit, the data of an `event: hit` on the alert stream.
type Alert struct {
	ID           string       `json:"id"`
	Read         Read         `json:"read"`
	Entry        HotlistEntry `json:"entry"`
	List         string       `json:"list"`
	Match        string       `json:"match"`
	Instructions string       `json:"instructions"`
	Contact      string       `json:"contact"`
	At           time.Time    `json:"at"`
	// Check is computed when the alert is served, from the read as it then
	// stands (DESIGN.md, Accountability).
	Check AlertCheck `json:"check"`
}

// AckRequest is the body of POST /v1/alerts/{id}/ack.
type AckRequest struct {
	Note string `json:"note"`
}

// AlertAck answers POST /v1/alerts/{id}/ack: the acknowledgement on record.
type AlertAck struct {
	AlertID string    `json:"alert_id"`
	By      string    `json:"by"`
	Note    string    `json:"note"`
	At      time.Time `json:"at"`
}

// Exercise is a training exercise of the demo world. Answer is filled only
// for trainers.
type Exercise struct {
	ID              string `json:"id"`
	Title           string `json:"title"`
	Brief           string `json:"brief"`
	Question        string `json:"question"`
	ReportNumber    string `json:"report_number"`
	PurposeCategory string `json:"purpose_category"`
	Answer          string `json:"answer,omitempty"`
}

// Exercises answers GET /v1/training/exercises.
type Exercises struct {
	Exercises []Exercise `json:"exercises"`
}

// Health answers GET /healthz (liveness): the node serves HTTP; Backend
// names the storage backend and Database says whether it answers.
type Health struct {
	Status   string `json:"status"`   // HealthOK, or HealthStarting while the node opens its database
	Backend  string `json:"backend"`  // "sqlite" or "postgres"
	Database string `json:"database"` // "ok", "unreachable", or "unknown" while starting
}

// Health statuses.
const (
	HealthOK       = "ok"
	HealthStarting = "starting"
)

// Ready answers GET /readyz (readiness) when the node may take requests.
type Ready struct {
	Status  string `json:"status"` // ReadyOK
	Backend string `json:"backend"`
}

// ReadyOK is the status of a ready node.
const ReadyOK = "ready"
