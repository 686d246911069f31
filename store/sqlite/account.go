package sqlite

import (
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/store"
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

// AlertsBetween lists a viewer's alerts of a period, newest first.
func (t *Tx) AlertsBetween(v store.AlertViewer, from, to time.Time, limit int) ([]store.AlertRecord, error) {
	return t.visibleAlerts(v, `at >= ? AND at < ?`, `seq DESC`, limit, ms(from), ms(to))
}

// AlertAcks lists an alert's acknowledgements.
func (t *Tx) AlertAcks(alertID string) ([]api.AlertAck, error) {
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
func (t *Tx) AlertVerdict(alertID string) (string, error) {
	var status string
	err := t.row(`SELECT status FROM alert_verifications WHERE alert_id = ? ORDER BY at DESC, username LIMIT 1`, alertID).Scan(&status)
	if err := notFound(err); err == store.ErrNotFound {
		return "", nil
	}
	return status, err
}

// InsertAlertOutcome records an outcome.
func (t *Tx) InsertAlertOutcome(o api.AlertOutcome) error {
	_, err := t.exec(`INSERT INTO alert_outcomes(alert_id, username, action, note, reason, stop_ready, at) VALUES (?,?,?,?,?,?,?)`,
		o.AlertID, o.By, o.Action, o.Note, o.Reason, o.StopReady, ms(o.At))
	if isUnique(err) || (err != nil && strings.Contains(err.Error(), "PRIMARY KEY")) {
		return store.ErrExists
	}
	return err
}

// AlertOutcomes lists an alert's outcomes.
func (t *Tx) AlertOutcomes(alertID string) ([]api.AlertOutcome, error) {
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
func (t *Tx) AddCount(day, name, key string, n int) error {
	_, err := t.exec(`INSERT INTO daily_counts(day, name, key, n) VALUES (?,?,?,?)
		ON CONFLICT(day, name, key) DO UPDATE SET n = n + excluded.n`, day, name, key, n)
	return err
}

// Counts sums the counters of a range of days.
func (t *Tx) Counts(fromDay, toDay string) ([]store.DailyCount, error) {
	rows, err := t.query(`SELECT name, key, sum(n) FROM daily_counts WHERE day >= ? AND day < ?
		GROUP BY name, key ORDER BY name, key`, fromDay, toDay)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.DailyCount
	for rows.Next() {
		var c store.DailyCount
		if err := rows.Scan(&c.Name, &c.Key, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// SearchPlates lists the plates returned by the period's searches.
func (t *Tx) SearchPlates(from, to time.Time) ([]store.SearchPlates, error) {
	rows, err := t.query(`SELECT s.id, s.username, s.created_at, p.plate FROM searches s
		JOIN search_returns sr ON sr.search_id = s.id JOIN reads r ON r.id = sr.read_id JOIN plates p ON p.id = r.plate_id
		WHERE s.created_at >= ? AND s.created_at < ? GROUP BY s.id, p.plate ORDER BY s.created_at, s.id, p.plate`, ms(from), ms(to))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.SearchPlates
	last := ""
	for rows.Next() {
		var id, user, p string
		var at int64
		if err := rows.Scan(&id, &user, &at, &p); err != nil {
			return nil, err
		}
		if id != last {
			out = append(out, store.SearchPlates{Username: user, CreatedAt: fromMS(at)})
			last = id
		}
		out[len(out)-1].Plates = append(out[len(out)-1].Plates, p)
	}
	return out, rows.Err()
}
