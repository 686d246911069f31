package api

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
)

// legitimate are purposes a detective really writes; none may be refused.
var legitimate = []string{
	"Burglary at a church on 14th St, suspect vehicle seen leaving",
	"Stolen personal property from vehicle, suspect plate partial",
	"Robbery on March 3 at International Blvd, silver sedan",
	"Armed robbery at 73rd Ave; silver Toyota seen fleeing",
	"Assault with an ice pick outside a bar on Telegraph Ave",
	"Carjacking of a taxi on Broadway, victim hospitalised",
	"Missing person: elderly man drove away from care home",
	"Police officer assaulted during traffic stop, suspect fled",
	"Hit and run at price-check lot on San Pablo, white van",
	"Shooting near the Fruitvale BART; grey sedan with roof rack",
}

func TestDefaultPolicy(t *testing.T) {
	p := DefaultPolicy()
	if p.ReportNumberPattern != `^\d{2}-\d{5,6}$` || p.RetentionDays != 30 || p.MinPurposeLength != 15 {
		t.Fatalf("pattern %q, retention %d, min purpose %d", p.ReportNumberPattern, p.RetentionDays, p.MinPurposeLength)
	}
	want := map[string][]string{
		"categories": {"homicide", "robbery", "carjacking", "assault", "burglary", "grand_theft", "stolen_vehicle",
			"missing_person", "human_trafficking", "sexual_assault", "felony_want", "other_felony"},
		"features": {"roof_rack", "spare_tire", "commercial_logo", "damage", "tow_hitch", "ladder_rack", "tinted_windows"},
		"retain":   {"criminal_investigation", "missing_person", "legal_obligation"},
	}
	got := map[string][]string{"categories": p.PurposeCategories, "features": p.Features, "retain": p.RetainCategories}
	for k := range want {
		if !slices.Equal(got[k], want[k]) {
			t.Errorf("%s = %v, want %v", k, got[k], want[k])
		}
	}
	for _, list := range []struct {
		name      string
		have, all []string
	}{
		{"colors", p.Colors, []string{"black", "white", "silver", "gray", "red", "blue", "green", "brown", "gold", "yellow", "orange", "purple", "beige"}},
		{"body types", p.BodyTypes, []string{"sedan", "suv", "pickup", "van", "hatchback", "coupe", "wagon", "minivan", "motorcycle", "truck", "bus"}},
		{"states", p.States, []string{"CA", "NV", "OR", "AZ", "TX", "NY", "WA", "DC", "BC", "MX"}},
		{"prohibited terms", p.ProhibitedTerms, []string{"immigration", "ICE", "ERO", "CBP", "border patrol", "deport",
			"deportation", "undocumented", "illegal alien", "abortion", "reproductive health", "reproductive care",
			"Planned Parenthood", "contraception", "protest", "protester", "demonstrator", "rally attendee",
			"First Amendment", "attending worship", "personal use", "personal reasons", "my ex", "ex-girlfriend",
			"ex-boyfriend", "just curious", "neighbor dispute"}},
		{"filler terms", p.FillerTerms, []string{"inv", "invest", "investigation", "case", "check", "lookup", "look up",
			"follow up", "f/u", "n/a", "none", "test", "per sgt", "see report"}},
	} {
		for _, x := range list.all {
			if !slices.Contains(list.have, x) {
				t.Errorf("%s lack %q", list.name, x)
			}
		}
	}
	if len(p.States) < 55 {
		t.Errorf("only %d states", len(p.States))
	}
	// Fresh copies: a caller extending one policy does not change another.
	p.ProhibitedTerms[0] = "changed"
	if DefaultPolicy().ProhibitedTerms[0] == "changed" {
		t.Error("DefaultPolicy shares its slices between calls")
	}
	b, err := json.Marshal(DefaultPolicy())
	if err != nil || !strings.Contains(string(b), `"report_number_pattern":"^\\d{2}-\\d{5,6}$"`) {
		t.Errorf("JSON %s, %v", b, err)
	}
}

