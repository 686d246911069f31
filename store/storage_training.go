package store

import "time"

// Meta keys of the training feature.
const (
	// MetaTrainingSince is the seq of the last reset's audit entry.
	MetaTrainingSince = "training_since_seq"
	// MetaDemoSeed is the seed of the world in the database when a reset
	// changed it from the configured one.
	MetaDemoSeed = "demo_seed"
)

// TrainingAttempt is one recorded answer to a training exercise.
type TrainingAttempt struct {
	Username   string
	ExerciseID string
	Answer     string
	Correct    bool
	At         time.Time
}

// SearchTally counts one user's search audit entries of one outcome and
// reason.
type SearchTally struct {
	Actor   string
	Outcome string
	Reason  string
	Count   int
}

// TrainingReadTx is the read part of training mode (in ReadTx).
type TrainingReadTx interface {
	// TrainingAttempts lists the attempts of username ("" for everyone) in
	// the order they were made.
	TrainingAttempts(username string) ([]TrainingAttempt, error)
	// SearchTallies counts the search audit entries after seq afterSeq by
	// actor, outcome and reason, leaving out a demo world's search history.
	SearchTallies(afterSeq int64) ([]SearchTally, error)
	// TrainingSince returns the seq of the last reset's audit entry (0: none).
	TrainingSince() (int64, error)
}

// TrainingTx is the write part of training mode (in Tx).
type TrainingTx interface {
	// InsertTrainingAttempt records an attempt.
	InsertTrainingAttempt(a TrainingAttempt) error
	// ResetTraining deletes a demo class's data: reads and photos,
	// retentions, searches and what hangs on them, exports, hotlist
	// requests, entries and alerts, idempotency answers and training
	// attempts. Users, tokens, cameras, the plate dictionary and the audit
	// trail (with its reviews) stay. It records sinceSeq as the start of
	// the new class (meta MetaTrainingSince) and seed as the world's seed
	// (meta MetaDemoSeed).
	ResetTraining(sinceSeq, seed int64) error
}
