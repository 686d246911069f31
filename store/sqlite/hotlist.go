package sqlite

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

// hotlistMigration creates the tables of hotlists and alerts (appended to
// migrations by the hotlist feature).
const hotlistMigration = `CREATE TABLE hotlist_requests(
	id TEXT PRIMARY KEY, body TEXT NOT NULL, requested_by TEXT NOT NULL, requested_at INTEGER NOT NULL,
	status TEXT NOT NULL, decided_by TEXT NOT NULL DEFAULT '', decided_at INTEGER NOT NULL DEFAULT 0,
	reason TEXT NOT NULL DEFAULT '', entry_id TEXT NOT NULL DEFAULT '', notice TEXT NOT NULL DEFAULT '');
CREATE INDEX hotlist_requests_by ON hotlist_requests(requested_by, requested_at);
CREATE INDEX hotlist_requests_status ON hotlist_requests(status, requested_at);
CREATE TABLE hotlist_entries(
	id TEXT PRIMARY KEY, plate TEXT NOT NULL, state TEXT NOT NULL, list TEXT NOT NULL,
	expires_at INTEGER NOT NULL, request_id TEXT NOT NULL, report_number TEXT NOT NULL,
	vehicle_description TEXT NOT NULL, instructions TEXT NOT NULL, contact TEXT NOT NULL,
	requested_by TEXT NOT NULL, created_at INTEGER NOT NULL, status TEXT NOT NULL,
	ended_by TEXT NOT NULL DEFAULT '', ended_at INTEGER NOT NULL DEFAULT 0, end_reason TEXT NOT NULL DEFAULT '');
CREATE INDEX hotlist_entries_active ON hotlist_entries(status, expires_at);
CREATE INDEX hotlist_entries_list ON hotlist_entries(list, status);
CREATE TABLE alerts(
	seq INTEGER PRIMARY KEY AUTOINCREMENT, read_id TEXT NOT NULL, entry_id TEXT NOT NULL,
	list TEXT NOT NULL, match TEXT NOT NULL, requested_by TEXT NOT NULL, at INTEGER NOT NULL,
	data TEXT NOT NULL);
CREATE INDEX alerts_read ON alerts(read_id);
CREATE TABLE alert_verifications(
	alert_id TEXT NOT NULL, username TEXT NOT NULL, status TEXT NOT NULL, at INTEGER NOT NULL,
	PRIMARY KEY(alert_id, username));
CREATE TABLE alert_acks(
	alert_id TEXT NOT NULL, username TEXT NOT NULL, note TEXT NOT NULL, at INTEGER NOT NULL,
	PRIMARY KEY(alert_id, username));
INSERT INTO meta(key, value) VALUES ('hotlist_generation', '0') ON CONFLICT(key) DO NOTHING;`

