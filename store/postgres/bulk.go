package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"slices"
	"sync"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"alprdesk/api/plate"
	"alprdesk/store"
)

// bulkChunk is the reads of one bulk transaction.
const bulkChunk = 20000

// pendingListMigration gives the trigram indexes of the plate dictionary a
// pending list again (trigramMigration had turned it off): a plate added
// with fastupdate off pays its trigrams' GIN insertions one by one, about
// three quarters of a bulk chunk's time when one read in five is of a new
// plate (4,000 new plates: 0.76-0.90 s against 0.10-0.27 s appended to
// the list and merged in bulk, on the loaded 2-core machine). The list
// stays short for searches, which read through it: this program's
// sessions run with gin_pending_list_limit at its minimum (pendingListLimit,
// set by Open), so a read stored alone leaves at most 64 kB of it (the
// inserter that passes the limit merges it; a wildcard lookup through a
// full list took 0.18 to 0.28 ms against 0.18 ms through an empty one); a
// bulk chunk lets its new plates pile up (bulkPendingList) and merges them
// itself before it commits (cleanPendingLists). A connection pooler that
// refuses unknown start-up parameters (PgBouncer) needs
// gin_pending_list_limit in its ignore_startup_parameters, and then the
// limit set on the database instead (ALTER DATABASE … SET
// gin_pending_list_limit = '64kB').
const pendingListMigration = `ALTER INDEX plates_trgm SET (fastupdate = on);
ALTER INDEX plates_canon_trgm SET (fastupdate = on);`

// pendingListLimit is the GIN pending list limit of this program's
// sessions (the smallest PostgreSQL takes), unless the URL sets one.
const pendingListLimit = "64kB"

// bulkPendingList is the pending list limit inside a bulk chunk, above
// what a chunk's new plates add: they are merged once, at the chunk's end.
const bulkPendingList = "64MB"

// cleanPendingLists merges the trigram index's pending list into the
// index, if the session's user may clean it (its owner, as for VACUUM);
// another user's chunk leaves its plates to the next merge. (There were
// two trigram indexes before canonTrigramMigration.)
const cleanPendingLists = `SELECT gin_clean_pending_list('plates_trgm'::regclass)
	WHERE pg_has_role((SELECT relowner FROM pg_class WHERE oid = 'plates_trgm'::regclass), 'USAGE')`

// bulkRead is one put read of a bulk load, with the numbers the chunk
// gives it (its plate's dictionary id, its rid).
type bulkRead struct {
	id, camera, plate, state, make, color, body, features string
	at, mask                                              int64
	confidence                                            float64
	box                                                   [4]int32
	jpeg                                                  []byte
	plateID, rid                                          int64
}

// newBulkRead takes what a chunk stores of a read record.
func newBulkRead(r *store.ReadRecord) bulkRead {
	m := &r.Meta
	feats, _ := json.Marshal(nonNil(m.Features))
	return bulkRead{id: m.ID, camera: m.CameraID, plate: m.Plate, state: m.State, make: m.Make, color: m.Color,
		body: m.BodyType, features: string(feats), at: ms(m.CapturedAt), mask: featureMask(m.Features),
		confidence: m.Confidence, box: [4]int32{int32(m.PlateBox.X), int32(m.PlateBox.Y), int32(m.PlateBox.W), int32(m.PlateBox.H)},
		jpeg: r.Photo}
}

// BulkInsertReads loads the reads produce puts in transactions of
// bulkChunk reads, three stages at once (bulkLoad): while produce fills
// the next chunk, the chunk before resolves its plates and stores its read
// ids, and the one before that copies its reads and photos and commits. It
// returns how many reads were committed: always the first reads put (a
// chunk commits only after the chunks before it did).
func (s *Storage) BulkInsertReads(ctx context.Context, produce func(put func(*store.ReadRecord) error) error) (int, error) {
	l := startBulkLoad(ctx, s)
	chunk := make([]bulkRead, 0, bulkChunk)
	err := produce(func(r *store.ReadRecord) error {
		chunk = append(chunk, newBulkRead(r))
		if len(chunk) < bulkChunk {
			return nil
		}
		err := l.add(chunk)
		chunk = make([]bulkRead, 0, bulkChunk)
		return err
	})
	if err == nil && len(chunk) > 0 {
		err = l.add(chunk)
	}
	return l.finish(err)
}

