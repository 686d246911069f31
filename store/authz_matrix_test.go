package store_test

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// access is who a route lets through (the authorization matrix, one row
// per documented operation).
type access struct {
	public bool     // no credentials needed
	camera bool     // camera token only
	roles  []string // user roles let through; nil: every role
	// denyCode is the 403 code other roles get (default forbidden).
	denyCode string
}

var (
	everyone    = access{}
	searchRoles = access{roles: api.SearchRoles}
	supervisor  = access{roles: []string{api.RoleSupervisor}}
	readers     = access{roles: append(slices.Clone(api.SearchRoles), api.RoleApprover)}
	requesters  = access{roles: []string{api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor, api.RoleApprover}}
	approvers   = access{roles: []string{api.RoleApprover}}
	removers    = access{roles: []string{api.RoleApprover, api.RoleAdmin}}
	convoyRoles = access{roles: []string{api.RoleDetective, api.RoleSupervisor}, denyCode: api.CodeAnalysisNotPermitted}
	alertRoles  = access{roles: []string{api.RoleDetective, api.RoleWatchCommander, api.RoleSupervisor, api.RoleApprover}}
)

// authzMatrix is the expected access of every operation of
// api/openapi.yaml ("METHOD /path" as the document writes it). The test
// fails when the document has an operation without a row here.
var authzMatrix = map[string]access{
	"GET /healthz":                              {public: true},
	"GET /readyz":                               {public: true},
	"GET /tiles/{z}/{x}/{y}.png":                {public: true},
	"POST /v1/auth/login":                       {public: true},
	"POST /v1/auth/refresh":                     {public: true},
	"POST /v1/auth/logout":                      everyone,
	"POST /v1/auth/mfa":                         {public: true},
	"GET /v1/me":                                everyone,
	"POST /v1/me/mfa":                           everyone,
	"DELETE /v1/me/mfa":                         everyone,
	"POST /v1/me/mfa/confirm":                   everyone,
	"POST /v1/me/password":                      everyone,
	"GET /v1/policy":                            everyone,
	"GET /v1/cameras":                           everyone,
	"POST /v1/analyses/common-plates":           searchRoles,
	"POST /v1/analyses/convoy":                  convoyRoles,
	"POST /v1/searches":                         searchRoles,
	"GET /v1/reads/{id}/photo":                  readers,
	"POST /v1/reads/{id}/verification":          readers,
	"POST /v1/reads/{id}/retain":                searchRoles,
	"POST /v1/exports":                          searchRoles,
	"POST /v1/reads":                            {camera: true},
	"POST /v1/reads:batch":                      {camera: true},
	"GET /v1/audit":                             supervisor,
	"GET /v1/audit/verify":                      supervisor,
	"POST /v1/audit/samples":                    supervisor,
	"POST /v1/audit/reviews":                    supervisor,
	"GET /v1/audit/reviews":                     supervisor,
	"GET /v1/audit/flags":                       supervisor,
	"POST /v1/audit/flags/{id}/review":          supervisor,
	"POST /v1/searches/{id}/outcome":            searchRoles,
	"GET /v1/reports/efficacy":                  supervisor,
	"GET /v1/reports/transparency":              supervisor,
	"GET /v1/training/exercises":                everyone, // demo stores only: 404 here for every role
	"POST /v1/training/exercises/{id}/attempts": everyone,
	"GET /v1/training/progress":                 everyone,
	"POST /v1/training/reset":                   everyone,
	"GET /v1/training/live":                     everyone,
	"POST /v1/training/live":                    everyone,
	"POST /v1/hotlist-requests":                 requesters,
	"GET /v1/hotlist-requests":                  everyone,
	"POST /v1/hotlist-requests/{id}/decision":   approvers,
	"GET /v1/hotlist-entries":                   everyone,
	"DELETE /v1/hotlist-entries/{id}":           removers,
	"GET /v1/alerts/stream":                     alertRoles,
	"GET /v1/alerts":                            alertRoles,
	"POST /v1/alerts/{id}/ack":                  alertRoles,
	"POST /v1/alerts/{id}/outcome":              everyone,
}

