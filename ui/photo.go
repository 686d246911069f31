package ui

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	_ "image/jpeg" // read photos are JPEG
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	xdraw "golang.org/x/image/draw"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// photoW and photoH are the photo's size at zoom 1 in the panel.
const photoW, photoH = 400, 225

// PhotoPanel shows the selected read for human verification: the photo
// (zoomable), the plate crop enlarged beside the OCR text and confidence,
// the four verdicts (keys 1-4) and the switched-plate and clone warnings.
type PhotoPanel struct {
	win     fyne.Window
	states  []string
	content fyne.CanvasObject

	photo    *canvas.Image
	photoBox *fyne.Container
	scroll   *container.Scroll
	crop     *canvas.Image
	ocr      *widget.Label
	conf     *widget.Label
	status   *widget.Label
	info     *widget.Label
	warnings *widget.Label
	msg      *widget.Label
	buttons  []*widget.Button
	zoom     float32

	row  *Row
	full image.Image

	// OnVerdict records a verdict for the shown read.
	OnVerdict func(v api.VerificationRequest)
	// OnOpenPhoto is unused by the panel itself; kept for symmetry with the timeline.
}

func newPhotoPanel(win fyne.Window, states []string) *PhotoPanel {
	p := &PhotoPanel{win: win, states: states, zoom: 1, msg: errorText()}
	p.photo = canvas.NewImageFromImage(blank(photoW, photoH))
	p.photo.FillMode = canvas.ImageFillContain
	p.photo.SetMinSize(fyne.NewSize(photoW, photoH))
	p.photoBox = container.NewCenter(p.photo)
	p.scroll = container.NewScroll(p.photoBox)
	p.scroll.SetMinSize(fyne.NewSize(photoW, photoH))
	zin := widget.NewButtonWithIcon("", theme.ZoomInIcon(), func() { p.setZoom(p.zoom * 1.5) })
	zout := widget.NewButtonWithIcon("", theme.ZoomOutIcon(), func() { p.setZoom(p.zoom / 1.5) })
	zfit := widget.NewButtonWithIcon("", theme.ZoomFitIcon(), func() { p.setZoom(1) })
	p.crop = canvas.NewImageFromImage(blank(220, 70))
	p.crop.FillMode = canvas.ImageFillContain
	p.crop.SetMinSize(fyne.NewSize(220, 70))
	p.ocr = widget.NewLabelWithStyle("—", fyne.TextAlignLeading, fyne.TextStyle{Monospace: true})
	p.ocr.SizeName = theme.SizeNameHeadingText
	p.conf = widget.NewLabel("")
	p.status = widget.NewLabel("Select a result to see its photo.")
	p.status.Wrapping = fyne.TextWrapWord
	p.info = widget.NewLabel("")
	p.info.Wrapping = fyne.TextWrapWord
	p.warnings = widget.NewLabel("")
	p.warnings.Wrapping = fyne.TextWrapWord
	p.warnings.Importance = widget.WarningImportance
	p.warnings.Hide()
	p.buttons = []*widget.Button{
		widget.NewButtonWithIcon("1 Confirm", theme.ConfirmIcon(), p.onConfirm),
		widget.NewButtonWithIcon("2 Misread…", theme.DocumentCreateIcon(), p.onMisread),
		widget.NewButtonWithIcon("3 Wrong state…", theme.DocumentCreateIcon(), p.onWrongState),
		widget.NewButtonWithIcon("4 Unreadable", theme.VisibilityOffIcon(), p.onUnreadable),
	}
	p.buttons[0].Importance = widget.SuccessImportance
	verdicts := container.NewGridWithColumns(2)
	for _, b := range p.buttons {
		b.Disable()
		verdicts.Add(b)
	}
	crop := container.NewHBox(p.crop, container.NewVBox(widget.NewLabel("OCR read"), p.ocr, p.conf))
	head := container.NewBorder(nil, nil, widget.NewLabelWithStyle("Photo", fyne.TextAlignLeading, fyne.TextStyle{Bold: true}),
		container.NewHBox(zout, zfit, zin))
	keys := widget.NewLabel("Keys: 1-4 verdict · Up/Down next read")
	keys.Importance = widget.LowImportance
	p.content = container.NewBorder(container.NewVBox(head, p.scroll, crop), nil, nil, nil,
		container.NewVScroll(container.NewVBox(p.status, verdicts, keys, p.warnings, p.info, p.msg)))
	return p
}

// blank is a neutral placeholder image of the given aspect.
func blank(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w/8, h/8))
	c := color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0x30}
	for i := 0; i < len(img.Pix); i += 4 {
		img.Pix[i], img.Pix[i+1], img.Pix[i+2], img.Pix[i+3] = c.R, c.G, c.B, c.A
	}
	return img
}

