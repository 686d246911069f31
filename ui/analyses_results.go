package ui

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// onRun checks the form and runs the chosen analysis off the UI goroutine.
func (v *AnalysesView) onRun() {
	c := v.activeFn()
	if c == nil {
		v.refreshGate()
		return
	}
	if v.run.Disabled() { // Enter in a field while an analysis runs
		return
	}
	if v.OnActivity != nil {
		v.OnActivity()
	}
	setMsg(v.msg, "")
	if v.kind.Selected == kindConvoy {
		v.runConvoy(*c)
		return
	}
	v.runCommon(*c)
}

// runCommon runs a common-plates analysis.
func (v *AnalysesView) runCommon(c api.CaseContext) {
	req := api.CommonPlatesRequest{CaseContext: c, Fuzzy: v.fuzzy.Checked}
	for _, s := range v.scenes {
		sc, problem := s.scene()
		if problem != "" {
			setMsg(v.msg, problem)
			return
		}
		req.Scenes = append(req.Scenes, sc)
	}
	if i := v.minScenes.SelectedIndex(); i > 0 {
		req.MinScenes = len(v.scenes) - i
	}
	v.start("Looking for plates seen at several scenes…", func(ctx context.Context) (func(), error) {
		res, err := v.an.CommonPlates(ctx, req)
		if err != nil {
			return nil, err
		}
		return func() { v.ranUnder = c; v.showCommon(res, len(req.Scenes)) }, nil
	})
}

// runConvoy runs a convoy analysis.
func (v *AnalysesView) runConvoy(c api.CaseContext) {
	p := plate.Normalize(v.plate.Text)
	if !plate.Valid(p) {
		setMsg(v.msg, "Give the target's exact plate: letters and digits, no wildcards.")
		return
	}
	from, err := time.ParseInLocation(timeLayout, strings.TrimSpace(v.from.Text), time.Local)
	if err != nil {
		setMsg(v.msg, fmt.Sprintf("Write the start as %s, such as %s.", timeLayout, time.Now().Format(timeLayout)))
		return
	}
	days, _ := strconv.Atoi(strings.Fields(v.days.Selected)[0])
	within, _ := strconv.Atoi(strings.Fields(v.within.Selected)[0])
	cams, _ := strconv.Atoi(strings.Fields(v.minCams.Selected)[0])
	req := api.ConvoyRequest{CaseContext: c, Plate: p, From: from.UTC(), To: from.AddDate(0, 0, days).UTC(), WithinS: within, MinCameras: cams}
	v.start("Looking for plates that travelled with "+p+"…", func(ctx context.Context) (func(), error) {
		res, err := v.an.Convoy(ctx, req)
		if err != nil {
			return nil, err
		}
		return func() { v.ranUnder = c; v.showConvoy(res, p) }, nil
	})
}

// clear empties the results (a new run, or the other kind of analysis).
func (v *AnalysesView) clear(note string) {
	if v.Shows() { // the panel shows a read of the results cleared
		v.photo.Clear()
	}
	v.photoFor = ""
	v.runs++
	v.items, v.selected, v.readSel, v.analysisID = nil, -1, -1, ""
	v.notice.Hide()
	v.plates.UnselectAll()
	v.plates.Refresh()
	v.readList.Refresh()
	v.timeline.Disable()
	v.updateKeep()
	v.summary.SetText(note)
	setMsg(v.msg, "")
}

// start clears the results and runs work; its answer is applied only if
// no later run started meanwhile.
func (v *AnalysesView) start(note string, work func(ctx context.Context) (func(), error)) {
	v.clear(note)
	run := v.runs
	v.run.Disable()
	job := v.rs.start("analyses_results.start", 60*time.Second)
	go func() {
		ctx := job.Context()
		apply, err := work(ctx)
		job.apply(func() {
			if run != v.runs {
				return
			}
			v.refreshGate()
			if err != nil {
				v.summary.SetText("")
				setMsg(v.msg, "The analysis was not run: "+Words(err))
				return
			}
			apply()
			if len(v.items) > 0 && v.Current != nil && v.Current() {
				v.win.Canvas().Focus(v.plates) // Up/Down and Space pick a plate
			}
		})
	}()
}