// TestAuthorizationMatrix calls every operation of api/openapi.yaml as
// every role, with no token, an expired access token, a refresh token used
// as an access token and a camera token, and checks each answer against
// authzMatrix: credentials that do not fit answer 401, a role the route
// does not let through 403 forbidden, and one it lets through neither.
func TestAuthorizationMatrix(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromFile("../api/openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var ops []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			ops = append(ops, method+" "+path)
		}
	}
	sort.Strings(ops)
	for _, op := range ops {
		if _, ok := authzMatrix[op]; !ok {
			t.Errorf("%s is in api/openapi.yaml but has no row in authzMatrix", op)
		}
	}
	env := storetest.Start(t)
	refresh, expired := loginTokens(t, env, "detective")
	env.Clock.Advance(16 * time.Minute) // past the access token's 15 minutes
	roles, users := map[string]string{}, map[string]string{}
	for user, role := range storetest.Users {
		if user != "rookie" && user != "detective2" {
			roles[role], users[role] = env.Login(t, user), user
		}
	}
	credentials := map[string]string{"no token": "", "expired": expired, "refresh as access": refresh,
		"camera": env.CameraToken}
	for _, op := range ops {
		row := authzMatrix[op]
		for who, tok := range credentials {
			status, code := call(t, env, op, tok)
			want := http.StatusUnauthorized
			if row.public || row.camera && who == "camera" {
				if status == http.StatusUnauthorized || code == api.CodeForbidden {
					t.Errorf("%s with %s: %d %s, want it let through", op, who, status, code)
				}
				continue
			}
			if status != want {
				t.Errorf("%s with %s: %d %s, want %d", op, who, status, code, want)
			}
		}
		for role, tok := range roles {
			if op == logoutOp { // signing out ends the session: use one of its own
				tok = env.Login(t, users[role])
			}
			status, code := call(t, env, op, tok)
			switch {
			case row.public:
				if status == http.StatusUnauthorized || code == api.CodeForbidden {
					t.Errorf("%s as %s: %d %s, want it let through", op, role, status, code)
				}
			case row.camera:
				if status != http.StatusUnauthorized {
					t.Errorf("%s as %s (a user token): %d %s, want 401", op, role, status, code)
				}
			case row.roles == nil || slices.Contains(row.roles, role):
				if status == http.StatusUnauthorized || code == api.CodeForbidden {
					t.Errorf("%s as %s: %d %s, want the role let through", op, role, status, code)
				}
			default:
				deny := cmp.Or(row.denyCode, api.CodeForbidden)
				if status != http.StatusForbidden || code != deny {
					t.Errorf("%s as %s: %d %s, want 403 %s", op, role, status, code, deny)
				}
			}
		}
	}
}

// logoutOp ends the session of the token it is called with.
const logoutOp = "POST /v1/auth/logout"

// loginTokens signs user in and returns the refresh and access tokens.
func loginTokens(t *testing.T, env *storetest.Env, user string) (refresh, access string) {
	t.Helper()
	var tr api.TokenResponse
	env.Do(t, "POST", "/v1/auth/login", "", api.LoginRequest{Username: user, Password: storetest.Password}, http.StatusOK, &tr)
	return tr.RefreshToken, tr.AccessToken
}

// call sends op with token (path parameters filled, an empty JSON object
// as the body of a write) and returns the status and the error code.
func call(t *testing.T, env *storetest.Env, op, token string) (int, string) {
	t.Helper()
	method, path, _ := strings.Cut(op, " ")
	path = strings.NewReplacer("{id}", "x1", "{z}", "1", "{x}", "1", "{y}", "1").Replace(path)
	var body io.Reader
	switch {
	case op == logoutOp:
		body = strings.NewReader(`{"refresh_token":"not-a-token"}`)
	case method != http.MethodGet:
		body = bytes.NewReader([]byte("{}"))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, method, env.URL+path, body)
	switch {
	case op == "POST /v1/reads:batch":
		req.Header.Set("Content-Type", "application/x-ndjson")
	case body != nil:
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := env.HTTP.Do(req)
	if err != nil {
		t.Fatalf("%s: %v", op, err)
	}
	defer resp.Body.Close()
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		return resp.StatusCode, ""
	}
	raw, _ := io.ReadAll(resp.Body)
	var e api.ErrorResponse
	json.Unmarshal(raw, &e)
	return resp.StatusCode, e.Error.Code
}
