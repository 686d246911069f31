package ui

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"alprdesk/api"
)

// TestReportsSaveTransparency: the Reports screen saves the public report
// of its period, the same figures the store answers, with no username,
// plate or report number in it.
func TestReportsSaveTransparency(t *testing.T) {
	_, a := supervisorAfterOneSearch(t)
	v := a.Main().Reports()
	waitFor(t, "the figures", func() bool { return v.Figures() != nil })
	dir := filepath.Join(t.TempDir(), "public")
	waitDone(t, "the transparency report", func(done func(error)) { v.SaveTransparency(dir, done) })
	b, err := os.ReadFile(filepath.Join(dir, "transparency.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tr api.Transparency
	if err := json.Unmarshal(b, &tr); err != nil || tr.Searches.Allowed != 1 || tr.ReadsCollected != 1 || tr.Searches.ByCategory["robbery"] != 1 {
		t.Fatalf("transparency.json = %s (%v)", b, err)
	}
	html, err := os.ReadFile(filepath.Join(dir, "index.html"))
	if err != nil || !strings.Contains(string(html), `data-figure="searches.allowed" data-value="1"`) {
		t.Fatalf("index.html: %v", err)
	}
	for _, personal := range []string{"detective", "7ABC123", "26-012345", goodPurpose} {
		if strings.Contains(string(b)+string(html), personal) {
			t.Errorf("the public report holds %q", personal)
		}
	}
	if !strings.Contains(v.Message(), "index.html") {
		t.Fatalf("message %q", v.Message())
	}
	v.From.SetText("someday")
	if err := func() (err error) { v.SaveTransparency(dir, func(e error) { err = e }); return }(); err == nil {
		t.Fatal("a bad date saved a report")
	}
}
