package export

import (
	"bytes"
	"encoding/gob"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"
)

// Page geometry (US Letter, millimetres).
const (
	margin   = 18.0
	pageW    = 215.9
	pageH    = 279.4
	contentW = pageW - 2*margin
	footerY  = pageH - 12
)

// rgb is a colour of the PDF palette.
type rgb struct{ r, g, b int }

// The palette: dark ink, muted grey, rule lines, and the status colours.
var (
	ink     = rgb{33, 37, 41}
	muted   = rgb{108, 117, 125}
	rule    = rgb{206, 212, 218}
	shade   = rgb{241, 243, 245}
	navy    = rgb{22, 50, 92}
	red     = rgb{192, 0, 0}
	amber   = rgb{176, 96, 0}
	green   = rgb{25, 120, 60}
	paleRed = rgb{253, 236, 236}
	paleAmb = rgb{255, 244, 222}
)

// doc is an fpdf document with the house style: core Helvetica with
// Windows-1252 text, a demo banner and a "page i of n" footer.
type doc struct {
	*fpdf.Fpdf
	tr     func(string) string
	images int // images registered so far
}

// newDoc starts a document. footer is printed left of "page i of n" on
// every page; generated fixes the document's dates.
func newDoc(title, author string, generated time.Time, footer string, demo bool) *doc {
	f := fpdf.New("P", "mm", "Letter", "")
	d := &doc{Fpdf: f, tr: fallback(f.UnicodeTranslatorFromDescriptor(""))}
	f.SetCompression(true)
	f.SetCatalogSort(true)
	f.SetCreationDate(generated.UTC())
	f.SetModificationDate(generated.UTC())
	f.SetTitle(title, true)
	f.SetAuthor(author, true)
	f.SetCreator("alprdesk", true)
	f.SetProducer("alprdesk", true)
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, 20)
	f.AliasNbPages("{nb}")
	f.SetHeaderFunc(func() {
		if demo {
			d.demoBanner()
		}
	})
	f.SetFooterFunc(func() {
		f.SetY(footerY)
		d.rule(footerY - 2)
		d.font("", 8, muted)
		f.CellFormat(contentW, 5, d.tr(fmt.Sprintf("%s — page %d of {nb}", footer, f.PageNo())), "", 0, "C", false, 0, "")
	})
	return d
}

// fallback wraps a UTF-8 to Windows-1252 translator so that a character
// the code page lacks is printed as its base letter ("ễ" as "e") rather
// than as a dot, or as "?" when it has none.
func fallback(tr func(string) string) func(string) string {
	return func(s string) string {
		var b strings.Builder
		for _, r := range s {
			if r == '.' || r < 0x80 {
				b.WriteRune(r)
				continue
			}
			if t := tr(string(r)); t != "." {
				b.WriteRune(r)
				continue
			}
			base := []rune(norm.NFD.String(string(r)))[0]
			if base < 0x80 || tr(string(base)) != "." {
				b.WriteRune(base)
			} else {
				b.WriteRune('?')
			}
		}
		return tr(b.String())
	}
}

// demoBanner prints the demo banner across the top of the page.
func (d *doc) demoBanner() {
	d.fill(red)
	d.Rect(0, 0, pageW, 8, "F")
	d.font("B", 9, rgb{255, 255, 255})
	d.SetXY(0, 1.5)
	d.CellFormat(pageW, 5, d.tr("DEMO DATA — NOT REAL — FOR TRAINING ONLY"), "", 0, "C", false, 0, "")
	d.SetXY(margin, margin)
}

// font sets the Helvetica style ("", "B", "I", "BI"), size and colour.
func (d *doc) font(style string, size float64, c rgb) {
	d.SetFont("Helvetica", style, size)
	d.SetTextColor(c.r, c.g, c.b)
}

// fill sets the fill colour.
func (d *doc) fill(c rgb) { d.SetFillColor(c.r, c.g, c.b) }

// stroke sets the line colour.
func (d *doc) stroke(c rgb) { d.SetDrawColor(c.r, c.g, c.b) }

// rule draws a thin horizontal line across the content width at y.
func (d *doc) rule(y float64) {
	d.stroke(rule)
	d.SetLineWidth(0.3)
	d.Line(margin, y, pageW-margin, y)
}

// text prints one line of text (UTF-8) in a cell of width w.
func (d *doc) text(w, h float64, s, align string) {
	d.CellFormat(w, h, d.tr(s), "", 0, align, false, 0, "")
}

// para prints wrapped text across the content width and moves below it.
func (d *doc) para(h float64, s string) {
	d.SetX(margin)
	d.MultiCell(contentW, h, d.tr(s), "", "L", false)
}

// heading prints a section heading with a rule under it.
func (d *doc) heading(s string) {
	d.SetX(margin)
	d.font("B", 14, navy)
	d.CellFormat(contentW, 8, d.tr(s), "", 1, "L", false, 0, "")
	d.rule(d.GetY() + 0.5)
	d.Ln(3)
}

// subheading prints a smaller heading.
func (d *doc) subheading(s string) {
	d.SetX(margin)
	d.font("B", 11, ink)
	d.CellFormat(contentW, 7, d.tr(s), "", 1, "L", false, 0, "")
}

