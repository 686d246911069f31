package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// DefaultAlertKeepAlive is the interval of keep-alive comments on the
// alert stream.
const DefaultAlertKeepAlive = 15 * time.Second

// streamBatch bounds the alerts read from storage at once for a stream.
const streamBatch = 200

// hotlistState is the server's in-memory side of hotlists: the index of
// active entries matched on ingest, the change generation it was built
// from, and the hub that wakes alert streams.
type hotlistState struct {
	idx    atomic.Pointer[hotIndex]
	gen    atomic.Int64
	loadMu sync.Mutex
	hub    alertHub
}

// hotIndex holds the active entries by plate and state (exact matches)
// and by canonical plate (look-alike matches).
type hotIndex struct {
	exact map[string][]*HotlistEntryRecord
	canon map[string][]*HotlistEntryRecord
	size  int
}

func exactKey(p, state string) string { return p + "|" + state }

func buildIndex(es []HotlistEntryRecord) *hotIndex {
	x := &hotIndex{exact: make(map[string][]*HotlistEntryRecord, len(es)), canon: make(map[string][]*HotlistEntryRecord, len(es)), size: len(es)}
	for i := range es {
		e := &es[i]
		k := exactKey(e.Plate, e.State)
		x.exact[k] = append(x.exact[k], e)
		c := plate.Canonical(e.Plate)
		x.canon[c] = append(x.canon[c], e)
	}
	return x
}

// hit is one entry a read matched.
type hit struct {
	entry *HotlistEntryRecord
	match string
}

// match returns the entries active at now that a read of plate p in state
// matches: exactly (plate and state), or possibly (the same look-alike
// form, another plate text or state).
func (x *hotIndex) match(p, state string, now time.Time) []hit {
	if x == nil || x.size == 0 {
		return nil
	}
	var out []hit
	for _, e := range x.exact[exactKey(p, state)] {
		if e.ExpiresAt.After(now) {
			out = append(out, hit{e, api.MatchExact})
		}
	}
	for _, e := range x.canon[plate.Canonical(p)] {
		if (e.Plate != p || e.State != state) && e.ExpiresAt.After(now) {
			out = append(out, hit{e, api.MatchPossible})
		}
	}
	return out
}

// alertHub wakes the open alert streams when alerts are stored.
type alertHub struct {
	mu   sync.Mutex
	subs map[chan struct{}]struct{}
	once sync.Once
	done chan struct{}
}

// closed is closed when the server shuts its streams down.
func (h *alertHub) closed() <-chan struct{} {
	h.once.Do(func() { h.done = make(chan struct{}) })
	return h.done
}

// CloseStreams ends every open alert stream (before an HTTP server's
// Shutdown, which waits for open requests); clients resume elsewhere with
// Last-Event-ID.
func (s *Server) CloseStreams() {
	if s.hot == nil {
		return
	}
	done := s.hot.hub.closed()
	s.hot.hub.mu.Lock()
	defer s.hot.hub.mu.Unlock()
	select {
	case <-done:
	default:
		close(s.hot.hub.done)
	}
}

func (h *alertHub) subscribe() chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.subs == nil {
		h.subs = map[chan struct{}]struct{}{}
	}
	c := make(chan struct{}, 1)
	h.subs[c] = struct{}{}
	return c
}

func (h *alertHub) unsubscribe(c chan struct{}) {
	h.mu.Lock()
	defer h.mu.Unlock()
	delete(h.subs, c)
}

// notify wakes every stream; a stream already due to wake is not queued twice.
func (h *alertHub) notify() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for c := range h.subs {
		select {
		case c <- struct{}{}:
		default:
		}
	}
}

// alertID is the API id of the alert with storage sequence seq.
func AlertID(seq int64) string { return "al_" + strconv.FormatInt(seq, 10) }

// parseAlertID returns the sequence of an alert id ("al_12" or "12").
func parseAlertID(id string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimPrefix(strings.TrimSpace(id), "al_"), 10, 64)
	return n, err == nil && n >= 0
}