// bulkLoad runs the chunks of one bulk load in put order, each in a
// transaction of its own: the first reads of ids not stored yet, numbered
// (rid) in put order, with their photos. A pipeline of two goroutines
// beside the producer: the keys stage (keysStage) stores a chunk's read
// ids (keysChunk) only once the previous chunk's are in, so that the first
// of a duplicate id wins across chunks too, then hands the open
// transaction to the rows stage (rowsStage), which copies the chunk's
// reads and commits, in order, while the keys stage goes on with the next
// chunk. At most two of the load's transactions are open at once.
type bulkLoad struct {
	s   *Storage
	ctx context.Context
	// in carries the producer's chunks to the keys stage; staged carries
	// the keys stage's open transactions to the rows stage.
	in     chan []bulkRead
	staged chan stagedChunk
	// open counts the chunks handed to the rows stage and not yet
	// committed or rolled back.
	open sync.WaitGroup
	// failed is closed at the load's first error, err.
	failed   chan struct{}
	failOnce sync.Once
	err      error
	// plates are the plate ids the keys stage's last chunk resolved (nil
	// before the first); only the keys stage uses them.
	plates *chunkPlates
	// done is closed when the rows stage has ended; n is then the reads
	// committed.
	done chan struct{}
	n    int
}

// stagedChunk is a chunk whose read ids are stored in tx, not committed:
// rows are the reads to copy.
type stagedChunk struct {
	tx   pgx.Tx
	rows []bulkRead
}

// startBulkLoad starts the keys and rows stages of a bulk load.
func startBulkLoad(ctx context.Context, s *Storage) *bulkLoad {
	l := &bulkLoad{s: s, ctx: ctx, in: make(chan []bulkRead), staged: make(chan stagedChunk),
		failed: make(chan struct{}), done: make(chan struct{})}
	go l.keysStage()
	go l.rowsStage()
	return l
}

// add hands a chunk to the keys stage (the chunk is the load's from then
// on), or returns the load's error once it failed.
func (l *bulkLoad) add(rows []bulkRead) error {
	select {
	case l.in <- rows:
		return nil
	case <-l.failed:
		return l.err
	}
}

// fail records the load's first error and stops the stages' further work.
func (l *bulkLoad) fail(err error) {
	l.failOnce.Do(func() {
		l.err = err
		close(l.failed)
	})
}

// keysStage stores each chunk's read ids, in put order, and hands the
// chunk's open transaction to the rows stage.
func (l *bulkLoad) keysStage() {
	defer close(l.staged)
	for rows := range l.in {
		select {
		case <-l.failed:
			return
		default:
		}
		tx, kept, err := l.keys(rows)
		if err != nil {
			l.fail(err)
			return
		}
		if tx == nil {
			continue
		}
		l.open.Add(1)
		select {
		case l.staged <- stagedChunk{tx, kept}:
		case <-l.failed:
			tx.Rollback(l.ctx)
			l.open.Done()
			return
		}
	}
}

// keys makes the chunk's days' partitions if needed and stores its read
// ids (keysChunk).
func (l *bulkLoad) keys(rows []bulkRead) (pgx.Tx, []bulkRead, error) {
	ats := make([]int64, len(rows))
	for i := range rows {
		ats[i] = rows[i].at
	}
	if l.s.newDays(ats) {
		// Making a day's partitions waits for the transactions writing
		// reads, this load's chunks in the rows stage among them (for a
		// while, then the day's reads go to the kept partition): those
		// commit first.
		l.open.Wait()
		if err := l.s.ensureDays(l.ctx, freeWait, ats...); err != nil {
			return nil, nil, err
		}
	}
	tx, kept, plates, err := l.s.keysChunk(l.ctx, rows, l.plates)
	if plates != nil {
		l.plates = plates
	}
	return tx, kept, err
}

// chunkPlates are the plate ids a chunk resolved, for the next chunk of the
// load: a plate the chunk before added is taken from here rather than
// inserted again, which would wait for that chunk's commit (half the chunks
// of the benchmark did, a third of the time, with the stages idle in
// turn), and a plate it looked up is not looked up again. The ids are
// valid for the next chunk when no purge of plates (the only deletion of
// plates) ran between: the chunk read gen, the plates' purge generation,
// holding the plates lock, and the next chunk compares it with the one it
// reads holding the lock. A plate added by a chunk that then rolls back
// is used only by later chunks, which roll back too (rowsStage).
type chunkPlates struct {
	gen int64
	ids map[string]int64
}

