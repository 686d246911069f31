package api

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// disguised are prohibited purposes written to slip past a naive matcher,
// one class per group (issue 15 section 1). code is the refusal expected:
// 422 invalid_field for texts that break the encoding rules, else 403
// prohibited_purpose.
var disguised = []struct {
	class, text, code string
}{
	// Zero-width and other format characters: refused as encoding.
	{"zero-width space", "Vehicle linked to immi\u200bgration status of the owner", CodeInvalidField},
	{"zero-width space", "Notify I\u200bCE on any hit of this vehicle", CodeInvalidField},
	{"zero-width non-joiner", "Locate car of dep\u200corted man downtown", CodeInvalidField},
	{"zero-width joiner", "Abor\u200dtion clinic visitor vehicle list", CodeInvalidField},
	{"word joiner", "Pro\u2060testers at the plaza, find cars", CodeInvalidField},
	{"byte order mark", "\ufeffImmigration hold, locate vehicle", CodeInvalidField},
	{"soft hyphen", "Immi\u00adgration status of the registered owner", CodeInvalidField},
	{"soft hyphen", "Depor\u00adtation case for the driver of this van", CodeInvalidField},
	{"right-to-left override", "Locate \u202enoitargimmi\u202c subject's car", CodeInvalidField},
	{"left-to-right embedding", "\u202aICE\u202c detainer on the owner of this car", CodeInvalidField},
	{"right-to-left mark", "Protest\u200f organiser's car near city hall", CodeInvalidField},
	{"invisible separator", "Border\u2063patrol asked about this truck", CodeInvalidField},
	{"Arabic letter mark", "Planned\u061cParenthood visitors, plates of cars", CodeInvalidField},
	{"NUL", "Immigration\x00 status check on the owner", CodeInvalidField},
	{"NUL", "Just \x00curious who drives this vehicle", CodeInvalidField},
	{"control", "Find my ex\x07 girlfriend's new car please", CodeInvalidField},
	{"carriage return", "Deportation list\r\nvehicle of the owner", CodeInvalidField},
	{"escape", "\x1b[8mICE\x1b[0m wants the owner of this sedan", CodeInvalidField},
	{"delete", "Abort\x7fion clinic parking lot vehicles", CodeInvalidField},
	{"C1 control", "Protest\u0085ers blocking the freeway, cars", CodeInvalidField},
	{"invalid UTF-8", "Immigration \xff\xfe status of the owner", CodeInvalidField},
	{"invalid UTF-8", "\xc3ICE detainer on the owner of this car", CodeInvalidField},
	{"private use", "I\ue000CE detainer on the owner of this car", CodeInvalidField},
	{"Hangul filler", "Immi\u3164gration status of the owner please", CodeInvalidField},
	{"tag characters", "ICE\U000E0041 detainer on the owner of this car", CodeInvalidField},
	// Cyrillic look-alike letters.
	{"Cyrillic", "Vehicle linked to \u0456mmigration status of the owner", CodeProhibitedPurpose},
	{"Cyrillic", "Notify I\u0421E on any hit of this vehicle", CodeProhibitedPurpose},
	{"Cyrillic", "Wanted by \u0415RO field office, locate car", CodeProhibitedPurpose},
	{"Cyrillic", "\u0421BP asked for this plate and its owner", CodeProhibitedPurpose},
	{"Cyrillic", "De\u0440\u043ertation of the owner of the car", CodeProhibitedPurpose},
	{"Cyrillic", "\u0410bortion clinic visitors parked nearby", CodeProhibitedPurpose},
	{"Cyrillic", "Pr\u043etesters at the plaza, their vehicles", CodeProhibitedPurpose},
	{"Cyrillic", "Just \u0441urious who drives this blue van", CodeProhibitedPurpose},
	{"Cyrillic", "My \u0435x moved, where does she park now", CodeProhibitedPurpose},
	{"Cyrillic", "Und\u043ecumented worker's pickup on 5th", CodeProhibitedPurpose},
	{"Cyrillic", "\u0406\u0421\u0415 detainer for the owner of this car", CodeProhibitedPurpose},
	{"Cyrillic", "Pl\u0430nned P\u0430renthood clinic car park", CodeProhibitedPurpose},
	// Greek look-alike letters.
	{"Greek", "\u0399CE detainer for the owner of this car", CodeProhibitedPurpose},
	{"Greek", "IC\u0395 wants the owner of this sedan found", CodeProhibitedPurpose},
	{"Greek", "\u0395R\u039f field office asks for the plate", CodeProhibitedPurpose},
	{"Greek", "Dep\u03bfrtation hearing, find the owner's car", CodeProhibitedPurpose},
	{"Greek", "\u0391bortion clinic visitors parked nearby", CodeProhibitedPurpose},
	{"Greek", "Immigr\u03b1tion status of the registered owner", CodeProhibitedPurpose},
	{"Greek", "Pro\u03c4esters at city hall, their vehicles", CodeProhibitedPurpose},
	{"Greek", "\u039cy ex's new boyfriend drives this car", CodeProhibitedPurpose},
	// Fullwidth and styled letters (NFKC).
	{"fullwidth", "\uff29\uff23\uff25 detainer on the owner of this car", CodeProhibitedPurpose},
	{"fullwidth", "\uff49\uff4d\uff4d\uff49\uff47\uff52\uff41\uff54\uff49\uff4f\uff4e status of the owner", CodeProhibitedPurpose},
	{"fullwidth", "Find the \uff50\uff52\uff4f\uff54\uff45\uff53\uff54\uff45\uff52\uff53 cars", CodeProhibitedPurpose},
	{"mathematical bold", "\U0001d408\U0001d402\U0001d404 detainer on the owner of this car", CodeProhibitedPurpose},
	{"mathematical italic", "Where is \U0001d45a\U0001d466 \U0001d452\U0001d465 parking these days", CodeProhibitedPurpose},
	{"circled letters", "\u24be\u24b8\u24ba detainer on the owner of this car", CodeProhibitedPurpose},
	{"small capitals", "\u026a\u1d04\u1d07 detainer on the owner of this car", CodeProhibitedPurpose},
	{"superscript", "\u1d35\u1d9c\u1d31 detainer on the owner of this car", CodeProhibitedPurpose},
	{"ligature", "Undocumented worker at the \ufb01eld, his car", CodeProhibitedPurpose},
	// Combining accents and marks.
	{"combining accent", "I\u0301mmigration status of the owner please", CodeProhibitedPurpose},
	{"combining accent", "Dépórtation of the owner of this vehicle", CodeProhibitedPurpose},
	{"combining accent", "Ab\u0308ortion clinic visitors parked nearby", CodeProhibitedPurpose},
	{"combining accent", "I\u0323C\u0323E\u0323 wants the owner of this sedan", CodeProhibitedPurpose},
	{"combining overlay", "P\u0336r\u0336o\u0336t\u0336e\u0336s\u0336t\u0336 organiser's vehicle", CodeProhibitedPurpose},
	{"precomposed accent", "Ímmigratión status of the registered owner", CodeProhibitedPurpose},
	{"variation selector", "I\ufe0fCE detainer on the owner of this car", CodeProhibitedPurpose},
	{"dotless i", "\u0131mmigration status of the registered owner", CodeProhibitedPurpose},
	// Digits and look-alike symbols for letters.
	{"digits", "Vehicle linked to 1mmigration status of the owner", CodeProhibitedPurpose},
	{"digits", "Notify 1CE on any hit of this vehicle", CodeProhibitedPurpose},
	{"digits", "3R0 field office asks about this plate", CodeProhibitedPurpose},
	{"digits", "D3p0rtation hearing, find the owner's car", CodeProhibitedPurpose},
	{"digits", "Pr0t3sters at the plaza, find their cars", CodeProhibitedPurpose},
	{"digits", "Ab0rt10n clinic visitors parked nearby", CodeProhibitedPurpose},
	{"digits", "1ll3gal al1en transport van on I-880", CodeProhibitedPurpose},
	{"digits", "Und0cum3nted worker's pickup outside", CodeProhibitedPurpose},
	{"digits", "Ju5t cur1ous who drives this blue van", CodeProhibitedPurpose},
	{"pipe for I", "|CE detainer on the owner of this car", CodeProhibitedPurpose},
	{"lower-case L for I", "lCE detainer on the owner of this car", CodeProhibitedPurpose},
	// Separators inside a word.
	{"hyphen", "Vehicle linked to immi-gration status of owner", CodeProhibitedPurpose},
	{"hyphen", "De-portation hearing, find the owner's car", CodeProhibitedPurpose},
	{"dots", "I.C.E. detainer on the owner of this car", CodeProhibitedPurpose},
	{"dots", "Im.mi.gra.tion status of the registered owner", CodeProhibitedPurpose},
	{"underscores", "Ab_or_tion clinic visitors parked nearby", CodeProhibitedPurpose},
	{"slash", "Pro/testers at the plaza, find their cars", CodeProhibitedPurpose},
	{"spaced letters", "I C E detainer on the owner of this car", CodeProhibitedPurpose},
	{"spaced letters", "d e p o r t the owner of this vehicle", CodeProhibitedPurpose},
	{"split by space", "Vehicle linked to immi gration status of owner", CodeProhibitedPurpose},
	{"split by space", "Abor tion clinic visitors parked nearby", CodeProhibitedPurpose},
	{"apostrophes", "Ex-girl'friend moved, where does she park", CodeProhibitedPurpose},
	{"non-breaking space", "Border\u00a0Patrol asked about this truck", CodeProhibitedPurpose},
	{"em dash", "Border\u2014patrol asked about this truck", CodeProhibitedPurpose},
	// Words run together.
	{"run together", "justcurious who drives the blue Civic", CodeProhibitedPurpose},
	{"run together", "Where does my exgirlfriend park at night", CodeProhibitedPurpose},
	{"run together", "exboyfriend keeps driving by the house", CodeProhibitedPurpose},
	{"run together", "BorderPatrol asked about this truck", CodeProhibitedPurpose},
	{"run together", "Vehicle seen at PlannedParenthood clinic", CodeProhibitedPurpose},
	{"run together", "personaluse only, owner of the red car", CodeProhibitedPurpose},
	{"run together", "illegalaliens transport van on I-880", CodeProhibitedPurpose},
	{"run together", "FirstAmendment activity at the lake, cars", CodeProhibitedPurpose},
	{"run together", "neighbordispute over parking on my block", CodeProhibitedPurpose},
	{"run together", "myex drives this car, where is it now", CodeProhibitedPurpose},
	// Inflections and derivations.
	{"derivation", "Locate the deportee's brother and his car", CodeProhibitedPurpose},
	{"derivation", "Deportable owner of this vehicle, locate", CodeProhibitedPurpose},
	{"inflection", "Subject deported last year, back in town", CodeProhibitedPurpose},
	{"inflection", "Protesting crowd at city hall, their cars", CodeProhibitedPurpose},
	{"inflection", "Organizers who protested at the port last week", CodeProhibitedPurpose},
	{"derivation", "Abortionist's car near the clinic on 3rd", CodeProhibitedPurpose},
	{"derivation", "Contraceptive clinic visitors, their cars", CodeProhibitedPurpose},
	{"inflection", "Rally attendees on Saturday, list the cars", CodeProhibitedPurpose},
	{"inflection", "Demonstrators near the port, list their cars", CodeProhibitedPurpose},
	{"inflection", "Immigrations office wants the owner", CodeProhibitedPurpose},
	{"inflection", "Neighbor disputes over parking on my block", CodeProhibitedPurpose},
	// Mixed case and combined tricks.
	{"mixed case", "iMmIgRaTiOn status of the registered owner", CodeProhibitedPurpose},
	{"combined", "Notify \uff29\u0421\u0395 on any hit of this vehicle", CodeProhibitedPurpose},
	{"combined", "D\u0435-p0r\u0301tation hearing, find the owner's car", CodeProhibitedPurpose},
	{"combined", "J\u00fcst-\u0441urious who drives the blue Civic", CodeProhibitedPurpose},
	{"possessive", "ICE's request: locate the owner of this car", CodeProhibitedPurpose},
	{"in parentheses", "Request from (ERO) about the owner of this car", CodeProhibitedPurpose},
	{"quoted", "Owner is an \"illegal alien\" per the caller", CodeProhibitedPurpose},
}

