package ui

import (
	"context"
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/api/transparency"
)

// TransparencySession fetches the public transparency figures.
type TransparencySession interface {
	// Transparency fetches the figures of [from, to).
	Transparency(ctx context.Context, from, to time.Time) (*api.Transparency, error)
}

// Transparency fetches the public transparency figures.
func (s *clientSession) Transparency(ctx context.Context, from, to time.Time) (*api.Transparency, error) {
	t, err := s.cl.Transparency(ctx, from, to)
	return t, s.note(err)
}

// onSaveTransparency asks for a folder and saves the transparency report of
// the dashboard's period there.
func (v *EfficacyView) onSaveTransparency() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		v.SaveTransparency(dir.Path(), nil)
	}, v.m.app.win)
	d.Show()
}

// SaveTransparency fetches the transparency figures of the dashboard's
// period and writes the public report into dir: transparency.json and a
// self-contained index.html, the same files `alprstore transparency`
// writes. The figures name no person, plate, case or justification.
func (v *EfficacyView) SaveTransparency(dir string, done func(error)) {
	from, to, err := v.period()
	ts, ok := v.m.sess.(TransparencySession)
	switch {
	case err != nil:
		setMsg(v.msg, "The transparency report was not saved: "+err.Error()+".")
	case !ok:
		err = fmt.Errorf("this session cannot read the transparency figures")
		setMsg(v.msg, "The transparency report was not saved: "+err.Error()+".")
	}
	if err != nil {
		if done != nil {
			done(err)
		}
		return
	}
	v.SaveReport.Disable()
	go func() {
		ctx, cancel := context.WithTimeout(v.m.bg, 60*time.Second)
		defer cancel()
		t, err := ts.Transparency(ctx, from, to)
		if err == nil {
			err = transparency.WriteDir(dir, *t)
		}
		uiDo(func() {
			v.SaveReport.Enable()
			if err != nil {
				setMsg(v.msg, "The transparency report was not saved: "+Words(err))
			} else {
				v.msg.Importance = widget.SuccessImportance
				setMsg(v.msg, "The transparency report is in "+dir+" (index.html and transparency.json); it names no person, plate or case.")
				v.msg.Importance = widget.DangerImportance
			}
			if done != nil {
				done(err)
			}
		})
	}()
}
