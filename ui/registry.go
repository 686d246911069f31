package ui

import (
	"fmt"
	"slices"
	"sort"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"alprdesk/api"
	"alprdesk/ui/session"
)

// Placement says what a screen shares the window with.
type Placement struct {
	// CaseBar puts the case bar above the screen (screens that search).
	CaseBar bool
	// Photo puts the photo panel beside the screen (screens that show reads).
	Photo bool
}

// Deps is what a screen receives when it is built: the session and its
// policy, the shared case bar and photo panel, the screen's way back from
// goroutines, the window and a navigator. A screen keeps what it uses.
type Deps struct {
	Session session.Session
	Policy  api.Policy
	Demo    bool
	Case    *CaseBar
	Photo   *PhotoPanel
	Runs    *runs
	Window  fyne.Window
	Nav     *Registry
	Now     func() time.Time // the workstation's clock

	main *MainScreen // for the screens not yet moved to Deps alone
}

// Screen is a built screen of the registry.
type Screen interface {
	// Content is the screen's widget tree, built once.
	Content() fyne.CanvasObject
}

// Optional behaviours of a Screen, checked with a type assertion that
// never panics.
type (
	// Shower is told each time its screen is shown (to refresh).
	Shower interface{ Shown() }
	// Badger gives a count shown after the title ("Alerts (3)"); 0 shows none.
	Badger interface{ Badge() int }
	// Focuser says where the cursor goes when the screen is shown.
	Focuser interface{ FocusTarget() fyne.Focusable }
)

// ScreenDef registers a screen: who gets it, where it sits, how it is built.
type ScreenDef struct {
	// ID names the screen for code and tests ("search", "alerts").
	ID string
	// Title is the navigation label.
	Title string
	// Icon is the navigation icon.
	Icon fyne.Resource
	// Order places it in the navigation, smallest first.
	Order int
	// Roles get the screen; empty means every role.
	Roles []string
	// Landing roles land on it after sign-in.
	Landing []string
	// Needs, when set, must hold for the screen to be shown (a capability
	// of the session, demo mode); it sees the Deps the screen would get.
	Needs func(Deps) bool
	// Place says whether the case bar and the photo panel go with it.
	Place Placement
	// New builds the screen (once per session, on first show).
	New func(Deps) Screen
	// Eager builds it when the session starts (a screen whose badge or
	// stream must run before it is first shown).
	Eager bool
}

// screenDefs are the registered screens (registerScreen, from each screen
// file's init).
var screenDefs []ScreenDef

// registerScreen adds a screen to the registry; IDs are unique.
func registerScreen(d ScreenDef) {
	if slices.ContainsFunc(screenDefs, func(o ScreenDef) bool { return o.ID == d.ID }) {
		panic("ui: screen " + d.ID + " registered twice")
	}
	screenDefs = append(screenDefs, d)
	sort.SliceStable(screenDefs, func(i, j int) bool { return screenDefs[i].Order < screenDefs[j].Order })
}

// entry is a screen of this session's registry.
type entry struct {
	def    ScreenDef
	screen Screen // nil until first shown
}

// Registry is the navigation of one session: the screens the user's role
// may use, in order, built once per sign-in.
type Registry struct {
	deps    Deps
	entries []*entry
	current int
	list    *widget.List
	// OnShow arranges the window for a shown screen (the main screen).
	OnShow func(def ScreenDef, content fyne.CanvasObject)
}

// newRegistry keeps the screens the role gets and whose needs hold.
func newRegistry(deps Deps) *Registry {
	r := &Registry{deps: deps, current: -1}
	role := deps.Session.User().Role
	for _, d := range screenDefs {
		if len(d.Roles) > 0 && !slices.Contains(d.Roles, role) {
			continue
		}
		if d.Needs != nil && !d.Needs(deps) {
			continue
		}
		r.entries = append(r.entries, &entry{def: d})
	}
	r.list = widget.NewList(func() int { return len(r.entries) },
		func() fyne.CanvasObject { return widget.NewLabel("Approvals (000)") },
		func(i widget.ListItemID, o fyne.CanvasObject) { o.(*widget.Label).SetText(r.Label(i)) })
	r.list.OnSelected = func(i widget.ListItemID) { r.showIndex(i) }
	r.deps.Nav = r
	for i, e := range r.entries {
		if e.def.Eager {
			r.build(i)
		}
	}
	return r
}

// IDs lists the session's screens in navigation order.
func (r *Registry) IDs() []string {
	ids := make([]string, len(r.entries))
	for i, e := range r.entries {
		ids[i] = e.def.ID
	}
	return ids
}

// Has reports whether the session has screen id.
func (r *Registry) Has(id string) bool { return r.index(id) >= 0 }

// Label is the navigation text of entry i: its title and badge.
func (r *Registry) Label(i int) string {
	e := r.entries[i]
	label := e.def.Title
	if b, ok := e.screen.(Badger); ok && e.screen != nil {
		if n := b.Badge(); n > 0 {
			label = fmt.Sprintf("%s (%d)", label, n)
		}
	}
	return label
}