// hotlistInit loads the demo world's hotlists (in demo mode), builds the
// index and starts the hotlist and import jobs.
func (s *Server) hotlistInit(ctx context.Context) error {
	s.hot = &hotlistState{}
	if s.cfg.AlertKeepAlive == 0 {
		s.cfg.AlertKeepAlive = DefaultAlertKeepAlive
	}
	if s.cfg.HotlistEvery == 0 {
		s.cfg.HotlistEvery = time.Minute
	}
	if s.cfg.ImportEvery == 0 {
		s.cfg.ImportEvery = 24 * time.Hour
	}
	if s.cfg.ImportDir != "" {
		if fi, err := os.Stat(s.cfg.ImportDir); err != nil || !fi.IsDir() {
			return fmt.Errorf("store: the import folder %s is not a readable folder", s.cfg.ImportDir)
		}
	}
	if s.demo != nil {
		if err := s.loadDemoHotlists(ctx); err != nil {
			return err
		}
	}
	if err := s.reloadHotlists(ctx); err != nil {
		return err
	}
	if s.cfg.HotlistEvery > 0 {
		s.goBackground(func() { s.hotlistLoop(ctx) })
	}
	if s.cfg.ImportDir != "" {
		s.goBackground(func() { s.importLoop(ctx) })
	}
	return nil
}

// loadDemoHotlists adds the demo world's state-list entries (once).
func (s *Server) loadDemoHotlists(ctx context.Context) error {
	now := s.now()
	return s.st.Update(ctx, func(tx Tx) error {
		added := 0
		for _, e := range s.world().Hotlists() {
			err := tx.InsertHotlistEntry(&HotlistEntryRecord{HotlistEntry: e, CreatedAt: now, Status: EntryActive})
			if errors.Is(err, ErrExists) {
				continue
			}
			if err != nil {
				return err
			}
			added++
		}
		if added == 0 {
			return nil
		}
		return tx.BumpHotlistGeneration()
	})
}

// reloadHotlists rebuilds the index of active entries from storage.
func (s *Server) reloadHotlists(ctx context.Context) error {
	s.hot.loadMu.Lock()
	defer s.hot.loadMu.Unlock()
	var es []HotlistEntryRecord
	var gen int64
	err := s.st.View(ctx, func(tx ReadTx) error {
		var err error
		if gen, err = tx.HotlistGeneration(); err != nil {
			return err
		}
		es, err = tx.ActiveHotlistEntries(s.now())
		return err
	})
	if err != nil {
		s.cfg.Logf("store: load hotlists: %v", err)
		return err
	}
	s.hot.idx.Store(buildIndex(es))
	s.hot.gen.Store(gen)
	return nil
}

// hotlistLoop expires entries and purges orphan alerts (on one node at a
// time), and picks up entries changed by another process or node whose
// notification this node missed, every HotlistEvery.
func (s *Server) hotlistLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.HotlistEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		s.leased(ctx, jobHotlistExpiry, s.cfg.HotlistEvery, func() {
			if n, err := s.ExpireHotlists(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logf("store: hotlist expiry: %v", err)
			} else if n > 0 {
				s.cfg.Logf("store: %d hotlist entries expired", n)
			}
		})
		var gen int64
		err := s.st.View(ctx, func(tx ReadTx) error {
			var err error
			gen, err = tx.HotlistGeneration()
			return err
		})
		if err == nil && gen != s.hot.gen.Load() {
			s.reloadHotlists(ctx)
		}
	}
}

// storeRead stores a read in tx and records an alert for every active
// sameCamera answers 409 duplicate_id when the stored read with m's id
// came from another camera: a camera's repeated upload is a duplicate, but
// another camera's read is never silently dropped.
func sameCamera(tx Tx, m *api.ReadMeta) error {
	old, err := tx.GetRead(m.ID)
	if err != nil {
		return err
	}
	if old.Camera.ID != m.CameraID {
		return api.E(api.CodeDuplicateID,
			"The read id %s is already used by a read of another camera (%s); give this read an id of its own.", m.ID, old.Camera.ID)
	}
	return nil
}

// hotlist entry it matches; hits counts them.
func (s *Server) storeRead(tx Tx, rec *ReadRecord, hits *int) (bool, error) {
	dup, err := tx.InsertRead(rec)
	if err != nil {
		return false, err
	}
	if dup {
		return true, sameCamera(tx, &rec.Meta)
	}
	now := s.now().Truncate(time.Millisecond)
	if err := countAt(tx, now, CounterReads, "", 1); err != nil {
		return false, err
	}
	matches := s.hot.idx.Load().match(rec.Meta.Plate, rec.Meta.State, now)
	if len(matches) == 0 {
		return false, nil
	}
	read, err := tx.GetRead(rec.Meta.ID)
	if err != nil {
		return false, err
	}
	for _, m := range matches {
		a := api.Alert{Read: *read, Entry: m.entry.HotlistEntry, List: m.entry.List, Match: m.match,
			Instructions: m.entry.Instructions, Contact: m.entry.Contact, At: now,
			Check: HitCheck(*read, m.entry.HotlistEntry, s.policy.Colors)}
		ar := &AlertRecord{ReadID: read.ID, EntryID: m.entry.ID, List: a.List, Match: a.Match,
			RequestedBy: m.entry.RequestedBy, At: now}
		err := tx.InsertAlert(ar, func(seq int64) ([]byte, error) {
			a.ID = AlertID(seq)
			return json.Marshal(a)
		})
		if err != nil {
			return false, err
		}
		if err := countAt(tx, now, CounterHit, a.List, 1); err != nil {
			return false, err
		}
		*hits++
	}
	return false, nil
}

