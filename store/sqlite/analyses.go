package sqlite

import (
	"encoding/json"
	"fmt"
	"slices"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

// analysisMigration keeps analyses and the reads each returned.
const analysisMigration = `CREATE TABLE analyses(
	id TEXT PRIMARY KEY, kind TEXT NOT NULL, username TEXT NOT NULL, created_at INTEGER NOT NULL,
	report_number TEXT NOT NULL, purpose_category TEXT NOT NULL, purpose TEXT NOT NULL);
CREATE TABLE analysis_reads(
	analysis_id TEXT NOT NULL, read_id TEXT NOT NULL, PRIMARY KEY(analysis_id, read_id)) WITHOUT ROWID;`

// windowReadsSQL selects WindowReads' reads: cameras (a JSON array),
// from, to, limit.
const windowReadsSQL = `SELECT r.id, r.camera_id, r.captured_at, p.plate, r.state, coalesce(r.v_plate, ''), coalesce(r.v_state, '')
		FROM reads r JOIN plates p ON p.id = r.plate_id
		WHERE r.camera_id IN (SELECT value FROM json_each(?)) AND r.captured_at >= ? AND r.captured_at < ?
		ORDER BY r.captured_at DESC, r.id DESC LIMIT ?`

// nearReadsSQL selects NearReads' reads: the windows as a JSON array of
// {"c": camera, "F": from, "T": to}.
const nearReadsSQL = `SELECT w.key, r.id, r.camera_id, r.captured_at, p.plate, r.state, coalesce(r.v_plate, ''), coalesce(r.v_state, '')
		FROM json_each(?) w
		JOIN reads r ON r.camera_id = json_extract(w.value, '$.c')
			AND r.captured_at >= json_extract(w.value, '$.F') AND r.captured_at < json_extract(w.value, '$.T')
		JOIN plates p ON p.id = r.plate_id
		ORDER BY w.key, r.captured_at DESC, r.id DESC`

// WindowReads lists the reads at cameraIDs in [from, to), newest first,
// through the camera index (camera_id, captured_at, …).
func (t *Tx) WindowReads(cameraIDs []string, from, to time.Time, limit int) ([]store.ReadKey, error) {
	if len(cameraIDs) == 0 || limit <= 0 {
		return nil, nil
	}
	cams, _ := json.Marshal(cameraIDs)
	rows, err := t.query(windowReadsSQL, string(cams), ms(from), ms(to), limit)
	if err != nil {
		return nil, fmt.Errorf("store: window reads: %w", err)
	}
	defer rows.Close()
	var out []store.ReadKey
	for rows.Next() {
		var k store.ReadKey
		var at int64
		if err := rows.Scan(&k.ID, &k.CameraID, &at, &k.Plate, &k.State, &k.CorrectedPlate, &k.CorrectedState); err != nil {
			return nil, err
		}
		k.CapturedAt = fromMS(at)
		out = append(out, k)
	}
	return out, rows.Err()
}

// NearReads answers every window in one query: a join of the windows
// (as JSON) with reads through the camera index (camera_id, captured_at,
// …).
func (t *Tx) NearReads(windows []store.CameraWindow) ([][]store.ReadKey, error) {
	out := make([][]store.ReadKey, len(windows))
	if len(windows) == 0 {
		return out, nil
	}
	type win struct {
		C    string `json:"c"`
		F, T int64
	}
	ws := make([]win, len(windows))
	for i, w := range windows {
		ws[i] = win{C: w.CameraID, F: ms(w.From), T: ms(w.To)}
	}
	list, _ := json.Marshal(ws)
	rows, err := t.query(nearReadsSQL, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: near reads: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var k store.ReadKey
		var at int64
		if err := rows.Scan(&i, &k.ID, &k.CameraID, &at, &k.Plate, &k.State, &k.CorrectedPlate, &k.CorrectedState); err != nil {
			return nil, err
		}
		k.CapturedAt = fromMS(at)
		out[i] = append(out[i], k)
	}
	return out, rows.Err()
}

// ReadsByID returns the reads with these ids, newest first.
func (t *Tx) ReadsByID(ids []string) ([]api.Read, error) {
	out := []api.Read{}
	if len(ids) == 0 {
		return out, nil
	}
	list, _ := json.Marshal(ids)
	rows, err := t.query(`SELECT `+sqlrows.ReadCols+sqlrows.ReadFrom+` WHERE r.id IN (SELECT value FROM json_each(?))
		ORDER BY r.captured_at DESC, r.id DESC`, string(list))
	if err != nil {
		return nil, fmt.Errorf("store: reads by id: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		r, _, err := sqlrows.ScanRead(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// InsertAnalysis keeps an analysis and the ids of the reads it returned.
func (t *Tx) InsertAnalysis(a *store.AnalysisRecord) error {
	_, err := t.exec(`INSERT INTO analyses(id, kind, username, created_at, report_number, purpose_category, purpose)
		VALUES (?,?,?,?,?,?,?)`, a.ID, a.Kind, a.Username, ms(a.CreatedAt), a.Case.ReportNumber,
		a.Case.PurposeCategory, a.Case.Purpose)
	if err != nil {
		return fmt.Errorf("store: insert analysis: %w", err)
	}
	if len(a.ReadIDs) == 0 {
		return nil
	}
	ids := slices.Clone(a.ReadIDs)
	slices.Sort(ids)
	list, _ := json.Marshal(slices.Compact(ids))
	_, err = t.exec(`INSERT INTO analysis_reads(analysis_id, read_id) SELECT ?, value FROM json_each(?)`, a.ID, string(list))
	if err != nil {
		return fmt.Errorf("store: insert analysis reads: %w", err)
	}
	return nil
}

// GetAnalysis returns an analysis or ErrNotFound.
func (t *Tx) GetAnalysis(id string) (*store.AnalysisRecord, error) {
	a := &store.AnalysisRecord{}
	var at int64
	err := t.row(`SELECT id, kind, username, created_at, report_number, purpose_category, purpose
		FROM analyses WHERE id = ?`, id).Scan(&a.ID, &a.Kind, &a.Username, &at, &a.Case.ReportNumber,
		&a.Case.PurposeCategory, &a.Case.Purpose)
	if err != nil {
		return nil, notFound(err)
	}
	a.CreatedAt = fromMS(at)
	return a, nil
}

// AnalysisReturned reports whether the analysis returned the read.
func (t *Tx) AnalysisReturned(analysisID, readID string) (bool, error) {
	var n int
	err := t.row(`SELECT count(*) FROM analysis_reads WHERE analysis_id = ? AND read_id = ?`, analysisID, readID).Scan(&n)
	return n > 0, err
}