// rowsStage copies each staged chunk's reads and commits it, in put
// order. Once a chunk failed here it rolls the later ones back, so the
// reads committed are always the first put; a chunk staged before an error
// of the keys stage or of the producer (both about later reads) commits.
func (l *bulkLoad) rowsStage() {
	defer close(l.done)
	failed := false
	for c := range l.staged {
		if failed {
			c.tx.Rollback(l.ctx)
		} else if err := l.s.rowsChunk(l.ctx, c.tx, c.rows); err != nil {
			failed = true
			l.fail(err)
		} else {
			l.n += len(c.rows)
		}
		l.open.Done()
	}
}

// finish ends the load: the chunks handed over are committed (unless the
// load failed), and it returns how many reads were committed, with err or
// else the load's first error.
func (l *bulkLoad) finish(err error) (int, error) {
	close(l.in)
	<-l.done
	select {
	case <-l.failed:
		if err == nil {
			err = l.err
		}
	default:
	}
	return l.n, err
}

// keysChunk opens a chunk's transaction and stores its read ids (copyKeys)
// there; it returns the transaction, the reads to store and the plate ids
// it resolved, or no transaction when every read was stored already. prev
// are the plate ids of the load's chunk before (nil for none). The chunk's plates and
// ids are resolved in a few set-wide statements and the ids go in with
// COPY, first without looking for stored ids (keysCopy): new ids, the
// usual case, cost no look-up. An id stored already (a read sent again),
// or stored by another transaction meanwhile (the previous chunk of the
// load, or a load on another node), makes the COPY fail on read_keys'
// primary key: the chunk then runs again in a new transaction that leaves
// out the stored ids first (keysLookUp), and if the COPY still fails (an
// id stored after the look-up), once more inserting the ids with ON
// CONFLICT DO NOTHING (keysRacing), so the id stored first keeps its read
// and the rest of the chunk goes in.
func (s *Storage) keysChunk(ctx context.Context, rows []bulkRead, prev *chunkPlates) (pgx.Tx, []bulkRead, *chunkPlates, error) {
	for try := keysCopy; ; try++ {
		tx, err := s.pool.Begin(ctx)
		if err != nil {
			return nil, nil, nil, classify(err)
		}
		kept, plates, err := copyKeys(ctx, tx, rows, try, prev)
		if err == nil && len(kept) > 0 {
			return tx, kept, plates, nil
		}
		tx.Rollback(ctx)
		if err == nil {
			return nil, nil, nil, nil
		}
		if try == keysRacing || !idTaken(err) {
			return nil, nil, nil, classify(err)
		}
	}
}

// keysTry is how a chunk stores its read ids, each try after a failed one.
type keysTry int

const (
	// keysCopy copies the ids, without a look-up.
	keysCopy keysTry = iota
	// keysLookUp leaves out the ids stored already, then copies the rest.
	keysLookUp
	// keysRacing leaves out the ids stored already, then inserts the rest
	// with ON CONFLICT DO NOTHING, keeping the reads whose id went in.
	keysRacing
)

// newDays reports whether some of the capture times ats fall on a day this
// node has not made (or found) the partitions of.
func (s *Storage) newDays(ats []int64) bool {
	for _, at := range ats {
		if _, ok := s.days.Load(dayStart(at)); !ok {
			return true
		}
	}
	return false
}

// idTaken reports a unique violation of read_keys' primary key: a read id
// stored by another transaction meanwhile.
func idTaken(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505" && pe.ConstraintName == "read_keys_pkey"
}

