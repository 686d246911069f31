package ui

import (
	"fmt"
	"image"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/ui/session"
)

// alertRoles receive hotlist alerts (the store routes each hit).
var alertRoles = []string{api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor, api.RoleApprover}

// AlertRow is a hit on the alerts panel with what the user did about it.
type AlertRow struct {
	Alert api.Alert
	// Verdict is the user's verification status ("" until verified).
	Verdict string
	// Acked is true once the user acknowledged the hit.
	Acked bool
	// Check is the hit's check as the store last served it.
	Check api.AlertCheck
	// Outcome is what the user recorded doing about the hit (nil until then).
	Outcome *api.AlertOutcome
	photo   image.Image // decoded off the UI goroutine
}

// AlertsView is the live alerts panel: new hotlist hits appear at once
// (with a desktop notification); the hit's check comes first (a large NOT
// STOP-READY banner until it holds, the two plates with look-alike
// characters marked, state and vehicle), the verdict keys 1–4 right under
// it; the user opens the photo through the alert, verifies it,
// acknowledges the hit and records what was done. A hit opens with its own
// case context (the entry's report number): no case is typed.
type AlertsView struct {
	m       *MainScreen
	hs      session.HotlistSession
	content fyne.CanvasObject

	rows      []*AlertRow
	list      *keyList // 1-4 typed on it are verdicts on the hit on show
	listEmpty *emptyList
	image     *canvas.Image
	detail    *widget.Label
	state     *widget.Label
	msg       *widget.Label

	confirm, misread, wrongState, unreadable *widget.Button
	corrected                                *widget.Entry
	note                                     *widget.Entry
	ack                                      *widget.Button
	sel                                      int

	check *checkPanel
	// The outcome form: action, note, reason (required for a stop on a hit
	// that is not stop-ready) and the button that records it.
	action              *widget.Select
	outcomeNote, reason *widget.Entry
	record              *widget.Button

	// OnCount reports the number of hits not yet acknowledged.
	OnCount func(n int)
	// notify shows a desktop notification.
	notify func(*fyne.Notification)
}

func newAlertsView(m *MainScreen) *AlertsView {
	v := &AlertsView{m: m, hs: hotlistsOf(m.sess), sel: -1, msg: errorText(), notify: m.app.fa.SendNotification}
	v.list = newKeyList(func() int { return len(v.rows) }, label,
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(AlertLine(v.rows[i])) },
		func(r rune) { v.KeyVerdict(r) })
	v.list.OnSelected = v.onSelect
	v.image = canvas.NewImageFromImage(nil)
	v.image.FillMode = canvas.ImageFillContain
	v.image.SetMinSize(fyne.NewSize(320, 180))
	v.detail = widget.NewLabel("New hotlist hits appear here as they happen.")
	v.detail.Wrapping = fyne.TextWrapWord
	v.state = widget.NewLabel("")
	verdict := func(status string) func() { return func() { v.verify(status) } }
	v.confirm = widget.NewButton("1 Confirm", verdict(api.VerifyConfirmed))
	v.misread = widget.NewButton("2 Misread", verdict(api.VerifyMisread))
	v.wrongState = widget.NewButton("3 Wrong state", verdict(api.VerifyWrongState))
	v.unreadable = widget.NewButton("4 Unreadable", verdict(api.VerifyUnreadable))
	v.corrected = widget.NewEntry()
	v.corrected.SetPlaceHolder("Corrected plate (misread) or state (wrong state)")
	v.note = widget.NewEntry()
	v.note.SetPlaceHolder("Note: what was done (optional); Enter acknowledges")
	v.note.OnSubmitted = func(string) {
		if !v.ack.Disabled() {
			v.acknowledge()
		}
	}
	v.ack = widget.NewButton("Acknowledge", v.acknowledge)
	v.ack.Importance = widget.HighImportance
	v.check = newCheckPanel()
	v.action = widget.NewSelect(outcomeOptions(), func(string) { v.setButtons() })
	v.action.PlaceHolder = "What was done…"
	v.outcomeNote = widget.NewEntry()
	v.outcomeNote.SetPlaceHolder("Outcome note (optional)")
	v.reason = widget.NewEntry()
	v.reason.SetPlaceHolder("Reason: required for a stop, arrest or recovery on a hit that is not stop-ready")
	v.record = widget.NewButton("Record outcome", v.recordOutcome)
	v.setButtons()
	verdicts := container.NewGridWithColumns(4, v.confirm, v.misread, v.wrongState, v.unreadable)
	outcome := container.NewVBox(container.NewBorder(nil, nil, nil, v.record, v.action), v.outcomeNote, v.reason)
	right := container.NewBorder(nil, container.NewVBox(container.NewBorder(nil, nil, nil, v.ack, v.note), outcome, v.msg),
		nil, nil, container.NewVScroll(container.NewVBox(v.check.content, verdicts, v.corrected, v.image, v.detail)))
	v.listEmpty = newEmptyRows(v.list, v.list.Length, "No hotlist hits yet. New hits appear here as they happen, newest first, "+
		"with a desktop notification.")
	split := container.NewHSplit(v.listEmpty.content, right)
	split.Offset = 0.4
	head := widget.NewLabelWithStyle("Live hotlist alerts", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.content = container.NewBorder(container.NewHBox(head, spacer(), v.state), nil, nil, nil, split)
	return v
}

