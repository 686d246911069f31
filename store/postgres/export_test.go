package postgres

import (
	"context"
	"sync"
)

// RefreshPlateCopy runs one step of the plate dictionary copy's refresher
// (dict.go): false when writers held the plates lock.
func RefreshPlateCopy(ctx context.Context, s *Storage) (bool, error) {
	return s.dict.locked(ctx)
}

// PlateCopyHorizon is the copy's horizon H, -1 before it is loaded.
func PlateCopyHorizon(s *Storage) int64 {
	if st := s.dict.state.Load(); st != nil {
		return st.h.Load()
	}
	return -1
}

// PlateCopyLen is the number of plates in the copy, -1 before it is
// loaded.
func PlateCopyLen(s *Storage) int {
	if st := s.dict.state.Load(); st != nil {
		return st.d.Len()
	}
	return -1
}

// PausePlateCopy keeps the refresher from stepping until resume is
// called (once or more).
func PausePlateCopy(s *Storage) (resume func()) {
	s.dict.stepMu.Lock()
	return sync.OnceFunc(s.dict.stepMu.Unlock)
}

// BulkChunk is the number of reads of one bulk transaction.
const BulkChunk = bulkChunk
