package ui

import (
	"fmt"
	"sort"

	"alprdesk/api"
)

// maxTimelineReads bounds a timeline of many results: the newest are drawn.
const maxTimelineReads = 500

// showTimelineAll opens the timeline of the marked results or, with none
// marked, of every result shown (all plates), rather than the sightings of
// the selected row's plate.
func (m *MainScreen) showTimelineAll() {
	rows, what := m.Results.Rows(), "results shown"
	if marked := m.Results.Marked(); len(marked) > 0 {
		rows, what = marked, "results marked"
	}
	if len(rows) == 0 {
		m.showSearch()
		setMsg(m.resMsg, "Run a search first: this timeline shows every result on show.")
		return
	}
	reads := make([]api.Read, len(rows))
	for i, r := range rows {
		reads[i] = r.Read
	}
	sel := ""
	if i := m.Results.Selected(); i >= 0 && i < len(rows) {
		sel = rows[i].Read.ID
	}
	m.Timeline.opening = true
	m.reg.Show(screenTimeline)
	m.Timeline.opening = false
	m.Timeline.LoadReads(reads, sel, what)
}

// LoadReads shows the given reads (of any plates) in time order; selID is
// highlighted when among them; what names them in the title ("results
// shown"). More than maxTimelineReads: the newest.
func (v *TimelineView) LoadReads(reads []api.Read, selID, what string) {
	v.reads = append(v.reads[:0], reads...)
	sort.SliceStable(v.reads, func(i, j int) bool { return v.reads[i].CapturedAt.Before(v.reads[j].CapturedAt) })
	note := ""
	if len(v.reads) > maxTimelineReads {
		note = fmt.Sprintf(" (the newest %d of %d)", maxTimelineReads, len(v.reads))
		v.reads = v.reads[len(v.reads)-maxTimelineReads:]
	}
	plates := map[string]bool{}
	for _, r := range v.reads {
		plates[plateOf(r)] = true
	}
	v.multi = true
	v.plate = "results"
	v.selected = selID
	v.title.SetText(fmt.Sprintf("Timeline · %s · %s of %s%s, oldest (1) to newest (%d)",
		what, plural(len(v.reads), "sighting"), plural(len(plates), "plate"), note, len(v.reads)))
	v.list.Refresh()
	v.render()
}

// Multi reports whether the timeline shows several plates (the results
// shown) rather than one plate's sightings.
func (v *TimelineView) Multi() bool { return v.multi }
