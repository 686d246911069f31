//go:build !windows

package machine

import (
	"errors"
	"io/fs"
	"os"
)

// File is the machine-wide configuration file.
const File = "/etc/alprdesk/alprdesk.conf"

func load() (Settings, error) { return loadFile(File) }

// loadFile reads a configuration file; a missing one gives zero settings.
func loadFile(path string) (Settings, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Settings{}, nil
	}
	if err != nil {
		return Settings{}, err
	}
	defer f.Close()
	return Parse(f, path)
}
