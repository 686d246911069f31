package ui

import (
	"fmt"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
)

// minDecisionReason is the shortest reason the store accepts.
const minDecisionReason = 10

func label() fyne.CanvasObject {
	l := widget.NewLabel("")
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// buildRequests lays out the requests with their detail and, for an
// approver, the decision.
func (v *HotlistsView) buildRequests() fyne.CanvasObject {
	v.reqList = widget.NewList(func() int { return len(v.reqs) }, label,
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(requestLine(v.reqs[i])) })
	v.reqList.OnSelected = v.onSelectRequest
	v.reqDetail = widget.NewLabel("Pick a request.")
	v.reqDetail.Wrapping = fyne.TextWrapWord
	v.reason = widget.NewEntry()
	v.reason.SetPlaceHolder("Reason for the decision (at least 10 characters)")
	v.approve = widget.NewButton("Approve", func() { v.decide(true) })
	v.approve.Importance = widget.HighImportance
	v.deny = widget.NewButton("Deny", func() { v.decide(false) })
	v.deny.Importance = widget.DangerImportance
	v.approve.Disable()
	v.deny.Disable()
	v.extend = v.newExtendButton()
	decide := container.NewVBox(v.reason, container.NewHBox(spacer(), v.deny, v.approve))
	if !v.approver() {
		decide.Hide()
	}
	right := container.NewBorder(nil, container.NewVBox(v.reqMsg, container.NewHBox(spacer(), v.extend), decide), nil, nil, container.NewVScroll(v.reqDetail))
	v.reqEmpty = newEmptyList(v.reqList, v.noRequests())
	split := container.NewHSplit(v.reqEmpty.content, right)
	split.Offset = 0.45
	return split
}

// requestLine is a request in the list.
func requestLine(r api.HotlistRequest) string {
	return fmt.Sprintf("%s  %s %s · %s · %s", strings.ToUpper(r.Status), r.State, r.Plate, r.List, r.RequestedAt.Local().Format("01-02 15:04"))
}

// RequestDetail is the full request as shown to the approver.
func RequestDetail(r api.HotlistRequest) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Request %s — %s\n\n", r.ID, strings.ToUpper(r.Status))
	fmt.Fprintf(&b, "Plate: %s (%s)\nReport number: %s\nVehicle: %s\nList: %s\nDays: %d\n", r.Plate, r.State, r.ReportNumber, r.VehicleDescription, r.List, r.Days)
	fmt.Fprintf(&b, "Requester: %s, serial %s (filed by %s at %s)\n", r.RequesterName, r.RequesterSerial, r.RequestedBy, r.RequestedAt.Local().Format("2006-01-02 15:04"))
	fmt.Fprintf(&b, "Explanation: %s\n", r.Explanation)
	if r.Instructions != "" {
		fmt.Fprintf(&b, "Instructions: %s\n", r.Instructions)
	}
	fmt.Fprintf(&b, "Contact: %s\n", r.Contact)
	if r.Extends != "" {
		fmt.Fprintf(&b, "Extends: %s\n", r.Extends)
	}
	if r.Notice != "" {
		fmt.Fprintf(&b, "Notice: %s\n", r.Notice)
	}
	if r.DecidedAt != nil {
		fmt.Fprintf(&b, "\n%s by %s at %s: %s\n", strings.ToUpper(r.Status[:1])+r.Status[1:], r.DecidedBy, r.DecidedAt.Local().Format("2006-01-02 15:04"), r.Reason)
	}
	return b.String()
}

func (v *HotlistsView) onSelectRequest(i widget.ListItemID) {
	if i < 0 || i >= len(v.reqs) {
		return
	}
	v.reqSel = i
	r := v.reqs[i]
	v.reqDetail.SetText(RequestDetail(r))
	setMsg(v.reqMsg, "")
	v.updateExtend()
	own := r.RequestedBy == v.me().Username || strings.EqualFold(r.RequesterSerial, v.me().Serial)
	if v.approver() && r.Status == api.RequestPending && !own {
		v.approve.Enable()
		v.deny.Enable()
		return
	}
	v.approve.Disable()
	v.deny.Disable()
	if v.approver() && own && r.Status == api.RequestPending {
		setMsg(v.reqMsg, "This is your own request: another approver must decide it.")
	}
}

// decide sends the approver's decision on the selected request.
func (v *HotlistsView) decide(approve bool) {
	if v.reqSel < 0 || v.reqSel >= len(v.reqs) {
		return
	}
	reason := strings.TrimSpace(v.reason.Text)
	if len([]rune(reason)) < minDecisionReason {
		setMsg(v.reqMsg, "Give the reason for the decision in at least 10 characters.")
		return
	}
	id := v.reqs[v.reqSel].ID
	v.approve.Disable()
	v.deny.Disable()
	job := v.m.runs.startEach("hotlists_lists.decide", 30*time.Second)
	go func() {
		ctx := job.Context()
		r, err := v.hs.DecideHotlistRequest(ctx, id, approve, reason)
		job.apply(func() {
			if err != nil {
				setMsg(v.reqMsg, "The decision was not recorded: "+Words(err))
				return
			}
			v.reason.SetText("")
			v.reqDetail.SetText(RequestDetail(*r))
			v.load()
		})
	}()
}

