package export

import (
	"bufio"
	"cmp"
	"encoding/csv"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"alprdesk/api"
)

// EscapeCell protects a text cell against CSV formula injection: a cell
// that starts with = + - @, a tab or a carriage return (which spreadsheets
// may run as a formula) gets a leading apostrophe. So that the escape can
// be undone exactly (the audit CSV must verify offline), a cell that
// already starts with an apostrophe gets one too. UnescapeCell undoes it.
func EscapeCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r'", rune(s[0])) {
		return "'" + s
	}
	return s
}

// UnescapeCell undoes EscapeCell: it removes one leading apostrophe.
func UnescapeCell(s string) string {
	return strings.TrimPrefix(s, "'")
}

// BOM starts every CSV the workstation writes: the UTF-8 byte order mark,
// without which Excel on Windows reads UTF-8 as the local code page
// ("Nguyễn" as "Nguyá»…n"). Lines end in LF, not RFC 4180's CRLF: Excel,
// LibreOffice and encoding/csv read both, and a file verified offline then
// hashes the same on every platform.
const BOM = "\ufeff"

// EvidenceColumns are the header row of the evidence CSV.
var EvidenceColumns = []string{
	"number", "read_id", "report_number", "purpose_category",
	"ocr_plate", "verified_plate", "state", "verified_state",
	"captured_at_utc", "captured_at_local",
	"camera_id", "camera_name", "camera_lat", "camera_lon",
	"make", "color", "body_type", "features", "confidence",
	"verification_status", "verified_by", "verified_at",
	"possible_switch", "fuzzy_substitutions", "photo_in_packet",
}

