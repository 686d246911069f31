package store

import (
	"time"

	"alprdesk/api"
)

// ReturnedRead is a read a search returned to its user: what the efficacy
// report needs of it (the read itself may be purged later).
type ReturnedRead struct {
	ID         string
	CapturedAt time.Time
}

// SearchFigure is one search of a period as the efficacy report sees it.
type SearchFigure struct {
	ID        string
	Username  string
	CreatedAt time.Time
	// Outcome is the marked outcome, "" when none.
	Outcome string
	// Oldest is the capture time of the oldest read the search returned
	// (zero when it returned none).
	Oldest time.Time
}

// SearchCount is one group of search entries counted by SearchCounts.
type SearchCount struct {
	Month, Category, Outcome, Reason, Actor string
	N                                       int
}

// SupervisionReadTx is the read part of supervision: samples, reviews,
// outcomes and the efficacy figures (in ReadTx).
type SupervisionReadTx interface {
	// AuditRange calls fn for every entry with at in [from, to) whose
	// action is action ("" for all), in seq order.
	AuditRange(from, to time.Time, action string, fn func(api.AuditEntry) error) error
	// SearchCounts counts the search entries with at in [from, to) by
	// month (UTC), purpose category, outcome, reason and actor.
	SearchCounts(from, to time.Time) ([]SearchCount, error)
	// GetAudit returns the entry with that seq or ErrNotFound.
	GetAudit(seq int64) (*api.AuditEntry, error)
	// AuditReviews lists the reviews of the entry seq (seq > 0) or else of
	// the entries with at in [from, to), by seq then time.
	AuditReviews(seq int64, from, to time.Time) ([]api.AuditReview, error)
	// SearchFigures lists the searches created in [from, to).
	SearchFigures(from, to time.Time) ([]SearchFigure, error)
	// ReturnedReadIDs lists the distinct reads returned by the searches
	// created in [from, to).
	ReturnedReadIDs(from, to time.Time) ([]string, error)
	// LatestVerdicts maps read ids to the latest verdict the audit trail
	// records for them (allowed verification entries).
	LatestVerdicts() (map[string]string, error)
	// AlertCounts counts hotlist alerts raised in [from, to) by list.
	AlertCounts(from, to time.Time) (map[string]int, error)
}

// SupervisionTx is the write part of supervision (in Tx).
type SupervisionTx interface {
	// SampleSecret returns the store's secret for audit samples, creating
	// it on first use (so concurrent first uses agree on one secret).
	SampleSecret() (string, error)
	// InsertAuditReview stores a review.
	InsertAuditReview(r api.AuditReview) error
	// InsertSearchReturns records reads a search returned; repeats are ignored.
	InsertSearchReturns(searchID string, reads []ReturnedRead) error
	// SetSearchOutcome records (or replaces) what a search led to.
	SetSearchOutcome(o api.SearchOutcomeRecord) error
}
