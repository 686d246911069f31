package store_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"alprdesk/store"
	"alprdesk/store/open"
)

// TestResetSeedSurvivesRestart: a reset to another seed is what the next
// start of the same database serves, whatever seed it is started with.
func TestResetSeedSurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "demo.db")
	open := func() *store.Server {
		s, err := store.Open(store.Config{DBPath: path, Open: open.Open, Demo: true, DemoSeed: 3, DemoReads: 3000,
			PasswordCost: bcrypt.MinCost, PurgeEvery: -1, HotlistEvery: -1, Logf: t.Logf})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	s := open()
	before := s.World().Exercises()[0].Answer
	out, err := s.ResetTraining(context.Background(), 9, "cli:test", "admin", "")
	if err != nil || out.Seed != 9 || out.Reads == 0 {
		t.Fatalf("reset = %+v, %v", out, err)
	}
	after := s.World().Exercises()[0].Answer
	if after == before {
		t.Fatal("seed 9 has the answers of seed 3")
	}
	gen := s.World().Now()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s = open()
	defer s.Close()
	if got := s.World().Options().Seed; got != 9 {
		t.Fatalf("restart serves seed %d, want 9", got)
	}
	if s.World().Exercises()[0].Answer != after || !s.World().Now().Equal(gen.Truncate(time.Second)) {
		t.Fatal("restart serves another world than the reset made")
	}
}
