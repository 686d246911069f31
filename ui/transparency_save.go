package ui

import (
	"fmt"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"

	"alprdesk/api/transparency"
	"alprdesk/ui/session"
)

// onSaveTransparency asks for a folder and saves the transparency report of
// the dashboard's period there.
func (v *EfficacyView) onSaveTransparency() {
	d := dialog.NewFolderOpen(func(dir fyne.ListableURI, err error) {
		if err != nil || dir == nil {
			return
		}
		v.SaveTransparency(dir.Path(), nil)
	}, v.d.Window)
	d.Show()
}

// SaveTransparency fetches the transparency figures of the dashboard's
// period and writes the public report into dir: transparency.json and a
// self-contained index.html, the same files `alprstore transparency`
// writes. The figures name no person, plate, case or justification.
func (v *EfficacyView) SaveTransparency(dir string, done func(error)) {
	from, to, err := v.period()
	ts, ok := v.d.Session.(session.TransparencySession)
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
	job := v.d.Runs.startEach("transparency_save.SaveTransparency", 60*time.Second)
	go func() {
		ctx := job.Context()
		t, err := ts.Transparency(ctx, from, to)
		if err == nil {
			err = transparency.WriteDir(dir, *t)
		}
		job.apply(func() {
			v.SaveReport.Enable()
			if err != nil {
				setMsg(v.msg, "The transparency report was not saved: "+Words(err))
			} else {
				setSuccess(v.msg, "The transparency report is in "+dir+" (index.html and transparency.json); it names no person, plate or case.")
			}
			if done != nil {
				done(err)
			}
		})
	}()
}
