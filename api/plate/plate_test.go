package plate

import (
	"errors"
	"math/rand/v2"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"alprdesk/api"
)

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"7ABC123":       "7ABC123",
		" 7abc-12.3 ":   "7ABC123",
		"7 a b\tc":      "7ABC",
		"7ab*":          "7AB*",
		"":              "",
		"x-y.z":         "XYZ",
		"7ab%":          "7AB%",
		"\u00a07ab c?d": "7ABC?D",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestValid(t *testing.T) {
	for in, want := range map[string]bool{
		"7ABC123": true, "7abc 123": true, "": false, "7AB*": false, "7AB?": false,
		"7ÄB": false, strings.Repeat("A", MaxLen): true, strings.Repeat("A", MaxLen+1): false,
	} {
		if got := Valid(in); got != want {
			t.Errorf("Valid(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParsePatternErrors(t *testing.T) {
	for _, tc := range []struct {
		in, code string
	}{
		{"", api.CodePatternTooBroad},
		{"*", api.CodePatternTooBroad},
		{"7A*", api.CodePatternTooBroad},
		{"7?A?", api.CodePatternTooBroad},
		{"??????", api.CodePatternTooBroad},
		{"7AB%", api.CodeInvalidField},
		{"7AB_12", api.CodeInvalidField},
		{"7ÄBC", api.CodeInvalidField},
		{"7AB[C]", api.CodeInvalidField},
		{"%", api.CodeInvalidField},
		{strings.Repeat("A", MaxLen+1), api.CodeInvalidField},
	} {
		p, err := ParsePattern(tc.in)
		if p != nil || err == nil {
			t.Errorf("ParsePattern(%q) = %v, %v; want error %s", tc.in, p, err, tc.code)
			continue
		}
		var ae *api.Error
		if !errors.As(err, &ae) {
			t.Errorf("ParsePattern(%q) error %T is not *api.Error", tc.in, err)
			continue
		}
		if ae.Code != tc.code || ae.Status() != 422 {
			t.Errorf("ParsePattern(%q) = %d %s, want 422 %s", tc.in, ae.Status(), ae.Code, tc.code)
		}
		if ae.Code == api.CodeInvalidField && !strings.Contains(ae.Message, "plate") {
			t.Errorf("invalid_field message %q does not name the field plate", ae.Message)
		}
		if !strings.HasSuffix(ae.Message, ".") || len(ae.Message) < 30 {
			t.Errorf("message %q is not a sentence", ae.Message)
		}
	}
}

func TestParsePatternProperties(t *testing.T) {
	for _, tc := range []struct {
		in, text string
		literals int
		run      string
		exact    bool
	}{
		{"7abc123", "7ABC123", 7, "7ABC123", true},
		{"7AB*", "7AB*", 3, "7AB", false},
		{"7AB**12", "7AB*12", 5, "7AB", false},
		{"*C12*", "*C12*", 3, "C12", false},
		{"7?B?1?3", "7?B?1?3", 4, "7", false},
		{"7a-b ?1234", "7AB?1234", 7, "1234", false},
		{"***abc***", "*ABC*", 3, "ABC", false},
	} {
		p, err := ParsePattern(tc.in)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tc.in, err)
		}
		if want, _, _ := strings.Cut(strings.ReplaceAll(tc.text, "?", "*"), "*"); p.Prefix() != want {
			t.Errorf("ParsePattern(%q).Prefix() = %q, want %q", tc.in, p.Prefix(), want)
		}
		if p.String() != tc.text || p.GLOB() != tc.text || p.Literals() != tc.literals ||
			p.LongestRun() != tc.run || p.IsExact() != tc.exact {
			t.Errorf("ParsePattern(%q) = text %q glob %q literals %d run %q exact %v; want %q %d %q %v",
				tc.in, p.String(), p.GLOB(), p.Literals(), p.LongestRun(), p.IsExact(),
				tc.text, tc.literals, tc.run, tc.exact)
		}
	}
}

func TestMatch(t *testing.T) {
	for _, tc := range []struct {
		pattern, plate string
		want           bool
	}{
		{"7ABC123", "7ABC123", true},
		{"7ABC123", "7abc 123", true},
		{"7ABC123", "7ABC1234", false},
		{"7ABC123", "7ABC12", false},
		{"7AB*", "7AB", true}, // `*` matches the empty run
		{"7AB*", "7ABC123", true},
		{"7AB*", "X7ABC123", false},
		{"*C12*", "7ABC123", true},
		{"*C12*", "C12", true},
		{"*C12*", "7ABC213", false},
		{"*123", "7ABC123", true},
		{"*123", "7ABC1234", false},
		{"7?B?1?3", "7ABC123", true},
		{"7?B?1?3", "7BAC123", false},
		{"7?B?1?3", "7XBY1Z3", true},
		{"7AB?", "7AB", false}, // `?` needs exactly one character
		{"7AB?", "7ABC", true},
		{"7AB?", "7ABCD", false},
		{"7AB??", "7ABCD", true},
		{"?7AB", "7AB", false},
		{"A*B*C", "ABC", true},
		{"A*B*C", "AXXBYYC", true},
		{"A*B*C", "AXXBYYCZ", false},
		{"A*A*A", "AAAA", true},
		{"*AB*AB", "ABAB", true},
		{"*AB*AB", "ABABA", false},
		{"7AB*", "7AB%", false}, // never a plate
		{"7AB*", "", false},
	} {
		p, err := ParsePattern(tc.pattern)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tc.pattern, err)
		}
		if got := p.Match(tc.plate); got != tc.want {
			t.Errorf("%q.Match(%q) = %v, want %v", tc.pattern, tc.plate, got, tc.want)
		}
	}
}