// alertsStored wakes the alert streams after a commit that stored hits.
func (s *Server) alertsStored(n int) {
	if n > 0 && s.hot != nil {
		s.hot.hub.notify()
	}
}

// viewer returns who sess is for alert routing.
func viewer(sess *session) AlertViewer {
	role := sess.role()
	return AlertViewer{Username: sess.username(), Approver: role == api.RoleApprover,
		Patrol: role == api.RoleDetective || role == api.RoleWatchCommander}
}

// canSeeAlert: covert hits reach only the requester and approvers; alert
// and state lists reach detectives, watch commanders and the requester.
func canSeeAlert(v AlertViewer, a *AlertRecord) bool {
	if a.RequestedBy != "" && a.RequestedBy == v.Username {
		return true
	}
	if a.List == api.ListCovert {
		return v.Approver
	}
	return v.Patrol
}

// streamRoles may follow the alert stream.
var streamRoles = []string{api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor, api.RoleApprover}

func checkAlertUser(sess *session) *api.Error {
	if !slices.Contains(streamRoles, sess.role()) {
		return forbidden("The role %s receives no hotlist alerts.", sess.role())
	}
	if sess.user.TrainedOn == "" {
		return api.E(api.CodeTrainingRequired,
			"%s has no ALPR training on record; hotlist alerts are shown only after training.", sess.username())
	}
	return nil
}

