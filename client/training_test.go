package client_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"alprdesk/api/apitest"
	"alprdesk/client"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// demoLogin signs a demo user in to env through a validating client.
func demoLogin(t *testing.T, env *storetest.Env, user string) *client.Client {
	t.Helper()
	c, err := client.New(client.Config{BaseURL: env.URL, Workstation: "client-test",
		Transport: apitest.Load(t).Transport(t, http.DefaultTransport), Now: env.Clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), user, store.DemoPassword); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

func TestTrainingEndpoints(t *testing.T) {
	env := storetest.StartDemo(t, 21, 10000)
	ctx := context.Background()
	trainer, det := demoLogin(t, env, "trainer"), demoLogin(t, env, "detective")
	exs, err := trainer.Exercises(ctx)
	if err != nil || len(exs) < 6 {
		t.Fatalf("Exercises = %d, %v", len(exs), err)
	}
	ex := exs[0]

	// Attempts: wrong, then right; a repeated idempotency key records once.
	key := client.WithIdempotencyKey("attempt-key-1")
	r1, err := det.Attempt(ctx, ex.ID, "0AAA000", key)
	if err != nil || r1.Correct || r1.Attempts != 1 || r1.Feedback == "" {
		t.Fatalf("wrong attempt = %+v %v", r1, err)
	}
	if r, err := det.Attempt(ctx, ex.ID, "0AAA000", key); err != nil || r.Attempts != 1 {
		t.Fatalf("replayed attempt = %+v %v", r, err)
	}
	r2, err := det.Attempt(ctx, ex.ID, ex.Answer)
	if err != nil || !r2.Correct || !r2.Solved || r2.Attempts != 2 {
		t.Fatalf("right attempt = %+v %v", r2, err)
	}
	if _, err := det.Attempt(ctx, ex.ID, ""); !errors.Is(err, client.ErrInvalidField) {
		t.Fatalf("empty answer = %v", err)
	}
	if _, err := det.Attempt(ctx, "no-such-exercise", "x"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("unknown exercise = %v", err)
	}

	// Progress: the trainer sees the class, the detective their own row.
	p, err := trainer.Progress(ctx)
	if err != nil || len(p.Trainees) < 3 {
		t.Fatalf("trainer Progress = %+v %v", p, err)
	}
	own, err := det.Progress(ctx)
	if err != nil || len(own.Trainees) != 1 || own.Trainees[0].Attempts != 2 || len(own.Trainees[0].Solved) != 1 {
		t.Fatalf("own Progress = %+v %v", own, err)
	}

	// Live: trainer only.
	if _, err := det.SetLive(ctx, true, 5); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("detective SetLive = %v", err)
	}
	if l, err := trainer.SetLive(ctx, true, 20); err != nil || !l.Running || l.Rate != 20 {
		t.Fatalf("SetLive on = %+v %v", l, err)
	}
	if l, err := det.Live(ctx); err != nil || !l.Running {
		t.Fatalf("Live = %+v %v", l, err)
	}
	if l, err := trainer.SetLive(ctx, false, 0); err != nil || l.Running || l.Rate != 20 {
		t.Fatalf("SetLive off = %+v %v", l, err)
	}

	// Reset: trainer only; clears attempts; a new seed gives new answers.
	if _, err := det.ResetTraining(ctx, nil); !errors.Is(err, client.ErrForbidden) {
		t.Fatalf("detective reset = %v", err)
	}
	seed := int64(22)
	rs, err := trainer.ResetTraining(ctx, &seed)
	if err != nil || rs.Seed != 22 || rs.Reads == 0 {
		t.Fatalf("ResetTraining = %+v %v", rs, err)
	}
	if own, err := det.Progress(ctx); err != nil || own.Trainees[0].Attempts != 0 || own.Seed != 22 {
		t.Fatalf("progress after reset = %+v %v", own, err)
	}
	if exs2, err := trainer.Exercises(ctx); err != nil || exs2[0].Answer == ex.Answer {
		t.Fatalf("exercises after reset: %v, same answer %v", err, exs2[0].Answer == ex.Answer)
	}
	if _, err := det.Attempt(ctx, ex.ID, ex.Answer); err != nil {
		t.Fatal(err)
	}
}

func TestTrainingOutsideDemo(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	tr := w.login(t, "trainer")
	if _, err := tr.Progress(ctx); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("Progress outside demo = %v", err)
	}
	if _, err := tr.Attempt(ctx, "partial-plate-robbery", "7ABC123"); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("Attempt outside demo = %v", err)
	}
	if _, err := tr.ResetTraining(ctx, nil); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("ResetTraining outside demo = %v", err)
	}
	if _, err := tr.Live(ctx); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("Live outside demo = %v", err)
	}
	if _, err := tr.SetLive(ctx, true, 0); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("SetLive outside demo = %v", err)
	}
}
