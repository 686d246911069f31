package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/sys/windows"
	"golang.org/x/sys/windows/svc"
	"golang.org/x/sys/windows/svc/eventlog"
	"golang.org/x/sys/windows/svc/mgr"
)

// serviceName is the Windows service (and Event Log source) name.
const serviceName = "alprstore"

// serviceCmd runs `alprstore service install|uninstall|start|stop|run`.
// install registers this executable as an automatic-start service whose
// command line is `service run` followed by the serve flags given; run is
// what the Service Control Manager starts.
func serviceCmd(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageErr("service needs a command: install, uninstall, start, stop or run")
	}
	switch args[0] {
	case "install":
		if _, err := serveFlags(args[1:]); err != nil {
			return err
		}
		return installService(args[1:], stdout)
	case "uninstall":
		return uninstallService(stdout)
	case "start":
		return withService(startService, "running", stdout)
	case "stop":
		return withService(stopService, "stopped", stdout)
	case "run":
		return runService(args[1:])
	}
	return usageErr("unknown service command %q", args[0])
}

func installService(serveArgs []string, stdout io.Writer) error {
	exe, err := os.Executable()
	if err != nil {
		return err
	}
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("service manager (run as administrator): %w", err)
	}
	defer m.Disconnect()
	s, err := m.CreateService(serviceName, exe, mgr.Config{
		DisplayName: "alprdesk store",
		Description: "The alprdesk store of plate reads (alprstore serve).",
		StartType:   mgr.StartAutomatic,
	}, append([]string{"service", "run"}, serveArgs...)...)
	if err != nil {
		return fmt.Errorf("creating the service: %w", err)
	}
	defer s.Close()
	if err := eventlog.InstallAsEventCreate(serviceName, eventlog.Error|eventlog.Warning|eventlog.Info); err != nil &&
		!strings.Contains(err.Error(), "exists") {
		return fmt.Errorf("registering the Event Log source: %w", err)
	}
	fmt.Fprintf(stdout, "alprstore: service %q installed (automatic start; log %s)\n", serviceName, serviceLogPath())
	return nil
}

// uninstallService stops the service when it runs, deletes it and its
// Event Log source.
func uninstallService(stdout io.Writer) error {
	return withService(func(s *mgr.Service) error {
		if st, err := s.Query(); err == nil && st.State != svc.Stopped {
			if err := stopService(s); err != nil {
				return err
			}
		}
		if err := s.Delete(); err != nil {
			return fmt.Errorf("deleting the service: %w", err)
		}
		eventlog.Remove(serviceName)
		return nil
	}, "uninstalled", stdout)
}

// withService opens the service, applies do and reports what happened.
func withService(do func(*mgr.Service) error, what string, stdout io.Writer) error {
	m, err := mgr.Connect()
	if err != nil {
		return fmt.Errorf("service manager: %w", err)
	}
	defer m.Disconnect()
	s, err := m.OpenService(serviceName)
	if err != nil {
		return fmt.Errorf("service %q (install it first): %w", serviceName, err)
	}
	defer s.Close()
	if err := do(s); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "alprstore: service %q %s\n", serviceName, what)
	return nil
}

// startService starts the service; one already running is no error (the
// Service Control Manager may have started an automatic service itself).
func startService(s *mgr.Service) error {
	err := s.Start()
	if errors.Is(err, windows.ERROR_SERVICE_ALREADY_RUNNING) {
		return nil
	}
	return err
}

// stopService asks the service to stop and waits up to 30 s for it.
func stopService(s *mgr.Service) error {
	st, err := s.Control(svc.Stop)
	if err != nil {
		return fmt.Errorf("stopping the service: %w", err)
	}
	for deadline := time.Now().Add(30 * time.Second); st.State != svc.Stopped; {
		if time.Now().After(deadline) {
			return errors.New("the service did not stop within 30 s")
		}
		time.Sleep(300 * time.Millisecond)
		if st, err = s.Query(); err != nil {
			return err
		}
	}
	return nil
}

// serviceLogPath is the service's log: %ProgramData%\alprdesk\alprstore.log.
func serviceLogPath() string {
	base := os.Getenv("ProgramData")
	if base == "" {
		base = `C:\ProgramData`
	}
	return filepath.Join(base, "alprdesk", "alprstore.log")
}

// runService is the service's process: serve with the installed flags,
// its output appended to the log file, start, stop and failure also in
// the Event Log.
func runService(serveArgs []string) error {
	if err := os.MkdirAll(filepath.Dir(serviceLogPath()), 0o700); err != nil {
		return err
	}
	f, err := os.OpenFile(serviceLogPath(), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	elog, err := eventlog.Open(serviceName)
	if err != nil {
		elog = nil // the log file still records everything
	} else {
		defer elog.Close()
	}
	return svc.Run(serviceName, &storeService{args: serveArgs, out: f, elog: elog})
}

// storeService runs serve under the Service Control Manager.
type storeService struct {
	args []string
	out  io.Writer
	elog *eventlog.Log
}

// Execute is called by svc.Run: it serves until the manager says Stop or
// Shutdown, then shuts the store down cleanly.
func (s *storeService) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- serveUntil(ctx, s.args, s.out, s.out) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	s.event(false, "alprstore service started")
	for {
		select {
		case err := <-done:
			if err != nil {
				s.event(true, "alprstore service failed: "+err.Error())
				return true, 1
			}
			return false, 0
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending}
				cancel()
				err := <-done
				if err != nil {
					s.event(true, "alprstore service stopped with an error: "+err.Error())
					return true, 2
				}
				s.event(false, "alprstore service stopped")
				return false, 0
			}
		}
	}
}

// event writes to the Event Log (when its source is registered) and the file.
func (s *storeService) event(isErr bool, msg string) {
	fmt.Fprintf(s.out, "%s %s\n", time.Now().Format(time.RFC3339), msg)
	if s.elog == nil {
		return
	}
	if isErr {
		s.elog.Error(1, msg)
	} else {
		s.elog.Info(1, msg)
	}
}
