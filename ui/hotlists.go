package ui

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/ui/session"
)

// maxHotlistDays is the longest a hotlist entry runs (the store clamps too).
const maxHotlistDays = 30

// HotlistsView is the Hotlists screen: the request form, the user's
// requests (for an approver, the queue with approve and deny), and the
// active entries with their time left.
type HotlistsView struct {
	m       *MainScreen
	hs      session.HotlistSession
	content fyne.CanvasObject
	tabs    *container.AppTabs

	// the request form
	plate, report, desc, name, serial, days, contact *widget.Entry
	explanation, instructions                        *TextArea
	state                                            *widget.Select
	list                                             *widget.RadioGroup
	submit                                           *widget.Button
	formMsg                                          *widget.Label
	extends                                          string // request id the form extends

	// requests (own, or the approver's queue)
	reqs      []api.HotlistRequest
	reqList   *widget.List
	reqEmpty  *emptyList // reqList, or what appears there while it is empty
	reqDetail *widget.Label
	reason    *widget.Entry
	approve   *widget.Button
	deny      *widget.Button
	reqMsg    *widget.Label
	reqSel    int
	extend    *widget.Button

	// active entries
	entries   []api.HotlistEntry
	entList   *widget.List
	entEmpty  *emptyList
	entReason *widget.Entry
	remove    *widget.Button
	entMsg    *widget.Label
	entSel    int

	// OnLoaded is called after each load (the nav badge follows).
	OnLoaded func()
}

// Waiting counts the requests waiting for this approver's decision (0 for
// other roles).
func (v *HotlistsView) Waiting() int {
	if !v.approver() {
		return 0
	}
	return waiting(v.reqs, v.me().Username)
}

func newHotlistsView(m *MainScreen) *HotlistsView {
	v := &HotlistsView{m: m, hs: hotlistsOf(m.sess), reqSel: -1, entSel: -1,
		formMsg: errorText(), reqMsg: errorText(), entMsg: errorText()}
	form := v.buildForm()
	v.tabs = container.NewAppTabs(
		container.NewTabItem("Request", form),
		container.NewTabItem(v.requestsTitle(), v.buildRequests()),
		container.NewTabItem("Active entries", v.buildEntries()),
	)
	v.tabs.OnSelected = func(*container.TabItem) { v.load() }
	v.content = v.tabs
	if !v.canRequest() {
		v.tabs.Select(v.tabs.Items[1])
	}
	return v
}

func (v *HotlistsView) me() api.User { return v.m.sess.User() }

func (v *HotlistsView) approver() bool { return v.me().Role == api.RoleApprover }

func (v *HotlistsView) canRequest() bool {
	switch v.me().Role {
	case api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor, api.RoleApprover:
		return true
	}
	return false
}

func (v *HotlistsView) requestsTitle() string {
	if v.approver() {
		if n := v.Waiting(); n > 0 {
			return fmt.Sprintf("Approval queue (%d waiting)", n)
		}
		return "Approval queue"
	}
	return "My requests"
}

