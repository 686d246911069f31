package store_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// exported returns the chain of a store with a few searches as JSON lines.
func exported(t *testing.T) (*storetest.Env, []string, api.AuditVerify) {
	t.Helper()
	env := storetest.Start(t)
	det := env.Login(t, "detective")
	for _, p := range []string{"7ABC123", "8XYZ999", "5HOT555"} {
		doSearch(t, env, det, p, storetest.Case)
	}
	var buf bytes.Buffer
	v, err := env.Server.Admin("cli:test").ExportAudit(t.Context(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\n")
	return env, lines, v
}

func verifyLines(t *testing.T, lines []string, head *api.ChainHead) store.AuditFileResult {
	t.Helper()
	res, err := store.VerifyAuditFile(strings.NewReader(strings.Join(lines, "\n")+"\n"), store.VerifyOptions{Head: head})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestAuditExportThenVerify(t *testing.T) {
	env, lines, v := exported(t)
	if !v.OK || int(v.Checked) != len(lines) || v.Head.Seq != int64(len(lines)) {
		t.Fatalf("export verdict %+v for %d lines", v, len(lines))
	}
	var last api.AuditEntry
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil || last.Action != store.ActionAuditExport || last.Actor != "cli:test" {
		t.Fatalf("the export is not its own last entry: %s", lines[len(lines)-1])
	}
	// The store's own verdict agrees with the file's.
	var online api.AuditVerify
	env.Do(t, "GET", "/v1/audit/verify", env.Login(t, "supervisor"), nil, http.StatusOK, &online)
	if online.Head.Seq < v.Head.Seq {
		t.Fatalf("store head %+v, file head %+v", online.Head, v.Head)
	}
	res := verifyLines(t, lines, &v.Head)
	if !res.OK || res.Problem != "" || res.Checked != v.Checked || res.Head != v.Head {
		t.Fatalf("intact file: %+v", res)
	}

	// An edited line: the purpose of a search rewritten.
	var k int
	for i, l := range lines {
		if strings.Contains(l, `"action":"search"`) {
			k = i
			break
		}
	}
	edited := append([]string(nil), lines...)
	edited[k] = strings.Replace(lines[k], storetest.Case.Purpose, "Routine patrol check of a plate", 1)
	res = verifyLines(t, edited, nil)
	if res.OK || res.FirstBrokenSeq != int64(k+1) || res.Line != k+1 || !strings.Contains(res.Problem, "changed") {
		t.Fatalf("edited line %d: %+v", k+1, res)
	}
	// An edited line whose hash was recomputed breaks the next link.
	var e api.AuditEntry
	json.Unmarshal([]byte(edited[k]), &e)
	e.Hash = store.AuditHash(e)
	b, _ := json.Marshal(e)
	edited[k] = string(b)
	res = verifyLines(t, edited, nil)
	if res.OK || res.FirstBrokenSeq != int64(k+2) || !strings.Contains(res.Problem, "link") {
		t.Fatalf("rehashed line %d: %+v", k+1, res)
	}

	// A deleted line names the missing entry.
	deleted := append(append([]string(nil), lines[:k]...), lines[k+1:]...)
	res = verifyLines(t, deleted, nil)
	if res.OK || res.FirstBrokenSeq != int64(k+1) || res.Line != k+1 || !strings.Contains(res.Problem, "missing") {
		t.Fatalf("deleted line %d: %+v", k+1, res)
	}
	// A cut at the end is caught only against a head written down earlier.
	cut := lines[:len(lines)-1]
	if res = verifyLines(t, cut, nil); !res.OK {
		t.Fatalf("cut without a head: %+v", res)
	}
	if res = verifyLines(t, cut, &v.Head); res.OK || res.FirstBrokenSeq != v.Head.Seq || !strings.Contains(res.Problem, "cut") {
		t.Fatalf("cut against the head: %+v", res)
	}
	// A line that is not an entry.
	garbled := append([]string(nil), lines...)
	garbled[1] = `{"seq":2,"actor":`
	if res = verifyLines(t, garbled, nil); res.OK || res.FirstBrokenSeq != 2 || res.Line != 2 {
		t.Fatalf("garbled line 2: %+v", res)
	}
	garbled[1] = strings.Replace(lines[1], `"seq":2,`, `"seq":2,"extra":1,`, 1)
	if res = verifyLines(t, garbled, nil); res.OK || res.FirstBrokenSeq != 2 {
		t.Fatalf("unknown field on line 2: %+v", res)
	}
	// Blank lines are ignored.
	if res = verifyLines(t, append([]string{""}, lines...), nil); !res.OK {
		t.Fatalf("leading blank line: %+v", res)
	}
}
