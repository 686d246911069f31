package storagetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"alprdesk/store"
)

// testAuth checks the shared sign-in state of the Tx seam: failure counts
// of any username, second factors, MFA tokens and per-user token
// revocation.
func testAuth(t *testing.T, st store.Storage) {
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	update := func(fn func(tx store.Tx) error) {
		t.Helper()
		if err := st.Update(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	view := func(fn func(tx store.ReadTx) error) {
		t.Helper()
		if err := st.View(ctx, fn); err != nil {
			t.Fatal(err)
		}
	}
	update(func(tx store.Tx) error {
		return tx.SetLoginFailures(store.LoginFailures{Username: "nobody", Failures: 3, LockedUntil: now})
	})
	view(func(tx store.ReadTx) error {
		f, err := tx.LoginFailures("nobody")
		if err != nil || f.Failures != 3 || !f.LockedUntil.Equal(now) {
			t.Errorf("LoginFailures = %+v %v", f, err)
		}
		f, err = tx.LoginFailures("someone-else")
		if err != nil || f.Failures != 0 || !f.LockedUntil.IsZero() || f.Username != "someone-else" {
			t.Errorf("LoginFailures of a fresh name = %+v %v", f, err)
		}
		return nil
	})
	update(func(tx store.Tx) error { return tx.ClearLoginFailures("nobody") })
	view(func(tx store.ReadTx) error {
		if f, _ := tx.LoginFailures("nobody"); f.Failures != 0 {
			t.Errorf("after clear: %+v", f)
		}
		return nil
	})

	m := &store.MFARecord{Username: "dana", Secret: "JBSWY3DPEHPK3PXP", LastStep: 7, RecoveryHashes: []string{"a", "b"}, CreatedAt: now}
	update(func(tx store.Tx) error { return tx.PutMFA(m) })
	m.Confirmed, m.RecoveryHashes = true, []string{"b"}
	update(func(tx store.Tx) error { return tx.PutMFA(m) })
	view(func(tx store.ReadTx) error {
		got, err := tx.GetMFA("dana")
		if err != nil || !got.Confirmed || got.LastStep != 7 || len(got.RecoveryHashes) != 1 || got.RecoveryHashes[0] != "b" {
			t.Errorf("GetMFA = %+v %v", got, err)
		}
		if _, err := tx.GetMFA("nobody"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetMFA(nobody) = %v", err)
		}
		return nil
	})
	update(func(tx store.Tx) error { return tx.DeleteMFA("dana") })

	update(func(tx store.Tx) error {
		for _, k := range []store.MFATokenRecord{{Hash: "h1", Username: "dana", ExpiresAt: now.Add(-time.Minute)},
			{Hash: "h2", Username: "dana", ExpiresAt: now.Add(time.Minute)}} {
			if err := tx.InsertMFAToken(&k); err != nil {
				return err
			}
		}
		if err := tx.SetMFATokenTries("h2", 2); err != nil {
			return err
		}
		return tx.DeleteMFATokensBefore(now)
	})
	view(func(tx store.ReadTx) error {
		if _, err := tx.GetMFAToken("h1"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("expired token kept: %v", err)
		}
		if k, err := tx.GetMFAToken("h2"); err != nil || k.Tries != 2 || k.Username != "dana" {
			t.Errorf("GetMFAToken = %+v %v", k, err)
		}
		return nil
	})

	update(func(tx store.Tx) error {
		for _, k := range []store.TokenRecord{{Hash: "t1", Kind: store.TokenAccess, Username: "dana", Family: "f1", Restricted: true},
			{Hash: "t2", Kind: store.TokenAccess, Username: "dana", Family: "f2"},
			{Hash: "t3", Kind: store.TokenAccess, Username: "eve", Family: "f3"}} {
			k.ExpiresAt, k.FamilyExpiresAt = now.Add(time.Hour), now.Add(time.Hour)
			if err := tx.InsertToken(&k); err != nil {
				return err
			}
		}
		return tx.RevokeUserTokens("dana", "f2")
	})
	view(func(tx store.ReadTx) error {
		for hash, revoked := range map[string]bool{"t1": true, "t2": false, "t3": false} {
			k, err := tx.GetToken(hash)
			if err != nil || k.Revoked != revoked {
				t.Errorf("token %s = %+v %v, want revoked %v", hash, k, err, revoked)
			}
			if hash == "t1" && !k.Restricted {
				t.Error("the restricted flag was not kept")
			}
		}
		return nil
	})
}
