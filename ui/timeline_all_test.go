package ui

import (
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"alprdesk/store/storetest"
)

func TestTimelineOfAllShownResults(t *testing.T) {
	env := storetest.Start(t)
	car := [3]string{"silver", "Toyota", "sedan"}
	ingestAt(t, env, "r-a1", "7ABC123", "cam-1", 5*time.Hour, car)
	ingestAt(t, env, "r-a2", "7ABC123", "cam-2", 3*time.Hour, car)
	ingestAt(t, env, "r-b1", "7ABD456", "cam-2", 4*time.Hour, [3]string{"blue", "Honda", "suv"})
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	if !m.Results.allTL.Disabled() {
		t.Fatal("timeline of all shown enabled before any result")
	}
	search(t, m, "7AB*")
	tl := m.Timeline
	// Default: the selected row's plate only.
	for i, r := range m.Results.Rows() {
		if r.Read.ID == "r-a1" {
			m.Results.Select(i)
		}
	}
	m.showTimeline()
	waitFor(t, "the one-plate map", func() bool { return tl.Map() != nil && len(tl.Map().Points) == 2 })
	if tl.Multi() || len(tl.Reads()) != 2 {
		t.Fatalf("single-plate timeline has %d reads (multi %v)", len(tl.Reads()), tl.Multi())
	}
	// The action: every result shown, both plates, in time order.
	test.Tap(m.Results.allTL)
	waitFor(t, "the all-results map", func() bool { return tl.Map() != nil && len(tl.Map().Points) == 3 })
	reads := tl.Reads()
	if !tl.Multi() || len(reads) != 3 || reads[0].ID != "r-a1" || reads[1].ID != "r-b1" || reads[2].ID != "r-a2" {
		t.Fatalf("all-results timeline: multi %v, %d reads", tl.Multi(), len(reads))
	}
	if got := tl.title.Text; got != "Timeline · results shown · 3 sightings of 2 plates, oldest (1) to newest (3)" {
		t.Fatalf("title %q", got)
	}
	// Marker ranks follow time order across plates.
	for i, r := range tl.Map().Rank {
		if r != i {
			t.Fatalf("rank %v, want time order", tl.Map().Rank)
		}
	}
	// Back to one plate with the single-plate action.
	m.showTimeline()
	waitFor(t, "the one-plate map again", func() bool { return len(tl.Reads()) == 2 && !tl.Multi() })
	// The Search menu has the action too.
	found := false
	for _, menu := range a.Window().MainMenu().Items {
		for _, it := range menu.Items {
			if menu.Label == "Search" && it.Label == "Timeline of all shown results" {
				it.Action()
				found = true
			}
		}
	}
	if !found {
		t.Fatal("no Timeline of all shown results in the Search menu")
	}
	waitFor(t, "the all-results timeline from the menu", func() bool { return len(tl.Reads()) == 3 && tl.Multi() })
}

func TestTimelineOfMarkedResults(t *testing.T) {
	env := storetest.Start(t)
	car := [3]string{"silver", "Toyota", "sedan"}
	ingestAt(t, env, "r-a1", "7ABC123", "cam-1", 5*time.Hour, car)
	ingestAt(t, env, "r-a2", "7ABC123", "cam-2", 3*time.Hour, car)
	ingestAt(t, env, "r-b1", "7ABD456", "cam-2", 4*time.Hour, [3]string{"blue", "Honda", "suv"})
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "detective", storetest.Password)
	m := a.Main()
	setCase(t, m, "26-012345", "robbery", goodPurpose)
	search(t, m, "7AB*")
	res := m.Results
	idx := map[string]int{}
	for i, r := range res.Rows() {
		idx[r.Read.ID] = i
	}
	// M on the table marks the selected row; the Mark button does too.
	res.Select(idx["r-a2"])
	res.table.TypedRune('m')
	res.Select(idx["r-b1"])
	test.Tap(res.mark)
	if res.allTL.Text != "Timeline of 2 marked" || len(res.Marked()) != 2 || res.mark.Text != "Unmark" {
		t.Fatalf("button %q, %d marked", res.allTL.Text, len(res.Marked()))
	}
	if got := res.markText(res.Rows()[idx["r-b1"]], colPlate, "7ABD456"); got != "• 7ABD456" {
		t.Fatalf("marked plate cell %q", got)
	}
	test.Tap(res.allTL)
	tl := m.Timeline
	waitFor(t, "the marked map", func() bool { return tl.Map() != nil && len(tl.Map().Points) == 2 })
	reads := tl.Reads()
	if len(reads) != 2 || reads[0].ID != "r-b1" || reads[1].ID != "r-a2" || !strings.HasPrefix(tl.title.Text, "Timeline · results marked · 2 sightings of 2 plates") {
		t.Fatalf("marked timeline %q with %d reads", tl.title.Text, len(reads))
	}
	// Unmarking both returns the action to every result shown.
	res.ToggleMark(idx["r-a2"])
	res.ToggleMark(idx["r-b1"])
	if res.allTL.Text != "Timeline of all shown" || len(res.Marked()) != 0 {
		t.Fatalf("after unmarking: %q", res.allTL.Text)
	}
	// A new search clears the marks.
	res.ToggleMark(0)
	search(t, m, "7AB*")
	if len(res.Marked()) != 0 {
		t.Fatal("marks survived a new search")
	}
}
