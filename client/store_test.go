package client_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/apitest"
	"alprdesk/client"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// jpegOf draws a small real JPEG.
func jpegOf(t testing.TB, seed int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 64, 36))
	for y := 0; y < 36; y++ {
		for x := 0; x < 64; x++ {
			img.Set(x, y, color.RGBA{uint8(x * seed), uint8(y * 7), uint8(seed * 40), 255})
		}
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, nil); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// world is a store with a few reads of plate 7KLM12x.
type world struct {
	env    *storetest.Env
	photos map[string][]byte
	reads  []string
}

func newWorld(t *testing.T) *world {
	env := storetest.Start(t)
	w := &world{env: env, photos: map[string][]byte{}}
	now := env.Clock.Now().UTC().Truncate(time.Second)
	for i := 1; i <= 3; i++ {
		id := fmt.Sprintf("rd-%d", i)
		meta := api.ReadMeta{ID: id, CameraID: "cam-1", CapturedAt: now.Add(-time.Duration(i) * time.Hour),
			Plate: fmt.Sprintf("7KLM12%d", i), State: "CA", Confidence: 0.91, Make: "Toyota", Color: "silver",
			BodyType: "sedan", PlateBox: api.Box{X: 10, Y: 10, W: 20, H: 8}}
		w.photos[id] = jpegOf(t, i)
		env.Ingest(t, meta, w.photos[id])
		w.reads = append(w.reads, id)
	}
	return w
}

// client builds a client whose every exchange is validated against
// api/openapi.yaml, on the store's clock.
func (w *world) client(t *testing.T, cfg client.Config) *client.Client {
	cfg.BaseURL = w.env.URL
	cfg.Transport = apitest.Load(t).Transport(t, http.DefaultTransport)
	cfg.Now = w.env.Clock.Now
	if cfg.Workstation == "" {
		cfg.Workstation = "desk-test"
	}
	c, err := client.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func (w *world) login(t *testing.T, user string) *client.Client {
	c := w.client(t, client.Config{})
	if _, err := c.Login(context.Background(), user, storetest.Password); err != nil {
		t.Fatalf("login %s: %v", user, err)
	}
	return c
}

func goodCase() api.CaseContext {
	return api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery",
		Purpose: "Armed robbery at 73rd Ave, silver Toyota seen leaving"}
}

func TestLoginSessionAndLogout(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var rotations []client.Tokens
	c := w.client(t, client.Config{OnTokens: func(tk client.Tokens) { rotations = append(rotations, tk) }})
	if h, err := c.Health(ctx); err != nil || h.Status == "" {
		t.Fatalf("Health = %+v %v", h, err)
	}
	if _, err := c.Me(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("Me before login = %v", err)
	}
	tr, err := c.Login(ctx, "detective", storetest.Password)
	if err != nil || tr.User.Role != api.RoleDetective || tr.AccessToken == "" || tr.RefreshToken == "" {
		t.Fatalf("Login = %+v %v", tr, err)
	}
	if len(rotations) != 1 || rotations[0].RefreshToken != tr.RefreshToken ||
		rotations[0].RefreshExpires.After(time.Now().Add(client.ShiftLength+time.Minute)) {
		t.Fatalf("OnTokens after login: %+v", rotations)
	}
	me, err := c.Me(ctx)
	if err != nil || me.Username != "detective" || me.TrainedOn == "" {
		t.Fatalf("Me = %+v %v", me, err)
	}
	p1, err := c.Policy(ctx)
	if err != nil || p1.ReportNumberPattern == "" || p1.RetentionDays != 30 || len(p1.PurposeCategories) == 0 {
		t.Fatalf("Policy = %+v %v", p1, err)
	}
	if p2, _ := c.Policy(ctx); p2 != p1 {
		t.Fatal("the policy is not kept for the session")
	}
	cams, err := c.Cameras(ctx)
	if err != nil || len(cams) == 0 {
		t.Fatalf("Cameras = %v %v", cams, err)
	}
	// An explicit refresh rotates the refresh token; the old one is dead.
	old := c.Tokens().RefreshToken
	if _, err := c.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if c.Tokens().RefreshToken == old || len(rotations) != 2 {
		t.Fatal("refresh did not rotate the tokens")
	}
	other := w.client(t, client.Config{})
	if _, err := other.Resume(ctx, old, time.Time{}); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("a used refresh token = %v, want ErrUnauthorized", err)
	}
	// Signing in again (unlocking) ends the previous sign-in on the store.
	before := c.Tokens().RefreshToken
	if _, err := c.Login(ctx, "detective", storetest.Password); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Resume(ctx, before, time.Time{}); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("the previous sign-in survived a new login: %v", err)
	}
	current := c.Tokens().RefreshToken
	if err := c.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if c.SignedIn() || rotations[len(rotations)-1].RefreshToken != "" {
		t.Fatal("logout kept tokens")
	}
	if _, err := other.Resume(ctx, current, time.Time{}); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("a revoked refresh token = %v", err)
	}
	if _, err := c.Me(ctx); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("Me after logout = %v", err)
	}
}

