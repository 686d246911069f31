package ui

import (
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/export"
	"alprdesk/ui/session"
)

// auditPage is the number of audit entries fetched per page.
const auditPage = 100

// maxAuditExport bounds the entries one audit CSV holds.
const maxAuditExport = 100000

// anyChoice is the "no filter" choice of a select.
const anyChoice = "(any)"

// auditActions are the actions offered in the filter.
var auditActions = []string{anyChoice, "search", "photo_view", "verification", "retain", "export", "login", "lockout",
	"hotlist_request", "hotlist_decision", "alert_ack", "audit_sample", "audit_review", "search_outcome", "audit_export",
	"analysis_common_plates", "analysis_convoy", "alert_outcome", "flag_review"}

// AuditView is the supervisor's audit screen: the team's search history
// with filters and paging (an opened entry shows what was searched, by
// whom, why and how many results), the monthly random sample as a review
// queue, the flags the store found ("Needs review"), and the audit CSV
// export.
type AuditView struct {
	m       *MainScreen
	sup     session.SupervisionSession
	content fyne.CanvasObject

	// History.
	User, Team, Report *widget.Entry
	From, To           *widget.Entry
	Category, Action   *widget.Select
	Outcome            *widget.Select
	Apply, More        *widget.Button
	ExportCSV          *widget.Button
	list               *widget.List
	entries            []api.AuditEntry
	next               string
	query              session.AuditQuery
	Detail             *widget.Label
	msg                *widget.Label

	// Review queue.
	Queue *ReviewQueue
	// NeedsReview is the queue of flags the store found in the audit trail.
	NeedsReview *NeedsReview
}

func newAuditView(m *MainScreen) *AuditView {
	v := &AuditView{m: m, sup: supOf(m.sess)}
	v.User, v.Team, v.Report = widget.NewEntry(), widget.NewEntry(), widget.NewEntry()
	v.User.SetPlaceHolder("anyone")
	v.Team.SetPlaceHolder("any")
	v.Team.SetText(m.sess.User().Team)
	v.Report.SetPlaceHolder("any")
	v.From, v.To = widget.NewEntry(), widget.NewEntry()
	v.From.SetPlaceHolder("YYYY-MM-DD")
	v.To.SetPlaceHolder("YYYY-MM-DD")
	cats := append([]string{anyChoice}, m.app.policy.PurposeCategories...)
	v.Category = widget.NewSelect(cats, nil)
	v.Category.SetSelected(anyChoice)
	v.Action = widget.NewSelect(auditActions, nil)
	v.Action.SetSelected("search")
	v.Outcome = widget.NewSelect([]string{anyChoice, api.OutcomeAllowed, api.OutcomeRefused}, nil)
	v.Outcome.SetSelected(anyChoice)
	v.Apply = widget.NewButton("Apply filters", v.onApply)
	v.More = widget.NewButton("Load more", v.onMore)
	v.More.Disable()
	v.ExportCSV = widget.NewButton("Export CSV…", v.onExport)
	v.Detail = widget.NewLabel("Open an entry to see what was searched, by whom, why, and how many results.")
	v.Detail.Wrapping = fyne.TextWrapWord
	v.msg = errorText()
	v.list = widget.NewList(func() int { return len(v.entries) },
		func() fyne.CanvasObject {
			return widget.NewLabel("#000000  2026-11-26 14:02  detective  search  100 results")
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(entryLine(v.entries[i])) })
	v.list.OnSelected = v.Open

	labelled := func(l string, e *widget.Entry) fyne.CanvasObject {
		return container.NewBorder(nil, nil, widget.NewLabel(l), nil, e)
	}
	filters := container.NewGridWithColumns(5, labelled("User", v.User), labelled("Team", v.Team),
		labelled("Report", v.Report), labelled("From", v.From), labelled("To", v.To))
	selects := container.NewHBox(widget.NewLabel("Category"), v.Category, widget.NewLabel("Action"), v.Action,
		widget.NewLabel("Outcome"), v.Outcome, v.Apply, spacer(), v.ExportCSV)
	left := container.NewBorder(nil, container.NewHBox(v.More), nil, nil, v.list)
	split := container.NewHSplit(left, container.NewVScroll(v.Detail))
	split.Offset = 0.55
	history := container.NewBorder(container.NewVBox(filters, selects, v.msg), nil, nil, nil, split)
	v.Queue = newReviewQueue(m, v.sup)
	v.NeedsReview = newNeedsReview(m, v.sup)
	tabs := container.NewAppTabs(container.NewTabItem("Search history", history), container.NewTabItem("Monthly review", v.Queue.content),
		container.NewTabItem("Needs review", v.NeedsReview.content))
	v.content = tabs
	v.onApply()
	v.NeedsReview.Load()
	return v
}

