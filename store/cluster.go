package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strconv"
	"sync"
	"time"
)

// Cluster is implemented by a Storage that several store nodes share (the
// PostgreSQL backend). Through it the nodes act as one store: periodic jobs
// run on one node at a time under a lease, requests with the same
// Idempotency-Key wait for each other whichever node they reach, and a
// change committed by one node (hotlists, alerts) wakes every node. A
// Storage without it serves a single node, which runs every job itself and
// learns of its own changes directly.
type Cluster interface {
	// Listen calls fn with every event committed through this storage by
	// any node (EventHotlists, EventAlerts), from one goroutine, until ctx
	// ends. It reconnects by itself, and after every (re)connection it
	// calls fn(EventResync), since notifications may have been missed
	// meanwhile. It returns ctx's error.
	Listen(ctx context.Context, fn func(event string)) error
	// TryLease takes, or renews for its holder, the lease of job for ttl:
	// true when holder has it now, false while another holder's lease runs.
	TryLease(ctx context.Context, job, holder string, ttl time.Duration) (bool, error)
	// LockKey waits for and holds the cluster-wide lock named key until
	// unlock is called (or this node dies: the database then releases it).
	LockKey(ctx context.Context, key string) (unlock func(), err error)
}

// Events a Cluster delivers.
const (
	// EventHotlists: hotlist entries changed (the hotlist generation moved).
	EventHotlists = "hotlists"
	// EventAlerts: alerts were stored.
	EventAlerts = "alerts"
	// EventResync: notifications may have been missed; reload everything.
	EventResync = "resync"
)

// Periodic jobs run under a lease on a Cluster.
const (
	jobPurge         = "purge"
	jobHotlistExpiry = "hotlist_expiry"
	jobImport        = "state_list_import"
	jobCheckpoint    = "audit_checkpoint"
)

// listenRetry is the pause before Listen is called again after it failed.
const listenRetry = 2 * time.Second

// cluster returns the storage's Cluster, nil for a single-node storage.
func (s *Server) cluster() Cluster {
	c, _ := s.st.(Cluster)
	return c
}

// newNodeID names this node for leases: host, process and a random part,
// so that a restarted process is a new holder.
func newNodeID() string {
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return host + "/" + strconv.Itoa(os.Getpid()) + "/" + hex.EncodeToString(b)
}

// leased runs fn when this node holds job's lease (always on a single-node
// storage). The lease lasts 1.5 intervals, so the node that has it keeps it
// while it lives and another node takes over within 1.5 intervals of its
// death. Every job is safe to run twice; the lease only saves the work.
func (s *Server) leased(ctx context.Context, job string, every time.Duration, fn func()) {
	c := s.cluster()
	if c == nil {
		fn()
		return
	}
	ok, err := c.TryLease(ctx, job, s.node, every+every/2)
	if err != nil {
		if ctx.Err() == nil {
			s.cfg.Logf("store: lease %s: %v", job, err)
		}
		return
	}
	if ok {
		fn()
	}
}

// listenLoop keeps this node's caches and alert streams in step with the
// other nodes: a hotlist change rebuilds the matcher, stored alerts wake
// the streams (which read what is new from the database), and a resync
// does both.
func (s *Server) listenLoop(ctx context.Context, c Cluster) {
	for ctx.Err() == nil {
		err := c.Listen(ctx, func(event string) { s.clusterEvent(ctx, event) })
		if ctx.Err() != nil {
			return
		}
		s.cfg.Logf("store: listening for other nodes' changes: %v; retrying", err)
		select {
		case <-ctx.Done():
		case <-time.After(listenRetry):
		}
	}
}

// clusterEvent applies one event of the Cluster.
func (s *Server) clusterEvent(ctx context.Context, event string) {
	switch event {
	case EventHotlists:
		s.reloadHotlists(ctx)
	case EventAlerts:
		s.hot.hub.notify()
	case EventResync:
		s.reloadHotlists(ctx)
		s.hot.hub.notify()
	}
}

// lockKey holds the lock of an idempotency key: cluster-wide on a Cluster,
// else within this node.
func (s *Server) lockKey(ctx context.Context, k string) (func(), error) {
	if c := s.cluster(); c != nil {
		return c.LockKey(ctx, "idempotency\x00"+k)
	}
	m := s.keyLock(k)
	m.Lock()
	return m.Unlock, nil
}

// keyLock returns this node's mutex of key k.
func (s *Server) keyLock(k string) *sync.Mutex {
	s.idemMu.Lock()
	defer s.idemMu.Unlock()
	m, ok := s.idemKey[k]
	if !ok {
		m = &sync.Mutex{}
		s.idemKey[k] = m
	}
	return m
}
