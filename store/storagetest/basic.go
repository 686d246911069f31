package storagetest

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// testUsers: insert, duplicate, get, update every field, unknown users,
// list by username.
func testUsers(t *testing.T, st store.Storage) {
	u := store.UserRecord{User: api.User{Username: "dana", DisplayName: "Dana Ruiz", Role: api.RoleDetective,
		Serial: "S-1", Team: "east", TrainedOn: "2026-01-15"}, DesignatedBy: "memo 7",
		PasswordHash: []byte("$2a$04$hash"), CreatedAt: base}
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertUser(&u); err != nil {
			return err
		}
		a := store.UserRecord{User: api.User{Username: "abe", Role: api.RoleAdmin}, PasswordHash: []byte{1}, CreatedAt: base}
		return tx.InsertUser(&a)
	})
	update(t, st, func(tx store.Tx) error {
		wantErr(t, "insert taken username", tx.InsertUser(&u), store.ErrExists)
		_, err := tx.GetUser("nobody")
		wantErr(t, "get unknown user", err, store.ErrNotFound)
		ghost := store.UserRecord{User: api.User{Username: "ghost"}}
		wantErr(t, "update unknown user", tx.UpdateUser(&ghost), store.ErrNotFound)
		return nil
	})
	u2 := u
	u2.DisplayName, u2.Role, u2.Serial, u2.Team, u2.TrainedOn = "Dana R.", api.RoleSupervisor, "S-2", "west", ""
	u2.DesignatedBy, u2.PasswordHash, u2.Disabled, u2.Demo = "memo 8", []byte("other"), true, true
	u2.FailedLogins, u2.LockedUntil = 3, base.Add(15*time.Minute)
	update(t, st, func(tx store.Tx) error { return tx.UpdateUser(&u2) })
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.GetUser("dana")
		if err != nil {
			return err
		}
		if got.User != u2.User || got.DesignatedBy != u2.DesignatedBy || !bytes.Equal(got.PasswordHash, u2.PasswordHash) ||
			got.Disabled != u2.Disabled || got.FailedLogins != 3 || !got.LockedUntil.Equal(u2.LockedUntil) || !got.CreatedAt.Equal(base) {
			t.Fatalf("user after update %+v, want %+v", got, u2)
		}
		list, err := tx.ListUsers()
		if err != nil {
			return err
		}
		if len(list) != 2 || list[0].Username != "abe" || list[1].Username != "dana" {
			t.Fatalf("ListUsers %+v", list)
		}
		return nil
	})
}

// testTokens: a family of tokens, marking used (reuse detection reads it),
// revoking the family, deleting expired families.
func testTokens(t *testing.T, st store.Storage) {
	toks := []store.TokenRecord{
		{Hash: "h-access", Kind: store.TokenAccess, Username: "dana", Family: "f1", ExpiresAt: base.Add(15 * time.Minute), FamilyExpiresAt: base.Add(12 * time.Hour)},
		{Hash: "h-refresh", Kind: store.TokenRefresh, Username: "dana", Family: "f1", ExpiresAt: base.Add(12 * time.Hour), FamilyExpiresAt: base.Add(12 * time.Hour)},
		{Hash: "h-other", Kind: store.TokenRefresh, Username: "eve", Family: "f2", ExpiresAt: base.Add(time.Hour), FamilyExpiresAt: base.Add(time.Hour)},
	}
	update(t, st, func(tx store.Tx) error {
		for i := range toks {
			if err := tx.InsertToken(&toks[i]); err != nil {
				return err
			}
		}
		return tx.MarkTokenUsed("h-refresh")
	})
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.GetToken("h-refresh")
		if err != nil {
			return err
		}
		want := toks[1]
		want.Used = true
		if *got != want {
			t.Fatalf("token %+v, want %+v", got, want)
		}
		_, err = tx.GetToken("h-none")
		wantErr(t, "unknown token", err, store.ErrNotFound)
		return nil
	})
	update(t, st, func(tx store.Tx) error { return tx.RevokeFamily("f1") })
	view(t, st, func(tx store.ReadTx) error {
		for h, revoked := range map[string]bool{"h-access": true, "h-refresh": true, "h-other": false} {
			got, err := tx.GetToken(h)
			if err != nil {
				return err
			}
			if got.Revoked != revoked {
				t.Fatalf("token %s revoked %v, want %v", h, got.Revoked, revoked)
			}
		}
		return nil
	})
	update(t, st, func(tx store.Tx) error { return tx.DeleteTokensBefore(base.Add(2 * time.Hour)) })
	view(t, st, func(tx store.ReadTx) error {
		_, err := tx.GetToken("h-other")
		wantErr(t, "token of an expired family", err, store.ErrNotFound)
		_, err = tx.GetToken("h-access")
		return err
	})
}

