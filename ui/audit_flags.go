package ui

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// flagKindWords names the flag kinds.
var flagKindWords = map[string]string{
	api.FlagRepeatPlate: "Same plate, several cases", api.FlagReusedJustification: "Reused justification",
	api.FlagUnverifiedStop: "Stop on an unverified hit", api.FlagAfterHours: "After hours",
	api.FlagVolume: "Search volume", api.FlagConvoy: "Convoy analysis",
}

// maxFlagPages bounds the audit pages read to open one flag's entries.
const maxFlagPages = 20

// NeedsReview is the supervisor's "Needs review" tab: the patterns the
// store found in the audit chain, newest first; opening a flag shows the
// explanation and the entries it rests on, and takes a review of its own.
type NeedsReview struct {
	m       *MainScreen
	fs      session.FlagSession
	sup     session.SupervisionSession
	content fyne.CanvasObject

	Reload  *widget.Button
	list    *widget.List
	flags   []api.AuditFlag
	sel     int
	Detail  *widget.Label
	Verdict *widget.RadioGroup
	Note    *TextArea
	Record  *widget.Button
	msg     *widget.Label
	// run counts loads, so that an older answer is dropped.
	run int
}

func newNeedsReview(m *MainScreen, sup session.SupervisionSession) *NeedsReview {
	q := &NeedsReview{m: m, sup: sup, sel: -1, msg: errorText()}
	q.fs, _ = m.sess.(session.FlagSession)
	q.Reload = widget.NewButton("Reload", q.Load)
	q.Detail = widget.NewLabel("Open a flag to see why it was raised and the audit entries it rests on.")
	q.Detail.Wrapping = fyne.TextWrapWord
	q.Verdict = widget.NewRadioGroup([]string{verdictLabels[api.ReviewCompliant], verdictLabels[api.ReviewNonCompliant],
		verdictLabels[api.ReviewNeedsFollowUp]}, nil)
	q.Note = newTextArea()
	q.Note.SetPlaceHolder("Note (required unless compliant)")
	q.Record = widget.NewButton("Record review", q.onRecord)
	q.Record.Disable()
	q.list = widget.NewList(func() int { return len(q.flags) },
		func() fyne.CanvasObject {
			return widget.NewLabel("2026-11-26 14:02  Stop on an unverified hit  watch_commander  · to review")
		},
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(FlagLine(q.flags[i])) })
	q.list.OnSelected = q.Open
	review := container.NewBorder(nil, container.NewVBox(q.Verdict, q.Note, q.Record), nil, nil, container.NewVScroll(q.Detail))
	split := container.NewHSplit(q.list, review)
	split.Offset = 0.45
	head := widget.NewLabel("Patterns in the audit trail of the last 30 days that a person should look at. A flag proves nothing by itself.")
	head.Wrapping = fyne.TextWrapWord
	q.content = container.NewBorder(container.NewVBox(container.NewBorder(nil, nil, nil, q.Reload, head), q.msg), nil, nil, nil, split)
	return q
}

// FlagLine is a flag in the list.
func FlagLine(f api.AuditFlag) string {
	state := "· to review"
	if f.Review != nil {
		state = "· reviewed: " + verdictLabels[f.Review.Verdict]
	}
	return fmt.Sprintf("%s  %s  %s  %s", f.At.Local().Format("2006-01-02 15:04"), flagKindWords[f.Kind], f.Username, state)
}

// Flags are the flags on show, newest first.
func (q *NeedsReview) Flags() []api.AuditFlag { return q.flags }

// Message is the tab's message ("" when none).
func (q *NeedsReview) Message() string {
	if !q.msg.Visible() {
		return ""
	}
	return q.msg.Text
}

// Load fetches the last 30 days' flags.
func (q *NeedsReview) Load() {
	if q.fs == nil {
		setMsg(q.msg, "This session cannot read the review queue.")
		return
	}
	q.run++
	run := q.run
	q.Reload.Disable()
	job := q.m.runs.start("audit_flags.Load", 60*time.Second)
	go func() {
		ctx := job.Context()
		flags, err := q.fs.AuditFlags(ctx, time.Time{}, time.Time{})
		job.apply(func() {
			if run != q.run {
				return
			}
			q.Reload.Enable()
			if err != nil {
				setMsg(q.msg, "The review queue could not be loaded: "+Words(err))
				return
			}
			setMsg(q.msg, "")
			if len(flags) == 0 {
				setMsg(q.msg, "Nothing needs review in the last 30 days.")
			}
			q.flags, q.sel = flags, -1
			q.list.UnselectAll()
			q.list.Refresh()
			q.Record.Disable()
		})
	}()
}

