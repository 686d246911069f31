package api

import "time"

// Training mode of a demo store (issue 8): attempts at the demo world's
// exercises, the class's progress, resetting the world for the next class,
// and the live camera simulator.

// AttemptRequest is the body of POST /v1/training/exercises/{id}/attempts.
type AttemptRequest struct {
	Answer string `json:"answer"`
}

// AttemptResult answers an attempt.
type AttemptResult struct {
	ExerciseID string `json:"exercise_id"`
	// Correct reports whether the answer matches the exercise's answer
	// after normalisation (see openapi.yaml).
	Correct bool `json:"correct"`
	// Feedback is a sentence for the trainee: why the answer is right, or a
	// hint of what to check when it is not. It never gives the answer away.
	Feedback string `json:"feedback"`
	// Attempts is how many times the caller has answered this exercise
	// (this one included) since the last reset.
	Attempts int `json:"attempts"`
	// Solved reports whether the caller has answered it correctly at least
	// once since the last reset.
	Solved bool      `json:"solved"`
	At     time.Time `json:"at"`
}

// ExerciseProgress is one trainee's record on one exercise.
type ExerciseProgress struct {
	ExerciseID string `json:"exercise_id"`
	Attempts   int    `json:"attempts"`
	Solved     bool   `json:"solved"`
	// SolvedAt is the time of the first correct answer (omitted when none).
	SolvedAt *time.Time `json:"solved_at,omitempty"`
	// LastAnswer is the trainee's latest answer as given ("" when none).
	LastAnswer string `json:"last_answer"`
}

// ReasonCount counts refusals of one error code.
type ReasonCount struct {
	Reason string `json:"reason"`
	Count  int    `json:"count"`
}

// TraineeProgress is one trainee's progress since the last reset.
type TraineeProgress struct {
	Username    string `json:"username"`
	DisplayName string `json:"display_name"`
	Role        string `json:"role"`
	// Attempts counts every answer given, to any exercise.
	Attempts int `json:"attempts"`
	// Solved lists the exercises answered correctly, in exercise order.
	Solved []string `json:"solved"`
	// Exercises holds one record per exercise of the world, in order.
	Exercises []ExerciseProgress `json:"exercises"`
	// Searches counts the searches the trainee made (allowed and refused),
	// from the audit trail.
	Searches int `json:"searches"`
	// Refused counts the searches the store refused; Refusals breaks them
	// down by error code, most frequent first.
	Refused  int           `json:"refused"`
	Refusals []ReasonCount `json:"refusals"`
}

// TrainingProgress answers GET /v1/training/progress.
type TrainingProgress struct {
	// Since is when the class began: the last reset, or the demo world's
	// generation (omitted when unknown).
	Since *time.Time `json:"since,omitempty"`
	// Seed is the seed of the world in use.
	Seed int64 `json:"seed"`
	// Exercises lists the exercise ids in order (the table's columns).
	Exercises []string          `json:"exercises"`
	Trainees  []TraineeProgress `json:"trainees"`
}

// TrainingResetRequest is the body of POST /v1/training/reset.
type TrainingResetRequest struct {
	// Seed picks the next class's world; omitted: keep the current seed.
	Seed *int64 `json:"seed,omitempty"`
}

// TrainingReset answers a reset.
type TrainingReset struct {
	Seed        int64     `json:"seed"`
	Reads       int       `json:"reads"`
	GeneratedAt time.Time `json:"generated_at"`
	// AuditSeq is the seq of the reset's audit entry: progress counts the
	// trail after it.
	AuditSeq int64 `json:"audit_seq"`
}

// TrainingLive is the state of the live camera simulator (GET and POST
// /v1/training/live). In a POST, Rate 0 keeps the current rate.
type TrainingLive struct {
	Running bool `json:"running"`
	// Rate is in reads per second (0 < rate <= 1000).
	Rate float64 `json:"rate"`
}