// testCameras: insert, duplicate id, duplicate token, by token, list.
func testCameras(t *testing.T, st store.Storage) {
	update(t, st, func(tx store.Tx) error {
		for _, c := range WorldCameras {
			if err := tx.InsertCamera(c, "tok-"+c.ID); err != nil {
				return err
			}
		}
		return tx.InsertCamera(api.Camera{ID: "cam-z", Name: "No token"}, "")
	})
	update(t, st, func(tx store.Tx) error {
		wantErr(t, "camera id taken", tx.InsertCamera(WorldCameras[0], "tok-new"), store.ErrExists)
		return nil
	})
	update(t, st, func(tx store.Tx) error {
		wantErr(t, "camera token taken", tx.InsertCamera(api.Camera{ID: "cam-y"}, "tok-cam-a"), store.ErrExists)
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		c, err := tx.CameraByToken("tok-cam-b")
		if err != nil {
			return err
		}
		if *c != WorldCameras[1] {
			t.Fatalf("camera by token %+v", c)
		}
		_, err = tx.CameraByToken("tok-none")
		wantErr(t, "unknown camera token", err, store.ErrNotFound)
		all, err := tx.Cameras()
		if err != nil {
			return err
		}
		want := append(slices.Clone(WorldCameras), api.Camera{ID: "cam-z", Name: "No token"})
		if !slices.Equal(all, want) {
			t.Fatalf("cameras %+v, want %+v", all, want)
		}
		return nil
	})
}

// testMeta: settings read "" when unset, are written and overwritten.
func testMeta(t *testing.T, st store.Storage) {
	if v, err := st.Meta(ctx, "storagetest_key"); err != nil || v != "" {
		t.Fatalf("unset meta = %q, %v", v, err)
	}
	for _, v := range []string{"one", "two"} {
		if err := st.SetMeta(ctx, "storagetest_key", v); err != nil {
			t.Fatal(err)
		}
		if got, err := st.Meta(ctx, "storagetest_key"); err != nil || got != v {
			t.Fatalf("meta = %q, %v, want %q", got, err, v)
		}
	}
}

// sampleRead is a read of the suite's own (not of the world).
func sampleRead(id string, at time.Time) api.ReadMeta {
	return api.ReadMeta{ID: id, CameraID: "cam-a", CapturedAt: at, Plate: "7ABC123", State: "CA", Confidence: 0.91,
		Make: "Toyota", Color: "blue", BodyType: "sedan", Features: []string{"roof_rack"}, PlateBox: api.Box{X: 1, Y: 2, W: 3, H: 4}}
}

// insertReads stores reads (with photo when given) in one transaction.
func insertReads(t *testing.T, st store.Storage, photo []byte, ms ...api.ReadMeta) {
	t.Helper()
	update(t, st, func(tx store.Tx) error {
		for _, m := range ms {
			if dup, err := tx.InsertRead(&store.ReadRecord{Meta: m, Photo: photo}); err != nil || dup {
				return fmt.Errorf("insert %s: dup %v, %v", m.ID, dup, err)
			}
		}
		return nil
	})
}