// Open shows flag i with the audit entries it rests on.
func (q *NeedsReview) Open(i int) {
	if i < 0 || i >= len(q.flags) {
		return
	}
	q.sel = i
	f := q.flags[i]
	q.Detail.SetText(flagText(f, nil) + "\n\nLoading its entries…")
	q.Record.Enable()
	run := q.run
	job := q.m.runs.start("audit_flags.Open", 60*time.Second)
	go func() {
		ctx := job.Context()
		entries, err := q.flagEntries(ctx, f)
		job.apply(func() {
			if run != q.run || q.sel != i {
				return
			}
			if err != nil {
				q.Detail.SetText(flagText(f, nil) + "\n\nIts entries could not be loaded: " + Words(err))
				return
			}
			q.Detail.SetText(flagText(f, entries))
		})
	}()
}

// flagEntries reads the flag's audit entries: its user's entries up to the
// flag's time, newest first, until every seq is found.
func (q *NeedsReview) flagEntries(ctx context.Context, f api.AuditFlag) ([]api.AuditEntry, error) {
	want := map[int64]bool{}
	for _, s := range f.Seqs {
		want[s] = true
	}
	first := slices.Min(f.Seqs)
	var out []api.AuditEntry
	query := session.AuditQuery{User: f.Username, To: f.At.Add(time.Second), Limit: auditPage}
	for range maxFlagPages {
		p, err := q.sup.Audit(ctx, query)
		if err != nil {
			return nil, err
		}
		done := false
		for _, e := range p.Entries {
			if want[e.Seq] {
				out = append(out, e)
			}
			done = done || e.Seq <= first
		}
		if done || p.NextCursor == "" || len(out) == len(want) {
			break
		}
		query.Cursor = p.NextCursor
	}
	slices.SortFunc(out, func(a, b api.AuditEntry) int { return int(a.Seq - b.Seq) })
	return out, nil
}

// flagText is a flag's explanation, review and entries.
func flagText(f api.AuditFlag, entries []api.AuditEntry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s — %s\n%s\n", flagKindWords[f.Kind], f.Username, f.Explanation)
	if r := f.Review; r != nil {
		fmt.Fprintf(&b, "\nReviewed by %s on %s: %s. %s\n", r.Reviewer, r.At.Local().Format("2006-01-02"), verdictLabels[r.Verdict], r.Note)
	}
	if entries != nil {
		fmt.Fprintf(&b, "\nThe %s it rests on:\n", count(len(f.Seqs), "audit entry", "audit entries"))
		for _, e := range entries {
			b.WriteString("\n" + entryDetail(e) + "\n")
		}
	}
	return b.String()
}

// onRecord records the review of the flag on show.
func (q *NeedsReview) onRecord() {
	if q.sel < 0 || q.sel >= len(q.flags) {
		return
	}
	verdict, note, missing := reviewInput(q.Verdict, q.Note)
	if missing != "" {
		setMsg(q.msg, missing)
		return
	}
	i, f := q.sel, q.flags[q.sel]
	q.Record.Disable()
	setMsg(q.msg, "")
	job := q.m.runs.startEach("audit_flags.onRecord", 60*time.Second)
	go func() {
		ctx := job.Context()
		r, err := q.fs.ReviewFlag(ctx, f.ID, api.FlagReviewRequest{Verdict: verdict, Note: note})
		job.apply(func() {
			q.Record.Enable()
			if err != nil {
				setMsg(q.msg, "The review was not recorded: "+Words(err))
				return
			}
			if i < len(q.flags) && q.flags[i].ID == f.ID {
				q.flags[i].Reviewed, q.flags[i].Review = true, r
			}
			q.Note.SetText("")
			q.Verdict.SetSelected("")
			q.list.Refresh()
			q.Open(i)
		})
	}()
}
