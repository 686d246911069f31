// Package machine reads the workstation's machine-wide settings, which IT
// sets once per computer rather than each user on the login screen: the
// store's address, the agency's CA certificate file and the idle lock.
// On Windows they are the values of HKLM\SOFTWARE\Policies\alprdesk (set
// by Group Policy or by the MSI's STORE_URL and CA_FILE properties); on
// Linux and the BSDs the file /etc/alprdesk/alprdesk.conf (installed by
// the .deb). Settings absent from both are zero.
package machine

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Settings are the machine-wide settings.
type Settings struct {
	// StoreURL is the store's address offered on the login screen.
	StoreURL string
	// CAFile is a PEM file of the agency's CA certificates.
	CAFile string
	// IdleLock is the idle time before a session locks (zero: the default).
	IdleLock time.Duration
	// Source names where the settings were read, for the log.
	Source string
}

// Names of the settings: registry value names on Windows, keys of the
// configuration file elsewhere.
const (
	NameStoreURL = "StoreURL"
	NameCAFile   = "CAFile"
	NameIdleLock = "IdleLockMinutes"
)

// Load reads the settings of this computer. A missing key or file is not
// an error; a value that does not parse is, and names the value.
func Load() (Settings, error) { return load() }

// set checks and stores one named value; an empty value is unset.
func (s *Settings) set(name, value string) error {
	value = strings.TrimSpace(value)
	if value == "" { // an MSI property left empty writes an empty value
		return nil
	}
	switch name {
	case NameStoreURL:
		u, err := url.Parse(value)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return fmt.Errorf("%s %q is not an http(s) address", name, value)
		}
		s.StoreURL = value
	case NameCAFile:
		s.CAFile = value
	case NameIdleLock:
		n, err := strconv.Atoi(value)
		if err != nil || n < 1 || n > 24*60 {
			return fmt.Errorf("%s %q is not a number of minutes from 1 to 1440", name, value)
		}
		s.IdleLock = time.Duration(n) * time.Minute
	default:
		return fmt.Errorf("unknown setting %q (known: %s, %s, %s)", name, NameStoreURL, NameCAFile, NameIdleLock)
	}
	return nil
}

// Parse reads the configuration file format: one "Name = value" a line,
// blank lines and lines starting with # ignored.
func Parse(r io.Reader, source string) (Settings, error) {
	s := Settings{Source: source}
	sc := bufio.NewScanner(r)
	var errs []error
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		name, value, ok := strings.Cut(line, "=")
		if !ok {
			errs = append(errs, fmt.Errorf("%s:%d: want Name = value", source, n))
			continue
		}
		if err := s.set(strings.TrimSpace(name), value); err != nil {
			errs = append(errs, fmt.Errorf("%s:%d: %w", source, n, err))
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", source, err))
	}
	return s, errors.Join(errs...)
}
