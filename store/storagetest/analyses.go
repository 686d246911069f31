package storagetest

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// analysisRead is a seeded read with its verdict applied.
type analysisRead struct {
	api.ReadMeta
	vPlate, vState string
}

// seedAnalysisWorld writes 8 cameras and 2,000 reads of 60 plates over 12
// hours (times at millisecond precision, many sharing a millisecond), and
// a verdict correcting the plate or state of every 40th read.
func seedAnalysisWorld(t *testing.T, st store.Storage, seed uint64, start time.Time) []analysisRead {
	t.Helper()
	ctx := context.Background()
	r := rand.New(rand.NewPCG(seed, 5))
	fleet := make([]string, 60)
	for i := range fleet {
		fleet[i] = fmt.Sprintf("%d%c%c%c%03d", 1+r.IntN(9), 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(1000))
	}
	var reads []analysisRead
	for i := range 2000 {
		at := start.Add(time.Duration(r.IntN(12*3600)) * time.Second)
		if i%5 == 0 && len(reads) > 0 { // ties: same millisecond as an earlier read
			at = reads[r.IntN(len(reads))].CapturedAt
		}
		reads = append(reads, analysisRead{ReadMeta: api.ReadMeta{ID: fmt.Sprintf("ar%05d", r.IntN(100000)*100+i%100),
			CameraID: fmt.Sprintf("ac-%d", r.IntN(8)), CapturedAt: at, Plate: fleet[r.IntN(len(fleet))], State: "CA",
			Confidence: 0.9, Make: "Ford", Color: "blue", BodyType: "sedan"}})
	}
	err := st.Update(ctx, func(tx store.Tx) error {
		for i := range 8 {
			c := api.Camera{ID: fmt.Sprintf("ac-%d", i), Name: fmt.Sprintf("Analysis camera %d", i), Lat: 37.8, Lon: -122.2 + 0.01*float64(i), Owner: "agency"}
			if err := tx.InsertCamera(c, fmt.Sprintf("analysis-token-%d", i)); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = st.BulkInsertReads(ctx, func(put func(*store.ReadRecord) error) error {
		for _, rd := range reads {
			if err := put(&store.ReadRecord{Meta: rd.ReadMeta}); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	reads = dedupe(reads)
	err = st.Update(ctx, func(tx store.Tx) error {
		for i := 0; i < len(reads); i += 40 {
			v := api.Verification{Status: api.VerifyMisread, CorrectedPlate: fleet[i%len(fleet)], By: "detective", At: start}
			if i%80 == 0 {
				v = api.Verification{Status: api.VerifyWrongState, CorrectedState: "NV", By: "detective", At: start}
			}
			reads[i].vPlate, reads[i].vState = v.CorrectedPlate, v.CorrectedState
			if err := tx.SetVerification(reads[i].ID, v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return reads
}

// dedupe keeps the first read of each id, as BulkInsertReads does.
func dedupe(reads []analysisRead) []analysisRead {
	seen := map[string]bool{}
	return slices.DeleteFunc(reads, func(r analysisRead) bool {
		dup := seen[r.ID]
		seen[r.ID] = true
		return dup
	})
}

// newestFirst orders ids by capture time, newest first, ties by id
// descending: the order every backend answers in.
func newestFirst(reads []analysisRead) {
	slices.SortFunc(reads, func(a, b analysisRead) int {
		if c := b.CapturedAt.Compare(a.CapturedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
}

// keyOf renders a backend's ReadKey and a reference read alike.
func keyOf(id, cam string, at time.Time, p, s, vp, vs string) string {
	return strings.Join([]string{id, cam, at.UTC().Format(time.RFC3339Nano), p, s, vp, vs}, "|")
}

// TestAnalyses checks the analysis storage methods of a backend against
// brute force: WindowReads (cameras, half-open window, verdicts, order,
// limit), ReadsByID (order, unknown ids left out) and kept analyses with
// the reads they returned.
func TestAnalyses(t *testing.T, open Opener) {
	st := open(t)
	start := time.Date(2026, 11, 20, 6, 0, 0, 0, time.UTC)
	reads := seedAnalysisWorld(t, st, 17, start)
	newestFirst(reads)
	ctx := context.Background()
	r := rand.New(rand.NewPCG(2, 9))
	for trial := range 20 {
		cams := []string{fmt.Sprintf("ac-%d", r.IntN(8)), fmt.Sprintf("ac-%d", r.IntN(8))}
		from := start.Add(time.Duration(r.IntN(10*3600)) * time.Second)
		to := from.Add(time.Duration(1+r.IntN(3*3600)) * time.Second)
		if trial == 0 { // a boundary read: from is inclusive, to exclusive
			from, to = reads[10].CapturedAt, reads[3].CapturedAt
			cams = []string{reads[10].CameraID, reads[3].CameraID}
		}
		limit := []int{5, 100000}[trial%2]
		var want []string
		for _, rd := range reads {
			if slices.Contains(cams, rd.CameraID) && !rd.CapturedAt.Before(from) && rd.CapturedAt.Before(to) && len(want) < limit {
				want = append(want, keyOf(rd.ID, rd.CameraID, rd.CapturedAt, rd.Plate, rd.State, rd.vPlate, rd.vState))
			}
		}
		var got []string
		err := st.View(ctx, func(tx store.ReadTx) error {
			ks, err := tx.WindowReads(cams, from, to, limit)
			for _, k := range ks {
				got = append(got, keyOf(k.ID, k.CameraID, k.CapturedAt, k.Plate, k.State, k.CorrectedPlate, k.CorrectedState))
			}
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, want) {
			t.Fatalf("trial %d: WindowReads(%v, %s, %s, %d):\n got %d %v\nwant %d %v", trial, cams, from, to, limit, len(got), got, len(want), want)
		}
	}
	checkNearReads(t, st, reads)
	checkReadsByID(t, st, reads)
	checkKeptAnalyses(t, st, reads)
}

// checkNearReads asks for a window around every 50th read (and an empty
// window) at once and compares each answer with brute force.
func checkNearReads(t *testing.T, st store.Storage, reads []analysisRead) {
	t.Helper()
	var ws []store.CameraWindow
	for i := 0; i < len(reads); i += 50 {
		ws = append(ws, store.CameraWindow{CameraID: reads[i].CameraID, From: reads[i].CapturedAt.Add(-90 * time.Second),
			To: reads[i].CapturedAt.Add(90 * time.Second)})
	}
	ws = append(ws, store.CameraWindow{CameraID: "ac-0", From: reads[0].CapturedAt.Add(time.Hour), To: reads[0].CapturedAt.Add(2 * time.Hour)})
	var got [][]store.ReadKey
	err := st.View(context.Background(), func(tx store.ReadTx) error {
		var err error
		got, err = tx.NearReads(ws)
		return err
	})
	if err != nil || len(got) != len(ws) {
		t.Fatalf("NearReads: %d answers for %d windows (%v)", len(got), len(ws), err)
	}
	for i, w := range ws {
		var want, have []string
		for _, rd := range reads {
			if rd.CameraID == w.CameraID && !rd.CapturedAt.Before(w.From) && rd.CapturedAt.Before(w.To) {
				want = append(want, keyOf(rd.ID, rd.CameraID, rd.CapturedAt, rd.Plate, rd.State, rd.vPlate, rd.vState))
			}
		}
		for _, k := range got[i] {
			have = append(have, keyOf(k.ID, k.CameraID, k.CapturedAt, k.Plate, k.State, k.CorrectedPlate, k.CorrectedState))
		}
		if !slices.Equal(have, want) {
			t.Fatalf("NearReads window %d %+v:\n got %v\nwant %v", i, w, have, want)
		}
	}
}

// checkReadsByID asks for a shuffled sample of ids and an unknown one.
func checkReadsByID(t *testing.T, st store.Storage, reads []analysisRead) {
	t.Helper()
	var ids, want []string
	for i := len(reads) - 1; i >= 0; i -= 7 {
		ids = append(ids, reads[i].ID)
	}
	for i := 0; i < len(reads); i++ {
		if slices.Contains(ids, reads[i].ID) {
			want = append(want, reads[i].ID)
		}
	}
	ids = append(ids, "no-such-read")
	var got []string
	err := st.View(context.Background(), func(tx store.ReadTx) error {
		rs, err := tx.ReadsByID(ids)
		for _, rd := range rs {
			got = append(got, rd.ID)
		}
		return err
	})
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("ReadsByID: %v (%v), want %v", got, err, want)
	}
}

// checkKeptAnalyses keeps an analysis and asks which reads it returned.
func checkKeptAnalyses(t *testing.T, st store.Storage, reads []analysisRead) {
	t.Helper()
	ctx := context.Background()
	a := &store.AnalysisRecord{ID: "a_conformance", Kind: store.AnalysisConvoy, Username: "detective",
		CreatedAt: time.Date(2026, 11, 21, 1, 2, 3, 4000000, time.UTC),
		Case:      api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery", Purpose: "Robbery series on 73rd"},
		ReadIDs:   []string{reads[0].ID, reads[1].ID, reads[0].ID}}
	empty := &store.AnalysisRecord{ID: "a_empty", Kind: store.AnalysisCommonPlates, Username: "detective", CreatedAt: a.CreatedAt}
	err := st.Update(ctx, func(tx store.Tx) error {
		if err := tx.InsertAnalysis(a); err != nil {
			return err
		}
		return tx.InsertAnalysis(empty)
	})
	if err != nil {
		t.Fatal(err)
	}
	err = st.View(ctx, func(tx store.ReadTx) error {
		got, err := tx.GetAnalysis(a.ID)
		if err != nil {
			return err
		}
		if got.Kind != a.Kind || got.Username != a.Username || !got.CreatedAt.Equal(a.CreatedAt.Truncate(time.Millisecond)) || got.Case != a.Case {
			t.Errorf("GetAnalysis = %+v, want %+v", got, a)
		}
		if _, err := tx.GetAnalysis("a_missing"); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("GetAnalysis of an unknown id: %v, want ErrNotFound", err)
		}
		for _, c := range []struct {
			id, read string
			want     bool
		}{{a.ID, reads[0].ID, true}, {a.ID, reads[1].ID, true}, {a.ID, reads[2].ID, false}, {"a_empty", reads[0].ID, false}, {"a_missing", reads[0].ID, false}} {
			ok, err := tx.AnalysisReturned(c.id, c.read)
			if err != nil || ok != c.want {
				t.Errorf("AnalysisReturned(%s, %s) = %v, %v; want %v", c.id, c.read, ok, err, c.want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}
