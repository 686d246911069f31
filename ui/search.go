package ui

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// Time window presets of the search form.
const (
	window24h    = "Last 24 hours"
	window7d     = "Last 7 days"
	window30d    = "Last 30 days"
	windowCustom = "Custom…"
	timeLayout   = "2006-01-02 15:04"
)

// SearchForm collects a search: plate pattern, look-alikes, state, time
// window, vehicle attributes and cameras. It is disabled, saying why, until
// the case bar holds a valid case.
type SearchForm struct {
	policy  api.Policy
	cameras []api.Camera
	now     func() time.Time
	win     fyne.Window
	content fyne.CanvasObject

	plate    *widget.Entry
	fuzzy    *widget.Check
	state    *widget.Select
	window   *widget.Select
	from, to *widget.Entry
	custom   *fyne.Container
	color    *widget.Select
	make     *widget.Entry
	body     *widget.Select
	features *widget.CheckGroup
	more     *widget.Button
	camBtn   *widget.Button
	search   *widget.Button
	gate     *widget.Label
	msg      *widget.Label

	selectedCams map[string]bool
	enabled      bool

	// the area as a circle on the map (area.go)
	area      *api.Area
	areaBtn   *widget.Button
	areaLabel *widget.Label
	areaRow   *fyne.Container
	picker    *areaPicker

	// TileURL is the basemap of the area map (the store's /tiles).
	TileURL string

	// OnSearch runs a search built from the form.
	OnSearch func(req api.SearchRequest)
}

func withAny(any string, xs []string, label func(string) string) []string {
	out := []string{any}
	for _, x := range xs {
		out = append(out, label(x))
	}
	return out
}

func newSearchForm(p api.Policy, win fyne.Window, now func() time.Time) *SearchForm {
	f := &SearchForm{policy: p, win: win, now: now, selectedCams: map[string]bool{}, msg: errorText()}
	f.plate = widget.NewEntry()
	f.plate.SetPlaceHolder("Plate, e.g. 7AB*  (* any run · ? one character)")
	f.plate.OnSubmitted = func(string) { f.onSubmit() }
	f.plate.OnChanged = func(string) { f.onPlateChanged() }
	f.fuzzy = widget.NewCheck("Look-alikes", nil)
	f.state = widget.NewSelect(withAny("Any state", p.States, identity), nil)
	f.state.SetSelectedIndex(0)
	f.window = widget.NewSelect([]string{window24h, window7d, window30d, windowCustom}, f.onWindow)
	f.from, f.to = widget.NewEntry(), widget.NewEntry()
	f.from.SetPlaceHolder(timeLayout)
	f.to.SetPlaceHolder(timeLayout)
	f.from.OnSubmitted = func(string) { f.onSubmit() }
	f.to.OnSubmitted = func(string) { f.onSubmit() }
	f.custom = container.NewHBox(widget.NewLabel("From"), fixedWidth(f.from, 150), widget.NewLabel("to"), fixedWidth(f.to, 150))
	f.custom.Hide()
	f.window.SetSelected(window7d)
	f.color = widget.NewSelect(withAny("Any colour", p.Colors, categoryLabel), nil)
	f.color.SetSelectedIndex(0)
	f.make = widget.NewEntry()
	f.make.SetPlaceHolder("Make")
	f.make.OnSubmitted = func(string) { f.onSubmit() }
	f.body = widget.NewSelect(withAny("Any type", p.BodyTypes, categoryLabel), nil)
	f.body.SetSelectedIndex(0)
	f.features = widget.NewCheckGroup(mapStrings(p.Features, categoryLabel), func([]string) { f.updateMoreLabel() })
	f.features.Horizontal = true
	f.more = widget.NewButtonWithIcon("Features", theme.ListIcon(), f.onFeatures)
	f.camBtn = widget.NewButtonWithIcon("All cameras", theme.SearchIcon(), f.onCameras)
	f.initArea()
	f.search = widget.NewButtonWithIcon("Search", theme.SearchIcon(), f.onSubmit)
	f.search.Importance = widget.HighImportance
	f.gate = widget.NewLabel("")
	f.gate.Importance = widget.WarningImportance
	f.gate.Wrapping = fyne.TextWrapWord

	help := widget.NewButtonWithIcon("", theme.QuestionIcon(), f.onHelp)
	help.Importance = widget.LowImportance
	row1 := container.NewBorder(nil, nil, nil,
		container.NewHBox(help, f.fuzzy, fixedWidth(f.state, 110), f.search),
		f.plate)
	row2 := container.NewHBox(fixedWidth(f.window, 125), fixedWidth(f.color, 120), fixedWidth(f.make, 90),
		fixedWidth(f.body, 115), f.more, f.camBtn, f.areaBtn)
	f.content = container.NewVBox(row1, f.custom, row2, f.areaRow, f.msg, f.gate)
	f.SetGate(false, "Set the case above to search.")
	return f
}

