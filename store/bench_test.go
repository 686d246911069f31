package store_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/mattn/go-sqlite3"
	"golang.org/x/crypto/bcrypt"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/postgres/pgtest"
)

// Benchmarks load ALPR_BENCH_READS synthetic reads (default 1,000,000)
// straight through the storage layer, then time each query type. They run
// on each backend in turn, as sub-benchmarks sqlite/… and postgres/…: the
// SQLite database is kept in the temp directory between runs; the
// PostgreSQL one (when ALPR_BENCH_POSTGRES or ALPR_TEST_POSTGRES names a
// server) is the database alpr_bench_<reads>_v<DemoVersion> on that server,
// kept too. p50/p95 are reported as custom metrics (ms); see
// docs/PERFORMANCE.md.

// Backends of the benchmarks.
const (
	benchSQLite   = "sqlite"
	benchPostgres = "postgres"
)

var (
	benchMu     sync.Mutex
	benchWorlds = map[string]*benchWorld{}
)

// benchBackends lists the backends the benchmarks run on: SQLite, and
// PostgreSQL when a server is configured.
func benchBackends() []string {
	if benchServer() != "" {
		return []string{benchSQLite, benchPostgres}
	}
	return []string{benchSQLite}
}

// benchServer is the PostgreSQL server URL of the benchmarks ("" for none).
func benchServer() string {
	if u := os.Getenv("ALPR_BENCH_POSTGRES"); u != "" {
		return u
	}
	return os.Getenv(pgtest.EnvURL)
}

// eachBackend runs fn as a sub-benchmark per backend, with its world.
func eachBackend(b *testing.B, fn func(b *testing.B, w *benchWorld)) {
	for _, be := range benchBackends() {
		b.Run(be, func(b *testing.B) { fn(b, loadBenchWorld(b, be)) })
	}
}

type benchWorld struct {
	srv     *store.Server
	plates  []string // sample of stored plates
	cams    []api.Camera
	now     time.Time
	ingestS float64 // rows per second of the load (0 when reused)
	n       int
	backend string
}

func benchReads() int {
	if v, err := strconv.Atoi(os.Getenv("ALPR_BENCH_READS")); err == nil && v > 0 {
		return v
	}
	return 1000000
}

// benchNow is a fixed clock so that a kept database stays inside retention:
// noon UTC of today, or of the day ALPR_BENCH_DAY names (YYYY-MM-DD), so that
// a database loaded before midnight is measured after it without a reload.
var benchNow = benchDay(os.Getenv("ALPR_BENCH_DAY"), time.Now())

// benchDay is noon UTC of day (YYYY-MM-DD), or of now's day when day is
// empty; a malformed day panics, naming it, rather than reload silently.
func benchDay(day string, now time.Time) time.Time {
	if day == "" {
		return now.UTC().Truncate(24 * time.Hour).Add(12 * time.Hour)
	}
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		panic(fmt.Sprintf("ALPR_BENCH_DAY=%q: want YYYY-MM-DD", day))
	}
	return d.Add(12 * time.Hour)
}

const benchLetters = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"

// synthPlate draws a plate: mostly California 1ABC234, some other formats.
func synthPlate(r *rand.Rand) string {
	b := make([]byte, 0, 8)
	switch k := r.IntN(100); {
	case k < 85:
		b = append(b, byte('1'+r.IntN(9)))
		for range 3 {
			b = append(b, byte('A'+r.IntN(26)))
		}
		for range 3 {
			b = append(b, byte('0'+r.IntN(10)))
		}
	default:
		for range 3 + r.IntN(4) {
			b = append(b, benchLetters[r.IntN(len(benchLetters))])
		}
	}
	return string(b)
}

// loadBenchWorld returns the benchmark world of a backend, loading it on
// first use.
func loadBenchWorld(b *testing.B, backend string) *benchWorld {
	benchMu.Lock()
	defer benchMu.Unlock()
	if w := benchWorlds[backend]; w != nil {
		return w
	}
	w, err := buildBenchWorld(backend)
	if err == nil {
		err = warmBenchWorld(w)
	}
	if err != nil {
		b.Fatalf("%s benchmark world: %v", backend, err)
	}
	benchWorlds[backend] = w
	return w
}

