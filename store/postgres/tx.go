package postgres

import (
	"encoding/json"
	"fmt"
	"strconv"
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
	var locked, created int64
	err := sc.Scan(&u.Username, &u.DisplayName, &u.Role, &u.Serial, &u.Team, &u.TrainedOn,
		&u.DesignatedBy, &u.PasswordHash, &u.Disabled, &u.Demo, &u.FailedLogins, &locked, &created)
	if err != nil {
		return nil, classify(err)
	}
	u.LockedUntil, u.CreatedAt = fromMS(locked), fromMS(created)
	return &u, nil
}

// GetUser returns the user or ErrNotFound.
func (t *Tx) GetUser(username string) (*store.UserRecord, error) {
	return scanUser(t.row(`SELECT `+userCols+` FROM users WHERE username = $1`+t.forUpdate(), username))
}

// InsertUser adds a user; ErrExists when the username is taken.
func (t *Tx) InsertUser(u *store.UserRecord) error {
	return inserted(t.exec(`INSERT INTO users(`+userCols+`) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13)
		ON CONFLICT DO NOTHING`,
		u.Username, u.DisplayName, u.Role, u.Serial, u.Team, u.TrainedOn, u.DesignatedBy,
		nonNilBytes(u.PasswordHash), u.Disabled, u.Demo, u.FailedLogins, ms(u.LockedUntil), ms(u.CreatedAt)))
}

// UpdateUser rewrites every field of an existing user.
func (t *Tx) UpdateUser(u *store.UserRecord) error {
	return affected(t.exec(`UPDATE users SET display_name=$1, role=$2, serial=$3, team=$4, trained_on=$5,
		designated_by=$6, password_hash=$7, disabled=$8, demo=$9, failed_logins=$10, locked_until=$11
		WHERE username=$12`,
		u.DisplayName, u.Role, u.Serial, u.Team, u.TrainedOn, u.DesignatedBy, nonNilBytes(u.PasswordHash),
		u.Disabled, u.Demo, u.FailedLogins, ms(u.LockedUntil), u.Username))
}

// ListUsers returns every user by username.
func (t *Tx) ListUsers() ([]store.UserRecord, error) {
	return collect(t, `SELECT `+userCols+` FROM users ORDER BY username COLLATE "C"`, nil, func(sc scanner) (store.UserRecord, error) {
		u, err := scanUser(sc)
		if err != nil {
			return store.UserRecord{}, err
		}
		return *u, nil
	})
}

// InsertToken stores a token hash.
func (t *Tx) InsertToken(k *store.TokenRecord) error {
	_, err := t.exec(`INSERT INTO tokens(hash, kind, username, family, expires_at, family_expires_at, used, revoked, restricted)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)`, k.Hash, k.Kind, k.Username, k.Family, ms(k.ExpiresAt),
		ms(k.FamilyExpiresAt), k.Used, k.Revoked, k.Restricted)
	return err
}

// GetToken returns the token with that hash or ErrNotFound.
func (t *Tx) GetToken(hash string) (*store.TokenRecord, error) {
	var k store.TokenRecord
	var exp, fexp int64
	err := t.row(`SELECT hash, kind, username, family, expires_at, family_expires_at, used, revoked, restricted
		FROM tokens WHERE hash = $1`+t.forUpdate(), hash).Scan(&k.Hash, &k.Kind, &k.Username, &k.Family, &exp, &fexp, &k.Used, &k.Revoked, &k.Restricted)
	if err != nil {
		return nil, err
	}
	k.ExpiresAt, k.FamilyExpiresAt = fromMS(exp), fromMS(fexp)
	return &k, nil
}

// MarkTokenUsed marks a refresh token as spent.
func (t *Tx) MarkTokenUsed(hash string) error {
	_, err := t.exec(`UPDATE tokens SET used = true WHERE hash = $1`, hash)
	return err
}

// RevokeFamily revokes every token of a login.
func (t *Tx) RevokeFamily(family string) error {
	_, err := t.exec(`UPDATE tokens SET revoked = true WHERE family = $1`, family)
	return err
}

// DeleteTokensBefore drops tokens whose family ended before tm.
func (t *Tx) DeleteTokensBefore(tm time.Time) error {
	_, err := t.exec(`DELETE FROM tokens WHERE family_expires_at < $1`, ms(tm))
	return err
}

// InsertCamera adds a camera with its ingest token hash; ErrExists when
// the id or the token is taken.
func (t *Tx) InsertCamera(c api.Camera, tokenHash string) error {
	return inserted(t.exec(`INSERT INTO cameras(id, name, lat, lon, owner, token_hash) VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT DO NOTHING`, c.ID, c.Name, c.Lat, c.Lon, c.Owner, nullStr(tokenHash)))
}