// copyKeys stores a chunk's read ids in tx, with their plates, the way
// try says, and returns the reads to store: the first of each id (not
// stored yet, after a look-up), each with its plate id and rid; and the
// plate ids it resolved, taking those of prev while valid (chunkPlates).
func copyKeys(ctx context.Context, tx pgx.Tx, rows []bulkRead, try keysTry, prev *chunkPlates) ([]bulkRead, *chunkPlates, error) {
	rows = firstOfEachID(rows)
	// The plates lock, shared: the purge of orphan plates waits for this
	// chunk's reads (guardPlates). The ids come from the dictionary itself
	// here, not from the node's cache.
	var stored []string
	plates := &chunkPlates{}
	b := &pgx.Batch{}
	b.Queue(`SELECT pg_advisory_xact_lock_shared($1)`, int64(lockPlates))
	b.Queue(`SELECT coalesce((SELECT value::bigint FROM meta WHERE key = $1), 0)`, metaPlatesGen).QueryRow(func(r pgx.Row) error {
		return r.Scan(&plates.gen)
	})
	b.Queue(`SELECT set_config('gin_pending_list_limit', $1, true)`, bulkPendingList)
	if try >= keysLookUp {
		ids := make([]string, len(rows))
		for i := range rows {
			ids[i] = rows[i].id
		}
		b.Queue(`SELECT id FROM read_keys WHERE id = ANY($1)`, ids).Query(func(rs pgx.Rows) error {
			var err error
			stored, err = pgx.CollectRows(rs, pgx.RowTo[string])
			return err
		})
	}
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return nil, nil, err
	}
	rows = withoutIDs(rows, stored)
	if len(rows) == 0 {
		return nil, nil, nil
	}
	var known map[string]int64
	if prev != nil && prev.gen == plates.gen {
		known = prev.ids
	}
	var err error
	if plates.ids, err = numberChunk(ctx, tx, rows, known); err != nil {
		return nil, nil, err
	}
	if try == keysRacing {
		rows, err = insertKeys(ctx, tx, rows)
		return rows, plates, err
	}
	_, err = tx.CopyFrom(ctx, pgx.Identifier{"read_keys"}, []string{"id", "rid", "captured_at", "plate_id"},
		copyRows(rows, func(r *bulkRead) []any { return []any{r.id, r.rid, r.at, r.plateID} }))
	return rows, plates, err
}

// rowsChunk copies a chunk's reads and photos in its transaction (whose
// read ids are in), merges the trigram index's pending list (the chunk's
// new plates among them) and commits; on error it rolls back. The merge is
// here rather than in the keys stage, beside the plates it merges, to even
// out the two stages: with it, the keys stage took twice the rows stage's
// time, and the load goes at the pace of the slower one.
func (s *Storage) rowsChunk(ctx context.Context, tx pgx.Tx, rows []bulkRead) error {
	err := copyReads(ctx, tx, rows)
	if err == nil {
		_, err = tx.Exec(ctx, cleanPendingLists)
	}
	if err == nil {
		err = tx.Commit(ctx)
	}
	if err != nil {
		tx.Rollback(ctx)
	}
	return classify(err)
}

// copyReads copies reads and their photos.
func copyReads(ctx context.Context, tx pgx.Tx, rows []bulkRead) error {
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"reads"}, readCopyCols, copyRows(rows, readCopyRow)); err != nil {
		return err
	}
	var photos []bulkRead
	for _, r := range rows {
		if len(r.jpeg) > 0 {
			photos = append(photos, r)
		}
	}
	if len(photos) == 0 {
		return nil
	}
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"photos"}, []string{"rid", "captured_at", "jpeg"},
		copyRows(photos, func(r *bulkRead) []any { return []any{r.rid, r.at, r.jpeg} }))
	return err
}

// readCopyCols are the columns of reads a chunk copies, in readCopyRow's
// order.
var readCopyCols = []string{"rid", "id", "camera_id", "captured_at", "plate_id", "state", "confidence", "make", "color",
	"body_type", "features", "feature_mask", "box_x", "box_y", "box_w", "box_h"}

// readCopyRow is r's row of reads, in readCopyCols' order.
func readCopyRow(r *bulkRead) []any {
	return []any{r.rid, r.id, r.camera, r.at, r.plateID, r.state, r.confidence, r.make, r.color,
		r.body, r.features, r.mask, r.box[0], r.box[1], r.box[2], r.box[3]}
}

// copyRows is the COPY source of rows, one row each.
func copyRows(rows []bulkRead, row func(*bulkRead) []any) pgx.CopyFromSource {
	i := 0
	return pgx.CopyFromFunc(func() ([]any, error) {
		if i == len(rows) {
			return nil, nil
		}
		i++
		return row(&rows[i-1]), nil
	})
}

// firstOfEachID keeps the first read of each id, in put order.
func firstOfEachID(rows []bulkRead) []bulkRead {
	seen := make(map[string]struct{}, len(rows))
	out := make([]bulkRead, 0, len(rows))
	for _, r := range rows {
		if _, dup := seen[r.id]; !dup {
			seen[r.id] = struct{}{}
			out = append(out, r)
		}
	}
	return out
}

