package session

import (
	"context"
	"time"

	"alprdesk/api"
)

// FlagSession is the review queue's side of a supervisor's session.
type FlagSession interface {
	// AuditFlags lists the flags of [from, to) (zero: the last 30 days), newest first.
	AuditFlags(ctx context.Context, from, to time.Time) ([]api.AuditFlag, error)
	// ReviewFlag records a review of a flag.
	ReviewFlag(ctx context.Context, id string, req api.FlagReviewRequest) (*api.FlagReview, error)
}

// AuditFlags lists the review queue.
func (s *clientSession) AuditFlags(ctx context.Context, from, to time.Time) ([]api.AuditFlag, error) {
	f, err := s.cl.AuditFlags(ctx, from, to)
	return f, s.note(err)
}

// ReviewFlag records a review of a flag.
func (s *clientSession) ReviewFlag(ctx context.Context, id string, req api.FlagReviewRequest) (*api.FlagReview, error) {
	r, err := s.cl.ReviewFlag(ctx, id, req)
	return r, s.note(err)
}

// TransparencySession fetches the public transparency figures.
type TransparencySession interface {
	// Transparency fetches the figures of [from, to).
	Transparency(ctx context.Context, from, to time.Time) (*api.Transparency, error)
}

// Transparency fetches the public transparency figures.
func (s *clientSession) Transparency(ctx context.Context, from, to time.Time) (*api.Transparency, error) {
	t, err := s.cl.Transparency(ctx, from, to)
	return t, s.note(err)
}

// Flags returns the review-queue side of a session, and whether it has one.
func Flags(s Session) (FlagSession, bool) {
	v, ok := s.(FlagSession)
	return v, ok && v != nil
}

// TransparencyOf returns the transparency side of a session, and whether it has one.
func TransparencyOf(s Session) (TransparencySession, bool) {
	v, ok := s.(TransparencySession)
	return v, ok && v != nil
}