func TestProhibitedTerm(t *testing.T) {
	p := DefaultPolicy()
	for _, tc := range []struct {
		text, term string
	}{
		{"Locate subject for ICE detainer", "ICE"},
		{"assist ice with a removal", "ICE"},
		{"I.C.E. request", "ICE"},
		{"per I C E agents", "ICE"},
		{"Plan B, a c-note robbery", ""},
		{"Wanted by ERO field office", "ERO"},
		{"CBP asked for this plate", "CBP"},
		{"Border-Patrol request for the plate", "border patrol"},
		{"Identify protesters at city hall", "protester"},
		{"Protestors blocking the freeway", "protestor"},
		{"vehicles at the protest on Saturday", "protest"},
		{"who was protesting at city hall", "protest"},
		{"pending deportations list", "deportation"},
		{"Subject to be deported", "deport"},
		{"undocumented worker's car", "undocumented"},
		{"Illegal aliens transport", "illegal alien"},
		{"Where does my ex-girlfriend live now", "my ex"},
		{"find the ex-girlfriend of the witness", "ex-girlfriend"},
		{"find the ex girlfriend", "ex-girlfriend"},
		{"Ex-Boyfriend keeps driving by", "ex-boyfriend"},
		{"Vehicle at the Planned Parenthood clinic", "Planned Parenthood"},
		{"women seeking ABORTIONS out of state", "abortion"},
		{"reproductive health clinic visitors", "reproductive health"},
		{"Contraception clinic parking lot", "contraception"},
		{"List of demonstrators near the port", "demonstrator"},
		{"rally attendees on Saturday", "rally attendee"},
		{"First-Amendment activity near the lake", "First Amendment"},
		{"people attending worship at the mosque", "attending worship"},
		{"for personal use only", "personal use"},
		{"Personal reasons, will explain", "personal reasons"},
		{"just curious who owns it", "just curious"},
		{"Neighbor disputes over parking", "neighbor dispute"},
		{"immigration status check", "immigration"},
		{"Police pursuit, price of stolen goods", ""},
		{"Service station robbery, suspect in police custody", ""},
		{"Robbery on March 3 at International Blvd", ""},
		{"Heroes square shooting", ""},
		{"Assault with an ice pick", ""},
		{"expert witness says the van was seen", ""},
		{"", ""},
	} {
		term, found := p.ProhibitedTerm(tc.text)
		if term != tc.term || found != (tc.term != "") {
			t.Errorf("ProhibitedTerm(%q) = %q, %v; want %q", tc.text, term, found, tc.term)
		}
	}
	for _, text := range legitimate {
		if term, found := p.ProhibitedTerm(text); found {
			t.Errorf("legitimate purpose %q refused for %q", text, term)
		}
	}
	// The list is the agency's: an added term is enforced.
	p.ProhibitedTerms = append(p.ProhibitedTerms, "union organizer")
	if term, _ := p.ProhibitedTerm("tracking Union Organizers at the port"); term != "union organizer" {
		t.Errorf("configured term not enforced: %q", term)
	}
}

