package export

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"alprdesk/api"
)

// genesis is the prev_hash of the first audit entry.
var genesis = strings.Repeat("0", 64)

// auditHash computes an entry's hash as store/audit.go (AuditCanonical) does (SHA-256,
// hex, over the fields other than hash as JSON in the listed order, no
// spaces, no HTML escaping), independently of the store's code.
func auditHash(e api.AuditEntry) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(struct {
		Seq             int64  `json:"seq"`
		At              string `json:"at"`
		Actor           string `json:"actor"`
		Role            string `json:"role"`
		Action          string `json:"action"`
		ReportNumber    string `json:"report_number"`
		PurposeCategory string `json:"purpose_category"`
		Purpose         string `json:"purpose"`
		Query           string `json:"query"`
		ResultCount     int    `json:"result_count"`
		Workstation     string `json:"workstation"`
		Outcome         string `json:"outcome"`
		Reason          string `json:"reason"`
		PrevHash        string `json:"prev_hash"`
	}{e.Seq, e.At.UTC().Format(time.RFC3339Nano), e.Actor, e.Role, e.Action, e.ReportNumber, e.PurposeCategory,
		e.Purpose, e.Query, e.ResultCount, e.Workstation, e.Outcome, e.Reason, e.PrevHash})
	sum := sha256.Sum256(bytes.TrimSuffix(buf.Bytes(), []byte("\n")))
	return hex.EncodeToString(sum[:])
}

// col returns the value of the named column in row.
func col(t *testing.T, row []string, name string) string {
	t.Helper()
	i := slices.Index(EvidenceColumns, name)
	if i < 0 {
		t.Fatalf("no column %s", name)
	}
	return row[i]
}

func TestEvidenceCSV(t *testing.T) {
	p := testPacket(t)
	// A plate and a camera name crafted to run as spreadsheet formulas.
	for i := range p.Reads {
		if p.Reads[i].Verification == nil {
			p.Reads[i].Plate = "=HYPERLINK(\"http://x\")"
			p.Reads[i].Camera.Name = "@SUM(1+1)"
		}
	}
	var buf bytes.Buffer
	if err := EvidenceCSV(&buf, p); err != nil {
		t.Fatal(err)
	}
	writeSample(t, "evidence.csv", buf.Bytes())
	rows, err := csv.NewReader(bytes.NewReader(withoutBOM(t, buf.Bytes()))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 4 || !slices.Equal(rows[0], EvidenceColumns) {
		t.Fatalf("%d rows, header %v", len(rows), rows[0])
	}
	for _, r := range rows {
		if len(r) != len(EvidenceColumns) {
			t.Fatalf("row of %d columns", len(r))
		}
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+@\t\r", rune(c[0])) {
				t.Errorf("cell %q can run as a formula", c)
			}
		}
	}
	first, unv, mis := rows[1], rows[2], rows[3]
	// capture order, numbered
	if col(t, first, "number") != "1" || col(t, mis, "number") != "3" ||
		col(t, first, "captured_at_utc") >= col(t, unv, "captured_at_utc") {
		t.Error("rows are not numbered in capture order")
	}
	if got := col(t, first, "verification_status"); got != "confirmed" {
		t.Errorf("confirmed read: status %q", got)
	}
	if got := col(t, unv, "verification_status"); got != "UNVERIFIED" {
		t.Errorf("unverified read: status %q", got)
	}
	if col(t, unv, "verified_plate") != "" || col(t, unv, "photo_in_packet") != "false" || col(t, first, "photo_in_packet") != "true" {
		t.Error("unverified read shows a verified plate, or photo flags are wrong")
	}
	if got := col(t, unv, "ocr_plate"); got != `'=HYPERLINK("http://x")` {
		t.Errorf("formula plate written as %q", got)
	}
	if got := col(t, unv, "camera_name"); got != "'@SUM(1+1)" {
		t.Errorf("formula camera written as %q", got)
	}
	if col(t, mis, "verified_plate") != "8ZZZ111" || col(t, mis, "possible_switch") != "true" ||
		col(t, mis, "fuzzy_substitutions") != "position 2: read 8 for B" {
		t.Errorf("misread row wrong: %v", mis)
	}
	// Numbers stay numbers (a negative longitude is not escaped).
	if lon := col(t, first, "camera_lon"); !strings.HasPrefix(lon, "-122.") {
		t.Errorf("longitude %q", lon)
	}
	if got := col(t, first, "captured_at_local"); !strings.HasSuffix(got, "-07:00") && !strings.HasSuffix(got, "-08:00") {
		t.Errorf("local time %q is not Pacific", got)
	}
	if col(t, first, "report_number") != "26-012345" || col(t, first, "purpose_category") != "robbery" {
		t.Error("case context missing from rows")
	}
}

func TestEscapeCellRoundTrips(t *testing.T) {
	for _, s := range []string{"", "7ABC123", "=1+1", "+1", "-1", "@x", "\tx", "\rx", "'", "'=x", "''", "a=b"} {
		e := EscapeCell(s)
		if e != "" && strings.ContainsRune("=+-@\t\r", rune(e[0])) {
			t.Errorf("EscapeCell(%q) = %q still starts with a formula character", s, e)
		}
		if got := UnescapeCell(e); got != s {
			t.Errorf("UnescapeCell(EscapeCell(%q)) = %q", s, got)
		}
	}
}

