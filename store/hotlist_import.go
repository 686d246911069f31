package store

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// StateListHeader is the header every state-list CSV file starts with.
var StateListHeader = []string{"plate", "state", "vehicle_description", "reason", "source_id"}

// maxImportErrors bounds the bad rows an ImportError lists.
const maxImportErrors = 20

// RowError is one bad row of a state-list file.
type RowError struct {
	Line   int
	Reason string
}

// ImportError reports why a state-list file was refused; nothing of it
// was applied.
type ImportError struct {
	File string
	Rows []RowError
	// More counts bad rows beyond those listed.
	More int
}

// Error lists the bad rows with their line numbers.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s was not imported (nothing of it was applied):", e.File)
	for _, r := range e.Rows {
		fmt.Fprintf(&b, "\n  line %d: %s", r.Line, r.Reason)
	}
	if e.More > 0 {
		fmt.Fprintf(&b, "\n  and %d more bad rows", e.More)
	}
	return b.String()
}

// ImportResult says what an import changed.
type ImportResult struct {
	List     string
	Entries  int
	Replaced int
}

// parseStateList reads a state-list CSV into entries of list, expiring at
// exp; every bad row is reported with its line number.
func parseStateList(list, name string, r io.Reader, states []string, now, exp time.Time) ([]HotlistEntryRecord, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.ReuseRecord = true
	ie := &ImportError{File: name}
	bad := func(line int, format string, args ...any) {
		if len(ie.Rows) < maxImportErrors {
			ie.Rows = append(ie.Rows, RowError{Line: line, Reason: fmt.Sprintf(format, args...)})
		} else {
			ie.More++
		}
	}
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			err = errors.New("the file is empty")
		}
		bad(1, "the header cannot be read: %v", err)
		return nil, ie
	}
	got := make([]string, len(head))
	for i, h := range head {
		got[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	if !slices.Equal(got, StateListHeader) {
		bad(1, "the header is %q; it must be %s", strings.Join(got, ","), strings.Join(StateListHeader, ","))
		return nil, ie
	}
	var out []HotlistEntryRecord
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				bad(pe.Line, "%v", pe.Err)
				continue
			}
			return nil, err
		}
		e, reason := stateListRow(rec, list, states)
		if reason != "" {
			bad(line, "%s", reason)
			continue
		}
		e.ID = fmt.Sprintf("sl_%s_%d", list, len(out)+1)
		e.ExpiresAt, e.CreatedAt, e.Status = exp, now, EntryActive
		out = append(out, e)
	}
	if len(ie.Rows) > 0 {
		return nil, ie
	}
	return out, nil
}

// stateListRow validates one row; reason is "" when it is good.
func stateListRow(rec []string, list string, states []string) (HotlistEntryRecord, string) {
	var e HotlistEntryRecord
	if len(rec) != len(StateListHeader) {
		return e, fmt.Sprintf("the row has %d fields; it needs %d (%s)", len(rec), len(StateListHeader), strings.Join(StateListHeader, ","))
	}
	p := plate.Normalize(rec[0])
	state := strings.ToUpper(strings.TrimSpace(rec[1]))
	desc, reason, src := strings.TrimSpace(rec[2]), strings.TrimSpace(rec[3]), strings.TrimSpace(rec[4])
	switch {
	case p == "" || !plate.Valid(p) || strings.ContainsAny(p, "*?"):
		return e, fmt.Sprintf("the plate %q is not 1 to %d letters and digits", rec[0], plate.MaxLen)
	case !slices.Contains(states, state):
		return e, fmt.Sprintf("the state %q is not a known state of issuance", rec[1])
	case len(desc) > 200:
		return e, "the vehicle_description is longer than 200 characters"
	case reason == "" || len(reason) > 200:
		return e, "the reason must be 1 to 200 characters"
	case src == "" || len(src) > 64:
		return e, "the source_id must be 1 to 64 characters"
	}
	e.HotlistEntry = api.HotlistEntry{Plate: p, State: state, List: list, ReportNumber: src, VehicleDescription: desc,
		Instructions: fmt.Sprintf("%s (CA DOJ %s record %s). Verify the photo and confirm the record with dispatch before acting.", reason, strings.ReplaceAll(list, "_", " "), src),
		Contact:      "Dispatch: confirm CA DOJ record " + src}
	return e, ""
}

