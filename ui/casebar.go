package ui

import (
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
)

// CaseBar holds the case context (report number, purpose category, written
// justification) that every search carries. It is the gate: until it holds
// a context that passes the store's policy (api.Policy.CheckCase), OnChange
// reports nil and the search form stays disabled.
type CaseBar struct {
	policy  api.Policy
	content fyne.CanvasObject

	report   *widget.Entry
	category *Choice
	purpose  *widget.Entry
	use      *widget.Button
	change   *widget.Button
	recent   *widget.Button
	summary  *widget.Label
	msg      *widget.Label
	editing  *fyne.Container
	showing  *fyne.Container

	active *api.CaseContext
	// OnChange is called with the active context, or nil when there is none.
	OnChange func(c *api.CaseContext)
	// Recent lists recent cases, newest first.
	Recent func() []api.CaseContext
}

// categoryLabel turns "stolen_vehicle" into "Stolen vehicle".
func categoryLabel(c string) string {
	s := strings.ReplaceAll(c, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func newCaseBar(p api.Policy) *CaseBar {
	b := &CaseBar{policy: p}
	b.report = widget.NewEntry()
	b.report.SetPlaceHolder("26-012345")
	b.report.OnChanged = func(string) { b.onEdit() }
	b.report.OnSubmitted = func(string) { b.onUse() }
	labels := make([]string, len(p.PurposeCategories))
	for i, c := range p.PurposeCategories {
		labels[i] = categoryLabel(c)
	}
	b.category = newChoice(labels, func(string) { b.onEdit() })
	b.category.PlaceHolder = "Purpose category"
	b.category.OnSubmitted = b.onUse
	b.purpose = widget.NewEntry()
	b.purpose.SetPlaceHolder("Justification: what happened, and why this search helps")
	b.purpose.OnChanged = func(string) { b.onEdit() }
	b.purpose.OnSubmitted = func(string) { b.onUse() }
	b.use = widget.NewButtonWithIcon("Use this case", theme.ConfirmIcon(), b.onUse)
	b.use.Importance = widget.HighImportance
	b.change = widget.NewButtonWithIcon("Change case", theme.DocumentCreateIcon(), b.onChangeCase)
	b.recent = widget.NewButtonWithIcon("Recent", theme.HistoryIcon(), b.onRecent)
	b.summary = widget.NewLabel("")
	b.summary.Truncation = fyne.TextTruncateEllipsis
	b.summary.TextStyle = fyne.TextStyle{Bold: true}
	b.msg = widget.NewLabel("")
	b.msg.Wrapping = fyne.TextWrapWord

	caseLbl := widget.NewLabelWithStyle("Case", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	left := container.NewHBox(caseLbl, fixedWidth(b.report, 120), fixedWidth(b.category, 190))
	// Tab goes report number, category, purpose, then the buttons.
	b.editing = readingBorder(nil, nil, left, container.NewHBox(b.use, b.recent), b.purpose)
	b.showing = container.NewBorder(nil, nil, widget.NewIcon(theme.ConfirmIcon()), container.NewHBox(b.change, b.recent), b.summary)
	b.showing.Hide()
	b.content = container.NewVBox(container.NewStack(b.editing, b.showing), b.msg)
	b.onEdit()
	return b
}

// Active is the case context in force, or nil.
func (b *CaseBar) Active() *api.CaseContext { return b.active }

// draft is the context as typed.
func (b *CaseBar) draft() api.CaseContext {
	cat := ""
	if i := b.category.SelectedIndex(); i >= 0 && i < len(b.policy.PurposeCategories) {
		cat = b.policy.PurposeCategories[i]
	}
	return api.CaseContext{
		ReportNumber:    strings.TrimSpace(b.report.Text),
		PurposeCategory: cat,
		Purpose:         strings.TrimSpace(b.purpose.Text),
	}
}

// check validates a context with the store's policy; "" means valid.
func (b *CaseBar) check(c api.CaseContext) string {
	err := b.policy.CheckCase(c)
	if err == nil {
		return ""
	}
	if err.Code == api.CodeProhibitedPurpose {
		if term, ok := b.policy.ProhibitedTerm(c.Purpose); ok {
			return "Not allowed: the purpose names \u201c" + term + "\u201d, a use the agency's ALPR policy prohibits. The store would refuse it and record the refusal."
		}
		return "Not allowed: the agency's ALPR policy prohibits this purpose."
	}
	return apiWords(err)
}

// onEdit revalidates as the user types.
func (b *CaseBar) onEdit() {
	d := b.draft()
	why := ""
	switch {
	case d.ReportNumber == "" && d.PurposeCategory == "" && d.Purpose == "":
		why = "Searching is disabled until you enter the case: report number, purpose category and a written justification."
	default:
		why = b.check(d)
	}
	if why == "" {
		b.use.Enable()
		b.setMsg("Press Enter or \"Use this case\" to start searching under this case.", widget.SuccessImportance)
		return
	}
	b.use.Disable()
	b.setMsg(why, widget.WarningImportance)
}

func (b *CaseBar) setMsg(m string, imp widget.Importance) {
	b.msg.Importance = imp
	setMsg(b.msg, m)
}

// onUse makes the typed context the active one.
func (b *CaseBar) onUse() {
	d := b.draft()
	if why := b.check(d); why != "" {
		b.setMsg(why, widget.WarningImportance)
		return
	}
	b.activate(d)
}

// Use sets c as the active context when it is valid (recent cases,
// exercises); it reports whether it was accepted.
func (b *CaseBar) Use(c api.CaseContext) bool {
	b.fill(c)
	if b.check(c) != "" {
		b.onEdit()
		return false
	}
	b.activate(c)
	return true
}

func (b *CaseBar) fill(c api.CaseContext) {
	b.report.SetText(c.ReportNumber)
	b.category.ClearSelected()
	for i, pc := range b.policy.PurposeCategories {
		if pc == c.PurposeCategory {
			b.category.SetSelectedIndex(i)
		}
	}
	b.purpose.SetText(c.Purpose)
}

func (b *CaseBar) activate(c api.CaseContext) {
	b.active = &c
	b.summary.SetText("Case " + c.ReportNumber + " · " + categoryLabel(c.PurposeCategory) + " · \u201c" + c.Purpose + "\u201d")
	b.editing.Hide()
	b.showing.Show()
	b.setMsg("", widget.MediumImportance)
	if b.OnChange != nil {
		b.OnChange(b.active)
	}
}

// onChangeCase drops the active context and opens the fields again.
func (b *CaseBar) onChangeCase() {
	b.active = nil
	b.showing.Hide()
	b.editing.Show()
	b.onEdit()
	if b.OnChange != nil {
		b.OnChange(nil)
	}
}

// Clear forgets the context entirely (lock, logout).
func (b *CaseBar) Clear() {
	b.fill(api.CaseContext{})
	b.onChangeCase()
}

// Refuse shows a store refusal of the active context inline and reopens
// the fields so that the user can correct it.
func (b *CaseBar) Refuse(words string) {
	b.onChangeCase()
	b.use.Disable()
	b.setMsg(words, widget.DangerImportance)
}

// onRecent offers the recent cases.
func (b *CaseBar) onRecent() {
	var cases []api.CaseContext
	if b.Recent != nil {
		cases = b.Recent()
	}
	var items []*fyne.MenuItem
	for _, c := range cases {
		c := c
		label := c.ReportNumber + " · " + categoryLabel(c.PurposeCategory) + " · " + shorten(c.Purpose, 50)
		items = append(items, fyne.NewMenuItem(label, func() { b.Use(c) }))
	}
	if len(items) == 0 {
		items = append(items, &fyne.MenuItem{Label: "No recent cases yet", Disabled: true})
	}
	c := fyne.CurrentApp().Driver().CanvasForObject(b.recent)
	if c == nil {
		return
	}
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b.recent).Add(fyne.NewPos(0, b.recent.Size().Height))
	widget.ShowPopUpMenuAtPosition(fyne.NewMenu("", items...), c, pos)
}

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
