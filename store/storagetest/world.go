package storagetest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
	"alprdesk/store"
)

// World is a seeded set of reads laid over WorldDays days before base, on
// the cameras of WorldCameras: plates from a small fleet with look-alike
// twins, several reads sharing one capture time, some verified with a
// corrected plate. Reads are stored in id order, so ties in capture time
// are ordered by id both in storage and in the reference.
type World struct {
	Reads []api.ReadMeta
	// Corrected maps read ids to the plate a verification corrected them to.
	Corrected map[string]string
	// Fleet is the distinct plates of the world.
	Fleet []string
}

// WorldDays is the span of the world's capture times.
const WorldDays = 10

// WorldCameras are the world's cameras.
var WorldCameras = []api.Camera{
	{ID: "cam-a", Name: "Camera A", Lat: 37.76, Lon: -122.18, Owner: "agency"},
	{ID: "cam-b", Name: "Camera B", Lat: 37.81, Lon: -122.26, Owner: "agency"},
	{ID: "cam-c", Name: "Camera C", Lat: 37.80, Lon: -122.27, Owner: "partner"},
}

var (
	worldMakes    = []string{"Toyota", "Honda", "Ford", "Tesla", "Nissan", ""}
	worldColors   = []string{"white", "black", "silver", "Red", "blue", ""}
	worldBodies   = []string{"sedan", "suv", "pickup", "van"}
	worldFeatures = api.DefaultPolicy().Features
)

// lookAlikes swaps a character for one that looks like it.
var lookAlikes = map[byte]byte{'0': 'O', 'O': '0', '8': 'B', 'B': '8', '1': 'I', 'I': '1', '5': 'S', 'S': '5', '2': 'Z', 'Z': '2', '6': 'G', 'G': '6'}

// NewWorld builds the world of seed with n reads.
func NewWorld(seed uint64, n int) *World {
	r := rand.New(rand.NewPCG(seed, 11))
	w := &World{Corrected: map[string]string{}}
	seen := map[string]bool{}
	for len(w.Fleet) < max(20, n/8) {
		p := worldPlate(r)
		if !seen[p] {
			seen[p] = true
			w.Fleet = append(w.Fleet, p)
			if twin := lookAlikeTwin(p); twin != p && !seen[twin] && r.IntN(3) == 0 {
				seen[twin] = true
				w.Fleet = append(w.Fleet, twin)
			}
		}
	}
	start := base.Add(-WorldDays * 24 * time.Hour)
	at := start
	for i := range n {
		if r.IntN(5) != 0 { // one read in five shares the previous read's time
			at = start.Add(time.Duration(r.Int64N(int64(WorldDays*24*time.Hour))) / time.Millisecond * time.Millisecond)
		}
		m := api.ReadMeta{ID: fmt.Sprintf("r%05d", i), CameraID: WorldCameras[r.IntN(len(WorldCameras))].ID,
			CapturedAt: at, Plate: w.Fleet[r.IntN(len(w.Fleet))], State: []string{"CA", "CA", "CA", "NV"}[r.IntN(4)],
			Confidence: float64(60+r.IntN(40)) / 100, Make: worldMakes[r.IntN(len(worldMakes))],
			Color: worldColors[r.IntN(len(worldColors))], BodyType: worldBodies[r.IntN(len(worldBodies))],
			Features: []string{}, PlateBox: api.Box{X: r.IntN(100), Y: r.IntN(100), W: 40, H: 12}}
		for _, f := range worldFeatures {
			if r.IntN(6) == 0 {
				m.Features = append(m.Features, f)
			}
		}
		if r.IntN(40) == 0 {
			w.Corrected[m.ID] = w.Fleet[r.IntN(len(w.Fleet))]
		}
		w.Reads = append(w.Reads, m)
	}
	return w
}

// worldPlate draws a plate: mostly California 1ABC234, some short and
// long ones of other shapes.
func worldPlate(r *rand.Rand) string {
	const chars = "ABCDEFGHJKLMNPRSTUVWXYZ0123456789IO"
	if r.IntN(4) != 0 {
		return fmt.Sprintf("%d%c%c%c%03d", 1+r.IntN(9), 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(1000))
	}
	b := make([]byte, 4+r.IntN(5))
	for i := range b {
		b[i] = chars[r.IntN(len(chars))]
	}
	return string(b)
}

