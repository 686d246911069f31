package postgres_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/store"
	"alprdesk/store/postgres"
	"alprdesk/store/postgres/pgtest"
)

// coveringIndexes are the indexes a plate search's count and page may read
// read_keys through (migration 12).
var coveringIndexes = map[string]bool{"read_keys_plate_cover": true, "read_keys_vplate_cover": true}

// TestPlateSearchIndexOnly: once read_keys is vacuumed, a plate search
// without conditions on reads (an exact plate, a wildcard with a run of
// three, the next page of one) counts and cuts its page through index-only
// scans of the covering indexes, with no fetch from read_keys' table and
// no other scan of it, in the generic plans the searches run with.
func TestPlateSearchIndexOnly(t *testing.T) {
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	plates := loadPlanWorld(t, st)
	// Vacuumed with no transaction of the storage open (one could keep
	// the newest rows from being marked visible to all), and after a
	// synchronous commit that wrote to the log: the test cluster commits
	// asynchronously, and VACUUM cannot mark a row visible to all (nor
	// set its hint bit) until the log holding its commit is flushed.
	st.Close()
	execSQL(t, dsn, `SET synchronous_commit = on; CREATE TEMP TABLE flush_log()`)
	execSQL(t, dsn, `VACUUM (ANALYZE) read_keys`)
	if st, err = postgres.Open(ctx, dsn); err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := plates[7]
	after := &store.Keyset{At: time.Now().UnixMilli(), ID: "zz"}
	for _, c := range []struct {
		name string
		q    store.ReadQuery
	}{
		{"exact", store.ReadQuery{Pattern: parsePattern(t, p)}},
		{"wildcard_run3", store.ReadQuery{Pattern: parsePattern(t, "*"+p[1:4]+"*")}},
		{"wildcard_run3_next_page", store.ReadQuery{Pattern: parsePattern(t, "*"+p[1:4]+"*"), After: after}},
		{"fuzzy", store.ReadQuery{Pattern: parsePattern(t, p), Fuzzy: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			c.q.Limit, c.q.CountCap = 100, 10000
			countSQL, countArgs, pageSQL, pageArgs, err := postgres.SearchSQL(ctx, st, &c.q)
			if err != nil {
				t.Fatal(err)
			}
			if countSQL == "" || pageSQL == "" {
				t.Fatalf("no statements for %s", c.q.Pattern)
			}
			checkIndexOnly(t, "count", genericPlan(t, dsn, countSQL, countArgs))
			checkIndexOnly(t, "page", genericPlan(t, dsn, pageSQL, pageArgs))
		})
	}
}

