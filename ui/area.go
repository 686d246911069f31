package ui

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/mapview"
)

// The search area as a circle on the map (issue 5): "Area…" opens a map of
// the camera sites where a click sets the centre and a select the radius;
// the circle and the cameras inside it are drawn, and the search then asks
// the store for reads within the circle (instead of chosen cameras).

// areaRadii are the radii offered, in metres.
var areaRadii = []float64{250, 500, 1000, 2000}

// Area map size in pixels.
const areaW, areaH = 640, 460

// radiusLabel is "250 m" or "1 km".
func radiusLabel(m float64) string {
	if m >= 1000 {
		return fmt.Sprintf("%g km", m/1000)
	}
	return fmt.Sprintf("%g m", m)
}

// areaText describes an area for the form: "Area: 1 km around 37.80, -122.27".
func areaText(a *api.Area) string {
	return fmt.Sprintf("Area: %s around %.2f, %.2f", radiusLabel(a.RadiusM), a.Lat, a.Lon)
}

// distanceM is the great-circle distance in metres.
func distanceM(lat1, lon1, lat2, lon2 float64) float64 {
	return 1000 * mapview.DistanceKm(mapview.Sighting{Lat: lat1, Lon: lon1}, mapview.Sighting{Lat: lat2, Lon: lon2})
}

// initArea builds the Area… button and the area line under the form.
func (f *SearchForm) initArea() {
	f.areaBtn = widget.NewButtonWithIcon("Area…", theme.VisibilityIcon(), f.onArea)
	f.areaLabel = widget.NewLabel("")
	clear := widget.NewButton("clear", func() { f.SetArea(nil) })
	clear.Importance = widget.LowImportance
	f.areaRow = container.NewHBox(f.areaLabel, clear)
	f.areaRow.Hide()
}

// Area is the search area (nil: none).
func (f *SearchForm) Area() *api.Area { return f.area }

// SetArea sets the search area; an area replaces any chosen cameras.
func (f *SearchForm) SetArea(a *api.Area) {
	f.area = a
	if a == nil {
		f.areaRow.Hide()
		return
	}
	f.selectedCams = map[string]bool{}
	f.camBtn.SetText("All cameras")
	f.areaLabel.SetText(areaText(a))
	f.areaRow.Show()
}

// onArea opens the area picker.
func (f *SearchForm) onArea() {
	if len(f.cameras) == 0 {
		setMsg(f.msg, "The camera list is not loaded yet; try again in a moment.")
		return
	}
	f.picker = newAreaPicker(areaChoice{cams: f.cameras, tileURL: f.TileURL, initial: f.area, radii: areaRadii, apply: f.SetArea})
	f.picker.show(f.win, "Search area")
}

// areaChoice is what an area picker offers and where its answer goes.
type areaChoice struct {
	cams    []api.Camera
	tileURL string
	initial *api.Area // nil: none yet
	radii   []float64 // the radii offered, in metres, ascending
	apply   func(*api.Area)
}

// areaPicker is the map dialog behind "Area…" (and a scene's "Circle…").
type areaPicker struct {
	areaChoice
	content fyne.CanvasObject
	mapw    *tapImage
	radius  *widget.Select
	info    *widget.Label
	msg     *widget.Label
	dlg     dialog.Dialog
	runs    *runs // the dialog's background work (run.go)

	base   *image.RGBA // the rendered map, without the circle
	proj   mapview.Projection
	center *api.Area // the centre chosen (RadiusM from the select)
	inside []api.Camera

	// OnRendered is called when the map is drawn (tests wait on it).
	OnRendered func()
}

func newAreaPicker(c areaChoice) *areaPicker {
	p := &areaPicker{areaChoice: c, msg: errorText(), runs: newRuns()}
	if c.initial != nil {
		a := *c.initial
		p.center = &a
	}
	labels := make([]string, len(c.radii))
	for i, r := range c.radii {
		labels[i] = radiusLabel(r)
	}
	p.radius = widget.NewSelect(labels, func(string) { p.redraw() })
	p.radius.SetSelected(radiusLabel(min(1000, c.radii[len(c.radii)-1])))
	if p.center != nil {
		p.radius.SetSelected(radiusLabel(p.center.RadiusM))
	}
	p.info = widget.NewLabel("Click the map to set the centre of the area.")
	p.info.Wrapping = fyne.TextWrapWord
	p.mapw = newTapImage(p.onTap)
	head := container.NewHBox(widget.NewLabel("Radius"), fixedWidth(p.radius, 110))
	p.content = container.NewBorder(head, container.NewVBox(p.info, p.msg), nil, nil, p.mapw)
	return p
}

