package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/export"
	"alprdesk/ui/session"
)

// Keeping what an analysis found (issue 14): the selected read can be
// retained for the case (POST /v1/reads/{id}/retain with the analysis_id),
// and the selected plate's reads exported as an evidence CSV or PDF (POST
// /v1/exports with the analysis_id, which retains them, before the file is
// written), as the Evidence screen does for a search's reads. The store
// accepts only reads the analysis returned.

// retainLabels names the retention categories on screen.
var retainLabels = map[string]string{
	api.RetainCriminalInvestigation: "Criminal investigation",
	api.RetainMissingPerson:         "Missing person",
	api.RetainLegalObligation:       "Legal obligation (court order, records hold)",
}

// retainLabel names a retention category ("legal_obligation" → words).
func retainLabel(c string) string {
	if l, ok := retainLabels[c]; ok {
		return l
	}
	return strings.ReplaceAll(c, "_", " ")
}

// keepEnv is what retain and export need beside the session: the
// policy's retention categories, the clock, and whether this is the demo.
type keepEnv struct {
	categories []string
	now        func() time.Time
	demo       bool
}

// buildKeep makes the retain and export buttons, disabled until a read
// (retain) or a plate (export) is selected.
func (v *AnalysesView) buildKeep() fyne.CanvasObject {
	v.retain = widget.NewButtonWithIcon("Retain read…", theme.DocumentSaveIcon(), v.onRetain)
	v.exportCSV = widget.NewButtonWithIcon("Export CSV…", theme.DownloadIcon(), func() { v.onExport(api.ExportEvidenceCSV) })
	v.exportPDF = widget.NewButtonWithIcon("Export PDF…", theme.DownloadIcon(), func() { v.onExport(api.ExportEvidencePDF) })
	v.updateKeep()
	return container.NewVBox(container.NewHBox(v.timeline, v.retain), container.NewHBox(v.exportCSV, v.exportPDF))
}

// updateKeep enables retain for a selected read and export for a selected
// plate with reads, while no export is being written.
func (v *AnalysesView) updateKeep() {
	enable(v.retain, v.analysisID != "" && v.selectedRead() != nil)
	plate := v.analysisID != "" && v.readCount() > 0 && !v.exporting
	enable(v.exportCSV, plate)
	enable(v.exportPDF, plate)
}

// enable enables or disables w.
func enable(w fyne.Disableable, on bool) {
	if on {
		w.Enable()
	} else {
		w.Disable()
	}
}

// selectedRead is the read selected in the reads list, or nil.
func (v *AnalysesView) selectedRead() *api.Read {
	if v.readSel < 0 || v.readSel >= v.readCount() {
		return nil
	}
	return &v.items[v.selected].reads[v.readSel]
}

// say shows a message under the results: an error, or (ok) a success.
func (v *AnalysesView) say(msg string, ok bool) {
	if ok {
		v.msg.Importance = widget.SuccessImportance
	}
	setMsg(v.msg, msg)
	v.msg.Importance = widget.DangerImportance
}

// Message is the screen's message ("" when none).
func (v *AnalysesView) Message() string {
	if !v.msg.Visible() {
		return ""
	}
	return v.msg.Text
}

// onRetain asks for the category and reason of the retention.
func (v *AnalysesView) onRetain() {
	r := v.selectedRead()
	if r == nil {
		return
	}
	cats := v.keep.categories
	if len(cats) == 0 {
		cats = []string{api.RetainCriminalInvestigation, api.RetainMissingPerson, api.RetainLegalObligation}
	}
	labels := make([]string, len(cats))
	for i, c := range cats {
		labels[i] = retainLabel(c)
	}
	cat := widget.NewSelect(labels, nil)
	cat.SetSelectedIndex(0)
	reason := widget.NewMultiLineEntry()
	reason.SetPlaceHolder("why this read must outlive the retention period (at least 10 characters)")
	reason.SetMinRowsVisible(3)
	head := widget.NewLabel(fmt.Sprintf("Keep the read of %s at %s (%s) beyond the retention period, for case %s. The retention is audited.",
		r.Plate, r.Camera.Name, r.CapturedAt.Local().Format("Jan 02 15:04"), v.ranUnder.ReportNumber))
	head.Wrapping = fyne.TextWrapWord
	body := container.NewVBox(head, widget.NewForm(widget.NewFormItem("Category", cat), widget.NewFormItem("Reason", reason)))
	d := dialog.NewCustomConfirm("Retain read", "Retain", "Cancel", body, func(ok bool) {
		if ok {
			v.RetainRead(cats[max(0, cat.SelectedIndex())], reason.Text, nil)
		}
	}, v.win)
	d.Resize(fyne.NewSize(520, 300))
	d.Show()
}

