package ui

import (
	"slices"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// press sends a key to whatever holds the focus of c (an open list, too).
func press(t *testing.T, c fyne.Canvas, keys ...fyne.KeyName) {
	t.Helper()
	for _, k := range keys {
		f := c.Focused()
		if f == nil {
			t.Fatalf("no focus for key %s", k)
		}
		f.TypedKey(&fyne.KeyEvent{Name: k})
	}
}

// choiceWindow puts a Choice between two entries in a window.
func choiceWindow(t *testing.T, options ...string) (fyne.Window, *widget.Entry, *Choice, *widget.Entry) {
	t.Helper()
	test.NewTempApp(t)
	before, after := widget.NewEntry(), widget.NewEntry()
	ch := newChoice(options, nil)
	w := test.NewTempWindow(t, container.NewVBox(before, ch, after))
	w.Resize(fyne.NewSize(400, 400))
	return w, before, ch, after
}

// TestChoiceIsKeyboardOperable: Tab reaches the Choice, the arrows step
// through the options, Space opens the list, whose arrows and Enter
// choose, and the focus is back on the Choice so that Tab goes on to the
// next field.
func TestChoiceIsKeyboardOperable(t *testing.T) {
	w, before, ch, after := choiceWindow(t, "Homicide", "Robbery", "Carjacking")
	c := w.Canvas()
	c.Focus(before)
	test.FocusNext(c)
	if c.Focused() != ch {
		t.Fatalf("Tab from the field before: focus on %T, want the Choice", c.Focused())
	}
	press(t, c, fyne.KeyDown, fyne.KeyDown)
	if ch.Selected != "Robbery" {
		t.Fatalf("Down twice: %q", ch.Selected)
	}
	press(t, c, fyne.KeyUp)
	if ch.Selected != "Homicide" {
		t.Fatalf("Up: %q", ch.Selected)
	}
	press(t, c, fyne.KeySpace)
	if !ch.ListShown() {
		t.Fatal("Space did not open the list")
	}
	press(t, c, fyne.KeyDown, fyne.KeyDown, fyne.KeyDown, fyne.KeyReturn)
	if ch.Selected != "Carjacking" || ch.ListShown() {
		t.Fatalf("chosen in the list: %q (list open %v)", ch.Selected, ch.ListShown())
	}
	if c.Focused() != ch {
		t.Fatalf("after the list closed: focus on %T, want the Choice", c.Focused())
	}
	press(t, c, fyne.KeySpace, fyne.KeyEscape)
	if c.Focused() != ch || ch.Selected != "Carjacking" {
		t.Fatalf("after Escape: focus on %T, choice %q", c.Focused(), ch.Selected)
	}
	test.FocusNext(c)
	if c.Focused() != after {
		t.Fatalf("Tab from the Choice: focus on %T, want the next field", c.Focused())
	}
}

// TestChoiceTypeAhead: typed letters pick the option they begin; the same
// letter again moves to the next option with it; after a pause a letter
// starts a new prefix.
func TestChoiceTypeAhead(t *testing.T) {
	w, _, ch, _ := choiceWindow(t, "Grand theft", "Homicide", "Stolen vehicle", "Sexual assault", "Robbery")
	now := time.Unix(0, 0)
	ch.now = func() time.Time { return now }
	c := w.Canvas()
	c.Focus(ch)
	var changes []string
	ch.OnChanged = func(s string) { changes = append(changes, s) }
	for _, step := range []struct{ typed, want string }{
		{"se", "Sexual assault"},
		{"s", "Stolen vehicle"}, // after a pause: the next with that initial
		{"r", "Robbery"},
		{"x", "Robbery"}, // matches nothing: no change
	} {
		test.Type(ch, step.typed)
		if ch.Selected != step.want {
			t.Fatalf("typed %q: %q, want %q", step.typed, ch.Selected, step.want)
		}
		now = now.Add(2 * time.Second)
	}
	if want := []string{"Stolen vehicle", "Sexual assault", "Stolen vehicle", "Robbery"}; !slices.Equal(changes, want) {
		t.Fatalf("OnChanged calls %q, want %q", changes, want)
	}
}

// TestChoiceDisabledIsSkipped: Tab passes over a disabled Choice, and
// keys do not change it.
func TestChoiceDisabledIsSkipped(t *testing.T) {
	w, before, ch, after := choiceWindow(t, "A", "B")
	ch.Disable()
	c := w.Canvas()
	c.Focus(before)
	test.FocusNext(c)
	if c.Focused() != after {
		t.Fatalf("Tab: focus on %T, want past the disabled Choice", c.Focused())
	}
	ch.TypedKey(&fyne.KeyEvent{Name: fyne.KeyDown})
	if ch.Selected != "" {
		t.Fatalf("a disabled Choice changed to %q", ch.Selected)
	}
}

// TestCaseFromTheKeyboardAlone: the case bar is filled and used without the
// mouse: report number, Tab, the category by its letters, Tab, the
// purpose, Enter. (With widget.Select, the category's list left the focus
// nowhere and the typed text went elsewhere.)
func TestCaseFromTheKeyboardAlone(t *testing.T) {
	a := fakeAppNoCase(t, detectiveSession())
	m := a.Main()
	c := a.Window().Canvas()
	if c.Focused() != m.Case.report {
		t.Fatalf("landing focus on %T, want the report number", c.Focused())
	}
	test.Type(m.Case.report, "26-012345")
	test.FocusNext(c)
	if c.Focused() != m.Case.category {
		t.Fatalf("Tab from the report number: focus on %T, want the category", c.Focused())
	}
	press(t, c, fyne.KeySpace, fyne.KeyDown, fyne.KeyDown, fyne.KeyReturn)
	test.FocusNext(c)
	if c.Focused() != m.Case.purpose {
		t.Fatalf("Tab from the category: focus on %T, want the purpose", c.Focused())
	}
	test.Type(m.Case.purpose, goodPurpose)
	press(t, c, fyne.KeyReturn)
	got := m.Case.Active()
	if got == nil || got.PurposeCategory != "robbery" || got.ReportNumber != "26-012345" {
		t.Fatalf("active case %+v (message %q)", got, m.Case.msg.Text)
	}
}

// TestTextAreaLetsTabLeave: a multi-line field does not keep the Tab key
// (widget.Entry's does: a keyboard trap), and Enter still breaks the line.
func TestTextAreaLetsTabLeave(t *testing.T) {
	test.NewTempApp(t)
	ta := newTextArea()
	w := test.NewTempWindow(t, ta)
	if ta.AcceptsTab() {
		t.Fatal("the text area keeps the Tab key")
	}
	w.Canvas().Focus(ta)
	test.Type(ta, "one")
	ta.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	test.Type(ta, "two")
	if ta.Text != "one\ntwo" {
		t.Fatalf("text %q", ta.Text)
	}
}

// TestTabKeysReachTheTabs: Next tab and Previous tab select the screen's
// tabs in turn, wrapping, and put the focus on the tab's first field.
func TestTabKeysReachTheTabs(t *testing.T) {
	test.NewTempApp(t)
	first, second := widget.NewEntry(), widget.NewButton("Draw", nil)
	hidden := widget.NewEntry()
	hidden.Hide()
	tabs := container.NewAppTabs(container.NewTabItem("A", container.NewVBox(first)),
		container.NewTabItem("B", container.NewBorder(container.NewHBox(hidden, widget.NewLabel("x"), second), nil, nil, nil)))
	w := test.NewTempWindow(t, tabs)
	r := &Registry{deps: Deps{Window: w}, entries: []*entry{{def: ScreenDef{ID: "s"}, screen: &viewScreen{content: container.NewStack(tabs)}}}, current: -1}
	if r.StepTab(1) || tabs.SelectedIndex() != 0 {
		t.Fatal("a registry with no current screen stepped a tab")
	}
	r.current = 0
	if !r.StepTab(1) || tabs.SelectedIndex() != 1 || w.Canvas().Focused() != second {
		t.Fatalf("next tab: tab %d, focus %T", tabs.SelectedIndex(), w.Canvas().Focused())
	}
	if !r.StepTab(1) || tabs.SelectedIndex() != 0 || w.Canvas().Focused() != first {
		t.Fatalf("next tab wraps: tab %d, focus %T", tabs.SelectedIndex(), w.Canvas().Focused())
	}
	if !r.StepTab(-1) || tabs.SelectedIndex() != 1 {
		t.Fatalf("previous tab wraps: tab %d", tabs.SelectedIndex())
	}
}