func (p *PhotoPanel) setZoom(z float32) {
	if z < 1 {
		z = 1
	}
	if z > 6 {
		z = 6
	}
	p.zoom = z
	p.photo.SetMinSize(fyne.NewSize(photoW*z, photoH*z))
	p.photoBox.Refresh()
	p.scroll.Refresh()
}

// Row is the read on show, or nil.
func (p *PhotoPanel) Row() *Row { return p.row }

// Show shows a read (its photo arrives later through SetPhoto).
func (p *PhotoPanel) Show(row Row, warnings []string) {
	same := p.row != nil && p.row.Read.ID == row.Read.ID
	p.row = &row
	r := row.Read
	if !same { // a new read: its photo is on the way
		p.full = nil
		p.photo.Image = blank(photoW, photoH)
		p.photo.Refresh()
		p.crop.Image = blank(220, 70)
		p.crop.Refresh()
	}
	p.ocr.SetText(r.Plate + "  " + r.State)
	p.conf.SetText(fmt.Sprintf("confidence %.2f", r.Confidence))
	txt, _ := statusText(row)
	p.status.SetText("Verification: " + txt)
	if row.Read.Verification == nil {
		p.status.Importance = widget.DangerImportance
		p.status.SetText("UNVERIFIED — compare the photo with the OCR text and record a verdict.")
	} else {
		p.status.Importance = widget.SuccessImportance
		if v := row.Read.Verification; v.By != "" {
			p.status.SetText(fmt.Sprintf("Verified: %s (by %s)", txt, v.By))
		}
	}
	info := []string{
		r.CapturedAt.Local().Format("Mon Jan 2 2006 15:04:05"),
		r.Camera.Name,
		strings.TrimSpace(vehicleText(r)),
	}
	if len(r.Features) > 0 {
		info = append(info, "features: "+strings.ReplaceAll(strings.Join(r.Features, ", "), "_", " "))
	}
	if len(r.FuzzySubstitutions) > 0 {
		var subs []string
		for _, s := range r.FuzzySubstitutions {
			subs = append(subs, fmt.Sprintf("%s read as %s (position %d)", s.Want, s.Got, s.Position+1))
		}
		info = append(info, "look-alike match: "+strings.Join(subs, "; "))
	}
	p.info.SetText(strings.Join(info, "\n"))
	p.SetWarnings(warnings)
	setMsg(p.msg, "")
	for _, b := range p.buttons {
		b.Enable()
	}
}

// Clear empties the panel, as before any read was selected.
func (p *PhotoPanel) Clear() {
	p.row, p.full = nil, nil
	p.photo.Image = blank(photoW, photoH)
	p.photo.Refresh()
	p.crop.Image = blank(220, 70)
	p.crop.Refresh()
	p.ocr.SetText("—")
	p.conf.SetText("")
	p.status.Importance = widget.MediumImportance
	p.status.SetText("Select a result to see its photo.")
	p.info.SetText("")
	p.SetWarnings(nil)
	setMsg(p.msg, "")
	for _, b := range p.buttons {
		b.Disable()
	}
}

// SetWarnings shows the switched-plate / clone warnings.
func (p *PhotoPanel) SetWarnings(w []string) {
	if len(w) == 0 {
		p.warnings.Hide()
		return
	}
	p.warnings.SetText("Warning: " + strings.Join(w, "\nWarning: "))
	p.warnings.Show()
}

// Warnings is the warning text on show ("" when none).
func (p *PhotoPanel) Warnings() string {
	if !p.warnings.Visible() {
		return ""
	}
	return p.warnings.Text
}

// decodedPhoto is a read's photo decoded off the UI goroutine, with its
// enlarged plate crop (nil when the read has no plate box).
type decodedPhoto struct {
	full, crop image.Image
}

// errPhotoDamaged is a photo that does not decode.
var errPhotoDamaged = inputError("The photo could not be decoded; it may be damaged on the store.")

// decodePhoto decodes a JPEG and cuts its plate crop; it runs on the
// goroutine that fetched the photo, never on the UI goroutine. A fetch
// error passes through.
func decodePhoto(jpeg []byte, box api.Box, err error) (decodedPhoto, error) {
	if err != nil {
		return decodedPhoto{}, err
	}
	img, _, derr := image.Decode(bytes.NewReader(jpeg))
	if derr != nil {
		return decodedPhoto{}, errPhotoDamaged
	}
	return decodedPhoto{full: img, crop: plateCrop(img, box, 4)}, nil
}

