package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
)

// A wide results table gives its extra width to Camera and Vehicle (they
// truncated at 1920x1080 beside an empty right side); a narrow one keeps
// the columns' own widths.
func TestResultsColumnsUseTheWidth(t *testing.T) {
	test.NewTempApp(t)
	tb := newResultTable(&ResultsView{})
	tb.Resize(fyne.NewSize(600, 400))
	if tb.widths != colWidths {
		t.Fatalf("narrow table: widths %v, want %v", tb.widths, colWidths)
	}
	tb.Resize(fyne.NewSize(1300, 400))
	if tb.widths[colCamera] <= colWidths[colCamera]+100 || tb.widths[colVehicle] <= colWidths[colVehicle]+100 {
		t.Fatalf("wide table: camera %v, vehicle %v", tb.widths[colCamera], tb.widths[colVehicle])
	}
	total := theme.ScrollBarSize() + float32(numCols)*theme.Padding()
	for _, w := range tb.widths {
		total += w
	}
	if total > 1300.5 {
		t.Fatalf("the columns take %v of 1300", total)
	}
}
