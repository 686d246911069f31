package ui

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2/theme"

	"alprdesk/internal/glyphcheck"
)

// TestGlyphsInBundledFont keeps every string the workstation shows inside
// the fonts Fyne bundles (Noto Sans regular and bold): anything else falls
// back to a system font, and Windows under Wine or a minimal install drew
// the old status dot and sort arrows as U+FFFD. ui/export renders PDFs with
// its own fonts and is checked there.
func TestGlyphsInBundledFont(t *testing.T) {
	missing, err := glyphcheck.Missing(".", []string{"export"},
		theme.DefaultTextFont().Content(), theme.DefaultTextBoldFont().Content())
	if err != nil {
		t.Fatal(err)
	}
	if len(missing) > 0 {
		t.Fatalf("characters the bundled font cannot draw (use a theme icon or a Noto Sans glyph):\n%s", strings.Join(missing, "\n"))
	}
}
