package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"alprdesk/api/plate"
	"alprdesk/store"
)

// day is one day in milliseconds: the partition width.
const day = int64(24 * time.Hour / time.Millisecond)

// dayStart is the start (ms) of the UTC day holding at (ms).
func dayStart(at int64) int64 {
	if at < 0 {
		return (at - day + 1) / day * day
	}
	return at / day * day
}

// partitionName is the suffix of the partitions of the day starting at lo.
func partitionName(lo int64) string {
	return time.UnixMilli(lo).UTC().Format("d20060102")
}

// metaPurgedBefore is the meta key of the last purge's cut (ms): days
// before it get no partition (their late reads go to the kept partition,
// which the next purge empties).
const metaPurgedBefore = "purged_before_ms"

// ensureDays creates the missing day partitions of reads and photos for the
// capture times ats, each in a short transaction of its own on another
// connection, so that an ingest that fails keeps the partition and nodes
// creating the same day do not block each other for long. A day before the
// last purge gets none, and neither does a day whose partition cannot be
// made now (a lock held elsewhere): its reads go to the kept (default)
// partition, which every query and purge covers too.
//
// wait bounds the making of each day: short (sideWait) for a caller inside
// a transaction, which may hold a pool connection and locks; long
// (freeWait) for one that holds none.
func (s *Storage) ensureDays(ctx context.Context, wait time.Duration, ats ...int64) error {
	var want []int64
	for _, at := range ats {
		lo := dayStart(at)
		if _, ok := s.days.Load(lo); ok || slices.Contains(want, lo) {
			continue
		}
		if until, busy := s.busyDays.Load(lo); busy && time.Now().Before(until.(time.Time)) {
			continue
		}
		want = append(want, lo)
	}
	if len(want) == 0 {
		return nil
	}
	mctx, cancel := context.WithTimeout(ctx, wait)
	purged, err := s.Meta(mctx, metaPurgedBefore)
	cancel()
	if errors.Is(err, context.DeadlineExceeded) {
		return nil
	}
	if err != nil {
		return err
	}
	var cut int64
	fmt.Sscan(purged, &cut)
	for _, lo := range want {
		if lo+day <= cut {
			continue
		}
		dctx, cancel := context.WithTimeout(ctx, wait)
		err := s.createDay(dctx, lo, wait/2)
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// sideWait and freeWait bound the making of a day's partitions (a
// connection, the day's advisory lock, the locks on reads) before its reads
// go to the kept partition instead: sideWait from inside a transaction,
// freeWait from outside any.
const (
	sideWait = 2 * time.Second
	freeWait = 30 * time.Second
)

// busyRetry is how long a day whose partition was locked out is not tried
// again.
const busyRetry = time.Minute

// createDay creates the partitions of the day starting at lo, under an
// advisory lock of that day; a partition that exists already is fine.
func (s *Storage) createDay(ctx context.Context, lo int64, lockWait time.Duration) error {
	name := partitionName(lo)
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, lo); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, fmt.Sprintf(`SET LOCAL lock_timeout = %d`, lockWait.Milliseconds())); err != nil {
			return err
		}
		for _, tab := range []string{"reads", "photos"} {
			q := fmt.Sprintf(`CREATE TABLE IF NOT EXISTS %s_%s PARTITION OF %s FOR VALUES FROM (%d) TO (%d)`, tab, name, tab, lo, lo+day)
			if _, err := tx.Exec(ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	var pe *pgconn.PgError
	switch {
	case err == nil, errors.As(err, &pe) && pe.Code == "23514":
		// Made, or the kept partition holds rows of that day (retained or
		// late reads): the day's reads go there too from now on.
		s.days.Store(lo, true)
		return nil
	case errors.As(err, &pe) && pe.Code == "55P03", errors.Is(err, context.DeadlineExceeded):
		// Locked elsewhere: the day's reads go to the kept partition for now.
		s.busyDays.Store(lo, time.Now().Add(busyRetry))
		return nil
	}
	return fmt.Errorf("store: create partitions of %s: %w", name, classify(err))
}

// plateID returns the dictionary id of a normalised plate, creating it.
func (t *Tx) plateID(p string) (int64, error) {
	if err := t.guardPlates(); err != nil {
		return 0, err
	}
	if id, ok := t.s.plates.Load(p); ok {
		return id.(int64), nil
	}
	if id, ok := t.newPlates[p]; ok {
		return id, nil
	}
	var id int64
	err := t.row(`INSERT INTO plates(plate, canon) VALUES ($1, $2) ON CONFLICT (plate) DO NOTHING RETURNING id`,
		p, plate.Canonical(p)).Scan(&id)
	if errors.Is(err, store.ErrNotFound) {
		// Taken meanwhile (by a transaction that committed while this one
		// waited): a new statement sees it.
		err = t.row(`SELECT id FROM plates WHERE plate = $1`, p).Scan(&id)
	}
	if err != nil {
		return 0, fmt.Errorf("store: plate: %w", err)
	}
	if t.newPlates == nil {
		t.newPlates = map[string]int64{}
	}
	t.newPlates[p] = id
	return id, nil
}

// commitPlates adds a committed transaction's plates to the node's cache,
// unless a purge of plates was seen since the transaction read its ids.
func (t *Tx) commitPlates() {
	if len(t.newPlates) == 0 || t.s.platesGen.Load() != t.platesGen {
		return
	}
	for p, id := range t.newPlates {
		t.s.plates.Store(p, id)
	}
}

// InsertRead stores a read and its photo; dup when the id exists.
func (t *Tx) InsertRead(r *store.ReadRecord) (bool, error) {
	m := &r.Meta
	at := ms(m.CapturedAt)
	if !t.locksReads {
		if err := t.s.ensureDays(t.ctx, sideWait, at); err != nil {
			return false, err
		}
	}
	pid, err := t.plateID(m.Plate)
	if err != nil {
		return false, err
	}
	var rid int64
	err = t.row(`INSERT INTO read_keys(id, rid, captured_at, plate_id) VALUES ($1, nextval('read_rid'), $2, $3)
		ON CONFLICT (id) DO NOTHING RETURNING rid`, m.ID, at, pid).Scan(&rid)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	feats, _ := json.Marshal(nonNil(m.Features))
	_, err = t.exec(`INSERT INTO reads(rid, id, camera_id, captured_at, plate_id, state, confidence, make, color,
		body_type, features, feature_mask, box_x, box_y, box_w, box_h) VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,$13,$14,$15,$16)`,
		rid, m.ID, m.CameraID, at, pid, m.State, m.Confidence, m.Make, m.Color, m.BodyType,
		string(feats), featureMask(m.Features), m.PlateBox.X, m.PlateBox.Y, m.PlateBox.W, m.PlateBox.H)
	if err != nil {
		return false, fmt.Errorf("store: insert read: %w", err)
	}
	if len(r.Photo) > 0 {
		if _, err := t.exec(`INSERT INTO photos(rid, captured_at, jpeg) VALUES ($1, $2, $3)`, rid, at, r.Photo); err != nil {
			return false, fmt.Errorf("store: insert photo: %w", err)
		}
	}
	return false, nil
}

// PurgeReads deletes unretained reads captured before the cut, with their
// photos: whole expired days go by moving their retained reads (and photos)
// to the kept partitions and dropping the day's partitions; the day the cut
// falls in, and late reads of purged days in the kept partition, are
// deleted row by row. No live day is scanned.
func (t *Tx) PurgeReads(before time.Time) (int, error) {
	cut := ms(before)
	days, err := t.expiredDays(cut)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, lo := range days {
		k, err := t.dropDay(lo)
		if err != nil {
			return n, err
		}
		n += k
	}
	k, err := t.deleteBefore(cut)
	if err != nil {
		return n, err
	}
	if _, err := t.exec(`INSERT INTO meta(key, value) VALUES ($1, $2)
		ON CONFLICT(key) DO UPDATE SET value = greatest(meta.value::bigint, excluded.value::bigint)::text`,
		metaPurgedBefore, fmt.Sprint(dayStart(cut))); err != nil {
		return n, err
	}
	t.purgedReads = true
	return n + k, nil
}

// expiredDays lists the day partitions of reads that end at or before cut.
func (t *Tx) expiredDays(cut int64) ([]int64, error) {
	names, err := collect(t, `SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
		WHERE i.inhparent = 'reads'::regclass AND c.relname LIKE 'reads\_d%'`, nil, func(sc scanner) (string, error) {
		var s string
		return s, sc.Scan(&s)
	})
	if err != nil {
		return nil, err
	}
	var out []int64
	for _, name := range names {
		d, err := time.Parse("d20060102", name[len("reads_"):])
		if err != nil {
			continue
		}
		if lo := d.UnixMilli(); lo+day <= cut {
			out = append(out, lo)
		}
	}
	slices.Sort(out)
	return out, nil
}

// dropDay detaches the partitions of one expired day, moves its retained
// reads and their photos into the kept partitions, forgets the other reads'
// ids and drops the partitions. It returns how many reads went.
func (t *Tx) dropDay(lo int64) (int, error) {
	name := partitionName(lo)
	rp, pp := "reads_"+name, "photos_"+name
	for _, q := range []string{
		`ALTER TABLE reads DETACH PARTITION ` + rp,
		`ALTER TABLE photos DETACH PARTITION ` + pp,
		`INSERT INTO reads SELECT * FROM ` + rp + ` WHERE retained`,
		`INSERT INTO photos SELECT ph.* FROM ` + pp + ` ph JOIN ` + rp + ` r ON r.captured_at = ph.captured_at AND r.rid = ph.rid WHERE r.retained`,
	} {
		if _, err := t.exec(q); err != nil {
			return 0, fmt.Errorf("store: purge day %s: %w", name, err)
		}
	}
	tag, err := t.exec(`DELETE FROM read_keys k USING `+rp+` r WHERE k.captured_at >= $1 AND k.captured_at < $2
		AND k.id = r.id AND NOT r.retained`, lo, lo+day)
	if err != nil {
		return 0, err
	}
	for _, tab := range []string{rp, pp} {
		if _, err := t.exec(`DROP TABLE ` + tab); err != nil {
			return 0, err
		}
	}
	t.s.days.Delete(lo)
	return int(tag.RowsAffected()), nil
}

// deleteBefore deletes the unretained reads before cut that are left: in
// the day the cut falls in and in the kept partition.
func (t *Tx) deleteBefore(cut int64) (int, error) {
	if _, err := t.exec(`DELETE FROM photos ph USING reads r WHERE r.captured_at < $1 AND NOT r.retained
		AND ph.captured_at = r.captured_at AND ph.rid = r.rid AND ph.captured_at < $1`, cut); err != nil {
		return 0, err
	}
	if _, err := t.exec(`DELETE FROM read_keys k USING reads r WHERE r.captured_at < $1 AND NOT r.retained
		AND k.id = r.id AND k.captured_at < $1`, cut); err != nil {
		return 0, err
	}
	tag, err := t.exec(`DELETE FROM reads WHERE captured_at < $1 AND NOT retained`, cut)
	if err != nil {
		return 0, err
	}
	return int(tag.RowsAffected()), nil
}

// ShiftReadTimes adds d to every read's capture time (a cached demo world
// moved to a new start), creating the partitions the reads move into.
func (s *Storage) ShiftReadTimes(ctx context.Context, d time.Duration) error {
	delta := d.Milliseconds()
	var lo, hi *int64
	if err := s.pool.QueryRow(ctx, `SELECT min(captured_at), max(captured_at) FROM read_keys`).Scan(&lo, &hi); err != nil {
		return classify(err)
	}
	if lo == nil {
		return nil
	}
	var ats []int64
	for at := dayStart(*lo + delta); at <= *hi+delta; at += day {
		ats = append(ats, at)
	}
	if err := s.ensureDays(ctx, freeWait, ats...); err != nil {
		return err
	}
	return classify(pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			`UPDATE reads SET captured_at = captured_at + $1`,
			`UPDATE photos SET captured_at = captured_at + $1`,
			`UPDATE read_keys SET captured_at = captured_at + $1`,
		} {
			if _, err := tx.Exec(ctx, q, delta); err != nil {
				return err
			}
		}
		return nil
	}))
}