// testReads: insert with photo, duplicate, get, photo, a read without a
// photo, milliseconds kept, an unknown camera.
func testReads(t *testing.T, st store.Storage) {
	update(t, st, func(tx store.Tx) error { return tx.InsertCamera(WorldCameras[0], "") })
	at := base.Add(-time.Hour + 123*time.Millisecond)
	m := sampleRead("r1", at)
	photo := []byte("\xff\xd8 jpeg bytes \xff\xd9")
	insertReads(t, st, photo, m)
	m2 := sampleRead("r2", at)
	m2.CameraID, m2.Features = "cam-unknown", nil
	insertReads(t, st, nil, m2)
	update(t, st, func(tx store.Tx) error {
		other := sampleRead("r1", base)
		other.Plate = "OTHER1"
		dup, err := tx.InsertRead(&store.ReadRecord{Meta: other})
		if err != nil || !dup {
			t.Fatalf("second insert of r1: dup %v, %v", dup, err)
		}
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		r, err := tx.GetRead("r1")
		if err != nil {
			return err
		}
		want := api.Read{ID: "r1", Plate: m.Plate, State: m.State, Confidence: m.Confidence, CapturedAt: at,
			Camera: readCamera(WorldCameras[0]), Make: m.Make, Color: m.Color, BodyType: m.BodyType, Features: m.Features, PlateBox: m.PlateBox}
		if fmt.Sprint(*r) != fmt.Sprint(want) {
			t.Fatalf("read %+v,\nwant %+v", *r, want)
		}
		r2, err := tx.GetRead("r2")
		if err != nil {
			return err
		}
		if r2.Camera.ID != "cam-unknown" || r2.Camera.Name != "" || r2.Features == nil || len(r2.Features) != 0 {
			t.Fatalf("read of an unknown camera without features: %+v", r2)
		}
		got, err := tx.Photo("r1")
		if err != nil || !bytes.Equal(got, photo) {
			t.Fatalf("photo %q, %v", got, err)
		}
		_, err = tx.Photo("r2")
		wantErr(t, "photo of a read without one", err, store.ErrNotFound)
		_, err = tx.GetRead("r9")
		wantErr(t, "unknown read", err, store.ErrNotFound)
		_, err = tx.Photo("r9")
		wantErr(t, "photo of an unknown read", err, store.ErrNotFound)
		return nil
	})
}

// testVerification: a verdict is stored and replaced; a corrected plate
// makes the read searchable by it; an unknown read is ErrNotFound.
func testVerification(t *testing.T, st store.Storage) {
	insertReads(t, st, nil, sampleRead("r1", base.Add(-time.Hour)))
	v := api.Verification{Status: api.VerifyMisread, CorrectedPlate: "7ABC128", CorrectedState: "NV", By: "dana", At: base}
	update(t, st, func(tx store.Tx) error {
		if err := tx.SetVerification("r1", v); err != nil {
			return err
		}
		wantErr(t, "verify unknown read", tx.SetVerification("r9", v), store.ErrNotFound)
		return nil
	})
	view(t, st, func(tx store.ReadTx) error {
		r, err := tx.GetRead("r1")
		if err != nil {
			return err
		}
		if r.Verification == nil || *r.Verification != v {
			t.Fatalf("verification %+v, want %+v", r.Verification, v)
		}
		return nil
	})
	for _, p := range []string{"7ABC128", "7ABC123"} {
		q := store.ReadQuery{Pattern: mustPattern(p), Limit: 10, CountCap: 10}
		if page := search(t, st, q); len(page.Reads) != 1 {
			t.Fatalf("search %s after correction: %d reads", p, len(page.Reads))
		}
	}
	c := api.Verification{Status: api.VerifyConfirmed, By: "eve", At: base.Add(time.Minute)}
	update(t, st, func(tx store.Tx) error { return tx.SetVerification("r1", c) })
	view(t, st, func(tx store.ReadTx) error {
		r, err := tx.GetRead("r1")
		if err == nil && (r.Verification == nil || *r.Verification != c) {
			t.Fatalf("replaced verification %+v, want %+v", r.Verification, c)
		}
		return err
	})
	if page := search(t, st, store.ReadQuery{Pattern: mustPattern("7ABC128"), Limit: 10, CountCap: 10}); len(page.Reads) != 0 {
		t.Fatalf("a confirmed read is still found by its old correction")
	}
}

