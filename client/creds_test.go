package client

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/zalando/go-keyring"
)

// needKeyring skips only when no Secret Service answers.
func needKeyring(t *testing.T) {
	t.Helper()
	probe := "probe-" + uuid.NewString()
	err := keyring.Set(KeyringService, probe, "x")
	if err != nil {
		if os.Getenv("ALPR_REQUIRE_KEYRING") != "" {
			t.Fatalf("ALPR_REQUIRE_KEYRING is set but no Secret Service answers: %v", err)
		}
		t.Skipf("no Secret Service reachable (%v); run under dbus-run-session with gnome-keyring-daemon (scripts/test.sh does)", err)
	}
	keyring.Delete(KeyringService, probe)
}

func testKeyring(t *testing.T) *Keyring {
	k := &Keyring{Host: "test-" + uuid.NewString()[:8] + ":8080", Now: time.Now}
	t.Cleanup(func() {
		for _, u := range []string{"detective", "watch_commander"} {
			k.Delete(u)
		}
		k.DeleteCacheKey()
	})
	return k
}

func TestKeyringSessionEntries(t *testing.T) {
	needKeyring(t)
	k := testKeyring(t)
	if err := k.Available(); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Load("detective"); !errors.Is(err, ErrNoSavedSession) {
		t.Fatalf("Load of nothing = %v", err)
	}
	exp := time.Now().Add(8 * time.Hour).UTC().Truncate(time.Second)
	if err := k.Save("detective", SavedSession{RefreshToken: "rt-1", Expires: exp}); err != nil {
		t.Fatal(err)
	}
	// The raw entry, as any keyring tool shows it: token, expiry, lock; no password.
	raw, err := keyring.Get(KeyringService, "detective@"+k.Host)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains([]byte(raw), []byte(`"refresh_token":"rt-1"`)) || !bytes.Contains([]byte(raw), []byte(`"locked":false`)) {
		t.Fatalf("raw entry = %s", raw)
	}
	if err := k.SetLocked("detective", true); err != nil {
		t.Fatal(err)
	}
	s, err := k.Load("detective")
	if err != nil || !s.Locked || s.RefreshToken != "rt-1" || !s.Expires.Equal(exp) {
		t.Fatalf("after lock: %+v %v", s, err)
	}
	// An expiry beyond one shift is capped.
	if err := k.Save("watch_commander", SavedSession{RefreshToken: "rt-2", Expires: time.Now().Add(72 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if s, _ := k.Load("watch_commander"); s.Expires.After(time.Now().Add(ShiftLength + time.Minute)) {
		t.Fatalf("expiry not capped: %v", s.Expires)
	}
	if err := k.Delete("detective"); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Load("detective"); !errors.Is(err, ErrNoSavedSession) {
		t.Fatalf("after delete: %v", err)
	}
	if err := k.Delete("detective"); err != nil {
		t.Fatalf("deleting nothing: %v", err)
	}
	if err := k.SetLocked("detective", true); !errors.Is(err, ErrNoSavedSession) {
		t.Fatalf("locking nothing: %v", err)
	}
	keyring.Set(KeyringService, "detective@"+k.Host, "{garbage")
	if _, err := k.Load("detective"); err == nil || errors.Is(err, ErrNoSavedSession) {
		t.Fatalf("a damaged entry: %v", err)
	}
}

func TestKeyringCacheKeyIsStablePerInstall(t *testing.T) {
	needKeyring(t)
	k := testKeyring(t)
	k1, err := k.CacheKey()
	if err != nil || len(k1) != 32 {
		t.Fatalf("CacheKey = %x, %v", k1, err)
	}
	k2, err := k.CacheKey()
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatal("the cache key changed between calls")
	}
	other := testKeyring(t)
	k3, _ := other.CacheKey()
	if bytes.Equal(k1, k3) {
		t.Fatal("two stores share a cache key")
	}
	if bytes.Equal(k1, make([]byte, 32)) {
		t.Fatal("the cache key is zero")
	}
}

// TestNoKeyring runs itself in a child process whose keyring fails (see
// breakKeyring): every keyring use must say ErrNoKeyring, clearly.
func TestNoKeyring(t *testing.T) {
	if os.Getenv("ALPR_NO_KEYRING_CHILD") == "1" {
		breakKeyring()
		k := &Keyring{Host: "nowhere:1"}
		checks := map[string]error{"Available": k.Available(), "Save": k.Save("u", SavedSession{RefreshToken: "x"})}
		_, checks["Load"] = k.Load("u")
		_, checks["CacheKey"] = k.CacheKey()
		for name, err := range checks {
			if !errors.Is(err, ErrNoKeyring) {
				t.Fatalf("%s = %v, want ErrNoKeyring", name, err)
			}
			if !bytes.Contains([]byte(err.Error()), []byte("asked for your password each time")) {
				t.Fatalf("%s: unclear message %q", name, err)
			}
		}
		return
	}
	cmd := exec.Command(os.Args[0], "-test.run", "^TestNoKeyring$", "-test.v")
	cmd.Env = append(os.Environ(), "ALPR_NO_KEYRING_CHILD=1", noKeyringEnv)
	out, err := cmd.CombinedOutput()
	if err != nil || !bytes.Contains(out, []byte("--- PASS: TestNoKeyring")) {
		t.Fatalf("child: %v\n%s", err, out)
	}
}
