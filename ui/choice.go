package ui

import (
	"image/color"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// typeAheadPause is how long after a typed letter the next one still
// extends the same prefix (typing "gr" picks "Grand theft").
const typeAheadPause = time.Second

// Choice picks one of a few options, from the mouse or the keyboard alone:
// Tab reaches it (a primary-coloured border shows the focus); Up/Down (and
// Left/Right, Home/End) step through the options in place; typing letters
// picks the first option that starts with them; Space opens the list, in
// which the arrows and Enter choose and Escape closes, and the focus comes
// back to the Choice either way. Enter calls OnSubmitted (the case bar's
// "Use this case"), or opens the list when there is none.
//
// It stands in for widget.Select, which ignores typed letters and opens
// its list on Up/Down (twelve categories are quicker picked by their
// initials); its fields and methods are Select's.
type Choice struct {
	widget.DisableableWidget

	// Options are the labels offered.
	Options []string
	// Selected is the chosen label ("" when none).
	Selected string
	// PlaceHolder is shown while nothing is chosen.
	PlaceHolder string
	// OnChanged is called with the new label after each change of choice.
	OnChanged func(string)
	// OnSubmitted is called when Enter is pressed on the Choice.
	OnSubmitted func()

	focused, hovered bool
	popUp            *widget.PopUpMenu
	typed            string    // the type-ahead prefix
	typedAt          time.Time // when its last letter came
	now              func() time.Time
}

var (
	_ fyne.Focusable    = (*Choice)(nil)
	_ fyne.Tappable     = (*Choice)(nil)
	_ desktop.Hoverable = (*Choice)(nil)
	_ fyne.Disableable  = (*Choice)(nil)
)

// newChoice makes a Choice of options; changed may be nil.
func newChoice(options []string, changed func(string)) *Choice {
	c := &Choice{Options: options, OnChanged: changed, PlaceHolder: "(Select one)", now: time.Now}
	c.ExtendBaseWidget(c)
	return c
}

// SelectedIndex is the index of the chosen option, or -1.
func (c *Choice) SelectedIndex() int {
	for i, o := range c.Options {
		if o == c.Selected {
			return i
		}
	}
	return -1
}

// SetSelectedIndex chooses option i (out of range: nothing changes).
func (c *Choice) SetSelectedIndex(i int) {
	if i < 0 || i >= len(c.Options) {
		return
	}
	c.SetSelected(c.Options[i])
}

// SetSelected chooses the option labelled text (unknown text: nothing
// changes); OnChanged runs.
func (c *Choice) SetSelected(text string) {
	for _, o := range c.Options {
		if o == text {
			c.choose(text)
			return
		}
	}
}

// ClearSelected shows the placeholder again.
func (c *Choice) ClearSelected() { c.choose("") }

// SetOptions replaces the options; a choice no longer offered is cleared.
func (c *Choice) SetOptions(options []string) {
	c.Options = options
	if c.SelectedIndex() < 0 {
		c.Selected = ""
	}
	c.Refresh()
}

// choose sets the choice and, as widget.Select does, calls OnChanged even
// when it is the same (the case bar revalidates on it).
func (c *Choice) choose(text string) {
	c.Selected = text
	c.Refresh()
	if c.OnChanged != nil {
		c.OnChanged(text)
	}
}

// step moves the choice by d options, stopping at either end; with
// nothing chosen, Down picks the first option and Up the last.
func (c *Choice) step(d int) {
	n := len(c.Options)
	if n == 0 {
		return
	}
	i := c.SelectedIndex()
	switch {
	case i < 0 && d > 0:
		i = 0
	case i < 0:
		i = n - 1
	default:
		i = min(max(i+d, 0), n-1)
	}
	c.SetSelectedIndex(i)
}

// FocusGained shows the focus border.
func (c *Choice) FocusGained() { c.focused = true; c.Refresh() }

// FocusLost hides the focus border.
func (c *Choice) FocusLost() { c.focused = false; c.Refresh() }

// TypedKey steps through the options, opens the list, or submits.
func (c *Choice) TypedKey(e *fyne.KeyEvent) {
	if c.Disabled() {
		return
	}
	switch e.Name {
	case fyne.KeyDown, fyne.KeyRight:
		c.step(1)
	case fyne.KeyUp, fyne.KeyLeft:
		c.step(-1)
	case fyne.KeyHome:
		c.SetSelectedIndex(0)
	case fyne.KeyEnd:
		c.SetSelectedIndex(len(c.Options) - 1)
	case fyne.KeySpace:
		c.showList()
	case fyne.KeyReturn, fyne.KeyEnter:
		if c.OnSubmitted != nil {
			c.OnSubmitted()
			return
		}
		c.showList()
	}
}

// TypedRune picks the option that starts with the letters typed (within
// typeAheadPause of each other); the same letter again moves on to the
// next option with that initial.
func (c *Choice) TypedRune(r rune) {
	if c.Disabled() || r == ' ' {
		return
	}
	now := c.now()
	if now.Sub(c.typedAt) > typeAheadPause {
		c.typed = ""
	}
	c.typedAt = now
	c.typed += strings.ToLower(string(r))
	prefix, from := c.typed, c.SelectedIndex()-1 // a longer prefix may still fit the current option
	if strings.Trim(c.typed, strings.ToLower(string(r))) == "" {
		prefix, from = strings.ToLower(string(r)), c.SelectedIndex() // "r", "rr": the next with that initial
	}
	n := len(c.Options)
	for k := 1; k <= n; k++ {
		i := ((from+k)%n + n) % n
		if strings.HasPrefix(strings.ToLower(c.Options[i]), prefix) {
			c.SetSelectedIndex(i)
			return
		}
	}
}

// Tapped focuses the Choice and opens the list.
func (c *Choice) Tapped(*fyne.PointEvent) {
	if c.Disabled() {
		return
	}
	if cv := c.canvas(); cv != nil {
		cv.Focus(c)
	}
	c.showList()
}

// MouseIn shows the hover colour.
func (c *Choice) MouseIn(*desktop.MouseEvent) { c.hovered = true; c.Refresh() }

// MouseMoved does nothing.
func (c *Choice) MouseMoved(*desktop.MouseEvent) {}

// MouseOut hides the hover colour.
func (c *Choice) MouseOut() { c.hovered = false; c.Refresh() }

func (c *Choice) canvas() fyne.Canvas {
	return fyne.CurrentApp().Driver().CanvasForObject(c)
}

// showList opens the options under the Choice; choosing one, or closing
// the list, gives the focus back to the Choice.
func (c *Choice) showList() {
	cv := c.canvas()
	if cv == nil || len(c.Options) == 0 {
		return
	}
	items := make([]*fyne.MenuItem, len(c.Options))
	for i, o := range c.Options {
		items[i] = fyne.NewMenuItem(o, func() { c.SetSelectedIndex(i) })
		items[i].Checked = o == c.Selected
	}
	pop := widget.NewPopUpMenu(fyne.NewMenu("", items...), cv)
	pop.OnDismiss = func() {
		pop.Hide()
		c.listClosed(pop)
	}
	for _, it := range items {
		act := it.Action
		it.Action = func() { act(); c.listClosed(pop) }
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(c).Add(fyne.NewPos(0, c.Size().Height))
	c.popUp = pop
	pop.ShowAtPosition(pos)
	pop.Resize(fyne.NewSize(max(c.Size().Width, pop.MinSize().Width), pop.MinSize().Height))
}

// listClosed puts the focus back on the Choice once its list is gone.
func (c *Choice) listClosed(pop *widget.PopUpMenu) {
	if c.popUp != pop {
		return
	}
	c.popUp = nil
	if cv := c.canvas(); cv != nil {
		cv.Focus(c)
	}
}

// ListShown reports whether the list of options is open.
func (c *Choice) ListShown() bool { return c.popUp != nil && c.popUp.Visible() }

// label is the text shown: the choice, or the placeholder.
func (c *Choice) label() string {
	if c.Selected != "" {
		return c.Selected
	}
	return c.PlaceHolder
}

// CreateRenderer draws the Choice like an input field with a drop-down
// arrow.
func (c *Choice) CreateRenderer() fyne.WidgetRenderer {
	c.ExtendBaseWidget(c)
	r := &choiceRenderer{c: c, bg: &canvas.Rectangle{}, text: canvas.NewText("", color.Black),
		icon: widget.NewIcon(theme.MenuDropDownIcon())}
	r.Refresh()
	return r
}

type choiceRenderer struct {
	c    *Choice
	bg   *canvas.Rectangle
	text *canvas.Text
	icon *widget.Icon
}

func (r *choiceRenderer) Destroy() {}

func (r *choiceRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.bg, r.text, r.icon}
}

func (r *choiceRenderer) iconSize() float32 { return r.c.Theme().Size(theme.SizeNameInlineIcon) }

// MinSize fits the longest option (or the placeholder) and the arrow.
func (r *choiceRenderer) MinSize() fyne.Size {
	th := r.c.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	w := fyne.MeasureText(r.c.PlaceHolder, r.text.TextSize, r.text.TextStyle).Width
	for _, o := range r.c.Options {
		w = max(w, fyne.MeasureText(o, r.text.TextSize, r.text.TextStyle).Width)
	}
	h := fyne.MeasureText("Mg", r.text.TextSize, r.text.TextStyle).Height
	return fyne.NewSize(w+r.iconSize()+pad*3, h+pad*2)
}

func (r *choiceRenderer) Layout(size fyne.Size) {
	th := r.c.Theme()
	pad := th.Size(theme.SizeNameInnerPadding)
	is := r.iconSize()
	r.bg.Resize(size)
	r.bg.Move(fyne.NewPos(0, 0))
	r.icon.Resize(fyne.NewSquareSize(is))
	r.icon.Move(fyne.NewPos(size.Width-is-pad, (size.Height-is)/2))
	th2 := r.text.MinSize().Height
	r.text.Resize(fyne.NewSize(size.Width-is-pad*3, th2))
	r.text.Move(fyne.NewPos(pad, (size.Height-th2)/2))
}

// Refresh applies the theme, the focus, the hover and the text.
func (r *choiceRenderer) Refresh() {
	c := r.c
	th := c.Theme()
	v := fyne.CurrentApp().Settings().ThemeVariant()
	r.bg.CornerRadius = th.Size(theme.SizeNameInputRadius)
	r.bg.StrokeWidth = th.Size(theme.SizeNameInputBorder)
	r.bg.FillColor = th.Color(theme.ColorNameInputBackground, v)
	r.bg.StrokeColor = th.Color(theme.ColorNameInputBorder, v)
	switch {
	case c.focused:
		r.bg.StrokeColor = th.Color(theme.ColorNamePrimary, v)
	case c.hovered && !c.Disabled():
		r.bg.FillColor = th.Color(theme.ColorNameHover, v)
	}
	r.text.Text = c.label()
	r.text.TextSize = th.Size(theme.SizeNameText)
	r.text.Color = th.Color(theme.ColorNameForeground, v)
	if c.Selected == "" {
		r.text.Color = th.Color(theme.ColorNamePlaceHolder, v)
	}
	if c.Disabled() {
		r.text.Color = th.Color(theme.ColorNameDisabled, v)
	}
	r.Layout(c.Size())
	r.bg.Refresh()
	r.text.Refresh()
	r.icon.Refresh()
}
