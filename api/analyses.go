package api

import "time"

// Analysis limits (DESIGN.md, Analyses; issue 14). The store enforces them
// and the workstation checks them early.
const (
	// MinScenes and MaxScenes bound the scenes of a common-plates analysis.
	MinScenes = 2
	MaxScenes = 5
	// MaxSceneWindow is the longest window of one scene.
	MaxSceneWindow = 6 * time.Hour
	// MaxSceneRadiusM is the largest radius of a scene's circle, in metres.
	MaxSceneRadiusM = 1000
	// MaxSceneCameras is the most cameras a scene may list.
	MaxSceneCameras = 20
	// MaxSceneReads is the most reads a scene may hold in its window; more
	// is refused with scene_too_broad.
	MaxSceneReads = 20000
	// MaxAnalysisPlates caps the plates (or companions) an analysis answers.
	MaxAnalysisPlates = 200
	// MaxConvoyWindow is the longest window of a convoy analysis.
	MaxConvoyWindow = 7 * 24 * time.Hour
	// MaxConvoyWithinS is the widest co-travel interval, in seconds.
	MaxConvoyWithinS = 120
	// DefaultConvoyWithinS is within_s when the request leaves it out.
	DefaultConvoyWithinS = 60
	// MinConvoyCameras is the fewest shared cameras that make a companion
	// (and min_cameras's default); MaxConvoyCameras its largest value.
	MinConvoyCameras = 3
	MaxConvoyCameras = 50
	// MaxConvoyTargetReads is the most reads of the target plate a convoy
	// analysis looks around; more is refused with search_too_broad.
	MaxConvoyTargetReads = 2000
)

// AnalysisRoles may run a common-plates analysis.
var AnalysisRoles = SearchRoles

// ConvoyRoles may run a convoy analysis (when the purpose category is one
// of the policy's convoy_categories).
var ConvoyRoles = []string{RoleDetective, RoleSupervisor}

// Scene is one place and time of a common-plates analysis: a circle
// (radius at most 1 km) or a list of cameras, and a window [from, to) of at
// most 6 hours.
type Scene struct {
	Area      *Area     `json:"area,omitempty"`
	CameraIDs []string  `json:"camera_ids,omitempty"`
	From      time.Time `json:"from"`
	To        time.Time `json:"to"`
}

// CommonPlatesRequest is the body of POST /v1/analyses/common-plates.
type CommonPlatesRequest struct {
	CaseContext
	Scenes []Scene `json:"scenes"`
	// MinScenes is the fewest scenes a plate must be seen at (2..number of
	// scenes); 0 means all of them.
	MinScenes int `json:"min_scenes,omitempty"`
	// Fuzzy groups plates that differ only in look-alike characters.
	Fuzzy bool `json:"fuzzy,omitempty"`
}

// CommonPlate is one plate seen at several scenes.
type CommonPlate struct {
	Plate string `json:"plate"`
	State string `json:"state"`
	// Scenes are the 0-based indexes of the scenes it was seen at.
	Scenes []int `json:"scenes"`
	// Reads are its reads at those scenes, newest first.
	Reads []Read `json:"reads"`
	// Hotlisted is true when the plate is on an active hotlist the caller
	// may see.
	Hotlisted bool `json:"hotlisted"`
}

// CommonPlatesResponse answers POST /v1/analyses/common-plates: plates
// with the most scenes first.
type CommonPlatesResponse struct {
	AnalysisID string        `json:"analysis_id"`
	Plates     []CommonPlate `json:"plates"`
	// Capped is true when more than MaxAnalysisPlates plates matched and
	// only the first were returned.
	Capped bool `json:"capped"`
}

// ConvoyRequest is the body of POST /v1/analyses/convoy.
type ConvoyRequest struct {
	CaseContext
	// Plate is the target plate, exact (no wildcards).
	Plate string    `json:"plate"`
	From  time.Time `json:"from"`
	To    time.Time `json:"to"`
	// WithinS is the co-travel interval in seconds (1..120, default 60).
	WithinS int `json:"within_s,omitempty"`
	// MinCameras is the fewest distinct shared cameras (3..50, default 3).
	MinCameras int `json:"min_cameras,omitempty"`
}

// CoRead is a read at the camera of a target read, within within_s of it.
type CoRead struct {
	TargetReadID string `json:"target_read_id"`
	Read         Read   `json:"read"`
}

// Companion is a plate read near the target at several cameras.
type Companion struct {
	Plate string `json:"plate"`
	State string `json:"state"`
	// Cameras counts the distinct cameras it shared with the target.
	Cameras int      `json:"cameras"`
	CoReads []CoRead `json:"co_reads"`
	// Hotlisted is true when the plate is on an active hotlist the caller
	// may see.
	Hotlisted bool `json:"hotlisted"`
}

// ConvoyResponse answers POST /v1/analyses/convoy: companions with the
// most shared cameras first.
type ConvoyResponse struct {
	AnalysisID  string      `json:"analysis_id"`
	TargetReads []Read      `json:"target_reads"`
	Companions  []Companion `json:"companions"`
	// Capped is true when more than MaxAnalysisPlates companions matched.
	Capped bool `json:"capped"`
}

// DefaultConvoyCategories are the purpose categories under which a convoy
// analysis is allowed unless the agency configures others.
func DefaultConvoyCategories() []string {
	return []string{"homicide", "robbery", "carjacking", "human_trafficking", "sexual_assault", "missing_person"}
}
