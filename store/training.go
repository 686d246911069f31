package store

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"alprdesk/api"
	"alprdesk/store/demo"
)

// Training mode of a demo store (issue 8): attempts at the exercises, the
// class's progress, reset for the next class and the live simulator. Every
// route answers 404 not_found outside demo mode and 403 forbidden to
// accounts that are not demo accounts.

// Audit actions of training mode.
const (
	ActionTrainingAttempt = "training_attempt"
	ActionTrainingReset   = "training_reset"
	ActionTrainingLive    = "training_live"
)

// maxAnswer is the longest answer accepted, in bytes.
const maxAnswer = 500

// defaultLiveRate is the live simulator's rate when none is configured.
const defaultLiveRate = 3

// trainingState is the training mode's running state: the live simulator
// and the lock that serialises resets.
type trainingState struct {
	ctx     context.Context // the server's; live runs stop with it
	resetMu sync.Mutex

	mu     sync.Mutex
	rate   float64
	cancel context.CancelFunc // of the running simulator; nil when stopped
	done   chan struct{}      // closed when the running simulator returned
}

// trainingInit prepares training mode and starts the live simulator when
// the configuration asks for it.
func (s *Server) trainingInit(ctx context.Context) {
	s.train = &trainingState{ctx: ctx, rate: s.cfg.DemoLiveRate}
	if !(s.train.rate > 0) {
		s.train.rate = defaultLiveRate
	}
	if s.cfg.Demo && s.cfg.DemoLive {
		s.train.mu.Lock()
		s.startLiveLocked()
		s.train.mu.Unlock()
	}
}

// startLiveLocked starts the simulator at the current rate (train.mu held,
// simulator stopped).
func (s *Server) startLiveLocked() {
	t := s.train
	ctx, cancel := context.WithCancel(t.ctx)
	done := make(chan struct{})
	t.cancel, t.done = cancel, done
	s.cfg.DemoLiveRate = t.rate // read by runLive; no simulator runs now
	s.goBackground(func() {
		defer close(done)
		s.runLive(ctx)
	})
}

// stopLiveLocked stops the simulator and waits for it (train.mu held). It
// reports whether it was running.
func (s *Server) stopLiveLocked() bool {
	t := s.train
	if t.cancel == nil {
		return false
	}
	t.cancel()
	<-t.done
	t.cancel, t.done = nil, nil
	return true
}

// liveState returns the simulator's state.
func (s *Server) liveState() api.TrainingLive {
	s.train.mu.Lock()
	defer s.train.mu.Unlock()
	running := s.train.cancel != nil
	if running {
		select {
		case <-s.train.done: // stopped by itself (an ingest error) or by Close
			running = false
		default:
		}
	}
	return api.TrainingLive{Running: running, Rate: s.train.rate}
}

// trainingCaller checks that training mode exists and the caller is a demo
// account (trainerOnly: a trainer).
func (s *Server) trainingCaller(sess *session, trainerOnly bool, what string) error {
	if s.demo == nil {
		return notFoundErr("Training mode exists only in a demo store.")
	}
	if !sess.user.Demo {
		return forbidden("Training mode is for demo accounts.")
	}
	if trainerOnly && sess.role() != api.RoleTrainer {
		return forbidden("Only a trainer may %s; you are signed in as %s.", what, sess.role())
	}
	return nil
}

// world returns the demo world in use.
func (s *Server) world() *demo.World { return s.demo.world.Load() }

