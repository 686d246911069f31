package transparency

import (
	"cmp"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
)

// Row is one figure of a table: a label, the figure's JSON path in
// transparency.json (dotted, e.g. "searches.by_category.robbery") and its
// value.
type Row struct {
	Label string
	Path  string
	Value float64
	// Rate shows the value as a percentage.
	Rate bool
}

// Text is the value as shown: a count with thousands separators, or a
// percentage with one decimal.
func (r Row) Text() string {
	if r.Rate {
		return strconv.FormatFloat(100*r.Value, 'f', 1, 64) + "%"
	}
	return FormatCount(int(r.Value))
}

// Raw is the value as transparency.json holds it.
func (r Row) Raw() string { return strconv.FormatFloat(r.Value, 'f', -1, 64) }

// Section is a part of the page: a heading, a sentence saying what it
// counts, its rows, and whether to draw them as a bar chart.
type Section struct {
	Title string
	About string
	Rows  []Row
	Chart bool
}

// Bars lays out the section's bar chart: one bar per row, scaled to the
// largest value.
func (s Section) Bars() []Bar {
	top := 0.0
	for _, r := range s.Rows {
		top = max(top, r.Value)
	}
	out := make([]Bar, len(s.Rows))
	for i, r := range s.Rows {
		w := 0.0
		if top > 0 {
			w = barMax * r.Value / top
		}
		out[i] = Bar{Row: r, Y: 6 + i*28, Width: w, ValueX: 100 + w}
	}
	return out
}

// Height is the bar chart's height in SVG units.
func (s Section) Height() int { return 12 + 28*len(s.Rows) }

// barMax is the widest bar in SVG units: labels take the first 98 of the
// chart's 200, values follow the bar.
const barMax = 70

// Bar is one bar of a chart (SVG units: the bar is 0..barMax wide).
type Bar struct {
	Row
	Y      int
	Width  float64
	ValueX float64
}

