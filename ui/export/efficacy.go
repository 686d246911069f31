package export

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
)

// maxStacked is how many purpose categories the monthly chart shows; the
// rest are merged into "other categories".
const maxStacked = 8

// EfficacyPDF writes the efficacy report for the annual surveillance report:
// a summary page (period, key figures, methods note), then searches by
// month and purpose category (stacked bar chart and table), refused
// searches by reason (bar chart and table), human verification (pie chart,
// table, OCR error rate), age of the data at query (bar chart and table),
// outcomes and hotlist hits (bar chart and tables), and per-user search
// counts with flagged users highlighted. Charts are drawn with the PDF's
// own vector primitives.
func EfficacyPDF(w io.Writer, e api.Efficacy, meta ReportMeta) error {
	if meta.Generated.IsZero() {
		return ErrNoTime
	}
	if e.From.IsZero() || e.To.IsZero() || e.To.Before(e.From) {
		return fmt.Errorf("%w: %s to %s", ErrBadPeriod, e.From.Format(time.RFC3339), e.To.Format(time.RFC3339))
	}
	period := periodText(e.From, e.To)
	d := newDoc("ALPR efficacy report, "+period, meta.PreparedBy, meta.Generated,
		"ALPR efficacy report "+period, meta.Demo)
	r := &report{doc: d, e: e, meta: meta, period: period}
	r.summary()
	r.searches()
	r.verification()
	r.outcomes()
	r.hits()
	r.users()
	return d.output(w)
}

// report is an efficacy PDF being written.
type report struct {
	*doc
	e      api.Efficacy
	meta   ReportMeta
	period string
}

// periodText shows [from, to) as inclusive dates: "2026-01-01 to 2026-12-31".
func periodText(from, to time.Time) string {
	last := to.UTC()
	if !last.Equal(from) {
		last = last.Add(-time.Nanosecond)
	}
	return from.UTC().Format("2006-01-02") + " to " + last.Format("2006-01-02")
}

// summary writes the first page: title, key figures, methods.
func (r *report) summary() {
	r.AddPage()
	r.font("B", 10, muted)
	r.text(contentW, 6, "ALPR EFFICACY REPORT", "L")
	r.Ln(7)
	r.font("B", 22, navy)
	title := "Automated License Plate Reader use"
	if r.meta.Agency != "" {
		title = r.meta.Agency
	}
	r.para(10, title)
	r.font("", 12, ink)
	r.text(contentW, 7, "Use and efficacy, "+r.period+" (UTC)", "L")
	r.Ln(10)
	if r.meta.PreparedBy != "" {
		r.field("Prepared by", r.meta.PreparedBy, "", ink)
	}
	r.field("Generated", r.meta.Generated.UTC().Format("2006-01-02 15:04 UTC"), "", ink)
	if r.meta.Store != "" {
		r.field("Source store", r.meta.Store, "", ink)
	}
	if r.meta.ExportID != "" {
		r.field("Export record", r.meta.ExportID, "", ink)
	}
	r.Ln(5)
	r.keyFigures()
	r.Ln(4)
	r.subheading("Methods")
	r.font("", 9, ink)
	r.para(4.6, r.methods())
}

// keyFigures draws the six headline numbers as tiles.
func (r *report) keyFigures() {
	v := r.e.Verification
	outcomes := api.Sum(r.e.Outcomes)
	tiles := []struct{ value, label string }{
		{formatCount(float64(r.e.TotalSearches())), "searches"},
		{formatCount(float64(api.Sum(r.e.Refusals))), "searches refused under the policy"},
		{formatCount(float64(api.Sum(r.e.HotlistHits))), "hotlist hits"},
		{formatCount(float64(v.Verified())), "reads verified by a person"},
		{fmt.Sprintf("%.1f%%", 100*v.OCRErrorRate), "measured OCR error rate"},
		{formatCount(float64(outcomes)), "searches with an outcome recorded"},
	}
	const cols, gap, h = 3, 4.0, 22.0
	w := (contentW - gap*(cols-1)) / cols
	y0 := r.GetY()
	for i, t := range tiles {
		x := margin + float64(i%cols)*(w+gap)
		y := y0 + float64(i/cols)*(h+gap)
		r.fill(shade)
		r.RoundedRect(x, y, w, h, 2, "1234", "F")
		r.SetXY(x, y+3)
		r.font("B", 18, navy)
		r.text(w, 9, t.value, "C")
		r.SetXY(x+2, y+13)
		r.font("", 8.5, muted)
		r.text(w-4, 5, t.label, "C")
	}
	r.SetY(y0 + 2*(h+gap))
}

