package store

import (
	"strings"
	"testing"

	"alprdesk/api"
)

// TestGradeNormalisation grades answers to exercises of every answer kind.
func TestGradeNormalisation(t *testing.T) {
	cams := []api.Camera{
		{ID: "cam-042", Name: "International Blvd & 98th Ave"},
		{ID: "cam-007", Name: "Broadway & Grand Ave"},
	}
	plateEx := api.Exercise{ID: "p", Answer: "7ABC123", Brief: "The victim's own car is 8XYZ987."}
	misreadEx := api.Exercise{ID: "m", Answer: "7A8C123", Brief: "She gave the plate 7ABC123."}
	camEx := api.Exercise{ID: "c", Answer: "International Blvd & 98th Ave (cam-042)"}
	firstEx := api.Exercise{ID: "f", Answer: `International Blvd & 98th Ave (cam-042) at 20:19; roof rack, bumper stickers "SAVE THE BAY"`}
	textEx := api.Exercise{ID: "t", Answer: "Blue Sedan"}
	for _, tc := range []struct {
		name   string
		ex     api.Exercise
		answer string
		ok     bool
		hint   string // part of the feedback
	}{
		{"plate exact", plateEx, "7ABC123", true, "Correct"},
		{"plate lower case", plateEx, "7abc123", true, "Correct"},
		{"plate spaces hyphens dots", plateEx, " 7-ABC 1.23 ", true, "Correct"},
		{"plate look-alike", plateEx, "7A8C123", false, "look-alike"},
		{"plate look-alike O for 0", api.Exercise{Answer: "7ABC023"}, "7ABCO23", false, "look-alike"},
		{"plate from the brief", plateEx, "8XYZ987", false, "given in the brief"},
		{"plate other", plateEx, "6DEF456", false, "check the results"},
		{"plate not a plate", plateEx, "the silver one!", false, "is not a plate"},
		{"misread OCR text", misreadEx, "7a8c 123", true, "Correct"},
		{"misread true plate", misreadEx, "7ABC123", false, "given in the brief"},
		{"camera id", camEx, "cam-042", true, "Correct"},
		{"camera id upper case", camEx, " CAM-042 ", true, "Correct"},
		{"camera name", camEx, "international blvd & 98th ave", true, "Correct"},
		{"camera name with and", camEx, "International Blvd and 98th Ave.", true, "Correct"},
		{"camera name squashed", camEx, "InternationalBlvd&98thAve", true, "Correct"},
		{"camera label", camEx, "International Blvd & 98th Ave (cam-042)", true, "Correct"},
		{"camera other", camEx, "cam-007", false, "not the one"},
		{"camera other by name", camEx, "Broadway and Grand Ave", false, "not the one"},
		{"camera unknown", camEx, "Lake Merritt", false, "No camera"},
		{"camera first by id", firstEx, "cam-042 at about 20:19, it has a roof rack", true, "SAVE THE BAY"},
		{"camera first by name", firstEx, "International Blvd and 98th Ave; stickers", true, "reference answer"},
		{"camera first wrong", firstEx, "cam-007; roof rack", false, "not the one"},
		{"text case and spacing", textEx, "  blue   SEDAN ", true, "Correct"},
		{"text wrong", textEx, "red sedan", false, "Not the answer"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ok, fb := newGrader(tc.ex, cams).grade(tc.answer)
			if ok != tc.ok || !strings.Contains(fb, tc.hint) {
				t.Fatalf("grade(%q) = %v, %q; want %v and feedback with %q", tc.answer, ok, fb, tc.ok, tc.hint)
			}
			if !ok && tc.ex.Answer != "" && strings.Contains(fb, tc.ex.Answer) {
				t.Fatalf("feedback on a wrong answer gives the answer away: %q", fb)
			}
		})
	}
}

// TestGradeKinds reads the kind of an answer from its form.
func TestGradeKinds(t *testing.T) {
	cams := []api.Camera{{ID: "cam-042", Name: "Edes Ave & 105th Ave"}}
	for answer, want := range map[string]answerKind{
		"7ABC123":                        kindPlate,
		"AB12":                           kindPlate,
		"Edes Ave & 105th Ave (cam-042)": kindCamera,
		"Edes Ave & 105th Ave (cam-042) at 08:00; dent": kindCameraFirst,
		"Edes Ave & 105th Ave (cam-999)":                kindText, // not a camera of the world
		"7abc123":                                       kindText, // not normalised
		"a blue sedan":                                  kindText,
	} {
		if got := newGrader(api.Exercise{Answer: answer}, cams).kind; got != want {
			t.Errorf("kind of %q = %d, want %d", answer, got, want)
		}
	}
}
