package store

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/store/demo"
)

// DemoHistoryWorkstation is the workstation of every entry of a demo
// world's search history, so nobody mistakes it for real use.
const DemoHistoryWorkstation = "demo-history"

// historyActor is a demo user who searches in the history, with a weight
// (how many searches relative to the others).
type historyActor struct {
	user, role string
	weight     float64
}

// historyActors: detective searches far more than the others, so the
// efficacy report flags them.
var historyActors = []historyActor{
	{"detective", api.RoleDetective, 0.62},
	{"detective2", api.RoleDetective, 0.16},
	{"watch_commander", api.RoleWatchCommander, 0.12},
	{"supervisor", api.RoleSupervisor, 0.10},
}

// historyPurposes are written justifications by category; %s is a plate,
// vehicle or place.
var historyPurposes = map[string][]string{
	"robbery":           {"Armed robbery of a corner store; a witness saw the suspects leave in a %s.", "Street robbery with a handgun; the victim describes the getaway car as a %s."},
	"stolen_vehicle":    {"Owner reported a %s stolen from a driveway overnight; locating it.", "A %s was reported stolen after a burglary; checking recent sightings."},
	"carjacking":        {"Carjacking at gunpoint at a gas station; the taken vehicle is a %s.", "Victim pulled from the car at a light; tracking the taken %s."},
	"homicide":          {"Homicide investigation; two witnesses saw a %s leave the scene."},
	"burglary":          {"Commercial burglary series; a %s was seen at two of the scenes."},
	"grand_theft":       {"Catalytic converter thefts from a fleet yard; the suspect vehicle on video is a %s."},
	"missing_person":    {"At-risk missing adult last seen driving a %s; the family fears for their safety."},
	"felony_want":       {"Suspect with a felony warrant for assault is known to drive a %s."},
	"assault":           {"Aggravated assault with a vehicle; the victim says the striking vehicle is a %s."},
	"other_felony":      {"Felony evading; a %s fled a traffic stop at high speed."},
	"sexual_assault":    {"Sexual assault investigation; the suspect left in a %s."},
	"human_trafficking": {"Trafficking investigation; a %s was seen taking the victim between sites."},
}

// historyRefusals are refused attempts: purpose text and the code the
// policy gives it.
var historyRefusals = []struct{ purpose, code string }{
	{"Find out where the protest organizers park their cars near City Hall.", api.CodeProhibitedPurpose},
	{"Check if this car goes to the abortion clinic on Telegraph.", api.CodeProhibitedPurpose},
	{"follow up", api.CodePurposeTooVague},
	{"plate check inv", api.CodePurposeTooVague},
	{"see report", api.CodePurposeTooVague},
}

// historyGen builds a demo world's search history.
type historyGen struct {
	r     *rand.Rand
	w     *demo.World
	now   time.Time
	reads []api.ReadMeta
	cams  []api.Camera
	out   []api.AuditEntry
}

// demoHistory returns a world's deterministic search history (from its
// seed): searches, photo views and verifications of the 30 days before
// its Now, oldest first, with seq and hashes not yet set. verified lists
// the verifications the history records, to be set on their reads.
func demoHistory(w *demo.World) (entries []api.AuditEntry, verified map[string]api.Verification) {
	seed := uint64(w.Options().Seed)
	g := &historyGen{r: rand.New(rand.NewPCG(seed, 0x4157_0d15)), w: w, now: w.Now(),
		reads: w.SampleReads(60), cams: w.Cameras()}
	verified = map[string]api.Verification{}
	if len(g.reads) == 0 || len(g.cams) == 0 {
		return nil, verified
	}
	n := 170 + g.r.IntN(60)
	times := g.times(n)
	for i, at := range times {
		g.entry(i, at, verified)
	}
	slices.SortStableFunc(g.out, func(a, b api.AuditEntry) int { return a.At.Compare(b.At) })
	return g.out, verified
}

