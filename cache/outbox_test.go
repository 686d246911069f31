package cache

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/client"
	"alprdesk/store/storetest"
)

// outboxWorld is a real store with four reads a detective has searched.
type outboxWorld struct {
	env      *storetest.Env
	searchID string
	reads    []string
}

func newOutboxWorld(t *testing.T) *outboxWorld {
	env := storetest.Start(t)
	w := &outboxWorld{env: env}
	now := env.Clock.Now().UTC()
	for i := 1; i <= 4; i++ {
		id := fmt.Sprintf("ob-%d", i)
		env.Ingest(t, api.ReadMeta{ID: id, CameraID: "cam-1", CapturedAt: now.Add(-time.Duration(i) * time.Minute),
			Plate: fmt.Sprintf("5OUT00%d", i), State: "CA", Confidence: 0.8, PlateBox: api.Box{X: 1, Y: 1, W: 10, H: 5}}, nil)
		w.reads = append(w.reads, id)
	}
	c := w.login(t, "detective")
	res, err := c.Search(context.Background(), api.SearchRequest{CaseContext: storetest.Case, Plate: "5OUT*"})
	if err != nil || len(res.Results) != 4 {
		t.Fatalf("search: %v %+v", err, res)
	}
	w.searchID = res.SearchID
	return w
}

func (w *outboxWorld) login(t *testing.T, user string) *client.Client {
	return loginAt(t, w.env.URL, user)
}