// showCommon lists the plates seen at several scenes.
func (v *AnalysesView) showCommon(res *api.CommonPlatesResponse, scenes int) {
	v.analysisID = res.AnalysisID
	for _, p := range res.Plates {
		names := make([]string, len(p.Scenes))
		for i, s := range p.Scenes {
			names[i] = strconv.Itoa(s + 1)
		}
		v.items = append(v.items, analysisItem{plate: p.Plate, state: p.State, hot: p.Hotlisted, reads: p.Reads,
			detail: fmt.Sprintf("scenes %s of %d · %s", strings.Join(names, ", "), scenes, plural(len(p.Reads), "read"))})
	}
	sum := fmt.Sprintf("%s seen at several scenes, most scenes first.", plural(len(res.Plates), "plate"))
	if res.Capped {
		sum += fmt.Sprintf(" Only the first %d are listed: narrow the scenes.", api.MaxAnalysisPlates)
	}
	v.summary.SetText(sum + " Select a plate to see its reads; verify each read on its photo.")
	v.plates.Refresh()
}

// showConvoy lists the companions, under the co-travel notice.
func (v *AnalysesView) showConvoy(res *api.ConvoyResponse, target string) {
	v.analysisID = res.AnalysisID
	when := map[string]time.Time{}
	for _, r := range res.TargetReads {
		when[r.ID] = r.CapturedAt
	}
	v.items = append(v.items, analysisItem{plate: target, detail: "the target · " + plural(len(res.TargetReads), "read"), reads: res.TargetReads})
	for _, c := range res.Companions {
		it := analysisItem{plate: c.Plate, state: c.State, hot: c.Hotlisted, targets: map[string]time.Time{},
			detail: fmt.Sprintf("%s shared · %s", plural(c.Cameras, "camera"), plural(len(c.CoReads), "co-read"))}
		for _, co := range c.CoReads {
			it.reads = append(it.reads, co.Read)
			it.targets[co.Read.ID] = when[co.TargetReadID]
		}
		v.items = append(v.items, it)
	}
	v.notice.Show()
	sum := fmt.Sprintf("%s read near %s at several cameras, most shared cameras first.", plural(len(res.Companions), "plate"), target)
	if res.Capped {
		sum += fmt.Sprintf(" Only the first %d are listed.", api.MaxAnalysisPlates)
	}
	v.summary.SetText(sum)
	v.plates.Refresh()
}

// Items is the number of result lines (the target counts in a convoy).
func (v *AnalysesView) Items() int { return len(v.items) }

// plateLine renders result line i.
func (v *AnalysesView) plateLine(i int, l *widget.Label) {
	if i >= len(v.items) {
		return
	}
	it := v.items[i]
	txt := strings.TrimSpace(it.plate+" "+it.state) + " · " + it.detail
	l.Importance = widget.MediumImportance
	if it.hot {
		txt += " · ON AN ACTIVE HOTLIST"
		l.Importance = widget.WarningImportance
	}
	l.SetText(txt)
}

// readCount is the number of reads of the selected plate.
func (v *AnalysesView) readCount() int {
	if v.selected < 0 || v.selected >= len(v.items) {
		return 0
	}
	return len(v.items[v.selected].reads)
}

// readLine renders read i of the selected plate.
func (v *AnalysesView) readLine(i int, l *widget.Label) {
	if i >= v.readCount() {
		return
	}
	it := v.items[v.selected]
	r := it.reads[i]
	txt, _ := statusText(Row{Read: r})
	parts := []string{r.CapturedAt.Local().Format("Jan 02 15:04:05")}
	if t, ok := it.targets[r.ID]; ok {
		parts = append(parts, fmt.Sprintf("%+d s from the target", int(r.CapturedAt.Sub(t).Seconds())))
	}
	parts = append(parts, txt)
	if r.Plate != it.plate { // a look-alike or corrected read: show what the camera read
		parts = append(parts, "OCR "+r.Plate)
	}
	l.SetText(strings.Join(append(parts, r.Camera.Name), " · "))
}

