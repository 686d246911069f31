package api

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
)

// Description matches of an alert check: how the entry's free-text vehicle
// description compares with the read's make and colour.
const (
	DescriptionYes     = "yes"
	DescriptionNo      = "no"
	DescriptionUnknown = "unknown"
)

// CheckPosition is one position where the read's OCR text and the entry's
// plate differ. Read or Entry is "" where one plate is shorter.
type CheckPosition struct {
	// Index is 0-based.
	Index int    `json:"index"`
	Read  string `json:"read"`
	Entry string `json:"entry"`
	// LookAlike is true when the two characters are a look-alike pair
	// (0/O/D/Q, 8/B, 1/I/L, 5/S, 2/Z, 6/G).
	LookAlike bool `json:"lookalike"`
}

// AlertCheck is what an officer must see before acting on a hit, computed
// when the alert is served (DESIGN.md, Accountability).
type AlertCheck struct {
	ReadPlate  string `json:"read_plate"`
	EntryPlate string `json:"entry_plate"`
	// Positions lists the differing positions only; never null.
	Positions []CheckPosition `json:"positions"`
	// StateMatch compares the verified state (the read's when there is no
	// verdict) with the entry's.
	StateMatch bool `json:"state_match"`
	// DescriptionMatch is DescriptionYes, DescriptionNo or DescriptionUnknown.
	DescriptionMatch string `json:"description_match"`
	// StopReady is true only when a person's verdict makes the verified plate
	// and state equal the entry's and the description does not conflict.
	StopReady bool `json:"stop_ready"`
}

// MarshalJSON writes Positions as [] when there are none.
func (c AlertCheck) MarshalJSON() ([]byte, error) {
	type plain AlertCheck
	p := plain(c)
	p.Positions = nonNil(p.Positions)
	return json.Marshal(p)
}

// Hit outcome actions: what an officer did about a hit.
const (
	ActionNoAction         = "no_action"
	ActionStop             = "stop"
	ActionArrest           = "arrest"
	ActionVehicleRecovered = "vehicle_recovered"
	ActionWrongVehicle     = "wrong_vehicle"
	ActionUnableToLocate   = "unable_to_locate"
)

// OutcomeActions lists every hit outcome action, in the order reports show them.
var OutcomeActions = []string{ActionNoAction, ActionStop, ActionArrest, ActionVehicleRecovered, ActionWrongVehicle, ActionUnableToLocate}

// StopActions are the outcome actions that put hands on a vehicle or a
// person: on a hit that is not stop-ready they need a written reason.
var StopActions = []string{ActionStop, ActionArrest, ActionVehicleRecovered}

// IsStopAction reports whether action is one of StopActions.
func IsStopAction(action string) bool { return slices.Contains(StopActions, action) }

// MaxOutcomeText is the longest accepted note or reason of a hit outcome, in bytes.
const MaxOutcomeText = 2000

// OutcomeRequest is the body of POST /v1/alerts/{id}/outcome.
type OutcomeRequest struct {
	Action string `json:"action"`
	Note   string `json:"note"`
	// Reason explains a stop, arrest or recovery on a hit that was not
	// stop-ready (required then).
	Reason string `json:"reason"`
}

// Validate reports the first malformed field as 422 invalid_field; the
// reason rule, which depends on the alert, is the store's.
func (o *OutcomeRequest) Validate() *Error {
	o.Note, o.Reason = strings.TrimSpace(o.Note), strings.TrimSpace(o.Reason)
	switch {
	case !slices.Contains(OutcomeActions, o.Action):
		return E(CodeInvalidField,
			"action holds %q; use no_action, stop, arrest, vehicle_recovered, wrong_vehicle or unable_to_locate.", o.Action)
	case len(o.Note) > MaxOutcomeText:
		return E(CodeInvalidField, "note must be at most %d bytes.", MaxOutcomeText)
	case len(o.Reason) > MaxOutcomeText:
		return E(CodeInvalidField, "reason must be at most %d bytes.", MaxOutcomeText)
	}
	return nil
}

// AlertOutcome is an outcome on record: what one recipient did about a hit.
type AlertOutcome struct {
	AlertID string `json:"alert_id"`
	By      string `json:"by"`
	Action  string `json:"action"`
	Note    string `json:"note"`
	Reason  string `json:"reason"`
	// StopReady is the alert's check when the outcome was recorded.
	StopReady bool      `json:"stop_ready"`
	At        time.Time `json:"at"`
}

// AlertItem is one alert of GET /v1/alerts: the alert (with its check), the
// read's verification, and the acknowledgements and outcomes on record.
type AlertItem struct {
	Alert
	Verification *Verification  `json:"verification"`
	Acks         []AlertAck     `json:"acks"`
	Outcomes     []AlertOutcome `json:"outcomes"`
}

// MarshalJSON writes the lists as [] when empty.
func (a AlertItem) MarshalJSON() ([]byte, error) {
	type plain AlertItem
	p := plain(a)
	p.Acks, p.Outcomes = nonNil(p.Acks), nonNil(p.Outcomes)
	return json.Marshal(p)
}

// AlertList answers GET /v1/alerts: the caller's alerts, newest first.
type AlertList struct {
	Alerts []AlertItem `json:"alerts"`
}

// VerificationResult answers POST /v1/reads/{id}/verification: the verdict
// on record and, when the read was reached through an alert, the alert's
// check as it now stands.
type VerificationResult struct {
	Verification
	Check *AlertCheck `json:"check,omitempty"`
}