func TestCanonical(t *testing.T) {
	if Canonical("O8I") != Canonical("0B1") {
		t.Fatalf("Canonical(O8I) = %q, Canonical(0B1) = %q", Canonical("O8I"), Canonical("0B1"))
	}
	classes := []string{"0ODQ", "8B", "1IL", "5S", "2Z", "6G"}
	for _, c := range classes {
		for i := 1; i < len(c); i++ {
			if Canonical(c[i:i+1]) != Canonical(c[:1]) {
				t.Errorf("%c and %c should share a class", c[i], c[0])
			}
		}
	}
	if Canonical("A") == Canonical("4") || Canonical("0") == Canonical("8") || Canonical("7") == Canonical("1") {
		t.Error("characters of different classes must stay apart")
	}
	if got := Canonical("7ab*c1?"); got != "7A8*C1?" {
		t.Errorf("Canonical(7ab*c1?) = %q, want 7A8*C1?", got)
	}
	if got := Canonical("zs-gq.l"); got != "25601" {
		t.Errorf("Canonical(zs-gq.l) = %q, want 25601", got)
	}
}

func subs(s ...string) []api.Substitution {
	var out []api.Substitution
	for _, x := range s { // "3:O>0": position 3, got O, want 0
		pos := int(x[0] - '0')
		out = append(out, api.Substitution{Position: pos, Got: x[2:3], Want: x[4:5]})
	}
	return out
}

func TestMatchFuzzy(t *testing.T) {
	for _, tc := range []struct {
		pattern, plate string
		ok             bool
		subs           []api.Substitution
	}{
		{"7ABC123", "7ABC123", true, nil},
		{"7ABC123", "7A8C123", true, subs("2:8>B")},
		{"7ABC123", "7ABC1Z3", true, subs("5:Z>2")},
		{"7ABC123", "7A8CIZ3", true, subs("2:8>B", "4:I>1", "5:Z>2")},
		{"7ABC123", "7ABC124", false, nil},
		{"7ABC123", "7ABC12", false, nil},
		{"OQD0", "0000", true, subs("0:0>O", "1:0>Q", "2:0>D")},
		{"5SLG", "S5I6", true, subs("0:S>5", "1:5>S", "2:I>L", "3:6>G")},
		{"7AB*", "7A8XYZ", true, subs("2:8>B")},
		{"*C12*", "7ABCI23", true, subs("4:I>1")},
		{"*C12*", "7ABCL23", true, subs("4:L>1")},
		{"*C12*", "7ABCA23", false, nil},
		{"7?B?1?3", "7X8YIZ3", true, subs("2:8>B", "4:I>1")},
		{"7?B?1?3", "7X8YIZ", false, nil},
		// Fewest substitutions: B can align with the real B, not with 8.
		{"*BXY*", "8BXY", true, nil},
		{"*BCD", "8BCD", true, nil},
		{"*BCD", "B8CD", true, subs("1:8>B")},
		{"7AB*", "7ab%", false, nil},
	} {
		p, err := ParsePattern(tc.pattern)
		if err != nil {
			t.Fatalf("ParsePattern(%q): %v", tc.pattern, err)
		}
		ok, got := p.MatchFuzzy(tc.plate)
		if ok != tc.ok || !reflect.DeepEqual(got, tc.subs) {
			t.Errorf("%q.MatchFuzzy(%q) = %v %v, want %v %v", tc.pattern, tc.plate, ok, got, tc.ok, tc.subs)
		}
		if ok && p.Match(tc.plate) != (len(got) == 0) {
			t.Errorf("%q vs %q: an exact match must report no substitutions", tc.pattern, tc.plate)
		}
		if canon := globRegexp(p.CanonicalGLOB()).MatchString(Canonical(tc.plate)); canon != ok && tc.plate != "7ab%" {
			t.Errorf("%q: CanonicalGLOB disagrees with MatchFuzzy on %q", tc.pattern, tc.plate)
		}
	}
}

