package apitest

import (
	"go/ast"
	"go/parser"
	"go/token"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"alprdesk/api"
)

// schemaTypes pairs each schema of openapi.yaml with its Go type.
var schemaTypes = map[string]any{
	"ErrorResponse":       api.ErrorResponse{},
	"ErrorBody":           api.ErrorBody{},
	"LoginRequest":        api.LoginRequest{},
	"RefreshRequest":      api.RefreshRequest{},
	"TokenResponse":       api.TokenResponse{},
	"MFAChallenge":        api.MFAChallenge{},
	"MFARequest":          api.MFARequest{},
	"MFAEnrolment":        api.MFAEnrolment{},
	"MFACode":             api.MFACode{},
	"RecoveryCodes":       api.RecoveryCodes{},
	"PasswordChange":      api.PasswordChange{},
	"User":                api.User{},
	"Policy":              api.Policy{},
	"Camera":              api.Camera{},
	"Area":                api.Area{},
	"SearchRequest":       api.SearchRequest{},
	"SearchResponse":      api.SearchResponse{},
	"Box":                 api.Box{},
	"ReadCamera":          api.ReadCamera{},
	"Verification":        api.Verification{},
	"Substitution":        api.Substitution{},
	"Read":                api.Read{},
	"ReadMeta":            api.ReadMeta{},
	"BatchLine":           api.ReadMeta{},
	"IngestResponse":      api.IngestResponse{},
	"BatchResponse":       api.BatchResponse{},
	"BatchError":          api.BatchError{},
	"VerificationRequest": api.VerificationRequest{},
	"RetainRequest":       api.RetainRequest{},
	"Retention":           api.Retention{},
	"ExportRequest":       api.ExportRequest{},
	"ExportResponse":      api.ExportResponse{},
	"AuditEntry":          api.AuditEntry{},
	"AuditPage":           api.AuditPage{},
	"ChainHead":           api.ChainHead{},
	"AuditVerify":         api.AuditVerify{},
	"Exercise":            api.Exercise{},
	"Exercises":           api.Exercises{},
	"Health":              api.Health{},
	"Ready":               api.Ready{},
	"HotlistRequestBody":  api.HotlistRequestBody{},
	"HotlistRequest":      api.HotlistRequest{},
	"DecisionRequest":     api.DecisionRequest{},
	"HotlistEntry":        api.HotlistEntry{},
	"RemoveEntryRequest":  api.RemoveEntryRequest{},
	"Alert":               api.Alert{},
	"AckRequest":          api.AckRequest{},
	"AlertAck":            api.AlertAck{},
	// Accountability (issue 13).
	"AlertCheck":           api.AlertCheck{},
	"CheckPosition":        api.CheckPosition{},
	"AlertItem":            api.AlertItem{},
	"AlertList":            api.AlertList{},
	"OutcomeRequest":       api.OutcomeRequest{},
	"AlertOutcome":         api.AlertOutcome{},
	"VerificationResult":   api.VerificationResult{},
	"ListHits":             api.ListHits{},
	"FlagReviewRequest":    api.FlagReviewRequest{},
	"FlagReview":           api.FlagReview{},
	"AuditFlag":            api.AuditFlag{},
	"AuditFlags":           api.AuditFlags{},
	"Transparency":         api.Transparency{},
	"TransparencySearches": api.TransparencySearches{},
	"TransparencyAnalyses": api.TransparencyAnalyses{},
	"TransparencyHotlists": api.TransparencyHotlists{},
	"TransparencyHits":     api.TransparencyHits{},
	"TransparencyAudits":   api.TransparencyAudits{},
	// Supervision (issue 7).
	"AuditSampleRequest":  api.AuditSampleRequest{},
	"AuditSample":         api.AuditSample{},
	"AuditReviewRequest":  api.AuditReviewRequest{},
	"AuditReview":         api.AuditReview{},
	"AuditReviews":        api.AuditReviews{},
	"SearchOutcome":       api.SearchOutcome{},
	"SearchOutcomeRecord": api.SearchOutcomeRecord{},
	"CountBy":             api.CountBy{},
	"MonthCategoryCount":  api.MonthCategoryCount{},
	"VerificationFigures": api.VerificationFigures{},
	"UserSearches":        api.UserSearches{},
	"Efficacy":            api.Efficacy{},
	// Training mode (issue 8).
	"AttemptRequest":       api.AttemptRequest{},
	"AttemptResult":        api.AttemptResult{},
	"ExerciseProgress":     api.ExerciseProgress{},
	"ReasonCount":          api.ReasonCount{},
	"TraineeProgress":      api.TraineeProgress{},
	"TrainingProgress":     api.TrainingProgress{},
	"TrainingResetRequest": api.TrainingResetRequest{},
	"TrainingReset":        api.TrainingReset{},
	"TrainingLive":         api.TrainingLive{},
	"Scene":                api.Scene{},
	"CommonPlatesRequest":  api.CommonPlatesRequest{},
	"CommonPlate":          api.CommonPlate{},
	"CommonPlatesResponse": api.CommonPlatesResponse{},
	"ConvoyRequest":        api.ConvoyRequest{},
	"CoRead":               api.CoRead{},
	"Companion":            api.Companion{},
	"ConvoyResponse":       api.ConvoyResponse{},
}

