package demo

import (
	"alprdesk/api/plate"

	"fmt"
	"time"

	"alprdesk/api"
)

// exercise is a training exercise with what the generator planted for it.
type exercise struct {
	api.Exercise
	// pattern is the partial plate the trainee is given ("" = none).
	pattern string
	pat     *plate.Pattern
	// decoysOK: other vehicles may match pattern (but not the description).
	decoysOK bool
	// description the answer vehicle alone fits (hasDesc); make and
	// feature are optional.
	hasDesc     bool
	color, body uint8
	make        string
	feature     string
	vehicles    []int32 // planted vehicles; the first is the answer's
	camera      int16   // answer camera, or the misreading camera
	incident    int64   // incident time (unix)
	misread     string  // the misreading camera's OCR text
	// scenes are the places and windows of a common-plates exercise.
	scenes []spot
}

// spot is a camera and a window [from, to) (unix seconds) of an exercise.
type spot struct {
	cam      int16
	from, to int64
}

func (e *exercise) hasDescription() bool { return e.hasDesc }

// match reports whether a plate matches the exercise's partial plate, with
// the search's own pattern rules.
func (e *exercise) match(s string) bool { return e.pat != nil && e.pat.Match(s) }

// setPattern sets the partial plate the trainee is given.
func (e *exercise) setPattern(p string) {
	pat, err := plate.ParsePattern(p)
	if err != nil {
		panic("demo: exercise pattern " + p + ": " + err.Error()) // built from a valid plate: cannot fail
	}
	e.pattern, e.pat = p, pat
}

// fits reports whether v fits the exercise's description.
func (e *exercise) fits(v *vehicle) bool {
	return e.hasDesc && v.color == e.color && v.body == e.body &&
		(e.make == "" || v.make == e.make) && (e.feature == "" || v.hasFeature(e.feature))
}

// plan is what an exercise changes in a planted vehicle's reads: routine
// reads at or after cutoff are dropped, passes are added, and reads at
// misreadCam carry misreadPlate.
type plan struct {
	cutoff       int64
	passes       []pass
	misreadCam   int16
	misreadPlate string
}

// pass is a planted camera pass.
type pass struct {
	t   int64
	cam int16
}

// Exercises returns the training exercises with their answers filled in.
// Each answer exists in the world's reads and is unique there.
func (w *World) Exercises() []api.Exercise {
	out := make([]api.Exercise, len(w.ex))
	for i, e := range w.ex {
		out[i] = e.Exercise
	}
	return out
}

// plantVehicle makes vehicle vi an exercise vehicle with a fixed
// description and a fresh California plate.
func (w *World) plantVehicle(r *rng, ex int, vi int32, color, body, mk, model string, features []string, stickers ...string) *vehicle {
	v := &w.fleet[vi]
	v.planted = int8(ex + 1)
	v.activity = 1 // a regular, like most vehicles that matter to a case
	v.color = uint8(indexOf(Colors, color))
	v.body = uint8(indexOf(BodyTypes, body))
	v.make, v.model = mk, model
	v.features = features
	v.state = "CA"
	v.stickers = nil
	for _, s := range stickers {
		v.stickers = append(v.stickers, uint8(indexOf(stickerTexts, s)))
	}
	for {
		v.plate = randomPlate(r, "CA", v.body, false)
		if _, dup := w.plates[v.plate]; dup {
			continue
		}
		ok := true
		for _, e := range w.ex {
			if e.match(v.plate) {
				ok = false
			}
			for _, o := range e.vehicles {
				if plate.Canonical(w.fleet[o].plate) == plate.Canonical(v.plate) {
					ok = false
				}
			}
		}
		if ok {
			break
		}
	}
	w.plates[v.plate] = vi
	return v
}

// camLabel is how answers name a camera: "name (id)".
func (w *World) camLabel(c int16) string {
	return fmt.Sprintf("%s (%s)", w.cs.cams[c].Name, w.cs.cams[c].ID)
}

// day formats the local date of a unix time, as a brief gives it.
func (w *World) day(t int64) string { return time.Unix(t, 0).In(w.loc).Format("Monday 2 January") }

// clock formats the local time of day.
func (w *World) clock(t int64) string { return time.Unix(t, 0).In(w.loc).Format("15:04") }

