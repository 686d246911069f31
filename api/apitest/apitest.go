// Package apitest keeps api/openapi.yaml true in tests. Load parses the
// embedded document once; Doc.Paths lists its operations for the store's
// route-table test; Doc.Transport wraps an http.Client's transport so that
// every request and response a test sends or receives is validated against
// the document (kin-openapi's openapi3filter), failing the test on any
// mismatch.
//
//	doc := apitest.Load(t)
//	hc := &http.Client{Transport: doc.Transport(t, http.DefaultTransport)}
//
// Rules the transport applies to each exchange:
//   - a request the document describes must get a documented status whose
//     headers and body match the document;
//   - a request that breaks the document (a negative test: malformed JSON,
//     unknown field, missing field, bad parameter) must be refused with a
//     documented 4xx answer: accepting it is an error;
//   - a request to a path or method the document lacks must be answered
//     404 not_found or 405 method_not_allowed with an error body.
package apitest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"

	"alprdesk/api"
)

func init() {
	// Bodies that are not JSON: NDJSON batches and event streams are text,
	// photos and tiles are binary.
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("image/jpeg", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("image/png", openapi3filter.FileBodyDecoder)
}

// Doc is the parsed and validated OpenAPI document with a router over its
// paths. It is read-only and safe for concurrent use.
type Doc struct {
	// T is the parsed document.
	T      *openapi3.T
	routes []route

	mu   sync.Mutex
	seen map[string]bool // answers validated by Check, see Coverage
}

// route is one operation of the document.
type route struct {
	method string
	path   string
	segs   []segment
	r      *routers.Route
}

// segment is one slash-separated part of a path template: a literal, or a
// parameter with an optional literal prefix and suffix ("{y}.png").
type segment struct {
	literal        string
	name           string
	prefix, suffix string
}

var (
	loadOnce sync.Once
	loaded   *Doc
	loadErr  error
)

// Load returns the embedded api.OpenAPI document, parsed and validated
// (once per test binary, so Coverage sums every test). It fails the test
// when the document is invalid.
func Load(t testing.TB) *Doc {
	t.Helper()
	d, err := Shared()
	if err != nil {
		t.Fatalf("openapi.yaml: %v", err)
	}
	return d
}

// Shared is Load for places without a testing.TB, such as TestMain: the
// same shared Doc, or the document's error.
func Shared() (*Doc, error) {
	loadOnce.Do(func() { loaded, loadErr = Parse(api.OpenAPI) })
	return loaded, loadErr
}

// Parse parses and validates an OpenAPI 3 document and builds its router.
func Parse(data []byte) (*Doc, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if err := doc.Validate(loader.Context); err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	d := &Doc{T: doc, seen: map[string]bool{}}
	for path, item := range doc.Paths.Map() {
		segs, err := parseTemplate(path)
		if err != nil {
			return nil, err
		}
		for method, op := range item.Operations() {
			d.routes = append(d.routes, route{method: method, path: path, segs: segs,
				r: &routers.Route{Spec: doc, Path: path, PathItem: item, Method: method, Operation: op}})
		}
	}
	// Literal segments win over parameters: sort routes with more literal
	// segments first, then by path for a stable order.
	slices.SortFunc(d.routes, func(a, b route) int {
		if la, lb := literals(a.segs), literals(b.segs); la != lb {
			return lb - la
		}
		return strings.Compare(a.method+" "+a.path, b.method+" "+b.path)
	})
	return d, nil
}

func literals(segs []segment) int {
	n := 0
	for _, s := range segs {
		if s.name == "" {
			n++
		}
	}
	return n
}

// parseTemplate splits an OpenAPI path template into segments; a segment
// holds at most one parameter.
func parseTemplate(path string) ([]segment, error) {
	if !strings.HasPrefix(path, "/") {
		return nil, fmt.Errorf("path %q does not start with /", path)
	}
	var segs []segment
	for _, part := range strings.Split(path[1:], "/") {
		open := strings.IndexByte(part, '{')
		if open < 0 {
			segs = append(segs, segment{literal: part})
			continue
		}
		end := strings.IndexByte(part, '}')
		if end < open || strings.ContainsAny(part[end+1:], "{}") {
			return nil, fmt.Errorf("path %q: segment %q needs exactly one {parameter}", path, part)
		}
		segs = append(segs, segment{name: part[open+1 : end], prefix: part[:open], suffix: part[end+1:]})
	}
	return segs, nil
}

// Paths returns every operation of the document as "METHOD /path", with
// paths as the document writes them ("GET /tiles/{z}/{x}/{y}.png",
// "POST /v1/reads:batch"), sorted.
func (d *Doc) Paths() []string {
	out := make([]string, 0, len(d.routes))
	for _, r := range d.routes {
		out = append(out, r.method+" "+r.path)
	}
	slices.Sort(out)
	return out
}

// CheckRoutes compares a server's route table (each "METHOD /path" written
// as the document writes it) with the document's operations and fails the
// test naming every route missing from either side.
func (d *Doc) CheckRoutes(t testing.TB, routes []string) {
	t.Helper()
	doc := d.Paths()
	for _, r := range routes {
		if !slices.Contains(doc, r) {
			t.Errorf("route %s is served but not documented in openapi.yaml", r)
		}
	}
	for _, r := range doc {
		if !slices.Contains(routes, r) {
			t.Errorf("operation %s is documented in openapi.yaml but not served", r)
		}
	}
}

// Errors FindRoute returns.
var (
	ErrPathNotFound     = errors.New("the path is not in openapi.yaml")
	ErrMethodNotAllowed = errors.New("the path is in openapi.yaml, the method is not")
)

// FindRoute returns the operation that method and the (escaped) URL path
// resolve to, with the decoded path parameters.
func (d *Doc) FindRoute(method, escapedPath string) (*routers.Route, map[string]string, error) {
	parts := strings.Split(strings.TrimPrefix(escapedPath, "/"), "/")
	pathFound := false
	for _, r := range d.routes {
		params, ok := r.match(parts)
		if !ok {
			continue
		}
		if r.method != method {
			pathFound = true
			continue
		}
		return r.r, params, nil
	}
	if pathFound {
		return nil, nil, ErrMethodNotAllowed
	}
	return nil, nil, ErrPathNotFound
}

// match reports whether the escaped path parts fit the route's template.
func (r route) match(parts []string) (map[string]string, bool) {
	if len(parts) != len(r.segs) {
		return nil, false
	}
	var params map[string]string
	for i, s := range r.segs {
		p := parts[i]
		if s.name == "" {
			if p != s.literal {
				return nil, false
			}
			continue
		}
		if len(p) <= len(s.prefix)+len(s.suffix) || !strings.HasPrefix(p, s.prefix) || !strings.HasSuffix(p, s.suffix) {
			return nil, false
		}
		v, err := url.PathUnescape(p[len(s.prefix) : len(p)-len(s.suffix)])
		if err != nil {
			return nil, false
		}
		if params == nil {
			params = map[string]string{}
		}
		params[s.name] = v
	}
	return params, true
}

// Exchange is one request and its answer, with both bodies read.
type Exchange struct {
	Request *http.Request
	// RequestBody is nil when the body could not be captured whole (a
	// streamed body the server did not read to the end); it is then not
	// validated.
	RequestBody []byte
	Status      int
	Header      http.Header
	// ResponseBody is nil for an event stream, whose body is not read.
	ResponseBody []byte
}

// Check validates one exchange against the document and returns what does
// not match (nil when everything does), following the rules in the package
// comment.
func (d *Doc) Check(ctx context.Context, x Exchange) error {
	route, params, err := d.FindRoute(x.Request.Method, x.Request.URL.EscapedPath())
	if err != nil {
		return checkUndocumented(err, x)
	}
	req := x.Request.Clone(ctx)
	req.Body = io.NopCloser(bytes.NewReader(x.RequestBody))
	opts := &openapi3filter.Options{
		AuthenticationFunc:    openapi3filter.NoopAuthenticationFunc,
		ExcludeRequestBody:    x.RequestBody == nil && x.Request.Body != nil && x.Request.Body != http.NoBody,
		IncludeResponseStatus: true,
		MultiError:            true,
	}
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route, Options: opts}
	reqErr := openapi3filter.ValidateRequest(ctx, in)
	if reqErr != nil && x.Status < 400 {
		return fmt.Errorf("the request does not match openapi.yaml, yet the store accepted it: %w", reqErr)
	}
	respOpts := *opts
	respOpts.ExcludeResponseBody = x.ResponseBody == nil
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: x.Status,
		Header: x.Header, Options: &respOpts}
	out.SetBodyBytes(x.ResponseBody)
	if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
		return fmt.Errorf("the response does not match openapi.yaml (%s %s): %w", route.Method, route.Path, err)
	}
	d.record(route, x)
	return nil
}

