package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
)

// maxJSONBody is the largest JSON request body accepted.
const maxJSONBody = 1 << 20

// handlerFunc is a handler that reports failures as errors; *api.Error
// values become their documented answer, anything else a 500.
type handlerFunc func(w http.ResponseWriter, r *http.Request, sess *session) error

// session is the authenticated caller of a request.
type session struct {
	user   *UserRecord
	camera *api.Camera
	family string
	// restricted sessions (--require-mfa, no second factor yet) reach only
	// enrolmentRoutes.
	restricted bool
}

// enrolmentRoutes are the routes a restricted session reaches (DESIGN.md,
// --require-mfa); logout checks its token itself.
var enrolmentRoutes = []string{"GET /v1/me", "POST /v1/me/mfa", "POST /v1/me/mfa/confirm", "POST /v1/me/password"}

func (s *session) username() string {
	if s == nil || s.user == nil {
		return ""
	}
	return s.user.Username
}

func (s *session) role() string {
	if s == nil || s.user == nil {
		return ""
	}
	return s.user.Role
}

// handle registers a route and remembers it for Routes.
func (s *Server) handle(pattern string, h http.HandlerFunc) {
	s.mux.HandleFunc(pattern, h)
	doc := pattern
	if doc == "GET /tiles/{z}/{x}/{file}" {
		doc = "GET /tiles/{z}/{x}/{y}.png"
	}
	s.routes = append(s.routes, doc)
}

// serveHTTP routes a request, answering unknown paths with 404 not_found
// and known paths with a wrong method with 405 method_not_allowed.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	_, pattern := s.mux.Handler(r)
	if pattern != "" {
		if s.refuseBrokenChain(w, r, pattern) {
			return
		}
		s.mux.ServeHTTP(w, r)
		return
	}
	var allowed []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		c := r.Clone(r.Context())
		c.Method = m
		if _, p := s.mux.Handler(c); p != "" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) > 0 {
		w.Header().Set("Allow", strings.Join(allowed, ", "))
		writeError(w, api.E(api.CodeMethodNotAllowed,
			"The method %s is not allowed on %s; use %s.", r.Method, r.URL.Path, strings.Join(allowed, " or ")))
		return
	}
	writeError(w, api.E(api.CodeNotFound, "There is no %s in this API.", r.URL.Path))
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, err = w.Write(append(b, '\n'))
	return err
}

// writeError answers with the error's code and message; the HTTP status is
// the code's row in api's error table (api.StatusOf), so no handler names a
// status for an error.
func writeError(w http.ResponseWriter, err error) {
	var ae *api.Error
	if !errors.As(err, &ae) {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			ae = tooLarge(mb.Limit)
		} else if errors.Is(err, ErrUnavailable) {
			ae = api.E(api.CodeStoreUnavailable, "The store cannot reach its database just now; try again in a few seconds.")
			w.Header().Set("Retry-After", retryAfterUnavailable)
		} else {
			ae = api.E(api.CodeInternal, "The store failed to answer; try again, and tell an administrator if it keeps failing.")
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(ae.Status())
	b, _ := json.Marshal(api.ErrorResponse{Error: api.ErrorBody{Code: ae.Code, Message: ae.Message}})
	w.Write(append(b, '\n'))
}

// retryAfterUnavailable is the Retry-After (seconds) of 503 store_unavailable.
const retryAfterUnavailable = "5"

func tooLarge(limit int64) *api.Error {
	return api.E(api.CodeTooLarge,
		"The request body is larger than the %s this endpoint accepts.", byteSize(limit))
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// run adapts a handlerFunc without authentication.
func (s *Server) run(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.finish(w, r, h(w, r, nil))
	}
}

func (s *Server) finish(w http.ResponseWriter, r *http.Request, err error) {
	if err == nil {
		return
	}
	var ae *api.Error
	var mb *http.MaxBytesError
	if !errors.As(err, &ae) && !errors.As(err, &mb) {
		s.cfg.Logf("store: %s %s: %v", r.Method, r.URL.Path, err)
	}
	writeError(w, err)
}

// decodeJSON decodes the request body into v strictly: unknown fields,
// wrong types, trailing data and oversized bodies are refused with their
// documented codes.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	if err := requireJSON(r); err != nil {
		return err
	}
	if r.ContentLength > maxJSONBody {
		return tooLarge(maxJSONBody)
	}
	body := http.MaxBytesReader(w, r.Body, maxJSONBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return tooLarge(maxJSONBody)
		}
		return api.E(api.CodeMalformedJSON, "The request body holds more than one JSON value; send exactly one object.")
	}
	if e := checkBounds(v); e != nil {
		return e
	}
	return nil
}