// RetainRead records a retention exception for the selected read, through
// the analysis that returned it, under the analysis's report number; done
// (optional) gets the outcome on the UI goroutine.
func (v *AnalysesView) RetainRead(category, reason string, done func(error)) {
	r := v.selectedRead()
	if r == nil {
		return
	}
	if v.OnActivity != nil {
		v.OnActivity()
	}
	id, plate := r.ID, r.Plate
	req := api.RetainRequest{AnalysisID: v.analysisID, ReportNumber: v.ranUnder.ReportNumber, Category: category, Reason: strings.TrimSpace(reason)}
	v.retain.Disable()
	job, an := v.rs.startEach("analyses_keep.RetainRead", 30*time.Second), v.an
	go func() {
		ret, err := an.Retain(job.Context(), id, req)
		job.apply(func() {
			v.updateKeep()
			if err == nil {
				v.say(fmt.Sprintf("The read of %s is retained for case %s (%s).", plate, ret.ReportNumber, retainLabel(ret.Category)), true)
			} else {
				v.say("The read was not retained: "+Words(err), false)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// onExport asks where to write the selected plate's reads.
func (v *AnalysesView) onExport(kind string) {
	ext := ".pdf"
	if kind == api.ExportEvidenceCSV {
		ext = ".csv"
	}
	saveAs(v.win, export.FileName(kind, v.ranUnder.ReportNumber, v.keep.now()), ext, func(path string) { v.ExportPlate(kind, path, nil) })
}

// ExportPlate records the export of the selected plate's reads with the
// store (which retains them), through the analysis, and only then writes
// the evidence CSV or PDF to path; done (optional) gets the outcome on the
// UI goroutine.
func (v *AnalysesView) ExportPlate(kind, path string, done func(error)) {
	if v.readCount() == 0 || v.analysisID == "" {
		return
	}
	if v.OnActivity != nil {
		v.OnActivity()
	}
	reads := append([]api.Read(nil), v.items[v.selected].reads...)
	p := export.Packet{Case: v.ranUnder, Examiner: examiner(v.sess.User()), Generated: v.keep.now(), Store: v.sess.StoreHost(),
		AnalysisID: v.analysisID, Reads: reads, Photos: map[string][]byte{}, Demo: v.keep.demo}
	v.exporting = true
	v.updateKeep()
	job, sess, an, aid := v.rs.startEach("analyses_keep.ExportPlate", 3*time.Minute), v.sess, v.an, v.analysisID
	go func() {
		err := analysisExport(job.Context(), sess, an, aid, kind, path, &p)
		job.apply(func() {
			v.exporting = false
			v.updateKeep()
			if err == nil {
				v.say(fmt.Sprintf("Exported %s of %s to %s. The export is recorded and the reads are retained for case %s.",
					plural(len(reads), "read"), reads[0].Plate, path, p.Case.ReportNumber), true)
			} else {
				v.say("The reads were not exported: "+Words(err), false)
			}
			if done != nil {
				done(err)
			}
		})
	}()
}

// analysisExport writes the packet of an analysis's reads, their photos
// fetched through the analysis; it runs off the UI goroutine.
func analysisExport(ctx context.Context, sess session.Session, an session.AnalysisSession, analysisID, kind, path string, p *export.Packet) error {
	return packetExport(ctx, sess, kind, path, p, func(ctx context.Context, id string) ([]byte, error) {
		return an.AnalysisPhoto(ctx, id, analysisID)
	})
}