// onSelectPlate shows the plate's reads.
func (v *AnalysesView) onSelectPlate(i int) {
	if i < 0 || i >= len(v.items) {
		return
	}
	v.selected, v.readSel = i, -1
	v.readList.UnselectAll()
	v.readList.Refresh()
	v.timeline.Enable()
	v.updateKeep()
	if len(v.items[i].reads) > 0 {
		v.readList.Select(0)
	}
}

// SelectPlate selects result line i.
func (v *AnalysesView) SelectPlate(i int) { v.plates.Select(i) }

// onSelectRead shows the read in the photo panel and fetches its photo
// through the analysis.
func (v *AnalysesView) onSelectRead(i int) {
	if i < 0 || i >= v.readCount() {
		return
	}
	if v.OnActivity != nil {
		v.OnActivity()
	}
	v.readSel = i
	v.updateKeep()
	r := v.items[v.selected].reads[i]
	v.photo.Show(Row{Read: r}, nil)
	id, aid, box, an := r.ID, v.analysisID, r.PlateBox, v.an
	v.photoFor = id
	job := v.rs.start("analyses_results.onSelectRead", 30*time.Second)
	go func() {
		jpeg, err := an.AnalysisPhoto(job.Context(), id, aid)
		ph, err := decodePhoto(jpeg, box, err) // off the UI goroutine
		job.apply(func() {
			if v.photoFor != id {
				return
			}
			if err != nil {
				v.photo.SetError("The photo could not be loaded: " + Words(err))
				return
			}
			v.photo.SetImage(ph)
		})
	}()
}

// Shows reports whether the photo panel shows a read this screen put there.
func (v *AnalysesView) Shows() bool {
	row := v.photo.Row()
	return row != nil && v.photoFor != "" && row.Read.ID == v.photoFor
}

// OnVerdict records a verdict on the read shown, through the analysis.
func (v *AnalysesView) OnVerdict(req api.VerificationRequest) {
	row := v.photo.Row()
	if row == nil {
		return
	}
	req.AnalysisID = v.analysisID
	id, user := row.Read.ID, v.sess.User().Username
	v.photo.SetNote("Sending the verdict…")
	job := v.rs.startEach("analyses_results.OnVerdict", 30*time.Second) // each verdict is sent and applied
	go func() {
		ctx := job.Context()
		queued, err := v.sess.Verify(ctx, id, req)
		job.apply(func() {
			if err != nil {
				v.photo.SetError("The verdict was not recorded: " + Words(err))
				return
			}
			v.applyVerdict(id, req, user, queued)
		})
	}()
}

// applyVerdict marks the read verified wherever it is listed.
func (v *AnalysesView) applyVerdict(id string, req api.VerificationRequest, user string, queued bool) {
	ver := &api.Verification{Status: req.Status, CorrectedPlate: req.CorrectedPlate, CorrectedState: req.CorrectedState, By: user, At: time.Now()}
	for i := range v.items {
		for j := range v.items[i].reads {
			if v.items[i].reads[j].ID == id {
				v.items[i].reads[j].Verification = ver
			}
		}
	}
	v.readList.Refresh()
	if p := v.photo.Row(); p != nil && p.Read.ID == id {
		r := *p
		r.Read.Verification, r.Queued = ver, queued
		v.photo.Show(r, nil)
		if queued {
			v.photo.SetNote("The store is unreachable: the verdict waits in the outbox and is sent when it is back.")
		} else {
			v.photo.SetNote("Verdict recorded on the store.")
		}
	}
}

// onTimeline opens the selected plate's timeline.
func (v *AnalysesView) onTimeline() {
	if v.selected >= 0 && v.selected < len(v.items) && v.OnTimeline != nil {
		v.OnTimeline(v.items[v.selected].plate)
	}
}