// TestFuzzyPatternIndexes: a fuzzy pattern's plate look-up is answered by
// an index, with no second trigram index over the canonical plates
// (migration 13): a run of three known characters by the plates' own
// trigram index through the look-alike regular expression, a known prefix
// by either that or the canonical B-tree, a run of three above a horizon
// by the primary key.
func TestFuzzyPatternIndexes(t *testing.T) {
	dsn := pgtest.DSN(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	plates := loadPlanWorld(t, st)
	execSQL(t, dsn, `ANALYZE plates`)
	var canonTrgm bool
	execQueryRow(t, dsn, `SELECT to_regclass('plates_canon_trgm') IS NOT NULL`, &canonTrgm)
	if canonTrgm {
		t.Fatal("plates_canon_trgm still exists after migration 13")
	}
	p := plates[11]
	for _, c := range []struct {
		pattern string
		after   int64
		indexes []string
	}{
		{"*" + p[1:4] + "*", 0, []string{"plates_trgm"}},
		{p[:4] + "*", 0, []string{"plates_canon", "plates_trgm"}},
		{"*" + p[1:4] + "*", 2990, []string{"plates_pkey"}},
	} {
		q, args := postgres.PlatesLikeSQL(parsePattern(t, c.pattern), true, c.after)
		nodes := customPlan(t, dsn, q, args)
		used := ""
		for _, n := range nodes {
			if n.IndexName != "" {
				used = n.IndexName
			}
			if n.NodeType == "Seq Scan" {
				t.Fatalf("%s (after %d): a sequential scan of %s", c.pattern, c.after, n.RelationName)
			}
		}
		if !slices.Contains(c.indexes, used) {
			t.Fatalf("%s (after %d): index %q, want one of %v", c.pattern, c.after, used, c.indexes)
		}
	}
}

// customPlan runs a statement with its arguments inlined (the simple
// protocol, as platesLike runs it) under EXPLAIN and returns the plan's
// nodes, flattened.
func customPlan(t *testing.T, dsn, sql string, args []any) []planNode {
	t.Helper()
	var out string
	if err := testConn(t, dsn).QueryRow(ctx, `EXPLAIN (FORMAT JSON) `+sql, append([]any{pgx.QueryExecModeSimpleProtocol}, args...)...).Scan(&out); err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	return flattenPlan(t, out)
}

// loadPlanWorld bulk-loads 30,000 reads of 3,000 plates over three days
// and corrects the plate of one read in a hundred to another of the
// plates; it returns the plates.
func loadPlanWorld(t *testing.T, st *postgres.Storage) []string {
	t.Helper()
	r := rand.New(rand.NewPCG(3, 11))
	plates := make([]string, 3000)
	for i := range plates {
		plates[i] = fmt.Sprintf("%d%c%c%c%03d", 1+r.IntN(9), 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(1000))
	}
	now := time.Now().Truncate(time.Millisecond)
	const n = 30000
	bulkReads(t, st, n, func(i int) api.ReadMeta {
		return api.ReadMeta{ID: "pl" + strconv.Itoa(i), CameraID: "cam-1", Plate: plates[r.IntN(len(plates))],
			CapturedAt: now.Add(-time.Duration(r.Int64N(int64(72 * time.Hour)))), State: "CA", Confidence: 0.9,
			Make: "Ford", Color: "blue", BodyType: "sedan", Features: []string{}}
	})
	err := st.Update(ctx, func(tx store.Tx) error {
		for i := 0; i < n; i += 100 {
			v := api.Verification{Status: api.VerifyMisread, CorrectedPlate: plates[(i/100)%len(plates)], By: "verifier", At: now}
			if err := tx.SetVerification("pl"+strconv.Itoa(i), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return plates
}

func parsePattern(t *testing.T, s string) *plate.Pattern {
	t.Helper()
	p, err := plate.ParsePattern(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// planNode is a node of EXPLAIN's JSON output.
type planNode struct {
	NodeType     string     `json:"Node Type"`
	RelationName string     `json:"Relation Name"`
	IndexName    string     `json:"Index Name"`
	HeapFetches  *float64   `json:"Heap Fetches"`
	Plans        []planNode `json:"Plans"`
}

// genericPlan runs a statement with its arguments as the search runs it
// (prepared, with a generic plan) under EXPLAIN ANALYZE and returns the
// plan's nodes, flattened.
func genericPlan(t *testing.T, dsn, sql string, args []any) []planNode {
	t.Helper()
	c, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close(ctx)
	if err := c.PgConn().Exec(ctx, `SET plan_cache_mode = force_generic_plan; PREPARE search AS `+sql).Close(); err != nil {
		t.Fatalf("prepare %s: %v", sql, err)
	}
	params := make([]string, len(args))
	for i := range args {
		params[i] = "$" + strconv.Itoa(i+1)
	}
	var out string
	explain := `EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE search(` + strings.Join(params, ", ") + `)`
	if err := c.QueryRow(ctx, explain, append([]any{pgx.QueryExecModeSimpleProtocol}, args...)...).Scan(&out); err != nil {
		t.Fatalf("explain %s: %v", sql, err)
	}
	return flattenPlan(t, out)
}

// flattenPlan returns the nodes of EXPLAIN's JSON output out, flattened.
func flattenPlan(t *testing.T, out string) []planNode {
	t.Helper()
	var plans []struct{ Plan planNode }
	if err := json.Unmarshal([]byte(out), &plans); err != nil || len(plans) != 1 {
		t.Fatalf("plan %s: %v", out, err)
	}
	var nodes []planNode
	var walk func(n planNode)
	walk = func(n planNode) {
		nodes = append(nodes, n)
		for _, c := range n.Plans {
			walk(c)
		}
	}
	walk(plans[0].Plan)
	return nodes
}

// checkIndexOnly fails unless the plan reads read_keys, and only through
// index-only scans of the covering indexes without a heap fetch.
func checkIndexOnly(t *testing.T, what string, nodes []planNode) {
	t.Helper()
	scans := 0
	for _, n := range nodes {
		if n.RelationName != "read_keys" {
			continue
		}
		scans++
		if n.NodeType != "Index Only Scan" || !coveringIndexes[n.IndexName] {
			t.Fatalf("%s: %s of read_keys (index %q), want an Index Only Scan of a covering index", what, n.NodeType, n.IndexName)
		}
		if n.HeapFetches == nil || *n.HeapFetches != 0 {
			t.Fatalf("%s: %s of %s fetched %v rows from the table", what, n.NodeType, n.IndexName, fetches(n))
		}
	}
	if scans < 2 {
		t.Fatalf("%s: %d scans of read_keys, want one per plate column", what, scans)
	}
}

// fetches is a node's heap fetches, or "none reported".
func fetches(n planNode) string {
	if n.HeapFetches == nil {
		return "none reported"
	}
	return strconv.FormatFloat(*n.HeapFetches, 'f', -1, 64)
}