// plantExercises chooses the exercise vehicles, fixes their descriptions,
// plates and planted passes, and writes the exercises.
func (w *World) plantExercises(r *rng) {
	picked := map[int32]bool{}
	next := func() int32 {
		for {
			vi := int32(r.intn(len(w.fleet)))
			if !picked[vi] {
				picked[vi] = true
				return vi
			}
		}
	}
	w.plantRobbery(r, next)
	w.plantDescription(r, next)
	w.plantStolen(r, next)
	w.plantCarjacking(r, next)
	w.plantSwitched(r, next)
	w.plantMissing(r, next)
	w.plantMisread(r, next)
	w.plantSerial(r, next)
	w.plantConvoy(r, next)
}

// add appends an exercise.
func (w *World) add(e *exercise) *exercise { w.ex = append(w.ex, e); return e }

// plantRobbery plants exercise 1: Partial plate after an attempted robbery (20-042319).
func (w *World) plantRobbery(r *rng, next func() int32) {
	cam := w.cs.byName
	vi := next()
	v := w.plantVehicle(r, 0, vi, "silver", "sedan", "Honda", "Accord", nil)
	t := w.at(3, 21, 40)
	e := w.add(&exercise{vehicles: []int32{vi}, incident: t})
	e.setPattern(v.plate[:1] + "?" + v.plate[2:4] + "*")
	w.plans[vi] = &plan{misreadCam: -1, passes: []pass{
		{t + 75, cam("International Blvd & 82nd Ave")},
		{t + 250, cam("International Blvd & 90th Ave")},
		{t + 430, cam("International Blvd & 98th Ave")}}}
	e.Exercise = api.Exercise{ID: "partial-plate-robbery", Title: "Partial plate after an attempted robbery",
		ReportNumber: "20-042319", PurposeCategory: "robbery",
		Brief: fmt.Sprintf("On %s at about %s a man sitting in his parked car near International Blvd & 82nd Ave "+
			"was approached by a suspect who pointed a handgun at him and tried to get in. The victim drove off and saw "+
			"the suspect get into a silver sedan that left eastbound on International Blvd. He saw only part of the "+
			"plate: it began with %q, and the third and fourth characters were %q and %q. "+
			"(Modelled on OPD RD 20-042319.)", w.day(t), w.clock(t), v.plate[:1], v.plate[2:3], v.plate[3:4]),
		Question: "What is the suspect vehicle's full licence plate?",
		Answer:   v.plate}
}

// plantDescription plants exercise 2: Partial plate plus vehicle description (18-043265).
func (w *World) plantDescription(r *rng, next func() int32) {
	cam := w.cs.byName
	vi := next()
	v := w.plantVehicle(r, 1, vi, "green", "pickup", "Toyota", "Tacoma", []string{FeatureTowHitch})
	t := w.at(6, 23, 2)
	e := w.add(&exercise{vehicles: []int32{vi}, incident: t, decoysOK: true, hasDesc: true,
		color: v.color, body: v.body})
	e.setPattern(v.plate[:1] + "*" + v.plate[5:])
	w.plans[vi] = &plan{misreadCam: -1, passes: []pass{
		{t - 260, cam("Bancroft Ave & 73rd Ave")},
		{t + 200, cam("International Blvd & 73rd Ave")}}}
	e.Exercise = api.Exercise{ID: "partial-plate-description", Title: "Partial plate and a vehicle description",
		ReportNumber: "18-043265", PurposeCategory: "homicide",
		Brief: fmt.Sprintf("On %s at about %s a man was shot and killed during an attempted carjacking in the 1300 "+
			"block of 72nd Ave. Surveillance video shows the suspects leaving in a green pickup truck with a tow hitch. "+
			"The plate is only partly legible: it starts with %q and ends with %q (pattern %s). The partial plate "+
			"alone matches many reads: use the description and the photos to eliminate vehicles. "+
			"(Modelled on OPD RD 18-043265.)", w.day(t), w.clock(t), v.plate[:1], v.plate[5:], e.pattern),
		Question: "What is the suspect pickup's full licence plate?",
		Answer:   v.plate}
}