// Landing is the screen the role starts on: the first registered for it,
// else the first in the navigation.
func (r *Registry) Landing() string {
	role := r.deps.Session.User().Role
	for _, e := range r.entries {
		if slices.Contains(e.def.Landing, role) {
			return e.def.ID
		}
	}
	if len(r.entries) == 0 {
		return ""
	}
	return r.entries[0].def.ID
}

// Current is the screen on show ("" before the first).
func (r *Registry) Current() string {
	if r.current < 0 {
		return ""
	}
	return r.entries[r.current].def.ID
}

// Screen returns screen id, building it if needed (nil when the session
// does not have it).
func (r *Registry) Screen(id string) Screen {
	i := r.index(id)
	if i < 0 {
		return nil
	}
	return r.build(i)
}

func (r *Registry) index(id string) int {
	return slices.IndexFunc(r.entries, func(e *entry) bool { return e.def.ID == id })
}

func (r *Registry) build(i int) Screen {
	e := r.entries[i]
	if e.screen == nil {
		e.screen = e.def.New(r.deps)
	}
	return e.screen
}

// Show shows screen id (nothing when the session does not have it).
func (r *Registry) Show(id string) bool {
	i := r.index(id)
	if i < 0 {
		return false
	}
	r.showIndex(i)
	return true
}

// showIndex shows entry i, selects it in the navigation and focuses it.
func (r *Registry) showIndex(i int) {
	if i < 0 || i >= len(r.entries) {
		return
	}
	s := r.build(i)
	r.current = i
	r.list.OnSelected = nil
	r.list.Select(i)
	r.list.OnSelected = func(i widget.ListItemID) { r.showIndex(i) }
	if r.OnShow != nil {
		r.OnShow(r.entries[i].def, s.Content())
	}
	if sh, ok := s.(Shower); ok {
		sh.Shown()
	}
	r.Focus()
}

// Focus gives the keyboard focus to the current screen's own target, as
// on showing it (an overlay such as the tour closed).
func (r *Registry) Focus() {
	if r.current < 0 || r.current >= len(r.entries) || r.deps.Window == nil {
		return
	}
	if f, ok := r.build(r.current).(Focuser); ok {
		if t := f.FocusTarget(); t != nil {
			r.deps.Window.Canvas().Focus(t)
		}
	}
}

// RefreshBadges redraws the navigation labels (a count changed).
func (r *Registry) RefreshBadges() {
	if r.list != nil {
		r.list.Refresh()
	}
}

// Shortcuts are Ctrl+1 … Ctrl+9 for the first nine screens, in order.
func (r *Registry) Shortcuts() []*desktop.CustomShortcut {
	var out []*desktop.CustomShortcut
	for i := range min(len(r.entries), 9) {
		out = append(out, &desktop.CustomShortcut{KeyName: fyne.KeyName(fmt.Sprint(i + 1)), Modifier: fyne.KeyModifierShortcutDefault})
	}
	return out
}

// MenuItems are the navigation as menu items with their shortcuts.
func (r *Registry) MenuItems() []*fyne.MenuItem {
	sc := r.Shortcuts()
	items := make([]*fyne.MenuItem, len(r.entries))
	for i, e := range r.entries {
		i := i
		items[i] = fyne.NewMenuItem(e.def.Title, func() { r.showIndex(i) })
		items[i].Icon = e.def.Icon
		if i < len(sc) {
			items[i].Shortcut = sc[i]
		}
	}
	return items
}

// viewScreen adapts a view to Screen: its content, and what to do when it
// is shown, its badge and its focus (each optional).
type viewScreen struct {
	content fyne.CanvasObject
	shown   func()
	badge   func() int
	focus   func() fyne.Focusable
}

// Content is the view's content.
func (v *viewScreen) Content() fyne.CanvasObject { return v.content }

// Shown calls the view's refresh, if any.
func (v *viewScreen) Shown() {
	if v.shown != nil {
		v.shown()
	}
}

// Badge is the view's count, if any.
func (v *viewScreen) Badge() int {
	if v.badge == nil {
		return 0
	}
	return v.badge()
}

// FocusTarget is where the view wants the cursor, if anywhere.
func (v *viewScreen) FocusTarget() fyne.Focusable {
	if v.focus == nil {
		return nil
	}
	return v.focus()
}

// IDs of the registered screens, for code that opens one.
const (
	screenLookup   = "lookup"
	screenSearch   = "search"
	screenTimeline = "timeline"
	screenAnalyses = "analyses"
	screenEvidence = "evidence"
	screenAlerts   = "alerts"
	screenApproval = "approvals"
	screenHotlists = "hotlists"
	screenAudit    = "audit"
	screenReports  = "reports"
	screenTraining = "training"
	screenClass    = "class"
)

// Labels are the navigation texts in order, with their badges.
func (r *Registry) Labels() []string {
	out := make([]string, len(r.entries))
	for i := range r.entries {
		out[i] = r.Label(i)
	}
	return out
}
