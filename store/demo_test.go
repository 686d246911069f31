package store_test

import (
	"net/http"
	"testing"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

func TestDemoStore(t *testing.T) {
	env := storetest.StartDemo(t, 7, 20000)
	tok := env.Login(t, "detective")
	var me api.User
	env.Do(t, "GET", "/v1/me", tok, nil, http.StatusOK, &me)
	if !me.Demo || me.Role != api.RoleDetective {
		t.Fatalf("me = %+v", me)
	}
	var cams []api.Camera
	env.Do(t, "GET", "/v1/cameras", tok, nil, http.StatusOK, &cams)
	if len(cams) < 50 {
		t.Fatalf("%d demo cameras", len(cams))
	}
	var ex api.Exercises
	env.Do(t, "GET", "/v1/training/exercises", tok, nil, http.StatusOK, &ex)
	for _, e := range ex.Exercises {
		if e.Answer != "" {
			t.Fatalf("a detective sees the answer of %s", e.ID)
		}
	}
	trainer := env.Login(t, "trainer")
	env.Do(t, "GET", "/v1/training/exercises", trainer, nil, http.StatusOK, &ex)
	if len(ex.Exercises) < 6 || ex.Exercises[0].Answer == "" {
		t.Fatalf("trainer exercises = %+v", ex)
	}
	var pol api.Policy
	env.Do(t, "GET", "/v1/policy", tok, nil, http.StatusOK, &pol)
	if !pol.Demo {
		t.Fatal("policy of a demo store must say demo")
	}
}
