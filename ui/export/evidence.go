package export

import (
	"bytes"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"strings"
	"time"

	"alprdesk/api"
)

// unverifiedNotice is printed on the cover of every evidence packet.
const unverifiedNotice = "Reads marked UNVERIFIED have not been confirmed by a human. " +
	"Automated plate recognition (OCR) can misread characters that look alike " +
	"(0/O/D/Q, 8/B, 1/I/L, 5/S, 2/Z, 6/G) and the state of issuance. Compare every " +
	"plate with its photograph before relying on it: only a verified plate has been " +
	"checked by a person."

// EvidencePDF writes the packet as a PDF: a cover page (case context,
// examiner, time, number of reads, the notice about unverified reads and
// an index of the reads), the timeline map with its attribution when one
// is given, then one page per read in capture order (photo, enlarged plate
// area, OCR and verified plate, state, time in UTC and local time, camera,
// vehicle, confidence, verification status, possible switched plate).
// Every page has the footer "Report <number> — page i of n". A long index
// continues on further cover pages.
func EvidencePDF(w io.Writer, p Packet) error {
	if err := p.check(); err != nil {
		return err
	}
	reads := sortedReads(p.Reads)
	imgs, err := decodePhotos(reads, p.Photos)
	if err != nil {
		return err
	}
	d := newDoc("Evidence packet, report "+p.Case.ReportNumber, p.Examiner, p.Generated,
		"Report "+p.Case.ReportNumber, p.Demo)
	e := &evidence{doc: d, p: p, reads: reads, imgs: imgs, zone: p.zone()}
	e.cover()
	if p.Timeline != nil {
		e.mapPage()
	}
	for i := range reads {
		e.readPage(i)
	}
	return d.output(w)
}

// decodePhotos decodes every photo of the reads, so that a bad one is
// reported before anything is written.
func decodePhotos(reads []api.Read, photos map[string][]byte) (map[string]image.Image, error) {
	out := map[string]image.Image{}
	for _, r := range reads {
		b, ok := photos[r.ID]
		if !ok {
			continue
		}
		img, err := jpeg.Decode(bytes.NewReader(b))
		if err != nil {
			return nil, fmt.Errorf("%w: read %s: %v", ErrBadPhoto, r.ID, err)
		}
		out[r.ID] = img
	}
	return out, nil
}

// evidence is an evidence PDF being written.
type evidence struct {
	*doc
	p     Packet
	reads []api.Read
	imgs  map[string]image.Image
	zone  *time.Location
}

