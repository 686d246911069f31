package store

import "time"

// PolicyReadTx is what the policy's access and volume rules read (in
// ReadTx): which reads a search returned, and which reads are retained.
type PolicyReadTx interface {
	// SearchReturned reports whether a page of the search returned the
	// read (recorded with InsertSearchReturns).
	SearchReturned(searchID, readID string) (bool, error)
	// SearchReturnCount counts the distinct reads the search returned.
	SearchReturnCount(searchID string) (int, error)
	// ReadRetained reports whether a retention exception holds the read
	// (false for an unknown read).
	ReadRetained(id string) (bool, error)
}

// PolicyTx is the policy's purge of what outlives the retention period
// (in Tx).
type PolicyTx interface {
	// PurgeSearches deletes the searches created before t that no
	// retention names, with the lists of reads they returned and their
	// outcomes (and the analyses created before t that no retention names,
	// with the reads they returned), and returns how many searches it
	// deleted.
	PurgeSearches(before time.Time) (int, error)
	// PurgeIdempotent deletes the first answers stored before t and
	// returns how many.
	PurgeIdempotent(before time.Time) (int, error)
}