// ImportHotlist replaces the state list `list` (felony_wants,
// stolen_plates, stolen_vehicles) with the CSV read from r, named name in
// messages and the audit trail. A file with any bad row is refused with an
// *ImportError naming each bad line, and nothing is applied; a good file
// replaces the list in one transaction. Both are audited. Entries run
// StateListDays unless a newer file replaces them.
func (a *Admin) ImportHotlist(ctx context.Context, list, name string, r io.Reader) (*ImportResult, error) {
	if !slices.Contains(StateLists, list) {
		return nil, fmt.Errorf("the list %q is not a state list; use one of %s", list, strings.Join(StateLists, ", "))
	}
	now := a.now().Truncate(time.Millisecond)
	es, perr := parseStateList(list, name, r, api.DefaultPolicy().States, now, now.Add(StateListDays*24*time.Hour))
	var ie *ImportError
	if perr != nil && !errors.As(perr, &ie) {
		return nil, perr
	}
	res := &ImportResult{List: list, Entries: len(es)}
	q, _ := json.Marshal(map[string]any{"list": list, "file": name, "entries": len(es)})
	e := &api.AuditEntry{At: now, Actor: a.Actor, Role: "admin", Action: ActionHotlistImport, Query: string(q), ResultCount: len(es)}
	err := a.St.Update(ctx, func(tx Tx) error {
		if ie != nil {
			e.Outcome, e.Reason, e.ResultCount = api.OutcomeRefused, api.CodeInvalidField, 0
			return AppendAudit(tx, e)
		}
		var err error
		if res.Replaced, err = tx.ReplaceStateList(list, es); err != nil {
			return err
		}
		if err := tx.BumpHotlistGeneration(); err != nil {
			return err
		}
		return AppendAudit(tx, e)
	})
	if err != nil {
		return nil, err
	}
	if ie != nil {
		return nil, ie
	}
	return res, nil
}

// ImportHotlistFile imports a state-list file into a running store and
// updates its matching at once.
func (s *Server) ImportHotlistFile(ctx context.Context, list, path, actor string) (*ImportResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	res, err := s.Admin(actor).ImportHotlist(ctx, list, path, f)
	if err == nil {
		s.reloadHotlists(ctx)
	}
	return res, err
}

// importLoop imports <list>.csv files from ImportDir at start and every
// ImportEvery; a file unchanged since its last import is skipped.
func (s *Server) importLoop(ctx context.Context) {
	t := time.NewTicker(s.cfg.ImportEvery)
	defer t.Stop()
	for {
		s.leased(ctx, jobImport, s.cfg.ImportEvery, func() { s.importDir(ctx) })
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// importDir imports each state list's file from ImportDir when present
// and changed.
func (s *Server) importDir(ctx context.Context) {
	for _, list := range StateLists {
		path := filepath.Join(s.cfg.ImportDir, list+".csv")
		b, err := os.ReadFile(path)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			s.cfg.Logf("store: import %s: %v", path, err)
			continue
		}
		sum := sha256.Sum256(b)
		key := "hotlist_import_sha256_" + list
		if prev, err := s.st.Meta(ctx, key); err == nil && prev == hex.EncodeToString(sum[:]) {
			continue
		}
		res, err := s.Admin("system:import").ImportHotlist(ctx, list, path, bytes.NewReader(b))
		if err != nil {
			s.cfg.Logf("store: import: %v", err)
			continue
		}
		s.reloadHotlists(ctx)
		if err := s.st.SetMeta(ctx, key, hex.EncodeToString(sum[:])); err != nil {
			s.cfg.Logf("store: import %s: %v", path, err)
		}
		s.cfg.Logf("store: imported %s: %d entries (replacing %d)", path, res.Entries, res.Replaced)
	}
}
