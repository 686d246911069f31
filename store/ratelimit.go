package store

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"time"

	"alprdesk/api"
)

// DefaultAuthRate is how many sign-in attempts (login, refresh, MFA) one
// client address may make a minute (DESIGN.md, Rate limits).
const DefaultAuthRate = 30

// maxBuckets bounds the rate limiter's memory: past it, full buckets (idle
// addresses) are dropped.
const maxBuckets = 100_000

// rateLimiter is a token bucket per client address: burst tokens, refilled
// at rate per minute. Buckets are per node (soft state, DESIGN.md).
type rateLimiter struct {
	mu      sync.Mutex
	perMin  float64
	burst   float64
	buckets map[netip.Addr]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newRateLimiter(perMin int) *rateLimiter {
	return &rateLimiter{perMin: float64(perMin), burst: float64(perMin), buckets: map[netip.Addr]*bucket{}}
}

// take spends one token of addr's bucket at now. When the bucket is empty
// it answers false and how long until a token is back.
func (l *rateLimiter) take(addr netip.Addr, now time.Time) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b, ok := l.buckets[addr]
	if !ok {
		if len(l.buckets) >= maxBuckets {
			l.dropFull(now)
		}
		b = &bucket{tokens: l.burst, at: now}
		l.buckets[addr] = b
	}
	b.refill(now, l.perMin, l.burst)
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / l.perMin * float64(time.Minute))
	return false, wait
}

func (b *bucket) refill(now time.Time, perMin, burst float64) {
	if d := now.Sub(b.at); d > 0 {
		b.tokens = math.Min(burst, b.tokens+d.Minutes()*perMin)
		b.at = now
	}
}

// dropFull forgets the buckets that have refilled completely.
func (l *rateLimiter) dropFull(now time.Time) {
	for a, b := range l.buckets {
		b.refill(now, l.perMin, l.burst)
		if b.tokens >= l.burst {
			delete(l.buckets, a)
		}
	}
}

// limitAuth spends one sign-in attempt of the request's client address;
// an empty bucket answers 429 rate_limited with Retry-After (whole
// seconds, at least 1).
func (s *Server) limitAuth(w http.ResponseWriter, r *http.Request) error {
	ok, wait := s.authLimit.take(s.clientAddr(r), s.now())
	if ok {
		return nil
	}
	secs := max(1, int(math.Ceil(wait.Seconds())))
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	return api.E(api.CodeRateLimited,
		"Too many sign-in attempts from this address; try again in %d seconds.", secs)
}

// remoteAddr is the address of the connection a request came on.
func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv6Unspecified()
	}
	return a.Unmap()
}

// trusted reports whether a is in one of the trusted proxy ranges.
func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.cfg.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// fromTrustedProxy reports whether the request's connection comes from a
// trusted proxy.
func (s *Server) fromTrustedProxy(r *http.Request) bool { return s.trusted(remoteAddr(r)) }

// clientAddr is the address a request is counted against: the
// connection's, or, for a connection from a trusted proxy, the right-most
// X-Forwarded-For address that is not itself a trusted proxy (the left
// part of the header is whatever the client wrote, so it is never taken).
func (s *Server) clientAddr(r *http.Request) netip.Addr {
	a := remoteAddr(r)
	if !s.trusted(a) {
		return a
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return a // a malformed hop: count the proxy itself
		}
		h = h.Unmap()
		if !s.trusted(h) {
			return h
		}
		a = h
	}
	return a
}
