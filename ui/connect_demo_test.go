package ui

import (
	"context"
	"errors"
	"os"
	"testing"

	"github.com/google/uuid"

	"alprdesk/client"
	"alprdesk/store/storetest"
	"alprdesk/ui/session"
)

// TestStableNameKeepsOneKeyringEntry: two demo starts on two ports keep
// their session under one stable keyring name (none under the ports), and
// sign-out removes it.
func TestStableNameKeepsOneKeyringEntry(t *testing.T) {
	name := "demo-test-" + uuid.NewString()[:8]
	stable := &client.Keyring{Host: name}
	if err := stable.Available(); err != nil {
		if os.Getenv("ALPR_REQUIRE_KEYRING") != "" {
			t.Fatalf("ALPR_REQUIRE_KEYRING is set but no Secret Service answers: %v", err)
		}
		t.Skipf("no Secret Service keyring here (make test starts one): %v", err)
	}
	t.Cleanup(func() { stable.Delete("detective"); stable.DeleteCacheKey() })
	conn := &session.ClientConnector{CacheDir: t.TempDir(), Workstation: "ui-test", StableName: name}
	for range 2 {
		env := storetest.Start(t)
		s, err := conn.Login(context.Background(), env.URL, "detective", storetest.Password)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := stable.Load("detective"); err != nil {
			t.Fatalf("no session under the stable name %s: %v", name, err)
		}
		cl, _ := client.New(client.Config{BaseURL: env.URL})
		if _, err := client.NewKeyring(cl).Load("detective"); !errors.Is(err, client.ErrNoSavedSession) {
			t.Fatalf("a session entry under the port %s: %v", cl.Host(), err)
		}
		if err := s.Logout(context.Background()); err != nil {
			t.Fatal(err)
		}
		if _, err := stable.Load("detective"); !errors.Is(err, client.ErrNoSavedSession) {
			t.Fatalf("sign-out left the session entry: %v", err)
		}
	}
}
