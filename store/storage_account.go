package store

import (
	"time"

	"alprdesk/api"
)

// DailyCount is one plate-free counter summed over a period: Name is what
// is counted (Counter* constants), Key its breakdown (a list, a verdict, a
// purpose category, an error code; never a person or a plate).
type DailyCount struct {
	Name, Key string
	N         int
}

// AccountReadTx is the read part of accountability (in ReadTx): alert
// lists, outcomes, the daily counters and what searches returned.
type AccountReadTx interface {
	// AlertsBetween lists the alerts raised in [from, to) that v may see,
	// newest first, at most limit.
	AlertsBetween(v AlertViewer, from, to time.Time, limit int) ([]AlertRecord, error)
	// AlertAcks lists the acknowledgements of an alert, oldest first.
	AlertAcks(alertID string) ([]api.AlertAck, error)
	// AlertVerdict returns the latest verdict given through the alert by
	// anyone ("" when none).
	AlertVerdict(alertID string) (string, error)
	// AlertOutcomes lists the outcomes of an alert, oldest first.
	AlertOutcomes(alertID string) ([]api.AlertOutcome, error)
	// Counts sums the counters of the days in [fromDay, toDay).
	Counts(fromDay, toDay string) ([]DailyCount, error)
	// SearchPlates lists, for the searches created in [from, to), the
	// distinct plates (OCR text) of the returned reads still stored.
	SearchPlates(from, to time.Time) ([]SearchPlates, error)
}

// AccountTx is the write part of accountability (in Tx).
type AccountTx interface {
	// InsertAlertOutcome records an outcome; ErrExists when the user
	// already recorded one for the alert.
	InsertAlertOutcome(o api.AlertOutcome) error
	// AddCount adds n to the counter (day "YYYY-MM-DD" UTC, name, key);
	// counters are never purged.
	AddCount(day, name, key string, n int) error
}

// SearchPlates is what one search returned, for the review queue.
type SearchPlates struct {
	Username  string
	CreatedAt time.Time
	Plates    []string
}
