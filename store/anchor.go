package store

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"net/http"
	"slices"
	"time"

	"alprdesk/api"
)

// brokenChainRoutes are what a store started with --allow-broken-chain
// still serves: signing in, and reading the audit. Every other route
// answers 503 chain_broken.
var brokenChainRoutes = []string{
	"GET /healthz", "POST /v1/auth/login", "POST /v1/auth/mfa", "POST /v1/auth/refresh", "POST /v1/auth/logout",
	"GET /v1/me", "GET /v1/audit", "GET /v1/audit/verify", "GET /v1/audit/reviews",
}

// checkpoints loads the store's own signed checkpoints (none without a
// checkpoint directory).
func (s *Server) checkpoints() ([]Checkpoint, error) {
	if s.cfg.CheckpointDir == "" {
		return nil, nil
	}
	return LoadCheckpoints(s.cfg.CheckpointDir, s.cfg.CheckpointKey.Public().(ed25519.PublicKey))
}

// checkChainAtStart verifies the audit chain (links, the heads recorded
// inside it, the checkpoints) before the store serves anything. A broken
// chain stops the start unless AllowBrokenChain, which leaves the store
// serving only audit reads.
func (s *Server) checkChainAtStart(ctx context.Context) error {
	cps, err := s.checkpoints()
	if err != nil {
		return s.brokenChain(fmt.Errorf("store: audit checkpoints: %w", err))
	}
	var v api.AuditVerify
	err = s.st.View(ctx, func(tx ReadTx) error {
		v, err = verifyChain(tx, cps)
		return err
	})
	if err != nil {
		return err
	}
	if v.OK {
		return nil
	}
	return s.brokenChain(fmt.Errorf("store: the audit chain does not verify: first broken entry %d (of %d); investigate before serving, or start with --allow-broken-chain to serve only the audit",
		v.FirstBrokenSeq, v.Checked))
}

// brokenChain refuses the start, or, with AllowBrokenChain, notes the
// break and goes on in audit-only mode.
func (s *Server) brokenChain(err error) error {
	if !s.cfg.AllowBrokenChain {
		return err
	}
	s.chainBroken = true
	s.cfg.Logf("%v; serving only audit reads (--allow-broken-chain)", err)
	return nil
}

// ChainBroken reports whether the store runs in audit-only mode.
func (s *Server) ChainBroken() bool { return s.chainBroken }

// refuseBrokenChain answers 503 chain_broken for every route outside
// brokenChainRoutes while the chain is broken; true when it answered.
func (s *Server) refuseBrokenChain(w http.ResponseWriter, r *http.Request, pattern string) bool {
	if !s.chainBroken || slices.Contains(brokenChainRoutes, pattern) {
		return false
	}
	writeError(w, api.E(api.CodeChainBroken,
		"The store's audit chain does not verify, so it serves only the audit until an administrator has investigated."))
	return true
}

// startCheckpoints starts the checkpoint job when a directory is set.
func (s *Server) startCheckpoints(ctx context.Context) {
	if s.cfg.CheckpointDir == "" || s.chainBroken {
		return
	}
	if s.cfg.CheckpointEvery <= 0 {
		s.cfg.CheckpointEvery = CheckpointEvery
	}
	s.goBackground(func() { s.checkpointLoop(ctx) })
}

// checkCheckpointConfig checks the checkpoint settings before anything
// is opened.
func checkCheckpointConfig(cfg Config) error {
	switch {
	case cfg.CheckpointDir != "" && cfg.CheckpointKey == nil:
		return fmt.Errorf("store: a checkpoint directory needs a checkpoint key")
	case cfg.CheckpointDir == "" && cfg.CheckpointKey != nil:
		return fmt.Errorf("store: a checkpoint key needs a checkpoint directory")
	case cfg.CheckpointEvery < 0 || (cfg.CheckpointEvery > 0 && cfg.CheckpointEvery < time.Second):
		return fmt.Errorf("store: a checkpoint interval of %s is not allowed", cfg.CheckpointEvery)
	}
	return nil
}