// lookAlikeTwin swaps the first character that has a look-alike.
func lookAlikeTwin(p string) string {
	b := []byte(p)
	for i, c := range b {
		if o, ok := lookAlikes[c]; ok {
			b[i] = o
			return string(b)
		}
	}
	return p
}

// Load stores the world's cameras and reads through single-read
// transactions in batches (so the InsertRead path is the one tested) and
// its verifications.
func (w *World) Load(t *testing.T, st store.Storage) {
	t.Helper()
	update(t, st, func(tx store.Tx) error {
		for _, c := range WorldCameras {
			if err := tx.InsertCamera(c, "tok-"+c.ID); err != nil {
				return err
			}
		}
		return nil
	})
	for lo := 0; lo < len(w.Reads); lo += 500 {
		update(t, st, func(tx store.Tx) error {
			for i := lo; i < min(lo+500, len(w.Reads)); i++ {
				if _, err := tx.InsertRead(&store.ReadRecord{Meta: w.Reads[i]}); err != nil {
					return err
				}
			}
			return nil
		})
	}
	update(t, st, func(tx store.Tx) error {
		for _, id := range slices.Sorted(mapKeys(w.Corrected)) {
			v := api.Verification{Status: api.VerifyMisread, CorrectedPlate: w.Corrected[id], CorrectedState: "CA", By: "verifier", At: base}
			if err := tx.SetVerification(id, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func mapKeys[V any](m map[string]V) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// Matches is the reference: whether read m answers q, by the rules the
// storage promises (ReadQuery's documentation).
func (w *World) Matches(q *store.ReadQuery, m *api.ReadMeta) bool {
	if q.Pattern != nil && !patternMatches(q, m.Plate) && !patternMatches(q, w.Corrected[m.ID]) {
		return false
	}
	if q.CameraIDs != nil && !slices.Contains(q.CameraIDs, m.CameraID) {
		return false
	}
	at := m.CapturedAt.UnixMilli()
	if (!q.From.IsZero() && at < q.From.UnixMilli()) || (!q.To.IsZero() && at > q.To.UnixMilli()) {
		return false
	}
	if q.State != "" && m.State != q.State {
		return false
	}
	for _, f := range [][2]string{{q.Make, m.Make}, {q.Color, m.Color}, {q.BodyType, m.BodyType}} {
		if f[0] != "" && !strings.EqualFold(f[0], f[1]) {
			return false
		}
	}
	for _, f := range q.Features {
		if slices.Contains(worldFeatures, f) && !slices.Contains(m.Features, f) {
			return false
		}
	}
	return true
}

func patternMatches(q *store.ReadQuery, p string) bool {
	if p == "" {
		return false
	}
	if q.Fuzzy {
		ok, _ := q.Pattern.MatchFuzzy(p)
		return ok
	}
	return q.Pattern.Match(p)
}

// Answer is the reference answer to q: every matching read id, newest
// first, ties by id descending.
func (w *World) Answer(q *store.ReadQuery) []string {
	var ms []*api.ReadMeta
	for i := range w.Reads {
		if w.Matches(q, &w.Reads[i]) {
			ms = append(ms, &w.Reads[i])
		}
	}
	slices.SortFunc(ms, func(a, b *api.ReadMeta) int {
		if c := b.CapturedAt.Compare(a.CapturedAt); c != 0 {
			return c
		}
		return strings.Compare(b.ID, a.ID)
	})
	ids := make([]string, len(ms))
	for i, m := range ms {
		ids[i] = m.ID
	}
	return ids
}

// Queries are the searches the suite checks against the reference: every
// kind the store answers, alone and combined, built from the world's own
// plates so that they find reads.
func (w *World) Queries() []NamedQuery {
	p0, p1, p2 := w.Fleet[0], w.Fleet[len(w.Fleet)/2], w.Fleet[len(w.Fleet)-1]
	ca := w.firstCA()
	from, to := base.Add(-6*24*time.Hour), base.Add(-3*24*time.Hour)
	qs := []NamedQuery{
		{"exact", store.ReadQuery{Pattern: mustPattern(p0)}},
		{"exact unknown", store.ReadQuery{Pattern: mustPattern("ZZZZZZ9")}},
		{"exact fuzzy", store.ReadQuery{Pattern: mustPattern(lookAlikeTwin(p1)), Fuzzy: true}},
		{"exact fuzzy twin", store.ReadQuery{Pattern: mustPattern(w.twinPlate()), Fuzzy: true}},
		{"corrected plate", store.ReadQuery{Pattern: mustPattern(w.correctedPlate())}},
		{"prefix", store.ReadQuery{Pattern: mustPattern(ca[:3] + "*")}},
		{"prefix fuzzy", store.ReadQuery{Pattern: mustPattern(ca[:3] + "*"), Fuzzy: true}},
		{"wildcard run 3", store.ReadQuery{Pattern: mustPattern("*" + ca[1:4] + "*")}},
		{"wildcard run 3 fuzzy", store.ReadQuery{Pattern: mustPattern("*" + ca[1:4] + "*"), Fuzzy: true}},
		{"wildcard run 4 with ?", store.ReadQuery{Pattern: mustPattern(ca[:4] + "?" + ca[5:])}},
		{"wildcard short runs", store.ReadQuery{Pattern: mustPattern(ca[:1] + "?" + ca[2:3] + "*" + ca[5:6])}},
		{"wildcard ? only", store.ReadQuery{Pattern: mustPattern("?" + ca[1:2] + "?" + ca[3:4] + "??" + ca[6:7])}},
		{"wildcard ? fuzzy", store.ReadQuery{Pattern: mustPattern("?" + ca[1:2] + "?" + ca[3:4] + "??" + ca[6:7]), Fuzzy: true}},
		{"wildcard suffix", store.ReadQuery{Pattern: mustPattern("*" + p2[len(p2)-3:])}},
		{"state", store.ReadQuery{State: "NV"}},
		{"make any case", store.ReadQuery{Make: "toyota"}},
		{"colour any case", store.ReadQuery{Color: "RED"}},
		{"body", store.ReadQuery{BodyType: "van"}},
		{"features", store.ReadQuery{Features: []string{"roof_rack", "damage"}}},
		{"unknown feature ignored", store.ReadQuery{Features: []string{"roof_rack", "no_such_feature"}}},
		{"time window", store.ReadQuery{From: from, To: to}},
		{"from only", store.ReadQuery{From: to}},
		{"cameras", store.ReadQuery{CameraIDs: []string{"cam-a", "cam-c"}}},
		{"no cameras", store.ReadQuery{CameraIDs: []string{}}},
		{"attributes and window", store.ReadQuery{Make: "Honda", Color: "white", From: from, To: to, CameraIDs: []string{"cam-b"}}},
		{"prefix, state, window", store.ReadQuery{Pattern: mustPattern(ca[:2] + "*" + ca[6:7]), State: "CA", From: from}},
		{"everything", store.ReadQuery{}},
	}
	for i := range qs {
		qs[i].Q.Limit, qs[i].Q.CountCap = 50, 1000
	}
	return qs
}

// NamedQuery is a query of the suite with its name.
type NamedQuery struct {
	Name string
	Q    store.ReadQuery
}

// firstCA is the first California-shaped plate of the fleet.
func (w *World) firstCA() string {
	for _, p := range w.Fleet {
		if len(p) == 7 && p[0] >= '1' && p[0] <= '9' {
			return p
		}
	}
	return w.Fleet[0]
}

// twinPlate is a plate of the fleet whose look-alike twin is in it too.
func (w *World) twinPlate() string {
	for _, p := range w.Fleet {
		if t := lookAlikeTwin(p); t != p && slices.Contains(w.Fleet, t) {
			return p
		}
	}
	return w.Fleet[0]
}

// correctedPlate is a plate some verification corrected a read to.
func (w *World) correctedPlate() string {
	for _, id := range slices.Sorted(mapKeys(w.Corrected)) {
		return w.Corrected[id]
	}
	return w.Fleet[0]
}

// mustPattern parses a plate pattern of the suite.
func mustPattern(s string) *plate.Pattern {
	p, err := plate.ParsePattern(s)
	if err != nil {
		panic(fmt.Sprintf("storagetest: pattern %q: %v", s, err))
	}
	return p
}