// show opens the picker in a dialog over win.
func (p *areaPicker) show(win fyne.Window, title string) {
	p.dlg = dialog.NewCustomConfirm(title, "Use this area", "Cancel", p.content, func(ok bool) {
		p.runs.stop() // a map drawn after the dialog closed is dropped
		if ok {
			p.onApply()
		}
	}, win)
	p.dlg.Resize(fyne.NewSize(areaW+40, areaH+160))
	p.dlg.Show()
	p.render()
}

// radiusM is the radius chosen.
func (p *areaPicker) radiusM() float64 {
	if i := p.radius.SelectedIndex(); i >= 0 && i < len(p.radii) {
		return p.radii[i]
	}
	return min(1000, p.radii[len(p.radii)-1])
}

// render draws the camera sites (named dots over the store's basemap)
// with mapview off the UI goroutine.
func (p *areaPicker) render() {
	cams := p.cams
	sites := make([]mapview.Site, len(cams))
	for i, c := range cams {
		sites[i] = mapview.Site{Lat: c.Lat, Lon: c.Lon, Label: c.Name}
	}
	// wide padding: room for the names beside the outer cameras
	opt := mapview.Options{Width: areaW, Height: areaH, TileURL: p.tileURL, Padding: 90}
	job := p.runs.start("area.render", 30*time.Second)
	go func() {
		mp, err := mapview.RenderSites(job.Context(), opt, sites)
		var proj mapview.Projection
		if err == nil {
			proj, err = mapview.Frame(opt, mapview.SiteSightings(sites))
		}
		job.apply(func() {
			if err != nil {
				setMsg(p.msg, "The map could not be drawn: "+Words(err))
				return
			}
			p.base = image.NewRGBA(mp.Image.Bounds())
			draw.Draw(p.base, p.base.Bounds(), mp.Image, mp.Image.Bounds().Min, draw.Src)
			p.proj = proj
			p.redraw()
			if p.OnRendered != nil {
				p.OnRendered()
			}
		})
	}()
}

// onTap sets the centre at the clicked map pixel.
func (p *areaPicker) onTap(pt image.Point) {
	if p.base == nil {
		return
	}
	lat, lon := p.proj.LatLon(pt)
	p.center = &api.Area{Lat: lat, Lon: lon}
	p.redraw()
}

// redraw draws the circle and marks the cameras inside it.
func (p *areaPicker) redraw() {
	if p.base == nil {
		return
	}
	img := image.NewRGBA(p.base.Bounds())
	copy(img.Pix, p.base.Pix)
	p.inside = nil
	if p.center != nil {
		p.center.RadiusM = p.radiusM()
		cx, cy := p.proj.Point(p.center.Lat, p.center.Lon)
		rpx := p.center.RadiusM / p.proj.MetresPerPixel(p.center.Lat)
		drawDisc(img, cx, cy, rpx)
		for _, c := range p.cams {
			if distanceM(p.center.Lat, p.center.Lon, c.Lat, c.Lon) <= p.center.RadiusM {
				p.inside = append(p.inside, c)
				x, y := p.proj.Point(c.Lat, c.Lon)
				drawRing(img, x, y, 15, 3, color.RGBA{0x10, 0xa0, 0x30, 0xff})
			}
		}
		p.info.SetText(fmt.Sprintf("%s · %s inside%s", areaText(p.center), plural(len(p.inside), "camera"), cameraNames(p.inside)))
	}
	p.mapw.setImage(img)
}

// cameraNames lists up to four camera names: ": A, B, C and 2 more".
func cameraNames(cs []api.Camera) string {
	if len(cs) == 0 {
		return ""
	}
	s := ": "
	for i, c := range cs {
		if i == 4 {
			return s + fmt.Sprintf(" and %d more", len(cs)-4)
		}
		if i > 0 {
			s += ", "
		}
		s += c.Name
	}
	return s
}

