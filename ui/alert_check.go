package ui

import (
	"fmt"
	"image/color"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
)

// Banner texts of the check.
const (
	bannerNotReady = "NOT STOP-READY"
	bannerReady    = "STOP-READY"
)

// checkPanel shows an alert's check before anything else: a large banner,
// the read's plate and the entry's side by side with the differing
// characters marked (look-alike pairs in red), the state and the
// description comparison.
type checkPanel struct {
	banner  *canvas.Text
	bannerB *canvas.Rectangle
	read    *widget.RichText
	entry   *widget.RichText
	lines   *widget.Label
	content fyne.CanvasObject
}

func newCheckPanel() *checkPanel {
	p := &checkPanel{banner: canvas.NewText("", color.White), bannerB: canvas.NewRectangle(color.Transparent),
		read: widget.NewRichText(), entry: widget.NewRichText(), lines: widget.NewLabel("")}
	p.banner.TextSize = 28
	p.banner.TextStyle = fyne.TextStyle{Bold: true}
	p.banner.Alignment = fyne.TextAlignCenter
	p.lines.Wrapping = fyne.TextWrapWord
	plates := container.NewGridWithColumns(2,
		container.NewVBox(widget.NewLabel("Plate read (OCR)"), p.read),
		container.NewVBox(widget.NewLabel("Plate listed"), p.entry))
	p.content = container.NewVBox(container.NewStack(p.bannerB, container.NewPadded(p.banner)), plates, p.lines)
	return p
}

// show puts an alert's check on the panel.
func (p *checkPanel) show(a api.Alert, c api.AlertCheck) {
	p.banner.Text, p.bannerB.FillColor = bannerNotReady, color.NRGBA{R: 0xb0, G: 0x12, B: 0x12, A: 0xff}
	if c.StopReady {
		p.banner.Text, p.bannerB.FillColor = bannerReady, color.NRGBA{R: 0x1b, G: 0x6e, B: 0x2a, A: 0xff}
	}
	p.read.Segments = PlateSegments(c.ReadPlate, c.Positions, true)
	p.entry.Segments = PlateSegments(c.EntryPlate, c.Positions, false)
	p.lines.SetText(CheckLines(a, c))
	p.banner.Refresh()
	p.bannerB.Refresh()
	p.read.Refresh()
	p.entry.Refresh()
}

// PlateSegments draws a plate large, one segment per run of characters:
// characters at a differing position are bold, look-alike ones also in the
// error colour. read selects which side of each position the plate is.
func PlateSegments(p string, positions []api.CheckPosition, read bool) []widget.RichTextSegment {
	diff := map[int]api.CheckPosition{}
	for _, d := range positions {
		diff[d.Index] = d
	}
	var out []widget.RichTextSegment
	for i := 0; i < len(p); i++ {
		st := widget.RichTextStyle{Inline: true, SizeName: theme.SizeNameHeadingText}
		if d, ok := diff[i]; ok {
			st.TextStyle.Bold = true
			st.ColorName = theme.ColorNameWarning
			if d.LookAlike {
				st.ColorName = theme.ColorNameError
			}
		}
		out = append(out, &widget.TextSegment{Text: p[i : i+1], Style: st})
	}
	return out
}

// MarkedPlate writes a plate with each differing character in brackets and
// each look-alike one in double brackets: "7A[[8]]C123".
func MarkedPlate(p string, positions []api.CheckPosition) string {
	diff := map[int]api.CheckPosition{}
	for _, d := range positions {
		diff[d.Index] = d
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		d, ok := diff[i]
		switch {
		case ok && d.LookAlike:
			fmt.Fprintf(&b, "[[%c]]", p[i])
		case ok:
			fmt.Fprintf(&b, "[%c]", p[i])
		default:
			b.WriteByte(p[i])
		}
	}
	return b.String()
}

// CheckLines says the check in words: the plates, the state, the
// description, and what makes the hit stop-ready or not.
func CheckLines(a api.Alert, c api.AlertCheck) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Plates: read %s, listed %s", MarkedPlate(c.ReadPlate, c.Positions), MarkedPlate(c.EntryPlate, c.Positions))
	if len(c.Positions) == 0 {
		b.WriteString(" (the same)\n")
	} else {
		b.WriteString("\n")
	}
	for _, d := range c.Positions {
		kind := "differs"
		if d.LookAlike {
			kind = "LOOK-ALIKE: the camera may have misread it, or it is another car"
		}
		fmt.Fprintf(&b, "  character %d: read %q, listed %q — %s\n", d.Index+1, d.Read, d.Entry, kind)
	}
	state := "matches"
	if !c.StateMatch {
		state = "DIFFERS — another state's plate with the same characters is another car"
	}
	fmt.Fprintf(&b, "State: read %s, listed %s — %s\n", a.Read.State, a.Entry.State, state)
	desc := map[string]string{api.DescriptionYes: "matches", api.DescriptionNo: "DOES NOT MATCH",
		api.DescriptionUnknown: "cannot be compared"}[c.DescriptionMatch]
	fmt.Fprintf(&b, "Vehicle: read %s %s; listed %q — %s\n", strings.TrimSpace(a.Read.Color), strings.TrimSpace(a.Read.Make),
		a.Entry.VehicleDescription, desc)
	if c.StopReady {
		b.WriteString("A person verified the plate and state against the photo: the hit is stop-ready.")
	} else {
		b.WriteString("Not stop-ready until a person verifies the photo (keys 1–4) and the verified plate and state equal the listed ones, with no vehicle conflict.")
	}
	return b.String()
}

// outcomeWords names the outcome actions in the form.
var outcomeWords = map[string]string{
	api.ActionNoAction: "No action", api.ActionStop: "Stop", api.ActionArrest: "Arrest",
	api.ActionVehicleRecovered: "Vehicle recovered", api.ActionWrongVehicle: "Wrong vehicle",
	api.ActionUnableToLocate: "Unable to locate",
}

// outcomeAction returns the action of a word of the form ("" for none).
func outcomeAction(word string) string {
	for a, w := range outcomeWords {
		if w == word {
			return a
		}
	}
	return ""
}

// outcomeOptions lists the form's choices in the API's order.
func outcomeOptions() []string {
	out := make([]string, len(api.OutcomeActions))
	for i, a := range api.OutcomeActions {
		out[i] = outcomeWords[a]
	}
	return out
}
