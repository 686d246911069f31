package store

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// ActionFlagReview is the audit action of a supervisor's review of a flag.
const ActionFlagReview = "flag_review"

// Review-queue rules (DESIGN.md, Accountability).
const (
	// flagWindow is the period within which repeated plates and reused
	// justifications across report numbers count.
	flagWindow = 30 * 24 * time.Hour
	// flagReports is how many different report numbers raise a flag.
	flagReports = 3
	// quietGap: after-hours activity with no other activity closer than
	// this is flagged.
	quietGap = 2 * time.Hour
	// nightEnd is the hour (store time zone) at which after-hours ends;
	// after-hours starts at midnight.
	nightEnd = 5
)

// flagEvent is one audit entry as a pattern sees it.
type flagEvent struct {
	seq    int64
	at     time.Time
	report string
}

// flagScan is what the review queue reads from the audit chain: the
// activity of each user (searches, analyses, photo views) and the
// recorded hit outcomes.
type flagScan struct {
	activity map[string][]api.AuditEntry // by user, in seq order
	searches []api.AuditEntry            // allowed search entries
	outcomes []api.AuditEntry            // allowed alert_outcome entries
	// returned maps a search entry's seq to the plates its search returned
	// (as long as the reads are stored).
	returned map[int64][]string
}

// activityActions are what after-hours looks at.
var activityActions = []string{ActionSearch, ActionAnalysisCommonPlates, ActionAnalysisConvoy, ActionPhotoView}

