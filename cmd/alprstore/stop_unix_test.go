//go:build unix

package main

import (
	"context"
	"syscall"
	"testing"
)

// stopServe asks a running serve to stop the way an administrator does on
// Unix: SIGTERM to the process.
func stopServe(t *testing.T, _ context.CancelFunc) {
	t.Helper()
	if err := syscall.Kill(syscall.Getpid(), syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
}
