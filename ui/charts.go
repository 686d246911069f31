package ui

import (
	"fmt"
	"image"
	"image/color"
	"math"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// chartColors are the series colours of the dashboard's charts.
var chartColors = []color.NRGBA{
	{0x1f, 0x77, 0xb4, 0xff}, {0xff, 0x7f, 0x0e, 0xff}, {0x2c, 0xa0, 0x2c, 0xff}, {0xd6, 0x27, 0x28, 0xff},
	{0x94, 0x67, 0xbd, 0xff}, {0x8c, 0x56, 0x4b, 0xff}, {0xe3, 0x77, 0xc2, 0xff}, {0x7f, 0x7f, 0x7f, 0xff},
}

// chartBar is one bar (or pie slice) of a chart.
type chartBar struct {
	Label string
	Value int
}

// barMaxWidth is the width of the longest bar.
const barMaxWidth = 170

// barChart draws labelled horizontal bars with the canvas: a title, then
// one row per bar (label, bar scaled to the largest value, count).
func barChart(title string, bars []chartBar) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	maxV := 0
	for _, b := range bars {
		maxV = max(maxV, b.Value)
	}
	grid := container.NewGridWithColumns(1)
	if len(bars) == 0 {
		grid.Add(widget.NewLabel("Nothing in this period."))
	}
	for i, b := range bars {
		w := float32(0)
		if maxV > 0 {
			w = float32(b.Value) / float32(maxV) * barMaxWidth
		}
		rect := canvas.NewRectangle(chartColors[i%len(chartColors)])
		rect.SetMinSize(fyne.NewSize(max(w, 1), theme.TextSize()))
		label := widget.NewLabel(b.Label)
		count := widget.NewLabel(fmt.Sprint(b.Value))
		row := container.NewBorder(nil, nil, fixedWidth(label, 130), nil,
			container.NewHBox(container.NewCenter(rect), count))
		grid.Add(row)
	}
	return container.NewVBox(head, grid)
}

// pieSize is the side of a pie chart image, in pixels.
const pieSize = 180

// pieImage draws a pie chart of bars (clockwise from 12 o'clock).
func pieImage(bars []chartBar) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, pieSize, pieSize))
	total := 0
	for _, b := range bars {
		total += b.Value
	}
	c := float64(pieSize) / 2
	r := c - 2
	for y := 0; y < pieSize; y++ {
		for x := 0; x < pieSize; x++ {
			dx, dy := float64(x)+0.5-c, float64(y)+0.5-c
			if dx*dx+dy*dy > r*r {
				continue
			}
			if total == 0 {
				img.SetNRGBA(x, y, color.NRGBA{0xcc, 0xcc, 0xcc, 0xff})
				continue
			}
			a := math.Atan2(dx, -dy) // 0 at 12 o'clock, clockwise
			if a < 0 {
				a += 2 * math.Pi
			}
			frac := a / (2 * math.Pi) * float64(total)
			acc := 0
			for i, b := range bars {
				acc += b.Value
				if frac < float64(acc) {
					img.SetNRGBA(x, y, chartColors[i%len(chartColors)])
					break
				}
			}
		}
	}
	return img
}

// pieChart is a pie with its legend.
func pieChart(title string, bars []chartBar) fyne.CanvasObject {
	head := widget.NewLabelWithStyle(title, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	pie := canvas.NewImageFromImage(pieImage(bars))
	pie.FillMode = canvas.ImageFillContain
	pie.SetMinSize(fyne.NewSize(pieSize, pieSize))
	legend := container.NewVBox()
	for i, b := range bars {
		sw := canvas.NewRectangle(chartColors[i%len(chartColors)])
		sw.SetMinSize(fyne.NewSize(12, 12))
		legend.Add(container.NewHBox(container.NewCenter(sw), widget.NewLabel(fmt.Sprintf("%s: %d", b.Label, b.Value))))
	}
	return container.NewVBox(head, container.NewHBox(pie, legend))
}
