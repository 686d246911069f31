package store

import (
	"time"

	"alprdesk/api"
)

// Entry statuses kept in storage (HotlistEntryRecord.Status).
const (
	EntryActive   = "active"
	EntryExpired  = "expired"
	EntryRemoved  = "removed"
	EntryReplaced = "replaced"
)

// HotlistEntryRecord is a stored hotlist entry: the API's entry plus who
// requested it (covert entries are visible to that user and approvers)
// and its state.
type HotlistEntryRecord struct {
	api.HotlistEntry
	RequestedBy string
	CreatedAt   time.Time
	Status      string
}

// AlertRecord is a stored hotlist hit; Data is the api.Alert as JSON.
type AlertRecord struct {
	Seq         int64
	ReadID      string
	EntryID     string
	List        string
	Match       string
	RequestedBy string
	At          time.Time
	Data        []byte
}

// AlertViewer is who reads alerts: routing decides what they may see.
type AlertViewer struct {
	Username string
	// Patrol receives alert-list and state-list hits (detectives and
	// watch commanders).
	Patrol bool
	// Approver receives covert hits.
	Approver bool
}

// HotlistReadTx is the read part of hotlists and alerts (in ReadTx).
type HotlistReadTx interface {
	GetHotlistRequest(id string) (*api.HotlistRequest, error)
	// ListHotlistRequests lists requests newest first; by "" lists every
	// user's, status "" every status.
	ListHotlistRequests(by, status string) ([]api.HotlistRequest, error)
	GetHotlistEntry(id string) (*HotlistEntryRecord, error)
	// ActiveHotlistEntries lists the entries active at now.
	ActiveHotlistEntries(now time.Time) ([]HotlistEntryRecord, error)
	// DueHotlistEntries lists active entries whose time ran out by now.
	DueHotlistEntries(now time.Time) ([]HotlistEntryRecord, error)
	// HotlistGeneration counts changes to entries, so that another
	// process's (or node's) changes are noticed.
	HotlistGeneration() (int64, error)
	GetAlert(seq int64) (*AlertRecord, error)
	// LastAlertSeq returns the newest alert's sequence (0 when none).
	LastAlertSeq() (int64, error)
	// AlertsAfter lists the alerts after seq that v may see, oldest first.
	AlertsAfter(seq int64, v AlertViewer, limit int) ([]AlertRecord, error)
	AlertVerified(alertID, username string) (bool, error)
}

// HotlistTx is the write part of hotlists and alerts (in Tx).
type HotlistTx interface {
	InsertHotlistRequest(r *api.HotlistRequest) error
	UpdateHotlistRequest(r *api.HotlistRequest) error
	InsertHotlistEntry(e *HotlistEntryRecord) error
	// EndHotlistEntry ends an active entry (expired, removed, replaced).
	EndHotlistEntry(id, status, by, reason string, at time.Time) error
	// ReplaceStateList deletes the entries of a state list and inserts es.
	ReplaceStateList(list string, es []HotlistEntryRecord) (removed int, err error)
	BumpHotlistGeneration() error
	// InsertAlert stores a hit; build makes its data once the seq is known.
	// Alert sequences are assigned by the database, increasing.
	InsertAlert(a *AlertRecord, build func(seq int64) ([]byte, error)) error
	// PurgeOrphanAlerts deletes the alerts whose read was purged.
	PurgeOrphanAlerts() (int, error)
	SetAlertVerified(alertID, username, status string, at time.Time) error
	// InsertAlertAck records an acknowledgement; ErrExists when the user
	// already acknowledged the alert.
	InsertAlertAck(ack api.AlertAck) error
}
