package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"time"

	"alprdesk/api"
)

// ChainChecker checks audit entries one at a time, in seq order: every
// hash recomputes and every entry links to the one before. The store's
// GET /v1/audit/verify and `alprstore audit verify` both use it.
type ChainChecker struct {
	v    api.AuditVerify
	prev string
	want int64
	// claims are the heads recorded inside the chain (samples, exports).
	claims []HeadClaim
	// Problem says in a sentence what is wrong with the first broken entry.
	Problem string
}

// HeadClaim is a chain head recorded inside the chain: the audit entry By
// (a monthly sample, an export) wrote down that entry Head.Seq had hash
// Head.Hash when it was made.
type HeadClaim struct {
	By     int64
	Action string
	Head   api.ChainHead
}

// headClaim returns the head an entry's query records (head_seq and
// head_hash), if any.
func headClaim(e api.AuditEntry) (HeadClaim, bool) {
	if !strings.Contains(e.Query, `"head_hash"`) {
		return HeadClaim{}, false
	}
	var q struct {
		Seq  int64  `json:"head_seq"`
		Hash string `json:"head_hash"`
	}
	if json.Unmarshal([]byte(e.Query), &q) != nil || q.Seq < 1 {
		return HeadClaim{}, false
	}
	return HeadClaim{By: e.Seq, Action: e.Action, Head: api.ChainHead{Seq: q.Seq, Hash: q.Hash}}, true
}

// NewChainChecker starts a check at the chain's first entry.
func NewChainChecker() *ChainChecker {
	return &ChainChecker{prev: GenesisHash, want: 1}
}

// Add checks the next entry.
func (c *ChainChecker) Add(e api.AuditEntry) {
	c.v.Checked++
	if c.v.FirstBrokenSeq == 0 {
		switch {
		case e.Seq != c.want:
			c.broken(c.want, fmt.Sprintf("entry %d is missing: the next entry holds seq %d", c.want, e.Seq))
		case e.PrevHash != c.prev:
			c.broken(e.Seq, fmt.Sprintf("entry %d does not link to the entry before it (prev_hash differs)", e.Seq))
		case AuditHash(e) != e.Hash:
			c.broken(e.Seq, fmt.Sprintf("entry %d was changed: its hash does not recompute", e.Seq))
		}
	}
	if hc, ok := headClaim(e); ok {
		c.claims = append(c.claims, hc)
	}
	c.want = e.Seq + 1
	c.prev = e.Hash
	c.v.Head = api.ChainHead{Seq: e.Seq, Hash: e.Hash}
}

// Claims lists the heads recorded inside the chain so far.
func (c *ChainChecker) Claims() []HeadClaim { return c.claims }

// CheckClaims cross-checks every head recorded inside the chain against
// the entries (hashAt gives an entry's hash): a rewrite that rehashed the
// chain but not the heads written down inside it breaks here. Call it
// after the last Add.
func (c *ChainChecker) CheckClaims(hashAt func(seq int64) (string, bool)) {
	for _, hc := range c.claims {
		if c.v.FirstBrokenSeq != 0 {
			return
		}
		got, ok := hashAt(hc.Head.Seq)
		switch {
		case !ok:
			c.broken(hc.Head.Seq, fmt.Sprintf("entry %d, the head entry %d (%s) recorded, is missing", hc.Head.Seq, hc.By, hc.Action))
		case got != hc.Head.Hash:
			c.broken(hc.Head.Seq, fmt.Sprintf("entry %d does not have the hash entry %d (%s) recorded for it: the chain was rewritten", hc.Head.Seq, hc.By, hc.Action))
		}
	}
}

// CheckCheckpoints checks the chain against signed checkpoints (already
// verified): at each checkpoint's seq the entry must have its hash, and the
// chain must reach the newest checkpoint (else its tail was cut).
func (c *ChainChecker) CheckCheckpoints(cps []Checkpoint, hashAt func(seq int64) (string, bool)) {
	for _, cp := range cps {
		if c.v.FirstBrokenSeq != 0 {
			return
		}
		got, ok := hashAt(cp.Seq)
		switch {
		case !ok && cp.Seq > c.v.Head.Seq:
			c.broken(c.v.Head.Seq+1, fmt.Sprintf("the chain ends at entry %d, before the checkpoint of entry %d signed %s: its tail was cut",
				c.v.Head.Seq, cp.Seq, cp.At.Format(time.RFC3339)))
		case !ok:
			c.broken(cp.Seq, fmt.Sprintf("entry %d of the checkpoint signed %s is missing", cp.Seq, cp.At.Format(time.RFC3339)))
		case got != cp.Hash:
			c.broken(cp.Seq, fmt.Sprintf("entry %d does not have the hash of the checkpoint signed %s: the chain was rewritten", cp.Seq, cp.At.Format(time.RFC3339)))
		}
	}
}

// Unreadable notes an entry that could not be read at all (in a file: a
// line that is not an audit entry).
func (c *ChainChecker) Unreadable(problem string) {
	c.v.Checked++
	if c.v.FirstBrokenSeq == 0 {
		c.broken(c.want, problem)
	}
	c.want++
	c.prev = ""
}

func (c *ChainChecker) broken(seq int64, problem string) {
	c.v.FirstBrokenSeq, c.Problem = seq, problem
}

