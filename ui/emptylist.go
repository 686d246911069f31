package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"
)

// emptyList is a list that says so when it has nothing to show: a sentence
// in its place (what will appear there, and how to get some) instead of a
// blank area.
type emptyList struct {
	list    *widget.List
	empty   *widget.Label
	content fyne.CanvasObject
}

// newEmptyList wraps list, which shows list.Length() rows; text is shown
// while it has none. Call Refresh after the rows change.
func newEmptyList(list *widget.List, text string) *emptyList {
	e := &emptyList{list: list, empty: widget.NewLabel(text)}
	e.empty.Wrapping = fyne.TextWrapWord
	e.empty.Importance = widget.LowImportance
	e.content = container.NewStack(list, container.NewVBox(e.empty))
	e.Refresh()
	return e
}

// Empty reports whether the sentence is on show.
func (e *emptyList) Empty() bool { return e.empty.Visible() }

// Refresh redraws the rows, or the sentence when there are none.
func (e *emptyList) Refresh() {
	if e.list.Length() == 0 {
		e.empty.Show()
	} else {
		e.empty.Hide()
	}
	e.list.Refresh()
}
