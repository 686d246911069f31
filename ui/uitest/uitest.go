// Package uitest is an in-memory session.Session for deterministic tests of
// the workstation's screens: reads, photos and a policy held in memory,
// every call recorded, and any method scriptable to fail, to be held until
// the test releases it (so that two actions overlap exactly as the test
// says), or to fail as if the network were down.
//
//	s := uitest.NewSession(api.User{Username: "detective", Role: api.RoleDetective})
//	s.AddReads(reads...)
//	g := s.Hold("Search")      // the next Search calls wait in g
//	... start a search ...
//	g.Wait(t, 1)               // the first call is waiting
//	... start another ...
//	g.Release()                // both answer
//
// A held call whose context ends returns the context's error, as the real
// client does.
package uitest

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"image/jpeg"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/ui/session"
)

// Session is the fake. Its exported methods other than those of
// session.Session script it; all are safe for concurrent use.
type Session struct {
	mu       sync.Mutex
	user     api.User
	policy   api.Policy
	reads    []api.Read
	photos   map[string][]byte
	cameras  []api.Camera
	pageSize int
	recent   []api.CaseContext
	offline  bool
	fails    map[string]error
	gates    map[string]*Gate
	calls    map[string][]any
	locked   bool
	loggedIn bool
	code     string // the second factor's code (RequireCode); "" for none
}

var _ session.Session = (*Session)(nil)

// NewSession is a signed-in session of user with the default policy, two
// cameras and no reads.
func NewSession(user api.User) *Session {
	p := api.DefaultPolicy()
	return &Session{
		user:   user,
		policy: p,
		photos: map[string][]byte{},
		cameras: []api.Camera{
			{ID: "cam-1", Name: "International Blvd & 73rd Ave", Lat: 37.7655, Lon: -122.1910},
			{ID: "cam-2", Name: "MacArthur Blvd & High St", Lat: 37.7880, Lon: -122.2010},
		},
		fails:    map[string]error{},
		gates:    map[string]*Gate{},
		calls:    map[string][]any{},
		loggedIn: true,
	}
}

// AddReads puts reads in the store; each gets a photo with its plate box
// unless one was set with SetPhoto.
func (s *Session) AddReads(reads ...api.Read) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, r := range reads {
		s.reads = append(s.reads, r)
		if _, ok := s.photos[r.ID]; !ok {
			s.photos[r.ID] = PlateJPEG(r.PlateBox)
		}
	}
}

// SetPhoto sets a read's JPEG.
func (s *Session) SetPhoto(readID string, jpeg []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.photos[readID] = jpeg
}

// SetPageSize makes Search answer at most n reads a page (0: the request's limit).
func (s *Session) SetPageSize(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pageSize = n
}

// SetOffline makes every call fail as if the network were down (true)
// or answer again (false).
func (s *Session) SetOffline(down bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offline = down
}

// Fail makes the next call of method return err.
func (s *Session) Fail(method string, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.fails[method] = err
}

// Hold makes every later call of method wait in the returned gate until the
// gate is released (or the call's context ends).
func (s *Session) Hold(method string) *Gate {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := &Gate{release: make(chan struct{})}
	s.gates[method] = g
	return g
}

// Calls returns the arguments of every call of method so far (for Search
// an api.SearchRequest, for Export an api.ExportRequest, for Photo and
// Verify the read ID).
func (s *Session) Calls(method string) []any {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls[method])
}

// Locked reports whether the session was locked and not unlocked since.
func (s *Session) Locked() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.locked
}

// Gate holds calls of one method until Release.
type Gate struct {
	mu       sync.Mutex
	waiting  int
	release  chan struct{}
	released bool
}

// Wait blocks until n calls have entered the gate (in total), failing the
// test after 10 s.
func (g *Gate) Wait(t testing.TB, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	g.mu.Lock()
	defer g.mu.Unlock()
	for g.waiting < n {
		if time.Now().After(deadline) {
			t.Fatalf("uitest: %d calls entered the gate, want %d", g.waiting, n)
		}
		g.mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		g.mu.Lock()
	}
}