func TestWrongPasswordAndLockout(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, client.Config{})
	var err error
	for i := 0; i < 5; i++ {
		_, err = c.Login(ctx, "detective2", "wrong password")
		if i == 0 && (!errors.Is(err, client.ErrUnauthorized) || err.Error() == client.ErrUnauthorized.Error()) {
			t.Fatalf("wrong password = %v (want the store's sentence)", err)
		}
	}
	_, err = c.Login(ctx, "detective2", storetest.Password)
	if !errors.Is(err, client.ErrAccountLocked) || client.IsPermanent(err) {
		t.Fatalf("after 5 failures = %v, want ErrAccountLocked", err)
	}
	var ae *api.Error
	if !errors.As(err, &ae) || ae.Status() != 423 || ae.Code != api.CodeAccountLocked {
		t.Fatalf("errors.As *api.Error = %+v", ae)
	}
}

func TestAccessTokenRefreshesOnExpiryOnce(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	var rotations int
	c := w.client(t, client.Config{OnTokens: func(client.Tokens) { rotations++ }})
	if _, err := c.Login(ctx, "detective", storetest.Password); err != nil {
		t.Fatal(err)
	}
	first := c.Tokens()
	w.env.Clock.Advance(16 * time.Minute) // the access token lives 15 minutes
	me, err := c.Me(ctx)
	if err != nil || me.Username != "detective" {
		t.Fatalf("Me after expiry = %+v %v", me, err)
	}
	now := c.Tokens()
	if now.AccessToken == first.AccessToken || now.RefreshToken == first.RefreshToken || rotations != 2 {
		t.Fatalf("no transparent refresh (rotations %d)", rotations)
	}
	if !now.RefreshExpires.Equal(first.RefreshExpires) {
		t.Fatalf("a refresh moved the end of the shift: %v -> %v", first.RefreshExpires, now.RefreshExpires)
	}
	// Concurrent calls on an expired token refresh once (rotation would
	// otherwise revoke the family).
	w.env.Clock.Advance(16 * time.Minute)
	errs := make(chan error, 4)
	for i := 0; i < 4; i++ {
		go func() { _, err := c.Cameras(ctx); errs <- err }()
	}
	for i := 0; i < 4; i++ {
		if err := <-errs; err != nil {
			t.Fatalf("concurrent call after expiry: %v", err)
		}
	}
	if rotations != 3 {
		t.Fatalf("concurrent expiry caused %d rotations, want 1 more", rotations-2)
	}
	// After the shift (12 h) the refresh fails too: ErrUnauthorized.
	w.env.Clock.Advance(client.ShiftLength)
	_, err = c.Me(ctx)
	if !errors.Is(err, client.ErrUnauthorized) || errors.Is(err, client.ErrTokenExpired) {
		t.Fatalf("after the shift = %v, want ErrUnauthorized", err)
	}
	if !strings.Contains(err.Error(), "sign in") {
		t.Errorf("message: %q", err)
	}
}