// testPurge: reads before the cut go with their photos unless retained
// (DESIGN rule 6 exceptions); retentions of unknown reads are refused.
func testPurge(t *testing.T, st store.Storage) {
	old, keep, recent := sampleRead("old", base.Add(-40*24*time.Hour)), sampleRead("keep", base.Add(-41*24*time.Hour)), sampleRead("new", base.Add(-time.Hour))
	old2 := sampleRead("old2", base.Add(-31*24*time.Hour))
	insertReads(t, st, []byte("jpeg"), old, keep, recent, old2)
	ret := api.Retention{ReadID: "keep", ReportNumber: "26-001", Category: "evidence", Reason: "case", By: "dana", At: base}
	update(t, st, func(tx store.Tx) error {
		if err := tx.InsertRetention(ret, "s1", ""); err != nil {
			return err
		}
		bad := ret
		bad.ReadID = "missing"
		wantErr(t, "retain unknown read", tx.InsertRetention(bad, "s1", ""), store.ErrNotFound)
		return nil
	})
	var n int
	update(t, st, func(tx store.Tx) error {
		var err error
		n, err = tx.PurgeReads(base.Add(-30 * 24 * time.Hour))
		return err
	})
	if n != 2 {
		t.Fatalf("purged %d reads, want 2", n)
	}
	view(t, st, func(tx store.ReadTx) error {
		for _, id := range []string{"old", "old2"} {
			_, err := tx.GetRead(id)
			wantErr(t, "purged read "+id, err, store.ErrNotFound)
			_, err = tx.Photo(id)
			wantErr(t, "photo of purged read "+id, err, store.ErrNotFound)
		}
		for _, id := range []string{"keep", "new"} {
			if _, err := tx.GetRead(id); err != nil {
				t.Fatalf("read %s after purge: %v", id, err)
			}
			if p, err := tx.Photo(id); err != nil || string(p) != "jpeg" {
				t.Fatalf("photo of %s after purge: %q, %v", id, p, err)
			}
		}
		return nil
	})
	q := store.ReadQuery{Pattern: mustPattern("7ABC123"), Limit: 10, CountCap: 10}
	if got := pageIDs(search(t, st, q)); !slices.Equal(got, []string{"new", "keep"}) {
		t.Fatalf("search after purge: %v", got)
	}
	update(t, st, func(tx store.Tx) error {
		var err error
		n, err = tx.PurgeReads(base.Add(-30 * 24 * time.Hour))
		return err
	})
	if n != 0 {
		t.Fatalf("second purge removed %d", n)
	}
}

// testBulkInsert: bulk loading commits every new read, skips duplicates
// (of stored reads and within the load), and the reads are searchable.
func testBulkInsert(t *testing.T, st store.Storage) {
	insertReads(t, st, nil, sampleRead("b0003", base.Add(-time.Hour)))
	n, err := st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for i := range 2500 {
			m := sampleRead(fmt.Sprintf("b%04d", i), base.Add(-time.Duration(i)*time.Minute))
			m.Plate = fmt.Sprintf("8BLK%03d", i%700)
			if err := put(&store.ReadRecord{Meta: m, Photo: []byte{byte(i)}}); err != nil {
				return err
			}
		}
		return put(&store.ReadRecord{Meta: sampleRead("b0001", base)})
	})
	if err != nil || n != 2499 {
		t.Fatalf("bulk insert committed %d, %v; want 2499", n, err)
	}
	page := search(t, st, store.ReadQuery{Pattern: mustPattern("8BLK00?"), Limit: 100, CountCap: 100})
	if page.Total != 39 { // 8BLK000..009, four reads each, less the skipped b0003
		t.Fatalf("bulk-loaded plates found %d, want 39", page.Total)
	}
	view(t, st, func(tx store.ReadTx) error {
		p, err := tx.Photo("b0042")
		if err != nil || !bytes.Equal(p, []byte{42}) {
			t.Fatalf("bulk photo %v, %v", p, err)
		}
		return err
	})
}

// testShiftReadTimes moves every capture time.
func testShiftReadTimes(t *testing.T, st store.Storage) {
	insertReads(t, st, nil, sampleRead("r1", base))
	if err := st.ShiftReadTimes(ctx, 36*time.Hour+5*time.Millisecond); err != nil {
		t.Fatal(err)
	}
	view(t, st, func(tx store.ReadTx) error {
		r, err := tx.GetRead("r1")
		if err == nil && !r.CapturedAt.Equal(base.Add(36*time.Hour+5*time.Millisecond)) {
			t.Fatalf("shifted time %v", r.CapturedAt)
		}
		return err
	})
	page := search(t, st, store.ReadQuery{From: base.Add(35 * time.Hour), Limit: 10, CountCap: 10})
	if len(page.Reads) != 1 {
		t.Fatalf("search by the shifted time found %d", len(page.Reads))
	}
}

