package store

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"math"
	"net/http"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// Search limits (issue 2 section 4).
const (
	DefaultLimit    = 100
	MaxLimit        = 500
	TotalCap        = 10000
	MaxAttrWindow   = 7 * 24 * time.Hour
	maxAreaRadiusM  = 50000
	maxMakeLen      = 40
	maxCameraFilter = 1000
)

// cursor is the opaque paging position of a search.
type cursor struct {
	SearchID string `json:"s"`
	At       int64  `json:"a"`
	ReadID   string `json:"i"`
	Total    int    `json:"t"`
	Capped   bool   `json:"c,omitempty"`
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (*cursor, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err == nil {
		err = json.Unmarshal(b, &c)
	}
	if err != nil || c.SearchID == "" {
		return nil, invalid("cursor", "is not a cursor this store gave out; repeat the search without it.")
	}
	return &c, nil
}

// searchHash identifies a search body apart from its cursor and limit.
func searchHash(req api.SearchRequest) string {
	req.Cursor, req.Limit = "", 0
	b, _ := json.Marshal(req)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// auditQuery is the search's data elements as recorded in the audit, with
// the purpose as the prohibited-term rule judged it (api.Skeleton) in
// "normalised" (DESIGN.md, Analyses: Page fetches).
func auditQuery(req api.SearchRequest) string {
	normalised := api.Skeleton(req.Purpose)
	req.CaseContext = api.CaseContext{}
	req.Cursor = ""
	b, _ := json.Marshal(struct {
		api.SearchRequest
		Normalised string `json:"normalised"`
	}{req, normalised})
	return string(b)
}

// search: POST /v1/searches.
func (s *Server) search(w http.ResponseWriter, r *http.Request, sess *session) error {
	var req api.SearchRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	req.CaseContext = req.CaseContext.Normalised()
	if req.Cursor != "" {
		return s.searchPage(w, r, sess, req)
	}
	now := s.now()
	audit := &api.AuditEntry{At: now, Actor: sess.username(), Role: sess.role(), Action: ActionSearch,
		ReportNumber: req.ReportNumber, PurposeCategory: req.PurposeCategory, Purpose: req.Purpose,
		Query: auditQuery(req), Workstation: workstation(r)}
	var resp *api.SearchResponse
	var refusal *api.Error
	err := s.st.Update(r.Context(), func(tx Tx) error {
		q, apiErr := s.checkSearch(tx, sess, &req)
		if apiErr != nil {
			refusal = apiErr
			audit.Outcome, audit.Reason = api.OutcomeRefused, apiErr.Code
			return AppendAudit(tx, audit)
		}
		if q.Pattern == nil {
			q.Limit = min(q.Limit, s.policy.MaxSearchResults)
		}
		page, err := tx.SearchReads(q)
		if err != nil {
			return err
		}
		id := "s_" + newToken("")[:22]
		rec := &SearchRecord{ID: id, Username: sess.username(), CreatedAt: now, Request: req, Hash: searchHash(req)}
		rec.Request.Cursor, rec.Request.Limit = "", 0
		if err := tx.InsertSearch(rec); err != nil {
			return err
		}
		if resp, err = s.finishPage(tx, q, page, id, page.Total, page.Capped); err != nil {
			return err
		}
		if err := recordReturned(tx, resp); err != nil {
			return err
		}
		audit.ResultCount = page.Total
		return AppendAudit(tx, audit)
	})
	if err != nil {
		return err
	}
	if refusal != nil {
		return refusal
	}
	return writeJSON(w, http.StatusOK, resp)
}

// searchPage answers a page fetch: same body plus cursor. The reads it
// returns are recorded against the search in the page's transaction, and
// a search_page audit entry names them (DESIGN.md, Analyses: Page
// fetches). A search without a plate stops at the policy's
// max_search_results reads across its pages: past it, 422
// too_many_results.
func (s *Server) searchPage(w http.ResponseWriter, r *http.Request, sess *session, req api.SearchRequest) error {
	c, err := decodeCursor(req.Cursor)
	if err != nil {
		return err
	}
	audit := &api.AuditEntry{At: s.now(), Actor: sess.username(), Role: sess.role(), Action: ActionSearchPage,
		Query: pageQuery(c.SearchID, nil), Workstation: workstation(r)}
	var resp *api.SearchResponse
	err = s.audited(r.Context(), audit, func(tx Tx) error {
		rec, err := tx.GetSearch(c.SearchID)
		if errors.Is(err, ErrNotFound) || (err == nil && rec.Username != sess.username()) {
			return invalid("cursor", "belongs to no search of yours; repeat the search without it.")
		}
		if err != nil {
			return err
		}
		withCase(audit, rec)
		if rec.Hash != searchHash(req) {
			return invalid("cursor", "belongs to another search; a page fetch repeats the first request's body with the cursor.")
		}
		q, apiErr := s.checkSearch(tx, sess, &req)
		if apiErr != nil {
			return apiErr
		}
		if err := s.capPage(tx, rec.ID, q); err != nil {
			return err
		}
		q.After, q.SkipCount = &Keyset{At: c.At, ID: c.ReadID}, true
		page, err := tx.SearchReads(q)
		if err != nil {
			return err
		}
		if resp, err = s.finishPage(tx, q, page, rec.ID, c.Total, c.Capped); err != nil {
			return err
		}
		audit.ResultCount, audit.Query = len(resp.Results), pageQuery(rec.ID, resp.Results)
		return recordReturned(tx, resp)
	})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, resp)
}

// capPage shortens a page of a search without a plate so that the search
// returns at most max_search_results reads, and refuses a page past it.
func (s *Server) capPage(tx Tx, searchID string, q *ReadQuery) error {
	if q.Pattern != nil {
		return nil
	}
	n, err := tx.SearchReturnCount(searchID)
	if err != nil {
		return err
	}
	left := s.policy.MaxSearchResults - n
	if left <= 0 {
		return api.E(api.CodeTooManyResults,
			"This search without a plate has returned %d reads, the most one search may return; search a narrower time window or a smaller area.", n)
	}
	q.Limit = min(q.Limit, left)
	return nil
}

// pageQuery is a search_page entry's data elements: the search and the
// reads the page returned.
func pageQuery(searchID string, reads []api.Read) string {
	ids := make([]string, len(reads))
	for i, rd := range reads {
		ids[i] = rd.ID
	}
	b, _ := json.Marshal(map[string]any{"search_id": searchID, "returned": len(reads), "read_ids": ids})
	return string(b)
}

// recordReturned records the reads a page returned (id and capture time)
// against its search, for the efficacy report's age-of-data and
// verification figures.
func recordReturned(tx Tx, resp *api.SearchResponse) error {
	if len(resp.Results) == 0 {
		return nil
	}
	reads := make([]ReturnedRead, len(resp.Results))
	for i, rd := range resp.Results {
		reads[i] = ReturnedRead{ID: rd.ID, CapturedAt: rd.CapturedAt}
	}
	return tx.InsertSearchReturns(resp.SearchID, reads)
}

// finishPage adds fuzzy substitutions, possible-switch flags and the next
// cursor to a page.
func (s *Server) finishPage(tx ReadTx, q *ReadQuery, page *ReadPage, id string, total int, capped bool) (*api.SearchResponse, error) {
	resp := &api.SearchResponse{SearchID: id, Results: page.Reads, Total: total, TotalCapped: capped}
	if q.Pattern != nil && q.Fuzzy {
		for i := range resp.Results {
			resp.Results[i].FuzzySubstitutions = fuzzySubs(q.Pattern, &resp.Results[i])
		}
	}
	from, to := q.From, q.To
	if to.IsZero() {
		to = s.now().Add(time.Hour)
	}
	if from.IsZero() {
		from = to.AddDate(0, 0, -s.cfg.RetentionDays-1)
	}
	sw, err := tx.SwitchCandidates(resp.Results, from, to)
	if err != nil {
		return nil, err
	}
	for i := range resp.Results {
		resp.Results[i].PossibleSwitch = sw[resp.Results[i].ID]
	}
	if page.More && len(page.Keys) > 0 {
		k := page.Keys[len(page.Keys)-1]
		resp.NextCursor = cursor{SearchID: id, At: k.At, ReadID: k.ID, Total: total, Capped: capped}.encode()
	}
	return resp, nil
}

// fuzzySubs names the look-alike substitutions by which a read matched.
func fuzzySubs(p *plate.Pattern, r *api.Read) []api.Substitution {
	if p.Match(r.Plate) {
		return nil
	}
	if ok, subs := p.MatchFuzzy(r.Plate); ok {
		return subs
	}
	if v := r.Verification; v != nil && v.CorrectedPlate != "" {
		if p.Match(v.CorrectedPlate) {
			return nil
		}
		if ok, subs := p.MatchFuzzy(v.CorrectedPlate); ok {
			return subs
		}
	}
	return nil
}

// checkSearch applies the policy and validates a search, returning the
// storage query. Refusals are *api.Error values the caller audits.
func (s *Server) checkSearch(tx ReadTx, sess *session, req *api.SearchRequest) (*ReadQuery, *api.Error) {
	u := sess.user
	if !slices.Contains(api.SearchRoles, u.Role) {
		return nil, forbidden("The role %s may not search plate reads.", u.Role)
	}
	if u.TrainedOn == "" {
		return nil, api.E(api.CodeTrainingRequired,
			"%s has no ALPR training on record; searching is allowed only after training (ask an administrator to record it).", u.Username)
	}
	if e := s.policy.CheckCase(req.CaseContext); e != nil {
		return nil, e
	}
	q := &ReadQuery{Fuzzy: req.Fuzzy, Limit: req.Limit, CountCap: TotalCap, Make: strings.TrimSpace(req.Make)}
	if e := s.checkFilters(req, q); e != nil {
		return nil, e
	}
	if e := s.checkPlace(tx, req, q); e != nil {
		return nil, e
	}
	if q.Pattern == nil {
		if q.From.IsZero() || q.To.IsZero() || q.To.Sub(q.From) > MaxAttrWindow || q.CameraIDs == nil {
			return nil, api.E(api.CodeSearchTooBroad,
				"A search without a plate needs a time window (from and to) of at most 7 days and an area or cameras.")
		}
	}
	return q, nil
}

// checkFilters validates plate, limit and attribute filters into q.
func (s *Server) checkFilters(req *api.SearchRequest, q *ReadQuery) *api.Error {
	switch {
	case q.Limit == 0:
		q.Limit = DefaultLimit
	case q.Limit < 1 || q.Limit > MaxLimit:
		return invalid("limit", "must be between 1 and %d; it is %d.", MaxLimit, q.Limit)
	}
	if strings.TrimSpace(req.Plate) != "" {
		p, err := plate.ParsePattern(req.Plate)
		if err != nil {
			var ae *api.Error
			if errors.As(err, &ae) {
				return ae
			}
			return invalid("plate", "is not a plate pattern: %v", err)
		}
		q.Pattern = p
	}
	if req.State != "" {
		q.State = strings.ToUpper(strings.TrimSpace(req.State))
		if !slices.Contains(s.policy.States, q.State) {
			return invalid("state", "holds %q, which is not a known state of issuance (such as CA).", req.State)
		}
	}
	if len(q.Make) > maxMakeLen {
		return invalid("make", "is longer than %d characters.", maxMakeLen)
	}
	if req.Color != "" {
		q.Color = strings.ToLower(strings.TrimSpace(req.Color))
		if !slices.Contains(s.policy.Colors, q.Color) {
			return invalid("color", "holds %q; use one of %s.", req.Color, strings.Join(s.policy.Colors, ", "))
		}
	}
	if req.BodyType != "" {
		q.BodyType = strings.ToLower(strings.TrimSpace(req.BodyType))
		if !slices.Contains(s.policy.BodyTypes, q.BodyType) {
			return invalid("body_type", "holds %q; use one of %s.", req.BodyType, strings.Join(s.policy.BodyTypes, ", "))
		}
	}
	for _, f := range req.Features {
		if !slices.Contains(s.policy.Features, f) {
			return api.E(api.CodeFeatureNotSearchable,
				"The feature %q is not searchable; only %s are (features that can tie a driver to a group never are).",
				f, strings.Join(s.policy.Features, ", "))
		}
	}
	q.Features = req.Features
	if req.From != nil {
		q.From = req.From.UTC()
	}
	if req.To != nil {
		q.To = req.To.UTC()
	}
	if !q.From.IsZero() && !q.To.IsZero() && q.To.Before(q.From) {
		return invalid("to", "is before from.")
	}
	return nil
}

// checkPlace validates area or camera_ids and resolves them to cameras.
func (s *Server) checkPlace(tx ReadTx, req *api.SearchRequest, q *ReadQuery) *api.Error {
	if req.Area == nil && len(req.CameraIDs) == 0 {
		return nil
	}
	if req.Area != nil && len(req.CameraIDs) > 0 {
		return invalid("area", "and camera_ids cannot both be given; choose one.")
	}
	cams, err := tx.Cameras()
	if err != nil {
		return api.E(api.CodeInternal, "The store could not read its cameras.")
	}
	q.CameraIDs = []string{}
	if a := req.Area; a != nil {
		switch {
		case a.Lat < -90 || a.Lat > 90:
			return invalid("area.lat", "must be a latitude between -90 and 90.")
		case a.Lon < -180 || a.Lon > 180:
			return invalid("area.lon", "must be a longitude between -180 and 180.")
		case a.RadiusM <= 0 || a.RadiusM > maxAreaRadiusM:
			return invalid("area.radius_m", "must be more than 0 and at most %d metres.", maxAreaRadiusM)
		}
		for _, c := range cams {
			if distanceM(a.Lat, a.Lon, c.Lat, c.Lon) <= a.RadiusM {
				q.CameraIDs = append(q.CameraIDs, c.ID)
			}
		}
		return nil
	}
	if len(req.CameraIDs) > maxCameraFilter {
		return invalid("camera_ids", "names more than %d cameras.", maxCameraFilter)
	}
	for _, id := range req.CameraIDs {
		if !slices.ContainsFunc(cams, func(c api.Camera) bool { return c.ID == id }) {
			return invalid("camera_ids", "names %q, which is not a camera of this store.", id)
		}
		q.CameraIDs = append(q.CameraIDs, id)
	}
	return nil
}

// distanceM is the great-circle distance in metres.
func distanceM(lat1, lon1, lat2, lon2 float64) float64 {
	const r = 6371000.0
	rad := math.Pi / 180
	dlat, dlon := (lat2-lat1)*rad, (lon2-lon1)*rad
	h := math.Sin(dlat/2)*math.Sin(dlat/2) + math.Cos(lat1*rad)*math.Cos(lat2*rad)*math.Sin(dlon/2)*math.Sin(dlon/2)
	return 2 * r * math.Asin(math.Min(1, math.Sqrt(h)))
}
