package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
	"alprdesk/store/postgres/pgtest"
	"alprdesk/store/storetest"
)

// BenchmarkNodes puts one PostgreSQL database under the load of issue 11
// section 5, 16 concurrent searchers (exact plate searches over HTTP) and
// 200 reads/s of single-read ingest (POST /v1/reads with a photo), served
// by node processes (real `alprstore serve` processes, as
// TestKilledNodeLosesNothing starts them) in three set-ups:
//
//   - one_node: one node takes all of it;
//   - two_nodes: two nodes, the searchers and the cameras split between them;
//   - two_nodes_kill_b: the same, node B killed with SIGKILL killAfter into
//     the run; its searchers and cameras then go to node A (what a load
//     balancer's health check does). Every read a node acknowledged must be
//     stored whole (storedWhole): `lost` is the count of acknowledged reads
//     missing afterwards, and the benchmark fails unless it is 0.
//
// One iteration is one search; p50-ms and p95-ms are the searches'
// latencies, ingest-p95-ms the reads', reads/s the ingest rate reached.
// The database holds benchSeedReads reads before the load starts.
//
//	./scripts/pg-test.sh go test -tags sqlite_fts5 -run '^$' -bench Nodes -benchtime 3000x ./cmd/alprstore/
func BenchmarkNodes(b *testing.B) {
	pgtest.Require(b)
	for _, c := range []struct {
		name  string
		nodes int
		kill  bool
	}{{"one_node", 1, false}, {"two_nodes", 2, false}, {"two_nodes_kill_b", 2, true}} {
		b.Run(c.name, func(b *testing.B) { benchNodes(b, c.nodes, c.kill) })
	}
}

// Load of BenchmarkNodes.
const (
	benchSearchers  = 16
	benchIngestRate = 200 // reads per second
	benchSeedReads  = 20000
	benchSeedPlates = 2000
	killAfter       = 3 * time.Second
)

// nodeLoad is the state of one BenchmarkNodes run.
type nodeLoad struct {
	nodes  []*node
	dead   atomic.Int32 // index+1 of the killed node, 0 while all live
	token  string
	camTok string
	plates []string
	jpeg   []byte
	client *http.Client

	mu       sync.Mutex
	searches []time.Duration
	ingests  []time.Duration
	acked    []string
	failed   atomic.Int64
}

func benchNodes(b *testing.B, n int, kill bool) {
	a := storetest.StartNodes(b, 1, store.Config{})[0]
	l := &nodeLoad{camTok: a.CameraToken, jpeg: storetest.JPEG(b, 64, 36),
		client: &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}}
	seedNodeBench(b, a, l)
	for range n {
		l.nodes = append(l.nodes, startNode(b, a.DBPath))
	}
	l.token = loginAt(b, l.nodes[0].url, "detective")

	stop := make(chan struct{})
	var ingest sync.WaitGroup
	ingest.Add(1)
	go func() { defer ingest.Done(); l.ingest(stop, &ingest) }()
	tickets := make(chan struct{})
	var searchers sync.WaitGroup
	for s := range benchSearchers {
		searchers.Add(1)
		go func() { defer searchers.Done(); l.search(s, tickets) }()
	}
	killed := make(chan struct{})
	if kill {
		go func() {
			time.Sleep(killAfter)
			l.kill(b, len(l.nodes)-1)
			close(killed)
		}()
	}
	start := time.Now()
	for b.Loop() {
		tickets <- struct{}{}
	}
	close(tickets)
	searchers.Wait()
	elapsed := time.Since(start)
	close(stop)
	ingest.Wait()
	if kill {
		select {
		case <-killed:
		default:
			b.Fatalf("the run ended before the kill (%v in): give it a larger -benchtime", killAfter)
		}
	}
	l.report(b, a, elapsed)
}

