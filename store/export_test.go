package store

import (
	"alprdesk/api"
	"alprdesk/store/demo"
)

// Hooks into unexported parts for the external tests and benchmarks of
// this directory (compiled only with them).

// CheckSearch resolves req as a search by a trained user of role.
func (s *Server) CheckSearch(tx ReadTx, username, role string, req *api.SearchRequest) (*ReadQuery, error) {
	sess := &session{user: &UserRecord{User: api.User{Username: username, Role: role, TrainedOn: "2026-01-15"}}}
	q, e := s.checkSearch(tx, sess, req)
	if e != nil {
		return nil, e
	}
	return q, nil
}

// World is the demo world the server serves.
func (s *Server) World() *demo.World { return s.world() }

// SampleKey is the keyed sample hash of an entry.
var SampleKey = sampleKey