// eventPlates tells every node that dictionary plates were purged: each
// empties its plate cache (Listen) without waiting for its next ingest to
// notice the new purge generation (guardPlates).
const eventPlates = "plates"

// metaPlatesGen is the meta key of the dictionary's purge generation: each
// purge that deletes plates moves it on.
const metaPlatesGen = "plates_generation"

// guardPlates makes the plate ids a writing transaction uses safe from the
// purge of orphan plates, the one deletion of dictionary ids. It takes the
// plates lock shared (the purge takes it alone, so it waits for this
// transaction, and cannot delete a plate between this transaction's
// reading its id and the commit of the read that names it), then, the lock
// held, reads the purge generation: if a purge deleted plates since the
// node's cache was filled, the cache is emptied (that purge's notification
// may not have reached this node yet, and its cached ids may be gone).
// Both statements go in one round trip, each with its own snapshot.
func (t *Tx) guardPlates() error {
	if t.platesGuarded {
		return nil
	}
	var gen int64
	b := t.batch()
	b.Queue(`SELECT pg_advisory_xact_lock_shared($1)`, int64(lockPlates))
	b.Queue(`SELECT coalesce((SELECT value::bigint FROM meta WHERE key = $1), 0)`, metaPlatesGen).QueryRow(func(r pgx.Row) error {
		return r.Scan(&gen)
	})
	if err := t.sendBatch(b); err != nil {
		return err
	}
	if t.s.platesGen.Swap(gen) != gen {
		t.s.plates.Clear()
	}
	t.platesGuarded, t.platesGen = true, gen
	return nil
}

