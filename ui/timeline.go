package ui

import (
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"os"
	"slices"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/mapview"
	"alprdesk/ui/session"
)

// Timeline map size in pixels.
const mapW, mapH = 760, 520

// TimelineView shows the sightings of one plate in time order on a map:
// numbered markers and the path (drawn by mapview), a list beside it kept
// in step with the map, a click on either opens the read's photo, and the
// map can be exported as PNG (recorded with the store first).
type TimelineView struct {
	m       *MainScreen
	content fyne.CanvasObject

	title    *widget.Label
	mapw     *mapWidget
	list     *widget.List
	msg      *widget.Label
	busy     *widget.Activity
	export   *widget.Button
	plate    string
	reads    []api.Read
	rendered *mapview.Map // the map on show
	shown    []api.Read   // the reads rendered is the map of (an export records these)
	selected string
	multi    bool // the results shown (all plates), not one plate
	opening  bool // showTimeline is showing the screen (the nav did not)

	// OnRendered is called after each map render (tests wait on it).
	OnRendered func()
}

func newTimelineView(m *MainScreen) *TimelineView {
	v := &TimelineView{m: m, msg: errorText()}
	v.title = widget.NewLabelWithStyle("Timeline", fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	v.mapw = newMapWidget(v.onMarker)
	v.list = widget.NewList(func() int { return len(v.reads) },
		func() fyne.CanvasObject {
			l := widget.NewLabel("00  Nov 00 00:00  camera name here")
			l.Truncation = fyne.TextTruncateEllipsis
			return l
		},
		func(i widget.ListItemID, o fyne.CanvasObject) {
			r := v.reads[i]
			mark := ""
			if r.Verification == nil {
				mark = "  · unverified"
			}
			who := ""
			if v.multi {
				who = plateOf(r) + "  "
			}
			o.(*widget.Label).SetText(fmt.Sprintf("%2d  %s%s  %s%s", i+1, who, r.CapturedAt.Local().Format("Jan 02 15:04"), r.Camera.Name, mark))
		})
	v.list.OnSelected = func(i widget.ListItemID) { v.open(i) }
	v.busy = widget.NewActivity()
	v.busy.Hide()
	v.export = widget.NewButtonWithIcon("Export PNG…", theme.DocumentSaveIcon(), v.onExport)
	back := widget.NewButtonWithIcon("Back to results", theme.NavigateBackIcon(), m.showSearch)
	head := container.NewBorder(nil, nil, back, container.NewHBox(v.busy, v.export), v.title)
	split := container.NewHSplit(v.mapw, v.list)
	split.Offset = 0.64
	v.content = container.NewBorder(container.NewVBox(head, v.msg), nil, nil, nil, split)
	return v
}

// Reads are the sightings on show, oldest first.
func (v *TimelineView) Reads() []api.Read { return v.reads }

// Map is the last rendered map (nil before the first render).
func (v *TimelineView) Map() *mapview.Map { return v.rendered }

// showTimeline opens the timeline of the selected row's plate.
func (m *MainScreen) showTimeline() {
	rows := m.Results.Rows()
	i := m.Results.Selected()
	if i < 0 || i >= len(rows) {
		m.showSearch()
		setMsg(m.resMsg, "Select a result first: the timeline shows every sighting of its plate.")
		return
	}
	m.Timeline.opening = true // show the view first, so that the map is drawn at its size
	m.reg.Show(screenTimeline)
	m.Timeline.opening = false
	m.Timeline.Load(rows[i].Read, rows)
}

// The timeline screen: from the navigation it shows the selected row's
// plate (Ctrl+T too).
func init() {
	registerScreen(ScreenDef{ID: screenTimeline, Title: "Timeline", Icon: theme.MediaFastForwardIcon(), Order: 20,
		Roles: api.SearchRoles, Place: Placement{CaseBar: true, Photo: true},
		New: func(d Deps) Screen {
			m := d.main
			return &viewScreen{content: m.Timeline.content, shown: func() {
				if !m.Timeline.opening {
					m.showTimeline()
				}
			}, focus: func() fyne.Focusable { return m.Timeline.list }}
		}})
}

// plateOf is the plate a read stands for: the verified text when a human
// corrected it, else the OCR text.
func plateOf(r api.Read) string {
	if p := verifiedPlate(r); p != "" {
		return p
	}
	return r.Plate
}

// Load shows every sighting among rows of sel's plate.
func (v *TimelineView) Load(sel api.Read, rows []Row) {
	v.plate = plateOf(sel)
	v.multi = false
	v.reads = v.reads[:0]
	for _, r := range rows {
		if plateOf(r.Read) == v.plate {
			v.reads = append(v.reads, r.Read)
		}
	}
	sort.SliceStable(v.reads, func(i, j int) bool { return v.reads[i].CapturedAt.Before(v.reads[j].CapturedAt) })
	v.selected = sel.ID
	v.title.SetText(fmt.Sprintf("Timeline · %s · %s, oldest (1) to newest (%d)", v.plate, plural(len(v.reads), "sighting"), len(v.reads)))
	v.list.Refresh()
	v.render()
}

// Refresh re-reads verification marks after a verdict.
func (v *TimelineView) Refresh() {
	rows := v.m.Results.Rows()
	byID := map[string]api.Read{}
	for _, r := range rows {
		byID[r.Read.ID] = r.Read
	}
	for i, r := range v.reads {
		if n, ok := byID[r.ID]; ok {
			v.reads[i] = n
		}
	}
	v.list.Refresh()
}

// render draws the map with mapview off the UI goroutine.
func (v *TimelineView) render() {
	job := v.m.runs.start("timeline.render", 60*time.Second)
	v.rendered, v.shown = nil, nil // until the new map is drawn, nothing can be exported
	drawn := slices.Clone(v.reads)
	sightings := make([]mapview.Sighting, len(v.reads))
	for i, r := range v.reads {
		sightings[i] = mapview.Sighting{ReadID: r.ID, Lat: r.Camera.Lat, Lon: r.Camera.Lon, At: r.CapturedAt}
	}
	opt := mapview.Options{Width: mapW, Height: mapH, TileURL: v.m.sess.TileURL()}
	if sz := v.mapw.Size(); sz.Width >= 320 && sz.Height >= 240 {
		opt.Width, opt.Height = int(sz.Width), int(sz.Height) // the attribution is drawn on the map
	}
	v.busy.Show()
	v.busy.Start()
	setMsg(v.msg, "")
	go func() {
		mp, err := mapview.Render(job.Context(), opt, sightings)
		job.apply(func() {
			v.busy.Stop()
			v.busy.Hide()
			if err != nil {
				setMsg(v.msg, "The map could not be drawn: "+Words(err))
				return
			}
			v.rendered, v.shown = mp, drawn
			v.mapw.set(mp)
			v.Highlight(v.selected)
			if v.OnRendered != nil {
				v.OnRendered()
			}
		})
	}()
}

// Highlight marks the read's marker and list row.
func (v *TimelineView) Highlight(readID string) {
	v.selected = readID
	for i, r := range v.reads {
		if r.ID == readID {
			v.mapw.highlight(i)
			v.list.OnSelected = nil
			v.list.Select(i)
			v.list.OnSelected = func(i widget.ListItemID) { v.open(i) }
			return
		}
	}
	v.mapw.highlight(-1)
}

// onMarker opens the photo of a clicked marker.
func (v *TimelineView) onMarker(i int) { v.open(i) }

// open selects sighting i in the results (which shows its photo).
func (v *TimelineView) open(i int) {
	if i < 0 || i >= len(v.reads) {
		return
	}
	id := v.reads[i].ID
	for j, r := range v.m.Results.Rows() {
		if r.Read.ID == id {
			v.m.Results.Select(j)
		}
	}
	v.Highlight(id)
}

// onExport asks where to save the PNG, records the export, then writes it.
func (v *TimelineView) onExport() {
	if v.rendered == nil {
		setMsg(v.msg, "Wait for the map to be drawn before exporting it.")
		return
	}
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		v.ExportTo(w, nil)
	}, v.m.app.win)
	d.SetFileName(fmt.Sprintf("timeline-%s-%s.png", v.plate, time.Now().Format("20060102-1504")))
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png"}))
	d.Show()
}

