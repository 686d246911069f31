package export

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
)

func TestEvidencePDFPagesAndText(t *testing.T) {
	p := testPacket(t)
	var buf bytes.Buffer
	if err := EvidencePDF(&buf, p); err != nil {
		t.Fatal(err)
	}
	writeSample(t, "evidence.pdf", buf.Bytes())
	n, pages := pdfPages(t, buf.Bytes())
	// cover, map, one page per read
	if n != 5 {
		t.Fatalf("%d pages, want 5", n)
	}
	for i, pg := range pages {
		wantText(t, pg, i+1, fmt.Sprintf("Report 26-012345 \x97 page %d of 5", i+1))
	}
	wantText(t, pages[0], 1, "ALPR EVIDENCE PACKET", "Det. Dana Reyes (D100)", "2026-11-26 22:00:00 UTC",
		"Robbery", "Armed robbery at 73rd Ave", "UNVERIFIED reads: OCR can misread", "exp-0001",
		"3 (2 verified by a human, 1 UNVERIFIED)", "Index of reads")
	wantText(t, pages[1], 2, "Timeline map", "Map data: \xa9 OpenStreetMap contributors")
	// Reads in capture order: confirmed, unverified (no photo), misread.
	wantText(t, pages[2], 3, "Read 1 of 3", "CONFIRMED", "Confirmed by detective", "America/Los_Angeles")
	wantText(t, pages[3], 4, "Read 2 of 3", "UNVERIFIED", "Photo not included in this export")
	wantText(t, pages[4], 5, "Read 3 of 3", "MISREAD", "8ZZZ111", "Possible switched plate",
		"YES: this plate was also read", "Look-alike match")
	if strings.Contains(pages[2], "UNVERIFIED") {
		t.Error("a confirmed read's page says UNVERIFIED")
	}
	// The unverified status is drawn in red (0.753 0 0 rg) on its page.
	if !strings.Contains(pages[3], "0.753 0.000 0.000 rg") {
		t.Error("UNVERIFIED is not drawn in red")
	}
	// Images: the map, and each read with a photo has the photo and its plate crop.
	imgs := imagesPerPage(t, buf.Bytes(), n)
	if want := []int{0, 1, 2, 0, 2}; fmt.Sprint(imgs) != fmt.Sprint(want) {
		t.Errorf("images per page %v, want %v", imgs, want)
	}
	if !strings.Contains(buf.String(), "/CreationDate (D:20261126220000") {
		t.Error("creation date is not the generation time")
	}
}

func TestEvidencePDFIsDeterministic(t *testing.T) {
	// Two photos of the same width: fpdf would order them randomly.
	p := testPacket(t)
	var a, c bytes.Buffer
	if err := EvidencePDF(&a, p); err != nil {
		t.Fatal(err)
	}
	for range 10 {
		var b bytes.Buffer
		if err := EvidencePDF(&b, p); err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a.Bytes(), b.Bytes()) {
			t.Fatal("the same packet gave different bytes")
		}
	}
	// The photos are embedded exactly as the store sent them.
	for id, jpg := range p.Photos {
		if !bytes.Contains(a.Bytes(), jpg) {
			t.Errorf("photo of %s is not embedded byte for byte", id)
		}
	}
	p.Generated = p.Generated.Add(time.Minute)
	if err := EvidencePDF(&c, p); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(a.Bytes(), c.Bytes()) {
		t.Fatal("a different generation time gave the same bytes")
	}
}

func TestEvidencePDFWithoutMapAndDemo(t *testing.T) {
	p := testPacket(t)
	p.Timeline = nil
	p.Demo = true
	var buf bytes.Buffer
	if err := EvidencePDF(&buf, p); err != nil {
		t.Fatal(err)
	}
	writeSample(t, "evidence-demo.pdf", buf.Bytes())
	n, pages := pdfPages(t, buf.Bytes())
	if n != 4 {
		t.Fatalf("%d pages, want 4 (cover and 3 reads)", n)
	}
	for i, pg := range pages {
		wantText(t, pg, i+1, "DEMO DATA \x97 NOT REAL")
	}
}

