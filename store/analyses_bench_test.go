package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// benchConvoyTarget is the plate the convoy benchmark follows: 200 reads
// over the 7 days before the bench clock, at random bench cameras, with
// two companions 20-60 s behind it at 150 of them. The reads are added to
// the bench world on first use (ids are fixed, so a kept database is not
// loaded twice).
const benchConvoyTarget = "9CNV200"

func ensureConvoyTarget(b *testing.B, w *benchWorld) {
	r := rand.New(rand.NewPCG(9, 9))
	_, err := w.srv.Storage().BulkInsertReads(context.Background(), func(put func(*store.ReadRecord) error) error {
		for i := range 200 {
			at := w.now.Add(-time.Duration(r.Int64N(int64(7*24*time.Hour - time.Hour))))
			cam := w.cams[r.IntN(len(w.cams))].ID
			reads := []api.ReadMeta{{ID: fmt.Sprintf("bcnv-t%03d", i), Plate: benchConvoyTarget, CapturedAt: at}}
			if i < 150 {
				for j, p := range []string{"9CMP201", "9CMP202"} {
					reads = append(reads, api.ReadMeta{ID: fmt.Sprintf("bcnv-c%d-%03d", j, i), Plate: p,
						CapturedAt: at.Add(time.Duration(20+r.IntN(40)) * time.Second)})
				}
			}
			for _, m := range reads {
				m.CameraID, m.State, m.Confidence, m.Make, m.Color, m.BodyType = cam, "CA", 0.9, "Ford", "black", "sedan"
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
}

// benchCase is the case context of the analysis benchmarks (convoy allowed).
var benchCase = api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: "Armed robbery series, suspect vehicle sought"}

// benchPost posts body with the token and decodes the answer into out,
// returning the round trip's duration.
func benchPost(b *testing.B, url, token string, body, out any) time.Duration {
	raw, _ := json.Marshal(body)
	hr, _ := http.NewRequest("POST", url, bytes.NewReader(raw))
	hr.Header.Set("Authorization", "Bearer "+token)
	hr.Header.Set("Content-Type", "application/json")
	t0 := time.Now()
	resp, err := http.DefaultClient.Do(hr)
	if err != nil {
		b.Fatal(err)
	}
	defer resp.Body.Close()
	err = json.NewDecoder(resp.Body).Decode(out)
	d := time.Since(t0)
	if resp.StatusCode != http.StatusOK || err != nil {
		b.Fatalf("POST %s: status %d (%v)", url, resp.StatusCode, err)
	}
	return d
}

// BenchmarkAnalyses times both analyses through the HTTP API (gates,
// queries, audit write, JSON): common plates over 3 scenes of 1 km / 2 h
// each (centred on random bench cameras, at random times), and a convoy
// for a target with 200 reads over 7 days (within 60 s, 3 cameras).
func BenchmarkAnalyses(b *testing.B) {
	eachBackend(b, benchAnalyses)
}

func benchAnalyses(b *testing.B, w *benchWorld) {
	ensureConvoyTarget(b, w)
	ts := httptest.NewServer(w.srv.Handler())
	defer ts.Close()
	tr := benchLogin(b, ts.URL)
	b.Run("common_plates_3x1km_2h", func(b *testing.B) {
		r := rand.New(rand.NewPCG(4, 4))
		var ds []time.Duration
		plates := 0
		for b.Loop() {
			req := api.CommonPlatesRequest{CaseContext: benchCase, MinScenes: 2}
			for range 3 {
				c := w.cams[r.IntN(len(w.cams))]
				from := w.now.Add(-time.Duration(1+r.IntN(27*24)) * time.Hour)
				req.Scenes = append(req.Scenes, api.Scene{Area: &api.Area{Lat: c.Lat, Lon: c.Lon, RadiusM: 1000}, From: from, To: from.Add(2 * time.Hour)})
			}
			var out api.CommonPlatesResponse
			ds = append(ds, benchPost(b, ts.URL+"/v1/analyses/common-plates", tr.AccessToken, req, &out))
			plates += len(out.Plates)
		}
		p50, p95 := percentiles(ds)
		b.ReportMetric(p50, "p50-ms")
		b.ReportMetric(p95, "p95-ms")
		b.ReportMetric(float64(plates)/float64(len(ds)), "plates/op")
	})
	b.Run("convoy_200reads_7d", func(b *testing.B) {
		var ds []time.Duration
		req := api.ConvoyRequest{CaseContext: benchCase, Plate: benchConvoyTarget, From: w.now.Add(-7 * 24 * time.Hour), To: w.now, WithinS: 60}
		var out api.ConvoyResponse
		for b.Loop() {
			ds = append(ds, benchPost(b, ts.URL+"/v1/analyses/convoy", tr.AccessToken, req, &out))
		}
		if len(out.TargetReads) != 200 || len(out.Companions) < 2 {
			b.Fatalf("convoy: %d target reads, %d companions", len(out.TargetReads), len(out.Companions))
		}
		p50, p95 := percentiles(ds)
		b.ReportMetric(p50, "p50-ms")
		b.ReportMetric(p95, "p95-ms")
	})
}
