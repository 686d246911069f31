package client

import (
	"context"
	"net/http"
	"net/url"

	"alprdesk/api"
)

// Training mode of a demo store (issue 8). Every method answers
// ErrNotFound from a store that is not a demo store.

// Attempt answers a training exercise (POST
// /v1/training/exercises/{id}/attempts; demo users): the store grades it,
// records it and says whether it is correct, with feedback.
func (c *Client) Attempt(ctx context.Context, exerciseID, answer string, opts ...CallOption) (*api.AttemptResult, error) {
	var r api.AttemptResult
	err := c.write(ctx, http.MethodPost, "/v1/training/exercises/"+url.PathEscape(exerciseID)+"/attempts",
		api.AttemptRequest{Answer: answer}, &r, opts)
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Progress fetches the class's progress (GET /v1/training/progress): every
// trainee's for a trainer, the caller's own for anyone else.
func (c *Client) Progress(ctx context.Context) (*api.TrainingProgress, error) {
	var p api.TrainingProgress
	if err := c.get(ctx, "/v1/training/progress", nil, &p); err != nil {
		return nil, err
	}
	return &p, nil
}

// ResetTraining re-seeds the demo world for the next class (POST
// /v1/training/reset; trainers). A nil seed keeps the current seed.
func (c *Client) ResetTraining(ctx context.Context, seed *int64, opts ...CallOption) (*api.TrainingReset, error) {
	var r api.TrainingReset
	if err := c.write(ctx, http.MethodPost, "/v1/training/reset", api.TrainingResetRequest{Seed: seed}, &r, opts); err != nil {
		return nil, err
	}
	return &r, nil
}

// Live fetches the live camera simulator's state (GET /v1/training/live).
func (c *Client) Live(ctx context.Context) (*api.TrainingLive, error) {
	var l api.TrainingLive
	if err := c.get(ctx, "/v1/training/live", nil, &l); err != nil {
		return nil, err
	}
	return &l, nil
}

// SetLive starts or stops the live camera simulator (POST
// /v1/training/live; trainers); rate is in reads per second, 0 keeps the
// current rate.
func (c *Client) SetLive(ctx context.Context, running bool, rate float64, opts ...CallOption) (*api.TrainingLive, error) {
	var l api.TrainingLive
	err := c.write(ctx, http.MethodPost, "/v1/training/live", api.TrainingLive{Running: running, Rate: rate}, &l, opts)
	if err != nil {
		return nil, err
	}
	return &l, nil
}