// flagRule is the report's flag rule as a sentence.
func (r *report) flagRule() string {
	rule := strings.TrimSpace(r.e.FlagRule)
	if rule == "" {
		return "A user is flagged when their search count is far above that of their peers."
	}
	if !strings.HasSuffix(rule, ".") {
		rule += "."
	}
	return rule
}

// methods is the methods note.
func (r *report) methods() string {
	return "Figures come from the store's records and its hash-chained audit trail for searches made from " +
		r.period + " (UTC). A search is counted once, when it is first run; fetching further pages of its " +
		"results is not a new search. Refused searches are those the store rejected under the ALPR policy " +
		"(for example a prohibited purpose or a purpose too vague to justify the search), counted by the " +
		"error code of the refusal. Verification figures count each distinct read these searches returned " +
		"once, under the latest verdict a person gave on it; the OCR error rate is (misread + wrong state) / (confirmed + misread + wrong state): " +
		"unreadable photos say nothing about the OCR and are left out. Data age counts each search that " +
		"returned reads once, by the age of the oldest read it returned at the time of the search, in whole " +
		"months. Outcomes are what the searching officer recorded a search as leading to; searches with no " +
		"outcome recorded are reported separately and are not counted as having led to nothing. " +
		r.flagRule() + " A flag asks for supervisory review and is not a finding of misuse."
}

// searches writes the page of searches by month and category, and refusals.
func (r *report) searches() {
	r.AddPage()
	r.heading("Searches by month and purpose category")
	months, cats, grid := monthGrid(r.e)
	cols := make([]stack, len(months))
	for i, m := range months {
		cols[i] = stack{label: monthLabel(m), parts: grid[i]}
	}
	legend := make([]string, len(cats))
	for i, c := range cats {
		legend[i] = titleCase(c)
	}
	y := r.GetY()
	r.stackedChart(margin+14, y, contentW-14, 70, cols, legend)
	r.SetY(y + 76)
	r.table([]column{{"Purpose category", 90, "L"}, {"Searches", 40, "R"}, {"Share", 49.9, "R"}}, categoryRows(r.e), true, nil)
	r.Ln(5)
	r.subheading("Refused searches by reason")
	r.font("", 9, muted)
	r.para(4.6, "Each refusal is counted under the error code the store answered with.")
	r.Ln(2)
	if len(r.e.Refusals) == 0 {
		r.font("I", 9.5, muted)
		r.para(5, "No search was refused in this period.")
		return
	}
	r.hbarChart(margin, r.GetY(), contentW, countBars(r.e.Refusals, func(int) rgb { return red }))
}

// monthGrid returns the months of the period (every month from From to
// To, or those with data when the period is long), the categories shown
// (most searched first, at most maxStacked, the rest merged), and the
// count of each month and category.
func monthGrid(e api.Efficacy) (months, cats []string, grid [][]float64) {
	totals := map[string]int{}
	seen := map[string]bool{}
	for _, c := range e.SearchesByMonth {
		totals[c.Category] += c.Count
		seen[c.Month] = true
	}
	for c := range totals {
		cats = append(cats, c)
	}
	slices.SortFunc(cats, func(a, b string) int { return cmp.Or(cmp.Compare(totals[b], totals[a]), cmp.Compare(a, b)) })
	if len(cats) > maxStacked {
		cats = append(cats[:maxStacked-1], "other categories")
	}
	months = periodMonths(e.From, e.To)
	if len(months) == 0 || len(months) > 24 {
		months = slices.Sorted(func(yield func(string) bool) {
			for m := range seen {
				if !yield(m) {
					return
				}
			}
		})
	}
	grid = make([][]float64, len(months))
	for i := range grid {
		grid[i] = make([]float64, len(cats))
	}
	for _, c := range e.SearchesByMonth {
		mi := slices.Index(months, c.Month)
		ci := slices.Index(cats, c.Category)
		if ci < 0 {
			ci = len(cats) - 1
		}
		if mi >= 0 {
			grid[mi][ci] += float64(c.Count)
		}
	}
	return months, cats, grid
}

// periodMonths lists the "YYYY-MM" months that [from, to) touches.
func periodMonths(from, to time.Time) []string {
	var out []string
	m := time.Date(from.UTC().Year(), from.UTC().Month(), 1, 0, 0, 0, 0, time.UTC)
	for m.Before(to.UTC()) && len(out) <= 24 {
		out = append(out, m.Format("2006-01"))
		m = m.AddDate(0, 1, 0)
	}
	return out
}

// monthLabel turns "2026-03" into "Mar 26".
func monthLabel(m string) string {
	t, err := time.Parse("2006-01", m)
	if err != nil {
		return m
	}
	return t.Format("Jan 06")
}

