package client

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
)

// sseServer is a small alert stream of the format api/openapi.yaml documents: it serves
// alerts after Last-Event-ID, and drops the connection after `perConn`
// events to force reconnects.
type sseServer struct {
	mu       sync.Mutex
	alerts   []api.Alert
	perConn  int
	lastIDs  []string // Last-Event-ID of each connection
	auths    []string
	refuseAt int // connection number answered 403 (0: never)
}

func (s *sseServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.lastIDs = append(s.lastIDs, r.Header.Get(api.HeaderLastEventID))
	s.auths = append(s.auths, r.Header.Get("Authorization")+"|"+r.Header.Get(api.HeaderWorkstation))
	n := len(s.lastIDs)
	s.mu.Unlock()
	if n == s.refuseAt {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"error":{"code":"forbidden","message":"Covert hits are only for their requester."}}`))
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	fl := w.(http.Flusher)
	fmt.Fprint(w, "retry: 20\n: connected\n\n")
	fl.Flush()
	start := 0
	last := r.Header.Get(api.HeaderLastEventID)
	for i, a := range s.alerts {
		if a.ID == last {
			start = i + 1
		}
	}
	sent := 0
	for _, a := range s.alerts[start:] {
		if sent == s.perConn {
			return // drop the connection
		}
		b, _ := json.Marshal(a)
		fmt.Fprintf(w, "id: %s\nevent: hit\ndata: %s\n\n: keep-alive\n\n", a.ID, b)
		fmt.Fprint(w, "event: other\ndata: {\"id\":\"ignored\"}\n\n")
		fl.Flush()
		sent++
	}
	<-r.Context().Done() // stay open like the store does
}

func alerts(n int) []api.Alert {
	var out []api.Alert
	for i := 1; i <= n; i++ {
		out = append(out, api.Alert{ID: fmt.Sprintf("al-%d", i), List: api.ListAlert, Match: api.MatchExact,
			Read:  api.Read{ID: fmt.Sprintf("r-%d", i), Plate: "7ABC12" + fmt.Sprint(i)},
			Entry: api.HotlistEntry{ID: "e-1", Plate: "7ABC123", ReportNumber: "26-012345"}})
	}
	return out
}

func TestSubscribeReconnectsWithLastEventID(t *testing.T) {
	s := &sseServer{alerts: alerts(5), perConn: 2}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL, Workstation: "desk-9"})
	c.SetTokens(Tokens{AccessToken: "tok-1"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	var states []bool
	err := c.Subscribe(ctx, "al-1", func(a api.Alert) {
		got = append(got, a.ID+"/"+a.Read.ID)
		if len(got) == 4 {
			cancel()
		}
	}, OnStreamState(func(connected bool, err error) { states = append(states, connected) }),
		StreamBackoff(5*time.Millisecond, 50*time.Millisecond))
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Subscribe = %v", err)
	}
	want := []string{"al-2/r-2", "al-3/r-3", "al-4/r-4", "al-5/r-5"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("alerts = %v, want %v", got, want)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.lastIDs) < 2 || s.lastIDs[0] != "al-1" || s.lastIDs[1] != "al-3" {
		t.Fatalf("Last-Event-ID per connection = %v", s.lastIDs)
	}
	for _, a := range s.auths {
		if a != "Bearer tok-1|desk-9" {
			t.Fatalf("headers = %q", a)
		}
	}
	if len(states) < 3 || !states[0] || states[1] {
		t.Fatalf("states = %v", states)
	}
}

func TestSubscribeStopsOnPermanentRefusal(t *testing.T) {
	s := &sseServer{alerts: alerts(2), perConn: 1, refuseAt: 2}
	srv := httptest.NewServer(s)
	defer srv.Close()
	c, _ := New(Config{BaseURL: srv.URL})
	c.SetTokens(Tokens{AccessToken: "tok"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n := 0
	err := c.Subscribe(ctx, "", func(api.Alert) { n++ }, StreamBackoff(time.Millisecond, 10*time.Millisecond))
	if !errors.Is(err, ErrForbidden) || err.Error() != "Covert hits are only for their requester." || n != 1 {
		t.Fatalf("Subscribe = %v after %d alerts", err, n)
	}
}

func TestSubscribeKeepsTryingWhileOffline(t *testing.T) {
	c, _ := New(Config{BaseURL: "http://" + freeAddr(t)})
	c.SetTokens(Tokens{AccessToken: "tok"})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	var mu sync.Mutex
	losses := 0
	err := c.Subscribe(ctx, "", func(api.Alert) {}, StreamBackoff(5*time.Millisecond, 20*time.Millisecond),
		OnStreamState(func(connected bool, err error) {
			mu.Lock()
			defer mu.Unlock()
			if !connected && errors.Is(err, ErrOffline) {
				losses++
			}
		}))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Subscribe = %v", err)
	}
	if losses < 3 {
		t.Fatalf("only %d reconnect attempts reported", losses)
	}
}

func TestSubscribeRefreshesAnExpiredToken(t *testing.T) {
	s := &sseServer{alerts: alerts(2), perConn: 5}
	mux := http.NewServeMux()
	refreshes := 0
	mux.HandleFunc("POST /v1/auth/refresh", func(w http.ResponseWriter, r *http.Request) {
		refreshes++
		json.NewEncoder(w).Encode(api.TokenResponse{AccessToken: "fresh", RefreshToken: "rt-2", ExpiresIn: 900})
	})
	mux.HandleFunc("GET /v1/alerts/stream", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer fresh" {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":{"code":"token_expired","message":"The access token has expired."}}`))
			return
		}
		s.ServeHTTP(w, r)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	var rotated []string
	c, _ := New(Config{BaseURL: srv.URL, OnTokens: func(tk Tokens) { rotated = append(rotated, tk.RefreshToken) }})
	c.SetTokens(Tokens{AccessToken: "stale", RefreshToken: "rt-1"})
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var got []string
	err := c.Subscribe(ctx, "", func(a api.Alert) {
		got = append(got, a.ID)
		if len(got) == 2 {
			cancel()
		}
	}, StreamBackoff(time.Millisecond, 10*time.Millisecond))
	if !errors.Is(err, context.Canceled) || fmt.Sprint(got) != "[al-1 al-2]" || refreshes != 1 || fmt.Sprint(rotated) != "[rt-2]" {
		t.Fatalf("Subscribe = %v, alerts %v, refreshes %d, rotated %v", err, got, refreshes, rotated)
	}
}
