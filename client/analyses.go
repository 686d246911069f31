package client

import (
	"context"
	"net/http"

	"alprdesk/api"
)

// ByAnalysis is a Via for a read an analysis returned.
func ByAnalysis(analysisID string) Via { return Via{AnalysisID: analysisID} }

// CommonPlates runs a common-plates analysis (POST
// /v1/analyses/common-plates): the plates seen at several scenes. Refusals
// match the search's sentinels, ErrInvalidField (the message names the
// field) or ErrSceneTooBroad.
func (c *Client) CommonPlates(ctx context.Context, req api.CommonPlatesRequest) (*api.CommonPlatesResponse, error) {
	var r api.CommonPlatesResponse
	err := c.do(ctx, &call{method: http.MethodPost, path: "/v1/analyses/common-plates", body: req, out: &r, auth: true})
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Convoy runs a convoy analysis (POST /v1/analyses/convoy): the plates that
// travelled with a target. Refusals match ErrAnalysisNotPermitted (role or
// purpose category), the search's sentinels, or ErrInvalidField.
func (c *Client) Convoy(ctx context.Context, req api.ConvoyRequest) (*api.ConvoyResponse, error) {
	var r api.ConvoyResponse
	err := c.do(ctx, &call{method: http.MethodPost, path: "/v1/analyses/convoy", body: req, out: &r, auth: true})
	if err != nil {
		return nil, err
	}
	return &r, nil
}
