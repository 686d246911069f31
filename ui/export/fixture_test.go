package export

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"io"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	pdfapi "github.com/pdfcpu/pdfcpu/pkg/api"

	"alprdesk/api"
	"alprdesk/store/demo"
)

func TestMain(m *testing.M) {
	// pdfcpu would otherwise write a configuration directory.
	pdfapi.DisableConfigDir()
	os.Exit(m.Run())
}

// now is the fixed "now" of every fixture.
var now = time.Date(2026, 11, 26, 22, 0, 0, 0, time.UTC)

// world is a small demo world shared by the tests (photos are real demo
// photos of real demo reads).
var world = sync.OnceValue(func() *demo.World {
	return demo.New(demo.Options{Seed: 7, Vehicles: 60, Reads: 3000, Now: now})
})

// demoReads returns n reads of one plate of the demo world (as the API
// would return them) with their photos.
func demoReads(t testing.TB, n int) ([]api.Read, map[string][]byte) {
	t.Helper()
	w := world()
	cams := map[string]api.Camera{}
	for _, c := range w.Cameras() {
		cams[c.ID] = c
	}
	byPlate := map[string][]api.ReadMeta{}
	var pick string
	err := w.Reads(func(m api.ReadMeta) error {
		byPlate[m.Plate] = append(byPlate[m.Plate], m)
		if pick == "" && len(byPlate[m.Plate]) >= n {
			pick = m.Plate
		}
		return nil
	})
	if err != nil || pick == "" {
		t.Fatalf("no plate with %d reads (err %v)", n, err)
	}
	var reads []api.Read
	photos := map[string][]byte{}
	for _, m := range byPlate[pick][:n] {
		c := cams[m.CameraID]
		r := api.Read{ID: m.ID, Plate: m.Plate, State: m.State, Confidence: m.Confidence, CapturedAt: m.CapturedAt,
			Camera: api.ReadCamera{ID: c.ID, Name: c.Name, Lat: c.Lat, Lon: c.Lon},
			Make:   m.Make, Color: m.Color, BodyType: m.BodyType, Features: m.Features, PlateBox: m.PlateBox}
		jpg, err := w.Photo(r)
		if err != nil {
			t.Fatal(err)
		}
		reads = append(reads, r)
		photos[r.ID] = jpg
	}
	return reads, photos
}

// testPacket is a packet of 3 reads: the first confirmed, the second
// unverified and without its photo, the third misread and a possible
// switch. The reads are given newest first (the packet sorts them).
func testPacket(t testing.TB) Packet {
	reads, photos := demoReads(t, 3)
	reads[0].Verification = &api.Verification{Status: api.VerifyConfirmed, By: "detective", At: now.Add(-time.Hour)}
	delete(photos, reads[1].ID)
	reads[2].Verification = &api.Verification{Status: api.VerifyMisread, CorrectedPlate: "8ZZZ111", By: "detective", At: now.Add(-time.Hour)}
	reads[2].PossibleSwitch = true
	reads[2].FuzzySubstitutions = []api.Substitution{{Position: 1, Got: "8", Want: "B"}}
	rev := []api.Read{reads[2], reads[1], reads[0]}
	return Packet{
		Case: api.CaseContext{ReportNumber: "26-012345", PurposeCategory: "robbery",
			Purpose: "Armed robbery at 73rd Ave and International Blvd; silver sedan seen leaving"},
		Examiner: "Det. Dana Reyes (D100)", Generated: now, Store: "https://127.0.0.1:8443",
		ExportID: "exp-0001", SearchID: "srch-42", Reads: rev, Photos: photos,
		Timeline: fakeMap(800, 520), Attribution: "© OpenStreetMap contributors",
	}
}

// fakeMap is a stand-in timeline picture: streets and three markers.
func fakeMap(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.RGBA{242, 239, 233, 255}), image.Point{}, draw.Src)
	street := image.NewUniform(color.RGBA{255, 255, 255, 255})
	for x := 40; x < w; x += 120 {
		draw.Draw(img, image.Rect(x, 0, x+8, h), street, image.Point{}, draw.Src)
	}
	for y := 30; y < h; y += 90 {
		draw.Draw(img, image.Rect(0, y, w, y+8), street, image.Point{}, draw.Src)
	}
	marker := image.NewUniform(color.RGBA{200, 30, 30, 255})
	for i, p := range []image.Point{{160, 120}, {400, 300}, {640, 400}} {
		r := 10 + i
		draw.Draw(img, image.Rect(p.X-r, p.Y-r, p.X+r, p.Y+r), marker, image.Point{}, draw.Src)
	}
	return img
}