// trainingAttempt: POST /v1/training/exercises/{id}/attempts.
func (s *Server) trainingAttempt(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := s.trainingCaller(sess, false, ""); err != nil {
		return err
	}
	id := r.PathValue("id")
	i := slices.IndexFunc(s.world().Exercises(), func(e api.Exercise) bool { return e.ID == id })
	if i < 0 {
		return notFoundErr("There is no training exercise %q.", id)
	}
	ex := s.world().Exercises()[i]
	var req api.AttemptRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	switch a := strings.TrimSpace(req.Answer); {
	case a == "":
		return invalid("answer", "is empty; write your answer to the question.")
	case len(a) > maxAnswer:
		return invalid("answer", "is longer than %d characters.", maxAnswer)
	}
	correct, feedback := newGrader(ex, s.world().Cameras()).grade(req.Answer)
	res := api.AttemptResult{ExerciseID: id, Correct: correct, Feedback: feedback, At: s.now().Truncate(time.Millisecond)}
	err := s.st.Update(r.Context(), func(tx Tx) error {
		if err := tx.InsertTrainingAttempt(TrainingAttempt{Username: sess.username(), ExerciseID: id,
			Answer: req.Answer, Correct: correct, At: res.At}); err != nil {
			return err
		}
		all, err := tx.TrainingAttempts(sess.username())
		if err != nil {
			return err
		}
		for _, a := range all {
			if a.ExerciseID == id {
				res.Attempts++
				res.Solved = res.Solved || a.Correct
			}
		}
		q, _ := json.Marshal(map[string]any{"exercise_id": id, "answer": req.Answer, "correct": correct})
		return AppendAudit(tx, &api.AuditEntry{At: res.At, Actor: sess.username(), Role: sess.role(),
			Action: ActionTrainingAttempt, ReportNumber: ex.ReportNumber, PurposeCategory: ex.PurposeCategory,
			Query: string(q), ResultCount: countOf(correct), Workstation: workstation(r)})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, res)
}

// trainingProgress: GET /v1/training/progress (a trainer sees the class, a
// trainee themself).
func (s *Server) trainingProgress(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := s.trainingCaller(sess, false, ""); err != nil {
		return err
	}
	trainer := sess.role() == api.RoleTrainer
	who := sess.username()
	if trainer {
		who = ""
	}
	var users []UserRecord
	var attempts []TrainingAttempt
	var tallies []SearchTally
	var since time.Time
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		if users, err = tx.ListUsers(); err != nil {
			return err
		}
		if attempts, err = tx.TrainingAttempts(who); err != nil {
			return err
		}
		seq, err := tx.TrainingSince()
		if err != nil {
			return err
		}
		if seq > 0 {
			if e, err := tx.GetAudit(seq); err == nil {
				since = e.At
			}
		}
		tallies, err = tx.SearchTallies(seq)
		return err
	})
	if err != nil {
		return err
	}
	if since.IsZero() {
		since = s.world().Now()
	}
	out := buildProgress(s.world().Exercises(), users, attempts, tallies, func(u *UserRecord, active bool) bool {
		if !trainer {
			return u.Username == sess.username()
		}
		return active || slices.Contains(classRoles, u.Role)
	})
	out.Since, out.Seed = &since, s.world().Options().Seed
	return writeJSON(w, http.StatusOK, out)
}

// classRoles are the roles a trainer's class view always lists.
var classRoles = []string{api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor}

// buildProgress tallies the class: a row for every user include accepts
// (active: the user has attempts or searches), in username order.
func buildProgress(exs []api.Exercise, users []UserRecord, attempts []TrainingAttempt, tallies []SearchTally,
	include func(u *UserRecord, active bool) bool) api.TrainingProgress {
	out := api.TrainingProgress{Exercises: []string{}, Trainees: []api.TraineeProgress{}}
	col := map[string]int{}
	for i, e := range exs {
		out.Exercises = append(out.Exercises, e.ID)
		col[e.ID] = i
	}
	rows := map[string]*api.TraineeProgress{}
	for i := range users {
		u := &users[i]
		active := slices.ContainsFunc(attempts, func(a TrainingAttempt) bool { return a.Username == u.Username }) ||
			slices.ContainsFunc(tallies, func(t SearchTally) bool { return t.Actor == u.Username })
		if !include(u, active) {
			continue
		}
		p := &api.TraineeProgress{Username: u.Username, DisplayName: u.DisplayName, Role: u.Role,
			Solved: []string{}, Refusals: []api.ReasonCount{}, Exercises: make([]api.ExerciseProgress, len(exs))}
		for j, e := range exs {
			p.Exercises[j].ExerciseID = e.ID
		}
		rows[u.Username] = p
	}
	for _, a := range attempts {
		p, ok := rows[a.Username]
		j, known := col[a.ExerciseID]
		if !ok || !known {
			continue
		}
		ep := &p.Exercises[j]
		p.Attempts++
		ep.Attempts++
		ep.LastAnswer = a.Answer
		if a.Correct && !ep.Solved {
			at := a.At
			ep.Solved, ep.SolvedAt = true, &at
		}
	}
	for _, t := range tallies {
		p, ok := rows[t.Actor]
		if !ok {
			continue
		}
		p.Searches += t.Count
		if t.Outcome == api.OutcomeRefused {
			p.Refused += t.Count
			addReason(p, t.Reason, t.Count)
		}
	}
	for _, u := range users {
		p, ok := rows[u.Username]
		if !ok {
			continue
		}
		for _, ep := range p.Exercises {
			if ep.Solved {
				p.Solved = append(p.Solved, ep.ExerciseID)
			}
		}
		slices.SortStableFunc(p.Refusals, func(a, b api.ReasonCount) int { return b.Count - a.Count })
		out.Trainees = append(out.Trainees, *p)
	}
	return out
}

// addReason adds n refusals of code reason to p.
func addReason(p *api.TraineeProgress, reason string, n int) {
	if reason == "" {
		reason = "unknown"
	}
	for i := range p.Refusals {
		if p.Refusals[i].Reason == reason {
			p.Refusals[i].Count += n
			return
		}
	}
	p.Refusals = append(p.Refusals, api.ReasonCount{Reason: reason, Count: n})
}

