package ui

import (
	"image/color"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// prefTourDone records that the first-run tour was seen or dismissed.
const prefTourDone = "tour_done"

// tourStep is one overlay of the tour: the part of the window it points
// at and what it says.
type tourStep struct {
	target func() fyne.CanvasObject
	title  string
	text   string
}

// Tour is the first-run tour of a demo session: a few short overlays that
// point at the case bar, the search, the verification buttons and the
// timeline. It lies over the main screen without taking its taps or focus
// (only the card's buttons are tappable), is dismissible, and reopens from
// the Training screen's Tour button.
type Tour struct {
	m       *MainScreen
	steps   []tourStep
	step    int
	pending bool // start once the window is laid out (first run)
	layer   *fyne.Container
	frame   *canvas.Rectangle
	card    *fyne.Container
	next    *widget.Button
	skip    *widget.Button
	title   *widget.Label
	text    *widget.Label
}

func newTour(m *MainScreen) *Tour {
	t := &Tour{m: m, step: -1}
	t.steps = []tourStep{
		{func() fyne.CanvasObject { return m.Case.content }, "1 · The case bar is the gate",
			"Every search needs a case: the report number, an authorized purpose and your written justification. " +
				"Until the case is set, searching stays disabled. In Training, an exercise fills the number and " +
				"purpose; the justification is yours to write."},
		{func() fyne.CanvasObject { return m.Form.content }, "2 · Search",
			"Give a full or partial plate (* any run, ? one character), or a vehicle description with a place and a window. " +
				"Look-alikes also finds OCR misreads."},
		{func() fyne.CanvasObject { return m.Photo.content }, "3 · Verify every read",
			"The camera's OCR can be wrong: compare the photo with the text and record Confirm, Misread, Wrong state " +
				"or Unreadable (keys 1 to 4). Unverified reads are marked everywhere."},
		{func() fyne.CanvasObject { return m.Results.timeline }, "4 · Timeline",
			"The timeline map shows where and when the selected plate was read, numbered in order. " +
				"Training › Tour shows this tour again."},
	}
	t.title = widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	t.text = widget.NewLabel("")
	t.text.Wrapping = fyne.TextWrapWord
	t.next = widget.NewButton("Next", t.Next)
	t.next.Importance = widget.HighImportance
	t.skip = widget.NewButton("Close tour", t.Close)
	bg := canvas.NewRectangle(theme.Color(theme.ColorNameOverlayBackground))
	bg.StrokeColor = theme.Color(theme.ColorNamePrimary)
	bg.StrokeWidth = 2
	bg.CornerRadius = 6
	body := container.NewBorder(t.title, container.NewHBox(spacer(), t.skip, t.next), nil, nil, t.text)
	t.card = container.NewStack(bg, container.NewPadded(body))
	t.frame = canvas.NewRectangle(color.Transparent)
	t.frame.StrokeColor = theme.Color(theme.ColorNamePrimary)
	t.frame.StrokeWidth = 3
	t.frame.CornerRadius = 4
	t.frame.Hide()
	t.card.Hide()
	t.layer = container.New(tourLayout{t}, t.frame, t.card)
	t.pending = !m.app.fa.Preferences().BoolWithFallback(prefTourDone, false) && m.reg.Landing() == screenSearch
	return t
}

// Start opens the tour at its first step, on the search screen.
func (t *Tour) Start() {
	t.pending = false
	t.m.showSearch()
	t.step = 0
	t.show()
}

// Next moves to the next step, closing the tour after the last.
func (t *Tour) Next() {
	if t.step+1 >= len(t.steps) {
		t.Close()
		return
	}
	t.step++
	t.show()
}

// Close dismisses the tour, remembers that it was seen and gives the
// focus back to the screen.
func (t *Tour) Close() {
	t.pending = false
	t.step = -1
	t.frame.Hide()
	t.card.Hide()
	t.layer.Refresh()
	t.m.app.fa.Preferences().SetBool(prefTourDone, true)
	t.m.reg.Focus() // the keyboard goes on where work starts
}

// Step is the step on show (-1 when closed) and its title.
func (t *Tour) Step() (int, string) {
	if t.step < 0 {
		return -1, ""
	}
	return t.step, t.steps[t.step].title
}

// cardWidth is the width of the tour's text card.
const cardWidth = 380

// show puts the current step's texts on the card and shows it.
func (t *Tour) show() {
	t.title.SetText(t.steps[t.step].title)
	t.text.SetText(t.steps[t.step].text)
	if t.step == len(t.steps)-1 {
		t.next.SetText("Done")
	} else {
		t.next.SetText("Next")
	}
	t.frame.Show()
	t.card.Show()
	t.layer.Refresh()
	// from the keyboard: Space closes the tour, Tab then Space goes on
	if c := fyne.CurrentApp().Driver().CanvasForObject(t.layer); c != nil {
		c.Focus(t.skip)
	}
}

// place lays the frame around the current step's target and the card
// beside it, within area (the layer's size).
func (t *Tour) place(area fyne.Size) {
	if t.step < 0 {
		return
	}
	d := fyne.CurrentApp().Driver()
	target := t.steps[t.step].target()
	pos := d.AbsolutePositionForObject(target).Subtract(d.AbsolutePositionForObject(t.layer))
	size := target.Size()
	t.frame.Move(pos.SubtractXY(4, 4))
	t.frame.Resize(size.AddWidthHeight(8, 8))
	// A wrapped label's height depends on its width: size the card twice.
	t.card.Resize(fyne.NewSize(cardWidth, t.card.MinSize().Height))
	cs := fyne.NewSize(cardWidth, t.card.MinSize().Height)
	// Below the target when there is room, else above it, else inside it.
	y := pos.Y + size.Height + 10
	if y+cs.Height > area.Height {
		y = pos.Y - cs.Height - 10
	}
	if y < 0 {
		y = pos.Y + 10
	}
	x := max(min(pos.X, area.Width-cs.Width-8), 8)
	t.card.Move(fyne.NewPos(x, y))
	t.card.Resize(cs)
}

// tourLayout places the tour over the main screen whenever it is laid out
// (a window resize moves the card with its target), and starts a pending
// first-run tour once the window has a size.
type tourLayout struct{ t *Tour }

// MinSize is zero: the tour never makes the window larger.
func (tourLayout) MinSize([]fyne.CanvasObject) fyne.Size { return fyne.Size{} }

// Layout places the frame and the card.
func (l tourLayout) Layout(_ []fyne.CanvasObject, size fyne.Size) {
	if l.t.pending && size.Width > 0 && size.Height > 0 {
		l.t.pending = false
		uiDo(l.t.Start) // after this layout pass
		return
	}
	l.t.place(size)
}
