package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"alprdesk/api"
	"alprdesk/api/transparency"
	"alprdesk/store"
)

// transparencyCmd runs `alprstore transparency --db DB --out DIR [--from
// DATE --to DATE] [--retention-days N]`: the public transparency report as
// DIR/transparency.json and DIR/index.html.
func transparencyCmd(args []string, stdout io.Writer) error {
	fs := newFlags("transparency")
	db := fs.String("db", "", dbUsage)
	out := fs.String("out", "", "folder the report is written to (created when missing)")
	from := fs.String("from", "", "first day (YYYY-MM-DD) or RFC 3339 time; default: 365 days before --to")
	to := fs.String("to", "", "last day (YYYY-MM-DD, included) or RFC 3339 time; default: now")
	retention := fs.Int("retention-days", 30, "days reads are kept, as the store serves them")
	if err := parse(fs, args); err != nil {
		return err
	}
	switch {
	case *db == "":
		return usageErr("--db is required")
	case *out == "":
		return usageErr("--out is required: the folder for transparency.json and index.html")
	case *retention < 1:
		return usageErr("--retention-days must be at least 1")
	}
	f, t, perr := transparency.Period(*from, *to, time.Now())
	if perr != nil {
		return usageErr("--%s", perr.Error())
	}
	if err := existingDB(*db); err != nil {
		return err
	}
	adm, closeDB, err := openAdmin(*db)
	if err != nil {
		return err
	}
	defer closeDB()
	var rep *api.Transparency
	err = adm.St.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		rep, err = store.Transparency(tx, f, t, *retention)
		return err
	})
	if err != nil {
		return err
	}
	if err := transparency.WriteDir(*out, *rep); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "transparency report %s to %s written to %s and %s\n", f.Format(time.RFC3339), t.Format(time.RFC3339),
		filepath.Join(*out, "transparency.json"), filepath.Join(*out, "index.html"))
	return nil
}
