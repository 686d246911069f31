package store

import (
	"time"

	"alprdesk/api"
)

// AnalysisReadTx is the read part of analyses (DESIGN.md, Analyses; in
// ReadTx): the reads of a place and time, reads by id, and the analyses
// kept with the reads they returned, so that photos, verifications,
// retains and exports reach only those reads.
type AnalysisReadTx interface {
	// WindowReads lists the reads at the cameras captured in [from, to),
	// newest first (ties by id, descending), at most limit of them.
	WindowReads(cameraIDs []string, from, to time.Time, limit int) ([]ReadKey, error)
	// NearReads answers many small windows at once: for each window, the
	// reads at its camera captured in [From, To), newest first (ties by
	// id, descending). The answer has one list per window, in order.
	NearReads(windows []CameraWindow) ([][]ReadKey, error)
	// ReadsByID returns the reads with these ids, newest first (ties by
	// id, descending); ids of purged or unknown reads are left out.
	ReadsByID(ids []string) ([]api.Read, error)
	// GetAnalysis returns an analysis (without its read ids) or
	// ErrNotFound.
	GetAnalysis(id string) (*AnalysisRecord, error)
	// AnalysisReturned reports whether the analysis returned the read.
	AnalysisReturned(analysisID, readID string) (bool, error)
}

// AnalysisTx is the write part of analyses (in Tx).
type AnalysisTx interface {
	// InsertAnalysis keeps an analysis with the ids of the reads it
	// returned.
	InsertAnalysis(a *AnalysisRecord) error
}

// CameraWindow is one camera and a window [From, To) of it.
type CameraWindow struct {
	CameraID string
	From, To time.Time
}

// ReadKey is the light form of a read that analyses group and count.
type ReadKey struct {
	ID         string
	CameraID   string
	CapturedAt time.Time
	// Plate and State are the OCR text; CorrectedPlate and CorrectedState
	// a verdict's corrections ("" when none).
	Plate, State                   string
	CorrectedPlate, CorrectedState string
}

// VerifiedPlate is the plate the read stands for: the corrected plate of a
// verdict, otherwise the OCR text.
func (k ReadKey) VerifiedPlate() string {
	if k.CorrectedPlate != "" {
		return k.CorrectedPlate
	}
	return k.Plate
}

// VerifiedState is the state the read stands for: the corrected state of a
// verdict, otherwise the OCR state.
func (k ReadKey) VerifiedState() string {
	if k.CorrectedState != "" {
		return k.CorrectedState
	}
	return k.State
}

// Analysis kinds, as kept and as audited.
const (
	AnalysisCommonPlates = "common_plates"
	AnalysisConvoy       = "convoy"
)

// AnalysisRecord is an analysis as kept for later photo, verification,
// retain and export checks.
type AnalysisRecord struct {
	ID        string
	Kind      string
	Username  string
	CreatedAt time.Time
	Case      api.CaseContext
	// ReadIDs are the reads the analysis returned (written by
	// InsertAnalysis; GetAnalysis leaves it empty).
	ReadIDs []string
}
