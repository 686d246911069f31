package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/postgres/pgtest"
	"alprdesk/store/storetest"
)

// startPair starts two store nodes on one PostgreSQL database, with alert
// keep-alives every 15 s and no hotlist polling, so that anything one node
// learns from the other within a second came through LISTEN/NOTIFY.
func startPair(t *testing.T) (a, b *storetest.Env) {
	t.Helper()
	envs := storetest.StartNodes(t, 2, store.Config{AlertKeepAlive: 15 * time.Second, HotlistEvery: -1})
	return envs[0], envs[1]
}

// TestNodesShareSessions: a token from node A works on B; a refresh on B
// rotates the family for A too (reusing the old refresh token on A revokes
// the family everywhere); a logout on A ends the session on B.
func TestNodesShareSessions(t *testing.T) {
	a, b := startPair(t)
	var tr api.TokenResponse
	a.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
	var me api.User
	b.Do(t, "GET", "/v1/me", tr.AccessToken, nil, http.StatusOK, &me)
	if me.Username != "detective" {
		t.Fatalf("me on B = %+v", me)
	}
	var rotated api.TokenResponse
	b.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusOK, &rotated)
	a.Do(t, "GET", "/v1/me", rotated.AccessToken, nil, http.StatusOK, nil)
	// Reuse of the rotated-away refresh token, on the other node: the
	// family is revoked, so the new tokens stop working on both nodes.
	a.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken}, http.StatusUnauthorized, nil)
	b.Do(t, "GET", "/v1/me", rotated.AccessToken, nil, http.StatusUnauthorized, nil)
	a.Do(t, "POST", "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: rotated.RefreshToken}, http.StatusUnauthorized, nil)

	tok := a.Login(t, "detective2")
	b.Do(t, "GET", "/v1/me", tok, nil, http.StatusOK, nil)
	a.Do(t, "POST", "/v1/auth/logout", tok, nil, http.StatusNoContent, nil)
	b.Do(t, "GET", "/v1/me", tok, nil, http.StatusUnauthorized, nil)
}

// TestLockoutCountedAcrossNodes: five wrong passwords sent to both nodes at
// once count as one series (none is lost to a concurrent update), so the
// account is locked on both nodes.
func TestLockoutCountedAcrossNodes(t *testing.T) {
	a, b := startPair(t)
	bad := api.LoginRequest{Username: "detective", Password: "wrong-password"}
	codes := make(chan int, store.MaxFailures)
	var wg sync.WaitGroup
	for i := range store.MaxFailures {
		env := []*storetest.Env{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			codes <- postStatus(env, "/v1/auth/login", "", bad)
		}()
	}
	wg.Wait()
	close(codes)
	for c := range codes {
		if c != http.StatusUnauthorized {
			t.Fatalf("a wrong password answered %d", c)
		}
	}
	good := api.LoginRequest{Username: "detective", Password: storetest.Password}
	a.Do(t, "POST", "/v1/auth/login", "", good, http.StatusLocked, nil)
	b.Do(t, "POST", "/v1/auth/login", "", good, http.StatusLocked, nil)
}

// TestHotlistApprovedOnOneNodeHitsOnTheOther: a request approved on node B
// changes node A's matcher at once (NOTIFY), a read ingested on A raises
// the alert, and open streams on both nodes receive it within a second
// (keep-alives, which would also poll, come only every 15 s).
func TestHotlistApprovedOnOneNodeHitsOnTheOther(t *testing.T) {
	a, b := startPair(t)
	wc := a.Login(t, "watch_commander")
	onA := subscribe(t, a, wc, "")
	onB := subscribe(t, b, wc, "")
	var req api.HotlistRequest
	b.Do(t, "POST", "/v1/hotlist-requests", b.Login(t, "detective"), hotReq("7ABC123", api.ListAlert), http.StatusCreated, &req)
	b.Do(t, "POST", "/v1/hotlist-requests/"+req.ID+"/decision", b.Login(t, "approver"),
		api.DecisionRequest{Approve: true, Reason: "Meets the policy: open robbery case"}, http.StatusOK, nil)

	// A learns of the entry through the notification, not by polling: reads
	// of the plate ingested on A raise an alert within a second.
	first := ingestUntilHit(t, a, "7ABC123", time.Second)
	within(t, time.Second, "stream on A", func() bool { return len(onA.got()) == 1 })
	within(t, time.Second, "stream on B", func() bool { return len(onB.got()) == 1 })

	// And the other way round: a hit ingested on B reaches A's stream.
	b.Ingest(t, read(b, "nodes-2", "7ABC123", time.Second), nil)
	within(t, time.Second, "second hit on A", func() bool { return len(onA.got()) == 2 })
	within(t, time.Second, "second hit on B", func() bool { return len(onB.got()) == 2 })
	if x, y := onA.got(), onB.got(); x[0].ID != y[0].ID || x[1].ID != y[1].ID || x[0].Read.ID != first || x[1].Read.ID != "nodes-2" {
		t.Fatalf("streams disagree: A %+v, B %+v", x, y)
	}
}

