package ui

import (
	"context"
	"fmt"
	"time"
)

// runs is the one way background work returns to the UI. A screen owns a
// runs; each piece of work it starts off the UI goroutine is a run, begun
// on the UI goroutine with start(key). A run's result is applied (through
// uiDo, on the UI goroutine) only while its screen is still shown and no
// newer run of the same key has started: a second search supersedes the
// first, leaving the screen supersedes all its runs. A superseded run's
// context is cancelled, so the network call stops too.
//
// Values a goroutine needs are copied on the UI goroutine before it starts
// (into the closure's own variables); the goroutine reads no widget or
// screen field, and only the function given to apply touches them.
//
// All methods are called on the UI goroutine, except apply, which the
// goroutine calls and which hops to the UI goroutine itself.
type runs struct {
	parent  context.Context
	stopAll context.CancelFunc
	latest  map[string]*run
	each    int // numbers the runs of startEach
	stopped bool
}

// run is one piece of background work of a screen.
type run struct {
	rs       *runs
	key      string
	ctx      context.Context
	cancel   context.CancelFunc
	prev     *run          // startAfter: the run this one waits for
	finished chan struct{} // closed once the goroutine handed back its result
}

// newRuns makes the runs of a new screen.
func newRuns() *runs {
	ctx, cancel := context.WithCancel(context.Background())
	return &runs{parent: ctx, stopAll: cancel, latest: map[string]*run{}}
}

// start begins a run of key with a timeout, superseding (and cancelling)
// the previous run of the same key.
func (rs *runs) start(key string, timeout time.Duration) *run {
	if old := rs.latest[key]; old != nil {
		old.cancel()
	}
	return rs.begin(key, timeout)
}

// begin makes r the current run of key.
func (rs *runs) begin(key string, timeout time.Duration) *run {
	ctx, cancel := context.WithTimeout(rs.parent, timeout)
	r := &run{rs: rs, key: key, ctx: ctx, cancel: cancel, finished: make(chan struct{})}
	if !rs.stopped {
		rs.latest[key] = r
	}
	return r
}

// startAfter begins a run of key that supersedes the previous one without
// cancelling it, and whose goroutine first waits (wait) until that one's
// call has returned: the store sees the calls in the order the user made
// them (live mode on, then off, ends off).
func (rs *runs) startAfter(key string, timeout time.Duration) *run {
	prev := rs.latest[key]
	r := rs.begin(key, timeout)
	r.prev = prev
	return r
}

// wait blocks (in the run's goroutine) until the run it was started after
// has returned, or r's own context ends.
func (r *run) wait() {
	if r.prev == nil {
		return
	}
	select {
	case <-r.prev.finished:
	case <-r.ctx.Done():
	}
}

// startEach begins a run that no later run supersedes (each verdict sent
// is applied); only leaving the screen drops it.
func (rs *runs) startEach(kind string, timeout time.Duration) *run {
	rs.each++
	return rs.start(fmt.Sprintf("%s#%d", kind, rs.each), timeout)
}

// drop ends the current run of key without applying its result.
func (rs *runs) drop(key string) {
	if r := rs.latest[key]; r != nil {
		r.cancel()
		delete(rs.latest, key)
	}
}

// cancel cancels the current run of key; it stays current, so its result
// (a cancellation error) is still applied.
func (rs *runs) cancel(key string) bool {
	if r := rs.latest[key]; r != nil && r.ctx.Err() == nil {
		r.cancel()
		return true
	}
	return false
}

// busy reports whether a run of key is current and not yet applied.
func (rs *runs) busy(key string) bool { return rs.latest[key] != nil }

// stop ends every run: none of their results is applied any more (the
// screen was left or closed).
func (rs *runs) stop() {
	rs.stopped = true
	rs.stopAll()
	clear(rs.latest)
}

// current reports whether r is still the run of its key on a shown screen.
func (r *run) current() bool { return !r.rs.stopped && r.rs.latest[r.key] == r }

// Context is the run's context: cancelled when the run is superseded, its
// screen stops, or its timeout passes.
func (r *run) Context() context.Context { return r.ctx }

// apply runs fn on the UI goroutine if r is still current then; either way
// the run ends there (its context is released).
func (r *run) apply(fn func()) {
	uiDo(func() {
		r.cancel()
		if !r.current() {
			return
		}
		delete(r.rs.latest, r.key)
		fn()
	})
	close(r.finished) // after the hand-over: a test that waits for it finds fn queued
}

// onScreen is apply for work that has no key of its own (one run per
// call): fn runs on the UI goroutine only while the screen is shown.
func (rs *runs) onScreen(fn func()) {
	uiDo(func() {
		if !rs.stopped {
			fn()
		}
	})
}
