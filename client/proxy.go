package client

import (
	"net"
	"net/http"
	"net/url"
	"path"
	"strings"
)

// manualProxy is the proxy a user or Group Policy set in Windows' Internet
// Options: ProxyServer is "host:port" for every scheme or
// "http=host:port;https=host:port"; ProxyOverride lists hosts that go
// direct, separated by ";", with * wildcards and "<local>" for names
// without a dot. Loopback addresses always go direct.
type manualProxy struct {
	byScheme map[string]*url.URL
	bypass   []string
	local    bool
}

// parseManualProxy reads the Internet Options values; nil when no proxy
// is set.
func parseManualProxy(server, override string) *manualProxy {
	p := &manualProxy{byScheme: map[string]*url.URL{}}
	for _, part := range strings.Split(server, ";") {
		scheme, addr, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			scheme, addr = "", scheme
		}
		if addr == "" {
			continue
		}
		if !strings.Contains(addr, "://") {
			addr = "http://" + addr
		}
		if u, err := url.Parse(addr); err == nil && u.Host != "" {
			p.byScheme[strings.ToLower(scheme)] = u
		}
	}
	if len(p.byScheme) == 0 {
		return nil
	}
	for _, b := range strings.Split(override, ";") {
		switch b = strings.ToLower(strings.TrimSpace(b)); b {
		case "":
		case "<local>":
			p.local = true
		default:
			p.bypass = append(p.bypass, b)
		}
	}
	return p
}

// proxyFor returns the proxy for a request, or nil to go direct.
func (p *manualProxy) proxyFor(req *http.Request) (*url.URL, error) {
	host := strings.ToLower(req.URL.Hostname())
	if ip := net.ParseIP(host); (ip != nil && ip.IsLoopback()) || host == "localhost" {
		return nil, nil
	}
	if p.local && !strings.Contains(host, ".") {
		return nil, nil
	}
	for _, b := range p.bypass {
		if ok, _ := path.Match(b, host); ok || b == host || b == req.URL.Host {
			return nil, nil
		}
	}
	if u := p.byScheme[req.URL.Scheme]; u != nil {
		return u, nil
	}
	return p.byScheme[""], nil
}