// plantStolen plants exercise 3: Stolen vehicle seen in real time (20-054741).
func (w *World) plantStolen(r *rng, next func() int32) {
	cam := w.cs.byName
	vi := next()
	v := w.plantVehicle(r, 2, vi, "black", "sedan", "Dodge", "Charger", []string{FeatureTintedWindows})
	stolen := w.at(1, 5, 50)
	last := cam("International Blvd & 98th Ave")
	e := w.add(&exercise{vehicles: []int32{vi}, incident: stolen, camera: last})
	w.plans[vi] = &plan{misreadCam: -1, cutoff: stolen, passes: []pass{
		{w.at(1, 11, 20), cam("Fruitvale Ave & E 12th St")},
		{w.at(1, 11, 26), cam("International Blvd & High St")},
		{w.at(1, 19, 2), cam("Broadway & Grand Ave")},
		{w.nowUnix - 85*60, last}}}
	e.Exercise = api.Exercise{ID: "stolen-vehicle-real-time", Title: "Stolen vehicle seen in real time",
		ReportNumber: "20-054741", PurposeCategory: "stolen_vehicle",
		Brief: fmt.Sprintf("On %s at %s the owner of a black Dodge Charger with tinted windows, plate %s (CA), "+
			"reported it stolen from the street outside her home. The watch commander wants to know where the car "+
			"is now. In a live class, also request an alert hotlist entry for the plate and watch for hits. "+
			"(Modelled on OPD RD 20-054741.)", w.day(stolen), w.clock(stolen), v.plate),
		Question: "At which camera was the stolen Charger read most recently?",
		Answer:   w.camLabel(last)}
}

// plantCarjacking plants exercise 4: Carjacking: a photo for the bulletin (20-057415).
func (w *World) plantCarjacking(r *rng, next func() int32) {
	cam := w.cs.byName
	vi := next()
	v := w.plantVehicle(r, 3, vi, "white", "hatchback", "Toyota", "Prius", []string{FeatureRoofRack},
		"SAVE THE BAY", "CAL BEARS")
	t := w.at(4, 20, 15)
	first := cam("Bancroft Ave & 82nd Ave")
	e := w.add(&exercise{vehicles: []int32{vi}, incident: t, camera: first})
	w.plans[vi] = &plan{misreadCam: -1, cutoff: t, passes: []pass{
		{w.at(5, 8, 5), v.home},
		{t + 240, first},
		{t + 540, cam("Bancroft Ave & 98th Ave")},
		{w.at(3, 10, 12), cam("98th Ave & Edes Ave")}}}
	e.Exercise = api.Exercise{ID: "carjacking-photo", Title: "Carjacking: a photo for the bulletin",
		ReportNumber: "20-057415", PurposeCategory: "carjacking",
		Brief: fmt.Sprintf("On %s at about %s a woman was ordered out of her white Toyota Prius at gunpoint at "+
			"Foothill Blvd & Seminary Ave; the suspect drove off in it. Plate %s (CA). Officers need a photograph "+
			"of the car to disseminate and a direction of travel. (Modelled on OPD RD 20-057415.)",
			w.day(t), w.clock(t), v.plate),
		Question: "Which camera read the Prius first after the carjacking, and what marks its photo shows?",
		Answer: fmt.Sprintf("%s at %s; roof rack, bumper stickers \"SAVE THE BAY\" and \"CAL BEARS\"",
			w.camLabel(first), w.clock(t+240))}
}

