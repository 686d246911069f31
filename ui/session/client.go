package session

import (
	"context"
	"errors"
	"log"
	"sync"
	"sync/atomic"
	"time"

	"alprdesk/api"
	"alprdesk/cache"
	"alprdesk/client"
)

// ClientConnector opens sessions through client/ and cache/: credentials
// in the OS keyring, results and photos in the encrypted cache (in memory
// only when there is no keyring), verdicts made offline in its outbox.
type ClientConnector struct {
	// CAFile is a PEM file of the agency's CA certificates (optional).
	CAFile string
	// Workstation is sent as X-Workstation (the host name when empty).
	Workstation string
	// CacheDir holds the caches and the login settings (cache.DefaultDir() when empty).
	CacheDir string
	// StableName, when set, names the keyring entries and the cache in
	// place of the store's host: a demo store listens on a random port, and
	// its sessions keep one keyring entry (removed at sign-out) instead of
	// one per start.
	StableName string
}

// host names the store in keyring entries and cache files.
func (c *ClientConnector) host(cl *client.Client) string {
	if c.StableName != "" {
		return c.StableName
	}
	return cl.Host()
}

func (c *ClientConnector) dir() string {
	if c.CacheDir != "" {
		return c.CacheDir
	}
	d, err := cache.DefaultDir()
	if err != nil {
		return ""
	}
	return d
}

// Remembered is the server and username of the last sign-in.
func (c *ClientConnector) Remembered() (server, username string) {
	s, err := cache.LoadLoginSettings(c.dir())
	if err != nil {
		log.Printf("alprdesk: %v", err)
	}
	return s.Server, s.Username
}

// Remember keeps the server and username for the next start.
func (c *ClientConnector) Remember(server, username string) error {
	return cache.SaveLoginSettings(c.dir(), cache.LoginSettings{Server: server, Username: username, CAFile: c.CAFile})
}

func (c *ClientConnector) newClient(server string) (*client.Client, *client.Keyring, error) {
	cl, err := client.New(client.Config{BaseURL: server, CAFile: c.CAFile, Workstation: c.Workstation})
	if err != nil {
		return nil, nil, err
	}
	k := client.NewKeyring(cl)
	k.Host = c.host(cl)
	return cl, k, nil
}

// Login signs in with the password and keeps the session in the keyring.
func (c *ClientConnector) Login(ctx context.Context, server, username, password string) (Session, error) {
	cl, k, err := c.newClient(server)
	if err != nil {
		return nil, configError(err)
	}
	_, err = cl.LoginAndRemember(ctx, k, username, password)
	noKeyring := errors.Is(err, client.ErrNoKeyring)
	if err != nil && !noKeyring {
		return nil, secondFactor(cl, err, func() Session { return c.open(cl, k, username, k.Available() != nil) })
	}
	return c.open(cl, k, username, noKeyring), nil
}

// Resume signs in from the keyring; a locked saved session comes back
// locked (its password unlocks it).
func (c *ClientConnector) Resume(ctx context.Context, server, username string) (Session, bool, error) {
	cl, k, err := c.newClient(server)
	if err != nil {
		return nil, false, nil
	}
	_, err = cl.SignInFromKeyring(ctx, k, username)
	switch {
	case err == nil:
		return c.open(cl, k, username, false), false, nil
	case errors.Is(err, client.ErrSessionLocked):
		return c.open(cl, k, username, false), true, nil
	case errors.Is(err, client.ErrNoSavedSession), errors.Is(err, client.ErrSessionExpired), errors.Is(err, client.ErrNoKeyring):
		return nil, false, nil
	}
	return nil, false, err
}

