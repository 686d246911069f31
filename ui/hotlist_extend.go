package ui

import (
	"fmt"
	"strconv"

	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
)

// An extension of a hotlist entry is a new request that links the old one
// (issue 6): "Extend…" on an approved request whose entry is still active
// opens the request form prefilled from it, with Extends set to its id.

// newExtendButton is the "Extend…" action of the requests pane.
func (v *HotlistsView) newExtendButton() *widget.Button {
	b := widget.NewButtonWithIcon("Extend…", theme.HistoryIcon(), func() {
		if v.reqSel >= 0 && v.reqSel < len(v.reqs) {
			v.Extend(v.reqs[v.reqSel])
		}
	})
	b.Disable()
	return b
}

// activeEntryOf is the active entry created by request r, if any.
func (v *HotlistsView) activeEntryOf(r api.HotlistRequest) (api.HotlistEntry, bool) {
	for _, e := range v.entries {
		if e.RequestID == r.ID || (r.EntryID != "" && e.ID == r.EntryID) {
			return e, true
		}
	}
	return api.HotlistEntry{}, false
}

// canExtend reports whether r may be extended: approved, its entry still
// active, and the user files requests.
func (v *HotlistsView) canExtend(r api.HotlistRequest) bool {
	if r.Status != api.RequestApproved || !v.canRequest() {
		return false
	}
	_, ok := v.activeEntryOf(r)
	return ok
}

// updateExtend enables "Extend…" for the selected request.
func (v *HotlistsView) updateExtend() {
	if v.reqSel >= 0 && v.reqSel < len(v.reqs) && v.canExtend(v.reqs[v.reqSel]) {
		v.extend.Enable()
		return
	}
	v.extend.Disable()
}

// Extend opens the request form prefilled from old, as an extension of it.
func (v *HotlistsView) Extend(old api.HotlistRequest) {
	v.plate.SetText(old.Plate)
	v.state.SetSelected(old.State)
	v.report.SetText(old.ReportNumber)
	v.desc.SetText(old.VehicleDescription)
	v.explanation.SetText(old.Explanation)
	if old.List == api.ListCovert {
		v.list.SetSelected(v.list.Options[1])
	} else {
		v.list.SetSelected(v.list.Options[0])
	}
	v.name.SetText(old.RequesterName)
	v.serial.SetText(old.RequesterSerial)
	v.days.SetText(strconv.Itoa(maxHotlistDays))
	v.instructions.SetText(old.Instructions)
	v.contact.SetText(old.Contact)
	v.extends = old.ID
	left := ""
	if e, ok := v.activeEntryOf(old); ok {
		left = " (its entry has " + timeLeft(e.ExpiresAt.Sub(v.m.app.cfg.Now())) + " left)"
	}
	v.formMsg.Importance = widget.MediumImportance
	setMsg(v.formMsg, fmt.Sprintf("Extension of request %s%s: a new request an approver decides; change the explanation if the case moved on.", old.ID, left))
	v.tabs.SelectIndex(0)
}

// Extends is the request the form extends ("" for a new request).
func (v *HotlistsView) Extends() string { return v.extends }
