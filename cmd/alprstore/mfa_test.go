package main

import (
	"context"
	"os/user"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/sqlite"
)

// TestUserMFAReset: `user mfa-reset` removes a second factor, audited as
// cli:<os user>; with none to remove it fails and audits nothing.
func TestUserMFAReset(t *testing.T) {
	db := filepath.Join(t.TempDir(), "mfa.db")
	if _, err := cli(t, "s3cret-pass\n", "user", "add", "--db", db, "--username", "dana", "--role", "detective",
		"--serial", "D100", "--name", "Dana Reyes"); err != nil {
		t.Fatal(err)
	}
	st, err := sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	err = st.Update(context.Background(), func(tx store.Tx) error {
		return tx.PutMFA(&store.MFARecord{Username: "dana", Secret: "JBSWY3DPEHPK3PXP", Confirmed: true, CreatedAt: time.Now()})
	})
	st.Close()
	if err != nil {
		t.Fatal(err)
	}
	out, err := cli(t, "", "user", "mfa-reset", "--db", db, "--username", "dana")
	if err != nil || !strings.Contains(out, "dana") {
		t.Fatalf("mfa-reset: %q %v", out, err)
	}
	if _, err := cli(t, "", "user", "mfa-reset", "--db", db, "--username", "dana"); err == nil {
		t.Fatal("a second reset succeeded")
	}
	st, err = sqlite.Open(db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var last api.AuditEntry
	err = st.View(context.Background(), func(tx store.ReadTx) error {
		if _, err := tx.GetMFA("dana"); err == nil {
			t.Error("the second factor is still there")
		}
		return tx.AuditScan(func(e api.AuditEntry) error { last = e; return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	u, _ := user.Current()
	if last.Action != store.ActionMFAReset || last.Actor != "cli:"+u.Username {
		t.Fatalf("last audit entry %s by %s", last.Action, last.Actor)
	}
}
