package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// Audit actions of analyses (DESIGN.md, Analyses).
const (
	ActionAnalysisCommonPlates = "analysis_common_plates"
	ActionAnalysisConvoy       = "analysis_convoy"
)

// sceneQuery is a validated scene: the cameras it covers and its window.
type sceneQuery struct {
	CameraIDs []string
	From, To  time.Time
}

// dataElements renders an analysis request without its case context, as
// the audit records it.
func dataElements(req any) string {
	switch r := req.(type) {
	case api.ConvoyRequest:
		r.CaseContext = api.CaseContext{}
		req = r
	case api.CommonPlatesRequest:
		r.CaseContext = api.CaseContext{}
		req = r
	}
	b, _ := json.Marshal(req)
	return string(b)
}

// analysisAudit starts the audit entry of an analysis: its case context and
// its data elements (the request without the case context).
func analysisAudit(r *http.Request, sess *session, action string, cc api.CaseContext, req any, now time.Time) *api.AuditEntry {
	return &api.AuditEntry{At: now, Actor: sess.username(), Role: sess.role(), Action: action,
		ReportNumber: cc.ReportNumber, PurposeCategory: cc.PurposeCategory, Purpose: cc.Purpose,
		Query: dataElements(req), Workstation: workstation(r)}
}

// runAnalysis computes an analysis in a read-only snapshot, then keeps it
// (with the reads it returned) and its audit entry in one write. A refusal
// (an *api.Error from compute) is audited as refused and returned.
func (s *Server) runAnalysis(r *http.Request, e *api.AuditEntry, compute func(tx ReadTx) (*AnalysisRecord, error)) error {
	var rec *AnalysisRecord
	err := s.st.View(r.Context(), func(tx ReadTx) error {
		var err error
		rec, err = compute(tx)
		return err
	})
	var refusal *api.Error
	if err != nil && !errors.As(err, &refusal) {
		return err
	}
	return s.audited(r.Context(), e, func(tx Tx) error {
		if refusal != nil {
			return refusal
		}
		return tx.InsertAnalysis(rec)
	})
}

// checkAnalyst applies the gates every analysis shares with a search: the
// role, training on record and a valid case context.
func (s *Server) checkAnalyst(sess *session, roles []string, cc api.CaseContext) *api.Error {
	u := sess.user
	if !slices.Contains(roles, u.Role) {
		return forbidden("The role %s may not run this analysis.", u.Role)
	}
	if u.TrainedOn == "" {
		return api.E(api.CodeTrainingRequired,
			"%s has no ALPR training on record; analyses are allowed only after training (ask an administrator to record it).", u.Username)
	}
	return s.policy.CheckCase(cc)
}

// newAnalysisID names a new analysis.
func newAnalysisID() string { return "a_" + newToken("")[:22] }

