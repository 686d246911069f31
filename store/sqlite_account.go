package store

import (
	"strings"
	"time"

	"alprdesk/api"
)

// accountMigration adds what accountability keeps: hit outcomes (purged with
// their alerts) and the plate-free daily counters (never purged).
const accountMigration = `CREATE TABLE alert_outcomes(
	alert_id TEXT NOT NULL, username TEXT NOT NULL, action TEXT NOT NULL, note TEXT NOT NULL,
	reason TEXT NOT NULL, stop_ready INTEGER NOT NULL, at INTEGER NOT NULL,
	PRIMARY KEY(alert_id, username));
CREATE TABLE daily_counts(
	day TEXT NOT NULL, name TEXT NOT NULL, key TEXT NOT NULL, n INTEGER NOT NULL,
	PRIMARY KEY(day, name, key)) WITHOUT ROWID;
CREATE INDEX alerts_at ON alerts(at);`

// DailyCount is one plate-free counter summed over a period: Name is what
// is counted (Counter* constants), Key its breakdown (a list, a verdict, a
// purpose category, an error code; never a person or a plate).
type DailyCount struct {
	Name, Key string
	N         int
}

// accountTx is the storage of accountability (sqlite_account.go).
type accountTx interface {
	// AlertsBetween lists the alerts raised in [from, to) that v may see,
	// newest first, at most limit.
	AlertsBetween(v AlertViewer, from, to time.Time, limit int) ([]AlertRecord, error)
	// AlertAcks lists the acknowledgements of an alert, oldest first.
	AlertAcks(alertID string) ([]api.AlertAck, error)
	// AlertVerdict returns the latest verdict given through the alert by
	// anyone ("" when none).
	AlertVerdict(alertID string) (string, error)
	// InsertAlertOutcome records an outcome; ErrExists when the user
	// already recorded one for the alert.
	InsertAlertOutcome(o api.AlertOutcome) error
	// AlertOutcomes lists the outcomes of an alert, oldest first.
	AlertOutcomes(alertID string) ([]api.AlertOutcome, error)
	// AddCount adds n to the counter (day "YYYY-MM-DD" UTC, name, key).
	AddCount(day, name, key string, n int) error
	// Counts sums the counters of the days in [fromDay, toDay).
	Counts(fromDay, toDay string) ([]DailyCount, error)
	// SearchPlates lists, for the searches created in [from, to), the
	// distinct plates (OCR text) of the returned reads still stored.
	SearchPlates(from, to time.Time) ([]SearchPlates, error)
}

// SearchPlates is what one search returned, for the review queue.
type SearchPlates struct {
	Username  string
	CreatedAt time.Time
	Plates    []string
}

// AlertsBetween lists a viewer's alerts of a period, newest first.
func (t *sqliteTx) AlertsBetween(v AlertViewer, from, to time.Time, limit int) ([]AlertRecord, error) {
	rows, err := t.query(`SELECT `+alertCols+` FROM alerts WHERE at >= ? AND at < ? AND
		(requested_by = ? OR (list = 'covert' AND ?) OR (list <> 'covert' AND ?)) ORDER BY seq DESC LIMIT ?`,
		ms(from), ms(to), v.Username, v.Approver, v.Patrol, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []AlertRecord
	for rows.Next() {
		a, err := scanAlert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// AlertAcks lists an alert's acknowledgements.
func (t *sqliteTx) AlertAcks(alertID string) ([]api.AlertAck, error) {
	rows, err := t.query(`SELECT username, note, at FROM alert_acks WHERE alert_id = ? ORDER BY at, username`, alertID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []api.AlertAck
	for rows.Next() {
		a := api.AlertAck{AlertID: alertID}
		var at int64
		if err := rows.Scan(&a.By, &a.Note, &at); err != nil {
			return nil, err
		}
		a.At = fromMS(at)
		out = append(out, a)
	}
	return out, rows.Err()
}

// AlertVerdict returns the latest verdict through the alert.
func (t *sqliteTx) AlertVerdict(alertID string) (string, error) {
	var status string
	err := t.row(`SELECT status FROM alert_verifications WHERE alert_id = ? ORDER BY at DESC, username LIMIT 1`, alertID).Scan(&status)
	if err := notFound(err); err == ErrNotFound {
		return "", nil
	}
	return status, err
}

// InsertAlertOutcome records an outcome.
func (t *sqliteTx) InsertAlertOutcome(o api.AlertOutcome) error {
	_, err := t.exec(`INSERT INTO alert_outcomes(alert_id, username, action, note, reason, stop_ready, at) VALUES (?,?,?,?,?,?,?)`,
		o.AlertID, o.By, o.Action, o.Note, o.Reason, o.StopReady, ms(o.At))
	if isUnique(err) || (err != nil && strings.Contains(err.Error(), "PRIMARY KEY")) {
		return ErrExists
	}
	return err
}

// AlertOutcomes lists an alert's outcomes.
func (t *sqliteTx) AlertOutcomes(alertID string) ([]api.AlertOutcome, error) {
	rows, err := t.query(`SELECT username, action, note, reason, stop_ready, at FROM alert_outcomes
		WHERE alert_id = ? ORDER BY at, username`, alertID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []api.AlertOutcome
	for rows.Next() {
		o := api.AlertOutcome{AlertID: alertID}
		var at int64
		if err := rows.Scan(&o.By, &o.Action, &o.Note, &o.Reason, &o.StopReady, &at); err != nil {
			return nil, err
		}
		o.At = fromMS(at)
		out = append(out, o)
	}
	return out, rows.Err()
}

// AddCount adds to a daily counter.
func (t *sqliteTx) AddCount(day, name, key string, n int) error {
	_, err := t.exec(`INSERT INTO daily_counts(day, name, key, n) VALUES (?,?,?,?)
		ON CONFLICT(day, name, key) DO UPDATE SET n = n + excluded.n`, day, name, key, n)
	return err
}

// Counts sums the counters of a range of days.
func (t *sqliteTx) Counts(fromDay, toDay string) ([]DailyCount, error) {
	rows, err := t.query(`SELECT name, key, sum(n) FROM daily_counts WHERE day >= ? AND day < ?
		GROUP BY name, key ORDER BY name, key`, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []DailyCount
	for rows.Next() {
		var c DailyCount
		if err := rows.Scan(&c.Name, &c.Key, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SearchPlates lists the plates returned by the period's searches.
func (t *sqliteTx) SearchPlates(from, to time.Time) ([]SearchPlates, error) {
	rows, err := t.query(`SELECT s.id, s.username, s.created_at, p.plate FROM searches s
		JOIN search_returns sr ON sr.search_id = s.id JOIN reads r ON r.id = sr.read_id JOIN plates p ON p.id = r.plate_id
		WHERE s.created_at >= ? AND s.created_at < ? GROUP BY s.id, p.plate ORDER BY s.created_at, s.id, p.plate`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []SearchPlates
	last := ""
	for rows.Next() {
		var id, user, p string
		var at int64
		if err := rows.Scan(&id, &user, &at, &p); err != nil {
			return nil, err
		}
		if id != last {
			out = append(out, SearchPlates{Username: user, CreatedAt: fromMS(at)})
			last = id
		}
		out[len(out)-1].Plates = append(out[len(out)-1].Plates, p)
	}
	return out, rows.Err()
}