// times returns n sorted past times in the 30 days before now, mostly in
// working hours; at least five fall in now's month (when it began more
// than ten minutes ago), so the month's sample has entries.
func (g *historyGen) times(n int) []time.Time {
	start := g.now.AddDate(0, 0, -demo.WindowDays)
	span := g.now.Add(-30 * time.Minute).Sub(start)
	var out []time.Time
	for len(out) < n {
		t := start.Add(time.Duration(g.r.Int64N(int64(span))))
		if h := t.Hour(); (h < 15 || h > 23) && g.r.Float64() < 0.7 { // UTC 15-23 is Oakland's day
			continue
		}
		out = append(out, t)
	}
	month := time.Date(g.now.Year(), g.now.Month(), 1, 0, 0, 0, 0, time.UTC)
	lo := month
	if start.After(lo) {
		lo = start
	}
	if g.now.Sub(lo) > 10*time.Minute {
		w := g.now.Add(-2 * time.Minute).Sub(lo)
		for i := range 5 {
			out[i] = lo.Add(time.Duration(g.r.Int64N(int64(w))))
		}
	}
	slices.SortFunc(out, func(a, b time.Time) int { return a.Compare(b) })
	return out
}

// entry appends the i-th history event at at: mostly an allowed search
// (sometimes followed by a photo view and a verification), sometimes a
// refusal.
func (g *historyGen) entry(i int, at time.Time, verified map[string]api.Verification) {
	switch x := g.r.Float64(); {
	case x < 0.02:
		cc := g.caseContext()
		cc.Purpose = fmt.Sprintf(cc.Purpose, "gray sedan")
		g.refused(at, "rookie", api.RoleDetective, cc, api.CodeTrainingRequired)
		return
	case x < 0.05:
		a := g.actor()
		ref := historyRefusals[g.r.IntN(len(historyRefusals))]
		cc := g.caseContext()
		cc.Purpose = ref.purpose
		g.refused(at, a.user, a.role, cc, ref.code)
		return
	}
	a := g.actor()
	cc := g.caseContext()
	rd := g.reads[g.r.IntN(len(g.reads))]
	req := api.SearchRequest{CaseContext: cc, Limit: DefaultLimit}
	var count int
	if g.r.Float64() < 0.75 {
		req.Plate, req.Fuzzy = g.pattern(rd.Plate), g.r.Float64() < 0.3
		count = 1 + g.r.IntN(40)
	} else {
		c := g.cams[g.r.IntN(len(g.cams))]
		to := at.Add(-time.Duration(g.r.IntN(72)) * time.Hour).Truncate(time.Hour)
		from := to.Add(-time.Duration(12+g.r.IntN(6*24)) * time.Hour)
		req.Area = &api.Area{Lat: c.Lat, Lon: c.Lon, RadiusM: float64(300 + 100*g.r.IntN(15))}
		req.From, req.To = &from, &to
		req.Color, req.BodyType, req.Make = rd.Color, rd.BodyType, rd.Make
		count = g.r.IntN(260)
	}
	cc.Purpose = fmt.Sprintf(cc.Purpose, vehicleText(rd, req.Plate))
	req.CaseContext = cc
	e := api.AuditEntry{At: at, Actor: a.user, Role: a.role, Action: ActionSearch, ReportNumber: cc.ReportNumber,
		PurposeCategory: cc.PurposeCategory, Purpose: cc.Purpose, Query: auditQuery(req), ResultCount: count,
		Workstation: DemoHistoryWorkstation, Outcome: api.OutcomeAllowed}
	g.out = append(g.out, e)
	if count == 0 || g.r.Float64() > 0.2 {
		return
	}
	sid := fmt.Sprintf("demo-history-%d", i)
	view := e
	view.At, view.Action, view.ResultCount = at.Add(time.Duration(30+g.r.IntN(240))*time.Second), ActionPhotoView, 1
	view.Query = jsonText(map[string]string{"read_id": rd.ID, "search_id": sid, "alert_id": ""})
	g.out = append(g.out, view)
	if _, done := verified[rd.ID]; done || g.r.Float64() > 0.5 || view.At.After(g.now.Add(-time.Minute)) {
		return
	}
	ver := view
	ver.At, ver.Action = view.At.Add(time.Duration(20+g.r.IntN(120))*time.Second), ActionVerification
	ver.Query = jsonText(map[string]string{"read_id": rd.ID, "search_id": sid, "alert_id": "",
		"status": api.VerifyConfirmed, "corrected_plate": "", "corrected_state": ""})
	verified[rd.ID] = api.Verification{Status: api.VerifyConfirmed, By: a.user, At: ver.At.UTC().Truncate(time.Millisecond)}
	g.out = append(g.out, ver)
}

