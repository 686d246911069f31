package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/widget"
)

// Keyboard helpers for every screen.
//
// Tabs: Fyne's tab bars take no focus, so a screen's tabs (the
// supervisor's Monthly review, the hotlist queues) are reached with the Go
// menu's Next tab (Ctrl+PageDown) and Previous tab (Ctrl+PageUp), which
// also put the focus on the tab's first field.
//
// Tab order: Fyne visits a container's objects in their order, and
// container.NewBorder puts the centre first; readingBorder lays out the
// same border in reading order.

// StepTab selects the next (d > 0) or previous (d < 0) tab of the current
// screen, wrapping around, and focuses the first field of the tab; false
// when the screen has no tabs.
func (r *Registry) StepTab(d int) bool {
	if r.current < 0 || r.current >= len(r.entries) {
		return false
	}
	tabs := findTabs(r.build(r.current).Content())
	if tabs == nil || len(tabs.Items) == 0 {
		return false
	}
	n := len(tabs.Items)
	i := ((tabs.SelectedIndex()+d)%n + n) % n
	tabs.SelectIndex(i)
	if f := firstFocusable(tabs.Items[i].Content); f != nil && r.deps.Window != nil {
		r.deps.Window.Canvas().Focus(f)
	}
	return true
}

// children are the objects o lays out that the keyboard walk looks into.
func children(o fyne.CanvasObject) []fyne.CanvasObject {
	switch c := o.(type) {
	case *fyne.Container:
		return c.Objects
	case *container.Scroll:
		return []fyne.CanvasObject{c.Content}
	case *container.Split:
		return []fyne.CanvasObject{c.Leading, c.Trailing}
	case *widget.Form:
		var out []fyne.CanvasObject
		for _, it := range c.Items {
			out = append(out, it.Widget)
		}
		return out
	}
	return nil
}

// findTabs is the first tab container in o's tree, or nil.
func findTabs(o fyne.CanvasObject) *container.AppTabs {
	if o == nil || !o.Visible() {
		return nil
	}
	if t, ok := o.(*container.AppTabs); ok {
		return t
	}
	for _, c := range children(o) {
		if t := findTabs(c); t != nil {
			return t
		}
	}
	return nil
}

// firstFocusable is the first shown, enabled focusable object in o's tree
// (in the order Tab would visit them), or nil.
func firstFocusable(o fyne.CanvasObject) fyne.Focusable {
	if o == nil || !o.Visible() {
		return nil
	}
	if f, ok := o.(fyne.Focusable); ok {
		if d, ok := o.(fyne.Disableable); !ok || !d.Disabled() {
			return f
		}
	}
	for _, c := range children(o) {
		if f := firstFocusable(c); f != nil {
			return f
		}
	}
	return nil
}

// readingBorder is container.NewBorder with its objects in reading order
// (top, left, centre, right, bottom), which is the order Tab visits them.
func readingBorder(top, bottom, left, right fyne.CanvasObject, center ...fyne.CanvasObject) *fyne.Container {
	var objs []fyne.CanvasObject
	for _, o := range []fyne.CanvasObject{top, left} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	objs = append(objs, center...)
	for _, o := range []fyne.CanvasObject{right, bottom} {
		if o != nil {
			objs = append(objs, o)
		}
	}
	return container.New(layout.NewBorderLayout(top, bottom, left, right), objs...)
}

// keyList is a widget.List that hands the characters typed while it has
// the focus to onRune (widget.List drops them): on the alerts screen the
// verdict keys 1-4 act on the selected hit while the arrows move in the
// list.
type keyList struct {
	widget.List
	onRune func(rune)
}

// newKeyList is widget.NewList with onRune.
func newKeyList(length func() int, create func() fyne.CanvasObject, update func(widget.ListItemID, fyne.CanvasObject), onRune func(rune)) *keyList {
	l := &keyList{onRune: onRune}
	l.Length, l.CreateItem, l.UpdateItem = length, create, update
	l.ExtendBaseWidget(l)
	return l
}

// TypedRune hands r to onRune.
func (l *keyList) TypedRune(r rune) {
	if l.onRune != nil {
		l.onRune(r)
	}
}
