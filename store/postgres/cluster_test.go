package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/store"
	"alprdesk/store/postgres"
	"alprdesk/store/postgres/pgtest"
)

// openPair opens two storages (two nodes) on one fresh database.
func openPair(t *testing.T) (a, b *postgres.Storage) {
	t.Helper()
	_, nodes := openNodes(t, 2)
	return nodes[0], nodes[1]
}

// openNodes opens n storages (nodes) on one fresh database, closed when t
// ends, and returns the database's URL with them.
func openNodes(t *testing.T, n int) (string, []*postgres.Storage) {
	t.Helper()
	dsn := pgtest.DSN(t)
	nodes := make([]*postgres.Storage, n)
	for i := range nodes {
		st, err := postgres.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		nodes[i] = st
	}
	return dsn, nodes
}

// TestLeases: a job's lease has one holder at a time; the holder renews
// it; another node takes it once it ran out.
func TestLeases(t *testing.T) {
	a, b := openPair(t)
	ctx := context.Background()
	lease := func(st *postgres.Storage, holder string, ttl time.Duration) bool {
		t.Helper()
		ok, err := st.TryLease(ctx, "purge", holder, ttl)
		if err != nil {
			t.Fatal(err)
		}
		return ok
	}
	// Long leases while the test checks that they hold (a loaded machine
	// once took more than a short lease's 300 ms between two calls); the
	// holder's renewal sets a short one, whose expiry the test then waits for.
	if !lease(a, "node-a", time.Minute) {
		t.Fatal("a free lease was refused")
	}
	if lease(b, "node-b", time.Minute) {
		t.Fatal("a running lease was taken by another node")
	}
	if ok, err := b.TryLease(ctx, "import", "node-b", time.Minute); err != nil || !ok {
		t.Fatalf("another job's lease: %v %v", ok, err)
	}
	if !lease(a, "node-a", 300*time.Millisecond) {
		t.Fatal("the holder could not renew its lease")
	}
	time.Sleep(400 * time.Millisecond)
	if !lease(b, "node-b", time.Minute) {
		t.Fatal("an expired lease was not taken over")
	}
	if lease(a, "node-a", time.Minute) {
		t.Fatal("the old holder took back a lease another node holds")
	}
}

// TestLockKeyAcrossNodes: a key locked by one node makes the other wait
// until it is unlocked; a wait that gives up holds nothing.
func TestLockKeyAcrossNodes(t *testing.T) {
	a, b := openPair(t)
	ctx := context.Background()
	unlock, err := a.LockKey(ctx, "detective\x00key-1")
	if err != nil {
		t.Fatal(err)
	}
	short, cancel := context.WithTimeout(ctx, 200*time.Millisecond)
	defer cancel()
	if _, err := b.LockKey(short, "detective\x00key-1"); err == nil {
		t.Fatal("a locked key was locked again by another node")
	}
	other, err := b.LockKey(ctx, "detective\x00key-2")
	if err != nil {
		t.Fatalf("another key: %v", err)
	}
	other()
	var mu sync.Mutex
	var order []string
	done := make(chan struct{})
	go func() {
		defer close(done)
		u, err := b.LockKey(ctx, "detective\x00key-1")
		if err != nil {
			t.Error(err)
			return
		}
		mu.Lock()
		order = append(order, "b locked")
		mu.Unlock()
		u()
	}()
	time.Sleep(200 * time.Millisecond)
	mu.Lock()
	order = append(order, "a unlocks")
	mu.Unlock()
	unlock()
	<-done
	if len(order) != 2 || order[0] != "a unlocks" {
		t.Fatalf("order %v: node B did not wait for node A", order)
	}
}

// TestListenDeliversCommittedEvents: a node hears the events other nodes
// commit (after a resync when it connects), and nothing of a rolled-back
// transaction.
func TestListenDeliversCommittedEvents(t *testing.T) {
	a, b := openPair(t)
	ctx, cancel := context.WithCancel(context.Background())
	events := make(chan string, 16)
	done := make(chan error, 1)
	go func() { done <- a.Listen(ctx, func(e string) { events <- e }) }()
	next := func() string {
		t.Helper()
		select {
		case e := <-events:
			return e
		case <-time.After(5 * time.Second):
			t.Fatal("no event within 5 s")
			return ""
		}
	}
	if e := next(); e != store.EventResync {
		t.Fatalf("first event %q, want %q", e, store.EventResync)
	}
	rollback := errors.New("roll back")
	err := b.Update(context.Background(), func(tx store.Tx) error {
		if err := tx.BumpHotlistGeneration(); err != nil {
			return err
		}
		return rollback
	})
	if !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	if err := b.Update(context.Background(), func(tx store.Tx) error { return tx.BumpHotlistGeneration() }); err != nil {
		t.Fatal(err)
	}
	if e := next(); e != store.EventHotlists {
		t.Fatalf("event %q, want %q", e, store.EventHotlists)
	}
	select {
	case e := <-events:
		t.Fatalf("an extra event %q (the rolled-back change?)", e)
	case <-time.After(300 * time.Millisecond):
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Listen ended with %v", err)
	}
}

