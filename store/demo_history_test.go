package store_test

import (
	"net/http"
	"net/url"
	"regexp"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// startHistoryDemo starts a small demo world whose clock stands still at now.
func startHistoryDemo(t *testing.T, seed int64, now time.Time) *storetest.Env {
	t.Helper()
	return storetest.StartWith(t, store.Config{Demo: true, DemoSeed: seed, DemoReads: 5000,
		Now: func() time.Time { return now }})
}

// demoHistory pages through the whole audit trail (newest first) and
// returns the entries of the demo history.
func demoHistory(t *testing.T, env *storetest.Env, tok string) (all, hist []api.AuditEntry) {
	t.Helper()
	cursor := ""
	for {
		var page api.AuditPage
		env.Do(t, "GET", "/v1/audit?limit=500&cursor="+url.QueryEscape(cursor), tok, nil, http.StatusOK, &page)
		for _, e := range page.Entries {
			all = append(all, e)
			if e.Workstation == store.DemoHistoryWorkstation {
				hist = append(hist, e)
			}
		}
		if page.NextCursor == "" {
			return all, hist
		}
		cursor = page.NextCursor
	}
}

func TestDemoHistoryFillsSupervision(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	env := startHistoryDemo(t, 11, now)
	sup := env.Login(t, "supervisor")
	all, hist := demoHistory(t, env, sup)
	if len(hist) < 150 || len(hist) > 320 {
		t.Fatalf("%d history entries, want about 150-300", len(hist))
	}
	rn := regexp.MustCompile(api.DefaultReportNumberPattern)
	users := map[string]bool{}
	refused := map[string]int{}
	actions := map[string]int{}
	for i, e := range all {
		if i > 0 && (e.Seq >= all[i-1].Seq || e.At.After(all[i-1].At)) {
			t.Fatalf("entry %d (seq %d, %s) after seq %d (%s): not newest first in time order", i, e.Seq, e.At, all[i-1].Seq, all[i-1].At)
		}
	}
	for _, e := range hist {
		if !e.At.Before(now) || e.At.Before(now.AddDate(0, 0, -30)) {
			t.Fatalf("history entry %d at %s, not in the 30 days before %s", e.Seq, e.At, now)
		}
		if !rn.MatchString(e.ReportNumber) || e.Purpose == "" || e.PurposeCategory == "" {
			t.Fatalf("history entry without a proper case context: %+v", e)
		}
		users[e.Actor] = true
		actions[e.Action]++
		if e.Outcome == api.OutcomeRefused {
			refused[e.Reason]++
		}
	}
	if len(users) < 4 || actions[store.ActionSearch] < 100 || actions[store.ActionPhotoView] == 0 || actions[store.ActionVerification] == 0 {
		t.Fatalf("history users %v, actions %v", users, actions)
	}
	if refused[api.CodeTrainingRequired]+refused[api.CodeProhibitedPurpose]+refused[api.CodePurposeTooVague] == 0 {
		t.Fatalf("history refusals %v", refused)
	}
	var v api.AuditVerify
	env.Do(t, "GET", "/v1/audit/verify", sup, nil, http.StatusOK, &v)
	if !v.OK || v.Checked != int64(len(all)) {
		t.Fatalf("verify = %+v over %d entries", v, len(all))
	}
	var sample api.AuditSample
	env.Do(t, "POST", "/v1/audit/samples", sup, api.AuditSampleRequest{Month: now.Format("2006-01"), Size: 20}, http.StatusOK, &sample)
	if len(sample.Entries) == 0 {
		t.Fatal("the month's sample is empty")
	}
	var eff api.Efficacy
	env.Do(t, "GET", "/v1/reports/efficacy", sup, nil, http.StatusOK, &eff)
	flagged, searches := "", 0
	for _, u := range eff.Users {
		searches += u.Searches
		if u.Flagged {
			flagged = u.Username
		}
	}
	if searches < 100 || len(eff.Refusals) == 0 || flagged != "detective" {
		t.Fatalf("efficacy: %d searches, refusals %v, flagged %q (users %+v)", searches, eff.Refusals, flagged, eff.Users)
	}
}

func TestDemoHistoryIsDeterministicAndComesFirst(t *testing.T) {
	now := time.Date(2026, 11, 20, 18, 0, 0, 0, time.UTC)
	heads := make([]string, 2)
	for i := range heads {
		env := startHistoryDemo(t, 5, now)
		sup := env.Login(t, "supervisor")
		_, hist := demoHistory(t, env, sup)
		heads[i] = hist[0].Hash
		if hist[len(hist)-1].Seq != 1 || hist[0].Seq != int64(len(hist)) {
			t.Fatalf("history holds seqs %d..%d, want 1..%d", hist[len(hist)-1].Seq, hist[0].Seq, len(hist))
		}
		if i == 1 {
			det := env.Login(t, "detective")
			req := api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery",
				Purpose: "Armed robbery of a pharmacy; the suspects fled in a silver sedan."}, Plate: "7AB*"}
			env.Do(t, "POST", "/v1/searches", det, req, http.StatusOK, nil)
			all, _ := demoHistory(t, env, sup)
			if all[0].Action != store.ActionSearch || all[0].Actor != "detective" || all[0].Seq <= hist[0].Seq || all[0].At.Before(hist[0].At) {
				t.Fatalf("newest entry %+v does not follow the history's head (seq %d at %s)", all[0], hist[0].Seq, hist[0].At)
			}
		}
	}
	if heads[0] != heads[1] {
		t.Fatalf("same seed, different history heads %s and %s", heads[0], heads[1])
	}
	other := startHistoryDemo(t, 6, now)
	_, hist := demoHistory(t, other, other.Login(t, "supervisor"))
	if hist[0].Hash == heads[0] {
		t.Fatal("another seed gives the same history")
	}
}