// scanFlags reads the entries of [from, to) the patterns need.
func scanFlags(tx ReadTx, from, to time.Time) (*flagScan, error) {
	sc := &flagScan{activity: map[string][]api.AuditEntry{}, returned: map[int64][]string{}}
	for _, action := range append(slices.Clone(activityActions), ActionAlertOutcome) {
		err := tx.AuditRange(from, to, action, func(e api.AuditEntry) error {
			if e.Outcome != api.OutcomeAllowed {
				return nil
			}
			switch e.Action {
			case ActionAlertOutcome:
				sc.outcomes = append(sc.outcomes, e)
				return nil
			case ActionSearch:
				sc.searches = append(sc.searches, e)
			}
			sc.activity[e.Actor] = append(sc.activity[e.Actor], e)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	for u := range sc.activity {
		slices.SortFunc(sc.activity[u], func(a, b api.AuditEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	}
	slices.SortFunc(sc.searches, func(a, b api.AuditEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	plates, err := tx.SearchPlates(from, to)
	if err != nil {
		return nil, err
	}
	bySearch := map[string]int64{}
	for _, e := range sc.searches {
		bySearch[e.Actor+"|"+strconv.FormatInt(e.At.UnixMilli(), 10)] = e.Seq
	}
	for _, p := range plates {
		if seq, ok := bySearch[p.Username+"|"+strconv.FormatInt(p.CreatedAt.UnixMilli(), 10)]; ok {
			sc.returned[seq] = p.Plates
		}
	}
	return sc, nil
}

// Flags computes the review queue for [from, to): every flag whose latest
// entry falls in the period, newest first, with the reviews on record.
func Flags(tx ReadTx, from, to time.Time, loc *time.Location) ([]api.AuditFlag, error) {
	sc, err := scanFlags(tx, from.Add(-flagWindow-24*time.Hour), to)
	if err != nil {
		return nil, err
	}
	var all []api.AuditFlag
	all = append(all, repeatPlateFlags(sc)...)
	all = append(all, reusedJustificationFlags(sc)...)
	all = append(all, unverifiedStopFlags(sc)...)
	all = append(all, afterHoursFlags(sc, loc)...)
	all = append(all, volumeFlags(sc, from)...)
	all = append(all, convoyFlags(sc)...) // analyses_flags.go
	reviews, err := flagReviews(tx)
	if err != nil {
		return nil, err
	}
	out := []api.AuditFlag{}
	for _, f := range all {
		if f.At.Before(from) || !f.At.Before(to) {
			continue
		}
		if r, ok := reviews[f.ID]; ok {
			f.Reviewed, f.Review = true, &r
		}
		out = append(out, f)
	}
	slices.SortFunc(out, func(a, b api.AuditFlag) int {
		return cmp.Or(b.At.Compare(a.At), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// flagReviews maps flag ids to their latest review, from the audit chain.
func flagReviews(tx ReadTx) (map[string]api.FlagReview, error) {
	out := map[string]api.FlagReview{}
	err := tx.AuditRange(time.Unix(0, 0), time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC), ActionFlagReview, func(e api.AuditEntry) error {
		if e.Outcome == api.OutcomeAllowed {
			out[queryField(e.Query, "flag_id")] = api.FlagReview{Verdict: queryField(e.Query, "verdict"),
				Note: queryField(e.Query, "note"), Reviewer: e.Actor, At: e.At}
		}
		return nil
	})
	return out, err
}

// flagID is a stable id: the kind, the seq of the entry the flag is
// anchored at, and a short hash of what the pattern is about.
func flagID(kind string, anchor int64, about string) string {
	sum := sha256.Sum256([]byte(kind + "\x00" + about))
	return fmt.Sprintf("%s-%d-%s", kind, anchor, hex.EncodeToString(sum[:4]))
}

// flagAnchor returns the anchor seq of a flag id.
func flagAnchor(id string) (string, int64, bool) {
	parts := strings.Split(id, "-")
	if len(parts) != 3 || !slices.Contains(api.FlagKinds, parts[0]) {
		return "", 0, false
	}
	seq, err := strconv.ParseInt(parts[1], 10, 64)
	return parts[0], seq, err == nil && seq > 0
}

// windowFlags raises one flag per group (user and subject) each time its
// events reach flagReports different report numbers within flagWindow:
// the flag is anchored at the event that does, holds the window's events
// and those of the following flagWindow, and no new flag of the group is
// raised during that time.
func windowFlags(kind string, groups map[[2]string][]flagEvent, explain func(user, subject string, reports []string) string) []api.AuditFlag {
	var out []api.AuditFlag
	for g, evs := range groups {
		slices.SortFunc(evs, func(a, b flagEvent) int { return cmp.Compare(a.seq, b.seq) })
		var cur *api.AuditFlag
		var curAt time.Time
		var reports []string
		for i, e := range evs {
			if cur != nil && e.at.Sub(curAt) <= flagWindow {
				cur.Seqs = append(cur.Seqs, e.seq)
				cur.At = e.at
				if !slices.Contains(reports, e.report) {
					reports = append(reports, e.report)
				}
				cur.Explanation = explain(g[0], g[1], reports)
				continue
			}
			if cur != nil {
				out = append(out, *cur)
				cur = nil
			}
			var win []flagEvent
			reports = nil
			for _, w := range evs[:i+1] {
				if e.at.Sub(w.at) < flagWindow {
					win = append(win, w)
					if !slices.Contains(reports, w.report) {
						reports = append(reports, w.report)
					}
				}
			}
			if len(reports) < flagReports {
				continue
			}
			cur = &api.AuditFlag{ID: flagID(kind, e.seq, g[0]+"\x00"+g[1]), Kind: kind, Username: g[0], At: e.at}
			curAt = e.at
			for _, w := range win {
				cur.Seqs = append(cur.Seqs, w.seq)
			}
			cur.Explanation = explain(g[0], g[1], reports)
		}
		if cur != nil {
			out = append(out, *cur)
		}
	}
	return out
}

// addEvent appends an event once per seq to a group.
func addEvent(groups map[[2]string][]flagEvent, user, subject string, e api.AuditEntry) {
	k := [2]string{user, subject}
	for _, x := range groups[k] {
		if x.seq == e.Seq {
			return
		}
	}
	groups[k] = append(groups[k], flagEvent{seq: e.Seq, at: e.At, report: e.ReportNumber})
}

// repeatPlateFlags: one user's searches under 3 or more report numbers
// within 30 days that searched a plate exactly or returned it.
func repeatPlateFlags(sc *flagScan) []api.AuditFlag {
	groups := map[[2]string][]flagEvent{}
	for _, e := range sc.searches {
		if p := exactPlate(e.Query); p != "" {
			addEvent(groups, e.Actor, p, e)
		}
		for _, p := range sc.returned[e.Seq] {
			addEvent(groups, e.Actor, p, e)
		}
	}
	return windowFlags(api.FlagRepeatPlate, groups, func(user, p string, reports []string) string {
		return fmt.Sprintf("%s searched or was shown the plate %s under %d different report numbers (%s) within 30 days.",
			user, p, len(reports), strings.Join(reports, ", "))
	})
}

// exactPlate returns the plate a search entry's query searched exactly
// ("" for a pattern, a fuzzy search or no plate).
func exactPlate(query string) string {
	p := queryField(query, "plate")
	if p == "" || queryField(query, "fuzzy") == "true" {
		return ""
	}
	pat, err := plate.ParsePattern(p)
	if err != nil || !pat.IsExact() {
		return ""
	}
	return pat.String()
}

// foldText folds case and spacing of a justification.
func foldText(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// reusedJustificationFlags: one user's identical justification (case and
// spacing folded) under 3 or more report numbers within 30 days.
func reusedJustificationFlags(sc *flagScan) []api.AuditFlag {
	groups := map[[2]string][]flagEvent{}
	for _, es := range sc.activity {
		for _, e := range es {
			if e.Action != ActionPhotoView && foldText(e.Purpose) != "" {
				addEvent(groups, e.Actor, foldText(e.Purpose), e)
			}
		}
	}
	return windowFlags(api.FlagReusedJustification, groups, func(user, text string, reports []string) string {
		return fmt.Sprintf("%s gave the same justification %q under %d different report numbers (%s) within 30 days.",
			user, text, len(reports), strings.Join(reports, ", "))
	})
}

// unverifiedStopFlags: a stop, arrest or recovery recorded on a hit that
// was not stop-ready.
func unverifiedStopFlags(sc *flagScan) []api.AuditFlag {
	var out []api.AuditFlag
	for _, e := range sc.outcomes {
		action := queryField(e.Query, "action")
		if !api.IsStopAction(action) || queryField(e.Query, "stop_ready") != "false" {
			continue
		}
		alert := queryField(e.Query, "alert_id")
		out = append(out, api.AuditFlag{ID: flagID(api.FlagUnverifiedStop, e.Seq, alert), Kind: api.FlagUnverifiedStop,
			Username: e.Actor, Seqs: []int64{e.Seq}, At: e.At,
			Explanation: fmt.Sprintf("%s recorded a %s on the hit %s, which was not stop-ready when it was recorded; the reason given: %q.",
				e.Actor, strings.ReplaceAll(action, "_", " "), alert, e.Purpose)})
	}
	return out
}

// afterHoursFlags: a user's searches, analyses or photo views between
// 00:00 and 05:00 (store time) with no other such activity of theirs within
// two hours: each run of activity (entries less than two hours apart) that
// lies wholly in the night is flagged once.
func afterHoursFlags(sc *flagScan, loc *time.Location) []api.AuditFlag {
	night := func(t time.Time) bool { return t.In(loc).Hour() < nightEnd }
	var out []api.AuditFlag
	for user, es := range sc.activity {
		slices.SortStableFunc(es, func(a, b api.AuditEntry) int { return a.At.Compare(b.At) })
		for i := 0; i < len(es); {
			j := i + 1
			for j < len(es) && es[j].At.Sub(es[j-1].At) < quietGap {
				j++
			}
			run := es[i:j]
			if !slices.ContainsFunc(run, func(e api.AuditEntry) bool { return !night(e.At) }) {
				f := api.AuditFlag{ID: flagID(api.FlagAfterHours, run[0].Seq, user), Kind: api.FlagAfterHours, Username: user,
					At: run[len(run)-1].At}
				for _, e := range run {
					f.Seqs = append(f.Seqs, e.Seq)
				}
				slices.Sort(f.Seqs)
				f.Explanation = fmt.Sprintf("%s was active %d times between %s and %s (%s), with no other activity within two hours.",
					user, len(run), run[0].At.In(loc).Format("2006-01-02 15:04"), f.At.In(loc).Format("15:04"), loc)
				out = append(out, f)
			}
			i = j
		}
	}
	return out
}

// volumeFlags: per calendar month (UTC) from the month of from, users
// whose allowed searches are more than FlagFactor times the median of the
// users who searched that month, and at least FlagMinSearches.
func volumeFlags(sc *flagScan, from time.Time) []api.AuditFlag {
	first := from.UTC().Format("2006-01")
	byMonth := map[string]map[string][]api.AuditEntry{}
	for _, e := range sc.searches {
		m := e.At.UTC().Format("2006-01")
		if m < first {
			continue
		}
		if byMonth[m] == nil {
			byMonth[m] = map[string][]api.AuditEntry{}
		}
		byMonth[m][e.Actor] = append(byMonth[m][e.Actor], e)
	}
	var out []api.AuditFlag
	for m, users := range byMonth {
		var counts []int
		for _, es := range users {
			counts = append(counts, len(es))
		}
		med := median(counts)
		for user, es := range users {
			n := len(es)
			if n < FlagMinSearches || float64(n) <= FlagFactor*med {
				continue
			}
			f := api.AuditFlag{ID: flagID(api.FlagVolume, es[0].Seq, user+"\x00"+m), Kind: api.FlagVolume, Username: user,
				At: es[n-1].At, Explanation: fmt.Sprintf("%s made %d searches in %s, more than %d times the median (%.1f) of the %d users who searched that month.",
					user, n, m, FlagFactor, med, len(users))}
			for _, e := range es {
				f.Seqs = append(f.Seqs, e.Seq)
			}
			out = append(out, f)
		}
	}
	return out
}
