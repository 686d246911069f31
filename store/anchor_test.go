package store_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql over PostgreSQL, for rawDB

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/storetest"
)

// chainWorld is a store whose chain holds searches, a monthly sample that
// recorded the head, and activity after the sample.
func chainWorld(t *testing.T, cfg store.Config) *storetest.Env {
	t.Helper()
	env := storetest.StartWith(t, cfg)
	det := env.Login(t, "detective")
	for _, p := range []string{"7ABC123", "8XYZ999", "5HOT555"} {
		doSearch(t, env, det, p, storetest.Case)
	}
	month := env.Clock.Now().UTC().Format("2006-01")
	env.Do(t, "POST", "/v1/audit/samples", env.Login(t, "supervisor"), api.AuditSampleRequest{Month: month, Size: 2}, http.StatusOK, nil)
	env.Login(t, "detective2")
	return env
}

// entries reads the whole chain.
func entries(t *testing.T, env *storetest.Env) []api.AuditEntry {
	t.Helper()
	var out []api.AuditEntry
	err := env.Server.Storage().View(context.Background(), func(tx store.ReadTx) error {
		return tx.AuditScan(func(e api.AuditEntry) error { out = append(out, e); return nil })
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// rewrite plays an attacker with write access to the database: it changes
// the purpose of entry seq and rehashes every entry from there on so that
// every link holds. A consistent attacker also rewrites the heads recorded
// inside the chain (the monthly sample's head_hash).
func rewrite(t *testing.T, env *storetest.Env, seq int64, consistent bool) {
	t.Helper()
	es := entries(t, env)
	db := rawDB(t, env)
	defer db.Close()
	newHash := map[int64]string{}
	prev := ""
	for i := range es {
		e := &es[i]
		if e.Seq < seq {
			prev = e.Hash
			continue
		}
		if e.Seq == seq {
			e.Purpose = "rewritten by an attacker"
		}
		if hs, ok := newHash[recordedHead(e)]; ok && consistent {
			e.Query = strings.Replace(e.Query, headHashOf(e), hs, 1)
		}
		e.PrevHash = prev
		e.Hash = store.AuditHash(*e)
		newHash[e.Seq], prev = e.Hash, e.Hash
		if _, err := db.Exec(`UPDATE audit SET purpose = $1, query = $2, prev_hash = $3, hash = $4 WHERE seq = $5`,
			e.Purpose, e.Query, e.PrevHash, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
	}
}

// rawDB opens the store's database behind the store's back, as an
// attacker with write access would: the SQLite file, or the PostgreSQL
// database of a store on PostgreSQL.
func rawDB(t *testing.T, env *storetest.Env) *sql.DB {
	t.Helper()
	driver := "sqlite3"
	if open.IsURL(env.DBPath) {
		driver = "pgx"
	}
	db, err := sql.Open(driver, env.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func recordedHead(e *api.AuditEntry) int64 {
	var q struct {
		Seq int64 `json:"head_seq"`
	}
	json.Unmarshal([]byte(e.Query), &q)
	return q.Seq
}

func headHashOf(e *api.AuditEntry) string {
	var q struct {
		Hash string `json:"head_hash"`
	}
	json.Unmarshal([]byte(e.Query), &q)
	return q.Hash
}

func verifyHTTP(t *testing.T, env *storetest.Env) api.AuditVerify {
	t.Helper()
	var v api.AuditVerify
	env.Do(t, "GET", "/v1/audit/verify", env.Login(t, "supervisor"), nil, http.StatusOK, &v)
	return v
}

// exportFile exports the chain and verifies the file with opts.
func exportFile(t *testing.T, env *storetest.Env, opts store.VerifyOptions) store.AuditFileResult {
	t.Helper()
	var buf bytes.Buffer
	if _, err := env.Server.Admin("cli:test").ExportAudit(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	res, err := store.VerifyAuditFile(bytes.NewReader(buf.Bytes()), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// TestCarelessRehashFailsVerify: rehashing the chain after an edit keeps
// every link, but the head the monthly sample recorded no longer matches.
func TestCarelessRehashFailsVerify(t *testing.T) {
	env := chainWorld(t, store.Config{})
	if v := verifyHTTP(t, env); !v.OK {
		t.Fatalf("untouched chain: %+v", v)
	}
	rewrite(t, env, 3, false)
	if v := verifyHTTP(t, env); v.OK || v.FirstBrokenSeq == 0 {
		t.Fatalf("careless rehash verified: %+v", v)
	}
	if res := exportFile(t, env, store.VerifyOptions{}); res.OK || !strings.Contains(res.Problem, "rewritten") {
		t.Fatalf("export of a careless rehash: %+v", res)
	}
}

// checkpointed starts a chain world that signs checkpoints into a
// directory and writes one now.
func checkpointed(t *testing.T) (*storetest.Env, []store.Checkpoint) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := chainWorld(t, store.Config{CheckpointDir: dir, CheckpointKey: key})
	if err := env.Server.Checkpoint(context.Background()); err != nil {
		t.Fatal(err)
	}
	cps, err := store.LoadCheckpoints(dir, key.Public().(ed25519.PublicKey))
	if err != nil || len(cps) != 1 {
		t.Fatalf("checkpoints %+v %v", cps, err)
	}
	return env, cps
}

// TestConsistentRehashFailsAgainstCheckpoints: an attacker who also
// rewrites the recorded heads passes the chain's own checks, but not the
// signed checkpoint.
func TestConsistentRehashFailsAgainstCheckpoints(t *testing.T) {
	env, cps := checkpointed(t)
	rewrite(t, env, 3, true)
	if res := exportFile(t, env, store.VerifyOptions{}); !res.OK {
		t.Fatalf("a consistent rehash should pass without checkpoints (that is why they exist): %+v", res)
	}
	res := exportFile(t, env, store.VerifyOptions{Checkpoints: cps})
	if res.OK || !strings.Contains(res.Problem, "checkpoint") {
		t.Fatalf("consistent rehash against the checkpoint: %+v", res)
	}
	if v := verifyHTTP(t, env); v.OK {
		t.Fatalf("the store's own verify (with its checkpoints) passed: %+v", v)
	}
}

// TestTailDeletionFailsAgainstCheckpoints: deleting the newest entries
// leaves a chain that links, but it ends before the newest checkpoint.
func TestTailDeletionFailsAgainstCheckpoints(t *testing.T) {
	env, cps := checkpointed(t)
	db := rawDB(t, env)
	if _, err := db.Exec(`DELETE FROM audit WHERE seq > $1`, cps[0].Seq-3); err != nil {
		t.Fatal(err)
	}
	db.Close()
	res := exportFile(t, env, store.VerifyOptions{Checkpoints: cps})
	if res.OK || !strings.Contains(res.Problem, "checkpoint") {
		t.Fatalf("tail deletion against the checkpoint: %+v", res)
	}
}

// TestBrokenChainRefusesStart: a store whose chain does not verify does not
// start; with AllowBrokenChain it serves sign-in and audit reads only.
func TestBrokenChainRefusesStart(t *testing.T) {
	env := chainWorld(t, store.Config{})
	db := rawDB(t, env)
	if _, err := db.Exec(`UPDATE audit SET purpose = 'edited' WHERE seq = 4`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	cfg := store.Config{DBPath: env.DBPath, Open: open.Open, Logf: t.Logf, PurgeEvery: -1, HotlistEvery: -1}
	if s, err := store.Open(cfg); err == nil {
		s.Close()
		t.Fatal("a store with a broken chain started")
	} else if !strings.Contains(err.Error(), "--allow-broken-chain") {
		t.Fatalf("the refusal does not say what to do: %v", err)
	}
	cfg.AllowBrokenChain = true
	s, err := store.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	broken := &storetest.Env{URL: ts.URL, Server: s, HTTP: env.HTTP, Clock: env.Clock}
	sup := broken.Login(t, "supervisor")
	raw := broken.Do(t, "GET", "/v1/cameras", sup, nil, http.StatusServiceUnavailable, nil)
	if errCode(t, raw) != api.CodeChainBroken {
		t.Fatal(string(raw))
	}
	broken.Do(t, "GET", "/v1/audit", sup, nil, http.StatusOK, nil)
	var v api.AuditVerify
	broken.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if v.OK || v.FirstBrokenSeq != 4 {
		t.Fatalf("verify = %+v", v)
	}
}

// TestCheckpointAtShutdown: closing the store signs the head it ends with.
func TestCheckpointAtShutdown(t *testing.T) {
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	env := storetest.StartWith(t, store.Config{CheckpointDir: dir, CheckpointKey: key})
	env.Login(t, "detective")
	head := entries(t, env)
	if err := env.Server.Close(); err != nil {
		t.Fatal(err)
	}
	cps, err := store.LoadCheckpoints(dir, key.Public().(ed25519.PublicKey))
	if err != nil || len(cps) != 1 || cps[0].Seq != head[len(head)-1].Seq || cps[0].Hash != head[len(head)-1].Hash {
		t.Fatalf("checkpoints at shutdown %+v %v", cps, err)
	}
}
