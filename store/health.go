package store

import (
	"context"
	"net/http"
	"time"

	"alprdesk/api"
)

// Backend names, as GET /healthz and GET /readyz report them.
const (
	BackendSQLite   = "sqlite"
	BackendPostgres = "postgres"
)

// BackendNamer is implemented by a Storage that names its backend
// (BackendSQLite, BackendPostgres) for the health endpoints.
type BackendNamer interface {
	Backend() string
}

// healthTimeout bounds the database check of GET /healthz and /readyz, so
// that a load balancer's check never hangs on a database that is gone.
const healthTimeout = 2 * time.Second

// unavailableRetryAfter is the Retry-After (seconds) of the health
// endpoints' 503 store_unavailable.
const unavailableRetryAfter = "5"

// Database states of api.Health.
const (
	databaseOK          = "ok"
	databaseUnreachable = "unreachable"
	databaseUnknown     = "unknown"
)

// backendName returns the name of st's backend ("" when it names none).
func backendName(st Storage) string {
	if n, ok := st.(BackendNamer); ok {
		return n.Backend()
	}
	return ""
}

// databaseAnswers reads the audit chain head, the smallest read every
// backend answers, within healthTimeout.
func (s *Server) databaseAnswers(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, healthTimeout)
	defer cancel()
	return s.st.View(ctx, func(tx ReadTx) error {
		_, err := tx.AuditHead()
		return err
	})
}

// healthz: GET /healthz, liveness. It answers 200 while the process serves
// HTTP, naming the backend and whether the database answers; a database
// that does not is /readyz's failure, not a reason to restart the node.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request, _ *session) error {
	h := api.Health{Status: api.HealthOK, Backend: backendName(s.st), Database: databaseOK}
	if err := s.databaseAnswers(r.Context()); err != nil {
		s.cfg.Logf("store: health check: the database does not answer: %v", err)
		h.Database = databaseUnreachable
	}
	return writeJSON(w, http.StatusOK, h)
}

// readyz: GET /readyz, readiness for load balancers: 200 when the database
// answers, else 503 store_unavailable. (While the node is still opening or
// migrating its database, StartingHandler answers instead.)
func (s *Server) readyz(w http.ResponseWriter, r *http.Request, _ *session) error {
	if err := s.databaseAnswers(r.Context()); err != nil {
		s.cfg.Logf("store: readiness check: the database does not answer: %v", err)
		unavailable(w, "The store cannot reach its database just now; try again in a few seconds.")
		return nil
	}
	return writeJSON(w, http.StatusOK, api.Ready{Status: api.ReadyOK, Backend: backendName(s.st)})
}

// unavailable writes 503 store_unavailable with Retry-After.
func unavailable(w http.ResponseWriter, message string) {
	w.Header().Set("Retry-After", unavailableRetryAfter)
	writeError(w, api.E(api.CodeStoreUnavailable, "%s", message))
}

// StartingHandler answers while a node opens (and migrates) its database,
// before its Server exists: GET /healthz says the node is starting on
// backend, and every other request, /readyz included, is 503
// store_unavailable with Retry-After, so load balancers send it nothing yet.
func StartingHandler(backend string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/healthz" {
			writeJSON(w, http.StatusOK, api.Health{Status: api.HealthStarting, Backend: backend, Database: databaseUnknown})
			return
		}
		unavailable(w, "The store is starting: it is opening its database (and migrating it when needed); try again in a few seconds.")
	})
}