// testEfficacy is a report with known figures over 2026.
func testEfficacy(users int) api.Efficacy {
	e := api.Efficacy{
		From: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		To:   time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC),
		Refusals: []api.CountBy{{Key: api.CodePurposeTooVague, Count: 41}, {Key: api.CodeProhibitedPurpose, Count: 6},
			{Key: api.CodeInvalidReportNumber, Count: 3}},
		HotlistHits:  []api.CountBy{{Key: api.ListStolenVehicles, Count: 120}, {Key: api.ListAlert, Count: 17}, {Key: api.ListCovert, Count: 2}},
		Verification: api.VerificationFigures{Confirmed: 900, Misread: 70, WrongState: 30, Unreadable: 50, Unverified: 400, OCRErrorRate: 0.1},
		DataAge: []api.CountBy{{Key: api.AgeUnder1Month, Count: 5200}, {Key: api.Age1To3Months, Count: 300},
			{Key: api.Age4To6Months, Count: 40}, {Key: api.Age7To12Months, Count: 9}, {Key: api.AgeOlder, Count: 0}},
		Outcomes: []api.CountBy{{Key: api.LedToLead, Count: 60}, {Key: api.LedToArrest, Count: 14},
			{Key: api.LedToVehicleRecovered, Count: 22}, {Key: api.LedToPersonLocated, Count: 3}, {Key: api.LedToNone, Count: 80}},
		NoOutcome: 250,
		HitsByList: []api.ListHits{{List: api.ListStolenVehicles, Hits: 120, Confirmed: 90, Misread: 8, WrongState: 2, Unreadable: 5,
			Unverified: 15, ErrorRate: 0.1, Outcomes: map[string]int{api.ActionVehicleRecovered: 31, api.ActionUnableToLocate: 40},
			StopsNotStopReady: 2, MedianMinutesToVerification: 4}},
		FlagRule: "A user is flagged when their allowed searches are more than 3 times the median of all users",
	}
	cats := []string{"robbery", "stolen_vehicle", "homicide", "carjacking", "burglary", "assault",
		"missing_person", "grand_theft", "felony_want", "human_trafficking"}
	for m := 1; m <= 12; m++ {
		for i, c := range cats {
			if n := (m*7 + i*13) % (20 - i); n > 0 {
				e.SearchesByMonth = append(e.SearchesByMonth, api.MonthCategoryCount{Month: fmt.Sprintf("2026-%02d", m), Category: c, Count: n})
			}
		}
	}
	for i := range users {
		e.Users = append(e.Users, api.UserSearches{Username: fmt.Sprintf("user%02d", i), DisplayName: fmt.Sprintf("Officer Number %d", i),
			Team: "Team " + string(rune('A'+i%3)), Searches: 300 - 4*i, Refused: i % 3, Flagged: i == 0})
	}
	return e
}

// pdfPages validates a PDF and returns its page count and the content
// stream of each page (index 0 is page 1).
func pdfPages(t *testing.T, b []byte) (int, []string) {
	t.Helper()
	if err := pdfapi.Validate(bytes.NewReader(b), nil); err != nil {
		t.Fatalf("PDF does not validate: %v", err)
	}
	n, err := pdfapi.PageCount(bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	pages := make([]string, n)
	err = pdfapi.ExtractContent(bytes.NewReader(b), nil, func(r io.Reader, page int) error {
		c, err := io.ReadAll(r)
		pages[page-1] = string(c)
		return err
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return n, pages
}

// imagesPerPage counts the images placed on each of the n pages.
func imagesPerPage(t *testing.T, b []byte, n int) []int {
	t.Helper()
	ii, err := pdfapi.Images(bytes.NewReader(b), nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, n)
	for _, m := range ii {
		for _, img := range m {
			out[img.PageNr-1]++
		}
	}
	return out
}

// pdfEscape writes s as it appears inside a PDF string.
var pdfEscape = strings.NewReplacer(`\`, `\\`, "(", `\(`, ")", `\)`)

// wantText fails unless the page's content shows every string (each
// within one line of text).
func wantText(t *testing.T, page string, n int, ss ...string) {
	t.Helper()
	for _, s := range ss {
		if !strings.Contains(page, pdfEscape.Replace(s)) {
			t.Errorf("page %d lacks %q", n, s)
		}
	}
}

// writeSample writes b to $EXPORT_SAMPLES/name when that is set (to look at
// the files by eye).
func writeSample(t *testing.T, name string, b []byte) {
	if dir := os.Getenv("EXPORT_SAMPLES"); dir != "" {
		if err := os.WriteFile(dir+"/"+name, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
