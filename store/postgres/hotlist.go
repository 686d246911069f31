package postgres

import (
	"encoding/json"
	"fmt"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

// InsertHotlistRequest stores a new request.
func (t *Tx) InsertHotlistRequest(r *api.HotlistRequest) error {
	body, err := json.Marshal(r.HotlistRequestBody)
	if err != nil {
		return err
	}
	return inserted(t.exec(`INSERT INTO hotlist_requests(id, body, requested_by, requested_at, status, notice) VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT DO NOTHING`, r.ID, string(body), r.RequestedBy, ms(r.RequestedAt), r.Status, r.Notice))
}

// GetHotlistRequest returns a request or ErrNotFound.
func (t *Tx) GetHotlistRequest(id string) (*api.HotlistRequest, error) {
	return sqlrows.ScanRequest(t.row(`SELECT `+sqlrows.RequestCols+` FROM hotlist_requests WHERE id = $1`+t.forUpdate(), id))
}

// ListHotlistRequests lists requests newest first.
func (t *Tx) ListHotlistRequests(by, status string) ([]api.HotlistRequest, error) {
	q := `SELECT ` + sqlrows.RequestCols + ` FROM hotlist_requests WHERE ($1 = '' OR requested_by = $1) AND ($2 = '' OR status = $2)
		ORDER BY requested_at DESC, id COLLATE "C"`
	out, err := collect(t, q, []any{by, status}, func(sc scanner) (api.HotlistRequest, error) {
		r, err := sqlrows.ScanRequest(sc)
		if err != nil {
			return api.HotlistRequest{}, err
		}
		return *r, nil
	})
	if out == nil && err == nil {
		out = []api.HotlistRequest{}
	}
	return out, err
}

// UpdateHotlistRequest records a decision on a request.
func (t *Tx) UpdateHotlistRequest(r *api.HotlistRequest) error {
	var decided int64
	if r.DecidedAt != nil {
		decided = ms(*r.DecidedAt)
	}
	return affected(t.exec(`UPDATE hotlist_requests SET status=$1, decided_by=$2, decided_at=$3, reason=$4, entry_id=$5 WHERE id=$6`,
		r.Status, r.DecidedBy, decided, r.Reason, r.EntryID, r.ID))
}

func (t *Tx) entries(q string, args ...any) ([]store.HotlistEntryRecord, error) {
	return collect(t, `SELECT `+sqlrows.EntryCols+` FROM hotlist_entries `+q, args, func(sc scanner) (store.HotlistEntryRecord, error) {
		e, err := sqlrows.ScanEntry(sc)
		if err != nil {
			return store.HotlistEntryRecord{}, err
		}
		return *e, nil
	})
}

// InsertHotlistEntry stores an entry; ErrExists when the id is taken.
func (t *Tx) InsertHotlistEntry(e *store.HotlistEntryRecord) error {
	return inserted(t.exec(`INSERT INTO hotlist_entries(`+sqlrows.EntryCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
		ON CONFLICT DO NOTHING`, sqlrows.EntryArgs(e)...))
}

// GetHotlistEntry returns an entry (in any status) or ErrNotFound.
func (t *Tx) GetHotlistEntry(id string) (*store.HotlistEntryRecord, error) {
	return sqlrows.ScanEntry(t.row(`SELECT `+sqlrows.EntryCols+` FROM hotlist_entries WHERE id = $1`+t.forUpdate(), id))
}

// ActiveHotlistEntries lists the entries active at now, by list and plate.
func (t *Tx) ActiveHotlistEntries(now time.Time) ([]store.HotlistEntryRecord, error) {
	return t.entries(`WHERE status = $1 AND expires_at > $2 ORDER BY list COLLATE "C", plate COLLATE "C", id COLLATE "C"`, store.EntryActive, ms(now))
}

// DueHotlistEntries lists active entries whose time ran out by now.
func (t *Tx) DueHotlistEntries(now time.Time) ([]store.HotlistEntryRecord, error) {
	return t.entries(`WHERE status = $1 AND expires_at <= $2 ORDER BY expires_at, id COLLATE "C"`, store.EntryActive, ms(now))
}

// EndHotlistEntry ends an active entry.
func (t *Tx) EndHotlistEntry(id, status, by, reason string, at time.Time) error {
	return affected(t.exec(`UPDATE hotlist_entries SET status=$1, ended_by=$2, ended_at=$3, end_reason=$4 WHERE id=$5 AND status=$6`,
		status, by, ms(at), reason, id, store.EntryActive))
}

// ReplaceStateList deletes the entries of a state list and inserts es.
func (t *Tx) ReplaceStateList(list string, es []store.HotlistEntryRecord) (int, error) {
	tag, err := t.exec(`DELETE FROM hotlist_entries WHERE list = $1`, list)
	if err != nil {
		return 0, err
	}
	for i := range es {
		if _, err := t.exec(`INSERT INTO hotlist_entries(`+sqlrows.EntryCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)`,
			sqlrows.EntryArgs(&es[i])...); err != nil {
			return 0, fmt.Errorf("store: insert %s entry %s: %w", list, es[i].ID, err)
		}
	}
	return int(tag.RowsAffected()), nil
}

// HotlistGeneration returns the change counter of hotlist entries.
func (t *Tx) HotlistGeneration() (int64, error) {
	var n int64
	err := t.row(`SELECT value::bigint FROM meta WHERE key = 'hotlist_generation'`).Scan(&n)
	if err == store.ErrNotFound {
		return 0, nil
	}
	return n, err
}

// BumpHotlistGeneration increments the change counter.
func (t *Tx) BumpHotlistGeneration() error {
	_, err := t.exec(`INSERT INTO meta(key, value) VALUES ('hotlist_generation', '1')
		ON CONFLICT(key) DO UPDATE SET value = (meta.value::bigint + 1)::text`)
	if err != nil {
		return err
	}
	return t.notify(store.EventHotlists)
}

// InsertAlert stores a hit and sets a.Seq and a.Data.
func (t *Tx) InsertAlert(a *store.AlertRecord, build func(seq int64) ([]byte, error)) error {
	// Alert streams read the alerts after the last one they sent: were
	// sequence numbers taken by transactions that commit in another order,
	// a stream could pass an alert that commits late. Inserts take turns.
	if _, err := t.exec(`SELECT pg_advisory_xact_lock($1)`, int64(lockAlerts)); err != nil {
		return err
	}
	err := t.row(`INSERT INTO alerts(read_id, entry_id, list, match, requested_by, at, data) VALUES ($1,$2,$3,$4,$5,$6, '')
		RETURNING seq`, a.ReadID, a.EntryID, a.List, a.Match, a.RequestedBy, ms(a.At)).Scan(&a.Seq)
	if err != nil {
		return err
	}
	if a.Data, err = build(a.Seq); err != nil {
		return err
	}
	if _, err = t.exec(`UPDATE alerts SET data = $1 WHERE seq = $2`, string(a.Data), a.Seq); err != nil {
		return err
	}
	return t.notify(store.EventAlerts)
}

// GetAlert returns an alert by seq or ErrNotFound.
func (t *Tx) GetAlert(seq int64) (*store.AlertRecord, error) {
	return sqlrows.ScanAlert(t.row(`SELECT `+sqlrows.AlertCols+` FROM alerts WHERE seq = $1`, seq))
}

// LastAlertSeq returns the newest alert's sequence (0 when none).
func (t *Tx) LastAlertSeq() (int64, error) {
	var n int64
	err := t.row(`SELECT coalesce(max(seq), 0) FROM alerts`).Scan(&n)
	return n, err
}

// AlertsAfter lists the alerts after seq that v may see, oldest first.
func (t *Tx) AlertsAfter(seq int64, v store.AlertViewer, limit int) ([]store.AlertRecord, error) {
	return t.visibleAlerts(v, `seq > $1`, `seq`, limit, seq)
}

// visibleAlerts lists the alerts matching cond (placeholders $1…$n for
// its n args) that v may see (the stream's routing: own requests, covert
// to approvers, the rest to patrol roles), in order, at most limit.
func (t *Tx) visibleAlerts(v store.AlertViewer, cond, order string, limit int, args ...any) ([]store.AlertRecord, error) {
	n := len(args)
	q := fmt.Sprintf(`SELECT %s FROM alerts WHERE %s AND
		(requested_by = $%d OR (list = 'covert' AND $%d) OR (list <> 'covert' AND $%d)) ORDER BY %s LIMIT $%d`,
		sqlrows.AlertCols, cond, n+1, n+2, n+3, order, n+4)
	return collect(t, q, append(args, v.Username, v.Approver, v.Patrol, limit), func(sc scanner) (store.AlertRecord, error) {
		a, err := sqlrows.ScanAlert(sc)
		if err != nil {
			return store.AlertRecord{}, err
		}
		return *a, nil
	})
}

// PurgeOrphanAlerts deletes the alerts (and their verifications and
// acknowledgements) whose read no longer exists.
func (t *Tx) PurgeOrphanAlerts() (int, error) {
	// Verifications and acks name alerts by store.AlertID: "al_" and the seq.
	orphans := `SELECT seq FROM alerts a WHERE NOT EXISTS (SELECT 1 FROM read_keys k WHERE k.id = a.read_id)`
	for _, tab := range []string{"alert_verifications", "alert_acks", "alert_outcomes"} {
		if _, err := t.exec(`DELETE FROM ` + tab + ` WHERE alert_id IN (SELECT 'al_' || seq FROM (` + orphans + `) o)`); err != nil {
			return 0, err
		}
	}
	tag, err := t.exec(`DELETE FROM alerts WHERE seq IN (` + orphans + `)`)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// SetAlertVerified records that username verified the alert's read
// through the alert.
func (t *Tx) SetAlertVerified(alertID, username, status string, at time.Time) error {
	_, err := t.exec(`INSERT INTO alert_verifications(alert_id, username, status, at) VALUES ($1,$2,$3,$4)
		ON CONFLICT(alert_id, username) DO UPDATE SET status = excluded.status, at = excluded.at`,
		alertID, username, status, ms(at))
	return err
}

// AlertVerified reports whether username verified the alert's read
// through the alert.
func (t *Tx) AlertVerified(alertID, username string) (bool, error) {
	var ok bool
	err := t.row(`SELECT EXISTS (SELECT 1 FROM alert_verifications WHERE alert_id = $1 AND username = $2)`, alertID, username).Scan(&ok)
	return ok, err
}

// InsertAlertAck records an acknowledgement.
func (t *Tx) InsertAlertAck(ack api.AlertAck) error {
	return inserted(t.exec(`INSERT INTO alert_acks(alert_id, username, note, at) VALUES ($1,$2,$3,$4) ON CONFLICT DO NOTHING`,
		ack.AlertID, ack.By, ack.Note, ms(ack.At)))
}
