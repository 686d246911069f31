package api

import "time"

// Audit sample limits (POST /v1/audit/samples).
const (
	// MaxAuditSample is the largest monthly sample a supervisor may draw.
	MaxAuditSample = 500
	// MaxReviewNote is the longest accepted review note, in bytes.
	MaxReviewNote = 2000
)

// ReviewVerdicts lists the verdicts of an audit review.
var ReviewVerdicts = []string{ReviewCompliant, ReviewNonCompliant, ReviewNeedsFollowUp}

// AuditReviews answers GET /v1/audit/reviews: the reviews of the entries
// asked for, by seq, oldest review first.
type AuditReviews struct {
	Reviews []AuditReview `json:"reviews"`
}

// SearchOutcomeRecord answers POST /v1/searches/{id}/outcome: what a search
// led to, as marked last, by whom and when.
type SearchOutcomeRecord struct {
	SearchID string    `json:"search_id"`
	Outcome  string    `json:"outcome"`
	Note     string    `json:"note"`
	By       string    `json:"by"`
	At       time.Time `json:"at"`
}
