package cache

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// LoginSettings are remembered for the login screen, before any user's
// cache can be opened: never a password or a token.
type LoginSettings struct {
	Server   string `json:"server"`
	Username string `json:"username"`
	// CAFile is the agency CA certificate file, if one is needed.
	CAFile string `json:"ca_file,omitempty"`
}

const loginFile = "login.json"

// LoadLoginSettings reads the remembered login settings in dir (zero
// settings when none were saved).
func LoadLoginSettings(dir string) (LoginSettings, error) {
	var s LoginSettings
	b, err := os.ReadFile(filepath.Join(dir, loginFile))
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return s, fmt.Errorf("cache: reading login settings: %w", err)
	}
	if err := json.Unmarshal(b, &s); err != nil {
		return LoginSettings{}, fmt.Errorf("cache: the login settings in %s are damaged: %w", dir, err)
	}
	return s, nil
}

// SaveLoginSettings writes the login settings in dir atomically.
func SaveLoginSettings(dir string, s LoginSettings) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	b, _ := json.MarshalIndent(s, "", "  ")
	tmp, err := os.CreateTemp(dir, loginFile+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), filepath.Join(dir, loginFile))
}
