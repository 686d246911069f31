package main

import (
	"errors"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestServeRefusesPlainHTTPOffLoopback: a non-loopback address needs TLS
// or a trusted proxy; loopback does not.
func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	for _, c := range []struct {
		args []string
		ok   bool
	}{
		{[]string{"--addr", "0.0.0.0:8080"}, false},
		{[]string{"--addr", ":8080"}, false},
		{[]string{"--addr", "alpr.example.org:8080"}, false},
		{[]string{"--addr", "[::]:8080", "--trusted-proxy", "nonsense"}, false},
		{[]string{"--addr", "127.0.0.1:8080"}, true},
		{[]string{"--addr", "localhost:8080"}, true},
		{[]string{"--addr", "[::1]:8080"}, true},
		{[]string{"--addr", "0.0.0.0:8080", "--tls-cert", "c.pem", "--tls-key", "k.pem"}, true},
		{[]string{"--addr", "0.0.0.0:8080", "--trusted-proxy", "10.0.0.0/8, 192.168.1.0/24"}, true},
	} {
		_, err := serveFlags(append(c.args, "--db", "x.db"))
		if (err == nil) != c.ok || (err != nil && !errors.Is(err, errUsage)) {
			t.Errorf("%v: %v", c.args, err)
		}
		if err != nil && !strings.Contains(err.Error(), "TLS") && !strings.Contains(err.Error(), "CIDR") {
			t.Errorf("%v: the refusal does not say why: %v", c.args, err)
		}
	}
}

// TestProxyOnlyListener: without TLS, plain connections come only from the
// trusted proxy ranges; others are closed before a byte is read.
func TestProxyOnlyListener(t *testing.T) {
	for _, c := range []struct {
		cidr   string
		served bool
	}{{"127.0.0.0/8", true}, {"10.0.0.0/8", false}} {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		pl := &proxyOnlyListener{Listener: ln, proxies: []netip.Prefix{netip.MustParsePrefix(c.cidr)}, logf: t.Logf}
		hs := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok") }), time.Second)
		go hs.Serve(pl)
		resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + ln.Addr().String() + "/")
		if c.served != (err == nil) {
			t.Errorf("proxies %s: served=%v, err %v", c.cidr, err == nil, err)
		}
		if err == nil {
			resp.Body.Close()
		}
		hs.Close()
	}
}

// TestReadTimeoutCutsSlowBodies: a body that trickles in is cut off after
// the server's read timeout instead of holding the connection.
func TestReadTimeoutCutsSlowBodies(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	readErr := make(chan error, 1)
	hs := newHTTPServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, err := io.ReadAll(r.Body)
		readErr <- err
	}), 300*time.Millisecond)
	go hs.Serve(ln)
	defer hs.Close()
	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	io.WriteString(conn, "POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{")
	select {
	case err := <-readErr:
		if err == nil {
			t.Fatal("a slow body was read to the end")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a slow body held the connection past the read timeout")
	}
}
