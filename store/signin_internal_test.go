package store

import (
	"path/filepath"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// TestDummyHashCostsLikeARealOne: an unknown username's wrong password
// runs bcrypt at the cost of real password hashes, so it takes as long.
func TestDummyHashCostsLikeARealOne(t *testing.T) {
	s, err := Open(Config{DBPath: filepath.Join(t.TempDir(), "s.db"), PasswordCost: bcrypt.MinCost + 1, PurgeEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if c, err := bcrypt.Cost(s.dummyHash); err != nil || c != bcrypt.MinCost+1 {
		t.Fatalf("dummy hash cost %d (%v), want %d", c, err, bcrypt.MinCost+1)
	}
}
