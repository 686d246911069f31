package store

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
)

// Checkpoint is a signed record of the audit chain's head (DESIGN.md,
// Audit checkpoints), written as DIR/<seq>.json to a directory meant for
// another disk or write-once storage: whoever rewrites the database cannot
// rewrite what was signed before.
type Checkpoint struct {
	Seq  int64     `json:"seq"`
	Hash string    `json:"hash"`
	At   time.Time `json:"at"`
	// Signature is the ed25519 signature (base64) of SignedBytes.
	Signature string `json:"signature"`
}

// CheckpointEvery is how often a store with a checkpoint directory writes
// a checkpoint (and once more at shutdown).
const CheckpointEvery = time.Hour

// SignedBytes are the bytes a checkpoint's signature covers.
func (c Checkpoint) SignedBytes() []byte {
	return fmt.Appendf(nil, "alprstore-checkpoint\n%d\n%s\n%s", c.Seq, c.Hash, c.At.UTC().Format(time.RFC3339Nano))
}

// SignCheckpoint signs the head at time at.
func SignCheckpoint(key ed25519.PrivateKey, head api.ChainHead, at time.Time) Checkpoint {
	c := Checkpoint{Seq: head.Seq, Hash: head.Hash, At: at.UTC().Truncate(time.Millisecond)}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, c.SignedBytes()))
	return c
}

// Verify checks the signature with the public key.
func (c Checkpoint) Verify(pub ed25519.PublicKey) bool {
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	return err == nil && ed25519.Verify(pub, c.SignedBytes(), sig)
}

// NewCheckpointKey returns a new ed25519 private key as PEM (PKCS#8) and
// its public key as base64.
func NewCheckpointKey() (pemKey []byte, pub string, err error) {
	pk, sk, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(sk)
	if err != nil {
		return nil, "", err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), base64.StdEncoding.EncodeToString(pk), nil
}

// ParseCheckpointKey reads an ed25519 private key (PEM, PKCS#8).
func ParseCheckpointKey(b []byte) (ed25519.PrivateKey, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "PRIVATE KEY" {
		return nil, errors.New("the checkpoint key is not a PEM \"PRIVATE KEY\" (make one with alprstore audit keygen)")
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("the checkpoint key cannot be read: %w", err)
	}
	sk, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, errors.New("the checkpoint key is not an ed25519 key")
	}
	return sk, nil
}

// ParseCheckpointPublicKey reads a public key as keygen prints it (base64).
func ParseCheckpointPublicKey(s string) (ed25519.PublicKey, error) {
	b, err := base64.StdEncoding.DecodeString(strings.TrimSpace(s))
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("%q is not an ed25519 public key in base64 (as alprstore audit keygen prints it)", s)
	}
	return ed25519.PublicKey(b), nil
}

// WriteCheckpoint writes c as dir/<seq>.json (through a temporary file
// and a rename, synced); a checkpoint of that seq already there is kept.
func WriteCheckpoint(dir string, c Checkpoint) error {
	name := filepath.Join(dir, strconv.FormatInt(c.Seq, 10)+".json")
	if _, err := os.Stat(name); err == nil {
		return nil
	}
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	f, err := os.CreateTemp(dir, ".checkpoint-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), name)
}

// LoadCheckpoints reads every DIR/<seq>.json, checks each signature and
// that the file's name matches its seq, and returns them by seq. A bad
// signature or an unreadable checkpoint is an error naming the file.
func LoadCheckpoints(dir string, pub ed25519.PublicKey) ([]Checkpoint, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, err
	}
	var out []Checkpoint
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			return nil, err
		}
		var c Checkpoint
		if err := json.Unmarshal(b, &c); err != nil {
			return nil, fmt.Errorf("checkpoint %s is not a checkpoint: %w", filepath.Base(n), err)
		}
		if filepath.Base(n) != strconv.FormatInt(c.Seq, 10)+".json" {
			return nil, fmt.Errorf("checkpoint %s holds seq %d: it was renamed", filepath.Base(n), c.Seq)
		}
		if !c.Verify(pub) {
			return nil, fmt.Errorf("checkpoint %s has a bad signature: it was not signed by this key, or was altered", filepath.Base(n))
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Checkpoint) int { return int(a.Seq - b.Seq) })
	return out, nil
}

// Checkpoint signs the audit chain's current head into the checkpoint
// directory (nothing when the store has none, or the chain is empty or
// broken).
func (s *Server) Checkpoint(ctx context.Context) error {
	if s.cfg.CheckpointDir == "" || s.chainBroken {
		return nil
	}
	var head api.ChainHead
	err := s.st.View(ctx, func(tx ReadTx) error {
		var err error
		head, err = tx.AuditHead()
		return err
	})
	if err != nil || head.Seq == 0 {
		return err
	}
	return WriteCheckpoint(s.cfg.CheckpointDir, SignCheckpoint(s.cfg.CheckpointKey, head, s.now()))
}

// checkpointLoop writes a checkpoint every CheckpointEvery, and a last
// one when the store stops.
func (s *Server) checkpointLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.CheckpointEvery)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			if err := s.Checkpoint(context.Background()); err != nil {
				s.cfg.Logf("store: audit checkpoint at shutdown: %v", err)
			}
			return
		case <-t.C:
			s.leased(ctx, jobCheckpoint, s.cfg.CheckpointEvery, func() {
				if err := s.Checkpoint(ctx); err != nil && ctx.Err() == nil {
					s.cfg.Logf("store: audit checkpoint: %v", err)
				}
			})
		}
	}
}
