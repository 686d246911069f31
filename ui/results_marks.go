package ui

import (
	"fmt"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Marked results: several rows picked by hand (M on a row, or the Mark
// button) for one timeline. With marks, the timeline action shows the
// marked reads; without, every result shown.

// newMarkButton is the Mark action for the selected row.
func (v *ResultsView) newMarkButton() *widget.Button {
	b := widget.NewButtonWithIcon("Mark", theme.ConfirmIcon(), func() { v.ToggleMark(v.selected) })
	b.Disable()
	return b
}

// ToggleMark marks row i for the timeline, or unmarks it.
func (v *ResultsView) ToggleMark(i int) {
	if i < 0 || i >= len(v.rows) {
		return
	}
	id := v.rows[i].Read.ID
	if v.marked == nil {
		v.marked = map[string]bool{}
	}
	if v.marked[id] {
		delete(v.marked, id)
	} else {
		v.marked[id] = true
	}
	v.refreshRow(i)
	v.updateMarks()
}

// Marked are the marked rows in display order.
func (v *ResultsView) Marked() []Row {
	var out []Row
	for _, r := range v.rows {
		if v.marked[r.Read.ID] {
			out = append(out, r)
		}
	}
	return out
}

// updateMarks names the timeline action after the marks, and the Mark
// button after the selected row's mark.
func (v *ResultsView) updateMarks() {
	if v.selected >= 0 && v.selected < len(v.rows) && v.marked[v.rows[v.selected].Read.ID] {
		v.mark.SetText("Unmark")
	} else {
		v.mark.SetText("Mark")
	}
	if n := len(v.marked); n > 0 {
		v.allTL.SetText(fmt.Sprintf("Timeline of %d marked", n))
	} else {
		v.allTL.SetText("Timeline of all shown")
	}
}

// markText prefixes a marked row's plate.
func (v *ResultsView) markText(row Row, col int, text string) string {
	if col == colPlate && v.marked[row.Read.ID] {
		return "• " + text
	}
	return text
}