// jsonError turns a decoding error into the API's answer.
func jsonError(err error) *api.Error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var mb *http.MaxBytesError
	var tp *time.ParseError
	msg := err.Error()
	switch {
	case errors.As(err, &mb):
		return tooLarge(mb.Limit)
	case errors.Is(err, io.EOF):
		return api.E(api.CodeMalformedJSON, "The request body is empty; send a JSON object.")
	case errors.As(err, &syn):
		return api.E(api.CodeMalformedJSON, "The request body is not valid JSON (at byte %d: %s).", syn.Offset, strings.TrimPrefix(msg, "json: "))
	case errors.Is(err, io.ErrUnexpectedEOF):
		return api.E(api.CodeMalformedJSON, "The request body ends in the middle of a JSON value.")
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			return api.E(api.CodeMalformedJSON, "The request body must be a JSON object, not %s.", typ.Value)
		}
		return api.E(api.CodeInvalidField, "The field %s must be %s, not %s.", field, typeName(typ.Type.String()), typ.Value)
	case strings.HasPrefix(msg, "json: unknown field "):
		return api.E(api.CodeUnknownField, "The field %s is not part of this request.", strings.TrimPrefix(msg, "json: unknown field "))
	case errors.As(err, &tp):
		return api.E(api.CodeInvalidField, "A time field holds %q, which is not an RFC 3339 time such as 2026-11-26T14:02:00Z.", tp.Value)
	}
	return api.E(api.CodeMalformedJSON, "The request body could not be read as JSON: %s.", strings.TrimPrefix(msg, "json: "))
}

func typeName(t string) string {
	switch {
	case t == "string":
		return "a string"
	case t == "bool":
		return "true or false"
	case strings.HasPrefix(t, "int"), strings.HasPrefix(t, "float"):
		return "a number"
	case strings.HasPrefix(t, "[]"):
		return "an array"
	}
	return "an object"
}

// invalid builds a 422 invalid_field error naming the field.
func invalid(field, format string, args ...any) *api.Error {
	return api.E(api.CodeInvalidField, "The field %s %s", field, fmt.Sprintf(format, args...))
}

func forbidden(format string, args ...any) *api.Error {
	return api.E(api.CodeForbidden, format, args...)
}

func notFoundErr(format string, args ...any) *api.Error {
	return api.E(api.CodeNotFound, format, args...)
}

// workstation returns the caller's X-Workstation header, trimmed.
func workstation(r *http.Request) string {
	ws := strings.TrimSpace(r.Header.Get(api.HeaderWorkstation))
	if len(ws) > 200 {
		ws = ws[:200]
	}
	return ws
}

// recorder captures an answer for the idempotency table.
type recorder struct {
	http.ResponseWriter
	status int
	buf    bytes.Buffer
}

// WriteHeader records and passes on the status.
func (c *recorder) WriteHeader(code int) {
	c.status = code
	c.ResponseWriter.WriteHeader(code)
}

// Write records and passes on the body.
func (c *recorder) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}