// Fields of a Go type that a schema leaves out on purpose, and fields a
// schema requires although Go omits them when empty.
var (
	notInSchema   = map[string][]string{"ReadMeta": {"photo_base64"}}
	requiredExtra = map[string][]string{"BatchLine": {"photo_base64"}}
)

// jsonField is one JSON member of a Go struct.
type jsonField struct {
	name      string
	typ       reflect.Type
	omitempty bool
}

// jsonFields lists the JSON members of struct type t as encoding/json
// writes them, flattening embedded structs.
func jsonFields(t reflect.Type) []jsonField {
	var out []jsonField
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		if tag == "-" || !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			out = append(out, jsonFields(f.Type)...)
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, jsonField{name: name, typ: f.Type, omitempty: strings.Contains(opts, "omitempty")})
	}
	return out
}

// schemaType is the OpenAPI type a Go type is written as.
func schemaType(t reflect.Type) string {
	if t == reflect.TypeFor[time.Time]() {
		return "string"
	}
	switch t.Kind() {
	case reflect.Pointer:
		return schemaType(t.Elem())
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int64, reflect.Int32:
		return "integer"
	case reflect.Float64, reflect.Float32:
		return "number"
	case reflect.Slice:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "unknown " + t.String()
}

// typeOf returns the schema's type, looking through an allOf wrapper.
func typeOf(s *openapi3.Schema) string {
	if len(s.AllOf) == 1 && s.Type == nil {
		return typeOf(s.AllOf[0].Value)
	}
	if s.Type == nil || len(s.Type.Slice()) != 1 {
		return ""
	}
	return s.Type.Slice()[0]
}

// TestSchemasMatchGoTypes compares every schema of openapi.yaml with its Go
// type: the same JSON names, required exactly when Go always writes the
// field, the same types, nullable exactly for pointers Go writes as null,
// and no other properties.
func TestSchemasMatchGoTypes(t *testing.T) {
	schemas := Load(t).T.Components.Schemas
	for name := range schemas {
		if _, ok := schemaTypes[name]; !ok {
			t.Errorf("schema %s has no Go type in this test", name)
		}
	}
	for name, v := range schemaTypes {
		ref := schemas[name]
		if ref == nil {
			t.Errorf("openapi.yaml has no schema %s", name)
			continue
		}
		s := ref.Value
		if typeOf(s) != "object" || s.AdditionalProperties.Has == nil || *s.AdditionalProperties.Has {
			t.Errorf("%s: want an object with additionalProperties: false", name)
		}
		var props, required []string
		for _, f := range jsonFields(reflect.TypeOf(v)) {
			if slices.Contains(notInSchema[name], f.name) {
				continue
			}
			props = append(props, f.name)
			if !f.omitempty || slices.Contains(requiredExtra[name], f.name) {
				required = append(required, f.name)
			}
			p := s.Properties[f.name]
			if p == nil {
				t.Errorf("%s: property %s (Go %s) missing", name, f.name, f.typ)
				continue
			}
			if got, want := typeOf(p.Value), schemaType(f.typ); got != want {
				t.Errorf("%s.%s: schema type %q, Go type %s is %q", name, f.name, got, f.typ, want)
			}
			nullable := f.typ.Kind() == reflect.Pointer && !f.omitempty
			if p.Value.Nullable != nullable {
				t.Errorf("%s.%s: nullable %v, want %v (Go %s, omitempty %v)", name, f.name, p.Value.Nullable, nullable, f.typ, f.omitempty)
			}
			if f.typ == reflect.TypeFor[time.Time]() && p.Value.Format != "date-time" {
				t.Errorf("%s.%s: a time needs format date-time", name, f.name)
			}
		}
		var docProps []string
		for p := range s.Properties {
			docProps = append(docProps, p)
		}
		slices.Sort(props)
		slices.Sort(docProps)
		slices.Sort(required)
		docRequired := slices.Sorted(slices.Values(s.Required))
		if !slices.Equal(props, docProps) {
			t.Errorf("%s: properties %v, Go has %v", name, docProps, props)
		}
		if !slices.Equal(required, docRequired) {
			t.Errorf("%s: required %v, Go always writes %v", name, docRequired, required)
		}
	}
}

// TestErrorCodesMatchGo compares the ErrorBody code enum with every Code*
// constant of api/errors.go, read from its source so a new code cannot be
// forgotten here.
func TestErrorCodesMatchGo(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "../errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var goCodes []string
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || len(vs.Names) != 1 || !strings.HasPrefix(vs.Names[0].Name, "Code") || len(vs.Values) != 1 {
			return true
		}
		if lit, ok := vs.Values[0].(*ast.BasicLit); ok && lit.Kind == token.STRING {
			s, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatal(err)
			}
			goCodes = append(goCodes, s)
		}
		return true
	})
	var docCodes []string
	for _, v := range Load(t).T.Components.Schemas["ErrorBody"].Value.Properties["code"].Value.Enum {
		docCodes = append(docCodes, v.(string))
	}
	slices.Sort(goCodes)
	slices.Sort(docCodes)
	if len(goCodes) < 20 || !slices.Equal(goCodes, docCodes) {
		t.Fatalf("error codes in openapi.yaml %v, in api/errors.go %v", docCodes, goCodes)
	}
	// Every code a response allows is one of them.
	for _, a := range Load(t).Answers() {
		parts := strings.Fields(a)
		if len(parts) == 4 && !slices.Contains(goCodes, parts[3]) {
			t.Errorf("answer %q uses an unknown code", a)
		}
	}
}

