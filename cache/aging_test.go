package cache

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
)

// TestNothingOutlivesRetentionInCache ages a cache by 31 days and looks for
// a plate everywhere: decrypted through the cache's own API (searches,
// results, photos, outbox) and as plain bytes in every file of the cache
// folder (the database, its WAL and journal).
func TestNothingOutlivesRetentionInCache(t *testing.T) {
	const plate = "4OLD777"
	dir, clk := t.TempDir(), newClock()
	c := openTest(t, dir, clk, testKey(7))
	rd := api.Read{ID: "old1", Plate: plate, State: "CA", CapturedAt: clk.Now().Add(-time.Hour)}
	req := api.SearchRequest{CaseContext: api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery",
		Purpose: "Armed robbery, silver sedan seen leaving"}, Plate: plate}
	if err := c.PutSearch(req, &api.SearchResponse{SearchID: "s1", Results: []api.Read{rd}, Total: 1}); err != nil {
		t.Fatal(err)
	}
	if err := c.PutPhoto(rd.ID, rd.CapturedAt, testJPEG(t, 1)); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnqueueVerification(rd.ID, api.VerificationRequest{SearchID: "s1", Status: api.VerifyMisread, CorrectedPlate: "4OLD778"}); err != nil {
		t.Fatal(err)
	}
	if !cacheHolds(t, c, plate) || !cacheHolds(t, c, "4OLD778") {
		t.Fatal("before aging the cache's API does not show the plate; the scan sees nothing")
	}
	clk.Add(31 * 24 * time.Hour)
	if _, err := c.Purge(); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{plate, "4OLD778"} {
		if cacheHolds(t, c, p) {
			t.Errorf("31 days on, the cache still shows %s", p)
		}
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		b, rerr := os.ReadFile(path)
		if rerr != nil {
			t.Fatal(rerr)
		}
		if bytes.Contains(bytes.ToUpper(b), []byte(plate)) {
			t.Errorf("the file %s holds %s in plain bytes", path, plate)
		}
		return nil
	})
}

// cacheHolds reports whether anything the cache returns mentions text.
func cacheHolds(t *testing.T, c *Cache, text string) bool {
	t.Helper()
	var seen []any
	searches, err := c.Searches(100)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range searches {
		full, err := c.Search(s.SearchID)
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, full)
	}
	items, err := c.Pending()
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		seen = append(seen, string(it.Payload))
	}
	b, _ := json.Marshal(seen)
	if _, err := c.Photo("old1"); err == nil {
		return true
	}
	return strings.Contains(strings.ToUpper(string(b)), text)
}