// start follows the alert stream until the screen closes (roles that
// receive alerts only).
func (v *AlertsView) start() {
	u := v.m.sess.User()
	if v.hs == nil || !slices.Contains(alertRoles, u.Role) {
		v.state.SetText("Your role receives no hotlist alerts.")
		return
	}
	v.state.SetText("Connecting to the alert stream…")
	rs, hs := v.m.runs, v.hs
	ctx := rs.parent // the stream lives as long as the screen
	go func() {
		err := hs.FollowAlerts(ctx, "", func(a api.Alert) { rs.onScreen(func() { v.add(a) }) },
			func(connected bool, err error) {
				rs.onScreen(func() {
					if connected {
						v.state.SetText("Live: connected")
					} else {
						v.state.SetText("Reconnecting to the alert stream…")
					}
				})
			})
		if err != nil && ctx.Err() == nil {
			rs.onScreen(func() { v.state.SetText("No alerts: " + Words(err)) })
		}
	}()
}

// AlertLine is a hit in the list.
func AlertLine(r *AlertRow) string {
	a := r.Alert
	mark := "NEW"
	switch {
	case r.Outcome != nil:
		mark = "outcome: " + strings.ToLower(outcomeWords[r.Outcome.Action])
	case r.Acked:
		mark = "acknowledged"
	case r.Verdict != "":
		mark = "verified " + r.Verdict
	}
	match := ""
	if a.Match == api.MatchPossible {
		match = " (possible: look-alike)"
	}
	return fmt.Sprintf("%s  %s %s%s · %s · %s · %s", a.At.Local().Format("15:04:05"), a.Read.State, a.Read.Plate, match,
		listName(a.List), a.Read.Camera.Name, mark)
}

func listName(l string) string { return strings.ReplaceAll(l, "_", " ") }

// AlertDetail is everything the recipient needs to act on a hit.
func AlertDetail(a api.Alert) string {
	var b strings.Builder
	fmt.Fprintf(&b, "HOTLIST HIT — %s list (%s match)\n", strings.ToUpper(listName(a.List)), a.Match)
	fmt.Fprintf(&b, "Plate read: %s (%s), OCR confidence %.2f\n", a.Read.Plate, a.Read.State, a.Read.Confidence)
	fmt.Fprintf(&b, "Listed plate: %s (%s) — %s\n", a.Entry.Plate, a.Entry.State, a.Entry.VehicleDescription)
	fmt.Fprintf(&b, "Camera: %s\nTime: %s\n", a.Read.Camera.Name, a.Read.CapturedAt.Local().Format("2006-01-02 15:04:05"))
	fmt.Fprintf(&b, "Report number: %s\n", a.Entry.ReportNumber)
	fmt.Fprintf(&b, "Instructions: %s\nContact: %s\n", a.Instructions, a.Contact)
	fmt.Fprintf(&b, "\nCheck the photo before acting: the OCR can confuse characters.")
	return b.String()
}

