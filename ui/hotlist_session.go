package ui

import (
	"context"
	"errors"

	"alprdesk/api"
	"alprdesk/client"
)

// HotlistSession is the hotlist and alert side of a Session: requests and
// their decisions, the active entries, and the live alert stream with its
// photo, verification and acknowledgement (DESIGN.md rule 7). The adapter
// over client/ implements it; screens reach it through HotlistsOf.
type HotlistSession interface {
	// RequestHotlist files a request; queued is true when the store could
	// not be reached and the request waits in the outbox.
	RequestHotlist(ctx context.Context, b api.HotlistRequestBody) (req *api.HotlistRequest, queued bool, err error)
	// HotlistRequests lists the user's requests (an approver's: all).
	HotlistRequests(ctx context.Context) ([]api.HotlistRequest, error)
	// DecideHotlistRequest approves or denies a request (approvers).
	DecideHotlistRequest(ctx context.Context, id string, approve bool, reason string) (*api.HotlistRequest, error)
	// HotlistEntries lists the active entries the user may see.
	HotlistEntries(ctx context.Context) ([]api.HotlistEntry, error)
	// RemoveHotlistEntry ends an entry early (approvers, admins).
	RemoveHotlistEntry(ctx context.Context, id, reason string) error
	// FollowAlerts calls fn for every hit until ctx ends, resuming after
	// lastID; state reports the stream's connection.
	FollowAlerts(ctx context.Context, lastID string, fn func(api.Alert), state func(connected bool, err error)) error
	// AlertPhoto fetches a hit's photo through the alert.
	AlertPhoto(ctx context.Context, readID, alertID string) ([]byte, error)
	// VerifyAlert records a verdict on a hit's read through the alert and
	// returns the alert's check as it now stands.
	VerifyAlert(ctx context.Context, readID string, req api.VerificationRequest) (*api.AlertCheck, error)
	// AckAlert acknowledges a verified hit.
	AckAlert(ctx context.Context, alertID, note string) error
	// RecordOutcome records what the user did about a hit (once per hit).
	RecordOutcome(ctx context.Context, alertID string, req api.OutcomeRequest) (*api.AlertOutcome, error)
}

// HotlistsOf returns the hotlist side of a session, or nil when it has none.
func HotlistsOf(s Session) HotlistSession {
	h, _ := s.(HotlistSession)
	return h
}

// RequestHotlist sends the request; when the store is unreachable it goes
// to the outbox and is delivered once the store answers again.
func (s *clientSession) RequestHotlist(ctx context.Context, b api.HotlistRequestBody) (*api.HotlistRequest, bool, error) {
	r, err := s.cl.RequestHotlist(ctx, b)
	if s.note(err) == nil {
		return r, false, nil
	}
	if errors.Is(err, client.ErrOffline) && s.cache != nil {
		if _, qerr := s.cache.EnqueueHotlistRequest(b); qerr == nil {
			return nil, true, nil
		}
	}
	return nil, false, err
}

// HotlistRequests lists the user's requests (an approver's: all).
func (s *clientSession) HotlistRequests(ctx context.Context) ([]api.HotlistRequest, error) {
	r, err := s.cl.HotlistRequests(ctx)
	return r, s.note(err)
}

// DecideHotlistRequest approves or denies a request.
func (s *clientSession) DecideHotlistRequest(ctx context.Context, id string, approve bool, reason string) (*api.HotlistRequest, error) {
	r, err := s.cl.DecideHotlistRequest(ctx, id, approve, reason)
	return r, s.note(err)
}

// HotlistEntries lists the active entries the user may see.
func (s *clientSession) HotlistEntries(ctx context.Context) ([]api.HotlistEntry, error) {
	r, err := s.cl.HotlistEntries(ctx)
	return r, s.note(err)
}

// RemoveHotlistEntry ends an entry early, with a reason.
func (s *clientSession) RemoveHotlistEntry(ctx context.Context, id, reason string) error {
	return s.note(s.cl.RemoveHotlistEntry(ctx, id, reason))
}

// lastAlertSetting keeps the id of the last hit shown, so that a restarted
// workstation resumes the stream after it and loses no hit.
const lastAlertSetting = "alerts_last_event_id"

// FollowAlerts follows the stream, resuming after the last hit this
// workstation showed (kept in the cache) when lastID is empty.
func (s *clientSession) FollowAlerts(ctx context.Context, lastID string, fn func(api.Alert), state func(bool, error)) error {
	if lastID == "" && s.cache != nil {
		if v, ok, err := s.cache.Setting(lastAlertSetting); err == nil && ok {
			lastID = v
		}
	}
	return s.cl.Subscribe(ctx, lastID, func(a api.Alert) {
		fn(a)
		if s.cache != nil {
			_ = s.cache.SetSetting(lastAlertSetting, a.ID)
		}
	}, client.OnStreamState(state))
}

// AlertPhoto fetches a hit's photo through the alert (audited by the store).
func (s *clientSession) AlertPhoto(ctx context.Context, readID, alertID string) ([]byte, error) {
	b, err := s.cl.Photo(ctx, readID, client.ByAlert(alertID))
	return b, s.note(err)
}

// VerifyAlert records a verdict on a hit's read through the alert.
func (s *clientSession) VerifyAlert(ctx context.Context, readID string, req api.VerificationRequest) (*api.AlertCheck, error) {
	res, err := s.cl.VerifyAlertRead(ctx, readID, req)
	if s.note(err) != nil {
		return nil, err
	}
	return res.Check, nil
}

// AckAlert acknowledges a hit the user verified.
func (s *clientSession) AckAlert(ctx context.Context, alertID, note string) error {
	return s.note(s.cl.AckAlert(ctx, alertID, note))
}

// RecordOutcome records what the user did about a hit.
func (s *clientSession) RecordOutcome(ctx context.Context, alertID string, req api.OutcomeRequest) (*api.AlertOutcome, error) {
	o, err := s.cl.RecordOutcome(ctx, alertID, req)
	return o, s.note(err)
}