// legitimateMore are purposes a detective really writes that must pass,
// many holding a prohibited term's letters inside an unrelated word.
var legitimateMore = []string{
	"Protective order violation, suspect's vehicle",
	"Stolen vehicle reported by the owner this morning",
	"Hit and run on Broadway, witness saw a black SUV",
	"ICE cream truck robbery on International Blvd",
	"Ice cream truck driver robbed at gunpoint on 23rd Ave",
	"Robbery at the Protestant church office, grey sedan",
	"Zero tolerance DUI crash, driver fled in a white van",
	"Shots fired near Heroes Square, dark blue coupe",
	"Police officer assaulted during a traffic stop",
	"Price tag swapping fraud ring, red minivan at the mall",
	"Service station robbery, suspect drove a silver Honda",
	"Notice of stolen license plates from a rental car",
	"Office burglary on Harrison St, white pickup seen",
	"Juice bar robbery, suspect left in a green hatchback",
	"Rice cooker shipment stolen from a warehouse truck",
	"Slice pizza shop robbery, getaway car a grey Kia",
	"Homicide on 98th Ave, dark SUV seen leaving the scene",
	"Carjacking at gunpoint on Foothill Blvd, black Camry",
	"Missing 82 year old man with dementia, drove away",
	"Human trafficking victim seen in a white Sprinter van",
	"Sexual assault suspect fled in a maroon Civic",
	"Felony warrant for a shooting suspect, blue Altima",
	"Grand theft of construction equipment on a flatbed",
	"Burglary at a church on 14th St, suspect van",
	"Stolen personal property from a vehicle, partial plate",
	"Robbery on March 3 at the corner store, silver sedan",
	"Assault with an ice pick outside a bar on Telegraph",
	"Dry ice theft from a lab, box truck with a logo",
	"Black ice crash, driver fled the scene on foot",
	"Ice rink parking lot catalytic converter thefts",
	"Shaved ice vendor robbed, suspect in a red pickup",
	"Hero of the block shot, grey car seen fleeing",
	"Erosion control company truck stolen from a yard",
	"Errol Flynn look-alike robbed a bank on Broadway",
	"Deportment school van stolen from the parking lot",
	"Reported by the protective services agency, missing child",
	"Contract dispute turned into an assault, white truck",
	"Portal crane yard burglary, suspect pickup truck",
	"Deputy assaulted at the port, suspect's silver car",
	"Immunization clinic burglary, van seen at 2 am",
	"Image of the plate from a doorbell camera, robbery",
	"Abortive carjacking attempt, suspect fled in an SUV",
	"Border of the park, shooting suspect in a grey sedan",
	"Patrol officer rammed by a stolen Kia, find the car",
	"Rally car stolen from a garage on Lakeshore Ave",
	"Attendee of a concert robbed in the parking lot",
	"First aid kit thief drove off in a black Tesla",
	"Amendment to the warrant, same homicide suspect car",
	"Worship leader's car stolen from the church lot",
	"Personal injury hit and run, white Prius fled",
	"Stolen personal items, burglary of a garage",
	"Reasons for the stop: armed robbery suspect vehicle",
	"Exhibit stolen from the museum, moving van",
	"Ex-convict wanted for a felony shooting, blue car",
	"Executive's car used in a kidnapping on Grand Ave",
	"Girlfriend of the victim saw a red truck leave",
	"Boyfriend of the missing teen drives a grey Civic",
	"Curious witness saw a man load a TV into a van",
	"Neighbor reported a burglary in progress, white van",
	"Dispute at a bar ended in a shooting, black SUV",
	"Detainee escaped from custody in a stolen Camry",
	"Border town carjacking ring, vehicles crossing the bay",
	"Icelandic tourist robbed at the waterfront, grey van",
	"Alicia Keys concert shooting, suspect drove a Dodge",
	"Deportivo soccer club van stolen from the field",
	"Chorizo truck owner assaulted at a taco stand",
	"Sliced tire vandalism escalated to assault, red car",
	"Policeman's family home burglarized, white truck",
	"Protection racket extortion of shop owners, black BMW",
	"Testimony says the shooter drove a green Mustang",
	"Demo day at the shipyard: stolen excavator on a trailer",
	"Alien Gear holster store burglary, suspect pickup",
	"Illegal dumping tied to a stolen box truck",
	"Undercover buy, armed robbery, grey Nissan Altima",
	"Documented gang member wanted for a homicide, SUV",
	"Reproduction of stolen checks, suspect car a Civic",
	"Parent of a missing child drove off with her, sedan",
	"Planned robbery of an armored car, white van seen",
	"Contractor's tools stolen from a truck on 5th Ave",
	"Abort of the pursuit, suspect car a black Charger",
	"Port of Oakland container theft, flatbed truck",
	"Ration card fraud ring using a silver minivan",
	"Gration Ave shooting, suspect fled in a grey coupe",
	"Vice unit: human trafficking, white Escalade",
	"Juicer stolen from a restaurant, suspect in a van",
	"Hot rod with police scanner fled a robbery scene",
	"Price Rite grocery robbery, getaway car a red Kia",
	"Ceremony shooting outside the hall, grey sedan",
	"Cebu restaurant burglary, suspect drove a pickup",
	"ERA Realty office robbery, suspect a black sedan",
	"Zeroed-in surveillance of a drug stash house van",
	"Sero survey nurse carjacked at a clinic, red Civic",
	"Pierogi shop robbery on College Ave, blue sedan",
	"Cerro Gordo street shooting, grey pickup fled",
	"Vehicle of a wanted felon seen at the Coliseum",
	"Robbery of a ride-share driver, 2 suspects, SUV",
	"Burglary at Lake Merritt boathouse, white van",
	"Witness saw plate 7ABC123 leave a homicide scene",
	"Carjacking victim's Audi seen on I-580 eastbound",
	"Shooting on 1st Ave, suspect car a black Charger",
	"Assault on the 2nd floor, suspect fled in a Jeep",
	"Homicide near the 3rd St Ice House bar, grey SUV",
	"Robbery of an immigrant-owned shop, silver sedan",
	"Sideshow homicide, white Mustang with black rims",
	"Stolen catalytic converters, Prius owners targeted",
	"Missing person last seen at the Ice Cube Bar, car",
	"Kidnapping suspect drove a tan Buick, partial plate",
	"Wrong-way driver killed a cyclist, fled in a pickup",
	"Bank robbery on Fruitvale, getaway driver in a Kia",
	"Hate crime assault at a mosque, suspect's grey van",
	"Arson at a synagogue, suspect left in a blue truck",
	"Hotlist alert from the state stolen vehicle file",
}

