package main

import (
	"io"
	"log"
	"os"
	"path/filepath"
	"runtime"

	"alprdesk/cache"
	"alprdesk/internal/machine"
	"alprdesk/ui"
)

// maxLog is the size at which the log file is moved to alprdesk.log.old.
const maxLog = 4 << 20

// applyMachineSettings fills what the command line left unset from the
// machine-wide settings (Group Policy or the MSI on Windows,
// /etc/alprdesk/alprdesk.conf elsewhere): the store offered on the login
// screen, the agency CA and the idle lock. Flags win; a bad value is
// logged and skipped, never fatal.
func applyMachineSettings(server, caFile *string, cfg *ui.Config) {
	s, err := machine.Load()
	if err != nil {
		log.Printf("alprdesk: machine settings: %v", err)
	}
	if *server == "" {
		*server = s.StoreURL
	}
	if *caFile == "" {
		*caFile = s.CAFile
	}
	if cfg.IdleLock == 0 {
		cfg.IdleLock = s.IdleLock
	}
	if s.Source != "" {
		log.Printf("alprdesk: machine settings from %s", s.Source)
	}
}

// openLog sends the log to alprdesk.log in the cache folder
// (%LocalAppData%\alprdesk) on Windows, where a GUI program has no console;
// elsewhere the log stays on stderr. The file is rotated once at maxLog.
func openLog() io.Closer {
	if runtime.GOOS != "windows" {
		return io.NopCloser(nil)
	}
	dir, err := cache.DefaultDir()
	if err == nil {
		err = os.MkdirAll(dir, 0o700)
	}
	if err != nil {
		return io.NopCloser(nil)
	}
	p := filepath.Join(dir, "alprdesk.log")
	if fi, err := os.Stat(p); err == nil && fi.Size() > maxLog {
		os.Rename(p, p+".old")
	}
	f, err := os.OpenFile(p, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return io.NopCloser(nil)
	}
	log.SetOutput(io.MultiWriter(f, os.Stderr))
	return f
}
