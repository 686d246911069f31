package store_test

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// startHotlists starts a store whose alert stream sends keep-alives every
// 100 ms and whose hotlist job is left to the tests.
func startHotlists(t testing.TB) *storetest.Env {
	t.Helper()
	return storetest.StartWith(t, store.Config{AlertKeepAlive: 100 * time.Millisecond, HotlistEvery: -1})
}

// hotReq is a valid hotlist request body.
func hotReq(p, list string) api.HotlistRequestBody {
	return api.HotlistRequestBody{Plate: p, State: "CA", ReportNumber: "26-012345",
		VehicleDescription: "silver Toyota Camry sedan", Explanation: "Vehicle used in the armed robbery at 73rd Ave on Nov 20",
		List: list, RequesterName: "Det. Dana Reyes", RequesterSerial: "D100", Days: 10,
		Instructions: "Do not stop; notify the requester at once."}
}

// approved files a request as user and has the approver approve it,
// returning the decided request.
func approved(t *testing.T, env *storetest.Env, user string, body api.HotlistRequestBody) api.HotlistRequest {
	t.Helper()
	var req api.HotlistRequest
	env.Do(t, "POST", "/v1/hotlist-requests", env.Login(t, user), body, http.StatusCreated, &req)
	env.Do(t, "POST", "/v1/hotlist-requests/"+req.ID+"/decision", env.Login(t, "approver"),
		api.DecisionRequest{Approve: true, Reason: "Meets the policy: open robbery case"}, http.StatusOK, &req)
	return req
}

// stream is an open alert stream read in the background.
type stream struct {
	mu       sync.Mutex
	alerts   []api.Alert
	ids      []string
	comments int
	cancel   context.CancelFunc
	done     chan struct{}
	status   int
}

// subscribe opens GET /v1/alerts/stream as user (with lastID when not
// empty) through the validating client and reads it until the test ends.
func subscribe(t testing.TB, env *storetest.Env, token, lastID string) *stream {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", env.URL+"/v1/alerts/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "text/event-stream")
	req.Header.Set(api.HeaderWorkstation, "storetest-ws")
	if lastID != "" {
		req.Header.Set(api.HeaderLastEventID, lastID)
	}
	resp, err := env.HTTP.Do(req)
	if err != nil {
		cancel()
		t.Fatalf("subscribe: %v", err)
	}
	s := &stream{cancel: cancel, done: make(chan struct{}), status: resp.StatusCode}
	t.Cleanup(s.close)
	if resp.StatusCode != http.StatusOK {
		resp.Body.Close()
		close(s.done)
		return s
	}
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Errorf("stream content type %q", ct)
	}
	go func() {
		defer close(s.done)
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		var id, event, data string
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if event == "hit" {
					var a api.Alert
					if err := json.Unmarshal([]byte(data), &a); err != nil {
						t.Errorf("stream data %q: %v", data, err)
					}
					s.mu.Lock()
					s.alerts, s.ids = append(s.alerts, a), append(s.ids, id)
					s.mu.Unlock()
				}
				id, event, data = "", "", ""
			case strings.HasPrefix(line, ":"):
				s.mu.Lock()
				s.comments++
				s.mu.Unlock()
			case strings.HasPrefix(line, "id: "):
				id = strings.TrimPrefix(line, "id: ")
			case strings.HasPrefix(line, "event: "):
				event = strings.TrimPrefix(line, "event: ")
			case strings.HasPrefix(line, "data: "):
				data = strings.TrimPrefix(line, "data: ")
			default:
				t.Errorf("unexpected stream line %q", line)
			}
		}
	}()
	return s
}

func (s *stream) close() {
	s.cancel()
	<-s.done
}

// got returns the alerts received so far.
func (s *stream) got() []api.Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]api.Alert(nil), s.alerts...)
}

// wait waits until n alerts arrived (failing after 5 s) and returns them.
func (s *stream) wait(t testing.TB, n int) []api.Alert {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if got := s.got(); len(got) >= n {
			return got
		}
		time.Sleep(5 * time.Millisecond)
	}
	got := s.got()
	t.Fatalf("stream: %d alerts after 5 s, want %d: %+v", len(got), n, got)
	return nil
}

// plates summarises alerts as "list:match:plate" strings.
func plates(as []api.Alert) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.List+":"+a.Match+":"+a.Read.Plate)
	}
	return out
}
