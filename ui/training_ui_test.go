package ui

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/test"

	"alprdesk/api"
	"alprdesk/store/storetest"
)

// trainerExercises are the exercises with answers, as a trainer gets them.
func trainerExercises(t *testing.T, env *storetest.Env) map[string]api.Exercise {
	t.Helper()
	var ex api.Exercises
	env.Do(t, "GET", "/v1/training/exercises", env.Login(t, "trainer"), nil, http.StatusOK, &ex)
	out := map[string]api.Exercise{}
	for _, e := range ex.Exercises {
		out[e.ID] = e
	}
	return out
}

// openExercise opens the Training screen and selects exercise id.
func openExercise(t *testing.T, m *MainScreen, id string) {
	t.Helper()
	m.showTraining()
	tv := m.Training
	waitFor(t, "the exercises", func() bool { return len(tv.Exercises()) > 0 })
	i := slices.IndexFunc(tv.Exercises(), func(e api.Exercise) bool { return e.ID == id })
	if i < 0 {
		t.Fatalf("no exercise %s", id)
	}
	tv.list.Select(i)
}

func TestTrainingScreenAnswersAnExercise(t *testing.T) {
	env := storetest.StartDemo(t, 7, 400)
	want := trainerExercises(t, env)["partial-plate-robbery"]
	a := newApp(t, env.URL, Config{Demo: true})
	signIn(t, a, "detective", "demo")
	m := a.Main()
	openExercise(t, m, want.ID)
	tv, p := m.Training, trainingOf(m).practice
	if tv.answer.Visible() {
		t.Fatal("a detective sees the answer")
	}
	// Start: the exercise's case in the case bar, the justification left to the trainee.
	test.Tap(tv.work)
	if m.Case.report.Text != want.ReportNumber || m.Case.draft().PurposeCategory != want.PurposeCategory || m.Form.Enabled() {
		t.Fatalf("Start: case bar %q/%q, gate open %v", m.Case.report.Text, m.Case.draft().PurposeCategory, m.Form.Enabled())
	}
	setCase(t, m, want.ReportNumber, want.PurposeCategory, "Attempted armed robbery of a parked driver on International Blvd")
	if !m.Form.Enabled() {
		t.Fatal("the trainee's justification did not open the gate")
	}
	openExercise(t, m, want.ID)
	waitFor(t, "the progress", func() bool { return strings.Contains(p.Progress(), "0 of") })
	test.Type(p.entry, "1ZZZ999")
	test.Tap(p.submit)
	waitFor(t, "the feedback", func() bool { return p.Result() != "" })
	if !strings.HasPrefix(p.Result(), "Not yet.") || strings.Contains(p.Result(), want.Answer) {
		t.Fatalf("wrong answer feedback %q", p.Result())
	}
	p.entry.SetText(strings.ToLower(want.Answer[:3]) + " " + want.Answer[3:])
	test.Tap(p.submit)
	waitFor(t, "the grading", func() bool { return strings.HasPrefix(p.Result(), "Correct.") })
	if !strings.Contains(p.Progress(), "1 of ") || !strings.Contains(p.Progress(), "2 answers") || p.mark(want.ID) != "solved · " {
		t.Fatalf("progress %q, mark %q", p.Progress(), p.mark(want.ID))
	}
	// An empty answer is not sent.
	p.entry.SetText("")
	test.Tap(p.submit)
	if p.Result() != "Write your answer first." {
		t.Fatalf("empty answer: %q", p.Result())
	}
}