// refused appends a refused search attempt.
func (g *historyGen) refused(at time.Time, user, role string, cc api.CaseContext, code string) {
	rd := g.reads[g.r.IntN(len(g.reads))]
	req := api.SearchRequest{CaseContext: cc, Plate: g.pattern(rd.Plate), Limit: DefaultLimit}
	g.out = append(g.out, api.AuditEntry{At: at, Actor: user, Role: role, Action: ActionSearch,
		ReportNumber: cc.ReportNumber, PurposeCategory: cc.PurposeCategory, Purpose: cc.Purpose,
		Query: auditQuery(req), Workstation: DemoHistoryWorkstation, Outcome: api.OutcomeRefused, Reason: code})
}

// actor picks a searching user by weight.
func (g *historyGen) actor() historyActor {
	x := g.r.Float64()
	for _, a := range historyActors {
		if x < a.weight {
			return a
		}
		x -= a.weight
	}
	return historyActors[0]
}

// caseContext draws a report number and a category with its purpose
// template (holding one %s).
func (g *historyGen) caseContext() api.CaseContext {
	cats := make([]string, 0, len(historyPurposes))
	for c := range historyPurposes {
		cats = append(cats, c)
	}
	slices.Sort(cats)
	cat := cats[g.r.IntN(len(cats))]
	if g.r.Float64() < 0.5 { // the common categories
		cat = []string{"robbery", "stolen_vehicle", "carjacking"}[g.r.IntN(3)]
	}
	ps := historyPurposes[cat]
	return api.CaseContext{ReportNumber: fmt.Sprintf("%02d-%06d", g.now.Year()%100, 10000+g.r.IntN(90000)),
		PurposeCategory: cat, Purpose: ps[g.r.IntN(len(ps))]}
}

// pattern turns a real plate into what a detective types: the plate, a
// partial plate with a `*`, or one unknown character `?`.
func (g *historyGen) pattern(p string) string {
	switch x := g.r.IntN(3); {
	case x == 0 || len(p) < 5:
		return p
	case x == 1:
		return p[:len(p)-2] + "*"
	default:
		i := 1 + g.r.IntN(len(p)-2)
		return p[:i] + "?" + p[i+1:]
	}
}

// vehicleText describes a read's vehicle for a purpose text, with the
// plate (or the part of it) the search names.
func vehicleText(m api.ReadMeta, pattern string) string {
	s := strings.TrimSpace(fmt.Sprintf("%s %s %s", m.Color, m.Make, m.BodyType))
	if s == "" {
		s = "vehicle"
	}
	switch {
	case pattern == "":
		return s
	case pattern == m.Plate:
		return fmt.Sprintf("%s, plate %s", s, m.Plate)
	default:
		return fmt.Sprintf("%s, partial plate %s", s, pattern)
	}
}

// jsonText marshals a string map (which cannot fail).
func jsonText(v map[string]string) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// writeDemoHistory appends a world's search history to the audit chain
// (before anything else of the world, so seq order is time order) and
// returns the verifications to set once the reads are stored.
func (s *Server) writeDemoHistory(ctx context.Context, w *demo.World) (int, map[string]api.Verification, error) {
	entries, verified := demoHistory(w)
	err := s.st.Update(ctx, func(tx Tx) error {
		head, err := tx.AuditHead()
		if err != nil {
			return err
		}
		if head.Seq != 0 {
			return fmt.Errorf("store: demo history goes first in the audit chain, which already holds %d entries", head.Seq)
		}
		for i := range entries {
			if err := AppendAudit(tx, &entries[i]); err != nil {
				return err
			}
		}
		return nil
	})
	return len(entries), verified, err
}

// setDemoVerifications records on the stored reads the verifications the
// demo history made.
func (s *Server) setDemoVerifications(ctx context.Context, verified map[string]api.Verification) error {
	ids := make([]string, 0, len(verified))
	for id := range verified {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return s.st.Update(ctx, func(tx Tx) error {
		for _, id := range ids {
			if err := tx.SetVerification(id, verified[id]); err != nil {
				return err
			}
		}
		return nil
	})
}
