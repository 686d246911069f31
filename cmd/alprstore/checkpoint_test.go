package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"alprdesk/store"
	"alprdesk/store/storetest"
)

// TestAuditKeygenAndCheckpointVerify: keygen writes a private key (PEM,
// 0600, never over an existing file) and prints the public key; audit
// verify --checkpoints --pubkey accepts an export that agrees with the
// store's checkpoints and refuses a forged checkpoint or a wrong key.
func TestAuditKeygenAndCheckpointVerify(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "checkpoint.pem")
	var out bytes.Buffer
	if err := run([]string{"audit", "keygen", "--out", keyFile}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	pub := strings.TrimSpace(out.String())
	st, err := os.Stat(keyFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file %v %v", st, err)
	}
	if err := run([]string{"audit", "keygen", "--out", keyFile}, nil, &out, &out); err == nil {
		t.Fatal("keygen overwrote a key")
	}
	pem, _ := os.ReadFile(keyFile)
	key, err := store.ParseCheckpointKey(pem)
	if err != nil {
		t.Fatal(err)
	}
	if p, err := store.ParseCheckpointPublicKey(pub); err != nil || !p.Equal(key.Public().(ed25519.PublicKey)) {
		t.Fatalf("printed public key %q does not match: %v", pub, err)
	}

	cpDir := filepath.Join(dir, "checkpoints")
	os.Mkdir(cpDir, 0o700)
	env := storetest.StartWith(t, store.Config{CheckpointDir: cpDir, CheckpointKey: key})
	env.Login(t, "detective")
	if err := env.Server.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "audit.jsonl")
	if err := run([]string{"audit", "export", "--db", env.DBPath, file}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := run([]string{"audit", "verify", "--checkpoints", cpDir, "--pubkey", pub, file}, nil, &out, &out); err != nil ||
		!strings.Contains(out.String(), "agrees with 1 checkpoints") {
		t.Fatalf("verify against checkpoints: %v %q", err, out.String())
	}
	wrongKey, _, _ := ed25519.GenerateKey(nil)
	err = run([]string{"audit", "verify", "--checkpoints", cpDir, "--pubkey", base64.StdEncoding.EncodeToString(wrongKey), file}, nil, &out, &out)
	if !errors.Is(err, errBroken) || !strings.Contains(err.Error(), "signature") {
		t.Fatalf("wrong key: %v", err)
	}
	// A checkpoint whose hash was edited no longer verifies.
	names, _ := filepath.Glob(filepath.Join(cpDir, "*.json"))
	raw, _ := os.ReadFile(names[0])
	var cp store.Checkpoint
	json.Unmarshal(raw, &cp)
	cp.Hash = strings.Repeat("0", 64)
	forged, _ := json.Marshal(cp)
	os.WriteFile(names[0], forged, 0o600)
	err = run([]string{"audit", "verify", "--checkpoints", cpDir, "--pubkey", pub, file}, nil, &out, &out)
	if !errors.Is(err, errBroken) || !strings.Contains(err.Error(), "bad signature") {
		t.Fatalf("forged checkpoint: %v", err)
	}
	for _, args := range [][]string{{"audit", "keygen"}, {"audit", "verify", "--checkpoints", cpDir, file},
		{"audit", "verify", "--checkpoints", cpDir, "--pubkey", "not-a-key", file}} {
		if err := run(args, nil, &out, &out); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}

// TestServeCheckpointFlags: the checkpoint flags go together, the key must
// be an ed25519 PEM and the directory must exist.
func TestServeCheckpointFlags(t *testing.T) {
	dir := t.TempDir()
	keyFile := filepath.Join(dir, "k.pem")
	var out bytes.Buffer
	if err := run([]string{"audit", "keygen", "--out", keyFile}, nil, &out, &out); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.pem")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	for _, c := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"--checkpoint-dir", dir}, false},
		{[]string{"--checkpoint-key", keyFile}, false},
		{[]string{"--checkpoint-dir", dir, "--checkpoint-key", bad}, false},
		{[]string{"--checkpoint-dir", filepath.Join(dir, "none"), "--checkpoint-key", keyFile}, false},
		{[]string{"--checkpoint-dir", dir, "--checkpoint-key", keyFile}, true},
		{[]string{"--allow-broken-chain"}, true},
	} {
		o, err := serveFlags(append(c.args, "--db", "x.db"))
		if (err == nil) != c.ok {
			t.Errorf("%v: %v", c.args, err)
		}
		if err == nil && c.args[0] == "--checkpoint-dir" && o.key == nil {
			t.Errorf("%v: no key loaded", c.args)
		}
	}
}
