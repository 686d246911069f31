package store

import (
	"mime"
	"net/http"
	"strings"

	"alprdesk/api"
)

// hstsValue is the Strict-Transport-Security header sent over TLS: one
// year, subdomains included.
const hstsValue = "max-age=31536000; includeSubDomains"

// secureHeaders sets the headers every answer carries (DESIGN.md, TLS):
// nosniff always, HSTS over TLS (also when a trusted proxy ended TLS and
// says so), and Cache-Control: no-store on every /v1/ answer, since those
// carry tokens, reads, photos or audit entries. A handler may still set a
// stricter Cache-Control of its own; tiles keep their public caching.
func (s *Server) secureHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		if r.TLS != nil || s.proxiedTLS(r) {
			h.Set("Strict-Transport-Security", hstsValue)
		}
		if strings.HasPrefix(r.URL.Path, "/v1/") {
			h.Set("Cache-Control", "no-store")
		}
		next.ServeHTTP(w, r)
	})
}

// proxiedTLS reports whether a trusted proxy says it received the request
// over TLS (X-Forwarded-Proto: https).
func (s *Server) proxiedTLS(r *http.Request) bool {
	return strings.EqualFold(strings.TrimSpace(r.Header.Get("X-Forwarded-Proto")), "https") &&
		s.fromTrustedProxy(r)
}

// requireJSON refuses a request body that is not declared as
// application/json (415 unsupported_media_type): a JSON endpoint never
// guesses a body's type, so a form post from a browser page cannot reach it.
func requireJSON(r *http.Request) error {
	ct := r.Header.Get("Content-Type")
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == "application/json" {
		return nil
	}
	if ct == "" {
		ct = "none"
	}
	return api.E(api.CodeUnsupportedMediaType,
		"This endpoint takes a JSON body sent with Content-Type: application/json (the request said %q).", truncate(ct, 80))
}

// truncate cuts s to at most n bytes without splitting a UTF-8 character.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