// Release lets every held call (and every later one) through.
func (g *Gate) Release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	if !g.released {
		g.released = true
		close(g.release)
	}
}

// pass waits in the gate until it is released or ctx ends.
func (g *Gate) pass(ctx context.Context) error {
	g.mu.Lock()
	g.waiting++
	g.mu.Unlock()
	select {
	case <-g.release:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// call records a call, passes its gate and returns its scripted error.
func (s *Session) call(ctx context.Context, method string, arg any) error {
	s.mu.Lock()
	s.calls[method] = append(s.calls[method], arg)
	g := s.gates[method]
	s.mu.Unlock()
	if g != nil {
		if err := g.pass(ctx); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.offline {
		return fmt.Errorf("uitest: the network is down: %w", session.ErrOffline)
	}
	if err, ok := s.fails[method]; ok {
		delete(s.fails, method)
		return err
	}
	return nil
}

// User is the signed-in user.
func (s *Session) User() api.User { return s.user }

// StoreHost names the fake store.
func (s *Session) StoreHost() string { return "uitest" }

// Policy is the default policy.
func (s *Session) Policy(ctx context.Context) (api.Policy, error) {
	if err := s.call(ctx, "Policy", nil); err != nil {
		return api.Policy{}, err
	}
	return s.policy, nil
}

// Cameras lists two cameras.
func (s *Session) Cameras(ctx context.Context) ([]api.Camera, error) {
	if err := s.call(ctx, "Cameras", nil); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.cameras), nil
}

// Search answers the reads whose plate matches req.Plate (a pattern, or
// every read when empty), newest first, a page at a time.
func (s *Session) Search(ctx context.Context, req api.SearchRequest) (*api.SearchResponse, error) {
	if err := s.call(ctx, "Search", req); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var match []api.Read
	var pat *plate.Pattern
	if req.Plate != "" {
		p, err := plate.ParsePattern(req.Plate)
		if err != nil {
			return nil, err
		}
		pat = p
	}
	for _, r := range s.reads {
		if pat == nil || pat.Match(r.Plate) {
			match = append(match, r)
		}
	}
	slices.SortStableFunc(match, func(a, b api.Read) int { return b.CapturedAt.Compare(a.CapturedAt) })
	start := 0
	if req.Cursor != "" {
		fmt.Sscanf(req.Cursor, "at-%d", &start)
	}
	n := req.Limit
	if s.pageSize > 0 {
		n = s.pageSize
	}
	if n <= 0 {
		n = len(match)
	}
	end := min(start+n, len(match))
	resp := &api.SearchResponse{SearchID: fmt.Sprintf("srch-%s-%d", strings.ToLower(req.Plate), len(s.calls["Search"])),
		Results: slices.Clone(match[min(start, end):end]), Total: len(match)}
	if end < len(match) {
		resp.NextCursor = fmt.Sprintf("at-%d", end)
	}
	return resp, nil
}

// Photo returns the read's JPEG.
func (s *Session) Photo(ctx context.Context, readID, searchID string) ([]byte, error) {
	if err := s.call(ctx, "Photo", readID); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.photos[readID]
	if !ok {
		return nil, api.E(api.CodeNotFound, "There is no read %s.", readID)
	}
	return b, nil
}

// Verify records the verdict on the read.
func (s *Session) Verify(ctx context.Context, readID string, req api.VerificationRequest) (bool, error) {
	if err := s.call(ctx, "Verify", readID); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.reads {
		if r.ID == readID {
			s.reads[i].Verification = &api.Verification{Status: req.Status, CorrectedPlate: req.CorrectedPlate,
				CorrectedState: req.CorrectedState, By: s.user.Username, At: time.Now().UTC()}
		}
	}
	return false, nil
}

// Export records the export.
func (s *Session) Export(ctx context.Context, req api.ExportRequest) (*api.ExportResponse, error) {
	if err := s.call(ctx, "Export", req); err != nil {
		return nil, err
	}
	return &api.ExportResponse{ExportID: fmt.Sprintf("exp-%d", len(s.Calls("Export")))}, nil
}

// Exercises lists none.
func (s *Session) Exercises(ctx context.Context) ([]api.Exercise, error) {
	return nil, s.call(ctx, "Exercises", nil)
}

// TileURL is empty: maps draw without tiles.
func (s *Session) TileURL() string { return "" }

// Online reports whether the network is up.
func (s *Session) Online() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.offline
}

// RecentCases lists the cases used, newest first.
func (s *Session) RecentCases() []api.CaseContext {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.recent)
}