// buildForm lays out the request form with every field of the report, the
// fields scrolling above the message and the button.
func (v *HotlistsView) buildForm() fyne.CanvasObject {
	p := v.m.app.policy
	entry := func(ph string) *widget.Entry { e := widget.NewEntry(); e.SetPlaceHolder(ph); return e }
	v.plate = entry("7ABC123")
	v.state = widget.NewSelect(p.States, nil)
	v.state.SetSelected("CA")
	v.report = entry("26-012345")
	v.desc = entry("silver Toyota Camry sedan, dented rear bumper")
	v.explanation = newTextArea()
	v.explanation.SetPlaceHolder("Why this vehicle belongs on a hotlist: what happened, and its link to the case")
	v.explanation.SetMinRowsVisible(3)
	v.list = widget.NewRadioGroup([]string{"Alert (patrol and watch are notified)", "Covert (only you and approvers)"}, nil)
	v.list.SetSelected(v.list.Options[0])
	u := v.me()
	v.name = entry("Full name")
	v.name.SetText(u.DisplayName)
	v.serial = entry("Serial number")
	v.serial.SetText(u.Serial)
	v.days = entry("1 to 30")
	v.days.SetText(strconv.Itoa(maxHotlistDays))
	v.instructions = newTextArea()
	v.instructions.SetPlaceHolder("Optional: what a recipient of a hit should do")
	v.contact = entry("Optional: whom to contact (default: you)")
	v.submit = widget.NewButton("File request", v.onSubmit)
	v.submit.Importance = widget.HighImportance
	f := widget.NewForm(
		widget.NewFormItem("Plate", v.plate), widget.NewFormItem("State of issuance", v.state),
		widget.NewFormItem("Report number", v.report), widget.NewFormItem("Vehicle description", v.desc),
		widget.NewFormItem("Explanation", v.explanation), widget.NewFormItem("List", v.list),
		widget.NewFormItem("Requester name", v.name), widget.NewFormItem("Requester serial", v.serial),
		widget.NewFormItem("Days (at most 30)", v.days), widget.NewFormItem("Instructions", v.instructions),
		widget.NewFormItem("Contact", v.contact))
	head := widget.NewLabelWithStyle("Hotlist request — an approver decides; entries run at most 30 days", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	if !v.canRequest() {
		v.submit.Disable()
		setMsg(v.formMsg, "Your role does not file hotlist requests.")
	}
	// The fields scroll; the message and File request stay in sight under
	// them (a keyboard user's Tab does not scroll the form).
	return readingBorder(nil, container.NewVBox(v.formMsg, container.NewHBox(spacer(), v.submit)), nil, nil,
		container.NewVScroll(container.NewVBox(head, f)))
}

// Body returns the request the form describes.
func (v *HotlistsView) Body() api.HotlistRequestBody {
	days, _ := strconv.Atoi(strings.TrimSpace(v.days.Text))
	list := api.ListAlert
	if strings.HasPrefix(v.list.Selected, "Covert") {
		list = api.ListCovert
	}
	return api.HotlistRequestBody{Plate: plate.Normalize(v.plate.Text), State: v.state.Selected,
		ReportNumber: strings.TrimSpace(v.report.Text), VehicleDescription: strings.TrimSpace(v.desc.Text),
		Explanation: strings.TrimSpace(v.explanation.Text), List: list, RequesterName: strings.TrimSpace(v.name.Text),
		RequesterSerial: strings.TrimSpace(v.serial.Text), Days: days, Instructions: strings.TrimSpace(v.instructions.Text),
		Contact: strings.TrimSpace(v.contact.Text), Extends: v.extends}
}

// CheckHotlistRequest applies the store's rules to a request before it is
// sent, returning a sentence naming the first problem ("" when none).
func CheckHotlistRequest(p api.Policy, b api.HotlistRequestBody, daysText string) string {
	rn := p.ReportNumberPattern
	if rn == "" {
		rn = api.DefaultReportNumberPattern
	}
	re, err := regexp.Compile(rn)
	switch {
	case b.Plate == "" || !plate.Valid(b.Plate) || strings.ContainsAny(b.Plate, "*?"):
		return "Plate: give the plate as issued, letters and digits only (no wildcards)."
	case !slices.Contains(p.States, b.State):
		return "State of issuance: choose the state that issued the plate."
	case b.ReportNumber == "" || err != nil || !re.MatchString(b.ReportNumber):
		return "Report number: use the agency's format, such as 26-012345."
	case utf8.RuneCountInString(b.VehicleDescription) < 3:
		return "Vehicle description: describe the vehicle (colour, make, model, marks)."
	case utf8.RuneCountInString(b.Explanation) < max(p.MinPurposeLength, 15):
		return fmt.Sprintf("Explanation: say in at least %d characters what happened and why this vehicle is sought.", max(p.MinPurposeLength, 15))
	case b.RequesterName == "":
		return "Requester name: give the assigned investigator's name."
	case b.RequesterSerial == "":
		return "Requester serial: give the assigned investigator's serial number."
	case b.Days < 1:
		return fmt.Sprintf("Days: give a whole number of days, 1 to %d (not %q).", maxHotlistDays, strings.TrimSpace(daysText))
	}
	if e := p.CheckHotlistText(b); e != nil {
		return apiWords(e)
	}
	return ""
}

// onSubmit validates and files the request (through the outbox when the
// store is unreachable).
func (v *HotlistsView) onSubmit() {
	b := v.Body()
	if msg := CheckHotlistRequest(v.m.app.policy, b, v.days.Text); msg != "" {
		setMsg(v.formMsg, msg)
		return
	}
	note := ""
	if b.Days > maxHotlistDays {
		note = fmt.Sprintf(" %d days were asked; entries run at most %d, so the request is for %d.", b.Days, maxHotlistDays, maxHotlistDays)
	}
	v.submit.Disable()
	setMsg(v.formMsg, "")
	job := v.m.runs.startEach("hotlists.onSubmit", 30*time.Second)
	go func() {
		ctx := job.Context()
		req, queued, err := v.hs.RequestHotlist(ctx, b)
		job.apply(func() {
			v.submit.Enable()
			v.m.Status.Refresh()
			switch {
			case err != nil:
				setMsg(v.formMsg, "The request was not filed: "+Words(err))
			case queued:
				v.formMsg.Importance = widget.WarningImportance
				setMsg(v.formMsg, "The store is unreachable: the request waits in the outbox and is filed when it is back."+note)
			default:
				v.formMsg.Importance = widget.SuccessImportance
				msg := fmt.Sprintf("Filed as %s for %d days, pending an approver's decision.", req.ID, req.Days)
				if req.Notice != "" {
					msg += " " + req.Notice
				}
				setMsg(v.formMsg, msg)
				v.plate.SetText("")
				v.extends = ""
				v.load()
			}
		})
	}()
}

// FormMessage is the message under the form ("" when none).
func (v *HotlistsView) FormMessage() string {
	if !v.formMsg.Visible() {
		return ""
	}
	return v.formMsg.Text
}