func identity(s string) string { return s }

func mapStrings(xs []string, fn func(string) string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = fn(x)
	}
	return out
}

// onHelp explains plate patterns and look-alikes.
func (f *SearchForm) onHelp() {
	l := widget.NewLabel(patternHelp)
	l.Wrapping = fyne.TextWrapWord
	d := newInfoDialog("Plate patterns", l, f.win)
	d.Resize(fyne.NewSize(520, 260))
	d.Show()
}

// patternHelp explains wildcards and look-alikes.
const patternHelp = "* stands for any run of characters (also none), ? for exactly one. " +
	"Give at least 3 known characters: 7AB*, *C12?, 8?KN*.\n\n" +
	"Look-alikes also finds reads where the camera confused similar characters: " +
	"0 O D Q · 8 B · 1 I L · 5 S · 2 Z · 6 G."

// SetCameras gives the cameras for the camera picker.
func (f *SearchForm) SetCameras(cs []api.Camera) {
	f.cameras = append([]api.Camera(nil), cs...)
	sort.Slice(f.cameras, func(i, j int) bool { return f.cameras[i].Name < f.cameras[j].Name })
}

// Enabled reports whether searching is allowed.
func (f *SearchForm) Enabled() bool { return f.enabled }

// SetGate enables the form, or disables every control saying why.
func (f *SearchForm) SetGate(ok bool, why string) {
	f.enabled = ok
	type disabler interface {
		Enable()
		Disable()
	}
	for _, w := range []disabler{f.plate, f.fuzzy, f.state, f.window, f.from, f.to, f.color, f.make, f.body, f.features, f.more, f.camBtn, f.areaBtn, f.search} {
		if ok {
			w.Enable()
		} else {
			w.Disable()
		}
	}
	if ok {
		setMsg(f.gate, "")
	} else {
		setMsg(f.gate, why)
	}
}

// SetBusy disables the Search button while a search runs.
func (f *SearchForm) SetBusy(b bool) {
	if b || !f.enabled {
		f.search.Disable()
	} else {
		f.search.Enable()
	}
}

// FocusPlate puts the cursor in the plate field (Ctrl+L).
func (f *SearchForm) FocusPlate() {
	f.win.Canvas().Focus(f.plate)
	f.plate.DoubleTapped(nil) // select the text so typing replaces it
}

func (f *SearchForm) onWindow(s string) {
	if s == windowCustom {
		now := f.now()
		if f.from.Text == "" {
			f.from.SetText(now.Add(-7 * 24 * time.Hour).Format(timeLayout))
			f.to.SetText(now.Format(timeLayout))
		}
		f.custom.Show()
	} else {
		f.custom.Hide()
	}
}

// onPlateChanged explains a bad pattern as it is typed.
func (f *SearchForm) onPlateChanged() {
	t := strings.TrimSpace(f.plate.Text)
	if t == "" {
		setMsg(f.msg, "")
		return
	}
	if _, err := plate.ParsePattern(t); err != nil && len(plate.Normalize(t)) >= 3 {
		setMsg(f.msg, patternWords(err))
		return
	}
	setMsg(f.msg, "")
}

func patternWords(err error) string {
	var ae *api.Error
	if errors.As(err, &ae) {
		return apiWords(ae)
	}
	return Words(err)
}

func (f *SearchForm) updateMoreLabel() {
	if n := len(f.features.Selected); n > 0 {
		f.more.SetText(fmt.Sprintf("Features (%d)", n))
	} else {
		f.more.SetText("Features")
	}
}

// onFeatures opens the searchable features. Features that could tie a
// driver to a group (stickers, decals) are not offered: the policy does not
// make them searchable.
func (f *SearchForm) onFeatures() {
	note := widget.NewLabel("Only these features are searchable; stickers and decals are visible in photos but never searchable.")
	note.Wrapping = fyne.TextWrapWord
	f.features.Horizontal = false
	d := dialog.NewCustom("Vehicle features", "Done", container.NewVBox(note, f.features), f.win)
	d.Resize(fyne.NewSize(420, 420))
	d.Show()
}

