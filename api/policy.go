package api

import (
	"regexp"
	"slices"
	"strings"
	"sync"
	"unicode"
)

// DefaultReportNumberPattern is the report (RD) number format used when an
// agency configures none: two digits, a hyphen and five or six digits, such
// as 20-042436 or 21-04318.
const DefaultReportNumberPattern = `^\d{2}-\d{5,6}$`

// DefaultMaxSearchResults is how many reads a search without a plate
// returns across its pages unless the agency configures otherwise.
const DefaultMaxSearchResults = 2000

// DefaultPolicy returns the agency policy of docs/POLICY.md: the rules the store
// enforces and publishes at GET /v1/policy. An agency may extend its lists
// in configuration; the returned slices are fresh copies each call.
func DefaultPolicy() Policy {
	return Policy{
		ReportNumberPattern: DefaultReportNumberPattern,
		PurposeCategories: []string{
			"homicide", "robbery", "carjacking", "assault", "burglary", "grand_theft",
			"stolen_vehicle", "missing_person", "human_trafficking", "sexual_assault",
			"felony_want", "other_felony",
		},
		RetentionDays: 30,
		Colors: []string{
			"black", "white", "silver", "gray", "red", "blue", "green", "brown",
			"gold", "yellow", "orange", "purple", "beige",
		},
		BodyTypes: []string{
			"sedan", "suv", "pickup", "van", "hatchback", "coupe", "wagon", "minivan",
			"motorcycle", "truck", "bus",
		},
		Features: []string{
			"roof_rack", "spare_tire", "commercial_logo", "damage", "tow_hitch",
			"ladder_rack", "tinted_windows",
		},
		ProhibitedTerms: []string{
			// Immigration enforcement (report E, Restriction 1).
			"immigration", "ICE", "ERO", "CBP", "border patrol", "deport", "deportation",
			"undocumented", "illegal alien", "illegal immigrant",
			// Reproductive health care.
			"abortion", "reproductive health", "reproductive care", "Planned Parenthood",
			"contraception",
			// First Amendment activity.
			"protest", "protester", "protestor", "demonstrator", "rally attendee",
			"First Amendment", "attending worship",
			// Personal use.
			"personal use", "personal reasons", "my ex", "ex-girlfriend", "ex-boyfriend",
			"ex-wife", "ex-husband", "just curious", "neighbor dispute", "neighbour dispute",
		},
		FillerTerms: []string{
			"inv", "invest", "investigation", "case", "check", "lookup", "look up",
			"follow up", "followup", "f/u", "n/a", "na", "none", "test", "per sgt",
			"see report", "see rd", "rd", "report", "info", "information", "request",
			"search", "query", "plate", "plate check", "vehicle", "ongoing", "pending",
			"routine", "misc", "general", "tbd", "same", "as above",
		},
		MinPurposeLength: 15,
		MaxSearchResults: DefaultMaxSearchResults,
		RetainCategories: []string{RetainCriminalInvestigation, RetainMissingPerson, RetainLegalObligation},
		ConvoyCategories: DefaultConvoyCategories(),
		States: []string{
			"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL",
			"IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE",
			"NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD",
			"TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY", "PR",
			"BC", "AB", "ON", "QC", "MX",
		},
	}
}

// stopWords carry no meaning of their own in a justification: a purpose made
// only of these, filler terms, numbers and punctuation is too vague.
var stopWords = map[string]bool{
	"a": true, "an": true, "the": true, "of": true, "for": true, "on": true, "in": true,
	"at": true, "to": true, "and": true, "or": true, "with": true, "by": true, "re": true,
	"per": true, "this": true, "that": true, "is": true, "it": true, "my": true, "our": true,
	"from": true, "as": true, "about": true, "regarding": true, "into": true, "be": true,
	"are": true, "was": true, "no": true, "number": true, "num": true, "nr": true,
	"please": true, "pls": true, "etc": true, "s": true, "i": true, "we": true,
	"need": true, "needed": true, "do": true, "run": true, "x": true,
}

// vague reports whether text says nothing beyond the filler terms, stop
// words, numbers and punctuation.
func (p Policy) vague(text string) bool {
	w := words(text)
	filler := make([][]string, 0, len(p.FillerTerms))
	for _, f := range p.FillerTerms {
		if fw := words(f); len(fw) > 0 {
			filler = append(filler, fw)
		}
	}
	// Longest phrases first, so "look up" wins over a one-word term.
	slices.SortStableFunc(filler, func(a, b []string) int { return len(b) - len(a) })
next:
	for i := 0; i < len(w); {
		for _, f := range filler {
			if plainAt(w, i, f) {
				i += len(f)
				continue next
			}
		}
		if stopWords[w[i]] || isNumber(w[i]) {
			i++
			continue
		}
		return false
	}
	return true
}

// isNumber reports whether w is made only of digits ("14th" is not: it
// names a street).
func isNumber(w string) bool {
	for _, r := range w {
		if !unicode.IsDigit(r) {
			return false
		}
	}
	return true
}

// reportPatterns caches compiled report-number patterns by their text.
var reportPatterns sync.Map // string -> *regexp.Regexp or error

func reportPattern(expr string) (*regexp.Regexp, error) {
	if v, ok := reportPatterns.Load(expr); ok {
		if re, ok := v.(*regexp.Regexp); ok {
			return re, nil
		}
		return nil, v.(error)
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		reportPatterns.Store(expr, err)
		return nil, err
	}
	reportPatterns.Store(expr, re)
	return re, nil
}

