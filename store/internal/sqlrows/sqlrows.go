// Package sqlrows holds what the SQL backends of the store (store/sqlite,
// store/postgres) share: millisecond times, the feature mask, and the
// column lists and scanners of the rows both schemas lay out alike. Scan
// errors come back as the driver gave them; each backend maps its own "no
// rows" to store.ErrNotFound.
package sqlrows

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/store"
)

// Scanner is a row of either driver.
type Scanner interface{ Scan(...any) error }

// Rows is a result set of either driver.
type Rows interface {
	Scanner
	Next() bool
}

// MS is a time as stored: Unix milliseconds, 0 for the zero time.
func MS(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixMilli()
}

// FromMS is the time of a stored value (UTC; 0 is the zero time).
func FromMS(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return time.UnixMilli(v).UTC()
}

// searchableFeatures are DESIGN.md rule 10's features, one bit each.
var searchableFeatures = api.DefaultPolicy().Features

// FeatureMask is the bit mask of the searchable features among fs.
func FeatureMask(fs []string) int64 {
	var m int64
	for _, f := range fs {
		if i := slices.Index(searchableFeatures, f); i >= 0 {
			m |= 1 << i
		}
	}
	return m
}

// NonNil is s, or an empty slice for nil (stored as [] not null).
func NonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// Deref is *s, or "" for nil.
func Deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// ReadCols selects a read joined with its plate and camera (ReadFrom),
// for ScanRead.
const ReadCols = `r.rid, r.id, p.plate, r.state, r.confidence, r.captured_at, r.camera_id,
	coalesce(c.name, ''), coalesce(c.lat, 0), coalesce(c.lon, 0), r.make, r.color, r.body_type,
	r.features, r.box_x, r.box_y, r.box_w, r.box_h, r.v_status, r.v_plate, r.v_state, r.v_by, r.v_at`

// ReadFrom joins reads r with plates p and cameras c.
const ReadFrom = ` FROM reads r JOIN plates p ON p.id = r.plate_id LEFT JOIN cameras c ON c.id = r.camera_id`

// ScanRead scans a row of ReadCols.
func ScanRead(sc Scanner) (api.Read, store.Keyset, error) {
	var r api.Read
	var k store.Keyset
	var feats string
	var vStatus, vPlate, vState, vBy *string
	var vAt *int64
	var rid int64
	err := sc.Scan(&rid, &r.ID, &r.Plate, &r.State, &r.Confidence, &k.At, &r.Camera.ID,
		&r.Camera.Name, &r.Camera.Lat, &r.Camera.Lon, &r.Make, &r.Color, &r.BodyType, &feats,
		&r.PlateBox.X, &r.PlateBox.Y, &r.PlateBox.W, &r.PlateBox.H, &vStatus, &vPlate, &vState, &vBy, &vAt)
	if err != nil {
		return r, k, err
	}
	r.CapturedAt, k.ID = FromMS(k.At), r.ID
	if err := json.Unmarshal([]byte(feats), &r.Features); err != nil || r.Features == nil {
		r.Features = []string{}
	}
	if vStatus != nil {
		r.Verification = &api.Verification{Status: *vStatus, By: Deref(vBy)}
		r.Verification.CorrectedPlate, r.Verification.CorrectedState = Deref(vPlate), Deref(vState)
		if vAt != nil {
			r.Verification.At = FromMS(*vAt)
		}
	}
	return r, k, nil
}

// FillPage appends the reads of rows (ReadCols, one more than limit asked
// for) to page, setting More when the extra one came.
func FillPage(page *store.ReadPage, rows Rows, limit int) error {
	for rows.Next() {
		r, k, err := ScanRead(rows)
		if err != nil {
			return err
		}
		if len(page.Reads) == limit {
			page.More = true
			break
		}
		page.Reads, page.Keys = append(page.Reads, r), append(page.Keys, k)
	}
	return nil
}

// MakeColor is a (lower-cased) make and colour a plate was seen with.
type MakeColor struct{ Make, Color string }

