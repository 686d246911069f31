package store_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/storetest"
)

// Hotlist benchmark parameters (issue 6, "Performance").
const (
	benchEntries   = 10000
	benchRate      = 200 // reads per second through POST /v1/reads
	benchHitEvery  = 4   // one read in four is on a hotlist
	benchIngesters = 8
)

// BenchmarkHotlistHitToAlert measures the time from a camera starting
// POST /v1/reads of a read whose plate is on a hotlist to the alert
// arriving on a subscribed watch commander's stream, while reads arrive at
// 200 per second and 10,000 entries are active. b.N is the number of hits
// measured (4 reads per hit).
func BenchmarkHotlistHitToAlert(b *testing.B) {
	env := storetest.StartWith(b, store.Config{HotlistEvery: -1, Logf: func(string, ...any) {}})
	env.HTTP = http.DefaultClient // the generator measures the store, not the document checks
	hot := benchLists(b, env)
	photo := benchPhoto(b)
	rx := benchSubscribe(b, env, env.Login(b, "watch_commander"))
	defer rx.cancel()

	reads := b.N * benchHitEvery
	sent := make([]time.Time, reads)
	done := make([]time.Duration, reads)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var failMu sync.Mutex
	var fail error
	base := time.Now().UTC()
	for w := 0; w < benchIngesters; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				p := fmt.Sprintf("N%06d", i)
				if i%benchHitEvery == 0 {
					p = hot[(i/benchHitEvery)%len(hot)]
				}
				meta := api.ReadMeta{ID: fmt.Sprintf("bh-%d", i), CameraID: "cam-1", CapturedAt: base.Add(time.Duration(i) * time.Millisecond),
					Plate: p, State: "CA", Confidence: 0.9, PlateBox: api.Box{X: 100, Y: 200, W: 120, H: 40}}
				t0 := time.Now()
				sent[i] = t0
				if err := benchUpload(env, meta, photo); err != nil {
					failMu.Lock()
					fail = err
					failMu.Unlock()
				}
				done[i] = time.Since(t0)
			}
		}()
	}
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < reads; i++ {
		time.Sleep(time.Until(start.Add(time.Duration(i) * time.Second / benchRate))) // an even 200 reads/s
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)
	got := rx.waitFor(b, b.N)
	b.StopTimer()
	if fail != nil {
		b.Fatalf("ingest: %v", fail)
	}
	var lat, ingest []float64
	for i := 0; i < reads; i += benchHitEvery {
		at, ok := got[fmt.Sprintf("bh-%d", i)]
		if !ok {
			b.Fatalf("no alert for bh-%d", i)
		}
		lat = append(lat, float64(at.Sub(sent[i]).Microseconds())/1000)
	}
	for _, d := range done {
		ingest = append(ingest, float64(d.Microseconds())/1000)
	}
	b.ReportMetric(float64(reads)/elapsed.Seconds(), "reads/s")
	b.ReportMetric(pct(lat, 50), "hit-p50-ms")
	b.ReportMetric(pct(lat, 99), "hit-p99-ms")
	b.ReportMetric(pct(lat, 100), "hit-max-ms")
	b.ReportMetric(pct(ingest, 99), "ingest-p99-ms")
}

// pct returns the p-th percentile (nearest rank) of xs.
func pct(xs []float64, p float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s) == 0 {
		return 0
	}
	i := int(float64(len(s))*p/100+0.5) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// benchLists imports a stolen-vehicles list of benchEntries plates and
// returns them.
func benchLists(b *testing.B, env *storetest.Env) []string {
	var buf strings.Builder
	buf.WriteString("plate,state,vehicle_description,reason,source_id\n")
	plates := make([]string, benchEntries)
	r := rand.New(rand.NewPCG(6, 6))
	for i := range plates {
		plates[i] = fmt.Sprintf("H%02d%04d", r.IntN(100), i)
		fmt.Fprintf(&buf, "%s,CA,black sedan,Stolen,DOJ-%d\n", plates[i], i)
	}
	p := filepath.Join(b.TempDir(), "stolen_vehicles.csv")
	if err := os.WriteFile(p, []byte(buf.String()), 0o600); err != nil {
		b.Fatal(err)
	}
	res, err := env.Server.ImportHotlistFile(context.Background(), api.ListStolenVehicles, p, "cli:bench")
	if err != nil || res.Entries != benchEntries {
		b.Fatalf("import: %+v %v", res, err)
	}
	return plates
}

// benchPhoto is a 640x360 JPEG like a camera's.
func benchPhoto(b *testing.B) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 640, 360))
	for y := 0; y < 360; y++ {
		for x := 0; x < 640; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// benchUpload posts one read as a camera does.
func benchUpload(env *storetest.Env, meta api.ReadMeta, photo []byte) error {
	resp, err := http.DefaultClient.Do(storetest.UploadRequest(env.URL, env.CameraToken, meta, photo))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("status %d", resp.StatusCode)
	}
	return nil
}

// benchReceiver records when each read's alert arrived.
type benchReceiver struct {
	mu     sync.Mutex
	at     map[string]time.Time
	cancel context.CancelFunc
}

