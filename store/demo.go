package store

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync/atomic"
	"time"

	"alprdesk/api"
	"alprdesk/store/demo"
)

// DemoVersion changes whenever the demo generator or the schema changes in
// a way that makes cached demo databases stale.
const DemoVersion = 3

// DemoPassword is every demo user's password (accepted only in demo mode).
const DemoPassword = "demo"

const metaDemoGenerated = "demo_generated_at"

// demoState is the demo world a demo store serves.
type demoState struct {
	world atomic.Pointer[demo.World] // replaced whole by a training reset
}

// DemoUsers returns the demo accounts (nil outside demo mode).
func (s *Server) DemoUsers() []demo.User {
	if s.demo == nil {
		return nil
	}
	return s.world().Users()
}

// DBPath returns the database path in use (the cached demo database when
// none was configured).
func (s *Server) DBPath() string { return s.cfg.DBPath }

// demoCachePath returns the cached demo database for a world: keyed by
// seed, size, DemoVersion and the day, so a later start the same day reuses
// it. Stale siblings are removed.
func demoCachePath(seed int64, reads int, now time.Time) (string, error) {
	dir, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("store: no user cache directory for the demo database (give --db): %w", err)
	}
	dir = filepath.Join(dir, "alprdesk")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", fmt.Errorf("store: demo cache: %w", err)
	}
	prefix := fmt.Sprintf("demo-s%d-r%d-", seed, reads)
	name := fmt.Sprintf("%sv%d-%s.db", prefix, DemoVersion, now.Format("20060102"))
	old, _ := filepath.Glob(filepath.Join(dir, prefix+"*.db*"))
	for _, f := range old {
		if filepath.Base(f) != name && filepath.Base(f) != name+"-wal" && filepath.Base(f) != name+"-shm" {
			os.Remove(f)
		}
	}
	return filepath.Join(dir, name), nil
}

// openDemo opens (generating when needed) the demo database.
func (s *Server) openDemo(ctx context.Context) error {
	reads := s.cfg.DemoReads
	if reads <= 0 {
		reads = demo.DefaultReads
	}
	now := s.now()
	cached := s.cfg.DBPath == ""
	if cached {
		p, err := demoCachePath(s.cfg.DemoSeed, reads, now)
		if err != nil {
			return err
		}
		s.cfg.DBPath = p
	}
	_, statErr := os.Stat(s.cfg.DBPath)
	existed := statErr == nil
	st, err := s.cfg.Open(ctx, s.cfg.DBPath)
	if err != nil {
		return err
	}
	s.st = st
	gen, err := st.Meta(ctx, metaDemoGenerated)
	if err != nil {
		return err
	}
	if gen != "" {
		at, err := time.Parse(time.RFC3339, gen)
		if err != nil {
			return fmt.Errorf("store: demo database %s: bad generation time %q", s.cfg.DBPath, gen)
		}
		seed, err := s.storedDemoSeed(ctx) // training.go: a reset may have changed it
		if err != nil {
			return err
		}
		s.demo = &demoState{}
		s.demo.world.Store(demo.New(demo.Options{Seed: seed, Reads: reads, Now: at}))
		return nil
	}
	if err := s.emptyForDemo(ctx, cached, existed); err != nil {
		return err
	}
	start := time.Now()
	w := demo.New(demo.Options{Seed: s.cfg.DemoSeed, Reads: reads, Now: now})
	s.demo = &demoState{}
	s.demo.world.Store(w)
	n, err := s.generateDemo(ctx, w)
	if err != nil {
		return fmt.Errorf("store: generate demo world: %w", err)
	}
	s.cfg.Logf("store: demo world generated: %d reads in %s (%s)", n, time.Since(start).Round(time.Millisecond), s.cfg.DBPath)
	return s.st.SetMeta(ctx, metaDemoGenerated, w.Now().Format(time.RFC3339))
}

