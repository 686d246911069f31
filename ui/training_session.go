package ui

import (
	"context"

	"alprdesk/api"
)

// TrainingSession is what training mode needs of a session beyond Session:
// grading attempts, the class's progress, resetting the demo world and the
// live camera simulator. The client adapter offers it; screens reach it
// with a type assertion and hide training features when it is missing.
type TrainingSession interface {
	// Attempt answers an exercise; the store grades and records it.
	Attempt(ctx context.Context, exerciseID, answer string) (*api.AttemptResult, error)
	// Progress is the class's progress (a trainee's own for non-trainers).
	Progress(ctx context.Context) (*api.TrainingProgress, error)
	// ResetTraining re-seeds the demo world (nil seed: the current one).
	ResetTraining(ctx context.Context, seed *int64) (*api.TrainingReset, error)
	// Live is the live camera simulator's state.
	Live(ctx context.Context) (*api.TrainingLive, error)
	// SetLive starts or stops the simulator (rate 0 keeps the rate).
	SetLive(ctx context.Context, running bool, rate float64) (*api.TrainingLive, error)
}

// training returns the session's training side, or nil.
func training(s Session) TrainingSession {
	ts, _ := s.(TrainingSession)
	return ts
}

func (s *clientSession) Attempt(ctx context.Context, exerciseID, answer string) (*api.AttemptResult, error) {
	r, err := s.cl.Attempt(ctx, exerciseID, answer)
	return r, s.note(err)
}

func (s *clientSession) Progress(ctx context.Context) (*api.TrainingProgress, error) {
	p, err := s.cl.Progress(ctx)
	return p, s.note(err)
}

func (s *clientSession) ResetTraining(ctx context.Context, seed *int64) (*api.TrainingReset, error) {
	r, err := s.cl.ResetTraining(ctx, seed)
	return r, s.note(err)
}

func (s *clientSession) Live(ctx context.Context) (*api.TrainingLive, error) {
	l, err := s.cl.Live(ctx)
	return l, s.note(err)
}

func (s *clientSession) SetLive(ctx context.Context, running bool, rate float64) (*api.TrainingLive, error) {
	l, err := s.cl.SetLive(ctx, running, rate)
	return l, s.note(err)
}