// SwitchFlags marks the reads whose plate was seen (seen, by plate) on a
// make or colour other than the read's; unknown ("") never differs.
func SwitchFlags(reads []api.Read, seen map[string][]MakeColor) map[string]bool {
	out := map[string]bool{}
	for _, r := range reads {
		mk, col := strings.ToLower(r.Make), strings.ToLower(r.Color)
		for _, v := range seen[r.Plate] {
			if (v.Make != "" && mk != "" && v.Make != mk) || (v.Color != "" && col != "" && v.Color != col) {
				out[r.ID] = true
				break
			}
		}
	}
	return out
}

// AuditCols are the columns of an audit entry, for ScanAudit.
const AuditCols = `seq, at, actor, role, action, report_number, purpose_category, purpose, query,
	result_count, workstation, outcome, reason, prev_hash, hash`

// ScanAudit scans a row of AuditCols; at is the stored time text.
func ScanAudit(sc Scanner) (e api.AuditEntry, at string, err error) {
	err = sc.Scan(&e.Seq, &at, &e.Actor, &e.Role, &e.Action, &e.ReportNumber, &e.PurposeCategory,
		&e.Purpose, &e.Query, &e.ResultCount, &e.Workstation, &e.Outcome, &e.Reason, &e.PrevHash, &e.Hash)
	if err != nil {
		return e, "", err
	}
	e.At, err = time.Parse(time.RFC3339Nano, at)
	return e, at, err
}

// RequestCols are the columns of a hotlist request, for ScanRequest.
const RequestCols = `id, body, requested_by, requested_at, status, decided_by, decided_at, reason, entry_id, notice`

// ScanRequest scans a row of RequestCols.
func ScanRequest(sc Scanner) (*api.HotlistRequest, error) {
	var r api.HotlistRequest
	var body string
	var at, decided int64
	err := sc.Scan(&r.ID, &body, &r.RequestedBy, &at, &r.Status, &r.DecidedBy, &decided, &r.Reason, &r.EntryID, &r.Notice)
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(body), &r.HotlistRequestBody); err != nil {
		return nil, fmt.Errorf("store: hotlist request %s: %w", r.ID, err)
	}
	r.RequestedAt = FromMS(at)
	if decided != 0 {
		d := FromMS(decided)
		r.DecidedAt = &d
	}
	return &r, nil
}

// EntryCols are the columns of a hotlist entry, for ScanEntry and
// EntryArgs.
const EntryCols = `id, plate, state, list, expires_at, request_id, report_number, vehicle_description,
	instructions, contact, requested_by, created_at, status`

// ScanEntry scans a row of EntryCols.
func ScanEntry(sc Scanner) (*store.HotlistEntryRecord, error) {
	var e store.HotlistEntryRecord
	var exp, created int64
	err := sc.Scan(&e.ID, &e.Plate, &e.State, &e.List, &exp, &e.RequestID, &e.ReportNumber, &e.VehicleDescription,
		&e.Instructions, &e.Contact, &e.RequestedBy, &created, &e.Status)
	if err != nil {
		return nil, err
	}
	e.ExpiresAt, e.CreatedAt = FromMS(exp), FromMS(created)
	return &e, nil
}

// EntryArgs are an entry's values in EntryCols order.
func EntryArgs(e *store.HotlistEntryRecord) []any {
	return []any{e.ID, e.Plate, e.State, e.List, MS(e.ExpiresAt), e.RequestID, e.ReportNumber, e.VehicleDescription,
		e.Instructions, e.Contact, e.RequestedBy, MS(e.CreatedAt), e.Status}
}

// AlertCols are the columns of an alert, for ScanAlert.
const AlertCols = `seq, read_id, entry_id, list, match, requested_by, at, data`

// ScanAlert scans a row of AlertCols.
func ScanAlert(sc Scanner) (*store.AlertRecord, error) {
	var a store.AlertRecord
	var at int64
	var data string
	if err := sc.Scan(&a.Seq, &a.ReadID, &a.EntryID, &a.List, &a.Match, &a.RequestedBy, &at, &data); err != nil {
		return nil, err
	}
	a.At, a.Data = FromMS(at), []byte(data)
	return &a, nil
}
