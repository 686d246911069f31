package mapview

import (
	"strings"
	"testing"

	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"

	"alprdesk/internal/glyphcheck"
)

// TestGlyphsInGoFont keeps the map's legends and captions inside the Go
// fonts it draws with, so nothing depends on a system font.
func TestGlyphsInGoFont(t *testing.T) {
	missing, err := glyphcheck.Missing(".", nil, goregular.TTF, gobold.TTF)
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Fatalf("characters the Go fonts cannot draw:\n%s", strings.Join(missing, "\n"))
	}
}