// open builds the session and its cache: on disk under the keyring's key,
// or in memory when there is no keyring.
func (c *ClientConnector) open(cl *client.Client, k *client.Keyring, username string, noKeyring bool) *clientSession {
	s := &clientSession{cl: cl, k: k, username: username, noKeyring: noKeyring}
	opt := cache.Options{Store: c.host(cl), User: username, Logf: log.Printf}
	var err error
	if key, kerr := k.CacheKey(); kerr == nil && !noKeyring {
		opt.Key = key
		s.cache, err = cache.Open(c.dir(), opt)
		var oe *cache.OpenError
		if errors.As(err, &oe) && oe.MovedTo != "" {
			log.Printf("alprdesk: %v", err)
			s.cache, err = cache.Open(c.dir(), opt)
		}
	}
	if s.cache == nil {
		if err != nil {
			log.Printf("alprdesk: the cache could not be opened, keeping it in memory: %v", err)
		}
		s.cache, err = cache.OpenMemory(opt)
		if err != nil {
			log.Printf("alprdesk: no cache: %v", err)
		}
	}
	return s
}

// configError turns a client configuration refusal into an InputError
// with a sentence.
func configError(err error) error {
	if errors.Is(err, client.ErrInsecure) {
		return InputError("Plain http:// is allowed only to this computer; use the store's https:// address.")
	}
	return InputError("The store address is not valid: use a full address such as https://alpr.example.gov.")
}

// clientSession implements Session over a client.Client and a cache.Cache.
type clientSession struct {
	cl        *client.Client
	k         *client.Keyring
	cache     *cache.Cache
	username  string
	noKeyring bool
	offline   atomic.Bool
	recent    []api.CaseContext // used when there is no cache

	mu       sync.Mutex
	captured map[string]time.Time // capture time of reads shown, so cached photos expire with them
}

// note records whether the store answered; when it did, the outbox is
// delivered in the background.
func (s *clientSession) note(err error) error {
	off := errors.Is(err, client.ErrOffline)
	was := s.offline.Swap(off)
	if !off && (was || err == nil) {
		go s.deliver()
	}
	return err
}

// deliver sends what waits in the outbox.
func (s *clientSession) deliver() {
	if s.cache == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if _, err := s.cache.Deliver(ctx, cache.SendWith(s.cl)); err != nil && !errors.Is(err, client.ErrOffline) {
		log.Printf("alprdesk: outbox delivery: %v", err)
	}
}

func (s *clientSession) User() api.User {
	u := s.cl.User()
	if u.Username == "" {
		u.Username = s.username
	}
	return u
}

func (s *clientSession) StoreHost() string { return s.cl.Host() }

// NoKeyring reports that the OS keyring could not be used: the password is
// asked each time and nothing is cached on disk.
func (s *clientSession) NoKeyring() bool { return s.noKeyring }

func (s *clientSession) Online() bool { return !s.offline.Load() }

func (s *clientSession) TileURL() string { return s.cl.BaseURL() + "/tiles/%d/%d/%d.png" }

func (s *clientSession) Policy(ctx context.Context) (api.Policy, error) {
	p, err := s.cl.Policy(ctx)
	if s.note(err) != nil {
		return api.Policy{}, err
	}
	if s.cache != nil && p.RetentionDays > 0 {
		_ = s.cache.SetRetentionDays(p.RetentionDays)
	}
	return *p, nil
}

func (s *clientSession) Cameras(ctx context.Context) ([]api.Camera, error) {
	cs, err := s.cl.Cameras(ctx)
	return cs, s.note(err)
}

func (s *clientSession) Search(ctx context.Context, req api.SearchRequest) (*api.SearchResponse, error) {
	r, err := s.cl.Search(ctx, req)
	if s.note(err) == nil {
		s.remember(r.Results)
		if s.cache != nil {
			if cerr := s.cache.PutSearch(req, r); cerr != nil {
				log.Printf("alprdesk: caching results: %v", cerr)
			}
		}
	}
	return r, err
}

// remember keeps the capture time of reads the user has been shown.
func (s *clientSession) remember(reads []api.Read) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.captured == nil {
		s.captured = make(map[string]time.Time)
	}
	for _, r := range reads {
		s.captured[r.ID] = r.CapturedAt
	}
}

// capturedAt is when a read shown to the user was captured; unknown reads
// count as captured now.
func (s *clientSession) capturedAt(readID string) time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.captured[readID]; ok {
		return t
	}
	return time.Now()
}

