package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"alprdesk/api"
	"alprdesk/store"
)

// errBroken marks an audit file that failed verification (exit status 1).
var errBroken = errors.New("the audit chain is broken")

// auditCmd runs `alprstore audit export|verify`.
func auditCmd(sub string, args []string, stdout io.Writer) error {
	switch sub {
	case "export":
		return auditExport(args, stdout)
	case "verify":
		return auditVerify(args, stdout)
	case "keygen":
		return auditKeygen(args, stdout)
	}
	return usageErr("audit needs a command: export, verify or keygen")
}

// fileArg parses flags that may stand before or after one FILE argument.
func fileArg(fs *flag.FlagSet, args []string) (string, error) {
	var flags, files []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		switch {
		case a == "-" || !strings.HasPrefix(a, "-"):
			files = append(files, a)
		case strings.Contains(a, "="):
			flags = append(flags, a)
		default:
			flags = append(flags, a)
			if i+1 < len(args) {
				flags = append(flags, args[i+1])
				i++
			}
		}
	}
	if err := fs.Parse(flags); err != nil {
		return "", usageErr("%s: %v", fs.Name(), err)
	}
	if len(files) != 1 {
		return "", usageErr("%s needs exactly one FILE", fs.Name())
	}
	return files[0], nil
}

// auditExport writes the whole chain as JSON lines to FILE ("-": stdout).
func auditExport(args []string, stdout io.Writer) error {
	fs := newFlags("audit export")
	db := fs.String("db", os.Getenv("ALPRSTORE_DB"), dbUsage)
	file, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	if *db == "" {
		return usageErr("--db is required")
	}
	if err := existingDB(*db); err != nil {
		return err
	}
	adm, closeDB, err := openAdmin(*db)
	if err != nil {
		return err
	}
	defer closeDB()
	out, done := stdout, func() error { return nil }
	var tmp string
	if file != "-" {
		f, err := os.CreateTemp(filepath.Dir(file), ".audit-export-*")
		if err != nil {
			return err
		}
		tmp = f.Name()
		defer os.Remove(tmp)
		out, done = f, func() error {
			if err := f.Sync(); err != nil {
				f.Close()
				return err
			}
			if err := f.Close(); err != nil {
				return err
			}
			return os.Rename(tmp, file)
		}
	}
	v, err := adm.ExportAudit(context.Background(), out)
	if err != nil {
		return err
	}
	if err := done(); err != nil {
		return err
	}
	if file != "-" {
		fmt.Fprintf(stdout, "exported %d audit entries to %s; head %d %s\n", v.Checked, file, v.Head.Seq, v.Head.Hash)
		if !v.OK {
			fmt.Fprintf(stdout, "warning: the stored chain is broken at entry %d\n", v.FirstBrokenSeq)
		}
	}
	return nil
}

// auditVerify checks an exported file offline and names the first broken
// entry: every hash and link, the heads recorded inside the chain, and
// optionally a head written down (--head) and signed checkpoints
// (--checkpoints DIR --pubkey BASE64).
func auditVerify(args []string, stdout io.Writer) error {
	fs := newFlags("audit verify")
	head := fs.String("head", "", "a head written down earlier, SEQ:HASH; the file must hold it")
	cpDir := fs.String("checkpoints", "", "directory of signed checkpoints (<seq>.json) the file must agree with and reach")
	pubKey := fs.String("pubkey", "", "the checkpoint public key (base64, as audit keygen printed it)")
	file, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	var opts store.VerifyOptions
	if *head != "" {
		if opts.Head, err = parseHead(*head); err != nil {
			return err
		}
	}
	if (*cpDir == "") != (*pubKey == "") {
		return usageErr("--checkpoints and --pubkey go together")
	}
	if *cpDir != "" {
		pub, err := store.ParseCheckpointPublicKey(*pubKey)
		if err != nil {
			return usageErr("--pubkey: %v", err)
		}
		if opts.Checkpoints, err = store.LoadCheckpoints(*cpDir, pub); err != nil {
			return fmt.Errorf("%w: %v", errBroken, err)
		}
		if len(opts.Checkpoints) == 0 {
			return fmt.Errorf("%w: %s holds no checkpoint", errBroken, *cpDir)
		}
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := store.VerifyAuditFile(f, opts)
	if err != nil {
		return err
	}
	if !res.OK {
		where := ""
		if res.Line > 0 {
			where = fmt.Sprintf(" (line %d)", res.Line)
		}
		return fmt.Errorf("%w at entry %d%s: %s", errBroken, res.FirstBrokenSeq, where, res.Problem)
	}
	fmt.Fprintf(stdout, "ok: %d entries, chain intact; head %d %s", res.Checked, res.Head.Seq, res.Head.Hash)
	if n := len(opts.Checkpoints); n > 0 {
		fmt.Fprintf(stdout, "; agrees with %d checkpoints up to entry %d", n, opts.Checkpoints[n-1].Seq)
	}
	fmt.Fprintln(stdout)
	return nil
}

// parseHead parses --head SEQ:HASH.
func parseHead(s string) (*api.ChainHead, error) {
	seq, hash, ok := strings.Cut(s, ":")
	n, perr := strconv.ParseInt(seq, 10, 64)
	if !ok || perr != nil || n < 1 || len(hash) != 64 {
		return nil, usageErr("--head %q is not SEQ:HASH (a seq and a 64-digit hex hash)", s)
	}
	return &api.ChainHead{Seq: n, Hash: strings.ToLower(hash)}, nil
}

// auditKeygen writes a new checkpoint signing key (ed25519, PEM PKCS#8,
// mode 0600, never over an existing file) and prints its public key.
func auditKeygen(args []string, stdout io.Writer) error {
	fs := newFlags("audit keygen")
	out := fs.String("out", "", "file for the private key (PEM)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *out == "" {
		return usageErr("audit keygen: --out KEY is required")
	}
	key, pub, err := store.NewCheckpointKey()
	if err != nil {
		return err
	}
	f, err := os.OpenFile(*out, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("write the key: %w (keygen never overwrites a key)", err)
	}
	if _, err := f.Write(key); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	fmt.Fprintln(stdout, pub)
	return nil
}