// add puts a new hit at the top and notifies the desktop.
func (v *AlertsView) add(a api.Alert) {
	for _, r := range v.rows {
		if r.Alert.ID == a.ID {
			return
		}
	}
	v.rows = append([]*AlertRow{{Alert: a, Check: a.Check}}, v.rows...)
	v.listEmpty.Refresh()
	if v.sel >= 0 {
		v.list.Select(v.sel + 1) // the hit on show keeps its highlight
	}
	if v.m.app.Lock() != nil {
		// A locked workstation shows no plate, not even in a notification.
		v.notify(fyne.NewNotification("Hotlist hit", "A new hotlist hit arrived; unlock alprdesk to see it."))
	} else {
		v.notify(fyne.NewNotification("Hotlist hit: "+a.Read.Plate+" ("+a.Read.State+")",
			fmt.Sprintf("%s list · %s · %s", listName(a.List), a.Read.Camera.Name, a.Instructions)))
	}
	v.count()
	if v.sel < 0 {
		v.list.Select(0)
	}
}

func (v *AlertsView) count() {
	if v.OnCount != nil {
		v.OnCount(v.Unacknowledged())
	}
}

// Unacknowledged counts the hits not yet acknowledged (the nav badge).
func (v *AlertsView) Unacknowledged() int {
	n := 0
	for _, r := range v.rows {
		if !r.Acked {
			n++
		}
	}
	return n
}

// focusTarget is the hit list (arrows move, Tab reaches the verdicts).
func (v *AlertsView) focusTarget() fyne.Focusable { return v.list }

// Rows are the hits on the panel, newest first.
func (v *AlertsView) Rows() []*AlertRow { return v.rows }

func (v *AlertsView) current() *AlertRow {
	if v.sel < 0 || v.sel >= len(v.rows) {
		return nil
	}
	return v.rows[v.sel]
}

// onSelect shows a hit and fetches its photo through the alert (audited
// under the entry's report number).
func (v *AlertsView) onSelect(i widget.ListItemID) {
	if i < 0 || i >= len(v.rows) {
		return
	}
	v.sel = i
	r := v.rows[i]
	v.detail.SetText(AlertDetail(r.Alert))
	v.check.show(r.Alert, r.Check)
	v.action.ClearSelected()
	setMsg(v.msg, "")
	v.setButtons()
	if r.photo != nil {
		v.showPhoto(r.photo)
		return
	}
	v.image.Image = nil
	v.image.Refresh()
	id, readID, box := r.Alert.ID, r.Alert.Read.ID, r.Alert.Read.PlateBox
	job, hs := v.m.runs.start("alerts.alertPhoto", 30*time.Second), v.hs
	go func() {
		jpeg, err := hs.AlertPhoto(job.Context(), readID, id)
		ph, err := decodePhoto(jpeg, box, err) // off the UI goroutine
		job.apply(func() {
			if err != nil {
				setMsg(v.msg, "The photo could not be loaded: "+Words(err))
				return
			}
			r.photo = ph.full
			if cur := v.current(); cur != nil && cur.Alert.ID == id {
				v.showPhoto(ph.full)
				v.setButtons()
			}
		})
	}()
}

// showPhoto shows a hit's decoded photo.
func (v *AlertsView) showPhoto(img image.Image) {
	v.image.Image = img
	v.image.Refresh()
}

// Photo is the image on show (nil until loaded).
func (v *AlertsView) Photo() image.Image { return v.image.Image }

// setButtons enables the verdicts once the photo is on show and the
// acknowledgement once the user verified the hit.
func (v *AlertsView) setButtons() {
	r := v.current()
	canVerify := r != nil && r.photo != nil && !r.Acked
	for _, b := range []*widget.Button{v.confirm, v.misread, v.wrongState, v.unreadable} {
		if canVerify {
			b.Enable()
		} else {
			b.Disable()
		}
	}
	if r != nil && r.Verdict != "" && !r.Acked {
		v.ack.Enable()
	} else {
		v.ack.Disable()
	}
	if r != nil && r.Outcome == nil && v.action.Selected != "" {
		v.record.Enable()
	} else {
		v.record.Disable()
	}
}

