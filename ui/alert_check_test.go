package ui

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"alprdesk/api"
)

// TestAlertsPanelShowsTheCheckFirst: a look-alike hit shows NOT STOP-READY
// with the look-alike character marked; key 1 confirms it and it stays not
// stop-ready (another car); a stop on it needs a reason, then is recorded
// and audited. An exact hit confirmed with key 1 becomes STOP-READY.
func TestAlertsPanelShowsTheCheckFirst(t *testing.T) {
	env, _, _, av := alertsOn(t)
	ingestAt(t, env, "r-look", "7A8C123", "cam-1", time.Minute, [3]string{"silver", "Toyota", "sedan"})
	waitFor(t, "the hit", func() bool { return len(av.Rows()) == 1 })
	waitFor(t, "the photo", func() bool { return av.Photo() != nil })
	if av.check.banner.Text != bannerNotReady || !strings.Contains(av.check.lines.Text, "read 7A[[8]]C123, listed 7A[[B]]C123") ||
		!strings.Contains(av.check.lines.Text, "LOOK-ALIKE") || !strings.Contains(av.check.lines.Text, "Vehicle: read silver Toyota") {
		t.Fatalf("check: %q / %q", av.check.banner.Text, av.check.lines.Text)
	}
	if seg := PlateSegments("7A8C123", av.Rows()[0].Check.Positions, true); len(seg) != 7 {
		t.Fatalf("plate segments %d", len(seg))
	}
	if !av.KeyVerdict('1') {
		t.Fatal("key 1 did not verify")
	}
	waitFor(t, "the verdict", func() bool { return av.Rows()[0].Verdict == api.VerifyConfirmed })
	if av.check.banner.Text != bannerNotReady || av.Rows()[0].Check.StopReady {
		t.Fatalf("a confirmed look-alike read shows %q", av.check.banner.Text)
	}
	av.action.SetSelected("Stop")
	test.Tap(av.record)
	if !strings.Contains(av.msg.Text, "not stop-ready") || av.Rows()[0].Outcome != nil {
		t.Fatalf("stop without a reason: %q", av.msg.Text)
	}
	av.reason.SetText("Driver flagged us down about the car")
	test.Tap(av.record)
	waitFor(t, "the outcome", func() bool { return av.Rows()[0].Outcome != nil })
	if o := av.Rows()[0].Outcome; o.Action != api.ActionStop || o.StopReady || !av.record.Disabled() {
		t.Fatalf("outcome %+v", o)
	}
	var page api.AuditPage
	env.Do(t, "GET", "/v1/audit?action=alert_outcome&user=watch_commander", env.Login(t, "supervisor"), nil, http.StatusOK, &page)
	if len(page.Entries) != 1 || page.Entries[0].Outcome != api.OutcomeAllowed {
		t.Fatalf("outcome audit %+v", page.Entries)
	}

	ingestAt(t, env, "r-exact", "7ABC123", "cam-2", time.Minute, [3]string{"silver", "Toyota", "sedan"})
	waitFor(t, "the second hit", func() bool { return len(av.Rows()) == 2 })
	av.list.Select(0)
	waitFor(t, "its photo", func() bool { return av.Rows()[0].photo != nil && !av.confirm.Disabled() })
	av.KeyVerdict('1')
	waitFor(t, "stop-ready", func() bool { return av.check.banner.Text == bannerReady })
}
