package ui

import (
	"fmt"
	"image/color"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
)

// Result table columns.
const (
	colPlate = iota
	colStatus
	colState
	colTime
	colCamera
	colVehicle
	colConf
	numCols
)

var colTitles = [numCols]string{"Plate (OCR)", "Verified", "St", "Time", "Camera", "Vehicle", "Conf"}
var colWidths = [numCols]float32{100, 160, 40, 110, 190, 135, 52}

// ResultsView shows search results in a virtualized table: sortable by a
// click on a header, with the total, paging ("Load more"), progress and
// cancel. Unverified reads are marked in the Verification column.
type ResultsView struct {
	content  fyne.CanvasObject
	table    *resultTable
	count    *widget.Label
	progress *widget.Activity
	cancel   *widget.Button
	more     *widget.Button
	timeline *widget.Button
	allTL    *widget.Button
	mark     *widget.Button
	marked   map[string]bool // read ids marked for the timeline (results_marks.go)

	rows     []Row
	total    int
	capped   bool
	sortCol  int
	sortDesc bool
	selected int

	// OnSelect is called when a row is selected.
	OnSelect func(i int)
	// OnCancel cancels the running search.
	OnCancel func()
	// OnMore loads the next page.
	OnMore func()
	// OnTimeline opens the timeline of the selected plate.
	OnTimeline func()
	// OnTimelineAll opens the timeline of every result shown.
	OnTimelineAll func()
	// OnKey handles keys the table does not use (1-4 verdicts).
	OnRune func(r rune)
}

// Row is one result with what the workstation knows about it locally.
type Row struct {
	Read api.Read
	// Queued is true when a verdict waits in the outbox.
	Queued bool
}

func newResultsView() *ResultsView {
	v := &ResultsView{selected: -1, sortCol: colTime, sortDesc: true}
	v.table = newResultTable(v)
	v.count = widget.NewLabel("No search yet.")
	v.progress = widget.NewActivity()
	v.progress.Hide()
	v.cancel = widget.NewButtonWithIcon("Cancel", theme.CancelIcon(), func() {
		if v.OnCancel != nil {
			v.OnCancel()
		}
	})
	v.cancel.Hide()
	v.more = widget.NewButtonWithIcon("Load more", theme.MoreVerticalIcon(), func() {
		if v.OnMore != nil {
			v.OnMore()
		}
	})
	v.more.Hide()
	v.timeline = widget.NewButtonWithIcon("Timeline map", theme.NavigateNextIcon(), func() {
		if v.OnTimeline != nil {
			v.OnTimeline()
		}
	})
	v.timeline.Disable()
	v.allTL = widget.NewButtonWithIcon("Timeline of all shown", theme.NavigateNextIcon(), func() {
		if v.OnTimelineAll != nil {
			v.OnTimelineAll()
		}
	})
	v.allTL.Disable()
	v.mark = v.newMarkButton()
	bar := container.NewBorder(nil, nil, container.NewHBox(v.count, v.progress), container.NewHBox(v.cancel, v.more, v.mark, v.timeline, v.allTL))
	v.content = container.NewBorder(bar, nil, nil, nil, v.table)
	return v
}

// Rows are the results in display order.
func (v *ResultsView) Rows() []Row { return v.rows }

// Selected is the selected row, or -1.
func (v *ResultsView) Selected() int { return v.selected }

// Table is the underlying table widget.
func (v *ResultsView) Table() *widget.Table { return &v.table.Table }

// Reset empties the table for a new search.
func (v *ResultsView) Reset() {
	v.rows, v.total, v.capped, v.selected = nil, 0, false, -1
	v.table.UnselectAll()
	v.table.Refresh()
	v.timeline.Disable()
	v.allTL.Disable()
	v.mark.Disable()
	v.marked = nil
	v.updateMarks()
	v.updateCount()
}

// Append adds a page of results.
func (v *ResultsView) Append(reads []api.Read, total int, capped, hasMore bool) {
	for _, r := range reads {
		v.rows = append(v.rows, Row{Read: r})
	}
	v.total, v.capped = total, capped
	v.sortRows()
	if len(v.rows) > 0 {
		v.allTL.Enable()
	}
	if hasMore {
		v.more.Show()
	} else {
		v.more.Hide()
	}
	v.table.Refresh()
	v.updateCount()
}

// SetBusy shows progress and the cancel button.
func (v *ResultsView) SetBusy(b bool) {
	if b {
		v.progress.Show()
		v.progress.Start()
		v.cancel.Show()
		v.more.Disable()
	} else {
		v.progress.Stop()
		v.progress.Hide()
		v.cancel.Hide()
		v.more.Enable()
	}
}

func (v *ResultsView) updateCount() {
	if v.rows == nil && v.total == 0 {
		v.count.SetText("No results.")
		return
	}
	plus := ""
	if v.capped {
		plus = "+"
	}
	unv := 0
	for _, r := range v.rows {
		if r.Read.Verification == nil {
			unv++
		}
	}
	v.count.SetText(fmt.Sprintf("%s%s results · %s shown · %s unverified", thousands(v.total), plus, thousands(len(v.rows)), thousands(unv)))
}

