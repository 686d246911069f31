package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// envNodeDB makes this test binary an alprstore node process instead of
// running the tests: `alprstore serve --addr 127.0.0.1:0 --db $envNodeDB`.
const envNodeDB = "ALPR_TEST_NODE_DB"

// nodeChild serves as the node process of TestKilledNodeLosesNothing
// when the environment asks for it; it reports whether it ran.
func nodeChild() bool {
	db := os.Getenv(envNodeDB)
	if db == "" {
		return false
	}
	if err := run([]string{"serve", "--addr", "127.0.0.1:0", "--db", db}, nil, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	return true
}

// node is a store node running as a process of its own.
type node struct {
	cmd *exec.Cmd
	url string
}

// startNode starts a node process on the PostgreSQL database dsn and waits
// for its URL.
func startNode(t testing.TB, dsn string) *node {
	t.Helper()
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), envNodeDB+"="+dsn)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Kill()
		cmd.Wait()
	})
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		re := regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+)`)
		for sc.Scan() {
			if m := re.FindStringSubmatch(sc.Text()); m != nil {
				urls <- m[1]
			}
		}
		io.Copy(io.Discard, out)
	}()
	select {
	case u := <-urls:
		return &node{cmd: cmd, url: u}
	case <-time.After(60 * time.Second):
		t.Fatal("the node process did not start within 60 s")
		return nil
	}
}

// TestKilledNodeLosesNothing: node B, a real alprstore process on the same
// PostgreSQL database as node A, ingests reads from four cameras' worth of
// load and is killed with SIGKILL mid-load. Every read B acknowledged is in
// the database whole (its row, its photo, and found by a search for its
// plate), node A answers throughout, and B restarted serves the session
// that was opened on it before.
func TestKilledNodeLosesNothing(t *testing.T) {
	envs := storetest.StartNodes(t, 1, store.Config{})
	a := envs[0]
	b := startNode(t, a.DBPath)
	session := loginAt(t, b.url, "detective")

	var acked sync.Map
	var nAcked atomic.Int64
	stop := make(chan struct{})
	var load sync.WaitGroup
	jpeg := storetest.JPEG(t, 64, 36)
	for w := range 4 {
		load.Add(1)
		go func() {
			defer load.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				id := fmt.Sprintf("kill-%d-%d", w, i)
				meta := api.ReadMeta{ID: id, CameraID: "cam-1", CapturedAt: time.Now().Add(-time.Minute), Plate: fmt.Sprintf("7K%d%04d", w, i%10000),
					State: "CA", Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan", PlateBox: api.Box{X: 1, Y: 1, W: 10, H: 5}}
				resp, err := http.DefaultClient.Do(storetest.UploadRequest(b.url, a.CameraToken, meta, jpeg))
				if err != nil {
					continue // B is gone: what matters is what it acknowledged
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode == http.StatusCreated {
					acked.Store(id, true)
					nAcked.Add(1)
				}
			}
		}()
	}
	// A keeps serving while B dies.
	aFailures := make(chan string, 100)
	tok := a.Login(t, "detective2")
	load.Add(1)
	go func() {
		defer load.Done()
		for {
			select {
			case <-stop:
				return
			case <-time.After(20 * time.Millisecond):
			}
			if c := getStatus(a.URL+"/v1/me", tok); c != http.StatusOK {
				select {
				case aFailures <- fmt.Sprintf("GET /v1/me on A answered %d", c):
				default:
				}
			}
		}
	}()
	deadline := time.Now().Add(60 * time.Second)
	for nAcked.Load() < 200 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := b.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	b.cmd.Wait()
	time.Sleep(300 * time.Millisecond) // load goes on against the dead node and against A
	close(stop)
	load.Wait()
	close(aFailures)
	for f := range aFailures {
		t.Error(f)
	}
	if nAcked.Load() < 200 {
		t.Fatalf("only %d reads acknowledged before the kill", nAcked.Load())
	}

	missing := 0
	acked.Range(func(k, _ any) bool {
		if err := storedWhole(a, k.(string), jpeg); err != nil {
			missing++
			t.Errorf("read %s was acknowledged by the killed node but is not stored: %v", k, err)
		}
		return missing < 10
	})

	t.Logf("%d reads acknowledged by node B before and during its SIGKILL; every one is stored with its photo and found by its plate", nAcked.Load())

	// A restarted node serves the session opened on the killed one.
	b2 := startNode(t, a.DBPath)
	if c := getStatus(b2.url+"/v1/me", session); c != http.StatusOK {
		t.Fatalf("the restarted node answered %d to a session opened before the kill", c)
	}
}

// storedWhole checks that an acknowledged read is stored whole: the read,
// its photo (jpeg), and a search for its plate finds it.
func storedWhole(env *storetest.Env, id string, jpeg []byte) error {
	return env.Server.Storage().View(context.Background(), func(tx store.ReadTx) error {
		r, err := tx.GetRead(id)
		if err != nil {
			return err
		}
		photo, err := tx.Photo(id)
		if err != nil {
			return fmt.Errorf("photo: %w", err)
		}
		if !bytes.Equal(photo, jpeg) {
			return fmt.Errorf("photo of %d bytes, sent %d", len(photo), len(jpeg))
		}
		p, err := plate.ParsePattern(r.Plate)
		if err != nil {
			return err
		}
		page, err := tx.SearchReads(&store.ReadQuery{Pattern: p, Limit: 500, CountCap: 1000})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(page.Reads, func(x api.Read) bool { return x.ID == id }) {
			return fmt.Errorf("a search for %s does not find it", r.Plate)
		}
		return nil
	})
}

// loginAt signs user in at the store at url and returns the access token.
func loginAt(t testing.TB, url, user string) string {
	t.Helper()
	env := &storetest.Env{URL: url, HTTP: http.DefaultClient}
	var tr api.TokenResponse
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: user, Password: storetest.Password}, http.StatusOK, &tr)
	return tr.AccessToken
}

// getStatus sends an authenticated GET and returns the status (0: no answer).
func getStatus(url, token string) int {
	req, _ := http.NewRequest("GET", url, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	return (&storetest.Env{HTTP: http.DefaultClient}).Status(req)
}

// TestShownDBHidesThePassword: the start line never shows a database
// password.
func TestShownDBHidesThePassword(t *testing.T) {
	for in, want := range map[string]string{
		"/var/lib/alprstore/alprstore.db":                                "/var/lib/alprstore/alprstore.db",
		"postgres://alpr:s3cret@db1:5432/alpr?sslmode=require":           "postgres://alpr:xxxxx@db1:5432/alpr?sslmode=require",
		"postgresql://alpr@db1,db2/alpr?target_session_attrs=read-write": "postgresql://alpr@db1,db2/alpr?target_session_attrs=read-write",
	} {
		if got := shownDB(in); got != want {
			t.Errorf("shownDB(%q) = %q, want %q", in, got, want)
		}
	}
}