// racePlate stores one read of plate p captured at at through st.
func racePlate(t *testing.T, st *postgres.Storage, id, p string, at time.Time) {
	t.Helper()
	err := st.Update(context.Background(), func(tx store.Tx) error {
		_, err := tx.InsertRead(&store.ReadRecord{Meta: api.ReadMeta{ID: id, CameraID: "cam-a", CapturedAt: at, Plate: p, State: "CA"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// heldPlate stores one read of plate p through st in a transaction that
// stays open, holding its plate id uncommitted, until let is called; the
// transaction's outcome then comes on done.
func heldPlate(t *testing.T, st *postgres.Storage, id, p string, at time.Time) (let func(), done <-chan error) {
	t.Helper()
	stored, release, out := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		out <- st.Update(context.Background(), func(tx store.Tx) error {
			_, err := tx.InsertRead(&store.ReadRecord{Meta: api.ReadMeta{ID: id, CameraID: "cam-a", CapturedAt: at, Plate: p, State: "CA"}})
			close(stored)
			<-release
			return err
		})
	}()
	select {
	case <-stored:
	case err := <-out:
		t.Fatalf("storing %s: %v", id, err)
	}
	return sync.OnceFunc(func() { close(release) }), out
}

// purgeBefore purges the reads before cut through st.
func purgeBefore(st *postgres.Storage, cut time.Time) error {
	return st.Update(context.Background(), func(tx store.Tx) error {
		_, err := tx.PurgeReads(cut)
		return err
	})
}

// foundByPlate checks that read id is stored and that a search for its
// plate finds it (a read naming a deleted plate id is neither).
func foundByPlate(t *testing.T, st *postgres.Storage, id, p string) {
	t.Helper()
	err := st.View(context.Background(), func(tx store.ReadTx) error {
		if _, err := tx.GetRead(id); err != nil {
			return err
		}
		pat, _ := plate.ParsePattern(p)
		page, err := tx.SearchReads(&store.ReadQuery{Pattern: pat, Limit: 10, CountCap: 10})
		if err != nil {
			return err
		}
		if len(page.Reads) != 1 || page.Reads[0].ID != id {
			return fmt.Errorf("a search for %s found %d reads", p, len(page.Reads))
		}
		return nil
	})
	if err != nil {
		t.Fatalf("read %s of %s after the purge of orphan plates: %v", id, p, err)
	}
}

// TestPlatePurgeAgainstIngestOnOtherNodes: the purge of orphan plates on
// one node never leaves a read stored on another node naming a deleted
// plate id, whether that node's cache still holds the id (it has not heard
// of the purge) or its transaction was storing the read while the purge
// ran.
func TestPlatePurgeAgainstIngestOnOtherNodes(t *testing.T) {
	a, b := openPair(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	old, cut := now.AddDate(0, 0, -40), now.AddDate(0, 0, -30)

	t.Run("stale_cache", func(t *testing.T) {
		// A caches 7RACE01's id; B purges its only read, and the plate.
		racePlate(t, a, "old-1", "7RACE01", old)
		if err := purgeBefore(b, cut); err != nil {
			t.Fatal(err)
		}
		racePlate(t, a, "new-1", "7RACE01", now.Add(-time.Hour))
		foundByPlate(t, a, "new-1", "7RACE01")
	})

	t.Run("in_flight", func(t *testing.T) {
		racePlate(t, a, "old-2", "7RACE02", old)
		let, ingest := heldPlate(t, a, "new-2", "7RACE02", now.Add(-time.Hour))
		defer let() // a failure below must not leave the transaction open
		purge := make(chan error, 1)
		go func() { purge <- purgeBefore(b, cut) }()
		select {
		case err := <-purge:
			t.Fatalf("the purge of orphan plates ended (%v) while a read naming one was being stored", err)
		case <-time.After(500 * time.Millisecond):
		}
		let()
		if err := <-ingest; err != nil {
			t.Fatal(err)
		}
		if err := <-purge; err != nil {
			t.Fatal(err)
		}
		foundByPlate(t, a, "new-2", "7RACE02")
	})
}
