package postgres

import (
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// accountMigration adds what accountability keeps: hit outcomes (purged
// with their alerts) and the plate-free daily counters (never purged).
const accountMigration = `CREATE TABLE alert_outcomes(
	alert_id text NOT NULL, username text NOT NULL, action text NOT NULL, note text NOT NULL,
	reason text NOT NULL, stop_ready boolean NOT NULL, at bigint NOT NULL,
	PRIMARY KEY(alert_id, username));
CREATE TABLE daily_counts(
	day text NOT NULL, name text NOT NULL, key text NOT NULL, n bigint NOT NULL,
	PRIMARY KEY(day, name, key));`

// AlertsBetween lists a viewer's alerts of a period, newest first.
func (t *Tx) AlertsBetween(v store.AlertViewer, from, to time.Time, limit int) ([]store.AlertRecord, error) {
	return t.visibleAlerts(v, `at >= $1 AND at < $2`, `seq DESC`, limit, ms(from), ms(to))
}

// AlertAcks lists an alert's acknowledgements, oldest first.
func (t *Tx) AlertAcks(alertID string) ([]api.AlertAck, error) {
	return collect(t, `SELECT username, note, at FROM alert_acks WHERE alert_id = $1 ORDER BY at, username COLLATE "C"`,
		[]any{alertID}, func(sc scanner) (api.AlertAck, error) {
			a := api.AlertAck{AlertID: alertID}
			var at int64
			err := sc.Scan(&a.By, &a.Note, &at)
			a.At = fromMS(at)
			return a, err
		})
}

// AlertVerdict returns the latest verdict given through the alert ("" when
// none).
func (t *Tx) AlertVerdict(alertID string) (string, error) {
	var status string
	err := t.row(`SELECT status FROM alert_verifications WHERE alert_id = $1
		ORDER BY at DESC, username COLLATE "C" LIMIT 1`, alertID).Scan(&status)
	if err == store.ErrNotFound {
		return "", nil
	}
	return status, err
}

// InsertAlertOutcome records an outcome; ErrExists when the user already
// recorded one for the alert.
func (t *Tx) InsertAlertOutcome(o api.AlertOutcome) error {
	return inserted(t.exec(`INSERT INTO alert_outcomes(alert_id, username, action, note, reason, stop_ready, at)
		VALUES ($1,$2,$3,$4,$5,$6,$7) ON CONFLICT DO NOTHING`,
		o.AlertID, o.By, o.Action, o.Note, o.Reason, o.StopReady, ms(o.At)))
}

// AlertOutcomes lists an alert's outcomes, oldest first.
func (t *Tx) AlertOutcomes(alertID string) ([]api.AlertOutcome, error) {
	return collect(t, `SELECT username, action, note, reason, stop_ready, at FROM alert_outcomes
		WHERE alert_id = $1 ORDER BY at, username COLLATE "C"`, []any{alertID}, func(sc scanner) (api.AlertOutcome, error) {
		o := api.AlertOutcome{AlertID: alertID}
		var at int64
		err := sc.Scan(&o.By, &o.Action, &o.Note, &o.Reason, &o.StopReady, &at)
		o.At = fromMS(at)
		return o, err
	})
}

// AddCount adds n to a daily counter.
func (t *Tx) AddCount(day, name, key string, n int) error {
	_, err := t.exec(`INSERT INTO daily_counts(day, name, key, n) VALUES ($1,$2,$3,$4)
		ON CONFLICT(day, name, key) DO UPDATE SET n = daily_counts.n + excluded.n`, day, name, key, n)
	return err
}

// Counts sums the counters of the days in [fromDay, toDay).
func (t *Tx) Counts(fromDay, toDay string) ([]store.DailyCount, error) {
	return collect(t, `SELECT name, key, sum(n) FROM daily_counts WHERE day >= $1 AND day < $2
		GROUP BY name, key ORDER BY name COLLATE "C", key COLLATE "C"`, []any{fromDay, toDay},
		func(sc scanner) (store.DailyCount, error) {
			var c store.DailyCount
			var n int64
			err := sc.Scan(&c.Name, &c.Key, &n)
			c.N = int(n)
			return c, err
		})
}

// SearchPlates lists, per search created in [from, to), the distinct
// plates of the returned reads still stored.
func (t *Tx) SearchPlates(from, to time.Time) ([]store.SearchPlates, error) {
	type row struct {
		id, user, plate string
		at              int64
	}
	rows, err := collect(t, `SELECT s.id, s.username, s.created_at, p.plate FROM searches s
		JOIN search_returns sr ON sr.search_id = s.id JOIN read_keys k ON k.id = sr.read_id
		JOIN reads r ON r.rid = k.rid AND r.captured_at = k.captured_at JOIN plates p ON p.id = r.plate_id
		WHERE s.created_at >= $1 AND s.created_at < $2 GROUP BY s.id, s.username, s.created_at, p.plate
		ORDER BY s.created_at, s.id COLLATE "C", p.plate COLLATE "C"`, []any{ms(from), ms(to)},
		func(sc scanner) (row, error) {
			var r row
			err := sc.Scan(&r.id, &r.user, &r.at, &r.plate)
			return r, err
		})
	if err != nil {
		return nil, err
	}
	var out []store.SearchPlates
	last := ""
	for _, r := range rows {
		if r.id != last {
			out = append(out, store.SearchPlates{Username: r.user, CreatedAt: fromMS(r.at)})
			last = r.id
		}
		out[len(out)-1].Plates = append(out[len(out)-1].Plates, r.plate)
	}
	return out, nil
}