func TestCheckCase(t *testing.T) {
	p := DefaultPolicy()
	ok := CaseContext{ReportNumber: "20-042436", PurposeCategory: "burglary", Purpose: legitimate[0]}
	with := func(f func(*CaseContext)) CaseContext { c := ok; f(&c); return c }
	for _, tc := range []struct {
		name   string
		c      CaseContext
		status int
		code   string
		inMsg  string
	}{
		{"fine", ok, 0, "", ""},
		{"six-digit", with(func(c *CaseContext) { c.ReportNumber = " 21-043180 " }), 0, "", ""},
		{"five-digit", with(func(c *CaseContext) { c.ReportNumber = "21-04318" }), 0, "", ""},
		{"no report", with(func(c *CaseContext) { c.ReportNumber = "  " }), 400, CodeCaseContextRequired, "report number"},
		{"no category", with(func(c *CaseContext) { c.PurposeCategory = "" }), 400, CodeCaseContextRequired, "purpose category"},
		{"no purpose", with(func(c *CaseContext) { c.Purpose = "\t" }), 400, CodeCaseContextRequired, "written purpose"},
		{"nothing", CaseContext{}, 400, CodeCaseContextRequired, "a report number, a purpose category and a written purpose"},
		{"bad report", with(func(c *CaseContext) { c.ReportNumber = "2020-42436" }), 422, CodeInvalidReportNumber, "20-042436"},
		{"short report", with(func(c *CaseContext) { c.ReportNumber = "20-4243" }), 422, CodeInvalidReportNumber, "20-4243"},
		{"letters", with(func(c *CaseContext) { c.ReportNumber = "RD-042436" }), 422, CodeInvalidReportNumber, "format"},
		{"category", with(func(c *CaseContext) { c.PurposeCategory = "traffic" }), 422, CodeInvalidPurposeCategory, "homicide"},
		{"category case", with(func(c *CaseContext) { c.PurposeCategory = " Robbery\n" }), 0, "", ""},
		{"short", with(func(c *CaseContext) { c.Purpose = "robbery suspect" }), 0, "", ""},
		{"too short", with(func(c *CaseContext) { c.Purpose = " robbery susp " }), 422, CodePurposeTooVague, "at least 15"},
		{"filler", with(func(c *CaseContext) { c.Purpose = "investigation - follow up, see report" }), 422, CodePurposeTooVague, "says too little"},
		{"filler 2", with(func(c *CaseContext) { c.Purpose = "Inv. f/u per Sgt. 20-042436" }), 422, CodePurposeTooVague, "says too little"},
		{"filler 3", with(func(c *CaseContext) { c.Purpose = "n/a n/a n/a n/a n/a" }), 422, CodePurposeTooVague, ""},
		{"filler 4", with(func(c *CaseContext) { c.Purpose = "Plate lookup for the case #123" }), 422, CodePurposeTooVague, ""},
		{"filler plural", with(func(c *CaseContext) { c.Purpose = "checks on cases, testing" }), 422, CodePurposeTooVague, ""},
		{"prohibited", with(func(c *CaseContext) { c.Purpose = "Locate vehicle of protesters at the port" }), 403, CodeProhibitedPurpose, `"protester"`},
		{"prohibited short", with(func(c *CaseContext) { c.Purpose = "ICE" }), 403, CodeProhibitedPurpose, `"ICE"`},
		{"prohibited personal", with(func(c *CaseContext) { c.Purpose = "my ex is seeing someone new" }), 403, CodeProhibitedPurpose, `"my ex"`},
	} {
		err := p.CheckCase(tc.c)
		if tc.code == "" {
			if err != nil {
				t.Errorf("%s: CheckCase(%+v) = %v, want nil", tc.name, tc.c, err)
			}
			continue
		}
		if err == nil || err.Status() != tc.status || err.Code != tc.code {
			t.Errorf("%s: CheckCase(%+v) = %+v, want %d %s", tc.name, tc.c, err, tc.status, tc.code)
			continue
		}
		if !strings.Contains(err.Message, tc.inMsg) || !strings.HasSuffix(err.Message, ".") {
			t.Errorf("%s: message %q should be a sentence containing %q", tc.name, err.Message, tc.inMsg)
		}
	}
	for i, purpose := range legitimate {
		c := CaseContext{ReportNumber: "20-042436", PurposeCategory: p.PurposeCategories[i%len(p.PurposeCategories)], Purpose: purpose}
		if err := p.CheckCase(c); err != nil {
			t.Errorf("legitimate purpose %q refused: %v", purpose, err)
		}
	}
}

func TestCheckCaseAgencyPattern(t *testing.T) {
	p := DefaultPolicy()
	p.ReportNumberPattern = `^RD\d{8}$`
	c := CaseContext{ReportNumber: "RD26012345", PurposeCategory: "homicide", Purpose: "Homicide on 98th Ave, dark SUV seen leaving"}
	if err := p.CheckCase(c); err != nil {
		t.Fatalf("agency pattern: %v", err)
	}
	c.ReportNumber = "26-012345"
	if err := p.CheckCase(c); err == nil || err.Code != CodeInvalidReportNumber || !strings.Contains(err.Message, `^RD\d{8}$`) {
		t.Fatalf("agency pattern should refuse %q: %v", c.ReportNumber, err)
	}
	p.ReportNumberPattern = ""
	c.ReportNumber = "26-012345"
	if err := p.CheckCase(c); err != nil {
		t.Fatalf("empty pattern should mean the default: %v", err)
	}
	p.ReportNumberPattern = `^(\d{2}-$`
	if err := p.CheckCase(c); err == nil || err.Status() != http.StatusInternalServerError || err.Code != CodeInternal {
		t.Fatalf("broken pattern: %v", err)
	}
	p = DefaultPolicy()
	p.MinPurposeLength = 60
	if err := p.CheckCase(c); err == nil || err.Code != CodePurposeTooVague {
		t.Fatalf("MinPurposeLength 60 should refuse a %d-character purpose: %v", len(c.Purpose), err)
	}
}
