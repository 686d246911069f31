//go:build !windows

package machine

import (
	"os"
	"path/filepath"
	"testing"
)

func TestLoadFile(t *testing.T) {
	if s, err := loadFile(filepath.Join(t.TempDir(), "absent.conf")); err != nil || s != (Settings{}) {
		t.Fatalf("absent file: %+v, %v", s, err)
	}
	p := filepath.Join(t.TempDir(), "alprdesk.conf")
	if err := os.WriteFile(p, []byte("StoreURL = https://alpr.agency.example\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := loadFile(p)
	if err != nil || s.StoreURL != "https://alpr.agency.example" || s.Source != p {
		t.Fatalf("got %+v, %v", s, err)
	}
}