// FormatCount writes n with thousands separators: 1234567 -> "1,234,567".
func FormatCount(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// words turns a key ("stolen_vehicles", "purpose_too_vague") into words
// with a capital ("Stolen vehicles").
func words(key string) string {
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return "(none)"
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// mapRows lists a breakdown largest first (then by key), or every key of
// order (zero counts too) when order is given.
func mapRows(prefix string, m map[string]int, order []string) []Row {
	keys := order
	if keys == nil {
		for k := range m {
			keys = append(keys, k)
		}
		slices.SortFunc(keys, func(a, b string) int { return cmp.Or(m[b]-m[a], cmp.Compare(a, b)) })
	}
	out := make([]Row, 0, len(keys))
	for _, k := range keys {
		out = append(out, Row{Label: words(k), Path: prefix + "." + k, Value: float64(m[k])})
	}
	return out
}

// lists are the hotlist lists in report order.
var lists = []string{api.ListAlert, api.ListCovert, api.ListFelonyWants, api.ListStolenPlates, api.ListStolenVehicles}

// Sections lays out the report's figures. Every number of
// transparency.json appears in exactly one row.
func Sections(t api.Transparency) []Section {
	byList := map[string]int{}
	for _, l := range lists {
		byList[l] = t.Hits.ByList[l]
	}
	for l, n := range t.Hits.ByList {
		byList[l] = n
	}
	outcomes := map[string]int{}
	for _, a := range api.OutcomeActions {
		outcomes[a] = t.Hits.Outcomes[a]
	}
	for a, n := range t.Hits.Outcomes {
		outcomes[a] = n
	}
	return []Section{
		{Title: "At a glance", About: "The network and what it collected in the period.", Rows: []Row{
			{Label: "Cameras", Path: "cameras", Value: float64(t.Cameras)},
			{Label: "Days a read is kept (unless retained for a case)", Path: "retention_days", Value: float64(t.RetentionDays)},
			{Label: "Plate reads collected", Path: "reads_collected", Value: float64(t.ReadsCollected)},
			{Label: "Searches allowed", Path: "searches.allowed", Value: float64(t.Searches.Allowed)},
			{Label: "Searches refused", Path: "searches.refused", Value: float64(t.Searches.Refused)},
			{Label: "Measured OCR misread rate of verified hits", Path: "ocr_error_rate", Value: t.OCRErrorRate, Rate: true},
		}},
		{Title: "Searches by purpose", About: "Allowed searches by the purpose category the searching officer gave.",
			Rows: mapRows("searches.by_category", t.Searches.ByCategory, nil), Chart: true},
		{Title: "Refused searches by reason", About: "Searches the store refused, by the rule that refused them.",
			Rows: mapRows("searches.refused_by_reason", t.Searches.RefusedByReason, nil), Chart: true},
		{Title: "Analyses", About: "Analyses across many reads, run and refused.", Rows: []Row{
			{Label: "Common plates at several scenes", Path: "analyses.common_plates", Value: float64(t.Analyses.CommonPlates)},
			{Label: "Vehicles travelling together (convoy)", Path: "analyses.convoy", Value: float64(t.Analyses.Convoy)},
			{Label: "Analyses refused", Path: "analyses.refused", Value: float64(t.Analyses.Refused)},
		}},
		{Title: "Hotlists", About: "Requests to add a plate to a hotlist, and their fate.", Rows: []Row{
			{Label: "Requests", Path: "hotlists.requests", Value: float64(t.Hotlists.Requests)},
			{Label: "Approved", Path: "hotlists.approved", Value: float64(t.Hotlists.Approved)},
			{Label: "Denied", Path: "hotlists.denied", Value: float64(t.Hotlists.Denied)},
			{Label: "Removed before they expired", Path: "hotlists.removed_early", Value: float64(t.Hotlists.RemovedEarly)},
		}},
		{Title: "Hotlist hits by list", About: "Reads that matched a hotlist entry.",
			Rows: mapRows("hits.by_list", byList, slices.Sorted(maps.Keys(byList))), Chart: true},
		{Title: "How hits were verified", About: "Each hit counts once, under the latest verdict an officer gave after comparing the photo with the entry.",
			Rows: []Row{
				{Label: "Confirmed", Path: "hits.confirmed", Value: float64(t.Hits.Confirmed)},
				{Label: "Misread by the camera", Path: "hits.misread", Value: float64(t.Hits.Misread)},
				{Label: "Wrong state", Path: "hits.wrong_state", Value: float64(t.Hits.WrongState)},
				{Label: "Photo unreadable", Path: "hits.unreadable", Value: float64(t.Hits.Unreadable)},
				{Label: "Not verified", Path: "hits.unverified", Value: float64(t.Hits.Unverified)},
			}, Chart: true},
		{Title: "What officers did about hits", About: "Outcomes officers recorded on hits.",
			Rows: mapRows("hits.outcomes", outcomes, slices.Sorted(maps.Keys(outcomes))), Chart: true},
		{Title: "Supervision", About: "Audits of the system's use by supervisors.", Rows: []Row{
			{Label: "Monthly audit samples drawn", Path: "audits.samples", Value: float64(t.Audits.Samples)},
			{Label: "Audit entries and flags reviewed", Path: "audits.reviews", Value: float64(t.Audits.Reviews)},
			{Label: "Reviews that found a use non-compliant", Path: "audits.non_compliant", Value: float64(t.Audits.NonCompliant)},
		}},
	}
}

// page is what the HTML template renders.
type page struct {
	T         api.Transparency
	From, To  string
	FromRaw   string
	ToRaw     string
	Sections  []Section
	Generated string
}

// periodText shows [from, to) as inclusive dates.
func periodText(from, to time.Time) (string, string) {
	last := to.UTC()
	if last.After(from) {
		last = last.Add(-time.Nanosecond)
	}
	return from.UTC().Format("2 January 2006"), last.Format("2 January 2006")
}

// WriteHTML writes the self-contained report page.
func WriteHTML(w io.Writer, t api.Transparency) error {
	p := page{T: t, Sections: Sections(t), FromRaw: t.From.UTC().Format(time.RFC3339), ToRaw: t.To.UTC().Format(time.RFC3339)}
	p.From, p.To = periodText(t.From, t.To)
	return pageTemplate.Execute(w, p)
}

// WriteDir writes transparency.json and index.html into dir (created when
// missing), each through a temporary file so that a failure leaves no
// half-written report.
func WriteDir(dir string, t api.Transparency) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(t, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, "transparency.json"), func(w io.Writer) error {
		_, err := w.Write(append(b, '\n'))
		return err
	}); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, "index.html"), func(w io.Writer) error { return WriteHTML(w, t) })
}