// plantSwitched plants exercise 5: Switched plate (21-040329).
func (w *World) plantSwitched(r *rng, next func() int32) {
	cam := w.cs.byName
	si, vi := next(), next()
	s := w.plantVehicle(r, 4, si, "gray", "sedan", "Nissan", "Altima", []string{FeatureDamage})
	v := w.plantVehicle(r, 4, vi, "red", "pickup", "Ford", "F-150", []string{FeatureTowHitch})
	s.switchTo, s.switchK = vi, 9
	homicide := w.at(2, 22, 30)
	e := w.add(&exercise{vehicles: []int32{si, vi}, incident: homicide, hasDesc: true,
		color: s.color, body: s.body, make: s.make, feature: FeatureDamage})
	c := cam("San Pablo Ave & West Grand Ave")
	w.plans[si] = &plan{misreadCam: -1, passes: []pass{{w.at(11, 8, 10), c}, {w.at(5, 8, 12), c}}}
	w.plans[vi] = &plan{misreadCam: -1, passes: []pass{{w.at(4, 17, 30), cam("Market St & 40th St")}}}
	e.Exercise = api.Exercise{ID: "switched-plate", Title: "A switched plate from Oakland",
		ReportNumber: "21-040329", PurposeCategory: "homicide",
		Brief: fmt.Sprintf("Vallejo police report that on %s a car used in a homicide was captured by their "+
			"cameras: a gray Nissan Altima with damage at the rear, plate %s (CA). That plate belongs to a red "+
			"Ford F-150 pickup in Oakland: the Altima carries a stolen or copied plate. Search Oakland's reads for "+
			"the plate; then search for the car by its description at a camera where it was seen, in the week before "+
			"the plate first appeared on it. (Modelled on OPD RD 21-040329.)", w.day(homicide), v.plate),
		Question: fmt.Sprintf("What plate did the gray Nissan Altima carry before it started using %s?", v.plate),
		Answer:   s.plate}
}

// plantMissing plants exercise 6: Missing person's vehicle located (20-016214).
func (w *World) plantMissing(r *rng, next func() int32) {
	cam := w.cs.byName
	vi := next()
	v := w.plantVehicle(r, 5, vi, "blue", "sedan", "Toyota", "Corolla", nil, "PROUD PARENT")
	missing := w.at(9, 18, 30)
	last := cam("Edes Ave & 105th Ave")
	e := w.add(&exercise{vehicles: []int32{vi}, incident: missing, camera: last})
	w.plans[vi] = &plan{misreadCam: -1, cutoff: missing, passes: []pass{
		{w.at(10, 8, 2), v.home},
		{w.at(9, 23, 40), cam("98th Ave & San Leandro St")},
		{w.at(8, 2, 14), last}}}
	e.Exercise = api.Exercise{ID: "missing-person-vehicle", Title: "A missing person's vehicle",
		ReportNumber: "20-016214", PurposeCategory: "missing_person",
		Brief: fmt.Sprintf("On %s a man reported his girlfriend missing; she was last heard from on the evening "+
			"of %s. She drives a blue Toyota Corolla, plate %s (CA). Find where her car went. "+
			"(Modelled on OPD RD 20-016214.)", w.day(w.at(8, 12, 0)), w.day(missing), v.plate),
		Question: "Where was her Corolla last read by an Oakland camera?",
		Answer:   w.camLabel(last)}
}

// plantMisread plants exercise 7: OCR misread: find the reads with look-alike search (20-032901).
func (w *World) plantMisread(r *rng, next func() int32) {
	cam := w.cs.byName
	vi := next()
	v := w.plantVehicle(r, 6, vi, "beige", "minivan", "Honda", "Odyssey", nil)
	for !misreadable(v.plate, 2) {
		delete(w.plates, v.plate)
		v = w.plantVehicle(r, 6, vi, "beige", "minivan", "Honda", "Odyssey", nil)
	}
	x := cam("Fruitvale Ave & E 12th St")
	v.home = x
	m := forceMisread(r, v.plate, 2)
	t := w.at(5, 16, 5)
	e := w.add(&exercise{vehicles: []int32{vi}, incident: t, camera: x, misread: m})
	w.plans[vi] = &plan{misreadCam: x, misreadPlate: m, passes: []pass{{t + 30, x}, {w.at(5, 16, 12), cam("International Blvd & 23rd Ave")}}}
	e.Exercise = api.Exercise{ID: "ocr-misread", Title: "A plate the camera misreads",
		ReportNumber: "20-032901", PurposeCategory: "assault",
		Brief: fmt.Sprintf("On %s at about %s a woman was punched repeatedly and robbed of her bag near Fruitvale "+
			"Ave & E 12th St. She gave officers the suspect's plate, %s, and described a beige Honda Odyssey "+
			"minivan. An exact search finds the minivan elsewhere but never at Fruitvale: the camera there misreads "+
			"this plate. Use look-alike (fuzzy) search and compare the photos. (Modelled on OPD RD 20-032901.)",
			w.day(t), w.clock(t), v.plate),
		Question: "What OCR text does the system hold for the minivan's reads at Fruitvale Ave & E 12th St?",
		Answer:   m}
}

