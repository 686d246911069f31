package store_test

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/sqlite"
)

// flagHistory is an audit chain built for one review-queue pattern.
type flagHistory struct {
	t   *testing.T
	st  store.Storage
	loc *time.Location
	// base is a Wednesday, 10:00 in loc.
	base time.Time
}

func newFlagHistory(t *testing.T) *flagHistory {
	t.Helper()
	st, err := sqlite.Open(filepath.Join(t.TempDir(), "flags.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	loc, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Fatal(err)
	}
	return &flagHistory{t: t, st: st, loc: loc, base: time.Date(2026, 11, 4, 10, 0, 0, 0, loc)}
}

// search appends an allowed search entry.
func (h *flagHistory) search(user string, at time.Time, report, purpose, plate string) {
	h.t.Helper()
	q, _ := json.Marshal(api.SearchRequest{Plate: plate})
	h.add(&api.AuditEntry{At: at, Actor: user, Role: api.RoleDetective, Action: store.ActionSearch, ReportNumber: report,
		PurposeCategory: "robbery", Purpose: purpose, Query: string(q)})
}

func (h *flagHistory) add(e *api.AuditEntry) {
	h.t.Helper()
	if err := h.st.Update(context.Background(), func(tx store.Tx) error { return store.AppendAudit(tx, e) }); err != nil {
		h.t.Fatal(err)
	}
}

// flags lists the flags of [base - 1 day, base + 40 days).
func (h *flagHistory) flags() []api.AuditFlag {
	h.t.Helper()
	var out []api.AuditFlag
	err := h.st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		out, err = store.Flags(tx, h.base.AddDate(0, 0, -1), h.base.AddDate(0, 0, 40), h.loc)
		return err
	})
	if err != nil {
		h.t.Fatal(err)
	}
	return out
}

// day is base plus d days and m minutes.
func (h *flagHistory) day(d int, m int) time.Time {
	return h.base.AddDate(0, 0, d).Add(time.Duration(m) * time.Minute)
}

// cleanHistory is a month of ordinary daytime work by five detectives:
// each case its own report number, justification and plates.
func (h *flagHistory) cleanHistory() {
	for d := 0; d < 28; d++ {
		for u := 0; u < 5; u++ {
			user := fmt.Sprintf("det%d", u)
			h.search(user, h.day(d, 30*u), fmt.Sprintf("26-%06d", d*10+u),
				fmt.Sprintf("Robbery %d-%d: suspect vehicle seen leaving the scene", d, u), fmt.Sprintf("%dABC%03d", u, d))
		}
	}
}

func kinds(fs []api.AuditFlag) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Kind+":"+f.Username)
	}
	slices.Sort(out)
	return out
}

func TestFlagsCleanHistory(t *testing.T) {
	h := newFlagHistory(t)
	h.cleanHistory()
	if fs := h.flags(); len(fs) != 0 {
		t.Fatalf("a clean history raised %+v", fs)
	}
}

func TestFlagRepeatPlate(t *testing.T) {
	h := newFlagHistory(t)
	h.cleanHistory()
	for i, d := range []int{1, 9, 20, 25} {
		h.search("det1", h.day(d, 200), fmt.Sprintf("26-90000%d", i), fmt.Sprintf("Case %d: burglary suspect car", i), "7ZZZ123")
	}
	// Two report numbers only, and a third more than 30 days later: no flag.
	h.search("det2", h.day(0, 200), "26-800001", "Carjacking at 73rd, getaway car", "8YYY456")
	h.search("det2", h.day(1, 200), "26-800002", "Carjacking at 80th, getaway car", "8YYY456")
	h.search("det2", h.day(35, 200), "26-800003", "Carjacking at 90th, getaway car", "8YYY456")
	fs := h.flags()
	if got := kinds(fs); !slices.Equal(got, []string{"repeat_plate:det1"}) {
		t.Fatalf("flags = %v (%+v)", got, fs)
	}
	if len(fs[0].Seqs) != 4 || fs[0].Reviewed || fs[0].Explanation == "" {
		t.Fatalf("flag = %+v", fs[0])
	}
	if again := h.flags(); again[0].ID != fs[0].ID {
		t.Fatalf("flag ids are not stable: %s then %s", fs[0].ID, again[0].ID)
	}
}

func TestFlagReusedJustification(t *testing.T) {
	h := newFlagHistory(t)
	h.cleanHistory()
	for i, p := range []string{"Robbery  investigation follow-up", "robbery investigation FOLLOW-UP", "Robbery investigation follow-up "} {
		h.search("det3", h.day(2*i, 250), fmt.Sprintf("26-70000%d", i), p, fmt.Sprintf("9X%dX999", i))
	}
	if got := kinds(h.flags()); !slices.Equal(got, []string{"reused_justification:det3"}) {
		t.Fatalf("flags = %v", got)
	}
}

func TestFlagUnverifiedStop(t *testing.T) {
	h := newFlagHistory(t)
	h.cleanHistory()
	for _, o := range []struct {
		action string
		ready  bool
	}{{api.ActionStop, false}, {api.ActionArrest, true}, {api.ActionNoAction, false}} {
		q, _ := json.Marshal(map[string]any{"alert_id": "al_7", "action": o.action, "list": "alert", "stop_ready": o.ready})
		h.add(&api.AuditEntry{At: h.day(3, 60), Actor: "wc", Role: api.RoleWatchCommander, Action: store.ActionAlertOutcome,
			ReportNumber: "26-012345", Purpose: "Driver matched the suspect", Query: string(q)})
	}
	fs := h.flags()
	if got := kinds(fs); !slices.Equal(got, []string{"unverified_stop:wc"}) {
		t.Fatalf("flags = %v", got)
	}
}

func TestFlagAfterHours(t *testing.T) {
	h := newFlagHistory(t)
	h.cleanHistory()
	night := time.Date(2026, 11, 10, 2, 30, 0, 0, h.loc)
	h.search("det4", night, "26-600001", "Homicide on 14th, witness saw a gray sedan", "4WWW777")
	h.add(&api.AuditEntry{At: night.Add(3 * time.Minute), Actor: "det4", Role: api.RoleDetective, Action: store.ActionPhotoView,
		ReportNumber: "26-600001", Query: `{"read_id":"r1"}`})
	// A night shift: activity from 23:00 to 01:30, every 40 minutes.
	for m := 0; m <= 150; m += 40 {
		h.search("det0", time.Date(2026, 11, 12, 23, 0, 0, 0, h.loc).Add(time.Duration(m)*time.Minute),
			fmt.Sprintf("26-5%05d", m), fmt.Sprintf("Night shift case %d: stolen car", m), fmt.Sprintf("5NS%04d", m))
	}
	fs := h.flags()
	if got := kinds(fs); !slices.Equal(got, []string{"after_hours:det4"}) {
		t.Fatalf("flags = %v", got)
	}
	if len(fs[0].Seqs) != 2 {
		t.Fatalf("after-hours flag = %+v", fs[0])
	}
}

func TestFlagVolume(t *testing.T) {
	h := newFlagHistory(t)
	h.cleanHistory()
	for i := 0; i < 300; i++ {
		h.search("det2", h.day(i%25, 300+i), fmt.Sprintf("26-4%05d", i), fmt.Sprintf("Bulk lookup %d for the robbery task force", i),
			fmt.Sprintf("V%04dAB", i))
	}
	if got := kinds(h.flags()); !slices.Equal(got, []string{"volume:det2"}) {
		t.Fatalf("flags = %v", got)
	}
}
