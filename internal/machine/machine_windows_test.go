package machine

import (
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/windows/registry"
)

// TestLoadKey writes a policy key (under HKCU: a test cannot count on
// writing HKLM) with the value types Group Policy and the MSI use, and
// reads it back.
func TestLoadKey(t *testing.T) {
	path := fmt.Sprintf(`Software\alprdesk-test-%d`, os.Getpid())
	if s, err := loadKey(registry.CURRENT_USER, path); err != nil || s != (Settings{}) {
		t.Fatalf("absent key: %+v, %v", s, err)
	}
	k, _, err := registry.CreateKey(registry.CURRENT_USER, path, registry.ALL_ACCESS)
	if err != nil {
		t.Fatal(err)
	}
	defer registry.DeleteKey(registry.CURRENT_USER, path)
	defer k.Close()
	must(t, k.SetStringValue(NameStoreURL, "https://alpr.agency.example"))
	must(t, k.SetExpandStringValue(NameCAFile, `%ALPR_TEST_CA_DIR%\agency-ca.pem`))
	must(t, k.SetDWordValue(NameIdleLock, 7))
	t.Setenv("ALPR_TEST_CA_DIR", `C:\ProgramData\alprdesk`)
	s, err := loadKey(registry.CURRENT_USER, path)
	if err != nil {
		t.Fatal(err)
	}
	want := Settings{StoreURL: "https://alpr.agency.example", CAFile: `C:\ProgramData\alprdesk\agency-ca.pem`, IdleLock: 7 * time.Minute, Source: path}
	if s != want {
		t.Fatalf("got %+v, want %+v", s, want)
	}
	must(t, k.SetStringValue(NameIdleLock, "forever"))
	if _, err := loadKey(registry.CURRENT_USER, path); err == nil || !strings.Contains(err.Error(), NameIdleLock) {
		t.Fatalf("a bad idle lock gave %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