// InsertHotlistRequest stores a new request.
func (t *Tx) InsertHotlistRequest(r *api.HotlistRequest) error {
	body, err := json.Marshal(r.HotlistRequestBody)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO hotlist_requests(id, body, requested_by, requested_at, status, notice) VALUES (?,?,?,?,?,?)`,
		r.ID, string(body), r.RequestedBy, ms(r.RequestedAt), r.Status, r.Notice)
	if isUnique(err) {
		return store.ErrExists
	}
	return err
}

// GetHotlistRequest returns a request or ErrNotFound.
func (t *Tx) GetHotlistRequest(id string) (*api.HotlistRequest, error) {
	return sqlrows.ScanRequest(t.row(`SELECT `+sqlrows.RequestCols+` FROM hotlist_requests WHERE id = ?`, id))
}

// ListHotlistRequests lists requests newest first.
func (t *Tx) ListHotlistRequests(by, status string) ([]api.HotlistRequest, error) {
	q := `SELECT ` + sqlrows.RequestCols + ` FROM hotlist_requests WHERE (? = '' OR requested_by = ?) AND (? = '' OR status = ?)
		ORDER BY requested_at DESC, id`
	rows, err := t.query(q, by, by, status, status)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []api.HotlistRequest{}
	for rows.Next() {
		r, err := sqlrows.ScanRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *r)
	}
	return out, rows.Err()
}

// UpdateHotlistRequest records a decision on a request.
func (t *Tx) UpdateHotlistRequest(r *api.HotlistRequest) error {
	var decided int64
	if r.DecidedAt != nil {
		decided = ms(*r.DecidedAt)
	}
	res, err := t.exec(`UPDATE hotlist_requests SET status=?, decided_by=?, decided_at=?, reason=?, entry_id=? WHERE id=?`,
		r.Status, r.DecidedBy, decided, r.Reason, r.EntryID, r.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

func (t *Tx) entries(q string, args ...any) ([]store.HotlistEntryRecord, error) {
	rows, err := t.query(`SELECT `+sqlrows.EntryCols+` FROM hotlist_entries `+q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.HotlistEntryRecord
	for rows.Next() {
		e, err := sqlrows.ScanEntry(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *e)
	}
	return out, rows.Err()
}

// InsertHotlistEntry stores an entry; ErrExists when the id is taken.
func (t *Tx) InsertHotlistEntry(e *store.HotlistEntryRecord) error {
	_, err := t.exec(`INSERT INTO hotlist_entries(`+sqlrows.EntryCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		sqlrows.EntryArgs(e)...)
	if isUnique(err) {
		return store.ErrExists
	}
	return err
}

// GetHotlistEntry returns an entry (in any status) or ErrNotFound.
func (t *Tx) GetHotlistEntry(id string) (*store.HotlistEntryRecord, error) {
	return sqlrows.ScanEntry(t.row(`SELECT `+sqlrows.EntryCols+` FROM hotlist_entries WHERE id = ?`, id))
}

// ActiveHotlistEntries lists the entries active at now, by list and plate.
func (t *Tx) ActiveHotlistEntries(now time.Time) ([]store.HotlistEntryRecord, error) {
	return t.entries(`WHERE status = ? AND expires_at > ? ORDER BY list, plate, id`, store.EntryActive, ms(now))
}

// DueHotlistEntries lists active entries whose time ran out by now.
func (t *Tx) DueHotlistEntries(now time.Time) ([]store.HotlistEntryRecord, error) {
	return t.entries(`WHERE status = ? AND expires_at <= ? ORDER BY expires_at, id`, store.EntryActive, ms(now))
}

// EndHotlistEntry ends an active entry.
func (t *Tx) EndHotlistEntry(id, status, by, reason string, at time.Time) error {
	res, err := t.exec(`UPDATE hotlist_entries SET status=?, ended_by=?, ended_at=?, end_reason=? WHERE id=? AND status=?`,
		status, by, ms(at), reason, id, store.EntryActive)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// ReplaceStateList deletes the entries of a state list and inserts es.
func (t *Tx) ReplaceStateList(list string, es []store.HotlistEntryRecord) (int, error) {
	res, err := t.exec(`DELETE FROM hotlist_entries WHERE list = ?`, list)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	stmt, err := t.tx.PrepareContext(t.ctx, `INSERT INTO hotlist_entries(`+sqlrows.EntryCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return 0, err
	}
	defer stmt.Close()
	for _, e := range es {
		if _, err := stmt.ExecContext(t.ctx, sqlrows.EntryArgs(&e)...); err != nil {
			return 0, fmt.Errorf("store: insert %s entry %s: %w", list, e.ID, err)
		}
	}
	return int(n), nil
}

// HotlistGeneration returns the change counter of hotlist entries.
func (t *Tx) HotlistGeneration() (int64, error) {
	var v string
	err := t.row(`SELECT value FROM meta WHERE key = 'hotlist_generation'`).Scan(&v)
	if errors.Is(err, store.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	var n int64
	_, err = fmt.Sscan(v, &n)
	return n, err
}

// BumpHotlistGeneration increments the change counter.
func (t *Tx) BumpHotlistGeneration() error {
	_, err := t.exec(`INSERT INTO meta(key, value) VALUES ('hotlist_generation', '1')
		ON CONFLICT(key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`)
	return err
}

// InsertAlert stores a hit and sets a.Seq and a.Data.
func (t *Tx) InsertAlert(a *store.AlertRecord, build func(seq int64) ([]byte, error)) error {
	res, err := t.exec(`INSERT INTO alerts(read_id, entry_id, list, match, requested_by, at, data) VALUES (?,?,?,?,?,?, '')`,
		a.ReadID, a.EntryID, a.List, a.Match, a.RequestedBy, ms(a.At))
	if err != nil {
		return err
	}
	if a.Seq, err = res.LastInsertId(); err != nil {
		return err
	}
	if a.Data, err = build(a.Seq); err != nil {
		return err
	}
	_, err = t.exec(`UPDATE alerts SET data = ? WHERE seq = ?`, string(a.Data), a.Seq)
	return err
}

// GetAlert returns an alert by seq or ErrNotFound.
func (t *Tx) GetAlert(seq int64) (*store.AlertRecord, error) {
	return sqlrows.ScanAlert(t.row(`SELECT `+sqlrows.AlertCols+` FROM alerts WHERE seq = ?`, seq))
}

// LastAlertSeq returns the newest alert's sequence (0 when none).
func (t *Tx) LastAlertSeq() (int64, error) {
	var n int64
	err := t.row(`SELECT coalesce(max(seq), 0) FROM alerts`).Scan(&n)
	return n, err
}

// AlertsAfter lists the alerts after seq that v may see, oldest first.
func (t *Tx) AlertsAfter(seq int64, v store.AlertViewer, limit int) ([]store.AlertRecord, error) {
	return t.visibleAlerts(v, `seq > ?`, `seq`, limit, seq)
}

// visibleAlerts lists the alerts matching cond (with its args) that v may
// see (the stream's routing: own requests, covert to approvers, the rest
// to patrol roles), in order, at most limit.
func (t *Tx) visibleAlerts(v store.AlertViewer, cond, order string, limit int, args ...any) ([]store.AlertRecord, error) {
	rows, err := t.query(`SELECT `+sqlrows.AlertCols+` FROM alerts WHERE `+cond+` AND
		(requested_by = ? OR (list = 'covert' AND ?) OR (list <> 'covert' AND ?)) ORDER BY `+order+` LIMIT ?`,
		append(args, v.Username, v.Approver, v.Patrol, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.AlertRecord
	for rows.Next() {
		a, err := sqlrows.ScanAlert(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, rows.Err()
}

// PurgeOrphanAlerts deletes the alerts (and their verifications and
// acknowledgements) whose read no longer exists.
func (t *Tx) PurgeOrphanAlerts() (int, error) {
	rows, err := t.query(`SELECT seq FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM reads r WHERE r.id = a.read_id)`)
	if err != nil {
		return 0, err
	}
	var ids []string
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			rows.Close()
			return 0, err
		}
		ids = append(ids, store.AlertID(seq))
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(ids) == 0 {
		return 0, err
	}
	for _, id := range ids {
		for _, q := range []string{`DELETE FROM alert_verifications WHERE alert_id = ?`, `DELETE FROM alert_acks WHERE alert_id = ?`,
			`DELETE FROM alert_outcomes WHERE alert_id = ?`} {
			if _, err := t.exec(q, id); err != nil {
				return 0, err
			}
		}
	}
	res, err := t.exec(`DELETE FROM alerts WHERE NOT EXISTS (SELECT 1 FROM reads r WHERE r.id = alerts.read_id)`)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// SetAlertVerified records that username verified the alert's read
// through the alert.
func (t *Tx) SetAlertVerified(alertID, username, status string, at time.Time) error {
	_, err := t.exec(`INSERT INTO alert_verifications(alert_id, username, status, at) VALUES (?,?,?,?)
		ON CONFLICT(alert_id, username) DO UPDATE SET status = excluded.status, at = excluded.at`,
		alertID, username, status, ms(at))
	return err
}

// AlertVerified reports whether username verified the alert's read
// through the alert.
func (t *Tx) AlertVerified(alertID, username string) (bool, error) {
	var n int
	err := t.row(`SELECT count(*) FROM alert_verifications WHERE alert_id = ? AND username = ?`, alertID, username).Scan(&n)
	return n > 0, err
}

// InsertAlertAck records an acknowledgement.
func (t *Tx) InsertAlertAck(ack api.AlertAck) error {
	_, err := t.exec(`INSERT INTO alert_acks(alert_id, username, note, at) VALUES (?,?,?,?)`,
		ack.AlertID, ack.By, ack.Note, ms(ack.At))
	if isUnique(err) || (err != nil && strings.Contains(err.Error(), "PRIMARY KEY")) {
		return store.ErrExists
	}
	return err
}
