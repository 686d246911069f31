//go:build windows || darwin

package client

import (
	"errors"

	"github.com/zalando/go-keyring"
)

// noKeyringEnv is a no-op variable: the Credential Manager (Windows) and the
// Keychain (macOS) are part of the OS and cannot be pointed elsewhere.
const noKeyringEnv = "ALPR_NO_KEYRING_HOW=mock"

// breakKeyring replaces go-keyring's provider in TestNoKeyring's child
// process with one whose every call fails, as the OS store would when it
// refuses (a roaming profile not loaded, a locked Keychain).
func breakKeyring() {
	keyring.MockInitWithError(errors.New("the credential store refused the call"))
}
