package client

import (
	"net/http"
	"testing"
)

func TestManualProxy(t *testing.T) {
	if parseManualProxy("", "<local>") != nil {
		t.Fatal("no server must mean no proxy")
	}
	one := parseManualProxy("proxy.agency.example:3128", "<local>;*.agency.local;10.1.*")
	both := parseManualProxy("http=web:80;https=secure:8443", "")
	cases := []struct {
		p         *manualProxy
		url, want string
	}{
		{one, "https://alpr.agency.example/v1/me", "http://proxy.agency.example:3128"},
		{one, "http://127.0.0.1:8080/healthz", ""},
		{one, "https://localhost/", ""},
		{one, "https://alprstore/v1/me", ""},
		{one, "https://alpr.agency.local/", ""},
		{one, "https://10.1.2.3/", ""},
		{one, "https://10.2.2.3/", "http://proxy.agency.example:3128"},
		{both, "https://alpr.agency.example/", "http://secure:8443"},
		{both, "http://alpr.agency.example/", "http://web:80"},
	}
	for _, c := range cases {
		req, _ := http.NewRequest("GET", c.url, nil)
		u, err := c.p.proxyFor(req)
		got := ""
		if u != nil {
			got = u.String()
		}
		if err != nil || got != c.want {
			t.Errorf("%s: proxy %q (%v), want %q", c.url, got, err, c.want)
		}
	}
}