// CameraByToken returns the camera whose token has that hash.
func (t *Tx) CameraByToken(hash string) (*api.Camera, error) {
	var c api.Camera
	err := t.row(`SELECT id, name, lat, lon, owner FROM cameras WHERE token_hash = $1`, hash).
		Scan(&c.ID, &c.Name, &c.Lat, &c.Lon, &c.Owner)
	if err != nil {
		return nil, err
	}
	return &c, nil
}

// Cameras returns every camera by id.
func (t *Tx) Cameras() ([]api.Camera, error) {
	out, err := collect(t, `SELECT id, name, lat, lon, owner FROM cameras ORDER BY id COLLATE "C"`, nil, func(sc scanner) (api.Camera, error) {
		var c api.Camera
		return c, sc.Scan(&c.ID, &c.Name, &c.Lat, &c.Lon, &c.Owner)
	})
	if out == nil && err == nil {
		out = []api.Camera{}
	}
	return out, err
}

// readKey finds a read's row: its storage sequence and capture time.
func (t *Tx) readKey(id string) (rid, at int64, err error) {
	err = t.row(`SELECT rid, captured_at FROM read_keys WHERE id = $1`, id).Scan(&rid, &at)
	return rid, at, err
}

type scanner interface{ Scan(...any) error }

// GetRead returns a read by id or ErrNotFound.
func (t *Tx) GetRead(id string) (*api.Read, error) {
	rid, at, err := t.readKey(id)
	if err != nil {
		return nil, err
	}
	r, _, err := sqlrows.ScanRead(t.row(`SELECT `+sqlrows.ReadCols+sqlrows.ReadFrom+` WHERE r.captured_at = $1 AND r.rid = $2`, at, rid))
	if err != nil {
		return nil, err
	}
	return &r, nil
}

// Photo returns the stored JPEG of a read; ErrNotFound when none is kept.
func (t *Tx) Photo(id string) ([]byte, error) {
	rid, at, err := t.readKey(id)
	if err != nil {
		return nil, err
	}
	var b []byte
	err = t.row(`SELECT jpeg FROM photos WHERE captured_at = $1 AND rid = $2`, at, rid).Scan(&b)
	return b, err
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
	var rid, at int64
	err := t.row(`UPDATE read_keys SET v_plate_id = $1 WHERE id = $2 RETURNING rid, captured_at`, vpid, id).Scan(&rid, &at)
	if err != nil {
		return err
	}
	return affected(t.exec(`UPDATE reads SET v_status=$1, v_plate=$2, v_plate_id=$3, v_state=$4, v_by=$5, v_at=$6
		WHERE captured_at = $7 AND rid = $8`,
		v.Status, nullStr(v.CorrectedPlate), vpid, nullStr(v.CorrectedState), v.By, ms(v.At), at, rid))
}

// InsertRetention records a retention exception and marks the read retained.
func (t *Tx) InsertRetention(r api.Retention, searchID, exportID string) error {
	rid, at, err := t.readKey(r.ReadID)
	if err != nil {
		return err
	}
	if err := affected(t.exec(`UPDATE reads SET retained = true WHERE captured_at = $1 AND rid = $2`, at, rid)); err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO retentions(read_id, report_number, category, reason, by_user, at, search_id, export_id)
		VALUES ($1,$2,$3,$4,$5,$6,$7,$8)`, r.ReadID, r.ReportNumber, r.Category, r.Reason, r.By, ms(r.At), searchID, exportID)
	return err
}

// AuditHead returns the last entry's seq and hash (zero when empty).
func (t *Tx) AuditHead() (api.ChainHead, error) {
	var h api.ChainHead
	err := t.row(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&h.Seq, &h.Hash)
	if err == store.ErrNotFound {
		return api.ChainHead{}, nil
	}
	return h, err
}

// LockAuditHead takes the chain's append lock (an advisory lock held until
// the transaction ends, shared by every node of the database) and returns
// the head as it is once the lock is held.
func (t *Tx) LockAuditHead() (api.ChainHead, error) {
	if _, err := t.exec(`SELECT pg_advisory_xact_lock($1)`, int64(lockAuditHead)); err != nil {
		return api.ChainHead{}, err
	}
	return t.AuditHead()
}

// InsertAudit appends an entry whose seq and hashes are already set.
func (t *Tx) InsertAudit(e *api.AuditEntry) error {
	_, err := t.exec(`INSERT INTO audit(`+sqlrows.AuditCols+`, at_ms) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		e.Seq, store.AuditTime(e.At), e.Actor, e.Role, e.Action, e.ReportNumber, e.PurposeCategory, e.Purpose,
		e.Query, e.ResultCount, e.Workstation, e.Outcome, e.Reason, e.PrevHash, e.Hash, ms(e.At))
	return err
}