// seedNodeBench loads the reads the searches find and keeps their plates.
func seedNodeBench(b *testing.B, a *storetest.Env, l *nodeLoad) {
	for i := range benchSeedPlates {
		l.plates = append(l.plates, fmt.Sprintf("%dNB%04d", 1+i%9, i))
	}
	now := time.Now()
	_, err := a.Server.Storage().BulkInsertReads(context.Background(), func(put func(*store.ReadRecord) error) error {
		for i := range benchSeedReads {
			m := api.ReadMeta{ID: "seed-" + strconv.Itoa(i), CameraID: "cam-1", CapturedAt: now.Add(-time.Duration(i) * 4 * time.Second),
				Plate: l.plates[i%len(l.plates)], State: "CA", Confidence: 0.9, Make: "Toyota", Color: "silver", BodyType: "sedan"}
			if err := put(&store.ReadRecord{Meta: m}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// url is the node that request number i goes to: round robin over the
// live nodes (the killed one's share goes to node 0).
func (l *nodeLoad) url(i int) string {
	k := i % len(l.nodes)
	if int(l.dead.Load()) == k+1 {
		k = 0
	}
	return l.nodes[k].url
}

// kill ends node k with SIGKILL.
func (l *nodeLoad) kill(b *testing.B, k int) {
	if err := l.nodes[k].cmd.Process.Signal(syscall.SIGKILL); err != nil {
		b.Error(err)
	}
	l.nodes[k].cmd.Wait()
	l.dead.Store(int32(k + 1))
}

// ingest posts benchIngestRate reads a second, each from a goroutine of
// its own (a slow answer does not slow the cameras), until stop.
func (l *nodeLoad) ingest(stop <-chan struct{}, wg *sync.WaitGroup) {
	tick := time.NewTicker(time.Second / benchIngestRate)
	defer tick.Stop()
	for i := 0; ; i++ {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			l.post(i)
		}()
	}
}

// post sends read i, once more to another node when its node does not
// answer (the camera retries; a repeated id is not stored twice).
func (l *nodeLoad) post(i int) {
	meta := api.ReadMeta{ID: "load-" + strconv.Itoa(i), CameraID: "cam-1", CapturedAt: time.Now(),
		Plate: l.plates[(i*7)%len(l.plates)], State: "CA", Confidence: 0.9, Make: "Honda", Color: "blue", BodyType: "sedan",
		PlateBox: api.Box{X: 1, Y: 1, W: 10, H: 5}}
	for try := range 2 {
		t0 := time.Now()
		resp, err := l.client.Do(storetest.UploadRequest(l.url(i+try), l.camTok, meta, l.jpeg))
		if err != nil {
			continue
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusCreated || resp.StatusCode == http.StatusOK {
			l.mu.Lock()
			l.ingests = append(l.ingests, time.Since(t0))
			l.acked = append(l.acked, meta.ID)
			l.mu.Unlock()
			return
		}
	}
	l.failed.Add(1)
}

// search runs one exact plate search per ticket on searcher s's node.
func (l *nodeLoad) search(s int, tickets <-chan struct{}) {
	for i := 0; ; i++ {
		if _, ok := <-tickets; !ok {
			return
		}
		req := api.SearchRequest{Plate: l.plates[(s*131+i*17)%len(l.plates)],
			CaseContext: api.CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: "Armed robbery, suspect vehicle sought"}}
		body, _ := json.Marshal(req)
		for try := range 2 {
			hr, _ := http.NewRequest(http.MethodPost, l.url(s+try)+"/v1/searches", bytes.NewReader(body))
			hr.Header.Set("Authorization", "Bearer "+l.token)
			hr.Header.Set("Content-Type", "application/json")
			hr.Header.Set(api.HeaderWorkstation, "bench-ws")
			t0 := time.Now()
			resp, err := l.client.Do(hr)
			if err != nil {
				continue
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				l.mu.Lock()
				l.searches = append(l.searches, time.Since(t0))
				l.mu.Unlock()
				break
			}
		}
	}
}

// report checks that every acknowledged read is stored and reports the
// figures.
func (l *nodeLoad) report(b *testing.B, a *storetest.Env, elapsed time.Duration) {
	lost := 0
	for _, id := range l.acked {
		if err := storedWhole(a, id, l.jpeg); err != nil {
			lost++
			if lost <= 5 {
				b.Errorf("read %s was acknowledged but is not stored: %v", id, err)
			}
		}
	}
	if len(l.searches) == 0 || len(l.ingests) == 0 {
		b.Fatalf("%d searches and %d reads answered", len(l.searches), len(l.ingests))
	}
	p50, p95 := quantiles(l.searches)
	_, ip95 := quantiles(l.ingests)
	b.ReportMetric(p50, "p50-ms")
	b.ReportMetric(p95, "p95-ms")
	b.ReportMetric(ip95, "ingest-p95-ms")
	b.ReportMetric(float64(len(l.acked))/elapsed.Seconds(), "reads/s")
	b.ReportMetric(float64(lost), "lost")
	b.ReportMetric(float64(l.failed.Load()), "unacked")
}

// quantiles returns the median and the 95th percentile in milliseconds.
func quantiles(d []time.Duration) (p50, p95 float64) {
	slices.Sort(d)
	ms := func(x time.Duration) float64 { return float64(x.Microseconds()) / 1000 }
	return ms(d[len(d)/2]), ms(d[min(len(d)-1, len(d)*95/100)])
}