// plantSerial plants exercise 8: one car at three robbery scenes (a
// common-plates analysis).
func (w *World) plantSerial(r *rng, next func() int32) {
	cam := w.cs.byName
	vi := next()
	v := w.plantVehicle(r, 7, vi, "white", "coupe", "Honda", "Civic", []string{FeatureDamage})
	robberies := []struct {
		t   int64
		cam int16
	}{
		{w.at(8, 21, 10), cam("Telegraph Ave & 51st St")},
		{w.at(6, 22, 35), cam("Foothill Blvd & High St")},
		{w.at(3, 20, 50), cam("MacArthur Blvd & 82nd Ave")},
	}
	e := w.add(&exercise{vehicles: []int32{vi}, incident: robberies[0].t})
	p := &plan{misreadCam: -1}
	var places []string
	for _, rb := range robberies {
		p.passes = append(p.passes, pass{rb.t + int64(120+r.intn(360)), rb.cam})
		e.scenes = append(e.scenes, spot{cam: rb.cam, from: rb.t - 30*60, to: rb.t + 30*60})
		places = append(places, fmt.Sprintf("%s at about %s near %s", w.day(rb.t), w.clock(rb.t), w.cs.cams[rb.cam].Name))
	}
	w.plans[vi] = p
	e.Exercise = api.Exercise{ID: "serial-robbery-common-plate", Title: "One car at three robberies",
		ReportNumber: "26-004118", PurposeCategory: "robbery",
		Brief: fmt.Sprintf("Three convenience stores were robbed at gunpoint by a man who left in a car each time: "+
			"%s; %s; and %s. No witness saw a plate. Run a common-plates analysis (Analyses) with one scene per "+
			"robbery: the camera at that corner, from 30 minutes before to 30 minutes after the robbery.",
			places[0], places[1], places[2]),
		Question: "Which plate was read at all three robbery scenes?",
		Answer:   v.plate}
}

// plantConvoy plants exercise 9: a two-car convoy after a homicide (a
// convoy analysis): the suspect car's plate is known, the answer is the
// car that travelled with it.
func (w *World) plantConvoy(r *rng, next func() int32) {
	cam := w.cs.byName
	ci, ti := next(), next()
	c := w.plantVehicle(r, 8, ci, "gray", "suv", "Jeep", "Grand Cherokee", []string{FeatureTintedWindows})
	tv := w.plantVehicle(r, 8, ti, "black", "sedan", "Chevrolet", "Malibu", nil)
	t := w.at(2, 23, 5)
	route := []int16{cam("Telegraph Ave & 40th St"), cam("Broadway & 27th St"), cam("Grand Ave & Harrison St"),
		cam("International Blvd & 1st Ave")}
	e := w.add(&exercise{vehicles: []int32{ci, ti}, incident: t})
	tp, cp := &plan{misreadCam: -1}, &plan{misreadCam: -1}
	at := t + 60
	for _, rc := range route {
		at += int64(150 + r.intn(180))
		tp.passes = append(tp.passes, pass{at, rc})
		cp.passes = append(cp.passes, pass{at + int64(12+r.intn(25)), rc})
	}
	w.plans[ti], w.plans[ci] = tp, cp
	e.Exercise = api.Exercise{ID: "convoy-second-car", Title: "The second car after a shooting",
		ReportNumber: "26-005207", PurposeCategory: "homicide",
		Brief: fmt.Sprintf("On %s at about %s a man was shot and killed outside a liquor store near Telegraph Ave & "+
			"40th St. Witnesses saw the shooter leave in a black Chevrolet Malibu, plate %s (CA), closely followed by "+
			"a second vehicle nobody could describe. Run a convoy analysis (Analyses) for %s over the week before "+
			"today. Co-travel is not evidence of association: what it gives is a lead to check, photo by photo.",
			w.day(t), w.clock(t), tv.plate, tv.plate),
		Question: fmt.Sprintf("Which plate travelled with %s through at least three cameras?", tv.plate),
		Answer:   c.plate}
}