// Entries are the entries loaded so far, newest first.
func (v *AuditView) Entries() []api.AuditEntry { return v.entries }

// Message is the screen's message ("" when none).
func (v *AuditView) Message() string {
	if !v.msg.Visible() {
		return ""
	}
	return v.msg.Text
}

// filter reads the filter fields; a bad date is reported.
func (v *AuditView) filter() (session.AuditQuery, error) {
	q := session.AuditQuery{User: strings.TrimSpace(v.User.Text), Team: strings.TrimSpace(v.Team.Text),
		ReportNumber: strings.TrimSpace(v.Report.Text), Limit: auditPage}
	if c := v.Category.Selected; c != anyChoice && c != "" {
		q.PurposeCategory = c
	}
	if a := v.Action.Selected; a != anyChoice && a != "" {
		q.Action = a
	}
	if o := v.Outcome.Selected; o != anyChoice && o != "" {
		q.Outcome = o
	}
	for _, d := range []struct {
		e    *widget.Entry
		dst  *time.Time
		name string
		add  int
	}{{v.From, &q.From, "From", 0}, {v.To, &q.To, "To", 1}} {
		s := strings.TrimSpace(d.e.Text)
		if s == "" {
			continue
		}
		t, err := time.Parse(time.DateOnly, s)
		if err != nil {
			return q, fmt.Errorf("%s must be a date such as 2026-11-01", d.name)
		}
		*d.dst = t.AddDate(0, 0, d.add).Add(-time.Duration(d.add) * time.Second)
	}
	return q, nil
}

func (v *AuditView) onApply() {
	q, err := v.filter()
	if err != nil {
		setMsg(v.msg, err.Error()+".")
		return
	}
	v.query, v.entries, v.next = q, nil, ""
	v.list.UnselectAll()
	v.list.Refresh()
	v.load()
}

func (v *AuditView) onMore() {
	if v.next != "" {
		v.load()
	}
}

// load fetches the next page off the UI goroutine.
func (v *AuditView) load() {
	q := v.query
	q.Cursor = v.next
	v.Apply.Disable()
	v.More.Disable()
	setMsg(v.msg, "")
	job := v.m.runs.start("audit_view.load", 30*time.Second)
	go func() {
		ctx := job.Context()
		p, err := v.sup.Audit(ctx, q)
		job.apply(func() {
			v.Apply.Enable()
			if err != nil {
				setMsg(v.msg, "The audit trail could not be read: "+Words(err))
				return
			}
			v.entries = append(v.entries, p.Entries...)
			v.next = p.NextCursor
			if v.next != "" {
				v.More.Enable()
			}
			if len(v.entries) == 0 {
				setMsg(v.msg, "No audit entries match these filters.")
			}
			v.list.Refresh()
		})
	}()
}

// Open shows entry i in the detail pane.
func (v *AuditView) Open(i int) {
	if i < 0 || i >= len(v.entries) {
		return
	}
	v.Detail.SetText(entryDetail(v.entries[i]))
}

// onExport asks for the report number and a file, then exports.
func (v *AuditView) onExport() {
	rn := widget.NewEntry()
	rn.SetText(strings.TrimSpace(v.Report.Text))
	rn.SetPlaceHolder("report number of this audit, e.g. 26-012345")
	form := widget.NewForm(widget.NewFormItem("Report number", rn))
	dlg := dialog.NewCustomConfirm("Export the audit trail as CSV", "Export…", "Cancel", form, func(ok bool) {
		if !ok {
			return
		}
		name := export.FileName(api.ExportAuditCSV, rn.Text, v.m.app.cfg.Now())
		saveAs(v.m.app.win, name, ".csv", func(path string) { v.ExportFile(path, rn.Text, nil) })
	}, v.m.app.win)
	dlg.Show()
}

