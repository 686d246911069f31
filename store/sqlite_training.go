package store

import (
	"strconv"
	"time"
)

// trainingMigration creates the table of training attempts (appended to
// migrations by the training feature).
const trainingMigration = `CREATE TABLE training_attempts(
	id INTEGER PRIMARY KEY, username TEXT NOT NULL, exercise_id TEXT NOT NULL,
	answer TEXT NOT NULL, correct INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX training_attempts_user ON training_attempts(username, id);`

// Meta keys of the training feature.
const (
	// metaTrainingSince is the seq of the last reset's audit entry.
	metaTrainingSince = "training_since_seq"
	// metaDemoSeed is the seed of the world in the database when a reset
	// changed it from the configured one.
	metaDemoSeed = "demo_seed"
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

// trainingTx is the storage of training mode (sqlite_training.go).
type trainingTx interface {
	// InsertTrainingAttempt records an attempt.
	InsertTrainingAttempt(a TrainingAttempt) error
	// TrainingAttempts lists the attempts of username ("" for everyone) in
	// the order they were made.
	TrainingAttempts(username string) ([]TrainingAttempt, error)
	// SearchTallies counts the search audit entries after seq afterSeq by
	// actor, outcome and reason, leaving out a demo world's search history.
	SearchTallies(afterSeq int64) ([]SearchTally, error)
	// TrainingSince returns the seq of the last reset's audit entry (0: none).
	TrainingSince() (int64, error)
	// ResetTraining deletes a demo class's data: reads and photos,
	// retentions, searches and what hangs on them, exports, hotlist
	// requests, entries and alerts, idempotency answers and training
	// attempts. Users, tokens, cameras, the plate dictionary and the audit
	// trail (with its reviews) stay. It records sinceSeq as the start of
	// the new class and seed as the world's seed.
	ResetTraining(sinceSeq, seed int64) error
}

// InsertTrainingAttempt records an attempt.
func (t *sqliteTx) InsertTrainingAttempt(a TrainingAttempt) error {
	_, err := t.exec(`INSERT INTO training_attempts(username, exercise_id, answer, correct, at) VALUES (?,?,?,?,?)`,
		a.Username, a.ExerciseID, a.Answer, b2i(a.Correct), ms(a.At))
	return err
}

// TrainingAttempts lists attempts in the order they were made.
func (t *sqliteTx) TrainingAttempts(username string) ([]TrainingAttempt, error) {
	q := `SELECT username, exercise_id, answer, correct, at FROM training_attempts`
	var args []any
	if username != "" {
		q += ` WHERE username = ?`
		args = append(args, username)
	}
	rows, err := t.query(q+` ORDER BY id`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TrainingAttempt
	for rows.Next() {
		var a TrainingAttempt
		var correct, at int64
		if err := rows.Scan(&a.Username, &a.ExerciseID, &a.Answer, &correct, &at); err != nil {
			return nil, err
		}
		a.Correct, a.At = correct != 0, fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// SearchTallies counts search audit entries after afterSeq (a demo
// world's search history is not a class's work and is left out).
func (t *sqliteTx) SearchTallies(afterSeq int64) ([]SearchTally, error) {
	rows, err := t.query(`SELECT actor, outcome, reason, COUNT(*) FROM audit
		WHERE action = ? AND seq > ? AND workstation <> ? GROUP BY actor, outcome, reason ORDER BY actor, outcome, reason`,
		ActionSearch, afterSeq, DemoHistoryWorkstation)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SearchTally
	for rows.Next() {
		var s SearchTally
		if err := rows.Scan(&s.Actor, &s.Outcome, &s.Reason, &s.Count); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// TrainingSince returns the seq of the last reset's audit entry.
func (t *sqliteTx) TrainingSince() (int64, error) {
	var v string
	err := t.row(`SELECT value FROM meta WHERE key = ?`, metaTrainingSince).Scan(&v)
	if err = notFound(err); err == ErrNotFound {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// trainingTables are emptied by a reset, in this order.
var trainingTables = []string{
	"photos", "reads", "retentions", "searches", "search_returns", "search_outcomes", "exports",
	"alert_acks", "alert_verifications", "alerts", "hotlist_entries", "hotlist_requests",
	"idempotency", "training_attempts",
}

// ResetTraining deletes a class's data and records the new class's start.
func (t *sqliteTx) ResetTraining(sinceSeq, seed int64) error {
	for _, tab := range trainingTables {
		if _, err := t.exec(`DELETE FROM ` + tab); err != nil {
			return err
		}
	}
	for k, v := range map[string]string{metaTrainingSince: strconv.FormatInt(sinceSeq, 10), metaDemoSeed: strconv.FormatInt(seed, 10)} {
		if _, err := t.exec(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
			return err
		}
	}
	return nil
}