// Photo fetches from the store (so that the view is audited) and keeps a
// copy; when the store is unreachable the cached copy is shown.
func (s *clientSession) Photo(ctx context.Context, readID, searchID string) ([]byte, error) {
	b, err := s.cl.Photo(ctx, readID, client.BySearch(searchID))
	if s.note(err) == nil {
		if s.cache != nil {
			_ = s.cache.PutPhoto(readID, s.capturedAt(readID), b)
		}
		return b, nil
	}
	if errors.Is(err, client.ErrOffline) && s.cache != nil {
		if c, cerr := s.cache.Photo(readID); cerr == nil {
			return c, nil
		}
	}
	return nil, err
}

// Verify sends the verdict; when the store is unreachable it goes to the
// outbox and is delivered once the store answers again. With a cache the
// verdict is written to the outbox before it is sent, under one
// idempotency key, so a send that timed out after reaching the store is
// never recorded twice and verdicts keep their order.
func (s *clientSession) Verify(ctx context.Context, readID string, req api.VerificationRequest) (bool, error) {
	if s.cache != nil {
		_, queued, err := s.cache.VerifyOrQueue(ctx, s.cl, readID, req)
		if queued {
			s.note(err)
			return true, nil
		}
		return false, s.note(err)
	}
	// Without a keyring nothing is kept on disk, so there is no outbox.
	_, err := s.cl.Verify(ctx, readID, req)
	return false, s.note(err)
}

func (s *clientSession) Export(ctx context.Context, req api.ExportRequest) (*api.ExportResponse, error) {
	r, err := s.cl.Export(ctx, req)
	return r, s.note(err)
}

func (s *clientSession) Exercises(ctx context.Context) ([]api.Exercise, error) {
	ex, err := s.cl.Exercises(ctx)
	return ex, s.note(err)
}

func (s *clientSession) RecentCases() []api.CaseContext {
	if s.cache != nil {
		if cs, err := s.cache.RecentCases(); err == nil {
			return cs
		}
	}
	return append([]api.CaseContext(nil), s.recent...)
}

func (s *clientSession) RememberCase(c api.CaseContext) {
	if s.cache != nil && s.cache.AddRecentCase(c) == nil {
		return
	}
	out := []api.CaseContext{c}
	for _, r := range s.recent {
		if r != c && len(out) < 10 {
			out = append(out, r)
		}
	}
	s.recent = out
}

func (s *clientSession) Lock() error { return s.cl.Lock() }

func (s *clientSession) Unlock(ctx context.Context, password string) error {
	_, err := s.cl.LoginAndRemember(ctx, s.k, s.username, password)
	if errors.Is(err, client.ErrNoKeyring) {
		err = nil
	}
	return secondFactor(s.cl, s.note(err), func() Session { return s })
}

func (s *clientSession) Logout(ctx context.Context) error {
	err := s.cl.Logout(ctx)
	_ = s.k.Delete(s.username)
	if s.cache != nil {
		_ = s.cache.Close()
	}
	return err
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

func (s *clientSession) Audit(ctx context.Context, q AuditQuery) (*api.AuditPage, error) {
	p, err := s.cl.Audit(ctx, client.AuditQuery(q))
	return p, s.note(err)
}

func (s *clientSession) AuditSample(ctx context.Context, month string, size int) (*api.AuditSample, error) {
	r, err := s.cl.AuditSample(ctx, month, size)
	return r, s.note(err)
}

func (s *clientSession) ReviewAudit(ctx context.Context, req api.AuditReviewRequest) (*api.AuditReview, error) {
	r, err := s.cl.ReviewAudit(ctx, req)
	return r, s.note(err)
}

func (s *clientSession) AuditReviews(ctx context.Context, month string) ([]api.AuditReview, error) {
	r, err := s.cl.AuditReviews(ctx, month)
	return r, s.note(err)
}

func (s *clientSession) Efficacy(ctx context.Context, from, to time.Time) (*api.Efficacy, error) {
	r, err := s.cl.Efficacy(ctx, from, to)
	return r, s.note(err)
}

func (s *clientSession) SetSearchOutcome(ctx context.Context, searchID, outcome, note string) (*api.SearchOutcomeRecord, error) {
	r, err := s.cl.SetSearchOutcome(ctx, searchID, outcome, note)
	return r, s.note(err)
}