func benchSubscribe(b *testing.B, env *storetest.Env, token string) *benchReceiver {
	ctx, cancel := context.WithCancel(context.Background())
	rx := &benchReceiver{at: map[string]time.Time{}, cancel: cancel}
	req, _ := http.NewRequestWithContext(ctx, "GET", env.URL+"/v1/alerts/stream", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		cancel()
		b.Fatalf("subscribe: %v", err)
	}
	go func() {
		defer resp.Body.Close()
		sc := bufio.NewScanner(resp.Body)
		sc.Buffer(make([]byte, 64<<10), 4<<20)
		for sc.Scan() {
			line := sc.Bytes()
			if !bytes.HasPrefix(line, []byte("data: ")) {
				continue
			}
			now := time.Now()
			var a struct {
				Read struct {
					ID string `json:"id"`
				} `json:"read"`
			}
			if json.Unmarshal(line[6:], &a) == nil {
				rx.mu.Lock()
				rx.at[a.Read.ID] = now
				rx.mu.Unlock()
			}
		}
	}()
	return rx
}

// waitFor waits until n alerts arrived (at most 30 s) and returns them.
func (rx *benchReceiver) waitFor(b *testing.B, n int) map[string]time.Time {
	deadline := time.Now().Add(30 * time.Second)
	for {
		rx.mu.Lock()
		got := len(rx.at)
		rx.mu.Unlock()
		if got >= n || time.Now().After(deadline) {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	rx.mu.Lock()
	defer rx.mu.Unlock()
	out := make(map[string]time.Time, len(rx.at))
	for k, v := range rx.at {
		out[k] = v
	}
	return out
}

// BenchmarkHotlistHitToAlertBatch is the same measure through the batch
// API: 2,000 reads per second in batches of 200 (ten a second), 320x180
// photos, one read in four on the 10,000-entry list. The latency of a hit
// runs from the start of its batch's POST.
func BenchmarkHotlistHitToAlertBatch(b *testing.B) {
	const perBatch, batchesPerSecond = 200, 10
	env := storetest.StartWith(b, store.Config{HotlistEvery: -1, Logf: func(string, ...any) {}})
	env.HTTP = http.DefaultClient
	hot := benchLists(b, env)
	photo := base64Photo(b)
	rx := benchSubscribe(b, env, env.Login(b, "watch_commander"))
	defer rx.cancel()
	batches := max(20, b.N*benchHitEvery/perBatch) // at least 2 seconds
	sent := make([]time.Time, batches)
	base := time.Now().UTC()
	bodies := make([][]byte, batches)
	for k := range bodies {
		var body bytes.Buffer
		enc := json.NewEncoder(&body)
		for j := 0; j < perBatch; j++ {
			i := k*perBatch + j
			p := fmt.Sprintf("N%06d", i)
			if i%benchHitEvery == 0 {
				p = hot[(i/benchHitEvery)%len(hot)]
			}
			enc.Encode(api.ReadMeta{ID: fmt.Sprintf("bb-%d", i), CameraID: "cam-1", CapturedAt: base.Add(time.Duration(i) * time.Millisecond),
				Plate: p, State: "CA", Confidence: 0.9, PlateBox: api.Box{X: 50, Y: 100, W: 60, H: 20}, PhotoBase64: photo})
		}
		bodies[k] = body.Bytes()
	}
	var wg sync.WaitGroup
	var failMu sync.Mutex
	var fail error
	b.ResetTimer()
	start := time.Now()
	for k := 0; k < batches; k++ {
		time.Sleep(time.Until(start.Add(time.Duration(k) * time.Second / batchesPerSecond)))
		wg.Add(1)
		sent[k] = time.Now()
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest(http.MethodPost, env.URL+"/v1/reads:batch", bytes.NewReader(bodies[k]))
			req.Header.Set("Content-Type", "application/x-ndjson")
			req.Header.Set("Authorization", "Bearer "+env.CameraToken)
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					err = fmt.Errorf("status %d", resp.StatusCode)
				}
			}
			if err != nil {
				failMu.Lock()
				fail = err
				failMu.Unlock()
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	hits := batches * perBatch / benchHitEvery
	got := rx.waitFor(b, hits)
	b.StopTimer()
	if fail != nil {
		b.Fatalf("batch: %v", fail)
	}
	var lat []float64
	for i := 0; i < batches*perBatch; i += benchHitEvery {
		at, ok := got[fmt.Sprintf("bb-%d", i)]
		if !ok {
			b.Fatalf("no alert for bb-%d", i)
		}
		lat = append(lat, float64(at.Sub(sent[i/perBatch]).Microseconds())/1000)
	}
	b.ReportMetric(float64(batches*perBatch)/elapsed.Seconds(), "reads/s")
	b.ReportMetric(pct(lat, 50), "hit-p50-ms")
	b.ReportMetric(pct(lat, 99), "hit-p99-ms")
	b.ReportMetric(pct(lat, 100), "hit-max-ms")
}

// base64Photo is a 320x180 camera JPEG as a batch line carries it.
func base64Photo(b *testing.B) string {
	img := image.NewRGBA(image.Rect(0, 0, 320, 180))
	for y := 0; y < 180; y++ {
		for x := 0; x < 320; x++ {
			img.Set(x, y, color.RGBA{uint8(x), uint8(y), uint8(x ^ y), 255})
		}
	}
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, &jpeg.Options{Quality: 80}); err != nil {
		b.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(buf.Bytes())
}