func TestEvidencePDFLongIndexContinues(t *testing.T) {
	reads, photos := demoReads(t, 3)
	var many []api.Read
	for i := range 45 {
		r := reads[i%3]
		r.ID = fmt.Sprintf("%s-%02d", r.ID, i)
		r.CapturedAt = r.CapturedAt.Add(time.Duration(i) * time.Minute)
		many = append(many, r)
	}
	p := Packet{Case: api.CaseContext{ReportNumber: "26-000001", PurposeCategory: "homicide", Purpose: "Homicide on 98th Ave, vehicle of interest"},
		Examiner: "Det. A (D1)", Generated: now, Reads: many, Photos: photos}
	var buf bytes.Buffer
	if err := EvidencePDF(&buf, p); err != nil {
		t.Fatal(err)
	}
	n, pages := pdfPages(t, buf.Bytes())
	if n != 2+45 {
		t.Fatalf("%d pages, want 47 (two index pages, 45 reads)", n)
	}
	wantText(t, pages[1], 2, "Index of reads (continued)", "45")
	wantText(t, pages[46], 47, "Read 45 of 45", "page 47 of 47", "Photo not included")
}

func TestEvidenceRefusesBadInput(t *testing.T) {
	good := testPacket(t)
	cases := []struct {
		name string
		edit func(*Packet)
		want error
	}{
		{"no reads", func(p *Packet) { p.Reads = nil }, ErrNoReads},
		{"no report number", func(p *Packet) { p.Case.ReportNumber = "" }, ErrNoReportNumber},
		{"no examiner", func(p *Packet) { p.Examiner = "" }, ErrNoExaminer},
		{"no time", func(p *Packet) { p.Generated = time.Time{} }, ErrNoTime},
		{"bad photo", func(p *Packet) {
			p.Photos = map[string][]byte{p.Reads[0].ID: []byte("not a jpeg")}
		}, ErrBadPhoto},
	}
	for _, c := range cases {
		p := good
		c.edit(&p)
		var buf bytes.Buffer
		err := EvidencePDF(&buf, p)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: PDF error %v, want %v", c.name, err, c.want)
		}
		if buf.Len() != 0 {
			t.Errorf("%s: %d bytes written despite the error", c.name, buf.Len())
		}
		if c.want != ErrBadPhoto {
			if err := EvidenceCSV(&buf, p); !errors.Is(err, c.want) {
				t.Errorf("%s: CSV error %v, want %v", c.name, err, c.want)
			}
		}
	}
	var buf bytes.Buffer
	p := good
	p.Photos = map[string][]byte{p.Reads[0].ID: []byte("not a jpeg")}
	if err := EvidencePDF(&buf, p); err == nil || !strings.Contains(err.Error(), p.Reads[0].ID) {
		t.Errorf("bad photo error %v does not name the read", err)
	}
}

func TestEfficacyPDF(t *testing.T) {
	e := testEfficacy(12)
	meta := ReportMeta{Agency: "Oakland Police Department", PreparedBy: "Sgt. Kim Lee (S200)", Generated: now, Store: "https://alpr.example", ExportID: "exp-9"}
	var buf bytes.Buffer
	if err := EfficacyPDF(&buf, e, meta); err != nil {
		t.Fatal(err)
	}
	writeSample(t, "efficacy.pdf", buf.Bytes())
	n, pages := pdfPages(t, buf.Bytes())
	if n != 6 {
		t.Fatalf("%d pages, want 6", n)
	}
	for i, pg := range pages {
		wantText(t, pg, i+1, fmt.Sprintf("ALPR efficacy report 2026-01-01 to 2026-12-31 \x97 page %d of 6", i+1))
	}
	total := e.TotalSearches()
	wantText(t, pages[0], 1, "Oakland Police Department", "Methods", "10.0%", "measured OCR error rate",
		formatCount(float64(total)), "more than 3 times the median")
	for _, tile := range []string{"(50)Tj", "(139)Tj", "(1,050)Tj"} { // refused, hotlist hits, verified
		if !strings.Contains(pages[0], tile) {
			t.Errorf("summary lacks the tile %s", tile)
		}
	}
	wantText(t, pages[1], 2, "Searches by month and purpose category", "Jan 26", "Dec 26", "Other categories",
		"Refused searches by reason", "Purpose too vague", "41")
	wantText(t, pages[2], 3, "Human verification", "Confirmed: 900 (", "Unverified: 400", "Age of the data", "7-12 months")
	wantText(t, pages[3], 4, "Outcomes of searches", "Vehicle recovered", "Not recorded", "Hotlist hits by list", "Stolen vehicles")
	wantText(t, pages[4], 5, "Hotlist hits: verification and outcomes", "Stolen vehicles", "Unready stops", "10.0%",
		"What officers did about hits", "Unable to locate", "40")
	wantText(t, pages[5], 6, "Searches by user", "user00", "FLAGGED", "Officer Number 11", "A user is flagged when")
	if strings.Contains(pages[0]+pages[5], "when A user") {
		t.Error("the flag rule is garbled")
	}
	// Charts are vector drawings: filled rectangles for bars, Bézier
	// curves for the pie's slices.
	if c := strings.Count(pages[1], " re f"); c < 40 {
		t.Errorf("searches page has %d filled rectangles, want a bar chart", c)
	}
	if c := strings.Count(pages[2], " c\n"); c < 5 {
		t.Errorf("verification page has %d curves, want a pie chart", c)
	}
	var again bytes.Buffer
	if err := EfficacyPDF(&again, e, meta); err != nil || !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Fatalf("not deterministic (err %v)", err)
	}
}

