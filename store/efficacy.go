package store

import (
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"time"

	"alprdesk/api"
)

// A user is flagged in the efficacy report when their allowed searches in
// the period are more than FlagFactor times the median of the users who
// searched, and at least FlagMinSearches.
const (
	FlagFactor      = 3
	FlagMinSearches = 10
)

// maxEfficacySpan bounds one efficacy report.
const maxEfficacySpan = 5 * 366 * 24 * time.Hour

// flagRule is Efficacy.FlagRule.
var flagRule = fmt.Sprintf("A user is flagged when their allowed searches in the period are more than %d times "+
	"the median of all users who searched in it, and at least %d.", FlagFactor, FlagMinSearches)

// hotlistLists are the lists the efficacy report counts hits of, in order.
var hotlistLists = []string{api.ListAlert, api.ListCovert, api.ListFelonyWants, api.ListStolenPlates, api.ListStolenVehicles}

// efficacy: GET /v1/reports/efficacy?from=&to= (supervisors).
func (s *Server) efficacy(w http.ResponseWriter, r *http.Request, _ *session) error {
	from, to, err := periodParams(r, s.now(), yearBefore)
	if err != nil {
		return err
	}
	if to.Sub(from) > maxEfficacySpan {
		return invalid("from", "is more than five years before to; ask for a shorter period.")
	}
	var e *api.Efficacy
	err = s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		e, err = Efficacy(tx, from, to)
		return err
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, e)
}

// Efficacy computes the efficacy figures of the searches made in [from, to).
func Efficacy(tx ReadTx, from, to time.Time) (*api.Efficacy, error) {
	e := &api.Efficacy{From: from.UTC(), To: to.UTC(), FlagRule: flagRule}
	if err := efficacySearches(tx, e); err != nil {
		return nil, err
	}
	if err := efficacyOutcomesAndAge(tx, e); err != nil {
		return nil, err
	}
	if err := efficacyVerification(tx, e); err != nil {
		return nil, err
	}
	hits, err := tx.AlertCounts(from, to)
	if err != nil {
		return nil, err
	}
	for _, l := range hotlistLists {
		e.HotlistHits = append(e.HotlistHits, api.CountBy{Key: l, Count: hits[l]})
	}
	counts, err := loadCounts(tx, from, to)
	if err != nil {
		return nil, err
	}
	e.HitsByList = hitsByList(counts)
	return e, nil
}

// efficacySearches fills searches by month and category, refusals and the
// per-user counts from the period's search entries in the audit trail.
func efficacySearches(tx ReadTx, e *api.Efficacy) error {
	byMonth := map[[2]string]int{}
	refusals := map[string]int{}
	users := map[string]*api.UserSearches{}
	groups, err := tx.SearchCounts(e.From, e.To)
	if err != nil {
		return err
	}
	for _, g := range groups {
		u := users[g.Actor]
		if u == nil {
			u = &api.UserSearches{Username: g.Actor}
			users[g.Actor] = u
		}
		if g.Outcome == api.OutcomeRefused {
			refusals[g.Reason] += g.N
			u.Refused += g.N
			continue
		}
		byMonth[[2]string{g.Month, g.Category}] += g.N
		u.Searches += g.N
	}
	for k, n := range byMonth {
		e.SearchesByMonth = append(e.SearchesByMonth, api.MonthCategoryCount{Month: k[0], Category: k[1], Count: n})
	}
	slices.SortFunc(e.SearchesByMonth, func(a, b api.MonthCategoryCount) int {
		return cmp.Or(cmp.Compare(a.Month, b.Month), cmp.Compare(a.Category, b.Category))
	})
	for k, n := range refusals {
		e.Refusals = append(e.Refusals, api.CountBy{Key: k, Count: n})
	}
	slices.SortFunc(e.Refusals, func(a, b api.CountBy) int { return cmp.Or(b.Count-a.Count, cmp.Compare(a.Key, b.Key)) })
	recs, err := tx.ListUsers()
	if err != nil {
		return err
	}
	for _, rec := range recs {
		if u := users[rec.Username]; u != nil {
			u.DisplayName, u.Team = rec.DisplayName, rec.Team
		}
	}
	var counts []int
	for _, u := range users {
		e.Users = append(e.Users, *u)
		if u.Searches > 0 {
			counts = append(counts, u.Searches)
		}
	}
	med := median(counts)
	for i := range e.Users {
		n := e.Users[i].Searches
		e.Users[i].Flagged = n >= FlagMinSearches && float64(n) > FlagFactor*med
	}
	slices.SortFunc(e.Users, func(a, b api.UserSearches) int {
		return cmp.Or(b.Searches-a.Searches, b.Refused-a.Refused, cmp.Compare(a.Username, b.Username))
	})
	return nil
}

// median of counts (0 when empty).
func median(counts []int) float64 {
	if len(counts) == 0 {
		return 0
	}
	slices.Sort(counts)
	m := len(counts) / 2
	if len(counts)%2 == 1 {
		return float64(counts[m])
	}
	return float64(counts[m-1]+counts[m]) / 2
}

// efficacyOutcomesAndAge fills the outcomes and the age of the data: each
// search that returned reads counts once, in the bucket of the oldest read
// it returned, aged at the time of the search.
func efficacyOutcomesAndAge(tx ReadTx, e *api.Efficacy) error {
	figs, err := tx.SearchFigures(e.From, e.To)
	if err != nil {
		return err
	}
	outcomes := map[string]int{}
	ages := map[string]int{}
	for _, f := range figs {
		if f.Outcome == "" {
			e.NoOutcome++
		} else {
			outcomes[f.Outcome]++
		}
		if !f.Oldest.IsZero() {
			ages[api.AgeBucket(f.Oldest, f.CreatedAt)]++
		}
	}
	for _, k := range api.SearchOutcomes {
		e.Outcomes = append(e.Outcomes, api.CountBy{Key: k, Count: outcomes[k]})
	}
	for _, k := range api.AgeBuckets {
		e.DataAge = append(e.DataAge, api.CountBy{Key: k, Count: ages[k]})
	}
	return nil
}

// efficacyVerification fills the verification figures: the latest verdict
// the audit trail holds for each distinct read the period's searches
// returned.
func efficacyVerification(tx ReadTx, e *api.Efficacy) error {
	ids, err := tx.ReturnedReadIDs(e.From, e.To)
	if err != nil {
		return err
	}
	verdicts, err := tx.LatestVerdicts()
	if err != nil {
		return err
	}
	v := &e.Verification
	for _, id := range ids {
		switch verdicts[id] {
		case api.VerifyConfirmed:
			v.Confirmed++
		case api.VerifyMisread:
			v.Misread++
		case api.VerifyWrongState:
			v.WrongState++
		case api.VerifyUnreadable:
			v.Unreadable++
		default:
			v.Unverified++
		}
	}
	v.OCRErrorRate = v.ErrorRate()
	return nil
}
