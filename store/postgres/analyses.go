package postgres

import (
	"fmt"
	"slices"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/internal/sqlrows"
)

// analysisMigration keeps analyses and the reads each returned.
const analysisMigration = `CREATE TABLE analyses(
	id text PRIMARY KEY, kind text NOT NULL, username text NOT NULL, created_at bigint NOT NULL,
	report_number text NOT NULL, purpose_category text NOT NULL, purpose text NOT NULL);
CREATE TABLE analysis_reads(
	analysis_id text NOT NULL, read_id text NOT NULL, PRIMARY KEY(analysis_id, read_id));`

// readKeyCols selects the light form of a read (store.ReadKey).
const readKeyCols = `r.id, r.camera_id, r.captured_at, p.plate, r.state, coalesce(r.v_plate, ''), coalesce(r.v_state, '')`

// scanReadKey scans readKeyCols.
func scanReadKey(sc scanner) (store.ReadKey, error) {
	var k store.ReadKey
	var at int64
	err := sc.Scan(&k.ID, &k.CameraID, &at, &k.Plate, &k.State, &k.CorrectedPlate, &k.CorrectedState)
	k.CapturedAt = fromMS(at)
	return k, err
}

// WindowReads lists the reads at cameraIDs in [from, to), newest first
// (ties by id, descending), through the (camera_id, captured_at) index;
// only the partitions of the window's days are read.
func (t *Tx) WindowReads(cameraIDs []string, from, to time.Time, limit int) ([]store.ReadKey, error) {
	if len(cameraIDs) == 0 || limit <= 0 {
		return nil, nil
	}
	out, err := collect(t, `SELECT `+readKeyCols+` FROM reads r JOIN plates p ON p.id = r.plate_id
		WHERE r.camera_id = ANY($1) AND r.captured_at >= $2 AND r.captured_at < $3
		ORDER BY r.captured_at DESC, r.id COLLATE "C" DESC LIMIT $4`,
		[]any{cameraIDs, ms(from), ms(to), limit}, scanReadKey)
	if err != nil {
		return nil, fmt.Errorf("store: window reads: %w", err)
	}
	return out, nil
}

// NearReads answers every window in one query: the windows as arrays,
// each probing reads through the (camera_id, captured_at) index of its own
// day (a LATERAL subquery the planner may not flatten: OFFSET 0). The
// windows' overall span bounds the days planned. Joined as plain tables,
// the planner hashed the windows against every day of reads instead: a
// sequential scan of the whole table (4 s at 10M reads).
func (t *Tx) NearReads(windows []store.CameraWindow) ([][]store.ReadKey, error) {
	out := make([][]store.ReadKey, len(windows))
	if len(windows) == 0 {
		return out, nil
	}
	cams := make([]string, len(windows))
	froms := make([]int64, len(windows))
	tos := make([]int64, len(windows))
	for i, w := range windows {
		cams[i], froms[i], tos[i] = w.CameraID, ms(w.From), ms(w.To)
	}
	first, last := slices.Min(froms), slices.Max(tos)
	type keyed struct {
		i int
		k store.ReadKey
	}
	rows, err := collect(t, `SELECT w.i, `+readKeyCols+`
		FROM unnest($1::text[], $2::bigint[], $3::bigint[]) WITH ORDINALITY AS w(c, f, t, i)
		CROSS JOIN LATERAL (SELECT * FROM reads r WHERE r.camera_id = w.c AND r.captured_at >= w.f AND r.captured_at < w.t
			AND r.captured_at >= $4 AND r.captured_at < $5 OFFSET 0) r
		JOIN plates p ON p.id = r.plate_id
		ORDER BY w.i, r.captured_at DESC, r.id COLLATE "C" DESC`, []any{cams, froms, tos, first, last},
		func(sc scanner) (keyed, error) {
			var k keyed
			var at int64
			var i int64
			err := sc.Scan(&i, &k.k.ID, &k.k.CameraID, &at, &k.k.Plate, &k.k.State, &k.k.CorrectedPlate, &k.k.CorrectedState)
			k.i, k.k.CapturedAt = int(i)-1, fromMS(at)
			return k, err
		})
	if err != nil {
		return nil, fmt.Errorf("store: near reads: %w", err)
	}
	for _, r := range rows {
		out[r.i] = append(out[r.i], r.k)
	}
	return out, nil
}

// ReadsByID returns the reads with these ids, newest first (ties by id,
// descending); purged or unknown ids are left out.
func (t *Tx) ReadsByID(ids []string) ([]api.Read, error) {
	out := []api.Read{}
	if len(ids) == 0 {
		return out, nil
	}
	reads, err := collect(t, `SELECT `+sqlrows.ReadCols+sqlrows.ReadFrom+` JOIN read_keys k ON k.rid = r.rid AND k.captured_at = r.captured_at
		WHERE k.id = ANY($1) ORDER BY r.captured_at DESC, r.id COLLATE "C" DESC`, []any{ids},
		func(sc scanner) (api.Read, error) {
			r, _, err := sqlrows.ScanRead(sc)
			return r, err
		})
	if err != nil {
		return nil, fmt.Errorf("store: reads by id: %w", err)
	}
	return append(out, reads...), nil
}

// InsertAnalysis keeps an analysis and the ids of the reads it returned.
func (t *Tx) InsertAnalysis(a *store.AnalysisRecord) error {
	_, err := t.exec(`INSERT INTO analyses(id, kind, username, created_at, report_number, purpose_category, purpose)
		VALUES ($1,$2,$3,$4,$5,$6,$7)`, a.ID, a.Kind, a.Username, ms(a.CreatedAt), a.Case.ReportNumber,
		a.Case.PurposeCategory, a.Case.Purpose)
	if err != nil {
		return fmt.Errorf("store: insert analysis: %w", err)
	}
	if len(a.ReadIDs) == 0 {
		return nil
	}
	ids := slices.Clone(a.ReadIDs)
	slices.Sort(ids)
	_, err = t.exec(`INSERT INTO analysis_reads(analysis_id, read_id) SELECT $1, unnest($2::text[])`, a.ID, slices.Compact(ids))
	if err != nil {
		return fmt.Errorf("store: insert analysis reads: %w", err)
	}
	return nil
}

// GetAnalysis returns an analysis (without its read ids) or ErrNotFound.
func (t *Tx) GetAnalysis(id string) (*store.AnalysisRecord, error) {
	a := &store.AnalysisRecord{}
	var at int64
	err := t.row(`SELECT id, kind, username, created_at, report_number, purpose_category, purpose
		FROM analyses WHERE id = $1`, id).Scan(&a.ID, &a.Kind, &a.Username, &at, &a.Case.ReportNumber,
		&a.Case.PurposeCategory, &a.Case.Purpose)
	if err != nil {
		return nil, err
	}
	a.CreatedAt = fromMS(at)
	return a, nil
}

// AnalysisReturned reports whether the analysis returned the read.
func (t *Tx) AnalysisReturned(analysisID, readID string) (bool, error) {
	var ok bool
	err := t.row(`SELECT EXISTS(SELECT 1 FROM analysis_reads WHERE analysis_id = $1 AND read_id = $2)`, analysisID, readID).Scan(&ok)
	return ok, err
}