// purgeOrphanPlates deletes the dictionary plates no read names any more
// (as read or as verified text), so a purged read's plate leaves no trace
// in the dictionary (docs/POLICY.md). It runs in a transaction of its own
// after the purge of reads committed, holding the plates lock alone: it
// waits for the writing transactions that hold ids (guardPlates) and sees
// their reads, and those that start meanwhile wait for it. It moves the
// purge generation on and tells the other nodes (eventPlates); this node's
// cache is emptied at once.
func (s *Storage) purgeOrphanPlates(ctx context.Context) error {
	var deleted int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(lockPlates)); err != nil {
			return err
		}
		tag, err := tx.Exec(ctx, `DELETE FROM plates p WHERE NOT EXISTS (SELECT 1 FROM read_keys k WHERE k.plate_id = p.id)
			AND NOT EXISTS (SELECT 1 FROM read_keys k WHERE k.v_plate_id = p.id)`)
		if err != nil || tag.RowsAffected() == 0 {
			return err
		}
		deleted = tag.RowsAffected()
		if _, err := tx.Exec(ctx, `INSERT INTO meta(key, value) VALUES ($1, '1')
			ON CONFLICT(key) DO UPDATE SET value = (meta.value::bigint + 1)::text`, metaPlatesGen); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, `SELECT pg_notify($1, $2)`, eventChannel, eventPlates)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: purge orphan plates (the reads are purged; the next purge retries): %w", classify(err))
	}
	if deleted > 0 {
		s.plates.Clear()
		s.dict.invalidate()
	}
	return nil
}
