package ui

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/export"
	"alprdesk/ui/session"
)

// EfficacyView is the supervisor's efficacy dashboard: the figures of
// GET /v1/reports/efficacy as charts drawn on the canvas, and the efficacy
// report PDF for the annual surveillance report.
type EfficacyView struct {
	d       Deps // the session, runs, window, clock and demo mark: no MainScreen
	sup     session.SupervisionSession
	content fyne.CanvasObject

	From, To  *widget.Entry
	Load      *widget.Button
	ExportPDF *widget.Button
	// SaveReport saves the public transparency report of the period.
	SaveReport *widget.Button
	Summary    *widget.Label
	ocr, rule  *widget.Label
	charts     *fyne.Container
	msg        *widget.Label
	figures    *api.Efficacy
}

func newEfficacyView(d Deps) *EfficacyView {
	v := &EfficacyView{d: d, sup: supOf(d.Session)}
	now := d.Now().UTC()
	v.From, v.To = widget.NewEntry(), widget.NewEntry()
	v.From.SetText(now.AddDate(-1, 0, 1).Format(time.DateOnly))
	v.To.SetText(now.Format(time.DateOnly))
	v.Load = widget.NewButton("Show figures", v.onLoad)
	v.ExportPDF = widget.NewButton("Export report PDF…", v.onExport)
	v.ExportPDF.Disable()
	v.SaveReport = widget.NewButton("Save transparency report…", v.onSaveTransparency)
	v.Summary, v.ocr, v.rule = widget.NewLabel(""), widget.NewLabel(""), widget.NewLabel("")
	v.ocr.Truncation, v.rule.Truncation = fyne.TextTruncateEllipsis, fyne.TextTruncateEllipsis
	v.msg = errorText()
	v.charts = container.NewVBox()
	top := container.NewHBox(widget.NewLabel("From"), fixedWidth(v.From, 120), widget.NewLabel("to (inclusive)"),
		fixedWidth(v.To, 120), v.Load, spacer(), v.SaveReport, v.ExportPDF)
	v.content = container.NewBorder(container.NewVBox(top, v.msg, v.Summary, v.ocr, v.rule), nil, nil, nil, container.NewVScroll(v.charts))
	v.onLoad()
	return v
}

// Figures are the figures shown (nil before they load).
func (v *EfficacyView) Figures() *api.Efficacy { return v.figures }

// Message is the dashboard's message ("" when none).
func (v *EfficacyView) Message() string {
	if !v.msg.Visible() {
		return ""
	}
	return v.msg.Text
}

// period reads the dates: [from, to+1 day).
func (v *EfficacyView) period() (time.Time, time.Time, error) {
	from, err := time.Parse(time.DateOnly, strings.TrimSpace(v.From.Text))
	if err != nil {
		return from, from, fmt.Errorf("the start must be a date such as 2026-01-01")
	}
	to, err := time.Parse(time.DateOnly, strings.TrimSpace(v.To.Text))
	if err != nil {
		return from, to, fmt.Errorf("the end must be a date such as 2026-12-31")
	}
	to = to.AddDate(0, 0, 1)
	if !from.Before(to) {
		return from, to, fmt.Errorf("the start must come before the end")
	}
	return from, to, nil
}

func (v *EfficacyView) onLoad() {
	from, to, err := v.period()
	if err != nil {
		setMsg(v.msg, strings.ToUpper(err.Error()[:1])+err.Error()[1:]+".")
		return
	}
	v.Load.Disable()
	setMsg(v.msg, "")
	job := v.d.Runs.start("efficacy_view.onLoad", 60*time.Second)
	go func() {
		ctx := job.Context()
		e, err := v.sup.Efficacy(ctx, from, to)
		job.apply(func() {
			v.Load.Enable()
			if err != nil {
				setMsg(v.msg, "The figures could not be read: "+Words(err))
				return
			}
			v.show(e)
		})
	}()
}