// buildEntries lays out the active entries with their time left and, for
// approvers and administrators, early removal.
func (v *HotlistsView) buildEntries() fyne.CanvasObject {
	v.entList = widget.NewList(func() int { return len(v.entries) }, label,
		func(i widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText(EntryLine(v.entries[i], v.m.app.cfg.Now()))
		})
	v.entList.OnSelected = func(i widget.ListItemID) {
		v.entSel = i
		if v.canRemove() {
			v.remove.Enable()
		}
	}
	v.entReason = widget.NewEntry()
	v.entReason.SetPlaceHolder("Reason for removing the entry early (at least 10 characters)")
	v.remove = widget.NewButton("Remove entry", v.onRemove)
	v.remove.Importance = widget.DangerImportance
	v.remove.Disable()
	bottom := container.NewVBox(v.entMsg, container.NewBorder(nil, nil, nil, v.remove, v.entReason))
	if !v.canRemove() {
		bottom = container.NewVBox(v.entMsg)
	}
	v.entEmpty = newEmptyList(v.entList, "No active hotlist entries.")
	return container.NewBorder(nil, bottom, nil, nil, v.entEmpty.content)
}

// noRequests is what the requests tab says while it lists none.
func (v *HotlistsView) noRequests() string {
	if v.approver() {
		return "No requests wait for a decision. New requests appear here, with their count on the tab and in the navigation."
	}
	return "You have filed no hotlist requests. File one on the Request tab; an approver decides it."
}

func (v *HotlistsView) canRemove() bool {
	r := v.me().Role
	return r == api.RoleApprover || r == api.RoleAdmin
}

// EntryLine is an active entry with its time left.
func EntryLine(e api.HotlistEntry, now time.Time) string {
	return fmt.Sprintf("%s %s · %s · %s left · report %s · %s", e.State, e.Plate, e.List, timeLeft(e.ExpiresAt.Sub(now)), e.ReportNumber, e.VehicleDescription)
}

// timeLeft says how long an entry still runs.
func timeLeft(d time.Duration) string {
	switch {
	case d <= 0:
		return "no time"
	case d >= 48*time.Hour:
		return fmt.Sprintf("%d days", int(d/(24*time.Hour)))
	case d >= time.Hour:
		return fmt.Sprintf("%d h", int(d/time.Hour))
	}
	return fmt.Sprintf("%d min", max(1, int(d/time.Minute)))
}

func (v *HotlistsView) onRemove() {
	if v.entSel < 0 || v.entSel >= len(v.entries) {
		return
	}
	reason := strings.TrimSpace(v.entReason.Text)
	if len([]rune(reason)) < minDecisionReason {
		setMsg(v.entMsg, "Give the reason for the removal in at least 10 characters.")
		return
	}
	id := v.entries[v.entSel].ID
	v.remove.Disable()
	job := v.m.runs.startEach("hotlists_lists.onRemove", 30*time.Second)
	go func() {
		ctx := job.Context()
		err := v.hs.RemoveHotlistEntry(ctx, id, reason)
		job.apply(func() {
			if err != nil {
				setMsg(v.entMsg, "The entry was not removed: "+Words(err))
				return
			}
			v.entReason.SetText("")
			setMsg(v.entMsg, "")
			v.load()
		})
	}()
}

// load refreshes the requests and the entries from the store.
func (v *HotlistsView) load() {
	job := v.m.runs.start("hotlists_lists.load", 30*time.Second)
	go func() {
		ctx := job.Context()
		reqs, rerr := v.hs.HotlistRequests(ctx)
		entries, eerr := v.hs.HotlistEntries(ctx)
		job.apply(func() {
			if rerr != nil {
				setMsg(v.reqMsg, "The requests could not be loaded: "+Words(rerr))
			} else {
				if v.approver() {
					reqs = pendingFirst(reqs)
				}
				v.reqs = reqs
				v.reqSel = -1
				v.reqList.UnselectAll()
				v.extend.Disable()
				v.reqEmpty.Refresh()
				v.tabs.Items[1].Text = v.requestsTitle()
				v.tabs.Refresh()
			}
			if eerr != nil {
				setMsg(v.entMsg, "The entries could not be loaded: "+Words(eerr))
			} else {
				v.entries = entries
				v.entSel = -1
				v.entList.UnselectAll()
				v.remove.Disable()
				v.entEmpty.Refresh()
			}
			if v.OnLoaded != nil {
				v.OnLoaded()
			}
		})
	}()
}

// pendingFirst puts the approver's queue (pending requests) first.
func pendingFirst(rs []api.HotlistRequest) []api.HotlistRequest {
	out := make([]api.HotlistRequest, 0, len(rs))
	for _, r := range rs {
		if r.Status == api.RequestPending {
			out = append(out, r)
		}
	}
	for _, r := range rs {
		if r.Status != api.RequestPending {
			out = append(out, r)
		}
	}
	return out
}

// Requests are the requests on show.
func (v *HotlistsView) Requests() []api.HotlistRequest { return v.reqs }

// Entries are the active entries on show.
func (v *HotlistsView) Entries() []api.HotlistEntry { return v.entries }