// AuditPage returns entries matching f, newest first.
func (t *Tx) AuditPage(f store.AuditFilter) ([]api.AuditEntry, error) {
	var w where
	if f.User != "" {
		w.add("actor = ?", f.User)
	}
	if f.Team != "" {
		w.add("actor IN (SELECT username FROM users WHERE team = ?)", f.Team)
	}
	if f.ReportNumber != "" {
		w.add("report_number = ?", f.ReportNumber)
	}
	if f.PurposeCategory != "" {
		w.add("purpose_category = ?", f.PurposeCategory)
	}
	if f.Outcome != "" {
		w.add("outcome = ?", f.Outcome)
	}
	if f.Action != "" {
		w.add("action = ?", f.Action)
	}
	if !f.From.IsZero() {
		w.add("at_ms >= ?", ms(f.From))
	}
	if !f.To.IsZero() {
		w.add("at_ms <= ?", ms(f.To))
	}
	if f.BeforeSeq > 0 {
		w.add("seq < ?", f.BeforeSeq)
	}
	w.args = append(w.args, f.Limit)
	q := `SELECT ` + sqlrows.AuditCols + ` FROM audit` + w.clause() + fmt.Sprintf(" ORDER BY seq DESC LIMIT $%d", len(w.args))
	out, err := collect(t, q, w.args, func(sc scanner) (api.AuditEntry, error) {
		e, _, err := sqlrows.ScanAudit(sc)
		return e, err
	})
	if out == nil && err == nil {
		out = []api.AuditEntry{}
	}
	return out, err
}

// AuditScan calls fn for every entry in seq order.
func (t *Tx) AuditScan(fn func(api.AuditEntry) error) error {
	return t.auditEach(`SELECT `+sqlrows.AuditCols+` FROM audit ORDER BY seq`, nil, fn)
}

// auditEach calls fn for the entries q selects; an entry whose stored time
// does not round-trip gets a zero time (it cannot hash the same).
func (t *Tx) auditEach(q string, args []any, fn func(api.AuditEntry) error) error {
	rows, err := t.query(q, args...)
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
			e.At = time.Time{}
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return classify(rows.Err())
}

// InsertSearch keeps a search for later photo and verification checks.
func (t *Tx) InsertSearch(s *store.SearchRecord) error {
	b, err := json.Marshal(s.Request)
	if err != nil {
		return err
	}
	_, err = t.exec(`INSERT INTO searches(id, username, created_at, request, hash) VALUES ($1,$2,$3,$4,$5)`,
		s.ID, s.Username, ms(s.CreatedAt), string(b), s.Hash)
	return err
}

// GetSearch returns a kept search or ErrNotFound.
func (t *Tx) GetSearch(id string) (*store.SearchRecord, error) {
	var s store.SearchRecord
	var req string
	var created int64
	err := t.row(`SELECT id, username, created_at, request, hash FROM searches WHERE id = $1`, id).
		Scan(&s.ID, &s.Username, &created, &req, &s.Hash)
	if err != nil {
		return nil, err
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
	err := t.row(`SELECT route, status, body, created_at FROM idempotency WHERE username = $1 AND key = $2`,
		username, key).Scan(&r.Route, &r.Status, &r.Body, &created)
	if err != nil {
		return nil, err
	}
	r.CreatedAt = fromMS(created)
	return &r, nil
}

// InsertIdempotent records the first answer to a keyed request.
func (t *Tx) InsertIdempotent(r *store.IdemRecord) error {
	_, err := t.exec(`INSERT INTO idempotency(username, key, route, status, body, created_at) VALUES ($1,$2,$3,$4,$5,$6)
		ON CONFLICT DO NOTHING`, r.Username, r.Key, r.Route, r.Status, nonNilBytes(r.Body), ms(r.CreatedAt))
	return err
}

// InsertExport records an export.
func (t *Tx) InsertExport(id string, req api.ExportRequest, username string, at time.Time) error {
	ids, _ := json.Marshal(nonNil(req.ReadIDs))
	_, err := t.exec(`INSERT INTO exports(id, kind, username, report_number, search_id, read_ids, at) VALUES ($1,$2,$3,$4,$5,$6,$7)`,
		id, req.Kind, username, req.ReportNumber, req.SearchID, string(ids), ms(at))
	return err
}

// where builds a WHERE clause with numbered parameters: add takes a
// condition written with ? for its one parameter.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, v ...any) {
	for _, a := range v {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", fmt.Sprintf("$%d", len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) clause() string {
	if len(w.conds) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(w.conds, " AND ")
}

// collect runs q and scans every row with scan.
func collect[T any](t *Tx, q string, args []any, scan func(scanner) (T, error)) ([]T, error) {
	rows, err := t.query(q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, classify(err)
		}
		out = append(out, v)
	}
	return out, classify(rows.Err())
}

// inserted turns "no row inserted" (ON CONFLICT DO NOTHING) into ErrExists.
func inserted(tag interface{ RowsAffected() int64 }, err error) error {
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return store.ErrExists
	}
	return nil
}

func nullStr(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func nonNilBytes(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

func itoa(i int) string { return strconv.Itoa(i) }
