package ui

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
)

// sceneRadii are the circle radii a scene offers (at most 1 km).
var sceneRadii = []float64{250, 500, 1000}

// sceneWindows are the window lengths a scene offers (at most 6 hours).
var sceneWindows = []time.Duration{30 * time.Minute, time.Hour, 2 * time.Hour, 4 * time.Hour, 6 * time.Hour}

// windowLabel is "30 min" or "2 h".
func windowLabel(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%d min", int(d.Minutes()))
	}
	return fmt.Sprintf("%g h", d.Hours())
}

// sceneRow is one scene of the common-plates form: a place (a circle or
// cameras) and a window.
type sceneRow struct {
	v       *AnalysesView
	content fyne.CanvasObject
	title   *widget.Label
	place   *widget.Label
	from    *widget.Entry
	length  *widget.Select
	circle  *widget.Button
	cams    *widget.Button
	remove  *widget.Button
	picker  *areaPicker
	filter  *escEntry // the camera dialog's filter, while it is open

	area      *api.Area
	cameraIDs []string
}

func newSceneRow(v *AnalysesView, from time.Time) *sceneRow {
	r := &sceneRow{v: v, title: widget.NewLabelWithStyle("", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		place: widget.NewLabel("No place yet")}
	r.from = widget.NewEntry()
	r.from.SetPlaceHolder(timeLayout)
	r.from.SetText(from.Local().Format(timeLayout))
	r.from.OnSubmitted = func(string) { v.onRun() }
	labels := make([]string, len(sceneWindows))
	for i, d := range sceneWindows {
		labels[i] = windowLabel(d)
	}
	r.length = widget.NewSelect(labels, nil)
	r.length.SetSelected(windowLabel(time.Hour))
	r.circle = widget.NewButtonWithIcon("Circle…", theme.VisibilityIcon(), r.onCircle)
	r.cams = widget.NewButtonWithIcon("Cameras…", theme.ListIcon(), r.onCameras)
	r.remove = widget.NewButtonWithIcon("", theme.DeleteIcon(), func() { v.removeScene(r) })
	r.remove.Importance = widget.LowImportance
	when := container.NewHBox(widget.NewLabel("from"), fixedWidth(r.from, 150), widget.NewLabel("for"), fixedWidth(r.length, 90))
	r.content = container.NewBorder(nil, nil, fixedWidth(r.title, 70), container.NewVBox(container.NewHBox(r.circle, r.cams, r.remove)),
		container.NewVBox(when, r.place))
	return r
}

// onCircle opens the map to draw the scene's circle (at most 1 km).
func (r *sceneRow) onCircle() {
	if len(r.v.cameras) == 0 {
		setMsg(r.v.msg, "The camera list is not loaded yet; try again in a moment.")
		return
	}
	r.picker = newAreaPicker(areaChoice{cams: r.v.cameras, tileURL: r.v.tileURL, initial: r.area, radii: sceneRadii, apply: r.setArea})
	r.picker.show(r.v.win, strings.TrimSpace(r.title.Text)+": circle on the map")
}

// setArea makes the scene a circle.
func (r *sceneRow) setArea(a *api.Area) {
	r.area, r.cameraIDs = a, nil
	inside := 0
	for _, c := range r.v.cameras {
		if distanceM(a.Lat, a.Lon, c.Lat, c.Lon) <= a.RadiusM {
			inside++
		}
	}
	r.place.SetText(fmt.Sprintf("%s · %s inside", areaText(a), plural(inside, "camera")))
}

// onCameras lets the user tick the scene's cameras, or find them from the
// keyboard: the cursor starts in a filter, and Enter there uses the ticked
// cameras with those whose name matches.
func (r *sceneRow) onCameras() {
	names := make([]string, len(r.v.cameras))
	for i, c := range r.v.cameras {
		names[i] = c.Name + " (" + c.ID + ")"
	}
	check := widget.NewCheckGroup(names, nil)
	for i, c := range r.v.cameras {
		if slices.Contains(r.cameraIDs, c.ID) {
			check.Selected = append(check.Selected, names[i])
		}
	}
	ticked := func(also []string) []string {
		var ids []string
		for i, c := range r.v.cameras {
			if slices.Contains(check.Selected, names[i]) || slices.Contains(also, c.ID) {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}
	var d dialog.Dialog
	filter := newEscEntry(func() { d.Hide() })
	r.filter = filter
	filter.SetPlaceHolder("type part of a camera's name; Enter uses the ticked cameras and the matches")
	matches := widget.NewLabel("")
	matches.Wrapping = fyne.TextWrapWord
	filter.OnChanged = func(q string) { matches.SetText(r.matchText(q)) }
	filter.OnSubmitted = func(q string) {
		found := r.matching(q)
		if len(found) == 0 && len(check.Selected) == 0 {
			matches.SetText("No camera matches; tick cameras or change the text.")
			return
		}
		r.setCameras(ticked(found))
		d.Hide()
	}
	list := container.NewVScroll(check)
	list.SetMinSize(fyne.NewSize(420, 320))
	body := container.NewBorder(container.NewVBox(filter, matches), nil, nil, nil, list)
	d = dialog.NewCustomConfirm(strings.TrimSpace(r.title.Text)+": cameras", "Use these cameras", "Cancel", body, func(ok bool) {
		if ok {
			r.setCameras(ticked(nil))
		}
	}, r.v.win)
	d.Show()
	r.v.win.Canvas().Focus(filter)
}

// matching lists the ids of the cameras whose name or id contains q
// (ignoring case); none for a blank q.
func (r *sceneRow) matching(q string) []string {
	q = strings.ToLower(strings.TrimSpace(q))
	if q == "" {
		return nil
	}
	var ids []string
	for _, c := range r.v.cameras {
		if strings.Contains(strings.ToLower(c.Name), q) || strings.Contains(strings.ToLower(c.ID), q) {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

// matchText says which cameras the filter q matches.
func (r *sceneRow) matchText(q string) string {
	ids := r.matching(q)
	switch {
	case strings.TrimSpace(q) == "":
		return ""
	case len(ids) == 0:
		return "No camera matches."
	}
	return "Matches: " + r.v.cameraNames(ids) + "."
}

// setCameras makes the scene a list of cameras.
func (r *sceneRow) setCameras(ids []string) {
	r.area, r.cameraIDs = nil, ids
	if len(ids) == 0 {
		r.place.SetText("No place yet")
		return
	}
	r.place.SetText(fmt.Sprintf("Cameras: %s", r.v.cameraNames(ids)))
}

// scene reads the row into a scene, or says what is missing.
func (r *sceneRow) scene() (api.Scene, string) {
	name := strings.TrimSpace(r.title.Text)
	if r.area == nil && len(r.cameraIDs) == 0 {
		return api.Scene{}, name + " has no place: draw a circle or choose cameras."
	}
	from, err := time.ParseInLocation(timeLayout, strings.TrimSpace(r.from.Text), time.Local)
	if err != nil {
		return api.Scene{}, fmt.Sprintf("%s: write the start as %s, such as %s.", name, timeLayout, time.Now().Format(timeLayout))
	}
	d := sceneWindows[max(0, r.length.SelectedIndex())]
	return api.Scene{Area: r.area, CameraIDs: slices.Clone(r.cameraIDs), From: from.UTC(), To: from.Add(d).UTC()}, ""
}