func TestDisguisedPurposesRefused(t *testing.T) {
	p := DefaultPolicy()
	classes := map[string]bool{}
	for _, tc := range disguised {
		classes[tc.class] = true
		c := CaseContext{ReportNumber: "20-042436", PurposeCategory: "robbery", Purpose: tc.text}
		err := p.CheckCase(c)
		if err == nil || err.Code != tc.code {
			t.Errorf("%s: CheckCase(%q) = %v, want %s", tc.class, tc.text, err, tc.code)
		}
		// The same text in a hotlist field that states why or for whom.
		if e := p.CheckProhibited("contact", tc.text); e == nil || e.Code != tc.code {
			t.Errorf("%s: CheckProhibited(contact, %q) = %v, want %s", tc.class, tc.text, e, tc.code)
		}
	}
	if len(disguised) < 100 || len(classes) < 20 {
		t.Fatalf("%d disguised purposes in %d classes; the table must keep at least 100 in 20", len(disguised), len(classes))
	}
}

func TestLegitimatePurposesPass(t *testing.T) {
	p := DefaultPolicy()
	all := append(append([]string{}, legitimate...), legitimateMore...)
	for i, text := range all {
		c := CaseContext{ReportNumber: "20-042436", PurposeCategory: p.PurposeCategories[i%len(p.PurposeCategories)], Purpose: text}
		if err := p.CheckCase(c); err != nil {
			t.Errorf("legitimate purpose %q refused: %v", text, err)
		}
		if err := p.CheckProhibited("explanation", text); err != nil {
			t.Errorf("legitimate explanation %q refused: %v", text, err)
		}
	}
	if len(all) < 100 {
		t.Fatalf("only %d legitimate purposes; the table must keep at least 100", len(all))
	}
}