// show draws the figures.
func (v *EfficacyView) show(e *api.Efficacy) {
	v.figures = e
	v.ExportPDF.Enable()
	total, refused := 0, 0
	for _, c := range e.SearchesByMonth {
		total += c.Count
	}
	for _, c := range e.Refusals {
		refused += c.Count
	}
	vf := e.Verification
	v.Summary.SetText(fmt.Sprintf("%s to %s: %s allowed, %s refused.", e.From.Format(time.DateOnly),
		e.To.Add(-time.Second).Format(time.DateOnly), count(total, "search", "searches"), count(refused, "search", "searches")))
	v.ocr.SetText(fmt.Sprintf("OCR error rate measured by human verification: %.1f%% (%d confirmed, %d misread, %d wrong state, "+
		"%d unreadable, %d unverified).", vf.OCRErrorRate*100, vf.Confirmed, vf.Misread, vf.WrongState, vf.Unreadable, vf.Unverified))
	v.rule.SetText(e.FlagRule)
	v.charts.Objects = []fyne.CanvasObject{
		container.NewGridWithColumns(2,
			barChart("Searches by month", monthBars(e)),
			barChart("Searches by purpose category", categoryBars(e))),
		container.NewGridWithColumns(2,
			barChart("Refused searches by reason", countBars(e.Refusals, nil)),
			pieChart("Human verification of OCR", []chartBar{{"Confirmed", vf.Confirmed}, {"Misread", vf.Misread},
				{"Wrong state", vf.WrongState}, {"Unreadable", vf.Unreadable}, {"Unverified", vf.Unverified}})),
		container.NewGridWithColumns(2,
			barChart("Age of the data at the time of the search", countBars(e.DataAge, ageLabels)),
			pieChart("What searches led to", append(countBars(e.Outcomes, outcomeLabels), chartBar{"Not marked", e.NoOutcome}))),
		barChart("Hotlist hits by list", countBars(e.HotlistHits, nil)),
		hitsTable(e),
		v.usersTable(e),
	}
	v.charts.Refresh()
}

// ageLabels and outcomeLabels name the keys of the breakdowns.
var (
	ageLabels = map[string]string{api.AgeUnder1Month: "Under 1 month", api.Age1To3Months: "1–3 months",
		api.Age4To6Months: "4–6 months", api.Age7To12Months: "7–12 months", api.AgeOlder: "Older"}
	outcomeLabels = map[string]string{api.LedToLead: "Lead", api.LedToArrest: "Arrest", api.LedToVehicleRecovered: "Vehicle recovered",
		api.LedToPersonLocated: "Person located", api.LedToNone: "Nothing"}
)

func countBars(cs []api.CountBy, labels map[string]string) []chartBar {
	out := make([]chartBar, len(cs))
	for i, c := range cs {
		l := labels[c.Key]
		if l == "" {
			l = categoryLabel(c.Key)
		}
		out[i] = chartBar{l, c.Count}
	}
	return out
}

func monthBars(e *api.Efficacy) []chartBar {
	by := map[string]int{}
	for _, c := range e.SearchesByMonth {
		by[c.Month] += c.Count
	}
	var out []chartBar
	for m := time.Date(e.From.Year(), e.From.Month(), 1, 0, 0, 0, 0, time.UTC); m.Before(e.To); m = m.AddDate(0, 1, 0) {
		k := m.Format("2006-01")
		out = append(out, chartBar{k, by[k]})
	}
	return out
}

func categoryBars(e *api.Efficacy) []chartBar {
	by := map[string]int{}
	for _, c := range e.SearchesByMonth {
		by[c.Category] += c.Count
	}
	var out []chartBar
	for k, n := range by {
		out = append(out, chartBar{categoryLabel(k), n})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Value > out[j].Value || out[i].Value == out[j].Value && out[i].Label < out[j].Label
	})
	return out
}