// writeFile writes path through a temporary file in its folder.
func writeFile(path string, fill func(io.Writer) error) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".transparency-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if err := fill(f); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Chmod(f.Name(), 0o644); err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// pageTemplate is the report page: system fonts, inline CSS and SVG only.
var pageTemplate = template.Must(template.New("page").Parse(`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>ALPR transparency report, {{.From}} to {{.To}}</title>
<style>
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1b1f24; background: #fff; line-height: 1.45; }
main { max-width: 52rem; margin: 0 auto; padding: 1rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.2rem; margin: 1.8rem 0 0.3rem; border-bottom: 2px solid #1f4e79; padding-bottom: 0.2rem; }
p.about { color: #4a5560; margin: 0.2rem 0 0.6rem; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
td { padding: 0.35rem 0.4rem; border-bottom: 1px solid #dde3e8; vertical-align: top; }
td.n { text-align: right; white-space: nowrap; font-weight: 600; }
svg { width: 100%; height: auto; display: block; margin: 0.4rem 0; }
svg text { font-size: 8px; fill: #1b1f24; }
.chain { font-family: ui-monospace, Menlo, Consolas, monospace; word-break: break-all; font-size: 0.85rem; }
.empty { color: #4a5560; font-style: italic; }
footer { color: #4a5560; font-size: 0.85rem; margin-top: 2rem; }
@media print {
  main { max-width: none; padding: 0; }
  h2 { break-after: avoid; }
  section { break-inside: avoid; }
  svg rect { print-color-adjust: exact; -webkit-print-color-adjust: exact; }
}
</style>
</head>
<body>
<main>
<header>
<h1>Automated licence plate reader (ALPR) transparency report</h1>
<p>Period: <time data-figure="from" data-value="{{.FromRaw}}">{{.From}}</time> to <time data-figure="to" data-value="{{.ToRaw}}">{{.To}}</time> (inclusive; days in UTC).</p>
<p class="about">These figures are counted by the ALPR store as things happen and are kept after the reads themselves are deleted. They name no officer, no vehicle, no plate and no case.</p>
</header>
{{range .Sections}}
<section>
<h2>{{.Title}}</h2>
<p class="about">{{.About}}</p>
{{if and .Chart .Rows}}
<svg viewBox="0 0 200 {{.Height}}" role="img" aria-label="{{.Title}}">
{{range .Bars}}<text x="0" y="{{.Y}}" dy="10">{{.Label}}</text>
<rect x="98" y="{{.Y}}" width="{{printf "%.2f" .Width}}" height="14" fill="#1f4e79"></rect>
<text x="{{printf "%.2f" .ValueX}}" y="{{.Y}}" dy="10">{{.Text}}</text>
{{end}}</svg>
{{end}}
{{if .Rows}}
<table>
{{range .Rows}}<tr><td>{{.Label}}</td><td class="n" data-figure="{{.Path}}" data-value="{{.Raw}}">{{.Text}}</td></tr>
{{end}}</table>
{{else}}<p class="empty">None in this period.</p>{{end}}
</section>
{{end}}
<section>
<h2>Checking these figures</h2>
<p class="about">The store keeps a hash-chained audit trail of every use. This report was drawn from the chain up to the entry below; anyone holding an export of the audit trail can check that it is intact up to that entry with <code>alprstore audit verify --head SEQ:HASH FILE</code>.</p>
<table>
<tr><td>Last audit entry of the period</td><td class="n" data-figure="chain_head.seq" data-value="{{.T.ChainHead.Seq}}">{{.T.ChainHead.Seq}}</td></tr>
<tr><td>Its hash (SHA-256)</td><td class="chain" data-figure="chain_head.hash" data-value="{{.T.ChainHead.Hash}}">{{.T.ChainHead.Hash}}</td></tr>
</table>
</section>
<footer>
<p>Definitions: the OCR misread rate is (misread + wrong state) / (confirmed + misread + wrong state) among hits an officer verified. A hit counts on the day it was raised; a search on the day it was made.</p>
</footer>
</main>
</body>
</html>
`))