// ExportFile records the export with the store and writes the PNG to path
// (tests; the Export button goes through the file dialog).
func (v *TimelineView) ExportFile(path string, done func(error)) {
	f, err := os.Create(path)
	if err != nil {
		v.exported(timelineExport{path: path}, err)
		if done != nil {
			done(err)
		}
		return
	}
	v.ExportTo(f, done)
}

// timelineExport is everything an export needs, copied on the UI
// goroutine when the user asks for it: the map on show and the reads it
// shows, never what the view shows later.
type timelineExport struct {
	path  string
	req   api.ExportRequest
	image image.Image
}

// ExportTo records the export (the store retains the reads) and only then
// writes the PNG to w, which is closed either way. Opening another plate
// meanwhile changes nothing of this export.
func (v *TimelineView) ExportTo(w io.WriteCloser, done func(error)) {
	x := v.snapshot()
	if uw, ok := w.(fyne.URIWriteCloser); ok {
		x.path = uw.URI().Path()
	} else if f, ok := w.(*os.File); ok {
		x.path = f.Name()
	}
	v.export.Disable()
	job, sess := v.m.runs.startEach("timeline.export", 30*time.Second), v.m.sess
	go func() {
		err := writeTimeline(job.Context(), sess, x, w)
		job.apply(func() {
			v.exported(x, err)
			if done != nil {
				done(err)
			}
		})
	}()
}

// snapshot copies what an export of the map on show needs.
func (v *TimelineView) snapshot() timelineExport {
	ids := make([]string, len(v.shown))
	for i, r := range v.shown {
		ids[i] = r.ID
	}
	rn := v.m.lastReq.ReportNumber
	if c := v.m.Case.Active(); c != nil {
		rn = c.ReportNumber
	}
	x := timelineExport{req: api.ExportRequest{Kind: api.ExportTimelinePNG, SearchID: v.m.searchID, ReadIDs: ids, ReportNumber: rn}}
	if v.rendered != nil {
		x.image = v.rendered.Image
	}
	return x
}

