package sqlite

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

const userCols = `username, display_name, role, serial, team, trained_on, designated_by,
	password_hash, disabled, demo, failed_logins, locked_until, created_at`

func scanUser(sc interface{ Scan(...any) error }) (*store.UserRecord, error) {
	var u store.UserRecord
	var disabled, demo int
	var locked, created int64
	err := sc.Scan(&u.Username, &u.DisplayName, &u.Role, &u.Serial, &u.Team, &u.TrainedOn,
		&u.DesignatedBy, &u.PasswordHash, &disabled, &demo, &u.FailedLogins, &locked, &created)
	if err != nil {
		return nil, notFound(err)
	}
	u.Disabled, u.Demo = disabled != 0, demo != 0
	u.LockedUntil, u.CreatedAt = fromMS(locked), fromMS(created)
	return &u, nil
}

// GetUser returns the user or ErrNotFound.
func (t *Tx) GetUser(username string) (*store.UserRecord, error) {
	return scanUser(t.row(`SELECT `+userCols+` FROM users WHERE username = ?`, username))
}

// InsertUser adds a user; ErrExists when the username is taken.
func (t *Tx) InsertUser(u *store.UserRecord) error {
	_, err := t.exec(`INSERT INTO users(`+userCols+`) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		u.Username, u.DisplayName, u.Role, u.Serial, u.Team, u.TrainedOn, u.DesignatedBy,
		u.PasswordHash, b2i(u.Disabled), b2i(u.Demo), u.FailedLogins, ms(u.LockedUntil), ms(u.CreatedAt))
	if isUnique(err) {
		return store.ErrExists
	}
	return err
}

// UpdateUser rewrites every field of an existing user.
func (t *Tx) UpdateUser(u *store.UserRecord) error {
	res, err := t.exec(`UPDATE users SET display_name=?, role=?, serial=?, team=?, trained_on=?,
		designated_by=?, password_hash=?, disabled=?, demo=?, failed_logins=?, locked_until=?
		WHERE username=?`,
		u.DisplayName, u.Role, u.Serial, u.Team, u.TrainedOn, u.DesignatedBy, u.PasswordHash,
		b2i(u.Disabled), b2i(u.Demo), u.FailedLogins, ms(u.LockedUntil), u.Username)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// ListUsers returns every user by username.
func (t *Tx) ListUsers() ([]store.UserRecord, error) {
	rows, err := t.query(`SELECT ` + userCols + ` FROM users ORDER BY username`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []store.UserRecord
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, *u)
	}
	return out, rows.Err()
}

// InsertToken stores a token hash.
func (t *Tx) InsertToken(k *store.TokenRecord) error {
	_, err := t.exec(`INSERT INTO tokens(hash, kind, username, family, expires_at, family_expires_at, used, revoked, restricted)
		VALUES (?,?,?,?,?,?,?,?,?)`, k.Hash, k.Kind, k.Username, k.Family, ms(k.ExpiresAt),
		ms(k.FamilyExpiresAt), b2i(k.Used), b2i(k.Revoked), b2i(k.Restricted))
	return err
}

// GetToken returns the token with that hash or ErrNotFound.
func (t *Tx) GetToken(hash string) (*store.TokenRecord, error) {
	var k store.TokenRecord
	var exp, fexp int64
	var used, revoked, restricted int
	err := t.row(`SELECT hash, kind, username, family, expires_at, family_expires_at, used, revoked, restricted
		FROM tokens WHERE hash = ?`, hash).Scan(&k.Hash, &k.Kind, &k.Username, &k.Family, &exp, &fexp, &used, &revoked, &restricted)
	if err != nil {
		return nil, notFound(err)
	}
	k.ExpiresAt, k.FamilyExpiresAt = fromMS(exp), fromMS(fexp)
	k.Used, k.Revoked, k.Restricted = used != 0, revoked != 0, restricted != 0
	return &k, nil
}

// MarkTokenUsed marks a refresh token as spent.
func (t *Tx) MarkTokenUsed(hash string) error {
	_, err := t.exec(`UPDATE tokens SET used = 1 WHERE hash = ?`, hash)
	return err
}

// RevokeFamily revokes every token of a login.
func (t *Tx) RevokeFamily(family string) error {
	_, err := t.exec(`UPDATE tokens SET revoked = 1 WHERE family = ?`, family)
	return err
}

// DeleteTokensBefore drops tokens whose family ended before tm.
func (t *Tx) DeleteTokensBefore(tm time.Time) error {
	_, err := t.exec(`DELETE FROM tokens WHERE family_expires_at < ?`, ms(tm))
	return err
}

// InsertCamera adds a camera with its ingest token hash.
func (t *Tx) InsertCamera(c api.Camera, tokenHash string) error {
	_, err := t.exec(`INSERT INTO cameras(id, name, lat, lon, owner, token_hash) VALUES (?,?,?,?,?,?)`,
		c.ID, c.Name, c.Lat, c.Lon, c.Owner, nullStr(tokenHash))
	if isUnique(err) {
		return store.ErrExists
	}
	return err
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// CameraByToken returns the camera whose token has that hash.
func (t *Tx) CameraByToken(hash string) (*api.Camera, error) {
	var c api.Camera
	err := t.row(`SELECT id, name, lat, lon, owner FROM cameras WHERE token_hash = ?`, hash).
		Scan(&c.ID, &c.Name, &c.Lat, &c.Lon, &c.Owner)
	if err != nil {
		return nil, notFound(err)
	}
	return &c, nil
}

// Cameras returns every camera by id.
func (t *Tx) Cameras() ([]api.Camera, error) {
	rows, err := t.query(`SELECT id, name, lat, lon, owner FROM cameras ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []api.Camera{}
	for rows.Next() {
		var c api.Camera
		if err := rows.Scan(&c.ID, &c.Name, &c.Lat, &c.Lon, &c.Owner); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InsertRead stores a read and its photo; dup when the id exists.
func (t *Tx) InsertRead(r *store.ReadRecord) (bool, error) {
	m := &r.Meta
	var exists int
	if err := t.row(`SELECT count(*) FROM reads WHERE id = ?`, m.ID).Scan(&exists); err != nil {
		return false, err
	}
	if exists > 0 {
		return true, nil
	}
	pid, err := t.plateID(m.Plate)
	if err != nil {
		return false, err
	}
	feats, _ := json.Marshal(nonNil(m.Features))
	res, err := t.exec(`INSERT INTO reads(id, camera_id, captured_at, plate_id, state, confidence, make, color,
		body_type, features, feature_mask, box_x, box_y, box_w, box_h) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		m.ID, m.CameraID, ms(m.CapturedAt), pid, m.State, m.Confidence, m.Make, m.Color, m.BodyType,
		string(feats), featureMask(m.Features), m.PlateBox.X, m.PlateBox.Y, m.PlateBox.W, m.PlateBox.H)
	if err != nil {
		return false, fmt.Errorf("store: insert read: %w", err)
	}
	if len(r.Photo) > 0 {
		rid, _ := res.LastInsertId()
		if _, err := t.exec(`INSERT INTO photos(rid, jpeg) VALUES (?, ?)`, rid, r.Photo); err != nil {
			return false, fmt.Errorf("store: insert photo: %w", err)
		}
	}
	return false, nil
}

// GetRead returns a read by id or ErrNotFound.
func (t *Tx) GetRead(id string) (*api.Read, error) {
	r, _, err := sqlrows.ScanRead(t.row(`SELECT `+sqlrows.ReadCols+sqlrows.ReadFrom+` WHERE r.id = ?`, id))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Photo returns the stored JPEG of a read; ErrNotFound when none is kept.
func (t *Tx) Photo(id string) ([]byte, error) {
	var b []byte
	err := t.row(`SELECT ph.jpeg FROM reads r JOIN photos ph ON ph.rid = r.rid WHERE r.id = ?`, id).Scan(&b)
	return b, notFound(err)
}

// SetVerification records a verdict; a corrected plate joins the dictionary
// so that it is searchable beside the OCR text.
func (t *Tx) SetVerification(id string, v api.Verification) error {
	var vpid any
	if v.CorrectedPlate != "" {
		pid, err := t.plateID(v.CorrectedPlate)
		if err != nil {
			return err
		}
		vpid = pid
	}
	res, err := t.exec(`UPDATE reads SET v_status=?, v_plate=?, v_plate_id=?, v_state=?, v_by=?, v_at=? WHERE id=?`,
		v.Status, nullStr(v.CorrectedPlate), vpid, nullStr(v.CorrectedState), v.By, ms(v.At), id)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// InsertRetention records a retention exception and marks the read retained.
func (t *Tx) InsertRetention(r api.Retention, searchID, exportID string) error {
	res, err := t.exec(`UPDATE reads SET retained = 1 WHERE id = ?`, r.ReadID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return store.ErrNotFound
	}
	_, err = t.exec(`INSERT INTO retentions(read_id, report_number, category, reason, by, at, search_id, export_id)
		VALUES (?,?,?,?,?,?,?,?)`, r.ReadID, r.ReportNumber, r.Category, r.Reason, r.By, ms(r.At), searchID, exportID)
	return err
}

// PurgeReads deletes unretained reads captured before tm, with their photos.
func (t *Tx) PurgeReads(before time.Time) (int, error) {
	cut := ms(before)
	if _, err := t.exec(`DELETE FROM photos WHERE rid IN (SELECT rid FROM reads WHERE captured_at < ? AND retained = 0)`, cut); err != nil {
		return 0, err
	}
	res, err := t.exec(`DELETE FROM reads WHERE captured_at < ? AND retained = 0`, cut)
	if err != nil {
		return 0, err
	}
	n, err := res.RowsAffected()
	if err != nil || n == 0 {
		return int(n), err
	}
	return int(n), t.purgeOrphanPlates()
}

// AuditHead returns the last entry's seq and hash (zero when empty).
func (t *Tx) AuditHead() (api.ChainHead, error) {
	var h api.ChainHead
	err := t.row(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash)
	if err != nil && notFound(err) == store.ErrNotFound {
		return api.ChainHead{}, nil
	}
	return h, err
}

// LockAuditHead returns the head: the single writer connection already
// serialises every append.
func (t *Tx) LockAuditHead() (api.ChainHead, error) { return t.AuditHead() }

// InsertAudit appends an entry whose seq and hashes are already set.
func (t *Tx) InsertAudit(e *api.AuditEntry) error {
	_, err := t.exec(`INSERT INTO audit(`+sqlrows.AuditCols+`, at_ms) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		e.Seq, store.AuditTime(e.At), e.Actor, e.Role, e.Action, e.ReportNumber, e.PurposeCategory, e.Purpose,
		e.Query, e.ResultCount, e.Workstation, e.Outcome, e.Reason, e.PrevHash, e.Hash, ms(e.At))
	return err
}

// AuditPage returns entries matching f, newest first.
func (t *Tx) AuditPage(f store.AuditFilter) ([]api.AuditEntry, error) {
	var where []string
	var args []any
	add := func(cond string, v any) { where = append(where, cond); args = append(args, v) }
	if f.User != "" {
		add("actor = ?", f.User)
	}
	if f.Team != "" {
		add("actor IN (SELECT username FROM users WHERE team = ?)", f.Team)
	}
	if f.ReportNumber != "" {
		add("report_number = ?", f.ReportNumber)
	}
	if f.PurposeCategory != "" {
		add("purpose_category = ?", f.PurposeCategory)
	}
	if f.Outcome != "" {
		add("outcome = ?", f.Outcome)
	}
	if f.Action != "" {
		add("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		add("at_ms >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		add("at_ms <= ?", ms(f.To))
	}
	if f.BeforeSeq > 0 {
		add("seq < ?", f.BeforeSeq)
	}
	q := `SELECT ` + sqlrows.AuditCols + ` FROM audit`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, f.Limit)
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []api.AuditEntry{}
	for rows.Next() {
		e, _, err := sqlrows.ScanAudit(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// AuditScan calls fn for every entry in seq order.
func (t *Tx) AuditScan(fn func(api.AuditEntry) error) error {
	rows, err := t.query(`SELECT ` + sqlrows.AuditCols + ` FROM audit ORDER BY seq`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, at, err := sqlrows.ScanAudit(rows)
		if err != nil {
			return err
		}
		if store.AuditTime(e.At) != at {
			// A stored time that does not round-trip cannot hash the same.
			e.At = time.Time{}
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// InsertSearch keeps a search for later photo and verification checks.
func (t *Tx) InsertSearch(s *store.SearchRecord) error {
	b, err := json.Marshal(s.Request)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO searches(id, username, created_at, request, hash) VALUES (?,?,?,?,?)`,
		s.ID, s.Username, ms(s.CreatedAt), string(b), s.Hash)
	return err
}

// GetSearch returns a kept search or ErrNotFound.
func (t *Tx) GetSearch(id string) (*store.SearchRecord, error) {
	var s store.SearchRecord
	var req string
	var created int64
	err := t.row(`SELECT id, username, created_at, request, hash FROM searches WHERE id = ?`, id).
		Scan(&s.ID, &s.Username, &created, &req, &s.Hash)
	if err != nil {
		return nil, notFound(err)
	}
	s.CreatedAt = fromMS(created)
	if err := json.Unmarshal([]byte(req), &s.Request); err != nil {
		return nil, fmt.Errorf("store: search %s: %w", id, err)
	}
	return &s, nil
}

// GetIdempotent returns the first answer for (username, key) or ErrNotFound.
func (t *Tx) GetIdempotent(username, key string) (*store.IdemRecord, error) {
	r := store.IdemRecord{Username: username, Key: key}
	var created int64
	err := t.row(`SELECT route, status, body, created_at FROM idempotency WHERE username = ? AND key = ?`,
		username, key).Scan(&r.Route, &r.Status, &r.Body, &created)
	if err != nil {
		return nil, notFound(err)
	}
	r.CreatedAt = fromMS(created)
	return &r, nil
}

// InsertIdempotent records the first answer to a keyed request.
func (t *Tx) InsertIdempotent(r *store.IdemRecord) error {
	_, err := t.exec(`INSERT OR IGNORE INTO idempotency(username, key, route, status, body, created_at) VALUES (?,?,?,?,?,?)`,
		r.Username, r.Key, r.Route, r.Status, r.Body, ms(r.CreatedAt))
	return err
}

// InsertExport records an export.
func (t *Tx) InsertExport(id string, req api.ExportRequest, username string, at time.Time) error {
	ids, _ := json.Marshal(nonNil(req.ReadIDs))
	_, err := t.exec(`INSERT INTO exports(id, kind, username, report_number, search_id, read_ids, at) VALUES (?,?,?,?,?,?,?)`,
		id, req.Kind, username, req.ReportNumber, req.SearchID, string(ids), ms(at))
	return err
}
