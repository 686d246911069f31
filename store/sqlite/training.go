package sqlite

import (
	"strconv"

	"alprdesk/store"
)

// trainingMigration creates the table of training attempts (appended to
// migrations by the training feature).
const trainingMigration = `CREATE TABLE training_attempts(
	id INTEGER PRIMARY KEY, username TEXT NOT NULL, exercise_id TEXT NOT NULL,
	answer TEXT NOT NULL, correct INTEGER NOT NULL, at INTEGER NOT NULL);
CREATE INDEX training_attempts_user ON training_attempts(username, id);`

// InsertTrainingAttempt records an attempt.
func (t *Tx) InsertTrainingAttempt(a store.TrainingAttempt) error {
	_, err := t.exec(`INSERT INTO training_attempts(username, exercise_id, answer, correct, at) VALUES (?,?,?,?,?)`,
		a.Username, a.ExerciseID, a.Answer, b2i(a.Correct), ms(a.At))
	return err
}

// TrainingAttempts lists attempts in the order they were made.
func (t *Tx) TrainingAttempts(username string) ([]store.TrainingAttempt, error) {
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
	var out []store.TrainingAttempt
	for rows.Next() {
		var a store.TrainingAttempt
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
func (t *Tx) SearchTallies(afterSeq int64) ([]store.SearchTally, error) {
	rows, err := t.query(`SELECT actor, outcome, reason, COUNT(*) FROM audit
		WHERE action = ? AND seq > ? AND workstation <> ? GROUP BY actor, outcome, reason ORDER BY actor, outcome, reason`,
		store.ActionSearch, afterSeq, store.DemoHistoryWorkstation)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.SearchTally
	for rows.Next() {
		var s store.SearchTally
		if err := rows.Scan(&s.Actor, &s.Outcome, &s.Reason, &s.Count); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// TrainingSince returns the seq of the last reset's audit entry.
func (t *Tx) TrainingSince() (int64, error) {
	var v string
	err := t.row(`SELECT value FROM meta WHERE key = ?`, store.MetaTrainingSince).Scan(&v)
	if err = notFound(err); err == store.ErrNotFound {
		return 0, nil
	} else if err != nil {
		return 0, err
	}
	return strconv.ParseInt(v, 10, 64)
}

// trainingTables are emptied by a reset, in this order.
var trainingTables = []string{
	"photos", "reads", "retentions", "searches", "search_returns", "search_outcomes", "exports",
	"alert_acks", "alert_verifications", "alert_outcomes", "alerts", "hotlist_entries", "hotlist_requests", "analyses", "analysis_reads",
	"idempotency", "training_attempts",
}

// ResetTraining deletes a class's data and records the new class's start.
func (t *Tx) ResetTraining(sinceSeq, seed int64) error {
	for _, tab := range trainingTables {
		if _, err := t.exec(`DELETE FROM ` + tab); err != nil {
			return err
		}
	}
	for k, v := range map[string]string{store.MetaTrainingSince: strconv.FormatInt(sinceSeq, 10), store.MetaDemoSeed: strconv.FormatInt(seed, 10)} {
		if _, err := t.exec(`INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, k, v); err != nil {
			return err
		}
	}
	return nil
}
