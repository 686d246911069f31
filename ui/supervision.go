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

	"alprdesk/api"
	"alprdesk/ui/session"
)

// Nav entries of the supervision issue.
const (
	navEvidence = "Evidence"
	navAudit    = "Audit"
	navReports  = "Reports"
)

// extraNav lists the nav entries this user gets beyond Search and
// Timeline: Evidence for searching roles, Audit and Reports for
// supervisors (DESIGN.md: supervisors only).
func (m *MainScreen) extraNav() []string {
	var out []string
	role := m.sess.User().Role
	if _, ok := session.Outcomes(m.sess); ok && isSearchRole(role) {
		out = append(out, navEvidence)
	}
	if _, ok := session.Supervision(m.sess); ok && role == api.RoleSupervisor {
		out = append(out, navAudit, navReports)
	}
	return out
}

func isSearchRole(role string) bool {
	for _, r := range api.SearchRoles {
		if r == role {
			return true
		}
	}
	return false
}

// supervision holds the screens of the supervision issue, built on first use.
type supervision struct {
	evidence *EvidenceView
	audit    *AuditView
	reports  *EfficacyView
}

// showExtra opens a supervision screen by nav name.
func (m *MainScreen) showExtra(name string) {
	var o fyne.CanvasObject
	switch name {
	case navEvidence:
		if m.sup.evidence == nil {
			m.sup.evidence = newEvidenceView(m)
		}
		m.sup.evidence.Refresh()
		o = m.sup.evidence.content
	case navAudit:
		if m.sup.audit == nil {
			m.sup.audit = newAuditView(m)
		}
		o = m.sup.audit.content
	case navReports:
		if m.sup.reports == nil {
			m.sup.reports = newEfficacyView(m)
		}
		o = m.sup.reports.content
	default:
		return
	}
	m.center.Objects = []fyne.CanvasObject{o}
	m.center.Refresh()
}

// Evidence, Audit and Reports return the supervision screens, opening them
// as the nav would (nil when the user does not get that screen).
func (m *MainScreen) Evidence() *EvidenceView { m.openNav(navEvidence); return m.sup.evidence }

// Audit opens the audit screen (supervisors).
func (m *MainScreen) Audit() *AuditView { m.openNav(navAudit); return m.sup.audit }

// Reports opens the efficacy dashboard (supervisors).
func (m *MainScreen) Reports() *EfficacyView { m.openNav(navReports); return m.sup.reports }

func (m *MainScreen) openNav(name string) {
	for i, n := range m.navItems {
		if n == name {
			m.nav.OnSelected = nil
			m.nav.Select(i)
			m.nav.OnSelected = m.onNav
			m.showExtra(name)
			return
		}
	}
}

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
