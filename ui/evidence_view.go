package ui

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/mapview"
	"alprdesk/ui/export"
	"alprdesk/ui/session"
)

// EvidenceView is the detective's evidence screen for the current search:
// what the search led to, and the evidence packet (PDF with photos,
// verification status, case context and timeline map; or CSV) of the
// selected reads. Every export is recorded through POST /v1/exports
// before its file is written, which retains the reads (docs/POLICY.md, rule 6).
type EvidenceView struct {
	m       *MainScreen
	content fyne.CanvasObject

	Heading   *widget.Label
	LedTo     *widget.Select
	Note      *widget.Entry
	Mark      *widget.Button
	list      *widget.List
	rows      []Row
	checked   map[string]bool
	All, None *widget.Button
	PDF, CSV  *widget.Button
	msg       *widget.Label
	searchID  string
}

// outcomeOrder is the order of the "led to" choices.
var outcomeOrder = []string{api.LedToLead, api.LedToArrest, api.LedToVehicleRecovered, api.LedToPersonLocated, api.LedToNone}

func newEvidenceView(m *MainScreen) *EvidenceView {
	v := &EvidenceView{m: m, checked: map[string]bool{}}
	v.Heading = widget.NewLabel("")
	v.Heading.Wrapping = fyne.TextWrapWord
	var labels []string
	for _, o := range outcomeOrder {
		labels = append(labels, outcomeLabels[o])
	}
	v.LedTo = widget.NewSelect(labels, nil)
	v.LedTo.PlaceHolder = "Led to…"
	v.Note = widget.NewEntry()
	v.Note.SetPlaceHolder("note (optional)")
	v.Mark = widget.NewButton("Record outcome", v.onMark)
	v.list = widget.NewList(func() int { return len(v.rows) },
		func() fyne.CanvasObject {
			return widget.NewCheck("7ABC123 CA 2026-11-26 14:02 International Blvd & 73rd Ave UNVERIFIED", nil)
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			c := o.(*widget.Check)
			r := v.rows[i].Read
			c.OnChanged = nil
			c.SetText(readLine(r))
			c.SetChecked(v.checked[r.ID])
			c.OnChanged = func(b bool) { v.checked[r.ID] = b }
		})
	v.All = widget.NewButton("Select all", func() { v.selectAll(true) })
	v.None = widget.NewButton("Select none", func() { v.selectAll(false) })
	v.PDF = widget.NewButton("Export evidence PDF…", func() { v.onExport(api.ExportEvidencePDF) })
	v.CSV = widget.NewButton("Export evidence CSV…", func() { v.onExport(api.ExportEvidenceCSV) })
	v.msg = errorText()
	outcome := container.NewBorder(nil, nil, container.NewHBox(widget.NewLabel("This search led to"), v.LedTo), v.Mark, v.Note)
	top := container.NewVBox(v.Heading, outcome, widget.NewSeparator(), v.msg)
	bottom := container.NewHBox(v.All, v.None, spacer(), v.CSV, v.PDF)
	v.content = container.NewBorder(top, bottom, nil, nil, v.list)
	return v
}

// readLine is a read in the evidence list; unverified reads say so.
func readLine(r api.Read) string {
	status := "UNVERIFIED"
	if r.Verification != nil {
		status = strings.ToUpper(strings.ReplaceAll(r.Verification.Status, "_", " "))
		if p := r.Verification.CorrectedPlate; p != "" {
			status += " › " + p
		}
		if s := r.Verification.CorrectedState; s != "" {
			status += " › " + s
		}
	}
	return fmt.Sprintf("%s %s  %s  %s  %s", r.Plate, r.State, r.CapturedAt.UTC().Format("2006-01-02 15:04"), r.Camera.Name, status)
}

