// Package storetest starts a real alprstore for tests: a fresh SQLite file
// in t.TempDir() (or, when ALPR_TEST_POSTGRES names a PostgreSQL server, a
// fresh database of the test's own there: see store/postgres/pgtest), an
// httptest server on 127.0.0.1, a user for every role and a camera with its
// ingest token. Client, cache and UI tests talk to it over real HTTP;
// nothing is mocked.
//
//	env := storetest.Start(t)
//	tok := env.Login(t, "detective")
//	env.Ingest(t, api.ReadMeta{ID: "r1", Plate: "7ABC123", ...}, nil)
package storetest

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	_ "github.com/mattn/go-sqlite3" // ExecSQL on SQLite files
	"golang.org/x/crypto/bcrypt"

	"alprdesk/api"
	"alprdesk/api/apitest"
	"alprdesk/store"
	"alprdesk/store/open"
	"alprdesk/store/postgres/pgtest"
)

// Password is the password of every user Start creates.
const Password = "storetest-password"

// Users Start creates: username -> role. All are trained except rookie.
var Users = map[string]string{
	"detective":       api.RoleDetective,
	"detective2":      api.RoleDetective,
	"watch_commander": api.RoleWatchCommander,
	"supervisor":      api.RoleSupervisor,
	"approver":        api.RoleApprover,
	"trainer":         api.RoleTrainer,
	"admin":           api.RoleAdmin,
	"rookie":          api.RoleDetective,
}

// Teams of the users Start creates (for audit team filters).
var Teams = map[string]string{
	"detective": "east", "detective2": "west", "watch_commander": "east", "supervisor": "east",
	"approver": "bos", "trainer": "training", "admin": "it", "rookie": "east",
}

// TrainedOn is the training date of every trained user.
const TrainedOn = "2026-01-15"

// Cameras Start registers: cam-1 (token in Env.CameraToken) and cam-2
// (token in Env.CameraTokens["cam-2"]), about 8 km apart in Oakland.
var Cameras = []api.Camera{
	{ID: "cam-1", Name: "International Blvd & 73rd Ave", Lat: 37.7662, Lon: -122.1818, Owner: "agency"},
	{ID: "cam-2", Name: "Broadway & Grand Ave", Lat: 37.8117, Lon: -122.2650, Owner: "agency"},
}

// Env is a running test store.
type Env struct {
	// URL is the store's base URL (http://127.0.0.1:port).
	URL string
	// Server is the store itself.
	Server *store.Server
	// CameraToken is cam-1's ingest token.
	CameraToken string
	// CameraTokens holds every camera's ingest token by camera id.
	CameraTokens map[string]string
	// DBPath is the database: the SQLite file, or the PostgreSQL URL.
	DBPath string
	// Clock is the store's clock; Advance moves it forward.
	Clock *Clock
	// HTTP is a client whose every exchange is validated against
	// api/openapi.yaml (failing the test on a mismatch).
	HTTP *http.Client
}

// Clock is an adjustable clock: real time plus an offset.
type Clock struct {
	mu  sync.Mutex
	off time.Duration
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.off)
}

// Advance moves the clock forward by d.
func (c *Clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.off += d
}

// Start starts a store with the standard users and cameras.
func Start(t testing.TB) *Env {
	t.Helper()
	return StartWith(t, store.Config{})
}

// StartWith starts a store with cfg; DBPath, Now, PasswordCost and Logf
// default to test values. Unless cfg.Demo is set, the standard users and
// cameras are created.
func StartWith(t testing.TB, cfg store.Config) *Env {
	t.Helper()
	if cfg.DBPath == "" {
		cfg.DBPath = filepath.Join(t.TempDir(), "store.db")
		if pgtest.StoreOnPostgres() {
			cfg.DBPath = pgtest.DSN(t)
		}
	}
	return start(t, cfg, &Clock{}, !cfg.Demo)
}