// Audit flag kinds: patterns in the audit chain a supervisor should look at.
const (
	FlagRepeatPlate         = "repeat_plate"
	FlagReusedJustification = "reused_justification"
	FlagUnverifiedStop      = "unverified_stop"
	FlagAfterHours          = "after_hours"
	FlagVolume              = "volume"
	FlagConvoy              = "convoy"
)

// FlagKinds lists every flag kind.
var FlagKinds = []string{FlagRepeatPlate, FlagReusedJustification, FlagUnverifiedStop, FlagAfterHours, FlagVolume, FlagConvoy}

// FlagReview is a supervisor's review of a flag.
type FlagReview struct {
	Verdict  string    `json:"verdict"`
	Note     string    `json:"note"`
	Reviewer string    `json:"reviewer"`
	At       time.Time `json:"at"`
}

// FlagReviewRequest is the body of POST /v1/audit/flags/{id}/review.
type FlagReviewRequest struct {
	Verdict string `json:"verdict"`
	Note    string `json:"note"`
}

// AuditFlag is one pattern found in the audit chain. A flag asks a
// supervisor to look; it proves nothing.
type AuditFlag struct {
	// ID is stable: the same pattern has the same id in every answer.
	ID          string `json:"id"`
	Kind        string `json:"kind"`
	Username    string `json:"username"`
	Explanation string `json:"explanation"`
	// Seqs are the audit entries the flag rests on, in seq order.
	Seqs     []int64     `json:"seqs"`
	Reviewed bool        `json:"reviewed"`
	Review   *FlagReview `json:"review"`
	// At is the time of the flag's latest entry.
	At time.Time `json:"at"`
}

// AuditFlags answers GET /v1/audit/flags, newest first.
type AuditFlags struct {
	Flags []AuditFlag `json:"flags"`
}

// MarshalJSON writes Flags as [] when there are none.
func (f AuditFlags) MarshalJSON() ([]byte, error) {
	type plain AuditFlags
	p := plain(f)
	p.Flags = nonNil(p.Flags)
	return json.Marshal(p)
}

// ListHits are the hotlist hit figures of one list in the efficacy report.
type ListHits struct {
	List       string `json:"list"`
	Hits       int    `json:"hits"`
	Confirmed  int    `json:"confirmed"`
	Misread    int    `json:"misread"`
	WrongState int    `json:"wrong_state"`
	Unreadable int    `json:"unreadable"`
	// Unverified counts hits whose read nobody verified through the alert.
	Unverified int `json:"unverified"`
	// ErrorRate is (misread + wrong_state) / (confirmed + misread +
	// wrong_state), 0 when none.
	ErrorRate float64 `json:"error_rate"`
	// Outcomes counts recorded outcomes by action (every action listed).
	Outcomes map[string]int `json:"outcomes"`
	// StopsNotStopReady counts stops, arrests and recoveries on hits that
	// were not stop-ready; the target is zero.
	StopsNotStopReady int `json:"stops_not_stop_ready"`
	// MedianMinutesToVerification is the median time from hit to the first
	// verdict through the alert, in whole minutes; 0 when none was verified.
	MedianMinutesToVerification float64 `json:"median_minutes_to_verification"`
}

// TransparencySearches are the search figures of a transparency report.
type TransparencySearches struct {
	Allowed int `json:"allowed"`
	Refused int `json:"refused"`
	// ByCategory counts allowed searches by purpose category.
	ByCategory map[string]int `json:"by_category"`
	// RefusedByReason counts refused searches by error code.
	RefusedByReason map[string]int `json:"refused_by_reason"`
}

// TransparencyAnalyses counts analyses run and refused.
type TransparencyAnalyses struct {
	CommonPlates int `json:"common_plates"`
	Convoy       int `json:"convoy"`
	Refused      int `json:"refused"`
}

// TransparencyHotlists counts hotlist requests and decisions.
type TransparencyHotlists struct {
	Requests     int `json:"requests"`
	Approved     int `json:"approved"`
	Denied       int `json:"denied"`
	RemovedEarly int `json:"removed_early"`
}

// TransparencyHits are the hotlist hit figures of a transparency report.
type TransparencyHits struct {
	ByList     map[string]int `json:"by_list"`
	Confirmed  int            `json:"confirmed"`
	Misread    int            `json:"misread"`
	WrongState int            `json:"wrong_state"`
	Unreadable int            `json:"unreadable"`
	Unverified int            `json:"unverified"`
	Outcomes   map[string]int `json:"outcomes"`
}

// TransparencyAudits counts the supervision done in the period.
type TransparencyAudits struct {
	Samples      int `json:"samples"`
	Reviews      int `json:"reviews"`
	NonCompliant int `json:"non_compliant"`
}

// Transparency answers GET /v1/reports/transparency: figures the public may
// read. No username, serial, plate, report number or justification appears
// in them.
type Transparency struct {
	From           time.Time            `json:"from"`
	To             time.Time            `json:"to"`
	Cameras        int                  `json:"cameras"`
	RetentionDays  int                  `json:"retention_days"`
	ReadsCollected int                  `json:"reads_collected"`
	Searches       TransparencySearches `json:"searches"`
	Analyses       TransparencyAnalyses `json:"analyses"`
	Hotlists       TransparencyHotlists `json:"hotlists"`
	Hits           TransparencyHits     `json:"hits"`
	// OCRErrorRate is the measured misread rate of verified hits.
	OCRErrorRate float64            `json:"ocr_error_rate"`
	Audits       TransparencyAudits `json:"audits"`
	// ChainHead is the last audit entry before To.
	ChainHead ChainHead `json:"chain_head"`
}

// MaxTransparencyDays is the longest period of one transparency report.
const MaxTransparencyDays = 400