func TestSearchPhotoVerifyRetainExportAudit(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	c := w.login(t, "detective")
	res, err := c.Search(ctx, api.SearchRequest{CaseContext: goodCase(), Plate: "7KLM*", Limit: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.SearchID == "" || res.Total != 3 || len(res.Results) != 2 || res.NextCursor == "" {
		t.Fatalf("first page = %+v", res)
	}
	page2, err := c.Search(ctx, api.SearchRequest{CaseContext: goodCase(), Plate: "7KLM*", Limit: 2, Cursor: res.NextCursor})
	if err != nil || len(page2.Results) != 1 || page2.SearchID != res.SearchID {
		t.Fatalf("second page = %+v %v", page2, err)
	}
	r := res.Results[0]
	photo, err := c.Photo(ctx, r.ID, client.BySearch(res.SearchID))
	if err != nil || !bytes.Equal(photo, w.photos[r.ID]) {
		t.Fatalf("photo of %s: %d bytes, %v", r.ID, len(photo), err)
	}
	key := "verify-" + r.ID
	req := api.VerificationRequest{SearchID: res.SearchID, Status: api.VerifyMisread, CorrectedPlate: "7KLM129"}
	v1, err := c.Verify(ctx, r.ID, req, client.WithIdempotencyKey(key))
	if err != nil || v1.Status != api.VerifyMisread || v1.By != "detective" {
		t.Fatalf("Verify = %+v %v", v1, err)
	}
	v2, err := c.Verify(ctx, r.ID, req, client.WithIdempotencyKey(key))
	if err != nil || !v2.At.Equal(v1.At) {
		t.Fatalf("repeated Verify = %+v %v (want the first answer)", v2, err)
	}
	ret, err := c.Retain(ctx, r.ID, api.RetainRequest{SearchID: res.SearchID, ReportNumber: "26-012345",
		Category: api.RetainCriminalInvestigation, Reason: "Evidence in the robbery case"})
	if err != nil || ret.ReadID != r.ID || ret.By != "detective" {
		t.Fatalf("Retain = %+v %v", ret, err)
	}
	exp, err := c.Export(ctx, api.ExportRequest{Kind: api.ExportEvidenceCSV, SearchID: res.SearchID,
		ReadIDs: []string{r.ID}, ReportNumber: "26-012345"})
	if err != nil || exp.ExportID == "" {
		t.Fatalf("Export = %+v %v", exp, err)
	}
	// The corrected plate is searchable now.
	again, err := c.Search(ctx, api.SearchRequest{CaseContext: goodCase(), Plate: "7KLM129"})
	if err != nil || len(again.Results) != 1 || again.Results[0].Verification == nil {
		t.Fatalf("search by the corrected plate = %+v %v", again, err)
	}

	sup := w.login(t, "supervisor")
	page, err := sup.Audit(ctx, client.AuditQuery{User: "detective", Action: "verification"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Entries) != 1 || page.Entries[0].Workstation != "desk-test" || page.Entries[0].ReportNumber != "26-012345" {
		t.Fatalf("verification audit entries (want exactly one) = %+v", page.Entries)
	}
	all, err := sup.Audit(ctx, client.AuditQuery{Limit: 3})
	if err != nil || len(all.Entries) != 3 || all.NextCursor == "" {
		t.Fatalf("audit page = %d entries, cursor %q, %v", len(all.Entries), all.NextCursor, err)
	}
	more, err := sup.Audit(ctx, client.AuditQuery{Limit: 3, Cursor: all.NextCursor})
	if err != nil || len(more.Entries) == 0 || more.Entries[0].Seq >= all.Entries[2].Seq {
		t.Fatalf("next audit page = %+v %v", more, err)
	}
	av, err := sup.AuditVerify(ctx)
	if err != nil || !av.OK || av.Checked == 0 || av.Head.Hash == "" {
		t.Fatalf("AuditVerify = %+v %v", av, err)
	}
}

// TestErrorsFromTheStore drives every refusal the store issues through the
// client and checks each maps to its sentinel with the store's sentence.
func TestErrorsFromTheStore(t *testing.T) {
	w := newWorld(t)
	ctx := context.Background()
	det := w.login(t, "detective")
	res, err := det.Search(ctx, api.SearchRequest{CaseContext: goodCase(), Plate: "7KLM121"})
	if err != nil {
		t.Fatal(err)
	}
	rookie, approver, det2 := w.login(t, "rookie"), w.login(t, "approver"), w.login(t, "detective2")
	search := func(c *client.Client, mod func(*api.SearchRequest)) func() error {
		return func() error {
			req := api.SearchRequest{CaseContext: goodCase(), Plate: "7KLM*"}
			mod(&req)
			_, err := c.Search(ctx, req)
			return err
		}
	}
	now := w.env.Clock.Now()
	weekAgo := now.Add(-8 * 24 * time.Hour)
	for _, tc := range []struct {
		name string
		call func() error
		want error
	}{
		{"no case", search(det, func(r *api.SearchRequest) { r.CaseContext = api.CaseContext{} }), client.ErrCaseContextRequired},
		{"bad report", search(det, func(r *api.SearchRequest) { r.ReportNumber = "12345" }), client.ErrInvalidReportNumber},
		{"bad category", search(det, func(r *api.SearchRequest) { r.PurposeCategory = "curiosity" }), client.ErrInvalidPurposeCategory},
		{"filler", search(det, func(r *api.SearchRequest) { r.Purpose = "investigation follow up" }), client.ErrPurposeTooVague},
		{"prohibited", search(det, func(r *api.SearchRequest) { r.Purpose = "Check for ICE on an undocumented driver" }), client.ErrProhibitedPurpose},
		{"untrained", search(rookie, func(*api.SearchRequest) {}), client.ErrTrainingRequired},
		{"role", search(approver, func(*api.SearchRequest) {}), client.ErrForbidden},
		{"pattern", search(det, func(r *api.SearchRequest) { r.Plate = "7*" }), client.ErrPatternTooBroad},
		{"too broad", search(det, func(r *api.SearchRequest) { r.Plate = ""; r.From = &weekAgo }), client.ErrSearchTooBroad},
		{"limit", search(det, func(r *api.SearchRequest) { r.Limit = 9999 }), client.ErrInvalidField},
		{"feature", search(det, func(r *api.SearchRequest) { r.Features = []string{"bumper_sticker"} }), client.ErrFeatureNotSearchable},
		{"photo of another's search", func() error {
			_, err := det2.Photo(ctx, w.reads[0], client.BySearch(res.SearchID))
			return err
		}, client.ErrForbidden},
		{"verify bad status", func() error {
			_, err := det.Verify(ctx, w.reads[0], api.VerificationRequest{SearchID: res.SearchID, Status: "maybe"})
			return err
		}, client.ErrInvalidField},
		{"audit by a detective", func() error { _, err := det.Audit(ctx, client.AuditQuery{}); return err }, client.ErrForbidden},
		{"retain bad category", func() error {
			_, err := det.Retain(ctx, w.reads[0], api.RetainRequest{SearchID: res.SearchID, ReportNumber: "26-012345",
				Category: "because", Reason: "x"})
			return err
		}, client.ErrInvalidField},
	} {
		err := tc.call()
		if !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			continue
		}
		var ce *client.Error
		if !errors.As(err, &ce) || ce.Message == "" || ce.Message == tc.want.Error() || ce.Status < 400 {
			t.Errorf("%s: the store's sentence is lost: %+v", tc.name, ce)
		}
	}
	// Exercises exist only on demo stores.
	if _, err := det.Exercises(ctx); err == nil {
		t.Error("exercises on a non-demo store")
	}
}

func TestHotlistAndAlertRoutesAreReportedClearly(t *testing.T) {
	// The hotlist routes answer on the store (hotlist_test.go tests them in
	// full); an empty store has no entries, and an unknown alert is
	// ErrNotFound.
	w := newWorld(t)
	c := w.login(t, "detective")
	es, err := c.HotlistEntries(context.Background())
	if err != nil || len(es) != 0 {
		t.Fatalf("HotlistEntries = %v %v", es, err)
	}
	if err := c.AckAlert(context.Background(), "al_404", ""); !errors.Is(err, client.ErrNotFound) {
		t.Fatalf("AckAlert of no alert = %v", err)
	}
}

// requireKeyring skips only when no Secret Service answers.
func requireKeyring(t *testing.T) {
	t.Helper()
	k := &client.Keyring{Host: "probe.invalid"}
	if err := k.Available(); err != nil {
		if os.Getenv("ALPR_REQUIRE_KEYRING") != "" {
			t.Fatalf("ALPR_REQUIRE_KEYRING is set but no Secret Service answers: %v", err)
		}
		t.Skipf("no Secret Service reachable (%v); run under dbus-run-session with gnome-keyring-daemon (scripts/test.sh does)", err)
	}
}

func TestCredentialsInTheKeyring(t *testing.T) {
	requireKeyring(t)
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, client.Config{})
	k := client.NewKeyring(c)
	k.Now = w.env.Clock.Now
	t.Cleanup(func() { k.Delete("detective") })

	if _, err := c.SignInFromKeyring(ctx, k, "detective"); !errors.Is(err, client.ErrNoSavedSession) {
		t.Fatalf("first start = %v, want ErrNoSavedSession", err)
	}
	tr, err := c.LoginAndRemember(ctx, k, "detective", storetest.Password)
	if err != nil || tr.User.Username != "detective" {
		t.Fatalf("LoginAndRemember = %+v %v", tr, err)
	}
	saved, err := k.Load("detective")
	if err != nil || saved.RefreshToken != c.Tokens().RefreshToken || saved.Locked {
		t.Fatalf("saved = %+v %v", saved, err)
	}

	// A restart within the shift signs in from the keyring; the rotated
	// token replaces the saved one.
	c2 := w.client(t, client.Config{})
	if _, err := c2.SignInFromKeyring(ctx, k, "detective"); err != nil {
		t.Fatal(err)
	}
	if me, err := c2.Me(ctx); err != nil || me.Username != "detective" {
		t.Fatalf("Me from keyring session = %+v %v", me, err)
	}
	rotated, _ := k.Load("detective")
	if rotated.RefreshToken == saved.RefreshToken || rotated.RefreshToken != c2.Tokens().RefreshToken ||
		!rotated.Expires.Equal(saved.Expires) {
		t.Fatalf("keyring not updated on rotation: %+v -> %+v", saved, rotated)
	}
	// A transparent refresh (expired access token) is saved too.
	w.env.Clock.Advance(16 * time.Minute)
	if _, err := c2.Cameras(ctx); err != nil {
		t.Fatal(err)
	}
	if again, _ := k.Load("detective"); again.RefreshToken != c2.Tokens().RefreshToken || again.RefreshToken == rotated.RefreshToken {
		t.Fatal("the transparent refresh was not saved")
	}

	// An idle lock survives a restart: the next start is told to show the lock screen.
	if err := c2.Lock(); err != nil || !c2.Locked() {
		t.Fatal("Lock failed")
	}
	c3 := w.client(t, client.Config{})
	if _, err := c3.SignInFromKeyring(ctx, k, "detective"); !errors.Is(err, client.ErrSessionLocked) {
		t.Fatalf("start of a locked session = %v, want ErrSessionLocked", err)
	}
	// Rotations while locked keep the lock.
	w.env.Clock.Advance(16 * time.Minute)
	if _, err := c2.Me(ctx); err != nil {
		t.Fatal(err)
	}
	if s, _ := k.Load("detective"); !s.Locked {
		t.Fatal("a rotation while locked cleared the lock")
	}
	// Unlocking takes the password.
	if _, err := c3.LoginAndRemember(ctx, k, "detective", "wrong"); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("unlock with a wrong password = %v", err)
	}
	if _, err := c3.LoginAndRemember(ctx, k, "detective", storetest.Password); err != nil {
		t.Fatal(err)
	}
	if s, _ := k.Load("detective"); s.Locked || c3.Locked() {
		t.Fatal("unlock did not clear the lock")
	}

	// Logout revokes on the store and deletes the entry.
	last := c3.Tokens().RefreshToken
	if err := c3.Logout(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Load("detective"); !errors.Is(err, client.ErrNoSavedSession) {
		t.Fatalf("entry after logout: %v", err)
	}
	if _, err := w.client(t, client.Config{}).Resume(ctx, last, time.Time{}); !errors.Is(err, client.ErrUnauthorized) {
		t.Fatalf("the logged-out token still works: %v", err)
	}

	// A saved session past its shift is refused without asking the store, and removed.
	if err := k.Save("detective", client.SavedSession{RefreshToken: "old", Expires: w.env.Clock.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	w.env.Clock.Advance(2 * time.Hour)
	if _, err := c3.SignInFromKeyring(ctx, k, "detective"); !errors.Is(err, client.ErrSessionExpired) {
		t.Fatalf("expired saved session = %v", err)
	}
	if _, err := k.Load("detective"); !errors.Is(err, client.ErrNoSavedSession) {
		t.Fatal("the expired entry was kept")
	}
	// A saved token the store no longer knows: ErrSessionExpired, entry removed.
	k.Save("detective", client.SavedSession{RefreshToken: "revoked", Expires: w.env.Clock.Now().Add(time.Hour)})
	if _, err := c3.SignInFromKeyring(ctx, k, "detective"); !errors.Is(err, client.ErrSessionExpired) {
		t.Fatalf("unknown saved token = %v", err)
	}
	if _, err := k.Load("detective"); !errors.Is(err, client.ErrNoSavedSession) {
		t.Fatal("the dead entry was kept")
	}
}

func TestAnotherUsersLoginNeverLandsInTheFirstUsersEntry(t *testing.T) {
	requireKeyring(t)
	w := newWorld(t)
	ctx := context.Background()
	c := w.client(t, client.Config{})
	k := client.NewKeyring(c)
	t.Cleanup(func() { k.Delete("detective"); k.Delete("detective2") })
	if _, err := c.LoginAndRemember(ctx, k, "detective", storetest.Password); err != nil {
		t.Fatal(err)
	}
	saved, _ := k.Load("detective")
	if _, err := c.Login(ctx, "detective2", storetest.Password); err != nil {
		t.Fatal(err)
	}
	if after, _ := k.Load("detective"); after.RefreshToken != saved.RefreshToken {
		t.Fatal("detective2's token was saved as detective's")
	}
}

func TestExercisesOnADemoStore(t *testing.T) {
	env := storetest.StartDemo(t, 7, 3000)
	ctx := context.Background()
	login := func(user string) *client.Client {
		c, err := client.New(client.Config{BaseURL: env.URL, Transport: apitest.Load(t).Transport(t, http.DefaultTransport)})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := c.Login(ctx, user, store.DemoPassword); err != nil {
			t.Fatalf("login %s: %v", user, err)
		}
		return c
	}
	p, err := login("detective").Policy(ctx)
	if err != nil || !p.Demo {
		t.Fatalf("demo policy = %+v %v", p, err)
	}
	ex, err := login("detective").Exercises(ctx)
	if err != nil || len(ex) < 6 {
		t.Fatalf("exercises for a detective = %d, %v", len(ex), err)
	}
	for _, e := range ex {
		if e.Answer != "" || e.ReportNumber == "" {
			t.Fatalf("a detective sees %+v", e)
		}
	}
	ex, err = login("trainer").Exercises(ctx)
	if err != nil || len(ex) < 6 || ex[0].Answer == "" {
		t.Fatalf("exercises for the trainer = %+v %v", ex, err)
	}
}
