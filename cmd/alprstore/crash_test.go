package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/storetest"
)

// crashServeEnv, when set to "DB ADDR [DURABILITY]", makes this test binary
// an alprstore serving DB on ADDR (the process TestCrashSafety kills).
const crashServeEnv = "ALPR_CRASH_SERVE"

// crashChild serves as the process TestCrashSafety kills when the
// environment asks for it; it reports whether it ran.
func crashChild() bool {
	spec := os.Getenv(crashServeEnv)
	if spec == "" {
		return false
	}
	f := strings.Fields(spec)
	args := []string{"serve", "--db", f[0], "--addr", f[1], "--durability", f[2]}
	if err := run(args, nil, io.Discard, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return true
}

// TestCrashSafety kills a real alprstore process with SIGKILL three times
// while cameras ingest and a detective searches (audited writes), restarts
// it each time, and then checks that every read the store acknowledged is
// stored, that every acknowledged search is in the audit trail, and that
// the audit chain verifies.
func TestCrashSafety(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills store processes")
	}
	dir := t.TempDir()
	db := filepath.Join(dir, "crash.db")
	if _, err := cli(t, "s3cret-pass\n", "user", "add", "--db", db, "--username", "dana", "--role", "detective",
		"--serial", "D100", "--name", "Dana Reyes"); err != nil {
		t.Fatal(err)
	}
	if _, err := cli(t, "", "user", "set", "--db", db, "--username", "dana", "--trained", "2026-01-15"); err != nil {
		t.Fatal(err)
	}
	tok, err := cli(t, "", "camera", "add", "--db", db, "--id", "cam-9", "--name", "Broadway", "--lat", "37.81", "--lon", "-122.26")
	if err != nil {
		t.Fatal(err)
	}
	camToken := strings.TrimSpace(tok)
	var acked crashAcks
	for round := range 3 {
		url, proc := startCrashStore(t, db, "normal")
		load(t, url, camToken, round, &acked, 1500*time.Millisecond)
		if err := proc.Process.Kill(); err != nil { // SIGKILL: no shutdown, no checkpoint
			t.Fatal(err)
		}
		proc.Wait()
	}
	// A restart after the last kill opens the database.
	_, proc := startCrashStore(t, db, "full")
	proc.Process.Kill()
	proc.Wait()
	checkAfterCrashes(t, db, &acked)
}

// crashAcks are the writes the store acknowledged.
type crashAcks struct {
	mu       sync.Mutex
	reads    []string
	searches int
}

func (a *crashAcks) read(id string) { a.mu.Lock(); a.reads = append(a.reads, id); a.mu.Unlock() }
func (a *crashAcks) search()        { a.mu.Lock(); a.searches++; a.mu.Unlock() }

// startCrashStore starts this binary as an alprstore on a free port and
// waits until it answers.
func startCrashStore(t *testing.T, db, durability string) (string, *exec.Cmd) {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), crashServeEnv+"="+db+" "+addr+" "+durability)
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	url := "http://" + addr
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if resp, err := http.Get(url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return url, cmd
			}
		}
	}
	cmd.Process.Kill()
	t.Fatalf("the store on %s did not become ready", addr)
	return "", nil
}

// load ingests reads from two goroutines and searches from a third for d,
// recording what the store acknowledged; requests cut by the kill are
// not acknowledged.
func load(t *testing.T, url, camToken string, round int, acked *crashAcks, d time.Duration) {
	t.Helper()
	jpeg := storetest.JPEG(t, 64, 36)
	stop := time.Now().Add(d)
	var wg sync.WaitGroup
	for g := range 2 {
		wg.Go(func() {
			for i := 0; time.Now().Before(stop); i++ {
				id := fmt.Sprintf("r%d-%d-%d", round, g, i)
				m := api.ReadMeta{ID: id, CameraID: "cam-9", CapturedAt: time.Now().Add(-time.Minute), Plate: fmt.Sprintf("7CR%04d", i%10000),
					State: "CA", Confidence: 0.9, PlateBox: api.Box{X: 1, Y: 1, W: 10, H: 5}}
				resp, err := http.DefaultClient.Do(storetest.UploadRequest(url, camToken, m, jpeg))
				if err != nil {
					continue
				}
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					acked.read(id)
				}
			}
		})
	}
	wg.Go(func() {
		access := loginCrash(url)
		for time.Now().Before(stop) {
			body, _ := json.Marshal(api.SearchRequest{CaseContext: storetest.Case, Plate: "7CR*"})
			req, _ := http.NewRequest(http.MethodPost, url+"/v1/searches", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+access)
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				continue
			}
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				acked.search()
			}
		}
	})
	wg.Wait()
}

// loginCrash signs dana in and returns the access token ("" on failure).
func loginCrash(url string) string {
	body, _ := json.Marshal(api.LoginRequest{Username: "dana", Password: "s3cret-pass"})
	resp, err := http.Post(url+"/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		return ""
	}
	defer resp.Body.Close()
	var tr api.TokenResponse
	json.NewDecoder(resp.Body).Decode(&tr)
	return tr.AccessToken
}

// checkAfterCrashes opens the database after the kills: every acknowledged
// read is there, the audit trail holds at least the acknowledged searches,
// and the chain verifies.
func checkAfterCrashes(t *testing.T, db string, acked *crashAcks) {
	t.Helper()
	if len(acked.reads) < 10 || acked.searches < 3 {
		t.Fatalf("the load was too small to prove anything: %d reads, %d searches acknowledged", len(acked.reads), acked.searches)
	}
	st, err := open.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	c := store.NewChainChecker()
	searches := 0
	err = st.View(context.Background(), func(tx store.ReadTx) error {
		for _, id := range acked.reads {
			if _, err := tx.GetRead(id); err != nil {
				return fmt.Errorf("acknowledged read %s: %w", id, err)
			}
		}
		return tx.AuditScan(func(e api.AuditEntry) error {
			c.Add(e)
			if e.Action == store.ActionSearch && e.Outcome == api.OutcomeAllowed {
				searches++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if v := c.Result(); !v.OK {
		t.Fatalf("the audit chain does not verify after the kills: %+v", v)
	}
	if searches < acked.searches {
		t.Fatalf("%d searches acknowledged, %d in the audit trail", acked.searches, searches)
	}
	t.Logf("%d acknowledged reads and %d searches survived 3 SIGKILLs; chain verified", len(acked.reads), acked.searches)
}