// ExpectHead checks that the chain reached a head written down earlier
// (e.g. by a monthly audit sample): the entry h.Seq must exist with hash
// h.Hash, else entries were cut or rewritten. Call it after the last Add.
func (c *ChainChecker) ExpectHead(h api.ChainHead, hashAt func(seq int64) (string, bool)) {
	if c.v.FirstBrokenSeq != 0 {
		return
	}
	got, ok := hashAt(h.Seq)
	switch {
	case !ok:
		c.broken(h.Seq, fmt.Sprintf("entry %d, the head written down earlier, is missing: the chain was cut", h.Seq))
	case got != h.Hash:
		c.broken(h.Seq, fmt.Sprintf("entry %d does not have the hash written down earlier", h.Seq))
	}
}

// Result is the verdict so far.
func (c *ChainChecker) Result() api.AuditVerify {
	v := c.v
	v.OK = v.FirstBrokenSeq == 0
	return v
}

// ExportAudit writes the whole audit chain to w as JSON lines, one entry
// per line in seq order (the encoding of api.AuditEntry), and returns the
// chain's verdict as it was read. The export is audited first, as
// action audit_export by the Admin's actor, so the file holds its own record.
func (a *Admin) ExportAudit(ctx context.Context, w io.Writer) (api.AuditVerify, error) {
	err := a.St.Update(ctx, func(tx Tx) error {
		head, err := tx.AuditHead()
		if err != nil {
			return err
		}
		return a.audit(tx, ActionAuditExport, map[string]any{"format": "jsonl", "head_seq": head.Seq, "head_hash": head.Hash})
	})
	if err != nil {
		return api.AuditVerify{}, err
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	c := NewChainChecker()
	err = a.St.View(ctx, func(tx ReadTx) error {
		return tx.AuditScan(func(e api.AuditEntry) error {
			c.Add(e)
			b, err := json.Marshal(e)
			if err != nil {
				return err
			}
			bw.Write(b)
			return bw.WriteByte('\n')
		})
	})
	if err != nil {
		return api.AuditVerify{}, err
	}
	return c.Result(), bw.Flush()
}

// AuditFileResult is the verdict on an exported audit file.
type AuditFileResult struct {
	api.AuditVerify
	// Line is the file line of the first broken entry (0 when intact or
	// when the break is a cut at the end).
	Line int
	// Problem says what is wrong, "" when the file is intact.
	Problem string
}

// maxAuditLine is the longest line VerifyAuditFile reads.
const maxAuditLine = 8 << 20

// VerifyOptions are what VerifyAuditFile checks besides the chain itself.
type VerifyOptions struct {
	// Head is a head written down earlier: the file must hold that entry
	// with that hash (nothing was cut from the end).
	Head *api.ChainHead
	// Checkpoints are signed checkpoints (signatures already verified, see
	// LoadCheckpoints): the file must agree with each and reach the newest.
	Checkpoints []Checkpoint
}

// VerifyAuditFile checks an audit export (JSON lines, as ExportAudit
// writes) offline with the store's own chain check and names the first
// broken entry. Besides every hash and link, it cross-checks the heads
// recorded inside the chain (monthly samples, exports) and whatever opts
// name. Blank lines are ignored; a line that is not an audit entry breaks
// the chain. The file is read twice (the second time only for the hashes
// the checks need). Only a failure to read r is returned as an error.
func VerifyAuditFile(r io.ReadSeeker, opts VerifyOptions) (AuditFileResult, error) {
	c := NewChainChecker()
	var res AuditFileResult
	err := scanAuditLines(r, func(line int, e *api.AuditEntry, problem string) {
		before := c.v.FirstBrokenSeq
		if e == nil {
			c.Unreadable(problem)
		} else {
			c.Add(*e)
		}
		if before == 0 && c.v.FirstBrokenSeq != 0 {
			res.Line = line
		}
	})
	if err != nil {
		return res, err
	}
	need := map[int64]string{}
	for _, hc := range c.Claims() {
		need[hc.Head.Seq] = ""
	}
	for _, cp := range opts.Checkpoints {
		need[cp.Seq] = ""
	}
	if opts.Head != nil {
		need[opts.Head.Seq] = ""
	}
	hashes, err := hashesAt(r, need)
	if err != nil {
		return res, err
	}
	hashAt := func(seq int64) (string, bool) { h, ok := hashes[seq]; return h, ok }
	if opts.Head != nil {
		c.ExpectHead(*opts.Head, hashAt)
	}
	c.CheckClaims(hashAt)
	c.CheckCheckpoints(opts.Checkpoints, hashAt)
	res.AuditVerify, res.Problem = c.Result(), c.Problem
	return res, nil
}

// scanAuditLines reads r from its start and calls fn for every non-blank
// line: the entry, or nil and why the line is not one.
func scanAuditLines(r io.ReadSeeker, fn func(line int, e *api.AuditEntry, problem string)) error {
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return err
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxAuditLine)
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e api.AuditEntry
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			fn(line, nil, fmt.Sprintf("line %d is not an audit entry: %v", line, err))
			continue
		}
		fn(line, &e, "")
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read the audit file at line %d: %w", line+1, err)
	}
	return nil
}

// hashesAt reads the hashes of the entries whose seqs are need's keys
// (those the file holds).
func hashesAt(r io.ReadSeeker, need map[int64]string) (map[int64]string, error) {
	out := map[int64]string{}
	if len(need) == 0 {
		return out, nil
	}
	err := scanAuditLines(r, func(_ int, e *api.AuditEntry, _ string) {
		if e == nil {
			return
		}
		if _, ok := need[e.Seq]; ok {
			out[e.Seq] = e.Hash
		}
	})
	return out, err
}
