package store

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"

	"alprdesk/api"
)

// ChainChecker checks audit entries one at a time, in seq order: every
// hash recomputes and every entry links to the one before. The store's
// GET /v1/audit/verify and `alprstore audit verify` both use it.
type ChainChecker struct {
	v    api.AuditVerify
	prev string
	want int64
	// Problem says in a sentence what is wrong with the first broken entry.
	Problem string
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
	c.want = e.Seq + 1
	c.prev = e.Hash
	c.v.Head = api.ChainHead{Seq: e.Seq, Hash: e.Hash}
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
		return a.audit(tx, ActionAuditExport, map[string]any{"format": "jsonl"})
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

// VerifyAuditFile checks an audit export (JSON lines, as ExportAudit
// writes) offline with the store's own chain check and names the first
// broken entry. When head is not nil, the file must also hold that entry
// with that hash (a head written down earlier: nothing was cut from the
// end). Blank lines are ignored; a line that is not an audit entry breaks
// the chain. Only a failure to read r is returned as an error.
func VerifyAuditFile(r io.Reader, head *api.ChainHead) (AuditFileResult, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), maxAuditLine)
	c := NewChainChecker()
	var res AuditFileResult
	hashes := map[int64]string{}
	line := 0
	for sc.Scan() {
		line++
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		before := c.v.FirstBrokenSeq
		var e api.AuditEntry
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&e); err != nil {
			c.Unreadable(fmt.Sprintf("line %d is not an audit entry: %v", line, err))
		} else {
			c.Add(e)
			if head != nil && e.Seq == head.Seq {
				hashes[e.Seq] = e.Hash
			}
		}
		if before == 0 && c.v.FirstBrokenSeq != 0 {
			res.Line = line
		}
	}
	if err := sc.Err(); err != nil {
		return res, fmt.Errorf("read the audit file at line %d: %w", line+1, err)
	}
	if head != nil {
		c.ExpectHead(*head, func(seq int64) (string, bool) { h, ok := hashes[seq]; return h, ok })
	}
	res.AuditVerify, res.Problem = c.Result(), c.Problem
	return res, nil
}
