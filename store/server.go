// Package store is alprstore, the reference cloud store of plate reads: the
// v1 HTTP API of api/openapi.yaml on top of a Storage (embedded SQLite by default),
// with authentication and roles, the policy rules, the hash-chained audit
// trail, retention, camera ingest, the demo world and basemap tiles.
package store

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"alprdesk/api"
)

// Config configures a store.
type Config struct {
	// DBPath names the database: a file path (SQLite) or a postgres:// URL,
	// as Open understands it; in demo mode an empty path means the cached
	// demo database in the user cache directory.
	DBPath string
	// Open opens the storage DBPath names (required). Package store opens
	// no backend itself: callers pass store/open.Open, which chooses the
	// backend from the name.
	Open func(ctx context.Context, dsn string) (Storage, error)
	// RetentionDays is how long unretained reads are kept (default 30).
	RetentionDays int
	// MaxSearchResults is how many reads a search without a plate returns
	// across its pages (default api.DefaultMaxSearchResults).
	MaxSearchResults int
	// Demo serves a generated demo world; demo users log in with "demo".
	Demo bool
	// DemoSeed and DemoReads choose the demo world (defaults 1 and 200,000).
	DemoSeed  int64
	DemoReads int
	// DemoLive keeps demo cameras reading through the real ingest path at
	// DemoLiveRate reads per second (default 3).
	DemoLive     bool
	DemoLiveRate float64
	// BasemapPath is the GeoJSON file served as tiles at /tiles/.
	BasemapPath string
	// Now is the clock (default time.Now); tests inject their own.
	Now func() time.Time
	// Logf logs operational messages (default log.Printf).
	Logf func(string, ...any)
	// PasswordCost is the bcrypt cost of new password hashes (default
	// bcrypt.DefaultCost; tests use bcrypt.MinCost).
	PasswordCost int
	// PurgeEvery is the retention job's interval (default 1 hour; a
	// negative value disables the background job).
	PurgeEvery time.Duration
	// AlertKeepAlive is the interval of keep-alive comments on the alert
	// stream (default 15 s).
	AlertKeepAlive time.Duration
	// HotlistEvery is the hotlist job's interval: expiry, alert purge and
	// entries changed by another process (default 1 minute; negative
	// disables the job).
	HotlistEvery time.Duration
	// ImportDir holds state-list files (<list>.csv) imported at start and
	// every ImportEvery (default 24 h); "" imports nothing.
	ImportDir   string
	ImportEvery time.Duration
	// AuthRate is how many login, refresh and MFA attempts a client
	// address may make a minute (burst as many; default DefaultAuthRate).
	AuthRate int
	// TrustedProxies are the load balancers whose X-Forwarded-For names
	// the client address (and whose X-Forwarded-Proto: https means TLS).
	TrustedProxies []netip.Prefix
	// RequireMFA makes a second factor mandatory: users without one get
	// restricted tokens that reach only the routes that set one up.
	RequireMFA bool
	// CheckpointDir receives signed checkpoints of the audit chain's head
	// (<seq>.json) every CheckpointEvery (default 1 hour) and at shutdown,
	// signed with CheckpointKey; the chain is verified against them at
	// start.
	CheckpointDir   string
	CheckpointKey   ed25519.PrivateKey
	CheckpointEvery time.Duration
	// AllowBrokenChain starts a store whose audit chain does not verify,
	// serving only audit reads (503 chain_broken elsewhere).
	AllowBrokenChain bool
	// TimeZone is the store's time zone for the after-hours rule of the
	// review queue (default: the machine's).
	TimeZone *time.Location
}

