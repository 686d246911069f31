package main

import (
	"context"
	"testing"
)

// stopServe asks a running serve to stop the way Windows does: a process
// cannot send itself SIGTERM there, so the test ends serve's context, which
// is what the service's Stop request does.
func stopServe(t *testing.T, cancel context.CancelFunc) {
	t.Helper()
	cancel()
}