// withoutIDs drops the reads whose id is in ids, in place.
func withoutIDs(rows []bulkRead, ids []string) []bulkRead {
	if len(ids) == 0 {
		return rows
	}
	drop := make(map[string]struct{}, len(ids))
	for _, id := range ids {
		drop[id] = struct{}{}
	}
	return slices.DeleteFunc(rows, func(r bulkRead) bool {
		_, ok := drop[r.id]
		return ok
	})
}

// numberChunk gives each read its plate's dictionary id (adding the new
// plates, in put order; known ids taken as they are) and a rid from
// read_rid, increasing in put order. It returns the chunk's plate ids.
func numberChunk(ctx context.Context, tx pgx.Tx, rows []bulkRead, known map[string]int64) (map[string]int64, error) {
	pids, err := plateIDs(ctx, tx, rows, known)
	if err != nil {
		return nil, err
	}
	rs, err := tx.Query(ctx, `SELECT nextval('read_rid') FROM generate_series(1, $1::integer)`, len(rows))
	if err != nil {
		return nil, err
	}
	rids, err := pgx.CollectRows(rs, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	slices.Sort(rids)
	for i := range rows {
		rows[i].plateID, rows[i].rid = pids[rows[i].plate], rids[i]
	}
	return pids, nil
}

// plateIDs returns the dictionary ids of the chunk's plates: those in
// known (the chunk before's, chunkPlates) without a look-up, the others
// looked up, adding the missing ones in put order. A plate another transaction added meanwhile
// (its insert skipped on conflict) is read again, by a new statement that
// sees that transaction's commit.
func plateIDs(ctx context.Context, tx pgx.Tx, rows []bulkRead, known map[string]int64) (map[string]int64, error) {
	var plates []string
	ids := map[string]int64{}
	seen := map[string]bool{}
	for _, r := range rows {
		if seen[r.plate] {
			continue
		}
		seen[r.plate] = true
		if id, ok := known[r.plate]; ok {
			ids[r.plate] = id
		} else {
			plates = append(plates, r.plate)
		}
	}
	if len(plates) == 0 {
		return ids, nil
	}
	lookup := func(q string, args ...any) error {
		rs, err := tx.Query(ctx, q, args...)
		if err != nil {
			return err
		}
		var id int64
		var p string
		_, err = pgx.ForEachRow(rs, []any{&id, &p}, func() error {
			ids[p] = id
			return nil
		})
		return err
	}
	if err := lookup(`SELECT id, plate FROM plates WHERE plate = ANY($1)`, plates); err != nil {
		return nil, err
	}
	missing := func() []string {
		return slices.DeleteFunc(plates, func(p string) bool { _, ok := ids[p]; return ok })
	}
	if plates = missing(); len(plates) == 0 {
		return ids, nil
	}
	canons := make([]string, len(plates))
	for i, p := range plates {
		canons[i] = plate.Canonical(p)
	}
	if err := lookup(`INSERT INTO plates(plate, canon) SELECT * FROM unnest($1::text[], $2::text[])
		ON CONFLICT (plate) DO NOTHING RETURNING id, plate`, plates, canons); err != nil {
		return nil, err
	}
	if plates = missing(); len(plates) > 0 {
		if err := lookup(`SELECT id, plate FROM plates WHERE plate = ANY($1)`, plates); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// insertKeys inserts the chunk's read ids, skipping those stored
// meanwhile (the first stored keeps its id), and returns the reads whose
// id went in.
func insertKeys(ctx context.Context, tx pgx.Tx, rows []bulkRead) ([]bulkRead, error) {
	ids, rids, ats, pids := make([]string, len(rows)), make([]int64, len(rows)), make([]int64, len(rows)), make([]int64, len(rows))
	for i, r := range rows {
		ids[i], rids[i], ats[i], pids[i] = r.id, r.rid, r.at, r.plateID
	}
	rs, err := tx.Query(ctx, `INSERT INTO read_keys(id, rid, captured_at, plate_id)
		SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[], $4::bigint[])
		ON CONFLICT (id) DO NOTHING RETURNING rid`, ids, rids, ats, pids)
	if err != nil {
		return nil, err
	}
	in, err := pgx.CollectRows(rs, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	slices.Sort(in)
	return slices.DeleteFunc(rows, func(r bulkRead) bool {
		_, found := slices.BinarySearch(in, r.rid)
		return !found
	}), nil
}