// warmBenchWorld loads a backend's in-memory copies before the timings (a
// node's state after its first searches), printing their load time and
// heap: the PostgreSQL copy of the plate dictionary loads in the
// background after the first wildcard search otherwise.
func warmBenchWorld(w *benchWorld) error {
	st, ok := w.srv.Storage().(interface{ Warm(context.Context) error })
	if !ok {
		return nil
	}
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	t0 := time.Now()
	if err := st.Warm(context.Background()); err != nil {
		return err
	}
	took := time.Since(t0)
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Printf("%s: in-memory plate dictionary loaded in %.2f s, %.1f MiB of heap\n", w.backend, took.Seconds(),
		float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20))
	return nil
}

// benchDB returns the benchmark database of a backend (a file path or a
// postgres:// URL, the database created when missing) and whether it
// existed already.
func benchDB(backend string, n int) (string, bool, error) {
	name := fmt.Sprintf("alprdesk-bench-%d-v%d", n, store.DemoVersion)
	if backend == benchSQLite {
		path := filepath.Join(os.TempDir(), name+".db")
		_, err := os.Stat(path)
		return path, err == nil, nil
	}
	server := benchServer()
	u, err := url.Parse(server)
	if err != nil {
		return "", false, err
	}
	db := strings.ReplaceAll(name, "-", "_")
	ctx := context.Background()
	c, err := pgx.Connect(ctx, server)
	if err != nil {
		return "", false, err
	}
	defer c.Close(ctx)
	var exists bool
	if err := c.QueryRow(ctx, `SELECT EXISTS(SELECT 1 FROM pg_database WHERE datname = $1)`, db).Scan(&exists); err != nil {
		return "", false, err
	}
	if !exists {
		if _, err := c.Exec(ctx, `CREATE DATABASE `+db); err != nil {
			return "", false, err
		}
	}
	u.Path = "/" + db
	return u.String(), exists, nil
}