// chain builds a hash chain of entries with awkward purposes.
func chain() []api.AuditEntry {
	purposes := []string{"Armed robbery at 73rd Ave, silver sedan", "=cmd|' /C calc'!A0", "-2+3 stolen vehicle",
		"'quoted' purpose,\nwith a comma, a \"quote\" and a newline", "@SUM(A1)"}
	prev := genesis
	var out []api.AuditEntry
	for i, p := range purposes {
		e := api.AuditEntry{Seq: int64(i + 1), At: time.Date(2026, 11, 26, 10, 0, i, 123456000, time.UTC),
			Actor: "detective", Role: api.RoleDetective, Action: "search", ReportNumber: "26-012345",
			PurposeCategory: "robbery", Purpose: p, Query: `{"plate":"7AB*"}`, ResultCount: i * 3,
			Workstation: "ws-01", Outcome: api.OutcomeAllowed, PrevHash: prev}
		if i == 2 {
			e.Outcome, e.Reason = api.OutcomeRefused, api.CodeProhibitedPurpose
		}
		e.Hash = auditHash(e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func TestAuditCSVVerifiesOffline(t *testing.T) {
	entries := chain()
	newestFirst := slices.Clone(entries)
	slices.Reverse(newestFirst)
	var buf bytes.Buffer
	if err := AuditCSV(&buf, newestFirst); err != nil {
		t.Fatal(err)
	}
	writeSample(t, "audit.csv", buf.Bytes())
	rows, err := csv.NewReader(bytes.NewReader(withoutBOM(t, buf.Bytes()))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 6 || !slices.Equal(rows[0], AuditColumns) || rows[1][0] != "1" || rows[5][0] != "5" {
		t.Fatalf("want header and 5 rows in seq order, got %d rows starting %v", len(rows), rows[1])
	}
	if rows[1][13] != genesis || rows[1][14] != entries[0].Hash {
		t.Error("prev_hash and hash columns missing")
	}
	for _, r := range rows {
		for _, c := range r {
			if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
				t.Errorf("cell %q can run as a formula", c)
			}
		}
	}
	back, err := ReadAuditCSV(bytes.NewReader(buf.Bytes()))
	if err != nil {
		t.Fatal(err)
	}
	if len(back) != len(entries) {
		t.Fatalf("read back %d entries", len(back))
	}
	prev := genesis
	for i, e := range back {
		if !e.At.Equal(entries[i].At) {
			t.Errorf("seq %d: time %v, want %v", e.Seq, e.At, entries[i].At)
		}
		e.At = entries[i].At
		if e != entries[i] {
			t.Errorf("seq %d: read back %+v, want %+v", e.Seq, e, entries[i])
		}
		if e.PrevHash != prev || auditHash(e) != e.Hash {
			t.Errorf("seq %d does not verify after the round trip", e.Seq)
		}
		prev = e.Hash
	}
}

func TestAuditCSVDetectsEditAndBadFiles(t *testing.T) {
	var buf bytes.Buffer
	if err := AuditCSV(&buf, chain()); err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(buf.String(), "Armed robbery at 73rd Ave", "Armed robbery at 74th Ave", 1)
	back, err := ReadAuditCSV(strings.NewReader(edited))
	if err != nil {
		t.Fatal(err)
	}
	if auditHash(back[0]) == back[0].Hash {
		t.Error("an edited purpose still verifies")
	}
	bad := []struct{ name, file, want string }{
		{"header", "seq,at\n1,x\n", "header"},
		{"seq", strings.Join(AuditColumns, ",") + "\nx" + strings.Repeat(",", 14) + "\n", "line 2: seq"},
		{"time", strings.Join(AuditColumns, ",") + "\n1,yesterday" + strings.Repeat(",", 13) + "\n", "line 2: at"},
		{"count", strings.Join(AuditColumns, ",") + "\n1,2026-11-26T10:00:00Z,,,,,,,,many,,,,,\n", "result_count"},
		{"columns", strings.Join(AuditColumns, ",") + "\n1,2\n", "fields"},
	}
	for _, b := range bad {
		if _, err := ReadAuditCSV(strings.NewReader(b.file)); err == nil || !strings.Contains(err.Error(), b.want) {
			t.Errorf("%s: error %v, want one naming %q", b.name, err, b.want)
		}
	}
}

func TestFileName(t *testing.T) {
	cases := map[[2]string]string{
		{api.ExportEvidencePDF, "26-012345"}:                "evidence-26-012345-20261126T2200Z.pdf",
		{api.ExportEvidenceCSV, "26-012345"}:                "evidence-26-012345-20261126T2200Z.csv",
		{api.ExportAuditCSV, ""}:                            "audit-20261126T2200Z.csv",
		{api.ExportEfficacyPDF, "2026-01-01 to 2026-12-31"}: "efficacy-2026-01-01-to-2026-12-31-20261126T2200Z.pdf",
		{api.ExportTimelinePNG, "../../etc/passwd"}:         "timeline-------etc-passwd-20261126T2200Z.png",
	}
	for in, want := range cases {
		if got := FileName(in[0], in[1], now); got != want {
			t.Errorf("FileName(%q, %q) = %q, want %q", in[0], in[1], got, want)
		}
	}
}

// withoutBOM checks a CSV starts with the UTF-8 BOM (for Excel) and has no
// CR (LF line ends), and returns it without the BOM.
func withoutBOM(t *testing.T, b []byte) []byte {
	t.Helper()
	if !bytes.HasPrefix(b, []byte(BOM)) {
		t.Fatalf("the CSV does not start with the UTF-8 BOM: %q", b[:min(len(b), 16)])
	}
	if bytes.Contains(b, []byte("\r")) {
		t.Fatal("the CSV has a carriage return")
	}
	return b[len(BOM):]
}
