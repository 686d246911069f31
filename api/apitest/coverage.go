package apitest

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
)

// answerKey names one documented answer: "METHOD /path STATUS" for a
// success, "METHOD /path STATUS code" for an error.
func answerKey(method, path string, status int, code string) string {
	k := fmt.Sprintf("%s %s %d", method, path, status)
	if code != "" {
		k += " " + code
	}
	return k
}

// record notes a validated answer for Coverage.
func (d *Doc) record(route *routers.Route, x Exchange) {
	var code string
	if x.Status >= 400 {
		var e struct {
			Error struct {
				Code string `json:"code"`
			} `json:"error"`
		}
		if json.Unmarshal(x.ResponseBody, &e) == nil {
			code = e.Error.Code
		}
	}
	d.mu.Lock()
	d.seen[answerKey(route.Method, route.Path, x.Status, code)] = true
	d.mu.Unlock()
}

// Answers lists every answer the document allows, sorted: each success
// status of each operation as "METHOD /path STATUS", and each error code
// of each error status as "METHOD /path STATUS code".
func (d *Doc) Answers() []string {
	var out []string
	for _, r := range d.routes {
		for status, ref := range r.r.Operation.Responses.Map() {
			n, err := strconv.Atoi(status)
			if err != nil {
				continue // "default" or a range such as "4XX"
			}
			codes := errorCodes(ref)
			if n < 400 || len(codes) == 0 {
				out = append(out, answerKey(r.method, r.path, n, ""))
				continue
			}
			for _, c := range codes {
				out = append(out, answerKey(r.method, r.path, n, c))
			}
		}
	}
	slices.Sort(out)
	return out
}

// errorCodes returns the error codes a response allows: the enum of
// error.code in its JSON schema or in any allOf part of it.
func errorCodes(ref *openapi3.ResponseRef) []string {
	if ref == nil || ref.Value == nil {
		return nil
	}
	mt := ref.Value.Content.Get("application/json")
	if mt == nil || mt.Schema == nil || mt.Schema.Value == nil {
		return nil
	}
	schemas := append([]*openapi3.SchemaRef{mt.Schema}, mt.Schema.Value.AllOf...)
	var codes []string
	for i := len(schemas) - 1; i >= 0; i-- { // the narrowest enum comes last
		codes = codeEnum(schemas[i])
		if len(codes) > 0 {
			return codes
		}
	}
	return nil
}

func codeEnum(s *openapi3.SchemaRef) []string {
	if s == nil || s.Value == nil {
		return nil
	}
	e := s.Value.Properties["error"]
	if e == nil || e.Value == nil {
		return nil
	}
	c := e.Value.Properties["code"]
	if c == nil || c.Value == nil {
		return nil
	}
	var out []string
	for _, v := range c.Value.Enum {
		if str, ok := v.(string); ok {
			out = append(out, str)
		}
	}
	return out
}

// Coverage reports which of the document's Answers the validated
// exchanges so far have shown (seen) and which none has (missing), both
// sorted. The store's tests call it at the end (e.g. from TestMain via
// Shared) to see that every documented status and error code is tested.
func (d *Doc) Coverage() (seen, missing []string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for _, a := range d.Answers() {
		if d.seen[a] {
			seen = append(seen, a)
		} else {
			missing = append(missing, a)
		}
	}
	return seen, missing
}