// hitsTable lists, per list, the hits with their verdicts, the OCR error
// rate of hits, stops on hits that were not stop-ready and the median
// minutes to verification.
func hitsTable(e *api.Efficacy) fyne.CanvasObject {
	box := container.NewVBox(widget.NewLabelWithStyle("Hotlist hits: verification and outcomes", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	for _, h := range e.HitsByList {
		l := widget.NewLabel(fmt.Sprintf("%s: %s; %d confirmed, %d misread, %d wrong state, %d unreadable, %d unverified; "+
			"error rate %.1f%%; median %.0f min to verification; %s on hits that were not stop-ready",
			categoryLabel(h.List), count(h.Hits, "hit", "hits"), h.Confirmed, h.Misread, h.WrongState, h.Unreadable, h.Unverified,
			100*h.ErrorRate, h.MedianMinutesToVerification, count(h.StopsNotStopReady, "stop", "stops")))
		l.Wrapping = fyne.TextWrapWord
		if h.StopsNotStopReady > 0 {
			l.Importance = widget.WarningImportance
		}
		box.Add(l)
	}
	return box
}

// usersTable lists per-user counts, flagged users marked.
func (v *EfficacyView) usersTable(e *api.Efficacy) fyne.CanvasObject {
	box := container.NewVBox(widget.NewLabelWithStyle("Searches per user", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}))
	if len(e.Users) == 0 {
		box.Add(widget.NewLabel("Nobody searched in this period."))
	}
	for _, u := range e.Users {
		l := widget.NewLabel(fmt.Sprintf("%s (%s, team %s): %s allowed, %d refused", u.DisplayName, u.Username, orNone(u.Team),
			count(u.Searches, "search", "searches"), u.Refused))
		if u.Flagged {
			l.SetText(l.Text + "  — far above peers: review")
			l.Importance = widget.WarningImportance
		}
		box.Add(l)
	}
	return box
}

func (v *EfficacyView) onExport() {
	if v.figures == nil {
		return
	}
	rn := widget.NewEntry()
	rn.SetPlaceHolder("report number of this report, e.g. 26-012345")
	form := widget.NewForm(widget.NewFormItem("Report number", rn))
	d := dialogConfirm("Export the efficacy report", form, func() {
		label := v.figures.From.Format("200601") + "-" + v.figures.To.Add(-time.Second).Format("200601")
		saveAs(v.d.Window, export.FileName(api.ExportEfficacyPDF, label, v.d.Now()), ".pdf",
			func(path string) { v.ExportFile(path, rn.Text, nil) })
	}, v.d.Window)
	d.Show()
}

// ExportFile records the export with the store (POST /v1/exports, kind
// efficacy_pdf) and only then writes the report PDF of the figures shown.
func (v *EfficacyView) ExportFile(path, reportNumber string, done func(error)) {
	e := v.figures
	v.ExportPDF.Disable()
	meta := export.ReportMeta{PreparedBy: examiner(v.d.Session.User()), Generated: v.d.Now(),
		Store: v.d.Session.StoreHost(), Demo: v.d.Demo}
	job, sess, rn := v.d.Runs.startEach("efficacy_view.export", 30*time.Second), v.d.Session, strings.TrimSpace(reportNumber)
	go func() {
		err := error(nil)
		if e == nil {
			err = inputError("No figures are shown yet; load them first.")
		}
		if err == nil {
			var r *api.ExportResponse
			r, err = sess.Export(job.Context(), api.ExportRequest{Kind: api.ExportEfficacyPDF, ReportNumber: rn})
			if err == nil {
				meta.ExportID = r.ExportID
				err = writeFile(path, func(w io.Writer) error { return export.EfficacyPDF(w, *e, meta) })
			}
		}
		job.apply(func() {
			v.ExportPDF.Enable()
			if err != nil {
				setMsg(v.msg, "The report was not exported: "+Words(err))
			} else {
				setSuccess(v.msg, "Exported to "+path+"; the export is recorded in the audit trail.")
			}
			if done != nil {
				done(err)
			}
		})
	}()
}