// Refresh takes the current search's results (a new search clears the selection).
func (v *EvidenceView) Refresh() {
	m := v.m
	if m.searchID != v.searchID {
		v.checked = map[string]bool{}
		v.searchID = m.searchID
	}
	v.rows = m.Results.Rows()
	if m.searchID == "" {
		v.Heading.SetText("Run a search first: the evidence packet holds reads of the current search.")
	} else {
		c := m.lastReq.CaseContext
		v.Heading.SetText(fmt.Sprintf("Search %s · case %s · %s · “%s” · %s loaded",
			m.searchID, c.ReportNumber, categoryLabel(c.PurposeCategory), c.Purpose, plural(len(v.rows), "read")))
	}
	on := m.searchID != ""
	for _, w := range []fyne.Disableable{v.Mark, v.PDF, v.CSV, v.All, v.None} {
		if on {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	v.list.Refresh()
}

func (v *EvidenceView) selectAll(on bool) {
	for _, r := range v.rows {
		v.checked[r.Read.ID] = on
	}
	v.list.Refresh()
}

// Select checks the reads with these ids (and only them).
func (v *EvidenceView) Select(ids ...string) {
	v.checked = map[string]bool{}
	for _, id := range ids {
		v.checked[id] = true
	}
	v.list.Refresh()
}

// Selected lists the checked reads in the order of the results.
func (v *EvidenceView) Selected() []api.Read {
	var out []api.Read
	for _, r := range v.rows {
		if v.checked[r.Read.ID] {
			out = append(out, r.Read)
		}
	}
	return out
}

// Message is the screen's message ("" when none).
func (v *EvidenceView) Message() string {
	if !v.msg.Visible() {
		return ""
	}
	return v.msg.Text
}

func (v *EvidenceView) say(msg string, ok bool) {
	if ok {
		v.msg.Importance = widget.SuccessImportance
	}
	setMsg(v.msg, msg)
	v.msg.Importance = widget.DangerImportance
}

// MarkOutcome records what the current search led to.
func (v *EvidenceView) MarkOutcome(outcome, note string, done func(error)) {
	os, ok := session.Outcomes(v.m.sess)
	id := v.m.searchID
	if !ok || id == "" {
		return
	}
	v.Mark.Disable()
	job := v.m.runs.startEach("evidence_view.MarkOutcome", 30*time.Second)
	go func() {
		ctx := job.Context()
		_, err := os.SetSearchOutcome(ctx, id, outcome, note)
		job.apply(func() {
			v.Mark.Enable()
			if err != nil {
				v.say("The outcome was not recorded: "+Words(err), false)
			} else {
				v.say("Recorded: this search led to "+strings.ToLower(outcomeLabels[outcome])+".", true)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

func (v *EvidenceView) onMark() {
	for _, o := range outcomeOrder {
		if outcomeLabels[o] == v.LedTo.Selected {
			v.MarkOutcome(o, strings.TrimSpace(v.Note.Text), nil)
			return
		}
	}
	v.say("Choose what the search led to.", false)
}

func (v *EvidenceView) onExport(kind string) {
	if len(v.Selected()) == 0 {
		v.say("Select the reads to export first.", false)
		return
	}
	ext := ".pdf"
	if kind == api.ExportEvidenceCSV {
		ext = ".csv"
	}
	name := export.FileName(kind, v.m.lastReq.ReportNumber, v.m.app.cfg.Now())
	saveAs(v.m.app.win, name, ext, func(path string) { v.ExportFile(kind, path, nil) })
}

// ExportFile records the export of the selected reads with the store
// (which retains them) and only then writes the evidence PDF or CSV to path.
func (v *EvidenceView) ExportFile(kind, path string, done func(error)) {
	reads := v.Selected()
	m := v.m
	p := export.Packet{Case: m.lastReq.CaseContext, Examiner: examiner(m.sess.User()), Generated: m.app.cfg.Now(),
		Store: m.sess.StoreHost(), SearchID: m.searchID, Reads: reads, Photos: map[string][]byte{},
		Demo: m.app.cfg.Demo || m.app.policy.Demo}
	v.PDF.Disable()
	v.CSV.Disable()
	job, sess := m.runs.startEach("evidence_view.export", 3*time.Minute), m.sess
	go func() {
		err := evidenceExport(job.Context(), sess, kind, path, &p)
		job.apply(func() {
			v.PDF.Enable()
			v.CSV.Enable()
			if err != nil {
				v.say("The evidence was not exported: "+Words(err), false)
			} else {
				v.say(fmt.Sprintf("Exported %s to %s. The export is recorded and the reads are retained for case %s.",
					plural(len(reads), "read"), path, p.Case.ReportNumber), true)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// evidenceExport records the export (the store retains the reads), fetches
// the photos and writes the file; it runs off the UI goroutine and reads
// only the packet built before it started. The reads come from the
// packet's search.
func evidenceExport(ctx context.Context, sess session.Session, kind, path string, p *export.Packet) error {
	return packetExport(ctx, sess, kind, path, p, func(ctx context.Context, id string) ([]byte, error) {
		return sess.Photo(ctx, id, p.SearchID)
	})
}

// packetExport records the export of the packet's reads, reached through
// its search or analysis, then writes the CSV, or the PDF with each read's
// photo (fetched by photo) and the timeline map.
func packetExport(ctx context.Context, sess session.Session, kind, path string, p *export.Packet, photo func(ctx context.Context, readID string) ([]byte, error)) error {
	if len(p.Reads) == 0 {
		return inputError("No reads are selected.")
	}
	ids := make([]string, len(p.Reads))
	for i, r := range p.Reads {
		ids[i] = r.ID
	}
	r, err := sess.Export(ctx, api.ExportRequest{Kind: kind, SearchID: p.SearchID, AnalysisID: p.AnalysisID, ReadIDs: ids, ReportNumber: p.Case.ReportNumber})
	if err != nil {
		return err
	}
	p.ExportID = r.ExportID
	if kind == api.ExportEvidenceCSV {
		return writeFile(path, func(w io.Writer) error { return export.EvidenceCSV(w, *p) })
	}
	for _, rd := range p.Reads {
		b, err := photo(ctx, rd.ID)
		if err != nil {
			return fmt.Errorf("the photo of %s could not be fetched: %w", rd.Plate, err)
		}
		p.Photos[rd.ID] = b
	}
	packetTimeline(ctx, sess.TileURL(), p)
	return writeFile(path, func(w io.Writer) error { return export.EvidencePDF(w, *p) })
}

// timeline draws the packet's timeline map in capture order (the packet's
// numbering); without a map the packet still carries everything else.
func packetTimeline(ctx context.Context, tileURL string, p *export.Packet) {
	reads := append([]api.Read(nil), p.Reads...)
	sort.SliceStable(reads, func(i, j int) bool { return reads[i].CapturedAt.Before(reads[j].CapturedAt) })
	s := make([]mapview.Sighting, len(reads))
	for i, r := range reads {
		s[i] = mapview.Sighting{ReadID: r.ID, Lat: r.Camera.Lat, Lon: r.Camera.Lon, At: r.CapturedAt}
	}
	mp, err := mapview.Render(ctx, mapview.Options{Width: 1000, Height: 700, TileURL: tileURL}, s)
	if err == nil {
		p.Timeline, p.Attribution = mp.Image, mp.Attribution
	}
}