// onApply hands the chosen area to whoever asked.
func (p *areaPicker) onApply() {
	if p.center == nil {
		return
	}
	a := *p.center
	a.RadiusM = p.radiusM()
	p.apply(&a)
}

// drawDisc shades a translucent disc of radius r at (cx, cy) with an outline.
func drawDisc(img *image.RGBA, cx, cy, r float64) {
	b := img.Bounds()
	x0, x1 := max(b.Min.X, int(cx-r-2)), min(b.Max.X, int(cx+r+3))
	y0, y1 := max(b.Min.Y, int(cy-r-2)), min(b.Max.Y, int(cy+r+3))
	for y := y0; y < y1; y++ {
		for x := x0; x < x1; x++ {
			d := math.Hypot(float64(x)-cx, float64(y)-cy)
			switch {
			case d <= r && d > r-3:
				img.SetRGBA(x, y, color.RGBA{0x00, 0x60, 0xd0, 0xff})
			case d <= r:
				blend(img, x, y, color.RGBA{0x00, 0x78, 0xff, 0xff}, 0.18)
			}
		}
	}
	drawRing(img, cx, cy, 3, 3, color.RGBA{0x00, 0x60, 0xd0, 0xff})
}

// drawRing draws a ring of outer radius r and width w.
func drawRing(img *image.RGBA, cx, cy, r, w float64, c color.RGBA) {
	b := img.Bounds()
	for y := max(b.Min.Y, int(cy-r-1)); y < min(b.Max.Y, int(cy+r+2)); y++ {
		for x := max(b.Min.X, int(cx-r-1)); x < min(b.Max.X, int(cx+r+2)); x++ {
			if d := math.Hypot(float64(x)-cx, float64(y)-cy); d <= r && d > r-w {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

func blend(img *image.RGBA, x, y int, c color.RGBA, a float64) {
	o := img.RGBAAt(x, y)
	mix := func(p, q uint8) uint8 { return uint8(float64(p)*(1-a) + float64(q)*a) }
	img.SetRGBA(x, y, color.RGBA{mix(o.R, c.R), mix(o.G, c.G), mix(o.B, c.B), 0xff})
}

// tapImage shows an image scaled to fit and turns a click into the image
// pixel under it.
type tapImage struct {
	widget.BaseWidget
	img   *canvas.Image
	size  image.Point
	onTap func(image.Point)
}

func newTapImage(onTap func(image.Point)) *tapImage {
	w := &tapImage{onTap: onTap}
	w.img = canvas.NewImageFromImage(image.NewRGBA(image.Rect(0, 0, areaW, areaH)))
	w.img.FillMode = canvas.ImageFillContain
	w.size = image.Pt(areaW, areaH)
	w.ExtendBaseWidget(w)
	return w
}

func (w *tapImage) setImage(img image.Image) {
	w.img.Image = img
	w.size = img.Bounds().Size()
	w.img.Refresh()
}

// transform is the scale and offset of the image inside the widget.
func (w *tapImage) transform() (float32, fyne.Position) {
	s := w.Size()
	sc := min(s.Width/float32(w.size.X), s.Height/float32(w.size.Y))
	return sc, fyne.NewPos((s.Width-float32(w.size.X)*sc)/2, (s.Height-float32(w.size.Y)*sc)/2)
}

// PositionOf is where image pixel (x, y) sits in the widget.
func (w *tapImage) PositionOf(x, y float64) fyne.Position {
	sc, off := w.transform()
	return fyne.NewPos(off.X+float32(x)*sc, off.Y+float32(y)*sc)
}

// Tapped reports the image pixel under the pointer.
func (w *tapImage) Tapped(e *fyne.PointEvent) {
	sc, off := w.transform()
	if sc <= 0 || w.onTap == nil {
		return
	}
	w.onTap(image.Pt(int((e.Position.X-off.X)/sc+0.5), int((e.Position.Y-off.Y)/sc+0.5)))
}

// MinSize keeps the map usable on small screens.
func (w *tapImage) MinSize() fyne.Size { return fyne.NewSize(400, 290) }

func (w *tapImage) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(w.img) }