// utc and local format a time for the packet.
func (e *evidence) utc(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05") + " UTC" }
func (e *evidence) local(t time.Time) string {
	return t.In(e.zone).Format("Mon 2 Jan 2006 15:04:05 MST")
}

// cover writes the cover page and the index of reads.
func (e *evidence) cover() {
	e.AddPage()
	e.font("B", 10, muted)
	e.text(contentW, 6, "ALPR EVIDENCE PACKET", "L")
	e.Ln(7)
	e.font("B", 26, navy)
	e.text(contentW, 12, "Report "+e.p.Case.ReportNumber, "L")
	e.Ln(12)
	e.font("B", 12, ink)
	e.text(contentW, 7, titleCase(e.p.Case.PurposeCategory), "L")
	e.Ln(7)
	e.font("I", 10.5, ink)
	e.para(5.5, e.p.Case.Purpose)
	e.Ln(4)

	unverified := 0
	for _, r := range e.reads {
		if r.Verification == nil {
			unverified++
		}
	}
	e.field("Examiner", e.p.Examiner, "", ink)
	e.field("Generated", e.utc(e.p.Generated)+"  ·  "+e.local(e.p.Generated), "", ink)
	if e.p.Store != "" {
		e.field("Source store", e.p.Store, "", ink)
	}
	if e.p.ExportID != "" {
		e.field("Export record", e.p.ExportID+" (recorded with the store; the reads are retained for this case)", "", ink)
	}
	if e.p.SearchID != "" {
		e.field("Search", e.p.SearchID, "", ink)
	}
	if e.p.AnalysisID != "" {
		e.field("Analysis", e.p.AnalysisID, "", ink)
	}
	reads := fmt.Sprintf("%d (%d verified by a human", len(e.reads), len(e.reads)-unverified)
	if unverified > 0 {
		reads += fmt.Sprintf(", %d UNVERIFIED)", unverified)
		e.field("Reads", reads, "B", red)
	} else {
		e.field("Reads", reads+")", "", ink)
	}
	if len(e.reads) > 0 {
		first, last := e.reads[0].CapturedAt, e.reads[len(e.reads)-1].CapturedAt
		e.field("Captured", e.utc(first)+"  to  "+e.utc(last), "", ink)
	}
	e.Ln(4)
	e.notice("UNVERIFIED reads: OCR can misread", unverifiedNotice, red, paleRed)
	e.index()
}

// index writes the table of reads, continuing on new pages as needed.
func (e *evidence) index() {
	cols := []struct {
		title string
		w     float64
	}{{"#", 8}, {"Captured (local)", 38}, {"OCR plate", 24}, {"Verified", 24}, {"State", 12}, {"Camera", 44}, {"Status", 29.9}}
	header := func() {
		e.SetX(margin)
		e.font("B", 8.5, rgbWhite)
		e.fill(navy)
		for _, c := range cols {
			e.CellFormat(c.w, 6.5, e.tr(c.title), "", 0, "L", true, 0, "")
		}
		e.Ln(6.5)
	}
	e.subheading("Index of reads")
	header()
	for i, r := range e.reads {
		if e.GetY()+6 > pageH-24 {
			e.AddPage()
			e.subheading("Index of reads (continued)")
			header()
		}
		vp, _ := verified(r)
		cells := []string{fmt.Sprint(i + 1), r.CapturedAt.In(e.zone).Format("2006-01-02 15:04 MST"),
			r.Plate, vp, r.State, r.Camera.Name, status(r)}
		e.SetX(margin)
		e.fill(shade)
		for j, c := range cols {
			style, col := "", ink
			if j == 2 || j == 3 {
				style = "B"
			}
			if j == 6 {
				style, col = "B", statusColor(r)
			}
			e.font(style, 8.5, col)
			e.CellFormat(c.w, 6, e.clip(cells[j], c.w-2), "", 0, "L", i%2 == 1, 0, "")
		}
		e.Ln(6)
	}
}

// rgbWhite is white text.
var rgbWhite = rgb{255, 255, 255}

// clip translates s and shortens it with an ellipsis to fit width w in the
// current font.
func (e *evidence) clip(s string, w float64) string {
	t := e.tr(s)
	if e.GetStringWidth(t) <= w {
		return t
	}
	ell := e.tr("…")
	for len(t) > 0 && e.GetStringWidth(t+ell) > w {
		t = t[:len(t)-1]
	}
	return t + ell
}

// mapPage writes the timeline map page.
func (e *evidence) mapPage() {
	e.AddPage()
	e.heading("Timeline map")
	b := e.p.Timeline.Bounds()
	w, h := fitted(b.Dx(), b.Dy(), contentW, 170)
	x, y := margin+(contentW-w)/2, e.GetY()
	e.image("timeline", e.p.Timeline, x, y, w, h)
	e.stroke(rule)
	e.SetLineWidth(0.3)
	e.Rect(x, y, w, h, "D")
	e.SetY(y + h + 3)
	e.font("", 9, ink)
	e.para(5, "Markers are numbered in time order; the numbers match the read numbers of this packet. "+
		"Each marker is a camera site, not the vehicle's exact position.")
	if e.p.Attribution != "" {
		e.font("I", 8.5, muted)
		e.para(5, "Map data: "+e.p.Attribution)
	}
}

// readPage writes the page of read i.
func (e *evidence) readPage(i int) {
	r := e.reads[i]
	e.AddPage()
	e.font("B", 16, navy)
	e.text(contentW-50, 9, fmt.Sprintf("Read %d of %d", i+1, len(e.reads)), "L")
	e.badge(status(r), statusColor(r), pageW-margin-48, e.GetY()+0.5, 48, 8)
	e.Ln(9)
	e.font("", 8.5, muted)
	e.text(contentW, 5, "Read id "+r.ID, "L")
	e.Ln(7)
	e.photo(r)
	e.plateBand(r)
	e.details(r)
}

// badge draws a filled label with white bold text.
func (e *evidence) badge(s string, c rgb, x, y, w, h float64) {
	e.fill(c)
	e.RoundedRect(x, y, w, h, 1.5, "1234", "F")
	e.SetXY(x, y)
	e.font("B", 10, rgbWhite)
	e.CellFormat(w, h, e.tr(strings.ToUpper(strings.ReplaceAll(s, "_", " "))), "", 0, "C", false, 0, "")
}

// photo places the read's photo, or a placeholder when it is missing.
func (e *evidence) photo(r api.Read) {
	y := e.GetY()
	img, ok := e.imgs[r.ID]
	if !ok {
		const h = 60.0
		e.fill(shade)
		e.stroke(rule)
		e.Rect(margin, y, contentW, h, "DF")
		e.SetXY(margin, y+h/2-4)
		e.font("B", 11, muted)
		e.text(contentW, 8, "Photo not included in this export", "C")
		e.SetY(y + h + 3)
		return
	}
	b := img.Bounds()
	w, h := fitted(b.Dx(), b.Dy(), contentW, 90)
	x := margin + (contentW-w)/2
	e.jpeg("photo-"+r.ID, e.p.Photos[r.ID], x, y, w, h)
	e.stroke(rule)
	e.SetLineWidth(0.3)
	e.Rect(x, y, w, h, "D")
	e.SetY(y + h + 3)
}

// plateBand shows the enlarged plate area beside the OCR and verified text.
func (e *evidence) plateBand(r api.Read) {
	y := e.GetY()
	const bandH = 24.0
	e.fill(shade)
	e.Rect(margin, y, contentW, bandH, "F")
	textX := margin + 4
	if crop := plateCrop(e.imgs[r.ID], r.PlateBox); crop != nil {
		b := crop.Bounds()
		w, h := fitted(b.Dx(), b.Dy(), 62, bandH-6)
		e.image("plate-"+r.ID, crop, margin+3, y+(bandH-h)/2, w, h)
		textX = margin + 3 + 62 + 6
	}
	colW := (pageW - margin - textX) / 2
	vp, vs := verified(r)
	e.plateText(textX, y, colW, "OCR (machine read)", r.Plate+"  "+r.State, ink)
	if r.Verification == nil {
		e.plateText(textX+colW, y, colW, "Verified by a human", Unverified, red)
	} else if vp == "" {
		e.plateText(textX+colW, y, colW, "Verified by a human", "unreadable", muted)
	} else {
		e.plateText(textX+colW, y, colW, "Verified by a human", vp+"  "+vs, statusColor(r))
	}
	e.SetY(y + bandH + 4)
}

// plateText prints a small caption and a large plate below it.
func (e *evidence) plateText(x, y, w float64, caption, plate string, c rgb) {
	e.SetXY(x, y+3)
	e.font("", 8, muted)
	e.text(w, 5, caption, "L")
	e.SetXY(x, y+9)
	e.SetFont("Courier", "B", 17)
	e.SetTextColor(c.r, c.g, c.b)
	e.CellFormat(w, 10, e.clip(plate, w-2), "", 0, "L", false, 0, "")
}

// details prints the read's fields.
func (e *evidence) details(r api.Read) {
	e.field("Captured (UTC)", e.utc(r.CapturedAt), "", ink)
	e.field("Captured (local)", e.local(r.CapturedAt)+" ("+e.zone.String()+")", "", ink)
	e.field("Camera", fmt.Sprintf("%s (%s)  ·  %.6f, %.6f", r.Camera.Name, r.Camera.ID, r.Camera.Lat, r.Camera.Lon), "", ink)
	veh := vehicle(r)
	if len(r.Features) > 0 {
		veh += "; features: " + strings.ReplaceAll(strings.Join(r.Features, ", "), "_", " ")
	}
	e.field("Vehicle", veh, "", ink)
	e.field("OCR confidence", fmt.Sprintf("%.0f%%", r.Confidence*100), "", ink)
	text, style := verificationText(r)
	e.field("Verification", text, style, statusColor(r))
	if s := substitutions(r); s != "" {
		e.field("Look-alike match", "This read matched the searched plate only through look-alike characters: "+s+".", "", amber)
	}
	if r.PossibleSwitch {
		e.field("Possible switched plate", "YES: this plate was also read on a vehicle of a different make or colour in the same period. "+
			"The plate may have been moved between vehicles.", "B", amber)
	} else {
		e.field("Possible switched plate", "No", "", ink)
	}
}

// verificationText is the read's verification status in words, and the
// font style to print it in.
func verificationText(r api.Read) (string, string) {
	v := r.Verification
	if v == nil {
		return "UNVERIFIED: no person has compared this plate with the photo; the OCR text may be wrong.", "B"
	}
	by := fmt.Sprintf(" by %s on %s UTC", v.By, v.At.UTC().Format("2006-01-02 15:04"))
	switch v.Status {
	case api.VerifyConfirmed:
		return "Confirmed" + by + ": the plate in the photo matches the OCR text.", "B"
	case api.VerifyMisread:
		return "Misread" + by + ": the OCR read " + r.Plate + ", the photo shows " + v.CorrectedPlate + ".", "B"
	case api.VerifyWrongState:
		return "Wrong state" + by + ": the OCR read " + r.State + ", the plate is from " + v.CorrectedState + ".", "B"
	case api.VerifyUnreadable:
		return "Unreadable" + by + ": the photo does not show a legible plate.", "B"
	}
	return v.Status + by, ""
}

// statusColor is the colour of a read's verification status.
func statusColor(r api.Read) rgb {
	if r.Verification == nil {
		return red
	}
	switch r.Verification.Status {
	case api.VerifyConfirmed:
		return green
	case api.VerifyUnreadable:
		return muted
	}
	return amber
}

// plateCrop cuts the plate area, with a margin, out of img; nil when there
// is no image or no box.
func plateCrop(img image.Image, box api.Box) image.Image {
	if img == nil || box.W <= 0 || box.H <= 0 {
		return nil
	}
	padX, padY := box.W/4, box.H/2
	r := image.Rect(box.X-padX, box.Y-padY, box.X+box.W+padX, box.Y+box.H+padY).Add(img.Bounds().Min)
	r = r.Intersect(img.Bounds())
	if r.Empty() {
		return nil
	}
	sub, ok := img.(interface {
		SubImage(image.Rectangle) image.Image
	})
	if !ok {
		return nil
	}
	return sub.SubImage(r)
}

// titleCase turns a policy key such as "stolen_vehicle" into "Stolen vehicle".
func titleCase(key string) string {
	s := strings.ReplaceAll(key, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