// Normalised is the case context as the store keeps it: the report
// number without surrounding white space, the category trimmed and in
// lower case ("21-777777\n" and " Homicide " are 21-777777 and homicide,
// so audit filters and efficacy categories see one value), and the
// purpose exactly as typed.
func (c CaseContext) Normalised() CaseContext {
	return CaseContext{
		ReportNumber:    strings.TrimSpace(c.ReportNumber),
		PurposeCategory: strings.ToLower(strings.TrimSpace(c.PurposeCategory)),
		Purpose:         c.Purpose,
	}
}

// CheckCase checks a search's case context against the policy (docs/POLICY.md,
// rules 1 and 2) and returns nil when it may proceed, else the error the
// store answers. The context is judged in its Normalised form and the
// purpose on its Skeleton:
//
//   - 422 invalid_field: a field is not valid UTF-8 or holds a control or
//     format character (CheckEncoding);
//   - 400 case_context_required: no report number, category or purpose;
//   - 422 invalid_report_number: the report number does not fit
//     ReportNumberPattern (DefaultReportNumberPattern when empty);
//   - 422 invalid_purpose_category: the category is not one of
//     PurposeCategories;
//   - 403 prohibited_purpose: the purpose names a prohibited term (checked
//     before vagueness, so a short prohibited purpose is refused as such);
//   - 422 purpose_too_vague: the purpose is shorter than MinPurposeLength
//     characters after trimming, or says nothing but filler terms, stop
//     words, numbers and punctuation.
func (p Policy) CheckCase(c CaseContext) *Error {
	for _, f := range []struct{ name, text string }{
		{"report_number", c.ReportNumber}, {"purpose_category", c.PurposeCategory}, {"purpose", c.Purpose},
	} {
		if e := CheckEncoding(f.name, f.text); e != nil {
			return e
		}
	}
	c = c.Normalised()
	rn, cat := c.ReportNumber, c.PurposeCategory
	purpose := strings.TrimSpace(Skeleton(c.Purpose))
	if e := caseMissing(rn, cat, purpose); e != nil {
		return e
	}
	if e := p.checkReportNumber(rn); e != nil {
		return e
	}
	if !slices.Contains(p.PurposeCategories, cat) {
		return E(CodeInvalidPurposeCategory,
			"The purpose category %q is not an authorized one; choose one of: %s.", cat, strings.Join(p.PurposeCategories, ", "))
	}
	if e := p.CheckProhibited("purpose", c.Purpose); e != nil {
		return e
	}
	if n := len([]rune(purpose)); n < p.MinPurposeLength {
		return E(CodePurposeTooVague,
			"The written purpose is %d characters long; describe the case in at least %d, such as what happened and what vehicle is sought.", n, p.MinPurposeLength)
	}
	if p.vague(purpose) {
		return E(CodePurposeTooVague,
			"The written purpose %q says too little; describe what happened and what vehicle is sought.", strings.TrimSpace(c.Purpose))
	}
	return nil
}

// caseMissing answers 400 case_context_required naming what is missing.
func caseMissing(rn, cat, purpose string) *Error {
	var missing []string
	if rn == "" {
		missing = append(missing, "a report number")
	}
	if cat == "" {
		missing = append(missing, "a purpose category")
	}
	if purpose == "" {
		missing = append(missing, "a written purpose")
	}
	if len(missing) > 0 {
		return E(CodeCaseContextRequired,
			"Every search needs a case context: add %s.", joinAnd(missing))
	}
	return nil
}

// checkReportNumber checks a trimmed report number against the agency's
// pattern.
func (p Policy) checkReportNumber(rn string) *Error {
	expr := p.ReportNumberPattern
	if expr == "" {
		expr = DefaultReportNumberPattern
	}
	re, err := reportPattern(expr)
	if err != nil {
		return E(CodeInternal,
			"The agency's report number pattern %q is not a valid regular expression; an administrator must correct it.", expr)
	}
	if re.MatchString(rn) {
		return nil
	}
	if expr == DefaultReportNumberPattern {
		return E(CodeInvalidReportNumber,
			"The report number %q is not in the agency's format: two digits, a hyphen and five or six digits, such as 20-042436.", rn)
	}
	return E(CodeInvalidReportNumber,
		"The report number %q is not in the agency's format (%s).", rn, expr)
}

// CheckProhibited applies the encoding rules and the prohibited-term rule
// to a field that states why or for whom (a search purpose, a hotlist
// request's explanation, vehicle description, instructions or contact):
// 422 invalid_field, 403 prohibited_purpose naming the field and the term,
// or nil.
func (p Policy) CheckProhibited(field, text string) *Error {
	if e := CheckEncoding(field, text); e != nil {
		return e
	}
	if term, found := p.ProhibitedTerm(text); found {
		return E(CodeProhibitedPurpose,
			"This is refused: the %s names %q, a use the agency's ALPR policy prohibits. The refusal is recorded in the audit trail.",
			strings.ReplaceAll(field, "_", " "), term)
	}
	return nil
}

// joinAnd joins items as "a, b and c".
func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return strings.Join(items[:len(items)-1], ", ") + " and " + items[len(items)-1]
}
