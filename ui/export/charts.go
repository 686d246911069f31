package export

import (
	"fmt"
	"math"
)

// series is a chart's colour cycle: distinguishable in print and in grey.
var series = []rgb{
	{31, 78, 140}, {230, 126, 34}, {39, 145, 96}, {192, 57, 43}, {142, 68, 173},
	{22, 160, 180}, {127, 140, 141}, {241, 196, 15}, {93, 109, 126}, {211, 84, 0},
	{46, 204, 113}, {52, 73, 94},
}

// seriesColor is the i-th colour of the cycle.
func seriesColor(i int) rgb { return series[i%len(series)] }

// bar is one labelled value of a chart.
type bar struct {
	label string
	value float64
	color rgb
}

// niceMax returns the top of a value axis for values up to v and its tick
// step: the step is 1, 2, 2.5 or 5 times a power of ten (never below 1,
// counts are whole), giving three to five intervals, with a little headroom above v
// for the value labels.
func niceMax(v float64) (top, step float64) {
	if v <= 0 {
		return 4, 1
	}
	raw := v * 1.08 / 5
	p := math.Pow(10, math.Floor(math.Log10(raw)))
	step = 10 * p
	for _, m := range []float64{1, 2, 2.5, 5} {
		if m == 2.5 && p < 10 {
			continue // 2.5 only where it gives whole numbers
		}
		if m*p >= raw {
			step = m * p
			break
		}
	}
	step = math.Max(step, 1)
	return math.Ceil(v*1.08/step) * step, step
}

// axes draws the value grid of a vertical chart in the box x, y, w, h and
// returns the scale (mm per unit).
func (d *doc) axes(x, y, w, h, max float64) float64 {
	top, step := niceMax(max)
	scale := h / top
	d.SetLineWidth(0.15)
	d.font("", 7, muted)
	for v := 0.0; v <= top+step/2; v += step {
		yy := y + h - v*scale
		d.stroke(shade)
		if v == 0 {
			d.stroke(muted)
		}
		d.Line(x, yy, x+w, yy)
		d.SetXY(x-14, yy-2)
		d.CellFormat(12, 4, formatCount(v), "", 0, "R", false, 0, "")
	}
	return scale
}

// barChart draws vertical bars with their labels under them and their
// values above them.
func (d *doc) barChart(x, y, w, h float64, bars []bar) {
	y, h = y+4, h-4 // room for the top tick label
	max := 0.0
	for _, b := range bars {
		max = math.Max(max, b.value)
	}
	plotH := h - 12
	scale := d.axes(x, y, w, plotH, max)
	if len(bars) == 0 {
		return
	}
	slot := w / float64(len(bars))
	bw := math.Min(slot*0.6, 22)
	for i, b := range bars {
		bx := x + slot*float64(i) + (slot-bw)/2
		bh := b.value * scale
		d.fill(b.color)
		d.Rect(bx, y+plotH-bh, bw, bh, "F")
		d.font("B", 7.5, ink)
		d.SetXY(bx-4, y+plotH-bh-4.5)
		d.CellFormat(bw+8, 4, formatCount(b.value), "", 0, "C", false, 0, "")
		d.font("", 7.5, ink)
		d.SetXY(x+slot*float64(i), y+plotH+1.5)
		d.MultiCell(slot, 3.5, d.tr(b.label), "", "C", false)
	}
}

// stack is one column of a stacked bar chart.
type stack struct {
	label string
	parts []float64 // by legend index
}

// stackedChart draws stacked columns and a legend to their right.
func (d *doc) stackedChart(x, y, w, h float64, cols []stack, legend []string) {
	const legendW = 46.0
	y, h = y+4, h-4 // room for the top tick label
	max := 0.0
	for _, c := range cols {
		s := 0.0
		for _, v := range c.parts {
			s += v
		}
		max = math.Max(max, s)
	}
	plotW, plotH := w-legendW, h-10
	scale := d.axes(x, y, plotW, plotH, max)
	if len(cols) > 0 {
		slot := plotW / float64(len(cols))
		bw := math.Min(slot*0.65, 18)
		for i, c := range cols {
			bx := x + slot*float64(i) + (slot-bw)/2
			base := y + plotH
			for j, v := range c.parts {
				d.fill(seriesColor(j))
				d.Rect(bx, base-v*scale, bw, v*scale, "F")
				base -= v * scale
			}
			d.font("", 7, ink)
			d.SetXY(x+slot*float64(i), y+plotH+1.5)
			d.CellFormat(slot, 4, d.tr(c.label), "", 0, "C", false, 0, "")
		}
	}
	d.legend(x+plotW+6, y, legend)
}