// categoryRows are the rows of the searches-by-category table.
func categoryRows(e api.Efficacy) [][]string {
	totals := map[string]int{}
	for _, c := range e.SearchesByMonth {
		totals[c.Category] += c.Count
	}
	cats := slices.Collect(func(yield func(string) bool) {
		for c := range totals {
			if !yield(c) {
				return
			}
		}
	})
	slices.SortFunc(cats, func(a, b string) int { return cmp.Or(cmp.Compare(totals[b], totals[a]), cmp.Compare(a, b)) })
	all := e.TotalSearches()
	rows := [][]string{}
	for _, c := range cats {
		rows = append(rows, []string{titleCase(c), formatCount(float64(totals[c])), share(totals[c], all)})
	}
	return append(rows, []string{"All categories", formatCount(float64(all)), share(all, all)})
}

// share formats n/of as a percentage.
func share(n, of int) string {
	if of == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f%%", 100*float64(n)/float64(of))
}

// countBars turns a breakdown into chart bars, coloured by color(i).
func countBars(cs []api.CountBy, color func(i int) rgb) []bar {
	out := make([]bar, len(cs))
	for i, c := range cs {
		out[i] = bar{label: titleCase(c.Key), value: float64(c.Count), color: color(i)}
	}
	return out
}

// verification writes the human verification page and the data age chart.
func (r *report) verification() {
	r.AddPage()
	r.heading("Human verification of plate reads")
	v := r.e.Verification
	bars := []bar{
		{"Confirmed", float64(v.Confirmed), green},
		{"Misread", float64(v.Misread), amber},
		{"Wrong state", float64(v.WrongState), rgb{230, 126, 34}},
		{"Unreadable", float64(v.Unreadable), muted},
		{"Unverified", float64(v.Unverified), red},
	}
	y := r.GetY()
	r.pieChart(margin+35, y+32, 30, bars)
	r.SetY(y + 70)
	r.font("", 10, ink)
	r.para(5.5, fmt.Sprintf("Measured OCR error rate: %.1f%% of the %s reads whose plate a person could read "+
		"had been misread by the OCR or given the wrong state. %s returned reads were never verified.",
		100*v.OCRErrorRate, formatCount(float64(v.Confirmed+v.Misread+v.WrongState)), formatCount(float64(v.Unverified))))
	r.Ln(6)
	r.subheading("Age of the data at the time of the search")
	r.font("", 9, muted)
	r.para(4.6, "Searches that returned reads, by the age of the oldest read each returned at the time of the search. "+
		"Reads are kept 30 days unless retained for a case.")
	r.Ln(2)
	age := ageBars(r.e.DataAge)
	y = r.GetY()
	r.barChart(margin+14, y, contentW-14, 62, age)
}

// ageLabels name the age buckets.
var ageLabels = map[string]string{
	api.AgeUnder1Month: "Under 1 month", api.Age1To3Months: "1-3 months", api.Age4To6Months: "4-6 months",
	api.Age7To12Months: "7-12 months", api.AgeOlder: "Older",
}

// ageBars lists every age bucket in order, zero when the report lacks it.
func ageBars(cs []api.CountBy) []bar {
	out := make([]bar, len(api.AgeBuckets))
	for i, k := range api.AgeBuckets {
		out[i] = bar{label: ageLabels[k], color: seriesColor(0)}
		for _, c := range cs {
			if c.Key == k {
				out[i].value += float64(c.Count)
			}
		}
	}
	return out
}

// outcomes writes the outcomes chart and the hotlist hits table.
func (r *report) outcomes() {
	r.AddPage()
	r.heading("Outcomes of searches")
	r.font("", 9, muted)
	r.para(4.6, fmt.Sprintf("What searching officers recorded a search as leading to. %s searches have no outcome recorded.",
		formatCount(float64(r.e.NoOutcome))))
	r.Ln(2)
	bars := make([]bar, len(api.SearchOutcomes))
	for i, k := range api.SearchOutcomes {
		bars[i] = bar{label: titleCase(k), color: seriesColor(2)}
		for _, c := range r.e.Outcomes {
			if c.Key == k {
				bars[i].value += float64(c.Count)
			}
		}
	}
	bars = append(bars, bar{label: "Not recorded", value: float64(r.e.NoOutcome), color: rule})
	y := r.GetY()
	r.barChart(margin+14, y, contentW-14, 62, bars)
	r.SetY(y + 68)
	r.subheading("Hotlist hits by list")
	rows := [][]string{}
	for _, c := range r.e.HotlistHits {
		rows = append(rows, []string{titleCase(c.Key), formatCount(float64(c.Count))})
	}
	rows = append(rows, []string{"All lists", formatCount(float64(api.Sum(r.e.HotlistHits)))})
	r.table([]column{{"List", 120, "L"}, {"Hits", 59.9, "R"}}, rows, true, nil)
}

