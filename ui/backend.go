// Package ui holds the Fyne screens of the alprdesk workstation: login, the
// case bar that gates every search, the search form, the results table, the
// photo verification panel, the timeline map, the idle lock and the status
// line. Screens talk to the store only through the Session and Connector
// interfaces of ui/session (implemented there over client/ and cache/), and
// to maps through mapview; ui never builds HTTP requests or SQL.
//
// Every network or disk call runs off the UI goroutine; widget changes from
// goroutines go through fyne.Do. Errors reach the user as sentences (see
// Words), never as raw Go errors.
package ui

import (
	"fyne.io/fyne/v2"
)

// DemoUser is an account of the demo world, listed on the login screen.
type DemoUser struct {
	Username string
	Role     string
	Note     string
}

// uiDo runs fn on the UI goroutine; every result of background work comes
// back through it. Tests replace it with a queue they drain themselves, so
// that widget changes happen on the test's goroutine.
var uiDo = fyne.Do
