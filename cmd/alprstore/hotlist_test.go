package main

import (
	"bytes"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

func TestHotlistImportCommand(t *testing.T) {
	env := storetest.Start(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("stolen.csv", "plate,state,vehicle_description,reason,source_id\n6STL001,CA,black Dodge Charger,Stolen,DOJ-1\n6STL002,CA,,Stolen,DOJ-2\n")
	var out bytes.Buffer
	if err := run([]string{"hotlist", "import", "--db", env.DBPath, "--list", "stolen_vehicles", good}, nil, &out, &out); err != nil {
		t.Fatalf("import: %v", err)
	}
	if !strings.Contains(out.String(), "imported 2 stolen_vehicles entries") {
		t.Fatalf("import said %q", out.String())
	}
	bad := write("bad.csv", "plate,state,vehicle_description,reason,source_id\n6NEW001,CA,car,Stolen,DOJ-9\n6NEW002,ZZ,car,Stolen,DOJ-10\n")
	err := run([]string{"hotlist", "import", "--db", env.DBPath, "--list", "stolen_vehicles", bad}, nil, &out, &out)
	if err == nil || !strings.Contains(err.Error(), "line 3:") || !strings.Contains(err.Error(), `"ZZ"`) || exitCode(err) != 1 {
		t.Fatalf("bad file: %v", err)
	}
	var es []api.HotlistEntry
	env.Do(t, "GET", "/v1/hotlist-entries", env.Login(t, "detective"), nil, http.StatusOK, &es)
	if len(es) != 2 || es[0].Plate != "6STL001" {
		t.Fatalf("entries after the bad file: %+v", es)
	}
	for _, args := range [][]string{
		{"hotlist", "import", "--db", env.DBPath, good},
		{"hotlist", "import", "--list", "stolen_vehicles", good},
		{"hotlist", "export"},
		{"hotlist"},
	} {
		if err := run(args, nil, &out, &out); exitCode(err) != 2 {
			t.Errorf("%v: %v", args, err)
		}
	}
	if err := run([]string{"hotlist", "import", "--db", env.DBPath, "--list", "alert", good}, nil, &out, &out); err == nil {
		t.Error("imported into a request list")
	}
}
