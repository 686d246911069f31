package main

import (
	"bytes"
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

func TestAuditExportAndVerifyCommands(t *testing.T) {
	env := storetest.Start(t)
	det := env.Login(t, "detective")
	for _, p := range []string{"7ABC123", "8XYZ999"} {
		env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: storetest.Case, Plate: p}, http.StatusOK, nil)
	}
	dir := t.TempDir()
	file := filepath.Join(dir, "audit.jsonl")
	var out bytes.Buffer
	if err := run([]string{"audit", "export", "--db", env.DBPath, file}, nil, &out, &out); err != nil {
		t.Fatalf("export: %v", err)
	}
	if !strings.Contains(out.String(), "exported ") {
		t.Fatalf("export said %q", out.String())
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if !strings.Contains(lines[len(lines)-1], `"action":"audit_export"`) || !strings.Contains(lines[len(lines)-1], `"actor":"cli:`) {
		t.Fatalf("last line %s", lines[len(lines)-1])
	}
	out.Reset()
	if err := run([]string{"audit", "verify", file}, nil, &out, &out); err != nil || !strings.HasPrefix(out.String(), "ok: ") {
		t.Fatalf("verify intact: %v %q", err, out.String())
	}

	write := func(ls []string) string {
		f := filepath.Join(dir, "tampered.jsonl")
		if err := os.WriteFile(f, []byte(strings.Join(ls, "\n")+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		return f
	}
	k := -1
	for i, l := range lines {
		if strings.Contains(l, `"action":"search"`) {
			k = i
			break
		}
	}
	edited := append([]string(nil), lines...)
	edited[k] = strings.Replace(edited[k], `"result_count":0`, `"result_count":7`, 1)
	err = run([]string{"audit", "verify", write(edited)}, nil, &out, &out)
	if !errors.Is(err, errBroken) || exitCode(err) != 1 || !strings.Contains(err.Error(), "entry "+itoa(k+1)+" ") {
		t.Fatalf("edited line %d: %v", k+1, err)
	}
	deleted := append(append([]string(nil), lines[:k]...), lines[k+1:]...)
	err = run([]string{"audit", "verify", write(deleted)}, nil, &out, &out)
	if !errors.Is(err, errBroken) || !strings.Contains(err.Error(), "entry "+itoa(k+1)+" is missing") {
		t.Fatalf("deleted line %d: %v", k+1, err)
	}
	// A cut at the end, caught against the head printed at export.
	last := lines[len(lines)-1]
	hash := last[strings.LastIndex(last, `"hash":"`)+8 : len(last)-2]
	head := itoa(len(lines)) + ":" + hash
	if err := run([]string{"audit", "verify", "--head", head, file}, nil, &out, &out); err != nil {
		t.Fatalf("verify with head %s: %v", head, err)
	}
	err = run([]string{"audit", "verify", write(lines[:len(lines)-1]), "--head", head}, nil, &out, &out)
	if !errors.Is(err, errBroken) || !strings.Contains(err.Error(), "cut") {
		t.Fatalf("cut file: %v", err)
	}

	for _, args := range [][]string{{"audit"}, {"audit", "shred"}, {"audit", "export", file}, {"audit", "verify"},
		{"audit", "verify", "--head", "x", file}, {"audit", "export", "--db", filepath.Join(dir, "none.db"), file}} {
		err := run(args, nil, &out, &out)
		if err == nil {
			t.Errorf("%v: no error", args)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); !os.IsNotExist(err) {
		t.Errorf("export created a database: %v", err)
	}
}

func itoa(n int) string { return strconv.Itoa(n) }

// TestTeamFromUserCommandsFiltersAudit: a team given with `user add
// --team` and changed with `user set --team` is what the audit's team
// filter uses.
func TestTeamFromUserCommandsFiltersAudit(t *testing.T) {
	db := filepath.Join(t.TempDir(), "store.db")
	var out bytes.Buffer
	add := []string{"user", "add", "--db", db, "--username", "det3", "--role", "detective", "--serial", "D3",
		"--name", "Det Three", "--team", "north", "--trained", "2026-01-15"}
	if err := run(add, strings.NewReader("det3-password\n"), &out, &out); err != nil {
		t.Fatalf("user add: %v", err)
	}
	if err := run([]string{"user", "set", "--db", db, "--username", "det3", "--team", "south"}, nil, &out, &out); err != nil {
		t.Fatalf("user set: %v", err)
	}
	out.Reset()
	if err := run([]string{"user", "list", "--db", db}, nil, &out, &out); err != nil || !strings.Contains(out.String(), "south") {
		t.Fatalf("user list: %v\n%s", err, out.String())
	}
	env := storetest.StartWith(t, store.Config{DBPath: db})
	var tr api.TokenResponse
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: "det3", Password: "det3-password"}, http.StatusOK, &tr)
	if tr.User.Team != "south" {
		t.Fatalf("det3's team %q", tr.User.Team)
	}
	env.Do(t, "POST", "/v1/searches", tr.AccessToken, api.SearchRequest{CaseContext: storetest.Case, Plate: "7ABC123"}, http.StatusOK, nil)
	sup := env.Login(t, "supervisor")
	for team, want := range map[string]int{"south": 1, "north": 0} {
		var p api.AuditPage
		env.Do(t, "GET", "/v1/audit?action=search&team="+team, sup, nil, http.StatusOK, &p)
		if len(p.Entries) != want || (want == 1 && p.Entries[0].Actor != "det3") {
			t.Errorf("team %s: %+v", team, p.Entries)
		}
	}
}
