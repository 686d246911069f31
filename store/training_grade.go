package store

import (
	"fmt"
	"strings"
	"unicode"

	"alprdesk/api"
	"alprdesk/api/plate"
)

// How attempts are graded. The kind of an exercise's answer is read from
// the answer itself:
//
//   - a plate (the answer is a normalised plate of 2 to 8 letters and
//     digits): the attempt is normalised as the search normalises a plate
//     (api/plate.Normalize: upper case; spaces, hyphens and dots removed)
//     and must equal it exactly. Look-alike characters are not forgiven:
//     telling 0 from O in the photo is the skill being trained.
//   - a camera ("Name (cam-042)", a camera of the world): the attempt may
//     give the camera's id, its name or both as the answer writes them;
//     case, spacing and "and" for "&" are ignored.
//   - a camera followed by details ("Name (cam-042) at 20:19; roof
//     rack, …"): the attempt is correct when it names the right camera
//     (by id or name) anywhere in its text; the details are given back in
//     the feedback for the trainee to compare.
//   - anything else is text: compared with case and spacing ignored.
//
// Feedback on a wrong answer says what to check, never the answer; on a
// correct one it repeats the reference answer.

// answerKind is the kind of an exercise's answer.
type answerKind int

const (
	kindText answerKind = iota
	kindPlate
	kindCamera
	kindCameraFirst
)

// grader grades attempts at one exercise.
type grader struct {
	ex   api.Exercise
	kind answerKind
	cam  api.Camera   // kindCamera, kindCameraFirst
	cams []api.Camera // the world's cameras
}

// newGrader reads the kind of ex's answer.
func newGrader(ex api.Exercise, cams []api.Camera) *grader {
	g := &grader{ex: ex, cams: cams, kind: kindText}
	ref := strings.TrimSpace(ex.Answer)
	if isPlate(ref) {
		g.kind = kindPlate
		return g
	}
	open := strings.Index(ref, " (")
	end := strings.Index(ref, ")")
	if open > 0 && end > open {
		id := ref[open+2 : end]
		for _, c := range cams {
			if c.ID == id && c.Name == ref[:open] {
				g.cam, g.kind = c, kindCamera
				if strings.TrimSpace(ref[end+1:]) != "" {
					g.kind = kindCameraFirst
				}
			}
		}
	}
	return g
}

// isPlate reports whether s is a normalised plate.
func isPlate(s string) bool {
	if len(s) < 2 || len(s) > 8 || plate.Normalize(s) != s {
		return false
	}
	for _, r := range s {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return false
		}
	}
	return true
}

// normText folds case and drops every space.
func normText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if !unicode.IsSpace(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// normPlace folds a camera name or an answer naming one: "and" counts as
// "&", surrounding quotes and a final full stop are dropped, then case and
// spacing are ignored.
func normPlace(s string) string {
	s = strings.Trim(strings.TrimSpace(s), `"'.`)
	s = strings.ReplaceAll(" "+strings.ToLower(s)+" ", " and ", " & ")
	return normText(s)
}

// grade grades one answer.
func (g *grader) grade(answer string) (bool, string) {
	ref := g.ex.Answer
	switch g.kind {
	case kindPlate:
		return g.gradePlate(answer)
	case kindCamera:
		a := normPlace(answer)
		if a == normPlace(g.cam.ID) || a == normPlace(g.cam.Name) || a == normPlace(ref) {
			return true, fmt.Sprintf("Correct: %s.", ref)
		}
		return false, g.wrongCamera(answer)
	case kindCameraFirst:
		a := normPlace(answer)
		if strings.Contains(a, normPlace(g.cam.ID)) || strings.Contains(a, normPlace(g.cam.Name)) {
			return true, fmt.Sprintf("Correct camera. Compare your notes with the reference answer: %s.", ref)
		}
		return false, g.wrongCamera(answer)
	}
	if normText(answer) == normText(ref) {
		return true, fmt.Sprintf("Correct: %s.", ref)
	}
	return false, "Not the answer: read the question again and check the results."
}

// gradePlate grades a plate answer.
func (g *grader) gradePlate(answer string) (bool, string) {
	ref, a := g.ex.Answer, plate.Normalize(answer)
	switch {
	case a == ref:
		return true, fmt.Sprintf("Correct: %s.", ref)
	case len(a) >= 5 && strings.Contains(plate.Normalize(g.ex.Brief), a):
		return false, "That plate is given in the brief; the question asks for another one."
	case plate.Canonical(a) == plate.Canonical(ref):
		return false, "Close, but some characters differ: look-alike characters (0 O D Q, 8 B, 1 I L, 5 S, 2 Z, 6 G) " +
			"matter. Compare the photo with the OCR text."
	case !isPlate(a):
		return false, fmt.Sprintf("%q is not a plate: give the letters and digits of one plate.", strings.TrimSpace(answer))
	}
	return false, "Not the plate the question asks for: check the results again and compare each photo with the brief."
}

// wrongCamera explains a wrong camera answer.
func (g *grader) wrongCamera(answer string) string {
	a := normPlace(answer)
	for _, c := range g.cams {
		if a == normPlace(c.ID) || a == normPlace(c.Name) || strings.Contains(a, normPlace(c.ID)) {
			return fmt.Sprintf("%s is a camera of this world, but not the one the question asks for: "+
				"order the reads by time and check each photo.", c.Name)
		}
	}
	return fmt.Sprintf("No camera of this world is called %q: answer with a camera's name or id as the results show them.",
		strings.TrimSpace(answer))
}