// legend draws colour swatches with their names, one per line.
func (d *doc) legend(x, y float64, names []string) {
	for i, n := range names {
		d.fill(seriesColor(i))
		d.Rect(x, y+float64(i)*5+0.8, 3.2, 3.2, "F")
		d.font("", 7.5, ink)
		d.SetXY(x+4.5, y+float64(i)*5)
		d.CellFormat(40, 5, d.tr(n), "", 0, "L", false, 0, "")
	}
}

// pieChart draws a pie of the values centred at cx, cy with radius r, and
// a legend with counts and shares to its right. Zero slices are left out
// of the pie but kept in the legend.
func (d *doc) pieChart(cx, cy, r float64, bars []bar) {
	total := 0.0
	for _, b := range bars {
		total += b.value
	}
	d.SetLineWidth(0.4)
	d.stroke(rgbWhite)
	if total == 0 {
		d.fill(shade)
		d.Circle(cx, cy, r, "F")
		d.font("I", 9, muted)
		d.SetXY(cx-r, cy-3)
		d.CellFormat(2*r, 6, "no data", "", 0, "C", false, 0, "")
	}
	start := 90.0 // degrees, counter-clockwise from 3 o'clock: start at 12
	for _, b := range bars {
		if b.value <= 0 || total == 0 {
			continue
		}
		sweep := 360 * b.value / total
		d.fill(b.color)
		if sweep >= 359.99 {
			d.Circle(cx, cy, r, "FD")
		} else {
			d.MoveTo(cx, cy)
			d.ArcTo(cx, cy, r, r, 0, start, start-sweep)
			d.ClosePath()
			d.DrawPath("FD")
		}
		start -= sweep
	}
	lx, ly := cx+r+10, cy-float64(len(bars))*6/2
	for i, b := range bars {
		d.fill(b.color)
		d.Rect(lx, ly+float64(i)*6+1, 4, 4, "F")
		d.font("", 9, ink)
		d.SetXY(lx+6, ly+float64(i)*6)
		share := 0.0
		if total > 0 {
			share = 100 * b.value / total
		}
		d.CellFormat(70, 6, d.tr(fmt.Sprintf("%s: %s (%.1f%%)", b.label, formatCount(b.value), share)), "", 0, "L", false, 0, "")
	}
}

// hbarChart draws horizontal bars, labels on the left, for breakdowns with
// long keys.
func (d *doc) hbarChart(x, y, w float64, bars []bar) {
	const labelW, rowH = 55.0, 7.0
	max := 0.0
	for _, b := range bars {
		max = math.Max(max, b.value)
	}
	top, _ := niceMax(max)
	plotW := w - labelW - 14
	for i, b := range bars {
		yy := y + float64(i)*rowH
		d.font("", 8.5, ink)
		d.SetXY(x, yy)
		d.CellFormat(labelW-2, rowH, d.tr(b.label), "", 0, "R", false, 0, "")
		bw := plotW * b.value / top
		d.fill(b.color)
		d.Rect(x+labelW, yy+1.2, bw, rowH-2.4, "F")
		d.font("B", 8, ink)
		d.SetXY(x+labelW+bw+1.5, yy)
		d.CellFormat(14, rowH, formatCount(b.value), "", 0, "L", false, 0, "")
	}
	d.stroke(muted)
	d.SetLineWidth(0.2)
	d.Line(x+labelW, y, x+labelW, y+float64(len(bars))*rowH)
	d.SetY(y + float64(len(bars))*rowH + 3)
}

// formatCount prints a count with thousands separators.
func formatCount(v float64) string {
	n := int64(math.Round(v))
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + formatCount(-v)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