func loginAt(t *testing.T, url, user string) *client.Client {
	c, err := client.New(client.Config{BaseURL: url, Workstation: "desk-outbox"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Login(context.Background(), user, storetest.Password); err != nil {
		t.Fatal(err)
	}
	return c
}

// verificationsOnStore counts the allowed verification audit entries per read.
func (w *outboxWorld) verificationsOnStore(t *testing.T) map[string]int {
	sup := w.login(t, "supervisor")
	page, err := sup.Audit(context.Background(), client.AuditQuery{Action: "verification", Outcome: api.OutcomeAllowed, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	n := map[string]int{}
	for _, e := range page.Entries {
		var q struct {
			ReadID string `json:"read_id"`
		}
		json.Unmarshal([]byte(e.Query), &q)
		n[q.ReadID]++
	}
	return n
}

const (
	envChild = "ALPR_OUTBOX_CHILD"
	envURL   = "ALPR_OUTBOX_URL"
	envDir   = "ALPR_OUTBOX_DIR"
	envKey   = "ALPR_OUTBOX_KEY"
	envKill  = "ALPR_OUTBOX_KILL_AFTER"
)

func TestMain(m *testing.M) {
	if os.Getenv(envChild) == "1" {
		os.Exit(outboxChild())
	}
	os.Exit(m.Run())
}

// outboxChild is the helper process of TestOutboxSurvivesKill: it delivers
// the outbox and kills itself (SIGKILL) right after the store has accepted
// item number ALPR_OUTBOX_KILL_AFTER, before the item is removed.
func outboxChild() int {
	key, _ := hex.DecodeString(os.Getenv(envKey))
	c, err := Open(os.Getenv(envDir), Options{Store: "store", User: "detective", Key: key, PurgeEvery: -1})
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	cl, err := client.New(client.Config{BaseURL: os.Getenv(envURL), Workstation: "desk-outbox"})
	if err == nil {
		_, err = cl.Login(context.Background(), "detective", storetest.Password)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "child:", err)
		return 2
	}
	var killAfter, sent int
	fmt.Sscan(os.Getenv(envKill), &killAfter)
	send := SendWith(cl)
	rep, err := c.Deliver(context.Background(), func(ctx context.Context, it OutboxItem) error {
		err := send(ctx, it)
		sent++
		if sent == killAfter {
			// Kill, not exit: no deferred cleanup runs (SIGKILL on Unix,
			// TerminateProcess on Windows).
			if p, err := os.FindProcess(os.Getpid()); err == nil {
				p.Kill()
			}
			time.Sleep(time.Minute)
		}
		return err
	})
	fmt.Fprintf(os.Stderr, "child: not killed: %+v %v\n", rep, err)
	return 3
}

func TestOutboxSurvivesKillAndDeliversExactlyOnce(t *testing.T) {
	w := newOutboxWorld(t)
	dir := t.TempDir()
	key := testKey(0x42)
	c, err := Open(dir, Options{Store: "store", User: "detective", Key: key, PurgeEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	statuses := []string{api.VerifyConfirmed, api.VerifyUnreadable, api.VerifyConfirmed, api.VerifyMisread}
	var ids []string
	for i, id := range w.reads {
		req := api.VerificationRequest{SearchID: w.searchID, Status: statuses[i]}
		if statuses[i] == api.VerifyMisread {
			req.CorrectedPlate = "5OUT009"
		}
		it, err := c.EnqueueVerification(id, req)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, it.ID)
	}
	c.Close()

	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), envChild+"=1", envURL+"="+w.env.URL, envDir+"="+dir,
		envKey+"="+hex.EncodeToString(key), envKill+"=2")
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || !wasKilled(exit) {
		t.Fatalf("child: %v\n%s", err, out)
	}
	// Two items reached the store; only the first was removed before the kill.
	if got := w.verificationsOnStore(t); got[w.reads[0]] != 1 || got[w.reads[1]] != 1 || got[w.reads[2]] != 0 {
		t.Fatalf("after the kill the store holds %v", got)
	}

	c, err = Open(dir, Options{Store: "store", User: "detective", Key: key, PurgeEvery: -1})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	pending, err := c.Pending()
	if err != nil || len(pending) != 3 || pending[0].ID != ids[1] || pending[2].ID != ids[3] {
		t.Fatalf("pending after the crash = %+v %v", pending, err)
	}
	rep, err := c.Deliver(context.Background(), SendWith(w.login(t, "detective")))
	if err != nil || rep.Delivered != 3 || rep.Refused != 0 || rep.Pending != 0 {
		t.Fatalf("Deliver = %+v %v", rep, err)
	}
	got := w.verificationsOnStore(t)
	for _, id := range w.reads {
		if got[id] != 1 {
			t.Fatalf("verifications per read = %v, want exactly one each", got)
		}
	}
	// And the verdicts are the queued ones.
	cl := w.login(t, "detective")
	res, err := cl.Search(context.Background(), api.SearchRequest{CaseContext: storetest.Case, Plate: "5OUT*"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	for i, id := range w.reads {
		want[id] = statuses[i]
	}
	for _, r := range res.Results {
		if r.Verification == nil || r.Verification.Status != want[r.ID] {
			t.Fatalf("%s verification = %+v, want %s", r.ID, r.Verification, want[r.ID])
		}
	}
	if items, _ := c.Pending(); len(items) != 0 {
		t.Fatalf("outbox not empty: %+v", items)
	}
}

func TestOutboxOfflineKeepsItemsAndRefusalsAreRecorded(t *testing.T) {
	w := newOutboxWorld(t)
	clk := newClock()
	c := openTest(t, t.TempDir(), clk, testKey(0x43))
	good := api.VerificationRequest{SearchID: w.searchID, Status: api.VerifyConfirmed}
	first, _ := c.EnqueueVerification(w.reads[0], good)
	// A read reached through a search that is not this user's: refused for good.
	c.EnqueueVerification(w.reads[1], api.VerificationRequest{SearchID: "no-such-search", Status: api.VerifyConfirmed})
	c.EnqueueVerification(w.reads[2], good)

	// Store unreachable: nothing is lost, delivery stops at the first item.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + l.Addr().String()
	l.Close()
	offline, _ := client.New(client.Config{BaseURL: dead, Retries: -1})
	offline.SetTokens(client.Tokens{AccessToken: "x"})
	rep, err := c.Deliver(context.Background(), SendWith(offline))
	if !errors.Is(err, client.ErrOffline) || rep.Delivered != 0 || rep.Pending != 3 {
		t.Fatalf("offline Deliver = %+v %v", rep, err)
	}
	items, _ := c.Pending()
	if len(items) != 3 || items[0].ID != first.ID || items[0].Attempts != 1 || !strings.Contains(items[0].LastError, "cannot be reached") {
		t.Fatalf("after offline: %+v", items)
	}

	// Back online: delivered in order, the refusal recorded with the store's sentence.
	rep, err = c.Deliver(context.Background(), SendWith(w.login(t, "detective")))
	if err != nil || rep.Delivered != 2 || rep.Refused != 1 || rep.Pending != 0 {
		t.Fatalf("Deliver = %+v %v", rep, err)
	}
	refusals, err := c.Refusals()
	if err != nil || len(refusals) != 1 {
		t.Fatalf("refusals = %+v %v", refusals, err)
	}
	r := refusals[0]
	if r.Item.Kind != KindVerification || r.Code == "" || r.Message == "" || !strings.Contains(string(r.Item.Payload), w.reads[1]) {
		t.Fatalf("refusal = %+v", r)
	}
	if err := c.DismissRefusal(r.Item.ID); err != nil {
		t.Fatal(err)
	}
	if refusals, _ := c.Refusals(); len(refusals) != 0 {
		t.Fatal("dismissed refusal still listed")
	}
	if got := w.verificationsOnStore(t); got[w.reads[0]] != 1 || got[w.reads[2]] != 1 || got[w.reads[1]] != 0 {
		t.Fatalf("store verifications = %v", got)
	}
}

func TestDeliverEveryRunsUntilCancelled(t *testing.T) {
	w := newOutboxWorld(t)
	c := openTest(t, t.TempDir(), newClock(), testKey(0x44))
	c.EnqueueVerification(w.reads[0], api.VerificationRequest{SearchID: w.searchID, Status: api.VerifyConfirmed})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	reports := make(chan DeliverReport, 4)
	go c.DeliverEvery(ctx, 20*time.Millisecond, SendWith(w.login(t, "detective")), func(r DeliverReport, err error) {
		if err == nil {
			reports <- r
		}
	})
	if r := <-reports; r.Delivered != 1 {
		t.Fatalf("first report = %+v", r)
	}
	c.EnqueueVerification(w.reads[1], api.VerificationRequest{SearchID: w.searchID, Status: api.VerifyUnreadable})
	select {
	case r := <-reports:
		if r.Delivered != 1 {
			t.Fatalf("second report = %+v", r)
		}
	case <-ctx.Done():
		t.Fatal("the periodic delivery never sent the second item")
	}
	cancel()
}

func TestVerifyOrQueue(t *testing.T) {
	w := newOutboxWorld(t)
	c := openTest(t, t.TempDir(), newClock(), testKey(0x45))
	ctx := context.Background()
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	dead := "http://" + l.Addr().String()
	l.Close()
	offline, _ := client.New(client.Config{BaseURL: dead, Retries: -1})
	offline.SetTokens(client.Tokens{AccessToken: "x"})
	online := w.login(t, "detective")

	// Offline: the verdict waits in the outbox.
	v, queued, err := c.VerifyOrQueue(ctx, offline, w.reads[0], api.VerificationRequest{SearchID: w.searchID, Status: api.VerifyUnreadable})
	if v != nil || !queued || !errors.Is(err, client.ErrOffline) {
		t.Fatalf("offline VerifyOrQueue = %+v %v %v", v, queued, err)
	}
	// Online again: the older verdict goes first, then the new one, which is answered.
	v, queued, err = c.VerifyOrQueue(ctx, online, w.reads[1], api.VerificationRequest{SearchID: w.searchID, Status: api.VerifyConfirmed})
	if err != nil || queued || v == nil || v.Status != api.VerifyConfirmed || v.By != "detective" {
		t.Fatalf("online VerifyOrQueue = %+v %v %v", v, queued, err)
	}
	if items, _ := c.Pending(); len(items) != 0 {
		t.Fatalf("outbox not empty: %+v", items)
	}
	if got := w.verificationsOnStore(t); got[w.reads[0]] != 1 || got[w.reads[1]] != 1 {
		t.Fatalf("store verifications = %v", got)
	}
	// A refusal comes back at once with the store's sentence and is not kept.
	_, queued, err = c.VerifyOrQueue(ctx, online, w.reads[2], api.VerificationRequest{SearchID: w.searchID, Status: "perhaps"})
	if queued || !errors.Is(err, client.ErrInvalidField) || !strings.Contains(err.Error(), "status") {
		t.Fatalf("refused VerifyOrQueue = %v %v", queued, err)
	}
	if r, _ := c.Refusals(); len(r) != 0 {
		t.Fatalf("an inline refusal was kept: %+v", r)
	}
}

// wasKilled reports whether the child ended by its kill: SIGKILL on Unix;
// on Windows TerminateProcess, which os.Process.Kill calls with exit code 1
// (the child's own failures exit 2 or 3).
func wasKilled(exit *exec.ExitError) bool {
	if runtime.GOOS == "windows" {
		return exit.ExitCode() == 1
	}
	return strings.Contains(exit.String(), "killed")
}