// trainingReset: POST /v1/training/reset (trainer).
func (s *Server) trainingReset(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := s.trainingCaller(sess, true, "reset the class"); err != nil {
		return err
	}
	var req api.TrainingResetRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	seed := s.world().Options().Seed
	if req.Seed != nil {
		if *req.Seed < 0 {
			return invalid("seed", "must be 0 or more, not %d.", *req.Seed)
		}
		seed = *req.Seed
	}
	// The reset runs to its end even when the caller goes away.
	out, err := s.ResetTraining(context.WithoutCancel(r.Context()), seed, sess.username(), sess.role(), workstation(r))
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// ResetTraining re-seeds a demo store's world for the next class: the live
// simulator pauses, the class's data is deleted (see trainingTx), the world
// of seed is generated (read times laid relative to now) and its hotlists
// loaded, and the reset is audited. The audit trail is never deleted;
// progress counts the trail after the reset's entry.
func (s *Server) ResetTraining(ctx context.Context, seed int64, actor, role, ws string) (api.TrainingReset, error) {
	if s.demo == nil {
		return api.TrainingReset{}, notFoundErr("Training mode exists only in a demo store.")
	}
	s.train.resetMu.Lock()
	defer s.train.resetMu.Unlock()
	s.train.mu.Lock()
	defer s.train.mu.Unlock()
	wasLive := s.stopLiveLocked()
	if wasLive {
		defer s.startLiveLocked()
	}
	reads := s.world().Options().Reads
	start := time.Now()
	nw := demo.New(demo.Options{Seed: seed, Reads: reads, Now: s.now()})
	out := api.TrainingReset{Seed: seed, GeneratedAt: nw.Now()}
	err := s.st.Update(ctx, func(tx Tx) error {
		q, _ := json.Marshal(map[string]any{"seed": seed, "reads": reads, "previous_seed": s.world().Options().Seed})
		e := &api.AuditEntry{At: s.now(), Actor: actor, Role: role, Action: ActionTrainingReset,
			Query: string(q), Workstation: ws}
		if err := AppendAudit(tx, e); err != nil {
			return err
		}
		out.AuditSeq = e.Seq
		if err := tx.ResetTraining(e.Seq, seed); err != nil {
			return err
		}
		return tx.BumpHotlistGeneration()
	})
	if err != nil {
		return out, err
	}
	// From here on every caller sees the new world (one atomic swap).
	s.demo.world.Store(nw)
	n, err := s.st.BulkInsertReads(ctx, func(put func(*ReadRecord) error) error {
		return nw.Reads(func(m api.ReadMeta) error {
			m.CapturedAt = m.CapturedAt.UTC().Truncate(time.Millisecond)
			return put(&ReadRecord{Meta: m})
		})
	})
	if err != nil {
		return out, fmt.Errorf("store: reset: generate reads: %w", err)
	}
	out.Reads = n
	if err := s.st.SetMeta(ctx, metaDemoGenerated, nw.Now().Format(time.RFC3339)); err != nil {
		return out, err
	}
	if err := s.loadDemoHotlists(ctx); err != nil {
		return out, err
	}
	if err := s.reloadHotlists(ctx); err != nil {
		return out, err
	}
	s.cfg.Logf("store: training reset by %s: seed %d, %d reads in %s", actor, seed, n, time.Since(start).Round(time.Millisecond))
	return out, nil
}

// trainingLive: GET /v1/training/live (demo users).
func (s *Server) trainingLive(w http.ResponseWriter, _ *http.Request, sess *session) error {
	if err := s.trainingCaller(sess, false, ""); err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.liveState())
}

// setTrainingLive: POST /v1/training/live (trainer) starts, stops or
// changes the rate of the live simulator.
func (s *Server) setTrainingLive(w http.ResponseWriter, r *http.Request, sess *session) error {
	if err := s.trainingCaller(sess, true, "control the live cameras"); err != nil {
		return err
	}
	var req api.TrainingLive
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Rate < 0 || req.Rate > 1000 || req.Rate != req.Rate {
		return invalid("rate", "must be between 0 (keep the current rate) and 1000 reads a second, not %v.", req.Rate)
	}
	s.train.mu.Lock()
	s.stopLiveLocked()
	if req.Rate > 0 {
		s.train.rate = req.Rate
	}
	if req.Running {
		s.startLiveLocked()
	}
	out := api.TrainingLive{Running: req.Running, Rate: s.train.rate}
	s.train.mu.Unlock()
	err := s.st.Update(r.Context(), func(tx Tx) error {
		q, _ := json.Marshal(out)
		return AppendAudit(tx, &api.AuditEntry{At: s.now(), Actor: sess.username(), Role: sess.role(),
			Action: ActionTrainingLive, Query: string(q), Workstation: workstation(r)})
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, out)
}

// storedDemoSeed returns the seed of the world in the database: the one a
// training reset recorded, or else the configured one.
func (s *Server) storedDemoSeed(ctx context.Context) (int64, error) {
	v, err := s.st.Meta(ctx, MetaDemoSeed)
	if err != nil || v == "" {
		return s.cfg.DemoSeed, err
	}
	seed, err := strconv.ParseInt(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("store: demo database %s: bad seed %q", s.cfg.DBPath, v)
	}
	return seed, nil
}

// countOf is the result count of an attempt's audit entry: 1 when correct.
func countOf(correct bool) int {
	if correct {
		return 1
	}
	return 0
}
