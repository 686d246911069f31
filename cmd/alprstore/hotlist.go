package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"alprdesk/store"
)

// hotlistCmd runs `alprstore hotlist import --db PATH --list LIST FILE`.
func hotlistCmd(sub string, args []string, stdout io.Writer) error {
	if sub != "import" {
		return usageErr("hotlist needs the command import")
	}
	fs := newFlags("hotlist import")
	db := fs.String("db", os.Getenv("ALPRSTORE_DB"), dbUsage)
	list := fs.String("list", os.Getenv("ALPRSTORE_LIST"), "state list: "+strings.Join(store.StateLists, ", "))
	file, err := fileArg(fs, args)
	if err != nil {
		return err
	}
	switch {
	case *db == "":
		return usageErr("hotlist import: --db is required")
	case *list == "":
		return usageErr("hotlist import: --list is required (%s)", strings.Join(store.StateLists, ", "))
	}
	if err := existingDB(*db); err != nil {
		return err
	}
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	adm, closeDB, err := openAdmin(*db)
	if err != nil {
		return err
	}
	defer closeDB()
	res, err := adm.ImportHotlist(context.Background(), *list, file, f)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(stdout, "imported %d %s entries from %s (replacing %d); a running store picks them up within a minute\n",
		res.Entries, res.List, file, res.Replaced)
	return err
}