// onCameras opens the camera multi-select.
func (f *SearchForm) onCameras() {
	names := make([]string, len(f.cameras))
	var sel []string
	for i, c := range f.cameras {
		names[i] = c.Name
		if f.selectedCams[c.ID] {
			sel = append(sel, c.Name)
		}
	}
	group := widget.NewCheckGroup(names, nil)
	group.SetSelected(sel)
	scroll := container.NewVScroll(group)
	scroll.SetMinSize(fyne.NewSize(380, 360))
	clear := widget.NewButton("All cameras", func() { group.SetSelected(nil) })
	d := dialog.NewCustomConfirm("Cameras", "Use these", "Cancel",
		container.NewBorder(widget.NewLabel("Search only at the ticked cameras (none ticked = all):"), clear, nil, nil, scroll),
		func(ok bool) {
			if !ok {
				return
			}
			f.selectedCams = map[string]bool{}
			chosen := map[string]bool{}
			for _, n := range group.Selected {
				chosen[n] = true
			}
			for _, c := range f.cameras {
				if chosen[c.Name] {
					f.selectedCams[c.ID] = true
				}
			}
			if n := len(f.selectedCams); n > 0 {
				f.SetArea(nil) // cameras replace the area
				f.camBtn.SetText(fmt.Sprintf("%d cameras", n))
			} else {
				f.camBtn.SetText("All cameras")
			}
		}, f.win)
	d.Show()
}

// onSubmit builds the request and hands it to OnSearch.
func (f *SearchForm) onSubmit() {
	if !f.enabled {
		return
	}
	req, err := f.Request()
	if err != nil {
		setMsg(f.msg, patternWords(err))
		return
	}
	setMsg(f.msg, "")
	if f.OnSearch != nil {
		f.OnSearch(req)
	}
}

// Request builds the search request from the form (without case context).
func (f *SearchForm) Request() (api.SearchRequest, error) {
	var r api.SearchRequest
	if t := strings.TrimSpace(f.plate.Text); t != "" {
		if _, err := plate.ParsePattern(t); err != nil {
			return r, err
		}
		r.Plate = plate.Normalize(t)
	}
	r.Fuzzy = f.fuzzy.Checked
	r.State = f.choice(f.state, f.policy.States)
	r.Color = f.choice(f.color, f.policy.Colors)
	r.BodyType = f.choice(f.body, f.policy.BodyTypes)
	r.Make = strings.TrimSpace(f.make.Text)
	for _, s := range f.features.Selected {
		for _, feat := range f.policy.Features {
			if categoryLabel(feat) == s {
				r.Features = append(r.Features, feat)
			}
		}
	}
	for _, c := range f.cameras {
		if f.selectedCams[c.ID] {
			r.CameraIDs = append(r.CameraIDs, c.ID)
		}
	}
	if f.area != nil { // the circle replaces chosen cameras
		a := *f.area
		r.Area, r.CameraIDs = &a, nil
	}
	from, to, err := f.span()
	if err != nil {
		return r, err
	}
	r.From, r.To = &from, &to
	return r, nil
}

// choice maps a select's label back to the vocabulary word ("" for Any).
func (f *SearchForm) choice(s *widget.Select, vocab []string) string {
	i := s.SelectedIndex()
	if i <= 0 || i > len(vocab) {
		return ""
	}
	return vocab[i-1]
}

// The search screen: the form over the results; the case bar above, the
// photo panel beside. A detective lands here.
func init() {
	registerScreen(ScreenDef{ID: screenSearch, Title: "Search", Icon: theme.SearchIcon(), Order: 10,
		Roles: api.SearchRoles, Landing: []string{api.RoleDetective}, Place: Placement{CaseBar: true, Photo: true},
		New: func(d Deps) Screen {
			m := d.main
			return &viewScreen{content: m.results, focus: m.caseOrPlate}
		}})
}

// caseOrPlate is where a searching screen puts the cursor: the case bar
// until a case is set, then the plate field.
func (m *MainScreen) caseOrPlate() fyne.Focusable {
	if m.Case.Active() == nil {
		return m.Case.report
	}
	return m.Form.plate
}

// span is the time window of the search.
func (f *SearchForm) span() (time.Time, time.Time, error) {
	now := f.now().UTC()
	switch f.window.Selected {
	case window24h:
		return now.Add(-24 * time.Hour), now, nil
	case window30d:
		return now.Add(-30 * 24 * time.Hour), now, nil
	case windowCustom:
		from, err := time.ParseInLocation(timeLayout, strings.TrimSpace(f.from.Text), time.Local)
		if err != nil {
			return now, now, inputErrorf("The From time must look like %s.", now.Local().Format(timeLayout))
		}
		to, err := time.ParseInLocation(timeLayout, strings.TrimSpace(f.to.Text), time.Local)
		if err != nil {
			return now, now, inputErrorf("The To time must look like %s.", now.Local().Format(timeLayout))
		}
		if !to.After(from) {
			return now, now, inputError("The To time must come after the From time.")
		}
		return from.UTC(), to.UTC(), nil
	}
	return now.Add(-7 * 24 * time.Hour), now, nil
}