// globRegexp is the naive reference matcher: the pattern as a regexp.
func globRegexp(pat string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	for _, r := range pat {
		switch r {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteString(".")
		default:
			b.WriteString(regexp.QuoteMeta(string(r)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// checkSubs verifies that subs turn plate into a string the pattern
// matches exactly, and that each one is a look-alike pair.
func checkSubs(t *testing.T, p *Pattern, plate string, subs []api.Substitution) {
	t.Helper()
	b := []byte(Normalize(plate))
	for _, s := range subs {
		if s.Position < 0 || s.Position >= len(b) || string(b[s.Position]) != s.Got {
			t.Fatalf("%q vs %q: substitution %+v does not name the plate's character", p, plate, s)
		}
		if s.Got == s.Want || Canonical(s.Got) != Canonical(s.Want) {
			t.Fatalf("%q vs %q: substitution %+v is not a look-alike pair", p, plate, s)
		}
		b[s.Position] = s.Want[0]
	}
	if !p.Match(string(b)) {
		t.Fatalf("%q vs %q: substitutions %+v do not produce a match (%q)", p, plate, subs, b)
	}
}

func FuzzParsePattern(f *testing.F) {
	for _, seed := range [][2]string{
		{"7AB*", "7ABC123"}, {"*C12*", "7ABCI23"}, {"7?B?1?3", "7X8YIZ3"}, {"a*b*c", "AXBXC"},
		{"", ""}, {"%", "7"}, {"7AB-?", "7ab c"}, {"*BXY*", "8BXY"}, {"OQD0", "0000"}, {"7ÄB*", "7ÄBC"},
	} {
		f.Add(seed[0], seed[1])
	}
	f.Fuzz(func(t *testing.T, pattern, plate string) {
		p, err := ParsePattern(pattern)
		if err != nil {
			var ae *api.Error
			if !errors.As(err, &ae) || ae.Status() != 422 {
				t.Fatalf("ParsePattern(%q) error %v is not a 422 *api.Error", pattern, err)
			}
			return
		}
		if p.Literals() < MinLiterals || len(p.LongestRun()) > p.Literals() {
			t.Fatalf("ParsePattern(%q) accepted %d literals, run %q", pattern, p.Literals(), p.LongestRun())
		}
		norm, isPlate := plateText(plate)
		want := isPlate && globRegexp(p.String()).MatchString(norm)
		if got := p.Match(plate); got != want {
			t.Fatalf("%q.Match(%q) = %v, reference says %v", p, plate, got, want)
		}
		wantFuzzy := isPlate && globRegexp(p.CanonicalGLOB()).MatchString(Canonical(norm))
		ok, subs := p.MatchFuzzy(plate)
		if ok != wantFuzzy {
			t.Fatalf("%q.MatchFuzzy(%q) = %v, reference says %v", p, plate, ok, wantFuzzy)
		}
		if ok {
			checkSubs(t, p, plate, subs)
			if want && len(subs) != 0 {
				t.Fatalf("%q vs %q: exact match reported substitutions %+v", p, plate, subs)
			}
		} else if subs != nil {
			t.Fatalf("no match but substitutions %+v", subs)
		}
	})
}

var benchPlates = []string{"7ABC123", "8XYZ999", "7XBY1Z3", "6TRL404", "4GHJ821", "7C12ABC", "1ABC234", "5KLM000"}

func benchMatch(b *testing.B, pattern string, fuzzy bool) {
	p, err := ParsePattern(pattern)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		if fuzzy {
			p.MatchFuzzy(benchPlates[i&7])
		} else {
			p.Match(benchPlates[i&7])
		}
	}
}

func BenchmarkMatchQuestionMarks(b *testing.B) { benchMatch(b, "7?B?1?3", false) }
func BenchmarkMatchStar(b *testing.B)          { benchMatch(b, "*C12*", false) }
func BenchmarkMatchFuzzyStar(b *testing.B)     { benchMatch(b, "*C12*", true) }
func BenchmarkMatchFuzzyExact(b *testing.B)    { benchMatch(b, "7ABC123", true) }

// TestLookAlike checks every pair of each class and a few non-pairs.
func TestLookAlike(t *testing.T) {
	for _, class := range []string{"0ODQ", "8B", "1IL", "5S", "2Z", "6G"} {
		for i := 0; i < len(class); i++ {
			for j := 0; j < len(class); j++ {
				if got := LookAlike(class[i], class[j]); got != (i != j) {
					t.Errorf("LookAlike(%c, %c) = %v", class[i], class[j], got)
				}
			}
		}
	}
	for _, p := range []string{"37", "AB", "0B", "SZ", "MN"} {
		if LookAlike(p[0], p[1]) {
			t.Errorf("LookAlike(%c, %c) = true", p[0], p[1])
		}
	}
}

// TestLookAlikeRegexp checks the look-alike regular expression: its text
// for a few patterns, and that it matches exactly the plates MatchFuzzy
// matches, on random patterns and plates over characters rich in
// look-alikes.
func TestLookAlikeRegexp(t *testing.T) {
	for pattern, want := range map[string]string{
		"7AB*":    "^7A[8B].*$",
		"*C12*":   "^.*C[1IL][2Z].*$",
		"OQD0":    "^[0DOQ][0DOQ][0DOQ][0DOQ]$",
		"7?B?1?3": "^7.[8B].[1IL].3$",
		"5SLG*X":  "^[5S][5S][1IL][6G].*X$",
	} {
		p, err := ParsePattern(pattern)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.LookAlikeRegexp(); got != want {
			t.Errorf("%q.LookAlikeRegexp() = %q, want %q", pattern, got, want)
		}
	}
	r := rand.New(rand.NewPCG(7, 11))
	const chars = "0ODQ8B1IL5S2Z6GAXY7"
	pick := func(n int, extra string) string {
		b := make([]byte, n)
		for i := range b {
			all := chars + extra
			b[i] = all[r.IntN(len(all))]
		}
		return string(b)
	}
	checked, matched := 0, 0
	for range 20000 {
		p, err := ParsePattern(pick(2+r.IntN(6), "*?"))
		if err != nil {
			continue // too broad
		}
		re := regexp.MustCompile(p.LookAlikeRegexp())
		plate := plateFor(r, p.String(), chars)
		ok, _ := p.MatchFuzzy(plate)
		if ok != re.MatchString(plate) {
			t.Fatalf("%q on %q: MatchFuzzy %v, %s %v", p.String(), plate, ok, re, !ok)
		}
		checked++
		if ok {
			matched++
		}
	}
	if checked < 5000 || matched < 200 {
		t.Fatalf("only %d patterns parsed, %d matched: the check says little", checked, matched)
	}
}

// plateFor makes a plate near pattern pat: each known character replaced
// by a random look-alike of it (sometimes by any character of chars), each
// `?` by any character and each `*` by up to three.
func plateFor(r *rand.Rand, pat, chars string) string {
	var b []byte
	any := func() byte { return chars[r.IntN(len(chars))] }
	for i := 0; i < len(pat); i++ {
		switch c := pat[i]; {
		case c == '?':
			b = append(b, any())
		case c == '*':
			for range r.IntN(4) {
				b = append(b, any())
			}
		case r.IntN(8) == 0:
			b = append(b, any())
		default:
			var alike []byte
			for j := 0; j < len(chars); j++ {
				if Canonical(chars[j:j+1]) == Canonical(string(c)) {
					alike = append(alike, chars[j])
				}
			}
			b = append(b, alike[r.IntN(len(alike))])
		}
	}
	return string(b)
}