// start opens a store on cfg.DBPath with test defaults, serves it over
// loopback HTTP and, when populate is set, creates the standard users and
// cameras.
func start(t testing.TB, cfg store.Config, clock *Clock, populate bool) *Env {
	t.Helper()
	if cfg.Open == nil {
		cfg.Open = open.Open
	}
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	if cfg.PasswordCost == 0 {
		cfg.PasswordCost = bcrypt.MinCost
	}
	if cfg.Logf == nil {
		cfg.Logf = t.Logf
	}
	srv, err := store.Open(cfg)
	if err != nil {
		t.Fatalf("storetest: open store: %v", err)
	}
	env := &Env{Server: srv, DBPath: srv.DBPath(), Clock: clock, CameraTokens: map[string]string{}}
	if populate {
		env.populate(t)
	}
	ts := httptest.NewServer(srv.Handler())
	env.URL = ts.URL
	env.HTTP = &http.Client{Transport: apitest.Load(t).Transport(t, http.DefaultTransport), Timeout: 30 * time.Second}
	t.Cleanup(func() {
		ts.Close()
		if err := srv.Close(); err != nil {
			t.Errorf("storetest: close store: %v", err)
		}
	})
	return env
}

// StartNodes starts n store nodes on one fresh PostgreSQL database
// (pgtest.DSN: skipped without ALPR_TEST_POSTGRES, failed instead with
// ALPR_REQUIRE_POSTGRES=1), each with its own HTTP server, sharing one
// clock. The first node creates the standard users and cameras; every Env
// holds their camera tokens.
func StartNodes(t testing.TB, n int, cfg store.Config) []*Env {
	t.Helper()
	cfg.DBPath = pgtest.DSN(t)
	clock := &Clock{}
	if cfg.Now == nil {
		cfg.Now = clock.Now
	}
	envs := make([]*Env, n)
	for i := range envs {
		envs[i] = start(t, cfg, clock, i == 0)
		if i > 0 {
			envs[i].CameraTokens = envs[0].CameraTokens
			envs[i].CameraToken = envs[0].CameraToken
		}
	}
	return envs
}

// Postgres reports whether the store runs on PostgreSQL.
func (e *Env) Postgres() bool { return open.IsURL(e.DBPath) }

// ExecSQL runs one raw statement on the store's database behind its back
// (to tamper with it in tests); ? placeholders work on both backends.
func (e *Env) ExecSQL(t testing.TB, q string, args ...any) {
	t.Helper()
	ctx := context.Background()
	if e.Postgres() {
		c, err := pgx.Connect(ctx, e.DBPath)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close(ctx)
		for i := 1; strings.Contains(q, "?"); i++ {
			q = strings.Replace(q, "?", "$"+strconv.Itoa(i), 1)
		}
		if _, err := c.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
		return
	}
	db, err := sql.Open("sqlite3", e.DBPath+"?_busy_timeout=5000")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, q, args...); err != nil {
		t.Fatal(err)
	}
}

// StartDemo starts a demo store with a small world (password "demo").
func StartDemo(t testing.TB, seed int64, reads int) *Env {
	t.Helper()
	return StartWith(t, store.Config{Demo: true, DemoSeed: seed, DemoReads: reads})
}

func (e *Env) populate(t testing.TB) {
	t.Helper()
	ctx := context.Background()
	adm := e.Server.Admin("cli:storetest")
	for name, role := range Users {
		trained := TrainedOn
		if name == "rookie" {
			trained = ""
		}
		err := adm.AddUser(ctx, store.NewUser{Username: name, Role: role, Serial: "S-" + name, Name: "Test " + name,
			Team: Teams[name], Trained: trained, Password: Password, DesignatedBy: "storetest memo"})
		if err != nil {
			t.Fatalf("storetest: add user %s: %v", name, err)
		}
	}
	for _, c := range Cameras {
		tok, err := adm.AddCamera(ctx, c)
		if err != nil {
			t.Fatalf("storetest: add camera %s: %v", c.ID, err)
		}
		e.CameraTokens[c.ID] = tok
	}
	e.CameraToken = e.CameraTokens["cam-1"]
}

