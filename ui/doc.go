// Package ui holds the Fyne screens of the alprdesk workstation. The
// window moves between the login, lock and main screens (app.go); the
// main screen shows the navigation of the signed-in role's screens, the
// screen on show, and the status line.
//
// # Layout
//
// One file per screen (search.go, results.go, timeline.go, alerts.go,
// hotlists.go, audit_view.go, lookup.go, training_class.go, …); the
// adapter to the store is package ui/session (session.Session, Connector and their
// implementation over client/ and cache/); ui/uitest is an in-memory
// Session for tests; maps come from mapview. ui never builds HTTP requests
// or SQL, and errors reach the user as sentences (Words).
//
// # Goroutines
//
// Every network or disk call runs off the UI goroutine and comes back
// through a run (run.go): start it on the UI goroutine with the screen's
// runs (job := m.runs.start("myscreen.load", 30*time.Second)), copy into
// local variables what the goroutine needs, and hand the result back with
// job.apply(func() { … }). apply runs the function on the UI goroutine
// only if the screen is still shown and no newer run of the same key has
// started; a superseded run's context is cancelled. Use startEach for
// actions that must each be applied (a verdict), startAfter for calls
// the store must see in order (live mode on, then off).
//
// # Adding a screen to the registry
//
// Screens are registered once (registry.go) and built per session for
// the role that signs in. To add one, in its own file:
//
//	func init() {
//		registerScreen(ScreenDef{
//			ID: "analyses", Title: "Analyses", Icon: theme.GridIcon(), Order: 75,
//			Roles:   []string{api.RoleSupervisor},          // who sees it (empty: everyone)
//			Landing: nil,                                   // roles that start on it
//			Needs:   func(d Deps) bool { _, ok := session.Supervision(d.Session); return ok },
//			Place:   Placement{CaseBar: false, Photo: false}, // case bar: screens that search; photo: screens that show reads
//			New: func(d Deps) Screen {
//				v := newAnalysesView(d.Session, d.Runs, d.Window)
//				return &viewScreen{content: v.content, shown: v.load, badge: v.count, focus: v.first}
//			},
//		})
//	}
//
// Order places it in the navigation (Ctrl+1…Ctrl+9 follow that order, and
// the Go menu lists every screen); ID is how code opens it
// (m.Screens().Show("analyses")) and how tests find it. New receives Deps
// (the session, policy, case bar, photo panel, runs, window and the
// registry itself) and is called once, on first show, or at sign-in with
// Eager (a screen whose stream or badge must run from the start). A
// screen may implement Shower (refresh when shown), Badger (the count in
// "Alerts (3)"; call Deps.Nav.RefreshBadges when it changes) and Focuser
// (where the cursor goes); viewScreen does all three from optional funcs.
// A capability check in Needs uses the session package's functions, which
// never panic. Add the role's expectations to TestRoleWorkspaces.
package ui