func TestClassViewForTrainers(t *testing.T) {
	defer func(d time.Duration) { classRefresh = d }(classRefresh)
	classRefresh = 50 * time.Millisecond
	env := storetest.StartDemo(t, 7, 400)
	exs := trainerExercises(t, env)
	det := env.Login(t, "detective")
	env.Do(t, "POST", "/v1/training/exercises/switched-plate/attempts", det,
		api.AttemptRequest{Answer: exs["switched-plate"].Answer}, http.StatusOK, nil)
	bad := storetest.Case
	bad.Purpose = "Where does the protester park before the rally"
	env.Do(t, "POST", "/v1/searches", det, api.SearchRequest{CaseContext: bad, Plate: "7ABC123"}, http.StatusForbidden, nil)

	a := newApp(t, env.URL, Config{Demo: true})
	signIn(t, a, "trainer", "demo")
	m := a.Main()
	tr := trainingOf(m)
	if tr == nil || tr.class == nil {
		t.Fatal("a trainer has no class view")
	}
	tr.showClass()
	v := tr.class
	if f := a.Window().Canvas().Focused(); f != v.live {
		t.Fatalf("class view: focus on %T, want Live cameras (Space switches it)", f)
	}
	waitFor(t, "the class", func() bool { return v.Progress() != nil })
	row := -1
	for i, tr := range v.Progress().Trainees {
		if tr.Username == "detective" {
			row = i + 1
		}
	}
	if row < 0 {
		t.Fatal("the detective is not in the class")
	}
	col := classFixedCols + slices.Index(v.Progress().Exercises, "switched-plate")
	if v.Cell(row, 1) != "1" || !strings.Contains(v.Cell(row, 2), "prohibited_purpose 1") ||
		!strings.HasPrefix(v.Cell(row, 3), "1/") || v.Cell(row, col) != "solved (1)" || v.Cell(0, col) != exs["switched-plate"].Title {
		t.Fatalf("detective row: %q %q %q %q, header %q", v.Cell(row, 1), v.Cell(row, 2), v.Cell(row, 3), v.Cell(row, col), v.Cell(0, col))
	}
	// An answer on demand.
	if v.Answer() != "" {
		t.Fatal("an answer shows before it is asked for")
	}
	v.pick.SetSelected(exs["switched-plate"].Title)
	test.Tap(v.reveal)
	if !strings.Contains(v.Answer(), exs["switched-plate"].Answer) {
		t.Fatalf("answer on demand %q", v.Answer())
	}
	// Live mode on, at 10 reads a second.
	v.rate.SetSelected("10")
	v.live.SetChecked(true)
	var live api.TrainingLive
	waitFor(t, "live mode on the store", func() bool {
		env.Do(t, "GET", "/v1/training/live", det, nil, http.StatusOK, &live)
		return live.Running && live.Rate == 10
	})
	v.live.SetChecked(false)
	waitFor(t, "live mode off", func() bool {
		env.Do(t, "GET", "/v1/training/live", det, nil, http.StatusOK, &live)
		return !live.Running
	})
	// While on screen the view refreshes by itself.
	if !v.Showing() {
		t.Fatal("the class view does not know it is on screen")
	}
	env.Do(t, "POST", "/v1/training/exercises/switched-plate/attempts", det, api.AttemptRequest{Answer: "wrong"}, http.StatusOK, nil)
	waitFor(t, "the refreshed class", func() bool { return v.Cell(row, col) == "solved (2)" })
	// Reset for the next class with another seed.
	v.seed.SetText("not a seed")
	test.Tap(v.reset)
	if !strings.Contains(v.msg.Text, "whole number") {
		t.Fatalf("bad seed: %q", v.msg.Text)
	}
	v.seed.SetText("9")
	seed, err := v.seedValue()
	if err != nil {
		t.Fatal(err)
	}
	v.resetNow(seed)
	waitFor(t, "the new class", func() bool { return v.Progress() != nil && v.Progress().Seed == 9 })
	for _, tr := range v.Progress().Trainees {
		if tr.Attempts != 0 || tr.Searches != 0 {
			t.Fatalf("after the reset %s: %+v", tr.Username, tr)
		}
	}
}

func TestFirstRunTour(t *testing.T) {
	env := storetest.StartDemo(t, 7, 400)
	a := newApp(t, env.URL, Config{Demo: true})
	signIn(t, a, "detective", "demo")
	m := a.Main()
	tr := trainingOf(m)
	if tr == nil || tr.class != nil || m.Screens().Has(screenClass) {
		t.Fatal("a detective has the class view, or no training mode")
	}
	tour := tr.tour
	// The first run opens the tour by itself, pointing at the case bar.
	waitFor(t, "the first-run tour", func() bool { s, _ := tour.Step(); return s == 0 })
	var titles []string
	for i := 0; ; i++ {
		step, title := tour.Step()
		if step != i {
			t.Fatalf("step %d, want %d", step, i)
		}
		if !tour.card.Visible() || !tour.frame.Visible() || tour.frame.Size().Width < 50 {
			t.Fatalf("step %d: card %v, frame %v of %v", i, tour.card.Visible(), tour.frame.Visible(), tour.frame.Size())
		}
		titles = append(titles, title)
		if tour.next.Text == "Done" {
			break
		}
		test.Tap(tour.next)
	}
	want := []string{"case bar", "Search", "Verify", "Timeline"}
	for i, w := range want {
		if !strings.Contains(titles[i], w) {
			t.Fatalf("tour steps %q", titles)
		}
	}
	test.Tap(tour.next)
	if s, _ := tour.Step(); s != -1 || tour.card.Visible() {
		t.Fatal("Done did not close the tour")
	}
	if !a.fa.Preferences().Bool(prefTourDone) {
		t.Fatal("the tour's end is not remembered")
	}
	// The keyboard goes on in the case bar (it held the tour's button).
	if f := a.win.Canvas().Focused(); f != m.Case.report {
		t.Fatalf("after the tour: focus on %T, want the report number", f)
	}
	// The Training screen's Tour button reopens it.
	test.Tap(tr.tourBtn)
	if s, _ := tour.Step(); s != 0 {
		t.Fatal("the Tour button did not reopen the tour")
	}
	test.Tap(tour.skip)
	if s, _ := tour.Step(); s != -1 || a.win.Canvas().Focused() != m.Case.report {
		t.Fatalf("Close tour did not close it, or left the focus on %T", a.win.Canvas().Focused())
	}
	// Help ▸ Tour of the workstation reopens it too.
	var item *fyne.MenuItem
	for _, menu := range a.win.MainMenu().Items {
		for _, it := range menu.Items {
			if menu.Label == "Help" && strings.Contains(it.Label, "Tour") {
				item = it
			}
		}
	}
	if item == nil {
		t.Fatal("the Help menu has no tour")
	}
	item.Action()
	if s, _ := tour.Step(); s != 0 {
		t.Fatal("Help ▸ Tour did not reopen the tour")
	}
}

func TestNoTrainingOutsideDemo(t *testing.T) {
	env := storetest.Start(t)
	a := newApp(t, env.URL, Config{})
	signIn(t, a, "trainer", storetest.Password)
	m := a.Main()
	if m.Screens().Has(screenTraining) || m.Screens().Has(screenClass) || trainingOf(m) != nil {
		t.Fatalf("training mode outside demo: nav %v", m.Screens().IDs())
	}
}