// SetImage shows a decoded photo and its plate crop.
func (p *PhotoPanel) SetImage(ph decodedPhoto) {
	p.full = ph.full
	p.photo.Image = ph.full
	p.photo.Refresh()
	if ph.crop != nil {
		p.crop.Image = ph.crop
		p.crop.Refresh()
	}
}

// SetError shows a problem with the read (photo failed, verdict refused).
func (p *PhotoPanel) SetError(words string) { setMsg(p.msg, words) }

// SetNote shows a neutral note under the verdicts.
func (p *PhotoPanel) SetNote(words string) {
	p.msg.Importance = widget.MediumImportance
	setMsg(p.msg, words)
	p.msg.Importance = widget.DangerImportance
}

// plateCrop cuts the plate box (with a small margin) out of img and
// enlarges it by scale.
func plateCrop(img image.Image, b api.Box, scale int) image.Image {
	if b.W <= 0 || b.H <= 0 {
		return nil
	}
	mx, my := b.W/8+2, b.H/4+2
	r := image.Rect(b.X-mx, b.Y-my, b.X+b.W+mx, b.Y+b.H+my).Intersect(img.Bounds())
	if r.Empty() {
		return nil
	}
	dst := image.NewRGBA(image.Rect(0, 0, r.Dx()*scale, r.Dy()*scale))
	xdraw.CatmullRom.Scale(dst, dst.Bounds(), img, r, xdraw.Src, nil)
	return dst
}

// Verdict handlers (buttons and keys 1-4).

func (p *PhotoPanel) send(v api.VerificationRequest) {
	if p.row == nil || p.OnVerdict == nil {
		return
	}
	p.OnVerdict(v)
}

func (p *PhotoPanel) onConfirm() { p.send(api.VerificationRequest{Status: api.VerifyConfirmed}) }

func (p *PhotoPanel) onUnreadable() { p.send(api.VerificationRequest{Status: api.VerifyUnreadable}) }

// onMisread asks for the plate as the photo shows it.
func (p *PhotoPanel) onMisread() {
	if p.row == nil {
		return
	}
	var d dialog.Dialog
	e := newEscEntry(func() { d.Hide() })
	e.SetText(p.row.Read.Plate)
	msg := errorText()
	submit := func() {
		cp := plate.Normalize(e.Text)
		if !plate.Valid(cp) || cp == p.row.Read.Plate {
			setMsg(msg, "Type the plate exactly as the photo shows it (letters and digits, different from the OCR text).")
			return
		}
		d.Hide()
		p.send(api.VerificationRequest{Status: api.VerifyMisread, CorrectedPlate: cp})
	}
	e.OnSubmitted = func(string) { submit() }
	body := container.NewVBox(widget.NewLabel("The OCR read "+p.row.Read.Plate+". Type the plate as the photo shows it:"), e, msg)
	d = dialog.NewCustomConfirm("Misread plate", "Record", "Cancel", body, func(ok bool) {
		if ok {
			submit()
		}
	}, p.win)
	d.Show()
	p.win.Canvas().Focus(e)
}

// onWrongState asks for the right state of issuance.
func (p *PhotoPanel) onWrongState() {
	if p.row == nil {
		return
	}
	sel := widget.NewSelect(p.states, nil)
	cur := p.row.Read.State
	d := dialog.NewCustomConfirm("Wrong state", "Record", "Cancel",
		container.NewVBox(widget.NewLabel("The OCR gave state "+cur+". Pick the state the plate shows:"), sel),
		func(ok bool) {
			if ok && sel.Selected != "" && sel.Selected != cur {
				p.send(api.VerificationRequest{Status: api.VerifyWrongState, CorrectedState: sel.Selected})
			}
		}, p.win)
	d.Show()
}

// KeyVerdict handles the keys 1-4; it reports whether the key was used.
func (p *PhotoPanel) KeyVerdict(r rune) bool {
	if p.row == nil {
		return false
	}
	switch r {
	case '1':
		p.onConfirm()
	case '2':
		p.onMisread()
	case '3':
		p.onWrongState()
	case '4':
		p.onUnreadable()
	default:
		return false
	}
	return true
}

// escEntry is an entry whose Escape key cancels its dialog.
type escEntry struct {
	widget.Entry
	onEsc func()
}

func newEscEntry(onEsc func()) *escEntry {
	e := &escEntry{onEsc: onEsc}
	e.ExtendBaseWidget(e)
	return e
}

// TypedKey cancels on Escape.
func (e *escEntry) TypedKey(k *fyne.KeyEvent) {
	if k.Name == fyne.KeyEscape && e.onEsc != nil {
		e.onEsc()
		return
	}
	e.Entry.TypedKey(k)
}