// checkUndocumented accepts an exchange outside the document only when the
// store answered it with 404 not_found or 405 method_not_allowed.
func checkUndocumented(routeErr error, x Exchange) error {
	want := map[int]string{http.StatusNotFound: api.CodeNotFound, http.StatusMethodNotAllowed: api.CodeMethodNotAllowed}
	code, ok := want[x.Status]
	if !ok {
		return fmt.Errorf("%w, yet the store answered it", routeErr)
	}
	var e api.ErrorResponse
	dec := json.NewDecoder(bytes.NewReader(x.ResponseBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil || e.Error.Code != code || e.Error.Message == "" {
		return fmt.Errorf("%w; the %d answer should be an error body with code %s, got %q", routeErr, x.Status, code, x.ResponseBody)
	}
	return nil
}

// Transport returns a RoundTripper that sends each request through base
// (http.DefaultTransport when nil) and validates the exchange with Check,
// reporting a mismatch with t.Errorf (method, path, status and the
// validation error). The caller receives the response unchanged. Event
// streams (text/event-stream) are passed through with their status and
// headers checked but their body unread.
func (d *Doc) Transport(t testing.TB, base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return &transport{d: d, t: t, base: base}
}

type transport struct {
	d    *Doc
	t    testing.TB
	base http.RoundTripper
}

// maxCapture bounds the request bytes kept for validation of a streamed body.
const maxCapture = 16 << 20

func (tr *transport) RoundTrip(req *http.Request) (*http.Response, error) {
	x := Exchange{Request: req}
	var rec *recorder
	sent := req
	switch {
	case req.Body == nil || req.Body == http.NoBody:
	case req.GetBody != nil:
		body, err := req.GetBody()
		if err == nil {
			x.RequestBody, err = io.ReadAll(body)
			body.Close()
		}
		if err != nil {
			x.RequestBody = nil
		}
	default:
		rec = &recorder{r: req.Body}
		sent = req.Clone(req.Context())
		sent.Body = rec
	}
	resp, err := tr.base.RoundTrip(sent)
	if err != nil {
		return resp, err
	}
	if rec != nil {
		x.RequestBody = rec.complete()
	}
	x.Status, x.Header = resp.StatusCode, resp.Header
	if mt, _, _ := strings.Cut(resp.Header.Get("Content-Type"), ";"); strings.TrimSpace(mt) != "text/event-stream" {
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, err
		}
		x.ResponseBody = b
		resp.Body = io.NopCloser(bytes.NewReader(b))
	}
	if err := tr.d.Check(req.Context(), x); err != nil {
		tr.t.Errorf("openapi: %s %s -> %d: %v", req.Method, req.URL.Path, resp.StatusCode, err)
	}
	return resp, nil
}

// recorder keeps a copy of a streamed request body as the transport sends it.
type recorder struct {
	mu   sync.Mutex
	r    io.ReadCloser
	buf  bytes.Buffer
	eof  bool
	over bool
}

func (c *recorder) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.mu.Lock()
	if c.buf.Len()+n <= maxCapture {
		c.buf.Write(p[:n])
	} else {
		c.over = true
	}
	if err == io.EOF {
		c.eof = true
	}
	c.mu.Unlock()
	return n, err
}

func (c *recorder) Close() error { return c.r.Close() }

// complete returns the body when it was read to the end, else nil.
func (c *recorder) complete() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.eof || c.over {
		return nil
	}
	return bytes.Clone(c.buf.Bytes())
}