// testRollback: an error in the transaction keeps nothing of it.
func testRollback(t *testing.T, st store.Storage) {
	err := st.Update(ctx, func(tx store.Tx) error {
		if _, err := tx.InsertRead(&store.ReadRecord{Meta: sampleRead("r1", base)}); err != nil {
			return err
		}
		u := store.UserRecord{User: api.User{Username: "gone"}, PasswordHash: []byte{1}}
		if err := tx.InsertUser(&u); err != nil {
			return err
		}
		return errRollback
	})
	wantErr(t, "failed update", err, errRollback)
	view(t, st, func(tx store.ReadTx) error {
		_, err := tx.GetRead("r1")
		wantErr(t, "read of a rolled-back transaction", err, store.ErrNotFound)
		_, err = tx.GetUser("gone")
		wantErr(t, "user of a rolled-back transaction", err, store.ErrNotFound)
		return nil
	})
	page := search(t, st, store.ReadQuery{Pattern: mustPattern("7ABC123"), Limit: 1, CountCap: 1})
	if len(page.Reads) != 0 {
		t.Fatal("a rolled-back read is found")
	}
	insertReads(t, st, nil, sampleRead("r1", base)) // the plate is usable afterwards
	if page := search(t, st, store.ReadQuery{Pattern: mustPattern("7ABC123"), Limit: 1, CountCap: 1}); len(page.Reads) != 1 {
		t.Fatal("a plate first seen in a rolled-back transaction is not found later")
	}
}

// readCamera is the camera as a read carries it.
func readCamera(c api.Camera) api.ReadCamera {
	return api.ReadCamera{ID: c.ID, Name: c.Name, Lat: c.Lat, Lon: c.Lon}
}

// testConcurrentWrites: read-modify-writes of one user from many
// transactions at once lose no update (failed logins counted across
// nodes), and reads of one new plate (and one id) ingested at once all
// land, the id once.
func testConcurrentWrites(t *testing.T, st store.Storage) {
	u := store.UserRecord{User: api.User{Username: "dana"}, PasswordHash: []byte{1}}
	update(t, st, func(tx store.Tx) error { return tx.InsertUser(&u) })
	const workers, each = 6, 10
	errs := make(chan error, 2*workers*each)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				errs <- st.Update(ctx, func(tx store.Tx) error {
					got, err := tx.GetUser("dana")
					if err != nil {
						return err
					}
					got.FailedLogins++
					return tx.UpdateUser(got)
				})
				errs <- st.Update(ctx, func(tx store.Tx) error {
					m := sampleRead(fmt.Sprintf("c%d-%d", w, i), base)
					m.Plate = fmt.Sprintf("9RACE%02d", i)
					if _, err := tx.InsertRead(&store.ReadRecord{Meta: m}); err != nil {
						return err
					}
					_, err := tx.InsertRead(&store.ReadRecord{Meta: sampleRead("same-id", base)})
					return err
				})
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatalf("concurrent write: %v", err)
		}
	}
	view(t, st, func(tx store.ReadTx) error {
		got, err := tx.GetUser("dana")
		if err == nil && got.FailedLogins != workers*each {
			t.Fatalf("failed logins %d after %d concurrent increments", got.FailedLogins, workers*each)
		}
		return err
	})
	if p := search(t, st, store.ReadQuery{Pattern: mustPattern("9RACE*"), Limit: 1, CountCap: 1000}); p.Total != workers*each {
		t.Fatalf("%d reads of the raced plates, want %d", p.Total, workers*each)
	}
	if p := search(t, st, store.ReadQuery{Pattern: mustPattern("7ABC123"), Limit: 5, CountCap: 5}); p.Total != 1 {
		t.Fatalf("one id ingested at once by many: %d reads", p.Total)
	}
}