// commonPlates: POST /v1/analyses/common-plates.
func (s *Server) commonPlates(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.CommonPlatesRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	now := s.now()
	e := analysisAudit(r, sess, ActionAnalysisCommonPlates, req.CaseContext, req, now)
	resp := &api.CommonPlatesResponse{AnalysisID: newAnalysisID(), Plates: []api.CommonPlate{}}
	err := s.runAnalysis(r, e, func(tx ReadTx) (*AnalysisRecord, error) {
		if err := s.checkAnalyst(sess, api.AnalysisRoles, req.CaseContext); err != nil {
			return nil, err
		}
		scenes, minScenes, err := s.checkScenes(tx, &req)
		if err != nil {
			return nil, err
		}
		if err := s.answerCommonPlates(tx, sess, scenes, minScenes, req.Fuzzy, resp); err != nil {
			return nil, err
		}
		e.ResultCount = len(resp.Plates)
		rec := &AnalysisRecord{ID: resp.AnalysisID, Kind: AnalysisCommonPlates, Username: sess.username(),
			CreatedAt: now, Case: req.CaseContext}
		for _, p := range resp.Plates {
			for _, rd := range p.Reads {
				rec.ReadIDs = append(rec.ReadIDs, rd.ID)
			}
		}
		return rec, nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resp)
}

// answerCommonPlates reads each scene (refusing a scene over
// api.MaxSceneReads reads), groups the plates and fills resp.
func (s *Server) answerCommonPlates(tx ReadTx, sess *session, scenes []sceneQuery, minScenes int, fuzzy bool, resp *api.CommonPlatesResponse) error {
	keys := make([][]ReadKey, len(scenes))
	for i, sc := range scenes {
		ks, err := tx.WindowReads(sc.CameraIDs, sc.From, sc.To, api.MaxSceneReads+1)
		if err != nil {
			return err
		}
		if len(ks) > api.MaxSceneReads {
			return api.E(api.CodeSceneTooBroad,
				"Scene %d holds more than %d reads in its window; narrow its area or window.", i+1, api.MaxSceneReads)
		}
		keys[i] = ks
	}
	groups, capped := commonPlates(keys, minScenes, fuzzy, api.MaxAnalysisPlates)
	var ids []string
	for _, g := range groups {
		ids = append(ids, g.ReadIDs...)
	}
	byID, hot, err := s.groupReads(tx, sess, ids)
	if err != nil {
		return err
	}
	resp.Capped = capped
	for _, g := range groups {
		p := api.CommonPlate{Plate: g.Plate, State: g.State, Scenes: g.Scenes, Reads: pick(byID, g.ReadIDs),
			Hotlisted: hot[g.Plate+"\x00"+g.State]}
		resp.Plates = append(resp.Plates, p)
	}
	return nil
}

// groupReads loads the reads of an analysis's groups by id, and the
// plates on an active hotlist the caller may see.
func (s *Server) groupReads(tx ReadTx, sess *session, ids []string) (map[string]api.Read, map[string]bool, error) {
	byID, err := readsByID(tx, ids)
	if err != nil {
		return nil, nil, err
	}
	hot, err := s.hotlistedPlates(tx, sess)
	return byID, hot, err
}

// readsByID loads reads by id into a map.
func readsByID(tx ReadTx, ids []string) (map[string]api.Read, error) {
	reads, err := tx.ReadsByID(ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]api.Read, len(reads))
	for _, rd := range reads {
		out[rd.ID] = rd
	}
	return out, nil
}

// pick returns the reads of ids that byID holds, newest first (ties by id,
// descending).
func pick(byID map[string]api.Read, ids []string) []api.Read {
	out := make([]api.Read, 0, len(ids))
	for _, id := range ids {
		if rd, ok := byID[id]; ok {
			out = append(out, rd)
		}
	}
	sortNewestFirst(out)
	return out
}