func buildBenchWorld(backend string) (*benchWorld, error) {
	n := benchReads()
	w := &benchWorld{now: benchNow, n: n, backend: backend}
	path, reuse, err := benchDB(backend, n)
	if err != nil {
		return nil, err
	}
	srv, err := store.Open(store.Config{DBPath: path, Open: open.Open, Now: func() time.Time { return benchNow }, Logf: func(string, ...any) {},
		PasswordCost: bcrypt.MinCost, PurgeEvery: -1})
	if err != nil {
		return nil, err
	}
	w.srv = srv
	ctx := context.Background()
	if done, _ := srv.Storage().Meta(ctx, "bench_loaded"); done != "" {
		if benchNow.Format(time.DateOnly) != done {
			reuse = false
		}
	} else {
		reuse = false
	}
	r := rand.New(rand.NewPCG(42, 7))
	for i := range 120 {
		w.cams = append(w.cams, api.Camera{ID: fmt.Sprintf("bc-%03d", i), Name: fmt.Sprintf("Bench camera %d", i),
			Lat: 37.70 + 0.19*r.Float64(), Lon: -122.36 + 0.25*r.Float64(), Owner: "agency"})
	}
	distinct := max(1, n*36/100)
	fleet := make([]string, distinct)
	for i := range fleet {
		fleet[i] = synthPlate(r)
	}
	for _, p := range fleet {
		if len(p) == 7 && len(w.plates) < 5000 {
			w.plates = append(w.plates, p)
		}
	}
	if reuse {
		return w, nil
	}
	if err := benchUsers(srv, w.cams); err != nil && !reuse {
		return nil, err
	}
	makes := []string{"Toyota", "Honda", "Ford", "Chevrolet", "Nissan", "Tesla", "BMW", "Hyundai"}
	colors := api.DefaultPolicy().Colors
	bodies := api.DefaultPolicy().BodyTypes
	start := time.Now()
	got, err := srv.Storage().BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for i := range n {
			// Repeat visits: a skewed draw from the fleet.
			v := int(float64(distinct) * r.Float64() * r.Float64())
			if i < distinct {
				v = i
			}
			p := fleet[v]
			h := uint64(v)*2654435761 + 1
			m := api.ReadMeta{ID: "b" + strconv.Itoa(i), CameraID: w.cams[(v*7+i%5)%len(w.cams)].ID,
				CapturedAt: benchNow.Add(-time.Duration(r.Int64N(int64(29 * 24 * time.Hour)))),
				Plate:      p, State: "CA", Confidence: 0.8,
				Make: makes[h%uint64(len(makes))], Color: colors[(h/8)%uint64(len(colors))],
				BodyType: bodies[(h/128)%uint64(len(bodies))]}
			if err := put(&store.ReadRecord{Meta: m}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	w.ingestS = float64(got) / time.Since(start).Seconds()
	if backend == benchPostgres {
		if err := settleBenchDB(ctx, path); err != nil {
			return nil, err
		}
	}
	return w, srv.Storage().SetMeta(ctx, "bench_loaded", benchNow.Format(time.DateOnly))
}

// settleBenchDB vacuums and analyses a freshly loaded PostgreSQL benchmark
// database once, so that the searches are measured on the database as
// autovacuum leaves it after a while (read_keys' visibility map set for
// the index-only scans of plate searches, statistics of the new day
// partitions), not on whichever part autovacuum reached during the load.
func settleBenchDB(ctx context.Context, url string) error {
	c, err := pgx.Connect(ctx, url)
	if err != nil {
		return err
	}
	defer c.Close(ctx)
	t0 := time.Now()
	// A synchronous commit that writes to the log first: VACUUM marks a
	// page visible to all only once the log holding its rows' commits is
	// flushed, which the bulk load's asynchronous commits (the benchmark
	// cluster's synchronous_commit=off) leave to the WAL writer.
	if _, err := c.Exec(ctx, `SET synchronous_commit = on; CREATE TEMP TABLE flush_log()`); err != nil {
		return err
	}
	if _, err := c.Exec(ctx, `VACUUM (ANALYZE)`); err != nil {
		return err
	}
	fmt.Printf("postgres: benchmark database vacuumed and analysed in %.1f s\n", time.Since(t0).Seconds())
	return nil
}

// benchLogin signs the bench detective in.
func benchLogin(b *testing.B, url string) api.TokenResponse {
	body, _ := json.Marshal(api.LoginRequest{Username: "bench", Password: "bench-password"})
	resp, err := http.Post(url+"/v1/auth/login", "application/json", bytes.NewReader(body))
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	var tr api.TokenResponse
	if err := json.NewDecoder(resp.Body).Decode(&tr); err != nil {
		b.Fatal(err)
	}
	return tr
}

func benchUsers(srv *store.Server, cams []api.Camera) error {
	adm := srv.Admin("cli:bench")
	ctx := context.Background()
	if err := adm.AddUser(ctx, store.NewUser{Username: "bench", Role: api.RoleDetective, Serial: "B1", Name: "Bench",
		Trained: "2026-01-15", Password: "bench-password"}); err != nil {
		return err
	}
	for _, c := range cams {
		if _, err := adm.AddCamera(ctx, c); err != nil {
			return err
		}
	}
	return nil
}

// lookAlike swaps the first character that has a look-alike.
func lookAlike(p string) string {
	swap := map[byte]byte{'0': 'O', 'O': '0', '8': 'B', 'B': '8', '1': 'I', 'I': '1', '5': 'S', 'S': '5', '2': 'Z', 'Z': '2', '6': 'G', 'G': '6'}
	b := []byte(p)
	for i, c := range b {
		if s, ok := swap[c]; ok {
			b[i] = s
			return string(b)
		}
	}
	return p
}

// queryKinds are the measured query types, each making a query from a
// stored plate.
var queryKinds = []struct {
	name string
	make func(w *benchWorld, p string, r *rand.Rand) api.SearchRequest
}{
	{"exact", func(w *benchWorld, p string, _ *rand.Rand) api.SearchRequest { return api.SearchRequest{Plate: p} }},
	{"wildcard_run3", func(w *benchWorld, p string, _ *rand.Rand) api.SearchRequest {
		return api.SearchRequest{Plate: "*" + p[1:4] + "*"}
	}},
	{"wildcard_norun", func(w *benchWorld, p string, _ *rand.Rand) api.SearchRequest {
		b := []byte(p)
		for i := 1; i < len(b); i += 2 {
			b[i] = '?'
		}
		return api.SearchRequest{Plate: string(b)}
	}},
	{"fuzzy_exact", func(w *benchWorld, p string, _ *rand.Rand) api.SearchRequest {
		return api.SearchRequest{Plate: lookAlike(p), Fuzzy: true}
	}},
	{"fuzzy_wildcard", func(w *benchWorld, p string, _ *rand.Rand) api.SearchRequest {
		return api.SearchRequest{Plate: lookAlike(p[:4]) + "*", Fuzzy: true}
	}},
	{"fuzzy_wildcard_norun", func(w *benchWorld, p string, _ *rand.Rand) api.SearchRequest {
		b := []byte(lookAlike(p))
		for i := 1; i < len(b); i += 2 {
			b[i] = '?'
		}
		return api.SearchRequest{Plate: string(b), Fuzzy: true}
	}},
	{"attrs_24h_1km", func(w *benchWorld, p string, r *rand.Rand) api.SearchRequest {
		c := w.cams[r.IntN(len(w.cams))]
		from := w.now.Add(-time.Duration(r.IntN(27*24)+24) * time.Hour)
		to := from.Add(24 * time.Hour)
		return api.SearchRequest{Make: "Toyota", Color: "silver", From: &from, To: &to,
			Area: &api.Area{Lat: c.Lat, Lon: c.Lon, RadiusM: 1000}}
	}},
}

func percentiles(d []time.Duration) (p50, p95 float64) {
	slices.Sort(d)
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	return ms(d[len(d)*50/100]), ms(d[min(len(d)-1, len(d)*95/100)])
}

// BenchmarkStorageSearch times each query type at the storage layer
// (plate resolution, first page of 100, total capped at 10,000).
func BenchmarkStorageSearch(b *testing.B) {
	eachBackend(b, benchStorageSearch)
}

// searchPasses counts the timed passes of each search benchmark, backend
// and query kind in this process.
var searchPasses = map[string]uint64{}

// freshPlates is the random stream of one timed pass of a search
// benchmark (what: "storage" or "http") and query kind on a backend. Each
// benchmark, kind and pass (-count) draws plates of its own, so that no
// pass searches the plates another has just searched, whose pages it
// found warm: at 10M reads on PostgreSQL an exact search of plates
// searched a moment before took 0.8 ms p50, of fresh ones 2 ms
// (docs/PERFORMANCE.md, "Fresh plates for every pass"). The backends
// draw the same plates, pass for pass.
func freshPlates(backend, what, kind string) *rand.Rand {
	key := what + "/" + kind
	searchPasses[backend+"/"+key]++
	h := fnv.New64a()
	h.Write([]byte(key))
	return rand.New(rand.NewPCG(h.Sum64(), searchPasses[backend+"/"+key]))
}

func benchStorageSearch(b *testing.B, w *benchWorld) {
	if w.ingestS > 0 {
		fmt.Printf("bulk load of the %s benchmark database: %d reads at %.0f reads/s\n", w.backend, w.n, w.ingestS)
	}
	for _, k := range queryKinds {
		b.Run(k.name, func(b *testing.B) {
			r := freshPlates(w.backend, "storage", k.name)
			var ds []time.Duration
			for i := 0; b.Loop(); i++ {
				req := k.make(w, w.plates[r.IntN(len(w.plates))], r)
				req.CaseContext = api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: "Armed robbery, suspect vehicle sought"}
				t0 := time.Now()
				err := w.srv.Storage().View(context.Background(), func(tx store.ReadTx) error {
					q, err := w.srv.CheckSearch(tx, "bench", api.RoleDetective, &req)
					if err != nil {
						return err
					}
					_, err = tx.SearchReads(q)
					return err
				})
				ds = append(ds, time.Since(t0))
				if err != nil {
					b.Fatalf("%s %+v: %v", k.name, req, err)
				}
			}
			p50, p95 := percentiles(ds)
			b.ReportMetric(p50, "p50-ms")
			b.ReportMetric(p95, "p95-ms")
		})
	}
}

// BenchmarkHTTPSearch times each query type through the HTTP API (policy,
// audit write, JSON) against the same database.
func BenchmarkHTTPSearch(b *testing.B) {
	eachBackend(b, benchHTTPSearch)
}

func benchHTTPSearch(b *testing.B, w *benchWorld) {
	ts := httptest.NewServer(w.srv.Handler())
	defer ts.Close()
	tr := benchLogin(b, ts.URL)
	for _, k := range queryKinds {
		b.Run(k.name, func(b *testing.B) {
			r := freshPlates(w.backend, "http", k.name)
			var ds []time.Duration
			for b.Loop() {
				req := k.make(w, w.plates[r.IntN(len(w.plates))], r)
				req.CaseContext = api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: "Armed robbery, suspect vehicle sought"}
				body, _ := json.Marshal(req)
				hr, _ := http.NewRequest("POST", ts.URL+"/v1/searches", bytes.NewReader(body))
				hr.Header.Set("Authorization", "Bearer "+tr.AccessToken)
				hr.Header.Set("Content-Type", "application/json")
				t0 := time.Now()
				resp, err := http.DefaultClient.Do(hr)
				if err != nil {
					b.Fatal(err)
				}
				var out api.SearchResponse
				json.NewDecoder(resp.Body).Decode(&out)
				resp.Body.Close()
				ds = append(ds, time.Since(t0))
				if resp.StatusCode != 200 {
					b.Fatalf("%s: status %d", k.name, resp.StatusCode)
				}
			}
			p50, p95 := percentiles(ds)
			b.ReportMetric(p50, "p50-ms")
			b.ReportMetric(p95, "p95-ms")
		})
	}
}

