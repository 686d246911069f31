package store

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"alprdesk/api"
)

// GenesisHash is the prev_hash of the first audit entry: 64 zeros.
var GenesisHash = strings.Repeat("0", 64)

// auditTime is the canonical text of an audit time: UTC, RFC 3339 with
// up to nanoseconds (trailing zeros dropped), exactly as encoding/json
// writes a time.Time.
func AuditTime(t time.Time) string {
	return t.UTC().Format(time.RFC3339Nano)
}

// canonicalEntry is an audit entry without its hash, fields in the order
// api/openapi.yaml lists them.
type canonicalEntry struct {
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
}

// AuditCanonical returns the bytes an audit entry's hash covers: its fields
// other than hash as JSON, keys in the order of the struct above, no spaces, UTF-8
// (no HTML escaping), the time in RFC 3339 UTC as encoding/json writes it.
func AuditCanonical(e api.AuditEntry) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	// Encoding a struct of strings and integers cannot fail.
	_ = enc.Encode(canonicalEntry{
		Seq: e.Seq, At: AuditTime(e.At), Actor: e.Actor, Role: e.Role, Action: e.Action,
		ReportNumber: e.ReportNumber, PurposeCategory: e.PurposeCategory, Purpose: e.Purpose,
		Query: e.Query, ResultCount: e.ResultCount, Workstation: e.Workstation,
		Outcome: e.Outcome, Reason: e.Reason, PrevHash: e.PrevHash,
	})
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// AuditHash returns the SHA-256 (hex) of an entry's canonical form.
func AuditHash(e api.AuditEntry) string {
	sum := sha256.Sum256(AuditCanonical(e))
	return hex.EncodeToString(sum[:])
}

// Audit actions written by the store.
const (
	ActionLogin        = "login"
	ActionLockout      = "lockout"
	ActionLogout       = "logout"
	ActionRefresh      = "token_refresh"
	ActionLoginMFA     = "login_mfa"
	ActionMFAEnrol     = "mfa_enrol"
	ActionMFARemove    = "mfa_remove"
	ActionMFAReset     = "mfa_reset"
	ActionPassword     = "password_change"
	ActionSearch       = "search"
	ActionSearchPage   = "search_page"
	ActionPhotoView    = "photo_view"
	ActionVerification = "verification"
	ActionRetain       = "retain"
	ActionExport       = "export"
	ActionIngestRefuse = "ingest_refused"
	ActionPurge        = "retention_purge"
	ActionUserAdd      = "user_add"
	ActionUserSet      = "user_set"
	ActionUserDisable  = "user_disable"
	ActionUserEnable   = "user_enable"
	ActionUserUnlock   = "user_unlock"
	ActionCameraAdd    = "camera_add"
)

// AppendAudit links e to the chain's head and stores it in tx, and counts
// what it records in the daily counters (counters.go). It sets e.Seq,
// e.PrevHash and e.Hash; At is truncated to microseconds.
func AppendAudit(tx Tx, e *api.AuditEntry) error {
	head, err := tx.LockAuditHead()
	if err != nil {
		return err
	}
	e.Seq = head.Seq + 1
	e.PrevHash = head.Hash
	if head.Seq == 0 {
		e.PrevHash = GenesisHash
	}
	e.At = e.At.UTC().Truncate(time.Microsecond)
	for _, f := range []*string{&e.ReportNumber, &e.PurposeCategory, &e.Purpose, &e.Workstation} {
		*f = api.AuditSafe(*f) // a refused text may hold bytes no backend keeps
	}
	if e.Outcome == "" {
		e.Outcome = api.OutcomeAllowed
	}
	e.Hash = AuditHash(*e)
	if err := tx.InsertAudit(e); err != nil {
		return err
	}
	return countAudit(tx, e)
}

// verifyChain recomputes every hash and link: ok, how many entries were
// checked, the first broken seq (0 when none) and the head.
// Heads recorded inside the chain (samples, exports) are cross-checked,
// and so are the checkpoints given (signatures already verified).
func verifyChain(tx ReadTx, cps []Checkpoint) (api.AuditVerify, error) {
	c := NewChainChecker() // auditfile.go: the one chain check
	err := tx.AuditScan(func(e api.AuditEntry) error {
		c.Add(e)
		return nil
	})
	if err != nil {
		return api.AuditVerify{}, err
	}
	var lookupErr error
	hashAt := func(seq int64) (string, bool) {
		e, err := tx.GetAudit(seq)
		if err != nil {
			if !errors.Is(err, ErrNotFound) {
				lookupErr = err
			}
			return "", false
		}
		return e.Hash, true
	}
	c.CheckClaims(hashAt)
	c.CheckCheckpoints(cps, hashAt)
	return c.Result(), lookupErr
}