// sortNewestFirst orders reads newest first, ties by id descending.
func sortNewestFirst(reads []api.Read) {
	slices.SortFunc(reads, func(a, b api.Read) int {
		if c := b.CapturedAt.Compare(a.CapturedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
}

// hotlistedPlates returns "plate\x00state" of every active hotlist entry
// the caller may see (covert entries only to their requester and
// approvers).
func (s *Server) hotlistedPlates(tx ReadTx, sess *session) (map[string]bool, error) {
	entries, err := tx.ActiveHotlistEntries(s.now())
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for i := range entries {
		if canSeeEntry(sess, &entries[i]) {
			out[entries[i].Plate+"\x00"+entries[i].State] = true
		}
	}
	return out, nil
}

// checkScenes validates the scenes and min_scenes of a common-plates
// analysis and resolves each scene to its cameras.
func (s *Server) checkScenes(tx ReadTx, req *api.CommonPlatesRequest) ([]sceneQuery, int, error) {
	n := len(req.Scenes)
	if n < api.MinScenes || n > api.MaxScenes {
		return nil, 0, invalid("scenes", "must hold %d to %d scenes; it holds %d.", api.MinScenes, api.MaxScenes, n)
	}
	minScenes := req.MinScenes
	if minScenes == 0 {
		minScenes = n
	}
	if minScenes < api.MinScenes || minScenes > n {
		return nil, 0, invalid("min_scenes", "must be between %d and the number of scenes (%d); it is %d.", api.MinScenes, n, req.MinScenes)
	}
	cams, err := tx.Cameras()
	if err != nil {
		return nil, 0, err
	}
	out := make([]sceneQuery, n)
	for i, sc := range req.Scenes {
		q, err := checkScene(cams, fmt.Sprintf("scenes[%d]", i), sc)
		if err != nil {
			return nil, 0, err
		}
		out[i] = q
	}
	return out, minScenes, nil
}

// checkScene validates one scene (field names the scene, as scenes[1]).
func checkScene(cams []api.Camera, field string, sc api.Scene) (sceneQuery, error) {
	q := sceneQuery{From: sc.From.UTC(), To: sc.To.UTC()}
	switch {
	case sc.From.IsZero():
		return q, invalid(field+".from", "is required.")
	case sc.To.IsZero():
		return q, invalid(field+".to", "is required.")
	case !q.To.After(q.From):
		return q, invalid(field+".to", "must be after from.")
	case q.To.Sub(q.From) > api.MaxSceneWindow:
		return q, invalid(field+".to", "makes a window of %s; a scene's window is at most 6 hours.", q.To.Sub(q.From).Round(time.Minute))
	}
	ids, err := sceneCameras(cams, field, sc)
	q.CameraIDs = ids
	return q, err
}

// sceneCameras resolves a scene's circle or camera list to camera ids.
func sceneCameras(cams []api.Camera, field string, sc api.Scene) ([]string, error) {
	switch {
	case sc.Area == nil && len(sc.CameraIDs) == 0:
		return nil, invalid(field+".area", "or camera_ids is required: where the scene is.")
	case sc.Area != nil && len(sc.CameraIDs) > 0:
		return nil, invalid(field+".area", "and camera_ids cannot both be given; choose one.")
	case sc.Area != nil:
		a := sc.Area
		switch {
		case a.Lat < -90 || a.Lat > 90:
			return nil, invalid(field+".area.lat", "must be a latitude between -90 and 90.")
		case a.Lon < -180 || a.Lon > 180:
			return nil, invalid(field+".area.lon", "must be a longitude between -180 and 180.")
		case a.RadiusM <= 0 || a.RadiusM > api.MaxSceneRadiusM:
			return nil, invalid(field+".area.radius_m", "must be more than 0 and at most %d metres.", api.MaxSceneRadiusM)
		}
		ids := []string{}
		for _, c := range cams {
			if distanceM(a.Lat, a.Lon, c.Lat, c.Lon) <= a.RadiusM {
				ids = append(ids, c.ID)
			}
		}
		return ids, nil
	}
	if len(sc.CameraIDs) > api.MaxSceneCameras {
		return nil, invalid(field+".camera_ids", "names %d cameras; a scene names at most %d.", len(sc.CameraIDs), api.MaxSceneCameras)
	}
	for _, id := range sc.CameraIDs {
		if !slices.ContainsFunc(cams, func(c api.Camera) bool { return c.ID == id }) {
			return nil, invalid(field+".camera_ids", "names %q, which is not a camera of this store.", id)
		}
	}
	return slices.Clone(sc.CameraIDs), nil
}

// convoyAnalysis: POST /v1/analyses/convoy.
func (s *Server) convoyAnalysis(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.ConvoyRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	now := s.now()
	e := analysisAudit(r, sess, ActionAnalysisConvoy, req.CaseContext, req, now)
	resp := &api.ConvoyResponse{AnalysisID: newAnalysisID(), TargetReads: []api.Read{}, Companions: []api.Companion{}}
	err := s.runAnalysis(r, e, func(tx ReadTx) (*AnalysisRecord, error) {
		if err := s.checkConvoyGate(sess, req.CaseContext); err != nil {
			return nil, err
		}
		if err := checkConvoy(&req); err != nil {
			return nil, err
		}
		e.Query = dataElements(req) // as used: the plate normalised, defaults filled
		if err := s.answerConvoy(tx, sess, &req, resp); err != nil {
			return nil, err
		}
		e.ResultCount = len(resp.Companions)
		rec := &AnalysisRecord{ID: resp.AnalysisID, Kind: AnalysisConvoy, Username: sess.username(),
			CreatedAt: now, Case: req.CaseContext}
		for _, rd := range resp.TargetReads {
			rec.ReadIDs = append(rec.ReadIDs, rd.ID)
		}
		for _, c := range resp.Companions {
			for _, co := range c.CoReads {
				rec.ReadIDs = append(rec.ReadIDs, co.Read.ID)
			}
		}
		return rec, nil
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resp)
}

// checkConvoyGate allows a convoy analysis only to detectives and
// supervisors, under a purpose category of the policy's convoy_categories,
// with training and a valid case context.
func (s *Server) checkConvoyGate(sess *session, cc api.CaseContext) *api.Error {
	if !slices.Contains(api.ConvoyRoles, sess.role()) {
		return api.E(api.CodeAnalysisNotPermitted,
			"A convoy analysis is for detectives and supervisors only; the role %s may not run one.", sess.role())
	}
	if err := s.checkAnalyst(sess, api.ConvoyRoles, cc); err != nil {
		return err
	}
	if !slices.Contains(s.policy.ConvoyCategories, cc.PurposeCategory) {
		return api.E(api.CodeAnalysisNotPermitted,
			"A convoy analysis is allowed only for %s; this case's purpose is %s.",
			strings.Join(s.policy.ConvoyCategories, ", "), cc.PurposeCategory)
	}
	return nil
}

// checkConvoy validates a convoy request, filling defaults.
func checkConvoy(req *api.ConvoyRequest) *api.Error {
	p := plate.Normalize(req.Plate)
	switch {
	case strings.ContainsAny(req.Plate, "*?"):
		return invalid("plate", "holds a pattern; a convoy analysis needs the target's exact plate.")
	case !plate.Valid(p):
		return invalid("plate", "holds %q; the target's exact plate is 1 to %d letters and digits.", req.Plate, plate.MaxLen)
	}
	req.Plate = p
	req.From, req.To = req.From.UTC(), req.To.UTC()
	switch {
	case req.From.IsZero():
		return invalid("from", "is required.")
	case req.To.IsZero():
		return invalid("to", "is required.")
	case !req.To.After(req.From):
		return invalid("to", "must be after from.")
	case req.To.Sub(req.From) > api.MaxConvoyWindow:
		return invalid("to", "makes a window of %s; a convoy analysis covers at most 7 days.", req.To.Sub(req.From).Round(time.Minute))
	}
	if req.WithinS == 0 {
		req.WithinS = api.DefaultConvoyWithinS
	}
	if req.WithinS < 1 || req.WithinS > api.MaxConvoyWithinS {
		return invalid("within_s", "must be between 1 and %d seconds; it is %d.", api.MaxConvoyWithinS, req.WithinS)
	}
	if req.MinCameras == 0 {
		req.MinCameras = api.MinConvoyCameras
	}
	if req.MinCameras < api.MinConvoyCameras || req.MinCameras > api.MaxConvoyCameras {
		return invalid("min_cameras", "must be between %d and %d; it is %d.", api.MinConvoyCameras, api.MaxConvoyCameras, req.MinCameras)
	}
	return nil
}

// answerConvoy finds the target's reads, the reads near each, and fills
// resp with the companions.
func (s *Server) answerConvoy(tx ReadTx, sess *session, req *api.ConvoyRequest, resp *api.ConvoyResponse) error {
	pat, err := plate.ParsePattern(req.Plate)
	if err != nil {
		return invalid("plate", "is not a plate: %v", err)
	}
	page, err := tx.SearchReads(&ReadQuery{Pattern: pat, From: req.From, To: req.To.Add(-time.Millisecond),
		Limit: api.MaxConvoyTargetReads, SkipCount: true})
	if err != nil {
		return err
	}
	if page.More {
		return api.E(api.CodeSearchTooBroad,
			"The plate %s has more than %d reads in the window; narrow from and to.", req.Plate, api.MaxConvoyTargetReads)
	}
	resp.TargetReads = page.Reads
	sortNewestFirst(resp.TargetReads)
	targets := make([]targetRead, len(page.Reads))
	windows := make([]CameraWindow, len(page.Reads))
	within := time.Duration(req.WithinS) * time.Second
	for i, rd := range page.Reads {
		targets[i] = targetRead{ID: rd.ID, CameraID: rd.Camera.ID, CapturedAt: rd.CapturedAt}
		from, to := nearWindow(targets[i], within)
		windows[i] = CameraWindow{CameraID: rd.Camera.ID, From: from, To: to}
	}
	near, err := tx.NearReads(windows)
	if err != nil {
		return err
	}
	groups, capped := convoy(req.Plate, targets, near, req.MinCameras, api.MaxAnalysisPlates)
	return s.fillCompanions(tx, sess, groups, capped, resp)
}

// fillCompanions loads the companions' co-reads and marks hotlisted plates.
func (s *Server) fillCompanions(tx ReadTx, sess *session, groups []plateGroup, capped bool, resp *api.ConvoyResponse) error {
	var ids []string
	for _, g := range groups {
		for _, p := range g.Pairs {
			ids = append(ids, p[1])
		}
	}
	byID, hot, err := s.groupReads(tx, sess, ids)
	if err != nil {
		return err
	}
	resp.Capped = capped
	for _, g := range groups {
		c := api.Companion{Plate: g.Plate, State: g.State, Cameras: g.Cameras, CoReads: []api.CoRead{},
			Hotlisted: hot[g.Plate+"\x00"+g.State]}
		for _, p := range g.Pairs {
			if rd, ok := byID[p[1]]; ok {
				c.CoReads = append(c.CoReads, api.CoRead{TargetReadID: p[0], Read: rd})
			}
		}
		slices.SortFunc(c.CoReads, func(a, b api.CoRead) int {
			if x := b.Read.CapturedAt.Compare(a.Read.CapturedAt); x != 0 {
				return x
			}
			return strings.Compare(b.Read.ID+b.TargetReadID, a.Read.ID+a.TargetReadID)
		})
		resp.Companions = append(resp.Companions, c)
	}
	return nil
}

// reachAnalysis checks that the caller's own analysis returned read id and
// returns the analysis (as a search record carrying its case context) and
// the read.
func (s *Server) reachAnalysis(tx ReadTx, sess *session, analysisID, id string) (*SearchRecord, *api.Read, error) {
	a, err := tx.GetAnalysis(analysisID)
	if errors.Is(err, ErrNotFound) || (err == nil && a.Username != sess.username()) {
		return nil, nil, forbidden("The analysis %s is not an analysis of yours.", analysisID)
	}
	if err != nil {
		return nil, nil, err
	}
	read, err := readOrGone(tx, id)
	if err != nil {
		return nil, nil, err
	}
	ok, err := tx.AnalysisReturned(analysisID, id)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, forbidden("The read %s was not returned by your analysis %s.", id, analysisID)
	}
	rec := &SearchRecord{ID: a.ID, Username: a.Username, CreatedAt: a.CreatedAt,
		Request: api.SearchRequest{CaseContext: a.Case}}
	if err := s.withinRetention(tx, rec, read); err != nil {
		return nil, nil, err
	}
	return rec, read, nil
}

// readVia names how a read was reached: exactly one of a search, an alert
// or an analysis.
type readVia struct{ SearchID, AlertID, AnalysisID string }

// reachVia checks access to read id by whichever of via names it.
func (s *Server) reachVia(tx Tx, sess *session, via readVia, id string) (*SearchRecord, *api.Read, error) {
	if via.AnalysisID == "" {
		return s.reach(tx, sess, via.SearchID, via.AlertID, id)
	}
	if via.SearchID != "" || via.AlertID != "" {
		return nil, nil, invalid("analysis_id", "cannot be combined with search_id or alert_id; give exactly one.")
	}
	return s.reachAnalysis(tx, sess, via.AnalysisID, id)
}