// field prints one label/value row: the label muted on the left, the value
// wrapped on the right in the given style and colour.
func (d *doc) field(label, value string, style string, c rgb) {
	const labelW = 46.0
	d.SetX(margin)
	y := d.GetY()
	d.font("", 9, muted)
	d.CellFormat(labelW, 5.5, d.tr(label), "", 0, "L", false, 0, "")
	d.SetXY(margin+labelW, y)
	d.font(style, 10, c)
	d.MultiCell(contentW-labelW, 5.5, d.tr(value), "", "L", false)
	d.stroke(shade)
	d.SetLineWidth(0.2)
	d.Line(margin, d.GetY()+0.4, pageW-margin, d.GetY()+0.4)
	d.Ln(1)
}

// notice prints a boxed warning: a bold title and a paragraph.
func (d *doc) notice(title, body string, border, bg rgb) {
	x, y := margin, d.GetY()
	d.font("", 9.5, ink)
	lines := d.SplitText(d.tr(body), contentW-10)
	h := 7 + 5*float64(len(lines)) + 6
	d.fill(bg)
	d.stroke(border)
	d.SetLineWidth(0.6)
	d.Rect(x, y, contentW, h, "DF")
	d.fill(border)
	d.Rect(x, y, 2.2, h, "F")
	d.SetXY(x+5, y+3)
	d.font("B", 10.5, border)
	d.CellFormat(contentW-10, 6, d.tr(title), "", 2, "L", false, 0, "")
	d.font("", 9.5, ink)
	for _, l := range lines {
		d.SetX(x + 5)
		d.CellFormat(contentW-10, 5, l, "", 2, "L", false, 0, "")
	}
	d.SetY(y + h + 4)
}

// image places img (any image) at x, y scaled to w×h, registered under name.
// Images are flattened onto white and written as PNG so the bytes are
// deterministic.
func (d *doc) image(name string, img image.Image, x, y, w, h float64) {
	b := img.Bounds()
	flat := image.NewRGBA(image.Rect(0, 0, b.Dx(), b.Dy()))
	draw.Draw(flat, flat.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	draw.Draw(flat, flat.Bounds(), img, b.Min, draw.Over)
	var buf bytes.Buffer
	if err := png.Encode(&buf, flat); err != nil {
		d.SetError(err)
		return
	}
	d.nudge(d.RegisterImageOptionsReader(name, fpdf.ImageOptions{ImageType: "PNG"}, &buf))
	d.ImageOptions(name, x, y, w, h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
}

// jpeg places JPEG bytes at x, y scaled to w×h (passed through as is).
func (d *doc) jpeg(name string, data []byte, x, y, w, h float64) {
	opt := fpdf.ImageOptions{ImageType: "JPG"}
	d.nudge(d.RegisterImageOptionsReader(name, opt, bytes.NewReader(data)))
	d.ImageOptions(name, x, y, w, h, false, opt, 0, "")
}

// nudge makes a just registered image's width unique in the document, so
// that the file is the same every time. fpdf v0.9.0 writes images in
// order of width only, taking images of equal width (every 640-pixel
// photo) in Go's random map order. The width is a float written as an
// integer, so adding n millionths (n counting registrations) orders the
// images as they were registered and changes nothing in the file but the
// order. fpdf has no setter: the width is changed through the public Gob
// round trip, which also recomputes the image's id (before it is drawn).
func (d *doc) nudge(info *fpdf.ImageInfoType) {
	if info == nil || d.Err() {
		return
	}
	b, err := info.GobEncode()
	if err != nil {
		d.SetError(err)
		return
	}
	var (
		data, smask, pal []byte
		n, bpc           int
		w, h, scale, dpi float64
		cs, filter, dp   string
		trns             []int
	)
	dec := gob.NewDecoder(bytes.NewReader(b))
	for _, v := range []any{&data, &smask, &n, &w, &h, &cs, &pal, &bpc, &filter, &dp, &trns, &scale, &dpi} {
		if err := dec.Decode(v); err != nil {
			d.SetError(fmt.Errorf("image fields: %w", err))
			return
		}
	}
	d.images++
	w += float64(d.images) * 1e-6
	var out bytes.Buffer
	enc := gob.NewEncoder(&out)
	for _, v := range []any{data, smask, n, w, h, cs, pal, bpc, filter, dp, trns, scale, dpi} {
		if err := enc.Encode(v); err != nil {
			d.SetError(fmt.Errorf("image fields: %w", err))
			return
		}
	}
	if err := info.GobDecode(out.Bytes()); err != nil {
		d.SetError(err)
	}
}

// output writes the document to w, reporting a library error as ErrPDF.
func (d *doc) output(w io.Writer) error {
	if err := d.Error(); err != nil {
		return fmt.Errorf("%w: %v", ErrPDF, err)
	}
	if err := d.Output(w); err != nil {
		return fmt.Errorf("%w: %v", ErrPDF, err)
	}
	return nil
}

// fitted returns the size of an iw×ih image scaled to fit in maxW×maxH.
func fitted(iw, ih int, maxW, maxH float64) (w, h float64) {
	if iw <= 0 || ih <= 0 {
		return maxW, maxH
	}
	w = maxW
	h = w * float64(ih) / float64(iw)
	if h > maxH {
		h = maxH
		w = h * float64(iw) / float64(ih)
	}
	return w, h
}
