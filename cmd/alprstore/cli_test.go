package main

import (
	"bytes"
	"context"
	"errors"
	"os/user"
	"path/filepath"
	"strings"
	"testing"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/open"
)

// cli runs a command line and returns its standard output.
func cli(t *testing.T, stdin string, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := run(args, strings.NewReader(stdin), &out, &errOut)
	return out.String(), err
}

func TestAdminCommandsAreAudited(t *testing.T) {
	db := filepath.Join(t.TempDir(), "admin.db")
	must := func(out string, err error) string {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	must(cli(t, "s3cret-pass\n", "user", "add", "--db", db, "--username", "dana", "--role", "detective",
		"--serial", "D100", "--name", "Dana Reyes", "--team", "east"))
	must(cli(t, "", "user", "set", "--db", db, "--username", "dana", "--trained", "2026-01-15"))
	must(cli(t, "", "user", "disable", "--db", db, "--username", "dana"))
	must(cli(t, "", "user", "enable", "--db", db, "--username", "dana"))
	must(cli(t, "", "user", "unlock", "--db", db, "--username", "dana"))
	tok := must(cli(t, "", "camera", "add", "--db", db, "--id", "cam-9", "--name", "Broadway", "--lat", "37.81", "--lon", "-122.26"))
	if !strings.HasPrefix(tok, "cam_") || strings.Count(tok, "\n") != 1 || strings.Contains(strings.TrimSpace(tok), " ") {
		t.Fatalf("camera add printed %q, want the token alone", tok)
	}
	list := must(cli(t, "", "user", "list", "--db", db))
	if !strings.Contains(list, "dana") || !strings.Contains(list, "2026-01-15") || !strings.Contains(list, "active") {
		t.Fatalf("list:\n%s", list)
	}

	st, err := open.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var entries []api.AuditEntry
	err = st.View(context.Background(), func(tx store.ReadTx) error {
		return tx.AuditScan(func(e api.AuditEntry) error { entries = append(entries, e); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{store.ActionUserAdd, store.ActionUserSet, store.ActionUserDisable, store.ActionUserEnable, store.ActionUserUnlock, store.ActionCameraAdd}
	if len(entries) != len(want) {
		t.Fatalf("%d audit entries, want %d", len(entries), len(want))
	}
	u, _ := user.Current()
	for i, e := range entries {
		if e.Action != want[i] || e.Actor != "cli:"+u.Username {
			t.Errorf("entry %d = %s by %s", i, e.Action, e.Actor)
		}
	}
}

func TestAdminCommandErrors(t *testing.T) {
	db := filepath.Join(t.TempDir(), "admin.db")
	for name, tc := range map[string]struct {
		stdin string
		args  []string
		usage bool
	}{
		"no db":        {"", []string{"user", "list"}, true},
		"no password":  {"", []string{"user", "add", "--db", db, "--username", "x1", "--role", "detective", "--serial", "1", "--name", "X"}, false},
		"bad role":     {"pw12\n", []string{"user", "add", "--db", db, "--username", "x2", "--role", "chief", "--serial", "1", "--name", "X"}, false},
		"bad date":     {"", []string{"user", "set", "--db", db, "--username", "x2", "--trained", "yesterday"}, false},
		"approver":     {"pw12\n", []string{"user", "add", "--db", db, "--username", "x3", "--role", "approver", "--serial", "1", "--name", "X"}, false},
		"unknown user": {"", []string{"user", "disable", "--db", db, "--username", "ghost"}, false},
		"unknown cmd":  {"", []string{"frobnicate"}, true},
		"bad flag":     {"", []string{"user", "list", "--db", db, "--nope"}, true},
		"no lat":       {"", []string{"camera", "add", "--db", db, "--id", "c", "--name", "n"}, true},
		"tls half":     {"", []string{"serve", "--db", db, "--tls-cert", "x.pem"}, true},
		"live no demo": {"", []string{"--db", db, "--live"}, true},
	} {
		_, err := cli(t, tc.stdin, tc.args...)
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		if errors.Is(err, errUsage) != tc.usage {
			t.Errorf("%s: usage error %v, want %v: %v", name, errors.Is(err, errUsage), tc.usage, err)
		}
	}
}

func TestServeFlagsFromEnvironment(t *testing.T) {
	t.Setenv("ALPRSTORE_RETENTION_DAYS", "14")
	t.Setenv("ALPRSTORE_ADDR", "127.0.0.1:9999")
	t.Setenv("ALPRSTORE_DB", "/tmp/x.db")
	o, err := serveFlags([]string{"--addr", "127.0.0.1:7777"})
	if err != nil {
		t.Fatal(err)
	}
	if o.retentionDays != 14 || o.addr != "127.0.0.1:7777" || o.db != "/tmp/x.db" {
		t.Fatalf("options = %+v", o)
	}
	t.Setenv("ALPRSTORE_RETENTION_DAYS", "many")
	if _, err := serveFlags(nil); !errors.Is(err, errUsage) {
		t.Fatalf("bad env value: %v", err)
	}
}

// TestServeSQLiteMmapFlag checks --sqlite-mmap: MiB, 0 by default, and a
// negative or overlarge size refused as a usage error.
func TestServeSQLiteMmapFlag(t *testing.T) {
	o, err := serveFlags([]string{"--db", "x.db"})
	if err != nil || o.sqliteMmapMiB != 0 {
		t.Fatalf("default: %v, %+v", err, o)
	}
	if o, err = serveFlags([]string{"--db", "x.db", "--sqlite-mmap", "2048"}); err != nil || o.sqliteMmapMiB != 2048 {
		t.Fatalf("--sqlite-mmap 2048: %v, %+v", err, o)
	}
	for _, bad := range []string{"-1", "1048577", "99999999999999"} {
		if _, err := serveFlags([]string{"--db", "x.db", "--sqlite-mmap", bad}); !errors.Is(err, errUsage) || !strings.Contains(err.Error(), "--sqlite-mmap") {
			t.Fatalf("--sqlite-mmap %s: %v", bad, err)
		}
	}
}
