package ui

import (
	"slices"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// maxLookups is how many recent lookups the lookup screen lists.
const maxLookups = 12

// LookupView is the watch commander's landing screen: one plate field,
// focused, for a quick lookup under the active case; the last lookups of
// this session (Enter or a click runs one again); and the live hotlist
// alerts beside them. A lookup's results open on the search screen.
type LookupView struct {
	m       *MainScreen
	content fyne.CanvasObject
	plate   *widget.Entry
	msg     *widget.Label
	recent  []string
	list    *emptyList // the last lookups
	alerts  *emptyList // the live alerts (nil for a session without alerts)
}

// Sentences of the lookup screen's lists while they are empty.
const (
	noLookups = "No lookups yet in this session. Type a plate above and press Enter; it is listed here to run again."
	noAlerts  = "No hotlist hits yet. New hits appear here as they happen; select one to open it on the Alerts screen."
)

// The lookup screen: a watch commander lands here.
func init() {
	registerScreen(ScreenDef{ID: screenLookup, Title: "Lookup", Icon: theme.SearchReplaceIcon(), Order: 5,
		Roles: []string{api.RoleWatchCommander}, Landing: []string{api.RoleWatchCommander},
		Place: Placement{CaseBar: true},
		New:   func(d Deps) Screen { return newLookupView(d.main) }})
}

func newLookupView(m *MainScreen) *LookupView {
	v := &LookupView{m: m, msg: errorText()}
	v.plate = widget.NewEntry()
	v.plate.SetPlaceHolder("Plate, e.g. 7ABC123 or 7AB*")
	v.plate.OnSubmitted = func(string) { v.lookup(v.plate.Text) }
	go1 := widget.NewButtonWithIcon("Look up", theme.SearchIcon(), func() { v.lookup(v.plate.Text) })
	go1.Importance = widget.HighImportance
	list := widget.NewList(func() int { return len(v.recent) },
		func() fyne.CanvasObject { return widget.NewLabel("7ABC123") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(v.recent[i]) })
	list.OnSelected = func(i widget.ListItemID) {
		list.UnselectAll()
		v.lookup(v.recent[i])
	}
	v.list = newEmptyList(list, noLookups)
	left := container.NewBorder(widget.NewLabelWithStyle("Last lookups", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		nil, nil, nil, v.list.content)
	right := v.alertColumn()
	split := container.NewHSplit(left, right)
	split.Offset = 0.4
	head := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Quick lookup", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		go1, v.plate)
	v.content = container.NewBorder(container.NewVBox(head, v.msg, widget.NewSeparator()), nil, nil, nil, split)
	return v
}

// alertColumn lists the live alerts (the alert stream of the Alerts
// screen); a click opens the hit there.
func (v *LookupView) alertColumn() fyne.CanvasObject {
	title := widget.NewLabelWithStyle("Live alerts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	a := v.m.Alerts
	if a == nil {
		return container.NewBorder(title, nil, nil, nil, widget.NewLabel("This session receives no hotlist alerts."))
	}
	list := widget.NewList(func() int { return len(a.Rows()) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("NEW 7ABC123")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(AlertLine(a.Rows()[i])) })
	list.OnSelected = func(i widget.ListItemID) {
		list.UnselectAll()
		v.m.ShowAlerts()
		a.list.Select(i)
	}
	v.alerts = newEmptyList(list, noAlerts)
	prev := a.OnCount
	a.OnCount = func(n int) {
		if prev != nil {
			prev(n)
		}
		v.alerts.Refresh()
	}
	return container.NewBorder(title, nil, nil, nil, v.alerts.content)
}

// Content is the screen's widget tree.
func (v *LookupView) Content() fyne.CanvasObject { return v.content }

// FocusTarget is the plate field, or the case bar while no case is set.
func (v *LookupView) FocusTarget() fyne.Focusable {
	if v.m.Case.Active() == nil {
		return v.m.Case.report
	}
	return v.plate
}

// Recent lists the last lookups, newest first.
func (v *LookupView) Recent() []string { return slices.Clone(v.recent) }

// lookup runs a plate search under the active case and shows its results.
func (v *LookupView) lookup(text string) {
	p := plate.Normalize(text)
	if p == "" {
		setMsg(v.msg, "Type a plate first.")
		return
	}
	if v.m.Case.Active() == nil {
		setMsg(v.msg, "Set the case above first: every lookup is a search under a case.")
		v.m.app.win.Canvas().Focus(v.m.Case.report)
		return
	}
	if _, err := plate.ParsePattern(p); err != nil {
		setMsg(v.msg, patternWords(err))
		return
	}
	setMsg(v.msg, "")
	v.recent = append([]string{p}, slices.DeleteFunc(v.recent, func(s string) bool { return s == p })...)
	if len(v.recent) > maxLookups {
		v.recent = v.recent[:maxLookups]
	}
	v.list.Refresh()
	v.plate.SetText("")
	v.m.Form.plate.SetText(p)
	v.m.showSearch()
	v.m.Form.onSubmit()
}