func TestEfficacyPDFManyUsersAndEmpty(t *testing.T) {
	var buf bytes.Buffer
	e := testEfficacy(80)
	slices.Reverse(e.Users) // fewest searches first: the report sorts them
	if err := EfficacyPDF(&buf, e, ReportMeta{Generated: now}); err != nil {
		t.Fatal(err)
	}
	n, pages := pdfPages(t, buf.Bytes())
	if n != 8 {
		t.Fatalf("80 users: %d pages, want 8", n)
	}
	wantText(t, pages[5], 6, "user00", "FLAGGED")
	wantText(t, pages[7], 8, "user79")
	if strings.Contains(pages[5], "user79") {
		t.Error("users are not sorted by searches")
	}

	buf.Reset()
	empty := api.Efficacy{From: now.AddDate(0, -1, 0), To: now}
	if err := EfficacyPDF(&buf, empty, ReportMeta{Generated: now, Demo: true}); err != nil {
		t.Fatal(err)
	}
	n, pages = pdfPages(t, buf.Bytes())
	if n != 6 {
		t.Fatalf("empty report: %d pages, want 6", n)
	}
	wantText(t, pages[0], 1, "DEMO DATA", "Automated License Plate Reader use")
	wantText(t, pages[1], 2, "No search was refused in this period.")
	wantText(t, pages[2], 3, "no data")
}

func TestEfficacyRefusesBadInput(t *testing.T) {
	var buf bytes.Buffer
	e := testEfficacy(1)
	if err := EfficacyPDF(&buf, e, ReportMeta{}); !errors.Is(err, ErrNoTime) {
		t.Errorf("no time: %v", err)
	}
	e.From, e.To = e.To, e.From
	if err := EfficacyPDF(&buf, e, ReportMeta{Generated: now}); !errors.Is(err, ErrBadPeriod) {
		t.Errorf("reversed period: %v", err)
	}
	if err := EfficacyPDF(&buf, api.Efficacy{}, ReportMeta{Generated: now}); !errors.Is(err, ErrBadPeriod) {
		t.Errorf("no period: %v", err)
	}
	if buf.Len() != 0 {
		t.Errorf("%d bytes written despite errors", buf.Len())
	}
}

func TestNiceMaxGivesRoundTicks(t *testing.T) {
	cases := []struct{ v, top, step float64 }{
		{0, 4, 1}, {3, 4, 1}, {41, 50, 10}, {250, 300, 100}, {5200, 6000, 2000}, {96, 125, 25},
	}
	for _, c := range cases {
		top, step := niceMax(c.v)
		if top < c.v || top/step > 6 || top/step < 2 || math.Mod(top, step) != 0 {
			t.Errorf("niceMax(%v) = %v, %v: not a round axis", c.v, top, step)
		}
		if top != c.top || step != c.step {
			t.Errorf("niceMax(%v) = %v, %v, want %v, %v", c.v, top, step, c.top, c.step)
		}
	}
}

func TestTextOutsideTheCodePage(t *testing.T) {
	d := newDoc("t", "a", now, "f", false)
	cases := map[string]string{
		"Nguyễn Văn An": "Nguyen Van An", "café — ©": "caf\xe9 \x97 \xa9", "日本": "??", "plain.": "plain.",
	}
	for in, want := range cases {
		if got := d.tr(in); got != want {
			t.Errorf("tr(%q) = %q, want %q", in, got, want)
		}
	}
}