// thousands formats n with comma separators.
func thousands(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// refreshRow redraws the cells of row i.
func (v *ResultsView) refreshRow(i int) {
	if i < 0 || i >= len(v.rows) {
		return
	}
	for c := 0; c < numCols; c++ {
		v.table.RefreshItem(widget.TableCellID{Row: i, Col: c})
	}
}

// UpdateRow refreshes row i after a verdict.
func (v *ResultsView) UpdateRow(i int, r Row) {
	if i < 0 || i >= len(v.rows) {
		return
	}
	v.rows[i] = r
	for c := 0; c < numCols; c++ {
		v.table.RefreshItem(widget.TableCellID{Row: i, Col: c})
	}
	v.updateCount()
}

// Select selects row i and scrolls to it.
func (v *ResultsView) Select(i int) {
	if i < 0 || i >= len(v.rows) {
		return
	}
	v.table.Select(widget.TableCellID{Row: i, Col: colPlate})
}

// Move selects the row d rows away from the selection.
func (v *ResultsView) Move(d int) {
	if len(v.rows) == 0 {
		return
	}
	i := v.selected + d
	if v.selected < 0 {
		i = 0
	}
	if i < 0 {
		i = 0
	}
	if i >= len(v.rows) {
		i = len(v.rows) - 1
	}
	v.Select(i)
}

func (v *ResultsView) onSelected(id widget.TableCellID) {
	if id.Row < 0 || id.Row >= len(v.rows) {
		return
	}
	prev := v.selected
	v.selected = id.Row
	v.refreshRow(prev)
	v.refreshRow(id.Row)
	v.timeline.Enable()
	v.mark.Enable()
	v.updateMarks()
	if v.OnSelect != nil {
		v.OnSelect(id.Row)
	}
}

// SortBy sorts the loaded rows by a column; a second click reverses.
func (v *ResultsView) SortBy(col int) {
	if v.sortCol == col {
		v.sortDesc = !v.sortDesc
	} else {
		v.sortCol, v.sortDesc = col, col == colTime || col == colConf
	}
	var selID string
	if v.selected >= 0 && v.selected < len(v.rows) {
		selID = v.rows[v.selected].Read.ID
	}
	v.sortRows()
	v.table.Refresh()
	if selID != "" {
		for i, r := range v.rows {
			if r.Read.ID == selID {
				v.selected = i
				v.table.Select(widget.TableCellID{Row: i, Col: colPlate})
			}
		}
	}
}

func (v *ResultsView) sortRows() {
	col, desc := v.sortCol, v.sortDesc
	sort.SliceStable(v.rows, func(i, j int) bool {
		a, b := v.rows[i].Read, v.rows[j].Read
		var less, more bool
		switch col {
		case colTime:
			less, more = a.CapturedAt.Before(b.CapturedAt), a.CapturedAt.After(b.CapturedAt)
		case colConf:
			less, more = a.Confidence < b.Confidence, a.Confidence > b.Confidence
		default:
			x, y := cellText(Row{Read: a}, col), cellText(Row{Read: b}, col)
			less, more = x < y, x > y
		}
		if desc {
			return more
		}
		return less
	})
}

// verifiedPlate is the human-verified plate text, or "".
func verifiedPlate(r api.Read) string {
	v := r.Verification
	if v == nil {
		return ""
	}
	switch v.Status {
	case api.VerifyConfirmed, api.VerifyWrongState:
		return r.Plate
	case api.VerifyMisread:
		return v.CorrectedPlate
	}
	return ""
}

// statusText describes a read's verification for the table.
func statusText(row Row) (string, widget.Importance) {
	if row.Queued {
		return "queued (offline)", widget.WarningImportance
	}
	v := row.Read.Verification
	if v == nil {
		return "UNVERIFIED", widget.DangerImportance
	}
	switch v.Status {
	case api.VerifyConfirmed:
		return "confirmed", widget.SuccessImportance
	case api.VerifyMisread:
		return "misread: " + v.CorrectedPlate, widget.SuccessImportance
	case api.VerifyWrongState:
		return "state is " + v.CorrectedState, widget.SuccessImportance
	case api.VerifyUnreadable:
		return "unreadable", widget.WarningImportance
	}
	return v.Status, widget.MediumImportance
}

// vehicleText is "silver Toyota sedan".
func vehicleText(r api.Read) string {
	return strings.TrimSpace(strings.Join(nonEmpty(r.Color, r.Make, r.BodyType), " "))
}

func nonEmpty(xs ...string) []string {
	var out []string
	for _, x := range xs {
		if x != "" {
			out = append(out, strings.ReplaceAll(x, "_", " "))
		}
	}
	return out
}

func cellText(row Row, col int) string {
	r := row.Read
	switch col {
	case colPlate:
		if len(r.FuzzySubstitutions) > 0 {
			return r.Plate + " ~"
		}
		return r.Plate
	case colState:
		if r.Verification != nil && r.Verification.Status == api.VerifyWrongState {
			return r.Verification.CorrectedState
		}
		return r.State
	case colTime:
		return r.CapturedAt.Local().Format("Jan 02 15:04")
	case colCamera:
		return r.Camera.Name
	case colVehicle:
		return vehicleText(r)
	case colConf:
		return fmt.Sprintf("%.2f", r.Confidence)
	case colStatus:
		s, _ := statusText(row)
		return s
	}
	return ""
}

// resultTable is a widget.Table whose Up/Down keys move the selection and
// whose 1-4 keys record verdicts.
type resultTable struct {
	widget.Table
	v      *ResultsView
	widths [numCols]float32 // the column widths set (fitColumns)
}

func newResultTable(v *ResultsView) *resultTable {
	t := &resultTable{v: v}
	t.Length = func() (int, int) { return len(v.rows), numCols }
	t.CreateCell = func() fyne.CanvasObject {
		l := widget.NewLabel("")
		l.Truncation = fyne.TextTruncateEllipsis
		return container.NewStack(canvas.NewRectangle(color.Transparent), l)
	}
	t.UpdateCell = func(id widget.TableCellID, o fyne.CanvasObject) {
		c := o.(*fyne.Container)
		bg, l := c.Objects[0].(*canvas.Rectangle), c.Objects[1].(*widget.Label)
		if id.Row >= len(v.rows) {
			l.SetText("")
			return
		}
		var fill color.Color = color.Transparent
		if id.Row == v.selected { // the whole row shows the selection
			fill = theme.Color(theme.ColorNameSelection)
		}
		if bg.FillColor != fill {
			bg.FillColor = fill
			bg.Refresh()
		}
		row := v.rows[id.Row]
		imp := widget.MediumImportance
		style := fyne.TextStyle{}
		switch id.Col {
		case colStatus:
			_, imp = statusText(row)
			style.Bold = row.Read.Verification == nil && !row.Queued
		case colPlate:
			style.Monospace = true
		}
		l.Importance, l.TextStyle = imp, style
		l.SetText(v.markText(row, id.Col, cellText(row, id.Col)))
	}
	t.ShowHeaderRow = true
	t.CreateHeader = func() fyne.CanvasObject {
		b := widget.NewButton("", nil)
		b.Importance = widget.LowImportance
		b.Alignment = widget.ButtonAlignLeading
		b.IconPlacement = widget.ButtonIconTrailingText
		return b
	}
	t.UpdateHeader = func(id widget.TableCellID, o fyne.CanvasObject) {
		b := o.(*widget.Button)
		if id.Col < 0 || id.Col >= numCols {
			b.SetText("")
			return
		}
		b.SetText(colTitles[id.Col])
		b.SetIcon(v.sortIcon(id.Col))
		col := id.Col
		b.OnTapped = func() { v.SortBy(col) }
	}
	t.OnSelected = v.onSelected
	t.ExtendBaseWidget(t)
	for i, w := range colWidths {
		t.SetColumnWidth(i, w)
	}
	t.widths = colWidths
	return t
}

// Resize gives the width beyond the columns' own to Camera and Vehicle,
// which truncate first: a wide window (1920x1080) shows them whole
// instead of leaving the table's right side empty.
func (t *resultTable) Resize(s fyne.Size) {
	t.fitColumns(s.Width)
	t.Table.Resize(s)
}

// fitColumns sets the column widths for a table width wide.
func (t *resultTable) fitColumns(width float32) {
	base := theme.ScrollBarSize() + float32(numCols)*theme.Padding()
	for _, w := range colWidths {
		base += w
	}
	extra := max(0, width-base)
	cam, veh := colWidths[colCamera]+extra*0.55, colWidths[colVehicle]+extra*0.45
	if cam == t.widths[colCamera] && veh == t.widths[colVehicle] {
		return // a relayout at the same width changes nothing
	}
	t.widths[colCamera], t.widths[colVehicle] = cam, veh
	t.SetColumnWidth(colCamera, cam)
	t.SetColumnWidth(colVehicle, veh)
}

// TypedKey moves the selection with Up/Down (and Page keys).
func (t *resultTable) TypedKey(e *fyne.KeyEvent) {
	switch e.Name {
	case fyne.KeyUp:
		t.v.Move(-1)
	case fyne.KeyDown:
		t.v.Move(1)
	case fyne.KeyPageUp:
		t.v.Move(-15)
	case fyne.KeyPageDown:
		t.v.Move(15)
	default:
		t.Table.TypedKey(e)
	}
}

// TypedRune marks the selected row on M and passes 1-4 to the verdict keys.
func (t *resultTable) TypedRune(r rune) {
	if r == 'm' || r == 'M' {
		t.v.ToggleMark(t.v.selected)
		return
	}
	if t.v.OnRune != nil {
		t.v.OnRune(r)
	}
}

// sortIcon is the arrow a column header shows when the table is sorted by
// it (a theme icon, so it draws without any system font), or nil.
func (v *ResultsView) sortIcon(col int) fyne.Resource {
	switch {
	case col != v.sortCol:
		return nil
	case v.sortDesc:
		return theme.MenuDropDownIcon()
	}
	return theme.MenuDropUpIcon()
}