// EvidenceCSV writes the packet's reads as CSV: the EvidenceColumns header,
// then one row per read in capture order. verification_status is
// UNVERIFIED for a read nobody verified; text cells are escaped with
// EscapeCell; numbers are plain; times are RFC 3339 (the local one in the
// packet's zone).
func EvidenceCSV(w io.Writer, p Packet) error {
	if err := p.check(); err != nil {
		return err
	}
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(EvidenceColumns); err != nil {
		return err
	}
	zone := p.zone()
	for i, r := range sortedReads(p.Reads) {
		if err := cw.Write(evidenceRow(i+1, r, p, zone)); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// evidenceRow is one read's row of the evidence CSV.
func evidenceRow(n int, r api.Read, p Packet, zone *time.Location) []string {
	vp, vs := verified(r)
	var by, at string
	if v := r.Verification; v != nil {
		by, at = v.By, v.At.UTC().Format(time.RFC3339)
	}
	_, photo := p.Photos[r.ID]
	t := EscapeCell
	return []string{
		strconv.Itoa(n), t(r.ID), t(p.Case.ReportNumber), t(p.Case.PurposeCategory),
		t(r.Plate), t(vp), t(r.State), t(vs),
		r.CapturedAt.UTC().Format(time.RFC3339), r.CapturedAt.In(zone).Format(time.RFC3339),
		t(r.Camera.ID), t(r.Camera.Name), num(r.Camera.Lat), num(r.Camera.Lon),
		t(r.Make), t(r.Color), t(r.BodyType), t(strings.Join(r.Features, ";")),
		strconv.FormatFloat(r.Confidence, 'f', 3, 64),
		t(status(r)), t(by), at,
		strconv.FormatBool(r.PossibleSwitch), t(substitutions(r)), strconv.FormatBool(photo),
	}
}

// num formats a coordinate.
func num(f float64) string {
	return strconv.FormatFloat(f, 'f', 6, 64)
}

// sortedReads returns the reads in capture order (ties by id), leaving the
// caller's slice alone.
func sortedReads(rs []api.Read) []api.Read {
	out := slices.Clone(rs)
	slices.SortStableFunc(out, func(a, b api.Read) int {
		return cmp.Or(a.CapturedAt.Compare(b.CapturedAt), cmp.Compare(a.ID, b.ID))
	})
	return out
}

// AuditColumns are the header row of the audit CSV: every field of an
// audit entry, in the order its hash covers them, then the hash.
var AuditColumns = []string{
	"seq", "at", "actor", "role", "action", "report_number", "purpose_category",
	"purpose", "query", "result_count", "workstation", "outcome", "reason",
	"prev_hash", "hash",
}

// AuditCSV writes audit entries as CSV, in ascending seq order whatever
// the order given: the AuditColumns header, then one row per entry. The
// time is written exactly as the hash covers it (RFC 3339 UTC, up to
// nanoseconds), and text cells are escaped with EscapeCell, so that
// ReadAuditCSV gives back the entries and the chain can be verified
// offline.
func AuditCSV(w io.Writer, entries []api.AuditEntry) error {
	if _, err := io.WriteString(w, BOM); err != nil {
		return err
	}
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b api.AuditEntry) int { return cmp.Compare(a.Seq, b.Seq) })
	cw := csv.NewWriter(w)
	if err := cw.Write(AuditColumns); err != nil {
		return err
	}
	t := EscapeCell
	for _, e := range sorted {
		row := []string{
			strconv.FormatInt(e.Seq, 10), e.At.UTC().Format(time.RFC3339Nano), t(e.Actor), t(e.Role),
			t(e.Action), t(e.ReportNumber), t(e.PurposeCategory), t(e.Purpose), t(e.Query),
			strconv.Itoa(e.ResultCount), t(e.Workstation), t(e.Outcome), t(e.Reason),
			t(e.PrevHash), t(e.Hash),
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadAuditCSV reads a file AuditCSV wrote back into entries, undoing the
// cell escapes. It fails on a header other than AuditColumns or a row
// whose seq, time or result count does not parse, naming the line. A leading BOM (AuditCSV writes one) is skipped.
func ReadAuditCSV(r io.Reader) ([]api.AuditEntry, error) {
	br := bufio.NewReader(r)
	if b, err := br.Peek(len(BOM)); err == nil && string(b) == BOM {
		br.Discard(len(BOM))
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = len(AuditColumns)
	head, err := cr.Read()
	if err != nil {
		return nil, fmt.Errorf("audit CSV header: %w", err)
	}
	if !slices.Equal(head, AuditColumns) {
		return nil, fmt.Errorf("audit CSV header is %q, want %q", head, AuditColumns)
	}
	var out []api.AuditEntry
	for line := 2; ; line++ {
		rec, err := cr.Read()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return nil, fmt.Errorf("audit CSV: %w", err)
		}
		e, err := auditEntry(rec)
		if err != nil {
			return nil, fmt.Errorf("audit CSV line %d: %w", line, err)
		}
		out = append(out, e)
	}
}

// auditEntry parses one row of the audit CSV.
func auditEntry(rec []string) (api.AuditEntry, error) {
	u := UnescapeCell
	seq, err := strconv.ParseInt(rec[0], 10, 64)
	if err != nil {
		return api.AuditEntry{}, fmt.Errorf("seq %q is not a number", rec[0])
	}
	at, err := time.Parse(time.RFC3339Nano, rec[1])
	if err != nil {
		return api.AuditEntry{}, fmt.Errorf("at %q is not an RFC 3339 time", rec[1])
	}
	n, err := strconv.Atoi(rec[9])
	if err != nil {
		return api.AuditEntry{}, fmt.Errorf("result_count %q is not a number", rec[9])
	}
	return api.AuditEntry{
		Seq: seq, At: at.UTC(), Actor: u(rec[2]), Role: u(rec[3]), Action: u(rec[4]),
		ReportNumber: u(rec[5]), PurposeCategory: u(rec[6]), Purpose: u(rec[7]), Query: u(rec[8]),
		ResultCount: n, Workstation: u(rec[10]), Outcome: u(rec[11]), Reason: u(rec[12]),
		PrevHash: u(rec[13]), Hash: u(rec[14]),
	}, nil
}