// emptyForDemo makes sure a database without the demo generation mark is
// empty before the world is generated into it. The cached file is the
// store's own: without the mark it is new or half-built (a start stopped
// while it generated the world, as by Ctrl+C in the first seconds of make
// run), and it starts again from nothing. A database given by --db that
// holds users is refused.
func (s *Server) emptyForDemo(ctx context.Context, cached, existed bool) error {
	if cached {
		if !existed {
			return nil // just created: empty
		}
		s.cfg.Logf("store: %s: the last generation of the demo world was interrupted; generating it again", s.cfg.DBPath)
		return s.reopenEmptyDemo(ctx)
	}
	users, err := s.Admin("").Users(ctx)
	if err != nil {
		return err
	}
	if len(users) > 0 {
		return fmt.Errorf("store: %s holds a store that is not a demo world, or a demo world whose generation was "+
			"interrupted; give another --db for the demo", s.cfg.DBPath)
	}
	return nil
}

// reopenEmptyDemo closes the cached demo database, removes its files and
// opens it again, empty.
func (s *Server) reopenEmptyDemo(ctx context.Context) error {
	if err := s.st.Close(); err != nil {
		return err
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := os.Remove(s.cfg.DBPath + suffix); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("store: remove the interrupted demo database: %w", err)
		}
	}
	st, err := s.cfg.Open(ctx, s.cfg.DBPath)
	if err != nil {
		return err
	}
	s.st = st
	return nil
}

// generateDemo loads the world's search history (demo_history.go, first
// in the audit chain), users, cameras and reads.
func (s *Server) generateDemo(ctx context.Context, w *demo.World) (int, error) {
	start := time.Now()
	h, verified, err := s.writeDemoHistory(ctx, w)
	if err != nil {
		return 0, err
	}
	s.cfg.Logf("store: demo search history: %d audit entries in %s", h, time.Since(start).Round(time.Millisecond))
	adm := s.Admin("system:demo")
	for _, u := range w.Users() {
		err := adm.AddUser(ctx, NewUser{Username: u.Username, Role: u.Role, Serial: u.Serial, Name: u.DisplayName,
			Team: u.Team, Trained: u.TrainedOn, Password: DemoPassword, Demo: true,
			DesignatedBy: "demo world"})
		if err != nil {
			return 0, err
		}
	}
	for _, c := range w.Cameras() {
		if _, err := adm.AddCamera(ctx, c); err != nil {
			return 0, err
		}
	}
	n, err := s.st.BulkInsertReads(ctx, func(put func(*ReadRecord) error) error {
		return w.Reads(func(m api.ReadMeta) error {
			m.CapturedAt = m.CapturedAt.UTC().Truncate(time.Millisecond)
			return put(&ReadRecord{Meta: m})
		})
	})
	if err != nil {
		return n, err
	}
	return n, s.setDemoVerifications(ctx, verified)
}

// runLive feeds the demo world's live reads through the real ingest path.
func (s *Server) runLive(ctx context.Context) {
	rate := s.cfg.DemoLiveRate
	if rate <= 0 {
		rate = 3
	}
	err := s.world().Live(ctx, rate, func(m api.ReadMeta, jpeg []byte) error {
		_, err := s.IngestRead(ctx, m, jpeg)
		var ae *api.Error
		if errors.As(err, &ae) {
			s.cfg.Logf("store: live read %s refused: %s", m.ID, ae.Message)
			return nil
		}
		return err
	})
	if err != nil && ctx.Err() == nil {
		s.cfg.Logf("store: live demo cameras stopped: %v", err)
	}
}

// exercises: GET /v1/training/exercises (demo users; answers for trainers).
func (s *Server) exercises(w http.ResponseWriter, _ *http.Request, sess *session) error {
	if s.demo == nil {
		return notFoundErr("Training exercises exist only in a demo store.")
	}
	if !sess.user.Demo {
		return forbidden("Training exercises are for demo accounts.")
	}
	ex := s.world().Exercises()
	if sess.role() != api.RoleTrainer {
		for i := range ex {
			ex[i].Answer = ""
		}
	}
	if ex == nil {
		ex = []api.Exercise{}
	}
	return writeJSON(w, http.StatusOK, api.Exercises{Exercises: ex})
}
