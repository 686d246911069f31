package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/user"
	"strings"
	"text/tabwriter"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/open"
)

const usage = `alprstore — the alprdesk cloud store

  alprstore [serve] [--addr 127.0.0.1:8080] [--db PATH] [--tls-cert F --tls-key F]
                    [--retention-days 30] [--basemap PATH]
                    [--demo [--demo-seed S] [--demo-reads N] [--live [--live-rate R]]]
                    [--import-dir DIR [--import-every 24h]]   state lists from DIR/<list>.csv
                    [--trusted-proxy CIDR[,CIDR]] [--auth-rate 30] [--require-mfa]
                    [--checkpoint-dir DIR --checkpoint-key KEY] [--allow-broken-chain]
                    [--timezone America/Los_Angeles]   the review queue's after-hours rule
                    [--durability normal|full]   full: fsync every SQLite commit (power-loss safe)
                    [--sqlite-mmap MiB]   memory-map that much of the SQLite file per reader (default 0)
                    a non-loopback --addr needs --tls-cert/--tls-key or --trusted-proxy
  alprstore service install [serve flags] | uninstall | start | stop
                    (Windows) a Windows service running serve; log in
                    %ProgramData%\alprdesk\alprstore.log and the Event Log
  alprstore user add --db PATH --username U --role ROLE --serial S --name "Full Name"
                    [--team T] [--trained 2026-01-15] [--designated-by "memo"]   (password on stdin)
  alprstore user set --db PATH --username U [--trained DATE] [--role R] [--team T]
  alprstore user disable|enable|unlock --db PATH --username U
  alprstore user mfa-reset --db PATH --username U   remove a lost second factor (audited)
  alprstore user list --db PATH
  alprstore camera add --db PATH --id ID --name NAME --lat LAT --lon LON [--owner agency]
  alprstore audit export --db PATH FILE      the whole audit chain as JSON lines (FILE "-": stdout)
  alprstore audit verify [--head SEQ:HASH] [--checkpoints DIR --pubkey BASE64] FILE
                    check an export offline (links, recorded heads, signed checkpoints)
  alprstore audit keygen --out KEY            a checkpoint signing key; prints its public key
  alprstore transparency --db PATH --out DIR [--from DATE --to DATE]
                    the public transparency report (DIR/transparency.json, DIR/index.html)
  alprstore hotlist import --db PATH --list felony_wants|stolen_plates|stolen_vehicles FILE
                    replace a state list from a CSV (plate,state,vehicle_description,reason,source_id)

Every flag can also be set with an ALPRSTORE_* environment variable
(--retention-days: ALPRSTORE_RETENTION_DAYS).
`

// errUsage marks a command-line mistake (exit status 2).
var errUsage = errors.New("usage")

type usageError struct{ msg string }

func (e *usageError) Error() string   { return e.msg + "\n\n" + usage }
func (e *usageError) Is(t error) bool { return t == errUsage }

func usageErr(format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...)}
}

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

// run dispatches a command line.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return serve(args, stdout, stderr)
	}
	switch args[0] {
	case "serve":
		return serve(args[1:], stdout, stderr)
	case "service":
		return serviceCmd(args[1:], stdout, stderr)
	case "user":
		if len(args) < 2 {
			return usageErr("user needs a command: add, set, disable, enable, unlock, mfa-reset or list")
		}
		return userCmd(args[1], args[2:], stdin, stdout)
	case "camera":
		if len(args) < 2 || args[1] != "add" {
			return usageErr("camera needs the command add")
		}
		return cameraAdd(args[2:], stdout)
	case "audit":
		if len(args) < 2 {
			return usageErr("audit needs a command: export, verify or keygen")
		}
		return auditCmd(args[1], args[2:], stdout)
	case "transparency":
		return transparencyCmd(args[1:], stdout)
	case "hotlist":
		if len(args) < 2 {
			return usageErr("hotlist needs the command import")
		}
		return hotlistCmd(args[1], args[2:], stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	return usageErr("unknown command %q", args[0])
}

// newFlags returns a flag set whose errors are returned, not printed.
func newFlags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	return fs
}

// parse parses args after applying ALPRSTORE_* environment defaults.
func parse(fs *flag.FlagSet, args []string) error {
	var envErr error
	fs.VisitAll(func(f *flag.Flag) {
		key := "ALPRSTORE_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		if v, ok := os.LookupEnv(key); ok && envErr == nil {
			if err := f.Value.Set(v); err != nil {
				envErr = usageErr("%s=%q: %v", key, v, err)
			}
		}
	})
	if envErr != nil {
		return envErr
	}
	if err := fs.Parse(args); err != nil {
		return usageErr("%s: %v", fs.Name(), err)
	}
	if fs.NArg() > 0 {
		return usageErr("%s: unexpected argument %q", fs.Name(), fs.Arg(0))
	}
	return nil
}

// actor is the audit actor of administrative commands.
func actor() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil && u.Username != "" {
		name = u.Username
	}
	if name == "" {
		name = "unknown"
	}
	return "cli:" + name
}