// hits writes the page of hotlist hits per list: verdicts given through
// the alerts, the OCR error rate of hits, stops on hits that were not
// stop-ready (the target is zero), the median time to verification, and
// what officers did.
func (r *report) hits() {
	r.AddPage()
	r.heading("Hotlist hits: verification and outcomes")
	r.font("", 9, muted)
	r.para(4.6, "Each hit counts once, under the latest verdict given through its alert. A hit is stop-ready only when "+
		"a person verified the plate and state against the photo and the vehicle does not contradict the entry; "+
		"stops, arrests and recoveries on hits that were not stop-ready should be zero.")
	r.Ln(2)
	rows := [][]string{}
	for _, h := range r.e.HitsByList {
		rows = append(rows, []string{titleCase(h.List), formatCount(float64(h.Hits)), formatCount(float64(h.Confirmed)),
			formatCount(float64(h.Misread)), formatCount(float64(h.WrongState)), formatCount(float64(h.Unreadable)),
			formatCount(float64(h.Unverified)), fmt.Sprintf("%.1f%%", 100*h.ErrorRate),
			formatCount(float64(h.StopsNotStopReady)), fmt.Sprintf("%.0f", h.MedianMinutesToVerification)})
	}
	r.table([]column{{"List", 30, "L"}, {"Hits", 16, "R"}, {"Confirmed", 19, "R"}, {"Misread", 16, "R"},
		{"Wrong state", 19, "R"}, {"Unreadable", 19, "R"}, {"Unverified", 18, "R"}, {"Error rate", 16, "R"},
		{"Unready stops", 16, "R"}, {"Median min", 10.9, "R"}}, rows, false, func(i int) bool { return r.e.HitsByList[i].StopsNotStopReady > 0 })
	r.Ln(5)
	r.subheading("What officers did about hits")
	out := make([][]string, len(api.OutcomeActions))
	for i, a := range api.OutcomeActions {
		n := 0
		for _, h := range r.e.HitsByList {
			n += h.Outcomes[a]
		}
		out[i] = []string{titleCase(a), formatCount(float64(n))}
	}
	r.table([]column{{"Outcome", 120, "L"}, {"Hits", 59.9, "R"}}, out, false, nil)
}

// users writes the per-user table, most searches first.
func (r *report) users() {
	r.AddPage()
	r.heading("Searches by user")
	r.font("", 9, muted)
	r.para(4.6, "Flagged users are highlighted. "+r.flagRule()+" A flag asks for supervisory review; it is not a finding of misuse.")
	r.Ln(2)
	users := slices.Clone(r.e.Users)
	slices.SortStableFunc(users, func(a, b api.UserSearches) int { return cmp.Compare(b.Searches, a.Searches) })
	rows := make([][]string, len(users))
	for i, u := range users {
		flag := ""
		if u.Flagged {
			flag = "FLAGGED"
		}
		rows[i] = []string{u.Username, u.DisplayName, u.Team, formatCount(float64(u.Searches)), formatCount(float64(u.Refused)), flag}
	}
	r.table([]column{{"User", 32, "L"}, {"Name", 52, "L"}, {"Team", 30, "L"}, {"Searches", 22, "R"}, {"Refused", 20, "R"}, {"", 23.9, "C"}},
		rows, false, func(i int) bool { return users[i].Flagged })
}

// column is a table column: title, width and alignment.
type column struct {
	title string
	w     float64
	align string
}

// table draws a table with a header row repeated on every page; rows for
// which flagged returns true are highlighted, and the last row is bold
// when it is a total.
func (d *doc) table(cols []column, rows [][]string, total bool, flagged func(int) bool) {
	header := func() {
		d.SetX(margin)
		d.font("B", 8.5, rgbWhite)
		d.fill(navy)
		for _, c := range cols {
			d.CellFormat(c.w, 6.5, d.tr(c.title), "", 0, c.align, true, 0, "")
		}
		d.Ln(6.5)
	}
	header()
	for i, row := range rows {
		if d.GetY()+6 > pageH-24 {
			d.AddPage()
			header()
		}
		d.SetX(margin)
		hl := flagged != nil && flagged(i)
		fill := i%2 == 1
		d.fill(shade)
		style, col := "", ink
		if hl {
			d.fill(paleAmb)
			fill, style, col = true, "B", amber
		}
		if total && i == len(rows)-1 {
			style = "B"
		}
		for j, c := range cols {
			d.font(style, 8.5, col)
			d.CellFormat(c.w, 6, d.tr(row[j]), "", 0, c.align, fill, 0, "")
		}
		d.Ln(6)
	}
	d.stroke(rule)
	d.SetLineWidth(0.3)
	d.Line(margin, d.GetY(), pageW-margin, d.GetY())
}
