package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// TextArea is a multi-line entry that Tab and Shift+Tab leave, as every
// other field: widget.Entry keeps the Tab key when multi-line (to insert
// a tab), which traps a keyboard-only user in the field. Enter still
// starts a new line.
type TextArea struct {
	widget.Entry
}

var _ fyne.Tabbable = (*TextArea)(nil)

// newTextArea makes an empty, word-wrapping TextArea.
func newTextArea() *TextArea {
	e := &TextArea{}
	e.MultiLine = true
	e.Wrapping = fyne.TextWrapWord
	e.ExtendBaseWidget(e)
	return e
}

// AcceptsTab is false: Tab moves the focus on.
func (e *TextArea) AcceptsTab() bool { return false }