// ExportFile fetches every entry matching the filters, records the export
// with the store (POST /v1/exports, kind audit_csv) and only then writes
// the CSV to path.
func (v *AuditView) ExportFile(path, reportNumber string, done func(error)) {
	q, err := v.filter()
	v.ExportCSV.Disable()
	job, sup, sess, rn := v.m.runs.startEach("audit_view.export", 5*time.Minute), v.sup, v.m.sess, strings.TrimSpace(reportNumber)
	go func() {
		var n int
		if err == nil {
			n, err = auditExport(job.Context(), sup, sess, path, rn, q)
		}
		job.apply(func() {
			v.ExportCSV.Enable()
			if err != nil {
				setMsg(v.msg, "The audit trail was not exported: "+Words(err))
			} else {
				setSuccess(v.msg, fmt.Sprintf("Exported %s to %s; the export is recorded in the audit trail.", count(n, "entry", "entries"), path))
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// auditExport reads every entry matching q, records the export and writes
// the CSV (off the UI goroutine: it reads no view state).
func auditExport(ctx context.Context, sup session.SupervisionSession, sess session.Session, path, rn string, q session.AuditQuery) (int, error) {
	var all []api.AuditEntry
	q.Limit = 500
	for {
		p, err := sup.Audit(ctx, q)
		if err != nil {
			return 0, err
		}
		all = append(all, p.Entries...)
		if p.NextCursor == "" {
			break
		}
		if len(all) >= maxAuditExport {
			return 0, inputErrorf("More than %d entries match; narrow the filters.", maxAuditExport)
		}
		q.Cursor = p.NextCursor
	}
	if _, err := sess.Export(ctx, api.ExportRequest{Kind: api.ExportAuditCSV, ReportNumber: rn}); err != nil {
		return 0, err
	}
	return len(all), writeFile(path, func(w io.Writer) error { return export.AuditCSV(w, all) })
}

// ReviewQueue is the monthly random audit: draw the month's sample, then
// give each sampled search a verdict and a note.
type ReviewQueue struct {
	m       *MainScreen
	sup     session.SupervisionSession
	content fyne.CanvasObject

	Month, Size *widget.Entry
	Draw        *widget.Button
	Head        *widget.Label
	list        *widget.List
	sample      *api.AuditSample
	reviews     map[int64]api.AuditReview
	selected    int
	Detail      *widget.Label
	Verdict     *widget.RadioGroup
	Note        *TextArea
	Record      *widget.Button
	msg         *widget.Label
}

// verdictLabels pairs the verdicts with their labels.
var verdictLabels = map[string]string{api.ReviewCompliant: "Compliant", api.ReviewNonCompliant: "Non-compliant",
	api.ReviewNeedsFollowUp: "Needs follow-up"}

func newReviewQueue(m *MainScreen, sup session.SupervisionSession) *ReviewQueue {
	q := &ReviewQueue{m: m, sup: sup, selected: -1, reviews: map[int64]api.AuditReview{}}
	q.Month, q.Size = widget.NewEntry(), widget.NewEntry()
	q.Month.SetText(m.app.cfg.Now().UTC().Format("2006-01"))
	q.Size.SetText("20")
	q.Draw = widget.NewButton("Draw sample", q.onDraw)
	q.Head = widget.NewLabel("")
	q.Head.Wrapping = fyne.TextWrapBreak
	q.Detail = widget.NewLabel("Draw the month's sample, then open an entry to review it.")
	q.Detail.Wrapping = fyne.TextWrapWord
	q.Verdict = widget.NewRadioGroup([]string{verdictLabels[api.ReviewCompliant], verdictLabels[api.ReviewNonCompliant],
		verdictLabels[api.ReviewNeedsFollowUp]}, nil)
	q.Note = newTextArea()
	q.Note.SetPlaceHolder("Note (required unless compliant)")
	q.Record = widget.NewButton("Record review", q.onRecord)
	q.Record.Disable()
	q.msg = errorText()
	q.list = widget.NewList(func() int { return q.count() },
		func() fyne.CanvasObject {
			return widget.NewLabel("#000000  2026-11-26 14:02  detective  search  · Needs follow-up")
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(q.line(i)) })
	q.list.OnSelected = q.Open
	top := container.NewHBox(widget.NewLabel("Month"), fixedWidth(q.Month, 90), widget.NewLabel("Size"), fixedWidth(q.Size, 60), q.Draw)
	review := container.NewBorder(nil, container.NewVBox(q.Verdict, q.Note, q.Record), nil, nil, container.NewVScroll(q.Detail))
	split := container.NewHSplit(q.list, review)
	split.Offset = 0.5
	// Tab goes month, size, Draw sample, then the sample and its review.
	q.content = readingBorder(container.NewVBox(top, q.Head, q.msg), nil, nil, nil, split)
	return q
}

func (q *ReviewQueue) count() int {
	if q.sample == nil {
		return 0
	}
	return len(q.sample.Entries)
}

// line is a sampled entry with its review state.
func (q *ReviewQueue) line(i int) string {
	e := q.sample.Entries[i]
	s := entryLine(e)
	if r, ok := q.reviews[e.Seq]; ok {
		return s + "  · reviewed: " + verdictLabels[r.Verdict]
	}
	return s + "  · to review"
}

// Sample is the drawn sample (nil before a draw).
func (q *ReviewQueue) Sample() *api.AuditSample { return q.sample }

// Reviewed returns the latest review of an entry, if any.
func (q *ReviewQueue) Reviewed(seq int64) (api.AuditReview, bool) {
	r, ok := q.reviews[seq]
	return r, ok
}

// Message is the queue's message ("" when none).
func (q *ReviewQueue) Message() string {
	if !q.msg.Visible() {
		return ""
	}
	return q.msg.Text
}

func (q *ReviewQueue) onDraw() {
	month := strings.TrimSpace(q.Month.Text)
	size, err := strconv.Atoi(strings.TrimSpace(q.Size.Text))
	if err != nil || size < 1 || size > api.MaxAuditSample {
		setMsg(q.msg, fmt.Sprintf("The size must be a number from 1 to %d.", api.MaxAuditSample))
		return
	}
	q.Draw.Disable()
	setMsg(q.msg, "")
	job := q.m.runs.start("audit_view.onDraw", 30*time.Second)
	go func() {
		ctx := job.Context()
		s, err := q.sup.AuditSample(ctx, month, size)
		var revs []api.AuditReview
		if err == nil {
			revs, err = q.sup.AuditReviews(ctx, month)
		}
		job.apply(func() {
			q.Draw.Enable()
			if err != nil {
				setMsg(q.msg, "The sample could not be drawn: "+Words(err))
				return
			}
			q.sample, q.selected = s, -1
			q.reviews = map[int64]api.AuditReview{}
			for _, r := range revs {
				q.reviews[r.Seq] = r
			}
			q.Head.SetText(fmt.Sprintf("%s: %s of the month drawn. Chain head at the draw: #%d %s (recorded in the audit trail).",
				s.Month, count(len(s.Entries), "search", "searches"), s.Head.Seq, s.Head.Hash))
			if len(s.Entries) == 0 {
				setMsg(q.msg, "There were no searches in "+s.Month+".")
			}
			q.list.UnselectAll()
			q.list.Refresh()
			q.Record.Disable()
		})
	}()
}

// Open shows sampled entry i for review.
func (q *ReviewQueue) Open(i int) {
	if q.sample == nil || i < 0 || i >= len(q.sample.Entries) {
		return
	}
	q.selected = i
	e := q.sample.Entries[i]
	text := entryDetail(e)
	if r, ok := q.reviews[e.Seq]; ok {
		text += fmt.Sprintf("\n\nReviewed by %s on %s: %s. %s", r.Reviewer, r.At.UTC().Format("2006-01-02"), verdictLabels[r.Verdict], r.Note)
	}
	q.Detail.SetText(text)
	q.Record.Enable()
}

// reviewInput reads a review's verdict and note from the form; missing
// says what the reviewer still has to give ("" when the review is complete).
func reviewInput(verdicts *widget.RadioGroup, noteEntry *TextArea) (verdict, note, missing string) {
	verdict, note = verdictOf(verdicts.Selected), strings.TrimSpace(noteEntry.Text)
	switch {
	case verdict == "":
		missing = "Choose a verdict: compliant, non-compliant or needs follow-up."
	case verdict != api.ReviewCompliant && len(note) < 10:
		missing = "Say in the note (at least 10 characters) what is wrong or what to follow up."
	}
	return verdict, note, missing
}

// verdictOf turns the radio label into a verdict.
func verdictOf(label string) string {
	for k, v := range verdictLabels {
		if v == label {
			return k
		}
	}
	return ""
}

func (q *ReviewQueue) onRecord() {
	if q.sample == nil || q.selected < 0 {
		return
	}
	verdict, note, missing := reviewInput(q.Verdict, q.Note)
	if missing != "" {
		setMsg(q.msg, missing)
		return
	}
	e := q.sample.Entries[q.selected]
	q.Record.Disable()
	setMsg(q.msg, "")
	job := q.m.runs.startEach("audit_view.onRecord", 30*time.Second)
	go func() {
		ctx := job.Context()
		r, err := q.sup.ReviewAudit(ctx, api.AuditReviewRequest{Seq: e.Seq, Verdict: verdict, Note: note})
		job.apply(func() {
			q.Record.Enable()
			if err != nil {
				setMsg(q.msg, "The review was not recorded: "+Words(err))
				return
			}
			q.reviews[r.Seq] = *r
			q.Note.SetText("")
			q.Verdict.SetSelected("")
			q.list.Refresh()
			q.Open(q.selected)
		})
	}()
}