// idempotent wraps a writing POST: a repeated Idempotency-Key from the same
// user gets the first answer and nothing is written twice.
func (s *Server) idempotent(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, sess *session) error {
		key := strings.TrimSpace(r.Header.Get(api.HeaderIdempotencyKey))
		if key == "" {
			return h(w, r, sess)
		}
		if len(key) > 200 {
			return api.E(api.CodeInvalidField, "The Idempotency-Key header is longer than 200 characters.")
		}
		user := sess.username()
		unlock, err := s.lockKey(r.Context(), user+"\x00"+key)
		if err != nil {
			return err
		}
		defer unlock()
		route := r.Method + " " + r.URL.Path
		var prev *IdemRecord
		err = s.st.View(r.Context(), func(tx ReadTx) error {
			var err error
			prev, err = tx.GetIdempotent(user, key)
			return err
		})
		if err == nil {
			if prev.Route != route {
				return api.E(api.CodeConflict, "The Idempotency-Key %q was already used for %s; use a new key for a new request.", key, prev.Route)
			}
			w.Header().Set("Content-Type", "application/json")
			w.Header().Set("Idempotent-Replayed", "true")
			w.WriteHeader(prev.Status)
			_, err := w.Write(prev.Body)
			return err
		}
		if !errors.Is(err, ErrNotFound) {
			return err
		}
		rec := &recorder{ResponseWriter: w}
		if err := h(rec, r, sess); err != nil {
			return err // errors are not remembered: a retry may succeed
		}
		if rec.status >= 300 {
			return nil
		}
		return s.st.Update(r.Context(), func(tx Tx) error {
			return tx.InsertIdempotent(&IdemRecord{Username: user, Key: key, Route: route,
				Status: rec.status, Body: rec.buf.Bytes(), CreatedAt: s.now()})
		})
	}
}

// hashToken returns the SHA-256 (hex) under which a token is stored.
func hashToken(tok string) string {
	sum := sha256.Sum256([]byte(tok))
	return hex.EncodeToString(sum[:])
}

// bearer returns the bearer token of a request.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "Bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// user wraps a handler for signed-in users; roles (when any) restrict it.
func (s *Server) user(roles []string, h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.authUser(r)
		if err == nil && sess.restricted && !slices.Contains(enrolmentRoutes, r.Pattern) {
			err = api.E(api.CodeMFAEnrollmentRequired,
				"This store requires a second factor: set one up (Session menu) and sign in again.")
		}
		if err == nil && len(roles) > 0 && !slices.Contains(roles, sess.user.Role) {
			err = forbidden("The role %s may not use %s %s.", sess.user.Role, r.Method, r.URL.Path)
		}
		if err == nil {
			err = h(w, r, sess)
		}
		s.finish(w, r, err)
	}
}

// authUser checks the access token of a request.
func (s *Server) authUser(r *http.Request) (*session, error) {
	tok := bearer(r)
	if tok == "" {
		return nil, api.E(api.CodeUnauthorized, "Sign in first: this request carries no access token.")
	}
	var sess *session
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		k, err := tx.GetToken(hashToken(tok))
		if errors.Is(err, ErrNotFound) || (err == nil && (k.Kind != TokenAccess || k.Revoked)) {
			return api.E(api.CodeUnauthorized, "The access token is not valid; sign in again.")
		}
		if err != nil {
			return err
		}
		if !s.now().Before(k.ExpiresAt) {
			return api.E(api.CodeTokenExpired, "The access token has expired; refresh it or sign in again.")
		}
		u, err := tx.GetUser(k.Username)
		if err != nil {
			return api.E(api.CodeUnauthorized, "The account of this token no longer exists.")
		}
		if u.Disabled {
			return api.E(api.CodeUnauthorized, "The account %s is disabled.", u.Username)
		}
		sess = &session{user: u, family: k.Family, restricted: k.Restricted}
		return nil
	})
	return sess, err
}

// camera wraps a handler for camera ingest tokens.
func (s *Server) camera(h handlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok := bearer(r)
		var sess *session
		err := error(api.E(api.CodeUnauthorized, "Ingest needs a camera token."))
		if tok != "" {
			err = s.st.View(r.Context(), func(tx ReadTx) error {
				c, err := tx.CameraByToken(hashToken(tok))
				if errors.Is(err, ErrNotFound) {
					return api.E(api.CodeUnauthorized, "The camera token is not valid.")
				}
				sess = &session{camera: c}
				return err
			})
		}
		if err == nil {
			err = h(w, r, sess)
		}
		s.finish(w, r, err)
	}
}
