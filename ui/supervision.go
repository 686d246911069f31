package ui

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// The supervision screens: evidence for searching roles, the team's
// search history (audit) and the efficacy reports for supervisors.
func init() {
	registerScreen(ScreenDef{ID: screenEvidence, Title: "Evidence", Icon: theme.DocumentSaveIcon(), Order: 30,
		Roles: api.SearchRoles, Place: Placement{CaseBar: true, Photo: true},
		Needs: func(d Deps) bool { _, ok := session.Outcomes(d.Session); return ok },
		New: func(d Deps) Screen {
			v := newEvidenceView(d.main)
			d.main.sup.evidence = v
			return &viewScreen{content: v.content, shown: v.Refresh}
		}})
	hasSupervision := func(d Deps) bool { _, ok := session.Supervision(d.Session); return ok }
	registerScreen(ScreenDef{ID: screenAudit, Title: "Team history", Icon: theme.HistoryIcon(), Order: 60,
		Roles: []string{api.RoleSupervisor}, Landing: []string{api.RoleSupervisor}, Needs: hasSupervision,
		New: func(d Deps) Screen {
			v := newAuditView(d.main)
			d.main.sup.audit = v
			return &viewScreen{content: v.content, focus: func() fyne.Focusable { return v.User }}
		}})
	registerScreen(ScreenDef{ID: screenReports, Title: "Reports", Icon: theme.GridIcon(), Order: 70,
		Roles: []string{api.RoleSupervisor}, Needs: hasSupervision,
		New: func(d Deps) Screen {
			v := newEfficacyView(d)
			d.main.sup.reports = v
			return &viewScreen{content: v.content}
		}})
}

// supervision holds the screens of the supervision issue once built.
type supervision struct {
	evidence *EvidenceView
	audit    *AuditView
	reports  *EfficacyView
}

// Evidence, Audit and Reports open the supervision screens as the nav
// would and return them (nil when the user does not get that screen).
func (m *MainScreen) Evidence() *EvidenceView { m.reg.Show(screenEvidence); return m.sup.evidence }

// Audit opens the team's search history (supervisors).
func (m *MainScreen) Audit() *AuditView { m.reg.Show(screenAudit); return m.sup.audit }

// Reports opens the efficacy dashboard (supervisors).
func (m *MainScreen) Reports() *EfficacyView { m.reg.Show(screenReports); return m.sup.reports }

// count is "1 search" / "2 searches".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// saveAs asks where to save a file and calls write with the chosen path.
func saveAs(win fyne.Window, name, ext string, write func(path string)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil || w == nil {
			return
		}
		path := w.URI().Path()
		w.Close()
		write(path)
	}, win)
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{ext}))
	d.Show()
}

// writeFile creates path and writes it with fn; a failed write removes the file.
func writeFile(path string, fn func(io.Writer) error) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if err := fn(f); err != nil {
		f.Close()
		os.Remove(path)
		return err
	}
	return f.Close()
}

// examiner names the signed-in user for an export: "Name (serial)".
func examiner(u api.User) string {
	name := u.DisplayName
	if name == "" {
		name = u.Username
	}
	if u.Serial != "" {
		return fmt.Sprintf("%s (%s)", name, u.Serial)
	}
	return name
}

// entryLine is an audit entry in one line of a list.
func entryLine(e api.AuditEntry) string {
	s := fmt.Sprintf("#%d  %s  %s  %s", e.Seq, e.At.UTC().Format("2006-01-02 15:04"), e.Actor, e.Action)
	if e.Outcome == api.OutcomeRefused {
		s += "  REFUSED (" + e.Reason + ")"
	}
	if e.Action == "search" && e.Outcome != api.OutcomeRefused {
		s += fmt.Sprintf("  %s", plural(e.ResultCount, "result"))
	}
	return s
}

// entryDetail says exactly what an audit entry records: what was searched,
// by whom, why, and how many results.
func entryDetail(e api.AuditEntry) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Entry #%d · %s UTC\n", e.Seq, e.At.UTC().Format("2006-01-02 15:04:05"))
	fmt.Fprintf(&b, "By: %s (%s) at workstation %s\n", e.Actor, e.Role, orNone(e.Workstation))
	fmt.Fprintf(&b, "Action: %s · outcome: %s", e.Action, e.Outcome)
	if e.Reason != "" {
		fmt.Fprintf(&b, " (%s)", e.Reason)
	}
	b.WriteString("\n")
	if e.ReportNumber != "" || e.Purpose != "" {
		fmt.Fprintf(&b, "Why: report %s · %s\n  “%s”\n", orNone(e.ReportNumber), categoryLabel(e.PurposeCategory), e.Purpose)
	}
	if q := queryLines(e.Query); q != "" {
		b.WriteString("What: " + q + "\n")
	}
	fmt.Fprintf(&b, "Results: %d\n", e.ResultCount)
	fmt.Fprintf(&b, "Hash: %s", e.Hash)
	return b.String()
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

// queryLines renders the data elements of an entry (JSON) as "key: value"
// pairs in key order.
func queryLines(q string) string {
	var m map[string]any
	if json.Unmarshal([]byte(q), &m) != nil {
		return q
	}
	keys := make([]string, 0, len(m))
	for k, v := range m {
		if v == nil || v == "" || v == false {
			continue
		}
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		v, _ := json.Marshal(m[k])
		parts[i] = k + " " + strings.Trim(string(v), `"`)
	}
	return strings.Join(parts, " · ")
}

// dialogConfirm asks with content and runs ok when the user confirms.
func dialogConfirm(title string, content fyne.CanvasObject, ok func(), win fyne.Window) dialog.Dialog {
	return dialog.NewCustomConfirm(title, "Continue…", "Cancel", content, func(yes bool) {
		if yes {
			ok()
		}
	}, win)
}

// supOf is the session's supervisor side; the screens that use it are
// registered only when it is there, so nil never reaches them.
func supOf(s session.Session) session.SupervisionSession {
	v, _ := session.Supervision(s)
	return v
}

// hotlistsOf is the session's hotlist side, or nil.
func hotlistsOf(s session.Session) session.HotlistSession {
	h, _ := session.Hotlists(s)
	return h
}

// trainingOfSession is the session's training side, or nil.
func trainingOfSession(s session.Session) session.TrainingSession {
	t, _ := session.Training(s)
	return t
}