// alertStream: GET /v1/alerts/stream (server-sent events).
func (s *Server) alertStream(w http.ResponseWriter, r *http.Request, sess *session) error {
	if e := checkAlertUser(sess); e != nil {
		return e
	}
	fl, ok := w.(http.Flusher)
	if !ok {
		return fmt.Errorf("alert stream: the response cannot be flushed")
	}
	v := viewer(sess)
	last, err := s.streamStart(r, sess)
	if err != nil {
		return err
	}
	wake := s.hot.hub.subscribe()
	defer s.hot.hub.unsubscribe(wake)
	// The server's ReadTimeout bounds reading requests; a stream reads
	// nothing more and lives until the caller leaves, so it lifts it.
	_ = http.NewResponseController(w).SetReadDeadline(time.Time{})
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, ": alerts for "+sess.username()+"\n\n"); err != nil {
		return nil
	}
	fl.Flush()
	send := func() error {
		for {
			var as []AlertRecord
			var data [][]byte
			err := s.st.View(r.Context(), func(tx ReadTx) error {
				var err error
				if as, err = tx.AlertsAfter(last, v, streamBatch); err != nil {
					return err
				}
				data = make([][]byte, len(as))
				for i := range as {
					if data[i], err = s.servedData(tx, &as[i]); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				return err
			}
			for i, a := range as {
				if _, err := fmt.Fprintf(w, "id: %s\nevent: hit\ndata: %s\n\n", AlertID(a.Seq), data[i]); err != nil {
					return err
				}
				last = a.Seq
			}
			fl.Flush()
			if len(as) < streamBatch {
				return nil
			}
		}
	}
	keep := time.NewTicker(s.cfg.AlertKeepAlive)
	defer keep.Stop()
	for {
		if err := send(); err != nil {
			return nil // the connection is gone or storage failed; the client resumes
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-s.hot.hub.closed():
			return nil
		case <-wake:
		case <-keep.C:
			if _, err := s.authUser(r); err != nil {
				return nil // the token expired or was revoked: the client signs in again and resumes
			}
			if _, err := fmt.Fprint(w, ": keep-alive\n\n"); err != nil {
				return nil
			}
		}
	}
}

// streamStart audits a stream's start and returns the sequence it resumes
// after: Last-Event-ID, or the newest alert when there is none.
func (s *Server) streamStart(r *http.Request, sess *session) (int64, error) {
	lastID := strings.TrimSpace(r.Header.Get(api.HeaderLastEventID))
	var last int64
	if lastID != "" {
		var ok bool
		if last, ok = parseAlertID(lastID); !ok {
			return 0, api.E(api.CodeInvalidField,
				"The Last-Event-ID header holds %q, which is not an alert id such as al_12.", lastID)
		}
	}
	e := hotlistAudit(sess, r, ActionAlertStream, "", map[string]string{"last_event_id": lastID}, s.now())
	err := s.st.Update(r.Context(), func(tx Tx) error {
		if lastID == "" {
			var err error
			if last, err = tx.LastAlertSeq(); err != nil {
				return err
			}
		}
		return AppendAudit(tx, e)
	})
	return last, err
}

// reachAlert checks that the caller received the alert alertID and that
// it was raised by read id; the case context is the entry's report number.
func (s *Server) reachAlert(tx Tx, sess *session, alertIDText, id string) (*SearchRecord, *api.Read, error) {
	a, al, err := s.recipientAlert(tx, sess, alertIDText)
	if err != nil {
		return nil, nil, err
	}
	rec := &SearchRecord{Username: sess.username(), Request: api.SearchRequest{CaseContext: api.CaseContext{
		ReportNumber: al.Entry.ReportNumber, PurposeCategory: listCategory(al.List),
		Purpose: fmt.Sprintf("Hotlist hit %s (%s match) on the %s list", al.ID, al.Match, al.List)}}}
	if a.ReadID != id {
		return rec, nil, forbidden("The alert %s was raised by the read %s, not %s.", al.ID, a.ReadID, id)
	}
	read, err := tx.GetRead(id)
	if errors.Is(err, ErrNotFound) {
		return rec, nil, notFoundErr("There is no read %s (it may have passed its retention period).", id)
	}
	if err != nil {
		return nil, nil, err
	}
	return rec, read, nil
}

// recipientAlert returns an alert the caller received; a covert alert
// of someone else is not found, any other alert not sent to them is
// forbidden.
func (s *Server) recipientAlert(tx Tx, sess *session, idText string) (*AlertRecord, *api.Alert, error) {
	if e := checkAlertUser(sess); e != nil {
		return nil, nil, e
	}
	seq, ok := parseAlertID(idText)
	var a *AlertRecord
	err := ErrNotFound
	if ok {
		a, err = tx.GetAlert(seq)
	}
	v := viewer(sess)
	if errors.Is(err, ErrNotFound) || (err == nil && a.List == api.ListCovert && !canSeeAlert(v, a)) {
		return nil, nil, notFoundErr("There is no alert %s.", idText)
	}
	if err != nil {
		return nil, nil, err
	}
	if !canSeeAlert(v, a) {
		return nil, nil, forbidden("The alert %s was not sent to you.", idText)
	}
	var al api.Alert
	if err := json.Unmarshal(a.Data, &al); err != nil {
		return nil, nil, fmt.Errorf("store: alert %s: %w", idText, err)
	}
	return a, &al, nil
}

// listCategory is the purpose category of a hit on a list.
func listCategory(list string) string {
	switch list {
	case api.ListStolenVehicles, api.ListStolenPlates:
		return "stolen_vehicle"
	case api.ListFelonyWants:
		return "felony_want"
	}
	return ""
}

// ackAlert: POST /v1/alerts/{id}/ack {note}, only after the caller
// verified the alert's read through the alert.
func (s *Server) ackAlert(w http.ResponseWriter, r *http.Request, sess *session) error {
	var body api.AckRequest
	if err := decodeJSON(w, r, &body); err != nil {
		return err
	}
	id := r.PathValue("id")
	now := s.now().Truncate(time.Millisecond)
	ack := api.AlertAck{AlertID: id, By: sess.username(), Note: strings.TrimSpace(body.Note), At: now}
	e := hotlistAudit(sess, r, ActionAlertAck, "", map[string]string{"alert_id": id}, now)
	e.Purpose = ack.Note
	err := s.audited(r.Context(), e, func(tx Tx) error {
		if e := checkText("note", ack.Note, false, 0, 500); e != nil {
			return e
		}
		a, al, err := s.recipientAlert(tx, sess, id)
		if err != nil {
			return err
		}
		e.ReportNumber, e.PurposeCategory = al.Entry.ReportNumber, listCategory(a.List)
		ack.AlertID = al.ID
		ok, err := tx.AlertVerified(al.ID, sess.username())
		if err != nil {
			return err
		}
		if !ok {
			return api.E(api.CodeVerificationRequired,
				"Verify the photo of the read %s through this alert first (confirmed, misread, wrong state or unreadable); officers always check a hit before acting on it.", a.ReadID)
		}
		err = tx.InsertAlertAck(ack)
		if errors.Is(err, ErrExists) {
			return api.E(api.CodeConflict, "You already acknowledged the alert %s.", al.ID)
		}
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, ack)
}