// Server is a running store: storage, policy and HTTP handlers.
type Server struct {
	cfg     Config
	st      Storage
	policy  api.Policy
	mux     *http.ServeMux
	routes  []string
	demo    *demoState
	tiles   tileSource
	idemMu  sync.Mutex
	idemKey map[string]*sync.Mutex
	cancel  context.CancelFunc
	wg      sync.WaitGroup
	hot     *hotlistState
	train   *trainingState // training mode (training.go)
	node    string         // this node's name for job leases (cluster.go)
	// authLimit rate-limits sign-in attempts per client address.
	authLimit *rateLimiter
	// chainBroken: started with a broken chain (AllowBrokenChain).
	chainBroken bool
	// dummyHash is checked against the password of an unknown username, so
	// that a wrong password takes the same time whether the user exists.
	dummyHash []byte
	// scrubOwed: the last scrub after a purge failed, so the next purge
	// scrubs even when it removes nothing (Scrubber).
	scrubOwed atomic.Bool
}

// logAdvice logs what the storage advises about its database's settings
// (Advisor), or that it could not read them; it waits at most
// healthTimeout, so that start-up never hangs on it.
func (s *Server) logAdvice(ctx context.Context) {
	a, ok := s.st.(Advisor)
	if !ok {
		return
	}
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	lines, err := a.Advice(ctx)
	if err != nil {
		// Storage errors begin "store: " too; say it once.
		s.cfg.Logf("store: could not read the database's settings: %s", strings.TrimPrefix(err.Error(), "store: "))
	}
	for _, l := range lines {
		s.cfg.Logf("store: %s", l)
	}
}

// Open opens the database, prepares the demo world when asked, and starts
// the background jobs (retention purge, live demo cameras).
func Open(cfg Config) (*Server, error) {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logf == nil {
		cfg.Logf = log.Printf
	}
	if cfg.RetentionDays == 0 {
		cfg.RetentionDays = 30
	}
	if cfg.Open == nil {
		return nil, errors.New("store: no storage opener given (Config.Open)")
	}
	if cfg.RetentionDays < 1 {
		return nil, fmt.Errorf("store: retention of %d days is not allowed; give at least 1", cfg.RetentionDays)
	}
	if cfg.PasswordCost == 0 {
		cfg.PasswordCost = bcrypt.DefaultCost
	}
	if cfg.PurgeEvery == 0 {
		cfg.PurgeEvery = time.Hour
	}
	if cfg.AuthRate == 0 {
		cfg.AuthRate = DefaultAuthRate
	}
	if cfg.AuthRate < 1 {
		return nil, fmt.Errorf("store: an auth rate of %d a minute is not allowed; give at least 1", cfg.AuthRate)
	}
	if err := checkCheckpointConfig(cfg); err != nil {
		return nil, err
	}
	s := &Server{cfg: cfg, idemKey: map[string]*sync.Mutex{}, authLimit: newRateLimiter(cfg.AuthRate), node: newNodeID()}
	var err error
	if s.dummyHash, err = bcrypt.GenerateFromPassword([]byte(newToken("")), cfg.PasswordCost); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	s.policy = api.DefaultPolicy()
	s.policy.RetentionDays = cfg.RetentionDays
	if cfg.MaxSearchResults > 0 {
		s.policy.MaxSearchResults = cfg.MaxSearchResults
	}
	s.policy.Demo = cfg.Demo
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel = cancel
	if cfg.Demo {
		err = s.openDemo(ctx)
	} else {
		s.st, err = cfg.Open(ctx, cfg.DBPath)
	}
	if err != nil {
		cancel()
		return nil, err
	}
	if err := s.checkChainAtStart(ctx); err != nil {
		s.Close()
		return nil, err
	}
	s.logAdvice(ctx)
	if cfg.BasemapPath != "" {
		if s.tiles, err = loadTiles(cfg.BasemapPath); err != nil {
			s.Close()
			return nil, err
		}
	}
	s.routesInit()
	if err := s.hotlistInit(ctx); err != nil {
		s.Close()
		return nil, err
	}
	if c := s.cluster(); c != nil {
		s.goBackground(func() { s.listenLoop(ctx, c) })
	}
	if cfg.PurgeEvery > 0 {
		s.goBackground(func() { s.purgeLoop(ctx) })
	}
	s.trainingInit(ctx) // starts the live demo cameras when configured
	s.startCheckpoints(ctx)
	return s, nil
}

func (s *Server) goBackground(fn func()) {
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		fn()
	}()
}

