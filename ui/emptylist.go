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
	list    fyne.CanvasObject
	length  func() int
	empty   *widget.Label
	content fyne.CanvasObject
}

// newEmptyList wraps list; text is shown while it has no rows.
func newEmptyList(list *widget.List, text string) *emptyList {
	return newEmptyRows(list, list.Length, text)
}

// newEmptyRows wraps any list-like object with length rows; text is shown
// while length is 0. Call Refresh after the rows change.
func newEmptyRows(list fyne.CanvasObject, length func() int, text string) *emptyList {
	e := &emptyList{list: list, length: length, empty: widget.NewLabel(text)}
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
	if e.length() == 0 {
		e.empty.Show()
	} else {
		e.empty.Hide()
	}
	e.list.Refresh()
}
