// Package export turns alprdesk data into files a person can hand on: the
// evidence packet (PDF and CSV) of selected reads, the audit trail as CSV,
// and the efficacy report as PDF. It never imports Fyne and does no I/O
// beyond the writer it is given: the UI records the export with the store
// (POST /v1/exports, docs/POLICY.md, rule 6) and then calls these functions.
//
// Every output is a pure function of its input: the creation date written
// into a PDF is the Generated time passed in, so the same input gives the
// same bytes.
//
// Reads that no human has verified are marked UNVERIFIED everywhere
// (docs/POLICY.md, rule 5). CSV cells that a spreadsheet would run as a formula
// are neutralised (see EscapeCell).
package export

import (
	"errors"
	"fmt"
	"image"
	"strings"
	"time"

	// The local time of evidence is America/Los_Angeles on every platform,
	// including those without a zone database.
	_ "time/tzdata"

	"alprdesk/api"
)

// Errors returned for input that cannot make a file. They are wrapped with
// details; match them with errors.Is.
var (
	// ErrNoReads: an evidence packet needs at least one read.
	ErrNoReads = errors.New("export: the evidence packet has no reads")
	// ErrNoReportNumber: an evidence packet needs the case's report number.
	ErrNoReportNumber = errors.New("export: the case context has no report number")
	// ErrNoExaminer: an evidence packet names who made it.
	ErrNoExaminer = errors.New("export: the examiner is not named")
	// ErrNoTime: the generation time is needed (it also fixes the PDF's dates).
	ErrNoTime = errors.New("export: the generation time is not set")
	// ErrBadPhoto: a photo is not a readable JPEG.
	ErrBadPhoto = errors.New("export: a photo is not a readable JPEG")
	// ErrBadPeriod: an efficacy report's period is missing or ends before it starts.
	ErrBadPeriod = errors.New("export: the report period is missing or ends before it starts")
	// ErrPDF: the PDF library failed.
	ErrPDF = errors.New("export: PDF generation failed")
)

// LocalZoneName is the zone of the local times shown beside UTC.
const LocalZoneName = "America/Los_Angeles"

// Packet is what an evidence export holds.
type Packet struct {
	// Case is the case context the reads were searched under.
	Case api.CaseContext
	// Examiner names who made the export: display name and serial, e.g.
	// "Det. Dana Reyes (D100)".
	Examiner string
	// Generated is when the export was made; it is printed and fixes the
	// PDF's creation date.
	Generated time.Time
	// Store names the store the reads came from (its address).
	Store string
	// ExportID is the id POST /v1/exports answered, if any.
	ExportID string
	// SearchID is the search the reads came from, if any.
	SearchID string
	// AnalysisID is the analysis the reads came from, if any (instead of a
	// search).
	AnalysisID string
	// Reads are the exported reads; the packet lists them in capture order,
	// which is also the numbering of the timeline map's markers.
	Reads []api.Read
	// Photos holds each read's JPEG by read id; a missing one is marked
	// "photo not included".
	Photos map[string][]byte
	// Timeline is the timeline map (optional).
	Timeline image.Image
	// Attribution is the map data's attribution, printed under the map.
	Attribution string
	// Demo marks every page "DEMO DATA — NOT REAL".
	Demo bool
	// Zone is the local time zone shown beside UTC; nil means
	// America/Los_Angeles.
	Zone *time.Location
}

// check reports the first reason p cannot make a packet.
func (p Packet) check() error {
	switch {
	case len(p.Reads) == 0:
		return ErrNoReads
	case p.Case.ReportNumber == "":
		return ErrNoReportNumber
	case p.Examiner == "":
		return ErrNoExaminer
	case p.Generated.IsZero():
		return ErrNoTime
	}
	return nil
}

// zone is the packet's local zone.
func (p Packet) zone() *time.Location {
	if p.Zone != nil {
		return p.Zone
	}
	return laZone()
}

// laZone loads America/Los_Angeles (always present: time/tzdata is linked).
func laZone() *time.Location {
	loc, err := time.LoadLocation(LocalZoneName)
	if err != nil {
		return time.UTC
	}
	return loc
}

// ReportMeta describes an efficacy report beyond its figures.
type ReportMeta struct {
	// Agency is printed in the title, e.g. "Oakland Police Department".
	Agency string
	// PreparedBy names who made the report (display name and serial).
	PreparedBy string
	// Generated is when the report was made; it fixes the PDF's dates.
	Generated time.Time
	// Store names the store the figures came from.
	Store string
	// ExportID is the id POST /v1/exports answered, if any.
	ExportID string
	// Demo marks every page "DEMO DATA — NOT REAL".
	Demo bool
}

// FileName suggests a file name for an export: the kind (one of the
// api.Export* kinds), a label such as the report number or the period, and
// the time, e.g. "evidence-26-012345-20261126T2200Z.pdf". Characters that
// are unsafe in file names become "-".
func FileName(kind, label string, t time.Time) string {
	base, ext, _ := strings.Cut(kind, "_")
	safe := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' {
			return r
		}
		return '-'
	}, label)
	name := base
	if safe != "" {
		name += "-" + safe
	}
	return name + "-" + t.UTC().Format("20060102T1504Z") + "." + ext
}

// Verification status words as exports print them.
const (
	// Unverified is printed for a read nobody has verified.
	Unverified = "UNVERIFIED"
)

// status is the verification status of r as exports print it: the
// verdict, or UNVERIFIED.
func status(r api.Read) string {
	if r.Verification == nil || r.Verification.Status == "" {
		return Unverified
	}
	return r.Verification.Status
}

// verified returns the plate and state a human established for r: the
// corrected values of a misread or wrong state, the OCR values when
// confirmed, and empty strings when unverified or unreadable.
func verified(r api.Read) (plate, state string) {
	v := r.Verification
	if v == nil {
		return "", ""
	}
	switch v.Status {
	case api.VerifyConfirmed:
		return r.Plate, r.State
	case api.VerifyMisread:
		st := r.State
		if v.CorrectedState != "" {
			st = v.CorrectedState
		}
		return v.CorrectedPlate, st
	case api.VerifyWrongState:
		pl := r.Plate
		if v.CorrectedPlate != "" {
			pl = v.CorrectedPlate
		}
		return pl, v.CorrectedState
	}
	return "", ""
}

// vehicle describes r's vehicle in words.
func vehicle(r api.Read) string {
	s := joinNonEmpty(" ", r.Color, r.Make, r.BodyType)
	if s == "" {
		s = "not recorded"
	}
	return s
}

// substitutions describes a fuzzy match's substituted characters.
func substitutions(r api.Read) string {
	out := ""
	for i, s := range r.FuzzySubstitutions {
		if i > 0 {
			out += "; "
		}
		out += fmt.Sprintf("position %d: read %s for %s", s.Position+1, s.Got, s.Want)
	}
	return out
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	out := ""
	for _, p := range parts {
		if p == "" {
			continue
		}
		if out != "" {
			out += sep
		}
		out += p
	}
	return out
}
