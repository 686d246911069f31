package session

import (
	"context"

	"alprdesk/api"
	"alprdesk/client"
)

// AnalysisSession runs the investigative analyses (api/openapi.yaml, the analyses routes);
// a Session that implements it gets the Analyses screen.
type AnalysisSession interface {
	// CommonPlates runs POST /v1/analyses/common-plates.
	CommonPlates(ctx context.Context, req api.CommonPlatesRequest) (*api.CommonPlatesResponse, error)
	// Convoy runs POST /v1/analyses/convoy.
	Convoy(ctx context.Context, req api.ConvoyRequest) (*api.ConvoyResponse, error)
	// AnalysisPhoto fetches the JPEG of a read the analysis returned.
	AnalysisPhoto(ctx context.Context, readID, analysisID string) ([]byte, error)
	// Retain records a retention exception for a read that an analysis
	// (req.AnalysisID) or a search (req.SearchID) returned (POST
	// /v1/reads/{id}/retain).
	Retain(ctx context.Context, readID string, req api.RetainRequest) (*api.Retention, error)
}

// CommonPlates runs a common-plates analysis.
func (s *clientSession) CommonPlates(ctx context.Context, req api.CommonPlatesRequest) (*api.CommonPlatesResponse, error) {
	r, err := s.cl.CommonPlates(ctx, req)
	return r, s.note(err)
}

// Convoy runs a convoy analysis.
func (s *clientSession) Convoy(ctx context.Context, req api.ConvoyRequest) (*api.ConvoyResponse, error) {
	r, err := s.cl.Convoy(ctx, req)
	return r, s.note(err)
}

// AnalysisPhoto fetches a photo through the analysis that returned the
// read (the store audits the view). Analysis photos are not cached.
func (s *clientSession) AnalysisPhoto(ctx context.Context, readID, analysisID string) ([]byte, error) {
	b, err := s.cl.Photo(ctx, readID, client.ByAnalysis(analysisID))
	return b, s.note(err)
}

// Retain records a retention exception for a read (the store checks that
// the analysis or search named in req returned it, and audits the retain).
func (s *clientSession) Retain(ctx context.Context, readID string, req api.RetainRequest) (*api.Retention, error) {
	r, err := s.cl.Retain(ctx, readID, req)
	return r, s.note(err)
}

// Analyses returns the analysis side of a session, and whether it has one.
func Analyses(s Session) (AnalysisSession, bool) {
	v, ok := s.(AnalysisSession)
	return v, ok && v != nil
}