// Login signs a user in (Password, or "demo" on a demo store) and returns
// the access token.
func (e *Env) Login(t testing.TB, username string) string {
	t.Helper()
	pw := Password
	if e.Server.Policy().Demo {
		pw = store.DemoPassword
	}
	var tr api.TokenResponse
	e.Do(t, http.MethodPost, "/v1/auth/login", "", api.LoginRequest{Username: username, Password: pw}, http.StatusOK, &tr)
	return tr.AccessToken
}

// Do sends a JSON request (body nil: none) with the bearer token (when not
// empty), checks the status and decodes the answer into out (when not nil).
// It returns the raw answer body.
func (e *Env) Do(t testing.TB, method, path, token string, body any, wantStatus int, out any) []byte {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatalf("storetest: marshal: %v", err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatalf("storetest: %v", err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set(api.HeaderWorkstation, "storetest-ws")
	resp, err := e.HTTP.Do(req)
	if err != nil {
		t.Fatalf("storetest: %s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != wantStatus {
		t.Fatalf("storetest: %s %s: status %d, want %d: %s", method, path, resp.StatusCode, wantStatus, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("storetest: %s %s: decode %s: %v", method, path, raw, err)
		}
	}
	return raw
}

// Status sends req through e.HTTP and returns the answer's status, its
// body read and closed (0 when no answer came). Unlike Do it fails nothing,
// so it may be called from any goroutine.
func (e *Env) Status(req *http.Request) int {
	resp, err := e.HTTP.Do(req)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp.StatusCode
}

// Ingest uploads one read through the real HTTP ingest (POST /v1/reads)
// with the token of meta.CameraID (default cam-1). A nil jpeg uploads a
// small generated JPEG. It fails the test unless the store accepts it.
func (e *Env) Ingest(t testing.TB, meta api.ReadMeta, jpeg []byte) {
	t.Helper()
	if meta.CameraID == "" {
		meta.CameraID = "cam-1"
	}
	if jpeg == nil {
		jpeg = JPEG(t, 64, 36)
	}
	resp, raw := e.Upload(t, e.CameraTokens[meta.CameraID], meta, jpeg)
	if resp.StatusCode != http.StatusCreated && resp.StatusCode != http.StatusOK {
		t.Fatalf("storetest: ingest %s: status %d: %s", meta.ID, resp.StatusCode, raw)
	}
}

// Upload posts a read as multipart with the given camera token and returns
// the answer, whatever its status.
func (e *Env) Upload(t testing.TB, token string, meta api.ReadMeta, jpeg []byte) (*http.Response, []byte) {
	t.Helper()
	req := UploadRequest(e.URL, token, meta, jpeg)
	resp, err := e.HTTP.Do(req)
	if err != nil {
		t.Fatalf("storetest: upload %s: %v", meta.ID, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp, raw
}

// UploadRequest builds a camera's POST /v1/reads: multipart with the meta
// part (application/json) and the photo part (image/jpeg), signed with
// token when it is not empty.
func UploadRequest(baseURL, token string, meta api.ReadMeta, jpeg []byte) *http.Request {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="meta"`)
	h.Set("Content-Type", "application/json")
	pw, _ := mw.CreatePart(h)
	json.NewEncoder(pw).Encode(meta)
	h = textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="photo"; filename="photo.jpg"`)
	h.Set("Content-Type", "image/jpeg")
	pw, _ = mw.CreatePart(h)
	pw.Write(jpeg)
	mw.Close()
	req, _ := http.NewRequest(http.MethodPost, baseURL+"/v1/reads", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return req
}

// JPEG returns a small valid JPEG of w x h pixels.
func JPEG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.RGBA{uint8(x * 4), uint8(y * 4), 128, 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		t.Fatalf("storetest: jpeg: %v", err)
	}
	return buf.Bytes()
}

// Case is a valid case context for tests.
var Case = api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery",
	Purpose: "Armed robbery at 73rd Ave; silver Toyota sedan seen leaving"}