// RememberCase puts a case at the head of the recent cases.
func (s *Session) RememberCase(c api.CaseContext) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.recent = append([]api.CaseContext{c}, slices.DeleteFunc(s.recent, func(r api.CaseContext) bool { return r == c })...)
}

// Lock records the lock.
func (s *Session) Lock() error {
	if err := s.call(context.Background(), "Lock", nil); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.locked = true
	return nil
}

// Password is the password Unlock and the Connector accept.
const Password = "uitest-password"

// Unlock checks the password.
func (s *Session) Unlock(ctx context.Context, password string) error {
	if err := s.call(ctx, "Unlock", nil); err != nil {
		return err
	}
	if password != Password {
		return api.E(api.CodeUnauthorized, "The username or password is not correct.")
	}
	unlock := func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.locked = false
	}
	if err := s.secondFactor(unlock); err != nil {
		return err
	}
	unlock()
	return nil
}

// Logout ends the session.
func (s *Session) Logout(ctx context.Context) error {
	err := s.call(ctx, "Logout", nil)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.loggedIn = false
	return err
}

// LoggedOut reports whether Logout was called.
func (s *Session) LoggedOut() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.loggedIn
}

// Connector signs in to fake sessions: each username maps to a Session,
// whose Password is the only one accepted.
type Connector struct {
	mu       sync.Mutex
	sessions map[string]*Session
	server   string
	username string
}

var _ session.Connector = (*Connector)(nil)

// NewConnector offers the given sessions, by username.
func NewConnector(sessions ...*Session) *Connector {
	c := &Connector{sessions: map[string]*Session{}}
	for _, s := range sessions {
		c.sessions[s.user.Username] = s
	}
	return c
}

// Login signs in with the password.
func (c *Connector) Login(ctx context.Context, server, username, password string) (session.Session, error) {
	c.mu.Lock()
	s, ok := c.sessions[username]
	c.mu.Unlock()
	if !ok || password != Password {
		return nil, api.E(api.CodeUnauthorized, "The username or password is not correct.")
	}
	if err := s.secondFactor(func() {}); err != nil {
		return nil, err
	}
	return s, nil
}

// Resume finds nothing saved.
func (c *Connector) Resume(ctx context.Context, server, username string) (session.Session, bool, error) {
	return nil, false, nil
}

// Remembered is the last sign-in's server and username.
func (c *Connector) Remembered() (server, username string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.server, c.username
}

// Remember keeps the server and username.
func (c *Connector) Remember(server, username string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.server, c.username = server, username
	return nil
}

// PlateJPEG draws a 640x360 photo with a white plate at box.
func PlateJPEG(box api.Box) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{60, 70, 90, 255}), image.Point{}, draw.Src)
	draw.Draw(img, image.Rect(box.X, box.Y, box.X+box.W, box.Y+box.H), image.NewUniform(color.White), image.Point{}, draw.Src)
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		panic(err) // encoding an in-memory RGBA image cannot fail
	}
	return b.Bytes()
}

// Read is a read of plate at camera cam, captured ago before now.
func Read(id, plateText, cam string, ago time.Duration) api.Read {
	cams := map[string]api.ReadCamera{
		"cam-1": {ID: "cam-1", Name: "International Blvd & 73rd Ave", Lat: 37.7655, Lon: -122.1910},
		"cam-2": {ID: "cam-2", Name: "MacArthur Blvd & High St", Lat: 37.7880, Lon: -122.2010},
	}
	return api.Read{ID: id, Plate: plateText, State: "CA", Confidence: 0.9, CapturedAt: time.Now().Add(-ago).UTC(),
		Camera: cams[cam], PlateBox: api.Box{X: 260, Y: 220, W: 120, H: 40}}
}
