//go:build !windows && !darwin

package client

// noKeyringEnv points TestNoKeyring's child at a session bus that does not
// exist, so the real Secret Service client fails to connect.
const noKeyringEnv = "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/bus"

// breakKeyring does nothing here: noKeyringEnv already broke the keyring.
func breakKeyring() {}