// verify records the user's verdict on the hit's read through the alert.
func (v *AlertsView) verify(status string) {
	r := v.current()
	if r == nil {
		return
	}
	req := api.VerificationRequest{AlertID: r.Alert.ID, Status: status}
	fix := strings.TrimSpace(v.corrected.Text)
	switch status {
	case api.VerifyMisread:
		if req.CorrectedPlate = plate.Normalize(fix); req.CorrectedPlate == "" {
			setMsg(v.msg, "Type the plate the photo shows in the corrected field, then press Misread.")
			return
		}
	case api.VerifyWrongState:
		if req.CorrectedState = strings.ToUpper(fix); req.CorrectedState == "" {
			setMsg(v.msg, "Type the state the photo shows in the corrected field, then press Wrong state.")
			return
		}
	}
	job, hs, readID := v.m.runs.startEach("alerts.alertVerify", 30*time.Second), v.hs, r.Alert.Read.ID
	go func() {
		check, err := hs.VerifyAlert(job.Context(), readID, req)
		job.apply(func() {
			if err != nil {
				setMsg(v.msg, "The verdict was not recorded: "+Words(err))
				return
			}
			r.Verdict = status
			if check != nil {
				r.Check = *check
			}
			if cur := v.current(); cur == r {
				v.check.show(r.Alert, r.Check)
			}
			v.corrected.SetText("")
			setMsg(v.msg, "")
			v.list.Refresh()
			v.setButtons()
			v.focusNote(r)
		})
	}()
}

// focusNote puts the cursor in the note once hit r on show is verified:
// the keyboard goes on to say what was done, and Enter acknowledges.
func (v *AlertsView) focusNote(r *AlertRow) {
	if v.current() != r || v.ack.Disabled() {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(v.note); c != nil {
		c.Focus(v.note)
	}
}

// acknowledge records that the user acted on the verified hit.
func (v *AlertsView) acknowledge() {
	r := v.current()
	if r == nil {
		return
	}
	note := strings.TrimSpace(v.note.Text)
	v.ack.Disable()
	job, hs, alertID := v.m.runs.startEach("alerts.alertAck", 30*time.Second), v.hs, r.Alert.ID
	go func() {
		ctx := job.Context()
		err := hs.AckAlert(ctx, alertID, note)
		job.apply(func() {
			if err != nil {
				setMsg(v.msg, "The hit was not acknowledged: "+Words(err))
				v.setButtons()
				return
			}
			r.Acked = true
			v.note.SetText("")
			v.list.Refresh()
			v.setButtons()
			v.count()
		})
	}()
}

// KeyVerdict gives the verdict of a key (1 Confirm, 2 Misread, 3 Wrong
// state, 4 Unreadable) on the hit on show; false when the key is not one
// or the verdicts are not available yet.
func (v *AlertsView) KeyVerdict(key rune) bool {
	status := map[rune]string{'1': api.VerifyConfirmed, '2': api.VerifyMisread, '3': api.VerifyWrongState, '4': api.VerifyUnreadable}[key]
	if status == "" || v.confirm.Disabled() {
		return false
	}
	v.verify(status)
	return true
}

// recordOutcome records what the user did about the hit on show.
func (v *AlertsView) recordOutcome() {
	r := v.current()
	action := outcomeAction(v.action.Selected)
	if r == nil || action == "" {
		return
	}
	req := api.OutcomeRequest{Action: action, Note: strings.TrimSpace(v.outcomeNote.Text), Reason: strings.TrimSpace(v.reason.Text)}
	if api.IsStopAction(action) && !r.Check.StopReady && req.Reason == "" {
		setMsg(v.msg, "This hit is not stop-ready: write why the "+strings.ToLower(v.action.Selected)+" was made in the reason field. Supervisors review it.")
		return
	}
	v.record.Disable()
	job := v.m.runs.startEach("alerts.recordOutcome", 30*time.Second)
	go func() {
		ctx := job.Context()
		o, err := v.hs.RecordOutcome(ctx, r.Alert.ID, req)
		job.apply(func() {
			if err != nil {
				setMsg(v.msg, "The outcome was not recorded: "+Words(err))
				v.setButtons()
				return
			}
			r.Outcome = o
			v.outcomeNote.SetText("")
			v.reason.SetText("")
			setMsg(v.msg, "")
			v.list.Refresh()
			v.setButtons()
		})
	}()
}
