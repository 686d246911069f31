package api

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func TestErrorIsMatchesByCode(t *testing.T) {
	err := E(CodeProhibitedPurpose, "purpose names %q", "ICE")
	if !errors.Is(err, &Error{Code: CodeProhibitedPurpose}) {
		t.Fatal("errors.Is should match an API error of the same code")
	}
	if errors.Is(err, &Error{Code: CodeForbidden}) {
		t.Fatal("errors.Is must not match another code")
	}
	if got := err.Error(); got != `purpose names "ICE"` {
		t.Fatalf("message = %q", got)
	}
}

func TestReadJSONShowsUnverifiedAsNull(t *testing.T) {
	r := Read{ID: "r1", Plate: "7ABC123", CapturedAt: time.Date(2026, 11, 26, 14, 2, 0, 0, time.UTC)}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"verification":null`, `"captured_at":"2026-11-26T14:02:00Z"`, `"possible_switch":false`, `"plate_box":{"x":0,"y":0,"w":0,"h":0}`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
}

func TestSearchRequestFlattensCaseContext(t *testing.T) {
	req := SearchRequest{CaseContext: CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: "armed robbery at 73rd Ave"}, Plate: "7AB*"}
	b, _ := json.Marshal(req)
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	if m["report_number"] != "20-042436" || m["purpose_category"] != "robbery" || m["plate"] != "7AB*" {
		t.Fatalf("case context not at the top level: %s", b)
	}
}