// ingestUntilHit ingests reads of plate on env (a new id each time)
// until one raises an alert, failing after d; it returns that read's id.
func ingestUntilHit(t *testing.T, env *storetest.Env, p string, d time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(d)
	for i := 0; ; i++ {
		id := fmt.Sprintf("nodes-1-%d", i)
		env.Ingest(t, read(env, id, p, time.Second), nil)
		var hits []store.AlertRecord
		err := env.Server.Storage().View(context.Background(), func(tx store.ReadTx) error {
			var err error
			hits, err = tx.AlertsAfter(0, store.AlertViewer{Patrol: true}, 10)
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) > 0 {
			return id
		}
		if time.Now().After(deadline) {
			t.Fatalf("no alert for %s on this node within %s of the approval on the other", p, d)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// within fails the test unless ok becomes true within d.
func within(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, d)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestAuditChainWithFourClientsOnTwoNodes: four clients, two on each node,
// run audited searches at once; the chain stays one chain: it verifies,
// its sequence numbers run 1..N without a gap, and it holds every search.
func TestAuditChainWithFourClientsOnTwoNodes(t *testing.T) {
	a, b := startPair(t)
	perClient := 500
	if testing.Short() {
		perClient = 100
	}
	users := []string{"detective", "detective2", "watch_commander", "trainer"}
	var wg sync.WaitGroup
	errs := make(chan error, len(users))
	for i, u := range users {
		env := []*storetest.Env{a, b}[i%2]
		tok := env.Login(t, u)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range perClient {
				if c := postStatus(env, "/v1/searches", tok, searchReq(fmt.Sprintf("7AB%04d", j))); c != http.StatusOK {
					errs <- fmt.Errorf("%s: search %d answered %d", u, j, c)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var v api.AuditVerify
	b.Do(t, "GET", "/v1/audit/verify", b.Login(t, "supervisor"), nil, http.StatusOK, &v)
	if !v.OK || v.Checked != v.Head.Seq {
		t.Fatalf("verify = %+v", v)
	}
	var seqs, searches int64
	err := a.Server.Storage().View(context.Background(), func(tx store.ReadTx) error {
		return tx.AuditScan(func(e api.AuditEntry) error {
			seqs++
			if e.Seq != seqs {
				return fmt.Errorf("entry %d follows %d", e.Seq, seqs-1)
			}
			if e.Action == store.ActionSearch {
				searches++
			}
			return nil
		})
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(len(users) * perClient); searches != want || seqs != v.Head.Seq {
		t.Fatalf("%d searches audited (want %d), %d entries, head %d", searches, want, seqs, v.Head.Seq)
	}
}

// postStatus sends a JSON POST from any goroutine and returns the status
// (0 when it could not be sent).
func postStatus(env *storetest.Env, path, token string, body any) int {
	b, _ := json.Marshal(body)
	req, err := http.NewRequest("POST", env.URL+path, bytes.NewReader(b))
	if err != nil {
		return 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(api.HeaderWorkstation, "storetest-ws")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return env.Status(req)
}

// TestConcurrentRefreshAcrossNodes: the same refresh token sent to both
// nodes at once rotates once; the other use is a reuse, which revokes the
// family, so neither answer's tokens stay valid.
func TestConcurrentRefreshAcrossNodes(t *testing.T) {
	a, b := startPair(t)
	for range 3 {
		var tr api.TokenResponse
		a.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "detective", Password: storetest.Password}, http.StatusOK, &tr)
		codes := make(chan int, 2)
		for _, env := range []*storetest.Env{a, b} {
			go func() {
				codes <- postStatus(env, "/v1/auth/refresh", "", api.RefreshRequest{RefreshToken: tr.RefreshToken})
			}()
		}
		c1, c2 := <-codes, <-codes
		if (c1 == http.StatusOK) == (c2 == http.StatusOK) || c1+c2 != http.StatusOK+http.StatusUnauthorized {
			t.Fatalf("two concurrent refreshes answered %d and %d; want one 200 and one 401", c1, c2)
		}
		b.Do(t, "GET", "/v1/me", tr.AccessToken, nil, http.StatusUnauthorized, nil)
	}
}

// TestDatabaseLostAnswers503: while the node cannot reach its database,
// requests answer 503 store_unavailable with Retry-After (never 500), a
// refused write leaves no audit entry behind, /readyz fails and /healthz
// says so; once the database is back the node serves again by itself.
func TestDatabaseLostAnswers503(t *testing.T) {
	env := storetest.StartNodes(t, 1, store.Config{})[0]
	tok := env.Login(t, "detective")
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC123"), http.StatusOK, nil)
	u, err := url.Parse(env.DBPath)
	if err != nil {
		t.Fatal(err)
	}
	db := strings.TrimPrefix(u.Path, "/")
	admin := func(q string) {
		t.Helper()
		ctx := context.Background()
		c, err := pgx.Connect(ctx, os.Getenv(pgtest.EnvURL))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	admin(`ALTER DATABASE ` + db + ` ALLOW_CONNECTIONS false`)
	admin(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '` + db + `'`)
	restored := false
	defer func() {
		if !restored {
			admin(`ALTER DATABASE ` + db + ` ALLOW_CONNECTIONS true`)
		}
	}()

	for _, c := range []struct{ method, path string }{{"GET", "/v1/me"}, {"POST", "/v1/searches"}, {"GET", "/readyz"}} {
		var body io.Reader
		if c.method == "POST" {
			b, _ := json.Marshal(searchReq("7ABC123"))
			body = bytes.NewReader(b)
		}
		req, _ := http.NewRequest(c.method, env.URL+c.path, body)
		req.Header.Set("Authorization", "Bearer "+tok)
		req.Header.Set("Content-Type", "application/json")
		resp, err := env.HTTP.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") == "" {
			resp.Body.Close()
			t.Fatalf("%s %s with the database gone: %d, Retry-After %q", c.method, c.path, resp.StatusCode, resp.Header.Get("Retry-After"))
		}
		assertErrorCode(t, resp, api.CodeStoreUnavailable)
	}
	var h api.Health
	env.Do(t, "GET", "/healthz", "", nil, http.StatusOK, &h)
	if h.Database != "unreachable" || h.Backend != store.BackendPostgres {
		t.Fatalf("healthz with the database gone: %+v", h)
	}

	admin(`ALTER DATABASE ` + db + ` ALLOW_CONNECTIONS true`)
	restored = true
	within(t, 10*time.Second, "the node serving again", func() bool {
		return getStatusOf(env, "/readyz") == http.StatusOK
	})
	env.Do(t, "GET", "/v1/me", tok, nil, http.StatusOK, nil)
	var v api.AuditVerify
	env.Do(t, "GET", "/v1/audit/verify", env.Login(t, "supervisor"), nil, http.StatusOK, &v)
	var searches int
	err = env.Server.Storage().View(context.Background(), func(tx store.ReadTx) error {
		return tx.AuditScan(func(e api.AuditEntry) error {
			if e.Action == store.ActionSearch {
				searches++
			}
			return nil
		})
	})
	if err != nil || !v.OK || searches != 1 {
		t.Fatalf("after the outage: verify %+v, %d searches audited (want the one before), %v", v, searches, err)
	}
}

// getStatusOf sends an unauthenticated GET and returns the status (0: no answer).
func getStatusOf(env *storetest.Env, path string) int {
	req, _ := http.NewRequest("GET", env.URL+path, nil)
	return env.Status(req)
}

// TestIdempotencyKeyAcrossNodes: one Idempotency-Key sent to both nodes at
// once writes once; both answers are the first answer.
func TestIdempotencyKeyAcrossNodes(t *testing.T) {
	a, b := startPair(t)
	tok := a.Login(t, "detective")
	body, _ := json.Marshal(hotReq("7IDM123", api.ListAlert))
	type answer struct {
		status int
		body   string
	}
	answers := make(chan answer, 2)
	for _, env := range []*storetest.Env{a, b} {
		go func() {
			req, _ := http.NewRequest("POST", env.URL+"/v1/hotlist-requests", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			req.Header.Set(api.HeaderIdempotencyKey, "5f0a7c1e-0000-4000-8000-000000000001")
			resp, err := env.HTTP.Do(req)
			if err != nil {
				answers <- answer{}
				return
			}
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			answers <- answer{resp.StatusCode, string(raw)}
		}()
	}
	x, y := <-answers, <-answers
	if x.status != http.StatusCreated || x != y {
		t.Fatalf("answers differ or failed: %d %s / %d %s", x.status, x.body, y.status, y.body)
	}
	var list []api.HotlistRequest
	b.Do(t, "GET", "/v1/hotlist-requests", tok, nil, http.StatusOK, &list)
	if len(list) != 1 {
		t.Fatalf("%d hotlist requests stored, want 1", len(list))
	}
}
