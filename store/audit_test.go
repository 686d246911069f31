package store_test

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/apitest"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

func TestAuditHashCanonicalForm(t *testing.T) {
	e := api.AuditEntry{Seq: 1, At: time.Date(2026, 11, 26, 14, 2, 0, 500000000, time.UTC), Actor: "detective",
		Role: "detective", Action: "search", ReportNumber: "20-042436", PurposeCategory: "robbery",
		Purpose: "Robbery at Intl & 73rd", Query: `{"plate":"7AB*"}`, ResultCount: 3, Workstation: "ws1",
		Outcome: "allowed", PrevHash: store.GenesisHash}
	want := `{"seq":1,"at":"2026-11-26T14:02:00.5Z","actor":"detective","role":"detective","action":"search",` +
		`"report_number":"20-042436","purpose_category":"robbery","purpose":"Robbery at Intl & 73rd",` +
		`"query":"{\"plate\":\"7AB*\"}","result_count":3,"workstation":"ws1","outcome":"allowed","reason":"",` +
		`"prev_hash":"` + store.GenesisHash + `"}`
	if got := string(store.AuditCanonical(e)); got != want {
		t.Fatalf("canonical form\n got %s\nwant %s", got, want)
	}
	if len(store.AuditHash(e)) != 64 {
		t.Fatal("hash is not SHA-256 hex")
	}
}

func TestAuditChainDetectsTampering(t *testing.T) {
	env, tok := seeded(t)
	for i := 0; i < 3; i++ {
		env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC123"), http.StatusOK, nil)
	}
	sup := env.Login(t, "supervisor")
	var v api.AuditVerify
	env.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if !v.OK || v.FirstBrokenSeq != 0 || v.Head.Seq != v.Checked || len(v.Head.Hash) != 64 {
		t.Fatalf("intact chain: %+v", v)
	}
	// The chain starts at the genesis hash and every hash recomputes.
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?limit=500", sup, nil, http.StatusOK, &page)
	last := page.Entries[len(page.Entries)-1]
	if last.Seq != 1 || last.PrevHash != store.GenesisHash || store.AuditHash(last) != last.Hash {
		t.Fatalf("first entry %+v", last)
	}
	var search api.AuditEntry
	for _, e := range page.Entries {
		if e.Action == store.ActionSearch {
			search = e
			break
		}
	}
	env.ExecSQL(t, `UPDATE audit SET purpose = 'nothing to see' WHERE seq = ?`, search.Seq)
	env.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if v.OK || v.FirstBrokenSeq != search.Seq {
		t.Fatalf("edited row %d: %+v", search.Seq, v)
	}
	env.ExecSQL(t, `UPDATE audit SET purpose = ? WHERE seq = ?`, search.Purpose, search.Seq)
	env.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if !v.OK {
		t.Fatalf("restored row: %+v", v)
	}
	env.ExecSQL(t, `DELETE FROM audit WHERE seq = 3`)
	env.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if v.OK || v.FirstBrokenSeq != 3 {
		t.Fatalf("deleted row 3: %+v", v)
	}
}

func TestAuditListFiltersAndPaging(t *testing.T) {
	env, tok := seeded(t)
	env.Do(t, "POST", "/v1/searches", tok, searchReq("7ABC123"), http.StatusOK, nil)
	tok2 := env.Login(t, "detective2")
	c := searchReq("9XYZ555")
	c.ReportNumber = "21-04318"
	env.Do(t, "POST", "/v1/searches", tok2, c, http.StatusOK, nil)
	sup := env.Login(t, "supervisor")
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?report_number=21-04318", sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Actor != "detective2" || page.Entries[0].Workstation != "storetest-ws" || page.Entries[0].ResultCount != 1 {
		t.Fatalf("by report = %+v", page.Entries)
	}
	env.Do(t, "GET", "/v1/audit?team=west&action=search", sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Actor != "detective2" {
		t.Fatalf("by team = %+v", page.Entries)
	}
	from := env.Clock.Now().Add(time.Hour).UTC().Format(time.RFC3339)
	env.Do(t, "GET", "/v1/audit?from="+from, sup, nil, http.StatusOK, &page)
	if len(page.Entries) != 0 {
		t.Fatalf("from the future = %+v", page.Entries)
	}
	// Paging: newest first, no entry twice.
	var seqs []int64
	cur := ""
	for {
		page = api.AuditPage{}
		env.Do(t, "GET", "/v1/audit?limit=4&cursor="+cur, sup, nil, http.StatusOK, &page)
		for _, e := range page.Entries {
			seqs = append(seqs, e.Seq)
		}
		if cur = page.NextCursor; cur == "" {
			break
		}
	}
	if !slices.IsSortedFunc(seqs, func(a, b int64) int { return int(b - a) }) || seqs[len(seqs)-1] != 1 || int64(len(seqs)) != seqs[0] {
		t.Fatalf("paged seqs = %v", seqs)
	}
	env.Do(t, "GET", "/v1/audit", tok, nil, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/audit/verify", tok, nil, http.StatusForbidden, nil)
	env.Do(t, "GET", "/v1/audit?limit=0", sup, nil, http.StatusUnprocessableEntity, nil)
}

func TestRoutesMatchOpenAPI(t *testing.T) {
	env := storetest.Start(t)
	got := env.Server.Routes()
	want := apitest.Load(t).Paths()
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("router routes\n%v\nopenapi.yaml paths\n%v", got, want)
	}
}
