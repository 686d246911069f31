package postgres

import (
	"context"
	"encoding/json"

	"github.com/jackc/pgx/v5"

	"alprdesk/api/plate"
	"alprdesk/store"
)

// bulkChunk is the reads of one bulk transaction.
const bulkChunk = 20000

// stageCols are the columns of the bulk staging table, in COPY order.
var stageCols = []string{"ord", "id", "camera_id", "captured_at", "plate", "canon", "state", "confidence", "make", "color",
	"body_type", "features", "feature_mask", "box_x", "box_y", "box_w", "box_h", "jpeg"}

// BulkInsertReads loads the reads produce puts in transactions of
// bulkChunk reads: each chunk is copied (COPY) into a temporary table, and
// set-based statements add the new plates, the read ids (skipping
// duplicates, the first of an id winning), the reads and their photos, in
// the order they were put. It returns how many reads were committed.
func (s *Storage) BulkInsertReads(ctx context.Context, produce func(put func(*store.ReadRecord) error) error) (int, error) {
	n := 0
	var chunk [][]any
	flush := func() error {
		k, err := s.bulkChunk(ctx, chunk)
		n += k
		chunk = chunk[:0]
		return err
	}
	err := produce(func(r *store.ReadRecord) error {
		m := &r.Meta
		feats, _ := json.Marshal(nonNil(m.Features))
		chunk = append(chunk, []any{int64(len(chunk)), m.ID, m.CameraID, ms(m.CapturedAt), m.Plate, plate.Canonical(m.Plate),
			m.State, m.Confidence, m.Make, m.Color, m.BodyType, string(feats), featureMask(m.Features),
			int32(m.PlateBox.X), int32(m.PlateBox.Y), int32(m.PlateBox.W), int32(m.PlateBox.H), photoOrNil(r.Photo)})
		if len(chunk) == bulkChunk {
			return flush()
		}
		return nil
	})
	if err != nil {
		return n, err
	}
	if len(chunk) > 0 {
		err = flush()
	}
	return n, err
}

func photoOrNil(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}

// bulkChunk commits one chunk and returns how many reads it added.
func (s *Storage) bulkChunk(ctx context.Context, rows [][]any) (int, error) {
	ats := make([]int64, len(rows))
	for i, r := range rows {
		ats[i] = r[3].(int64)
	}
	if err := s.ensureDays(ctx, freeWait, ats...); err != nil {
		return 0, err
	}
	var added int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The plates lock, shared: the purge of orphan plates waits for
		// this chunk's reads (guardPlates). The ids come from the
		// dictionary itself here, not from the node's cache.
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock_shared($1)`, int64(lockPlates)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `CREATE TEMP TABLE bulk_stage(ord bigint, id text, camera_id text, captured_at bigint,
			plate text, canon text, state text, confidence double precision, make text, color text, body_type text,
			features text, feature_mask bigint, box_x integer, box_y integer, box_w integer, box_h integer, jpeg bytea)
			ON COMMIT DROP`); err != nil {
			return err
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{"bulk_stage"}, stageCols, pgx.CopyFromRows(rows)); err != nil {
			return err
		}
		for _, q := range []string{
			`INSERT INTO plates(plate, canon) SELECT plate, min(canon) FROM bulk_stage GROUP BY plate ORDER BY min(ord) ON CONFLICT (plate) DO NOTHING`,
			// The first of each id not stored yet, numbered in put order.
			`CREATE TEMP TABLE bulk_new ON COMMIT DROP AS
				SELECT nextval('read_rid') AS rid, f.* FROM (
					SELECT DISTINCT ON (s.id) s.* FROM bulk_stage s
					WHERE NOT EXISTS (SELECT 1 FROM read_keys k WHERE k.id = s.id)
					ORDER BY s.id, s.ord) f
				ORDER BY f.ord`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, `INSERT INTO read_keys(id, rid, captured_at, plate_id)
			SELECT b.id, b.rid, b.captured_at, p.id FROM bulk_new b JOIN plates p ON p.plate = b.plate ORDER BY b.ord`)
		if err != nil {
			return err
		}
		added = tag.RowsAffected()
		for _, q := range []string{
			`INSERT INTO reads(rid, id, camera_id, captured_at, plate_id, state, confidence, make, color, body_type,
				features, feature_mask, box_x, box_y, box_w, box_h)
				SELECT b.rid, b.id, b.camera_id, b.captured_at, p.id, b.state, b.confidence, b.make, b.color, b.body_type,
				b.features, b.feature_mask, b.box_x, b.box_y, b.box_w, b.box_h
				FROM bulk_new b JOIN plates p ON p.plate = b.plate ORDER BY b.ord`,
			`INSERT INTO photos(rid, captured_at, jpeg) SELECT rid, captured_at, jpeg FROM bulk_new WHERE jpeg IS NOT NULL`,
		} {
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, classify(err)
	}
	return int(added), nil
}