func TestSkeleton(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"\uff29\uff23\uff25 Detainer", "ice detainer"},
		{"\u0456mmigration", "immigration"},
		{"Dépórtation", "deportation"},
		{"1mmigration on 14th St, 2nd floor, 20-042436", "immigration on 14th st, 2nd floor, 20-042436"},
		{"Pr0t3st", "protest"},
		{"\u0399\u0421\u0415", "ice"},
		{"bad \xff byte", "bad   byte"},
	} {
		if got := Skeleton(tc.in); got != tc.want {
			t.Errorf("Skeleton(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCheckEncoding(t *testing.T) {
	if e := CheckEncoding("purpose", "Robbery\non 5th\tAve, café"); e != nil {
		t.Fatalf("newline, tab and accents are fine: %v", e)
	}
	for _, bad := range []string{"a\u200bb", "a\x00b", "\xff", "a\u202eb", "a\rb", "a\u00adb"} {
		e := CheckEncoding("purpose", bad)
		if e == nil || e.Code != CodeInvalidField || e.Status() != 422 || !strings.Contains(e.Message, "purpose") {
			t.Errorf("CheckEncoding(%q) = %v, want 422 invalid_field naming purpose", bad, e)
		}
	}
}

func TestAuditSafe(t *testing.T) {
	got := AuditSafe("a\x00b\xffc")
	if got != "a\u2400b\uFFFDc" || !utf8.ValidString(got) {
		t.Fatalf("AuditSafe = %q", got)
	}
}

// FuzzSkeleton checks the normaliser never panics, always answers valid
// UTF-8 free of format characters, is idempotent, and that the matcher
// gives the same answer on a text and on its skeleton.
func FuzzSkeleton(f *testing.F) {
	for _, tc := range disguised {
		f.Add(tc.text)
	}
	for _, text := range legitimateMore[:20] {
		f.Add(text)
	}
	p := DefaultPolicy()
	f.Fuzz(func(t *testing.T, text string) {
		sk := Skeleton(text)
		if !utf8.ValidString(sk) {
			t.Fatalf("Skeleton(%q) = %q is not valid UTF-8", text, sk)
		}
		for _, r := range sk {
			if forbiddenRune(r) {
				t.Fatalf("Skeleton(%q) = %q keeps U+%04X", text, sk, r)
			}
		}
		if again := Skeleton(sk); again != sk {
			t.Fatalf("Skeleton not idempotent: %q -> %q -> %q", text, sk, again)
		}
		t1, f1 := p.ProhibitedTerm(text)
		t2, f2 := p.ProhibitedTerm(sk)
		if t1 != t2 || f1 != f2 {
			t.Fatalf("ProhibitedTerm(%q) = %q, %v but on its skeleton %q, %v", text, t1, f1, t2, f2)
		}
	})
}
