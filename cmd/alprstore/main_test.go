package main

import (
	"os"
	"testing"
)

// TestMain runs a child store process when a test started this binary as
// one (crashChild, nodeChild), else the tests.
func TestMain(m *testing.M) {
	if crashChild() || nodeChild() {
		os.Exit(0)
	}
	os.Exit(m.Run())
}