// TestErrorTableMatchesDocument checks api's error table against
// openapi.yaml: every code of the table is in the ErrorBody enum and every
// code the document names anywhere is in the table, and every documented
// answer carries its code with the table's status.
func TestErrorTableMatchesDocument(t *testing.T) {
	doc := Load(t)
	table := map[string]int{}
	for _, c := range api.ErrorCodes() {
		if _, dup := table[c.Code]; dup {
			t.Errorf("the error table has %s twice", c.Code)
		}
		if c.Status < 400 || c.Status > 599 || c.Meaning == "" {
			t.Errorf("the table row of %s is incomplete: %+v", c.Code, c)
		}
		table[c.Code] = c.Status
	}
	documented := map[string]bool{}
	for _, v := range doc.T.Components.Schemas["ErrorBody"].Value.Properties["code"].Value.Enum {
		documented[v.(string)] = true
	}
	for code := range table {
		if !documented[code] {
			t.Errorf("%s is in the error table but not in openapi.yaml's ErrorBody", code)
		}
	}
	for code := range documented {
		if _, ok := table[code]; !ok {
			t.Errorf("openapi.yaml documents %s, which is not in the error table", code)
		}
	}
	for name, ref := range doc.T.Components.Responses {
		for _, code := range errorCodes(ref) {
			if _, ok := table[code]; !ok {
				t.Errorf("the response %s names %s, which is not in the error table", name, code)
			}
		}
	}
	answers := doc.Answers()
	for _, a := range answers {
		parts := strings.Fields(a) // method, path, status, code
		if len(parts) != 4 {
			continue
		}
		status, ok := table[parts[3]]
		if !ok {
			t.Errorf("answer %q names a code that is not in the error table", a)
		} else if strconv.Itoa(status) != parts[2] && strconv.Itoa(api.AlsoStatus(parts[3])) != parts[2] {
			t.Errorf("answer %q: the error table answers %s with %d", a, parts[3], status)
		}
	}
	if len(table) < 20 || len(answers) < 20 {
		t.Fatalf("%d codes in the table and %d documented answers: the document did not load", len(table), len(answers))
	}
}