// Handler returns the HTTP handler of the v1 API.
func (s *Server) Handler() http.Handler { return s.secureHeaders(http.HandlerFunc(s.serveHTTP)) }

// Storage returns the server's storage (for admin tools and benchmarks).
func (s *Server) Storage() Storage { return s.st }

// Policy returns the policy the store enforces.
func (s *Server) Policy() api.Policy { return s.policy }

// Close stops the background jobs and closes the storage.
func (s *Server) Close() error {
	s.cancel()
	s.wg.Wait()
	if s.st == nil {
		return nil
	}
	return s.st.Close()
}

// Routes lists the routes as "METHOD /path", paths as openapi.yaml writes
// them (the tile route as /tiles/{z}/{x}/{y}.png).
func (s *Server) Routes() []string {
	out := slices.Clone(s.routes)
	slices.Sort(out)
	return out
}

func (s *Server) now() time.Time { return s.cfg.Now().UTC() }

// purgeLoop runs the retention purge now and then every PurgeEvery (on
// one node at a time).
func (s *Server) purgeLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.PurgeEvery)
	defer t.Stop()
	for {
		s.leased(ctx, jobPurge, s.cfg.PurgeEvery, func() {
			if n, err := s.Purge(ctx); err != nil && ctx.Err() == nil {
				s.cfg.Logf("store: retention purge: %v", err)
			} else if n > 0 {
				s.cfg.Logf("store: retention purge removed %d reads", n)
			}
		})
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// IdempotencyKeep is how long the first answer of a request with an
// Idempotency-Key is kept (answers can hold plates).
const IdempotencyKeep = 24 * time.Hour

// Purge deletes what outlives the retention period (by the configured
// clock): the reads and photos captured more than RetentionDays ago except
// retained ones (with the dictionary plates and the alerts of those reads),
// the searches created before then that no retention names (with the reads
// they returned and their outcomes), and idempotent answers older than
// IdempotencyKeep. It audits the purge when it removed anything, then lets
// the backend wipe the deleted data's copies outside its tables (Scrubber;
// also after a purge that removed nothing when the last wipe failed), and
// returns how many reads were removed.
func (s *Server) Purge(ctx context.Context) (int, error) {
	now := s.now()
	cut := now.AddDate(0, 0, -s.cfg.RetentionDays)
	var n int
	removed := false
	err := s.st.Update(ctx, func(tx Tx) error {
		removed = false
		if err := tx.DeleteTokensBefore(now); err != nil {
			return err
		}
		if err := tx.DeleteMFATokensBefore(now); err != nil {
			return err
		}
		var err error
		if n, err = tx.PurgeReads(cut); err != nil {
			return err
		}
		alerts, err := tx.PurgeOrphanAlerts()
		if err != nil {
			return err
		}
		searches, err := tx.PurgeSearches(cut)
		if err != nil {
			return err
		}
		answers, err := tx.PurgeIdempotent(now.Add(-IdempotencyKeep))
		if err != nil || n+alerts+searches+answers == 0 {
			return err
		}
		removed = true
		q, _ := json.Marshal(map[string]any{"captured_before": cut.Format(time.RFC3339), "searches": searches,
			"alerts": alerts, "idempotent_answers": answers})
		return AppendAudit(tx, &api.AuditEntry{At: now, Actor: "system", Role: "system", Action: ActionPurge,
			Query: string(q), ResultCount: n})
	})
	if errors.Is(err, context.Canceled) {
		return n, nil
	}
	if err == nil && (removed || s.scrubOwed.Load()) {
		s.scrub(ctx)
	}
	return n, err
}

// scrub wipes what the purge deleted from the backend's places outside its
// live rows (Scrubber); a failure is logged and owed to the next purge.
func (s *Server) scrub(ctx context.Context) {
	sc, ok := s.st.(Scrubber)
	if !ok {
		return
	}
	err := sc.Scrub(ctx)
	s.scrubOwed.Store(err != nil)
	if err != nil {
		s.cfg.Logf("store: purge: scrub: %v", err)
	}
}