// dbUsage describes the --db flag of every command.
const dbUsage = "database: an SQLite file path or a postgres:// URL"

// existingDB refuses a --db file that does not exist (a command that
// reads a store must not create an empty one); a URL names a server's
// database, whose absence Open reports.
func existingDB(db string) error {
	if open.IsURL(db) {
		return nil
	}
	if _, err := os.Stat(db); err != nil {
		return fmt.Errorf("the database %s cannot be opened: %w", db, err)
	}
	return nil
}

// openAdmin opens the database for an administrative command.
func openAdmin(db string) (*store.Admin, func(), error) {
	if db == "" {
		return nil, nil, usageErr("--db is required")
	}
	if !open.IsURL(db) {
		if _, err := os.Stat(db); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, nil, err
		}
	}
	st, err := open.Open(context.Background(), db)
	if err != nil {
		return nil, nil, err
	}
	return &store.Admin{St: st, Actor: actor()}, func() { st.Close() }, nil
}

func userCmd(sub string, args []string, stdin io.Reader, stdout io.Writer) error {
	fs := newFlags("user " + sub)
	db := fs.String("db", "", dbUsage)
	username := fs.String("username", "", "username")
	var role, serial, name, team, trained, designated string
	var set map[string]bool
	switch sub {
	case "add", "set":
		fs.StringVar(&role, "role", "", "role: "+strings.Join(api.Roles, ", "))
		fs.StringVar(&team, "team", "", "team")
		fs.StringVar(&trained, "trained", "", "training date YYYY-MM-DD")
		if sub == "add" {
			fs.StringVar(&serial, "serial", "", "serial number")
			fs.StringVar(&name, "name", "", "full name")
			fs.StringVar(&designated, "designated-by", "", "memo or order designating an approver")
		}
	case "disable", "enable", "unlock", "mfa-reset", "list":
	default:
		return usageErr("unknown user command %q", sub)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	set = map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if sub != "list" && *username == "" {
		return usageErr("user %s: --username is required", sub)
	}
	adm, closeDB, err := openAdmin(*db)
	if err != nil {
		return err
	}
	defer closeDB()
	ctx := context.Background()
	switch sub {
	case "add":
		pw, err := readPassword(stdin)
		if err != nil {
			return err
		}
		return adm.AddUser(ctx, store.NewUser{Username: *username, Role: role, Serial: serial, Name: name,
			Team: team, Trained: trained, DesignatedBy: designated, Password: pw})
	case "set":
		var c store.UserChange
		if set["trained"] {
			c.Trained = &trained
		}
		if set["role"] {
			c.Role = &role
		}
		if set["team"] {
			c.Team = &team
		}
		return adm.SetUser(ctx, *username, c)
	case "disable", "enable":
		return adm.SetDisabled(ctx, *username, sub == "disable")
	case "unlock":
		return adm.Unlock(ctx, *username)
	case "mfa-reset":
		if err := adm.ResetMFA(ctx, *username); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "removed the second factor of %s; they sign in with the password and may enrol again\n", *username)
		return nil
	}
	return listUsers(ctx, adm, stdout)
}

// readPassword reads the first line of standard input.
func readPassword(stdin io.Reader) (string, error) {
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input (give it as the first line)")
	}
	return pw, nil
}

func listUsers(ctx context.Context, adm *store.Admin, stdout io.Writer) error {
	users, err := adm.Users(ctx)
	if err != nil {
		return err
	}
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "USERNAME\tROLE\tSERIAL\tNAME\tTEAM\tTRAINED\tSTATUS")
	for _, u := range users {
		status := "active"
		switch {
		case u.Disabled:
			status = "disabled"
		case !u.LockedUntil.IsZero() && u.LockedUntil.After(adm.Now()):
			status = "locked until " + u.LockedUntil.Format("2006-01-02 15:04") + " UTC"
		}
		trained := u.TrainedOn
		if trained == "" {
			trained = "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", u.Username, u.Role, u.Serial, u.DisplayName, u.Team, trained, status)
	}
	return tw.Flush()
}

func cameraAdd(args []string, stdout io.Writer) error {
	fs := newFlags("camera add")
	db := fs.String("db", "", dbUsage)
	var c api.Camera
	fs.StringVar(&c.ID, "id", "", "camera id")
	fs.StringVar(&c.Name, "name", "", "camera name")
	fs.Float64Var(&c.Lat, "lat", 0, "latitude")
	fs.Float64Var(&c.Lon, "lon", 0, "longitude")
	fs.StringVar(&c.Owner, "owner", "agency", "owner")
	if err := parse(fs, args); err != nil {
		return err
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if !set["lat"] || !set["lon"] {
		if os.Getenv("ALPRSTORE_LAT") == "" || os.Getenv("ALPRSTORE_LON") == "" {
			return usageErr("camera add: --lat and --lon are required")
		}
	}
	adm, closeDB, err := openAdmin(*db)
	if err != nil {
		return err
	}
	defer closeDB()
	tok, err := adm.AddCamera(context.Background(), c)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(stdout, tok)
	return err
}
