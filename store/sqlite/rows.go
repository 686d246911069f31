package sqlite

import (
	"alprdesk/store/internal/sqlrows"
)

// What this backend shares with the other SQL backend (store/internal/sqlrows).
var (
	ms          = sqlrows.MS
	fromMS      = sqlrows.FromMS
	featureMask = sqlrows.FeatureMask
	nonNil      = sqlrows.NonNil
)