// writeTimeline records the export and then encodes the image (off the UI
// goroutine; it reads only x).
func writeTimeline(ctx context.Context, sess session.Session, x timelineExport, w io.WriteCloser) error {
	defer w.Close()
	if x.image == nil {
		return inputError("Wait for the map to be drawn before exporting it.")
	}
	if _, err := sess.Export(ctx, x.req); err != nil {
		return err
	}
	return png.Encode(w, x.image)
}

func (v *TimelineView) exported(x timelineExport, err error) {
	v.export.Enable()
	if err != nil {
		setMsg(v.msg, "The map was not exported: "+Words(err))
		return
	}
	v.msg.Importance = widget.SuccessImportance
	setMsg(v.msg, fmt.Sprintf("Exported to %s. The export is recorded, and its %s are retained for case %s.", x.path, plural(len(x.req.ReadIDs), "read"), x.req.ReportNumber))
	v.msg.Importance = widget.DangerImportance
}

// mapWidget draws the map image scaled to fit, a ring around the
// highlighted marker, and turns a click near a marker into its index.
type mapWidget struct {
	widget.BaseWidget
	img   *canvas.Image
	ring  *canvas.Circle
	bg    *canvas.Rectangle
	mp    *mapview.Map
	pts   []image.Point
	size  image.Point
	hi    int
	onTap func(i int)
}

func newMapWidget(onTap func(int)) *mapWidget {
	w := &mapWidget{onTap: onTap, hi: -1}
	w.img = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, mapW, mapH)))
	w.img.FillMode = canvas.ImageFillContain
	w.img.ScaleMode = canvas.ImageScaleSmooth
	w.ring = canvas.NewCircle(color.Transparent)
	w.ring.StrokeColor = color.NRGBA{R: 0x00, G: 0xb0, B: 0xff, A: 0xff}
	w.ring.StrokeWidth = 3
	w.ring.Hide()
	w.bg = canvas.NewRectangle(theme.Color(theme.ColorNameInputBackground))
	w.ExtendBaseWidget(w)
	return w
}

func (w *mapWidget) set(mp *mapview.Map) {
	w.mp = mp
	w.img.Image = mp.Image
	w.size = mp.Image.Bounds().Size()
	w.pts = mp.Points
	w.img.Refresh()
	w.Refresh()
}

func (w *mapWidget) highlight(i int) {
	w.hi = i
	w.Refresh()
}

// transform gives the scale and offset of the image inside the widget.
func (w *mapWidget) transform() (scale float32, off fyne.Position) {
	s := w.Size()
	if w.size.X == 0 || w.size.Y == 0 {
		return 1, fyne.Position{}
	}
	scale = s.Width / float32(w.size.X)
	if sy := s.Height / float32(w.size.Y); sy < scale {
		scale = sy
	}
	off = fyne.NewPos((s.Width-float32(w.size.X)*scale)/2, (s.Height-float32(w.size.Y)*scale)/2)
	return scale, off
}

// MarkerPosition is where marker i sits in the widget.
func (w *mapWidget) MarkerPosition(i int) fyne.Position {
	sc, off := w.transform()
	p := w.pts[i]
	return fyne.NewPos(off.X+float32(p.X)*sc, off.Y+float32(p.Y)*sc)
}

// Tapped opens the marker under the pointer (mapview's hit test, in
// image pixels).
func (w *mapWidget) Tapped(e *fyne.PointEvent) {
	if w.mp == nil {
		return
	}
	sc, off := w.transform()
	p := image.Pt(int((e.Position.X-off.X)/sc+0.5), int((e.Position.Y-off.Y)/sc+0.5))
	if i := w.mp.Hit(p, 0); i >= 0 && w.onTap != nil {
		w.onTap(i)
	}
}

// MinSize lets the map shrink on small screens.
func (w *mapWidget) MinSize() fyne.Size { return fyne.NewSize(320, 240) }

func (w *mapWidget) CreateRenderer() fyne.WidgetRenderer {
	return &mapRenderer{w: w}
}

type mapRenderer struct{ w *mapWidget }

func (r *mapRenderer) Layout(s fyne.Size) {
	w := r.w
	w.bg.Resize(s)
	w.img.Resize(s)
	if w.hi >= 0 && w.hi < len(w.pts) {
		p := w.MarkerPosition(w.hi)
		const rad = 16
		w.ring.Move(fyne.NewPos(p.X-rad, p.Y-rad))
		w.ring.Resize(fyne.NewSize(2*rad, 2*rad))
		w.ring.Show()
	} else {
		w.ring.Hide()
	}
}

func (r *mapRenderer) MinSize() fyne.Size { return r.w.MinSize() }

func (r *mapRenderer) Refresh() {
	r.Layout(r.w.Size())
	canvas.Refresh(r.w.ring)
	canvas.Refresh(r.w.img)
}

func (r *mapRenderer) Objects() []fyne.CanvasObject {
	return []fyne.CanvasObject{r.w.bg, r.w.img, r.w.ring}
}

func (r *mapRenderer) Destroy() {}
