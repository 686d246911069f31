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
