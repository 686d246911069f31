//go:build !windows

package main

import "io"

// serviceCmd is Windows only: elsewhere the store runs under the system's
// own supervisor (a systemd unit running `alprstore serve`).
func serviceCmd(args []string, _, _ io.Writer) error {
	return usageErr("service is for Windows; on Linux run `alprstore serve` from a systemd unit")
}