// BenchmarkBulkIngest measures sustained bulk ingest (every index in
// place) into the loaded database, in the backend's bulk transactions
// (50,000 reads on SQLite, 20,000 on PostgreSQL), 2,000
// reads per iteration: reads per second. Four reads in five are of plates
// already seen (repeat visits), one is a new plate.
func BenchmarkBulkIngest(b *testing.B) {
	eachBackend(b, benchBulkIngest)
}

func benchBulkIngest(b *testing.B, w *benchWorld) {
	r := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 3))
	const rows = 2000
	prefix := "ing" + strconv.FormatInt(time.Now().UnixNano(), 36) + "-"
	lastPlate := benchLastPlate(b, w)
	t0 := time.Now()
	total, err := w.srv.Storage().BulkInsertReads(context.Background(), func(put func(*store.ReadRecord) error) error {
		for i := 0; b.Loop(); i++ {
			for j := range rows {
				p := w.plates[r.IntN(len(w.plates))]
				if r.IntN(5) == 0 {
					p = synthPlate(r)
				}
				m := api.ReadMeta{ID: prefix + strconv.Itoa(i) + "-" + strconv.Itoa(j), CameraID: w.cams[j%len(w.cams)].ID,
					CapturedAt: w.now.Add(-time.Duration(r.Int64N(int64(24 * time.Hour)))), Plate: p,
					State: "CA", Confidence: 0.8, Make: "Toyota", Color: "silver", BodyType: "sedan"}
				if err := put(&store.ReadRecord{Meta: m}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(total)/time.Since(t0).Seconds(), "reads/s")
	dropBenchReads(b, w, prefix, lastPlate)
}

// benchLastPlate is the last dictionary id of the PostgreSQL benchmark
// database before a bulk-ingest run (0 on SQLite).
func benchLastPlate(b *testing.B, w *benchWorld) int64 {
	if w.backend != benchPostgres {
		return 0
	}
	ctx := context.Background()
	c, err := pgx.Connect(ctx, w.srv.DBPath())
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close(ctx)
	var id int64
	if err := c.QueryRow(ctx, `SELECT coalesce(max(id), 0) FROM plates`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	return id
}

// dropBenchReads deletes the reads a bulk-ingest run added (ids starting
// with prefix), so that the kept benchmark database does not grow; on
// PostgreSQL also the plates the run added (ids after lastPlate) that no
// read names, and it vacuums what the run touched, so that the next run
// starts from the same database (without, each run left 80,000 more plates
// and 400,000 dead index entries behind, and ran slower).
func dropBenchReads(b *testing.B, w *benchWorld, prefix string, lastPlate int64) {
	if w.backend == benchPostgres {
		ctx := context.Background()
		c, err := pgx.Connect(ctx, w.srv.DBPath())
		if err != nil {
			b.Fatal(err)
		}
		defer c.Close(ctx)
		for _, q := range []string{`DELETE FROM reads WHERE id >= $1 AND id < $2`, `DELETE FROM read_keys WHERE id >= $1 AND id < $2`} {
			if _, err := c.Exec(ctx, q, prefix, prefix+"~"); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := c.Exec(ctx, `DELETE FROM plates p WHERE p.id > $1 AND NOT EXISTS (SELECT 1 FROM read_keys k WHERE k.plate_id = p.id)
			AND NOT EXISTS (SELECT 1 FROM read_keys k WHERE k.v_plate_id = p.id)`, lastPlate); err != nil {
			b.Fatal(err)
		}
		if _, err := c.Exec(ctx, `VACUUM read_keys, reads, photos, plates`); err != nil {
			b.Fatal(err)
		}
		return
	}
	db, err := sql.Open("sqlite3", w.srv.DBPath())
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`DELETE FROM reads WHERE id >= ? AND id < ?`, prefix, prefix+"~"); err != nil {
		b.Fatal(err)
	}
}
