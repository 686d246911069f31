package api

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// exemptions are phrases in which a prohibited word means something else
// (an ice pick is a weapon, not immigration enforcement). docs/POLICY.md
// records the decision for each.
var exemptions = [][]string{
	{"ice", "pick"}, {"ice", "cream"}, {"ice", "chest"}, {"dry", "ice"}, {"black", "ice"},
	{"shaved", "ice"}, {"ice", "rink"}, {"ice", "machine"}, {"ice", "maker"}, {"ice", "hockey"},
	{"ice", "skating"}, {"ice", "skates"}, {"ice", "storm"}, {"ice", "box"}, {"ice", "bucket"},
	{"ice", "cube"}, {"ice", "cubes"}, {"ice", "plant"}, {"ice", "house"},
}

// words splits text into lower-case words of letters and digits; every
// other character (space, punctuation, hyphen, slash) separates words.
func words(text string) []string {
	return strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// term is a prohibited term prepared for matching.
type term struct {
	name    string   // as the policy writes it
	words   []string // its words, lower case
	compact string   // its words run together ("justcurious")
	acronym bool     // written in capitals (ICE, ERO): matches only exactly
}

// prepareTerms prepares the policy's prohibited terms, skipping empty ones.
func prepareTerms(list []string) []term {
	out := make([]term, 0, len(list))
	for _, name := range list {
		w := words(Skeleton(name))
		if len(w) == 0 {
			continue
		}
		acronym := name == strings.ToUpper(name) && strings.ContainsFunc(name, unicode.IsLetter)
		out = append(out, term{name: name, words: w, compact: strings.Join(w, ""), acronym: acronym})
	}
	return out
}

// sameRune reports whether a text letter a reads as the term letter b:
// equal, or both one of i and l (TR39 draws them alike).
func sameRune(a, b byte) bool {
	return a == b || (a == 'i' || a == 'l') && (b == 'i' || b == 'l')
}

// hasPrefix is strings.HasPrefix with sameRune.
func hasPrefix(w, t string) bool {
	if len(w) < len(t) {
		return false
	}
	for i := 0; i < len(t); i++ {
		if !sameRune(w[i], t[i]) {
			return false
		}
	}
	return true
}

// derivedSuffixes turn a long term word into its inflections and
// derivations: deport, deports, deported, deporting, deporter, deportee,
// deportable, deportation; protester, protesters; abortionist. "ant" is not
// one of them, so "Protestant" is not "protest".
var derivedSuffixes = []string{"", "s", "es", "ed", "d", "ing", "er", "ers", "or", "ors", "ee", "ees",
	"able", "ation", "ations", "ion", "ions", "ist", "ists", "al", "ally"}

// inflects reports whether the text word w is the term word t or one of
// its inflections and derivations. Acronyms match only exactly; short
// words (my, ex, use) only take a plural.
func inflects(w, t string, acronym bool) bool {
	if !hasPrefix(w, t) {
		return strings.HasSuffix(t, "y") && len(t) > 3 && w == t[:len(t)-1]+"ies"
	}
	rest := w[len(t):]
	switch {
	case acronym:
		return rest == ""
	case len(t) < 4:
		return rest == "" || rest == "s" || rest == "es"
	case strings.HasSuffix(t, "ion") && (rest == "ive" || rest == "ives"):
		return false // handled below from the stem
	}
	for _, s := range derivedSuffixes {
		if rest == s {
			return true
		}
	}
	return false
}

// inflectsStem reports derivations of -ion terms from their stem:
// contraception gives contraceptive and contraceptives.
func inflectsStem(w, t string) bool {
	stem, ok := strings.CutSuffix(t, "ion")
	if !ok || len(stem) < 7 || !hasPrefix(w, stem) {
		return false
	}
	rest := w[len(stem):]
	return rest == "ive" || rest == "ives"
}

// wordIs reports whether the text word w reads as the term word t.
func wordIs(w, t string, acronym bool) bool {
	return inflects(w, t, acronym) || !acronym && inflectsStem(w, t)
}

// termAt reports whether term t starts at text[i]: word by word, or as
// one run-together word ("justcurious", "exgirlfriend").
func termAt(text []string, i int, t term) bool {
	if i >= len(text) {
		return false
	}
	if len(t.words) > 1 && wordIs(text[i], t.compact, false) {
		return true
	}
	if i+len(t.words) > len(text) {
		return false
	}
	for k, tw := range t.words {
		if !wordIs(text[i+k], tw, t.acronym) {
			return false
		}
	}
	return true
}

// plainAt reports whether the phrase starts at text[i] with plain plurals
// and verb forms (filler terms and exemptions).
func plainAt(text []string, i int, phrase []string) bool {
	if len(phrase) == 0 || i+len(phrase) > len(text) {
		return false
	}
	for k, t := range phrase {
		w := text[i+k]
		if w == t {
			continue
		}
		if !strings.HasPrefix(w, t) {
			return false
		}
		switch w[len(t):] {
		case "s", "es", "ed", "ing", "ers":
		default:
			return false
		}
	}
	return true
}

// exempt reports whether the word at i is part of an exempted phrase.
func exempt(text []string, i int) bool {
	for _, e := range exemptions {
		for k := range e {
			if i-k >= 0 && plainAt(text, i-k, e) {
				return true
			}
		}
	}
	return false
}

// readings are the word sequences a skeleton is searched in: its words;
// runs of single letters joined ("i c e", "I.C.E."); each space-separated
// chunk with its inner separators removed ("immi-gration", "ex_girlfriend");
// and each pair of neighbouring words run together ("immi gration").
func readings(skeleton string) (plain []string, more [][]string) {
	plain = words(skeleton)
	var chunks []string
	for _, c := range strings.Fields(skeleton) {
		if w := strings.Join(words(c), ""); w != "" {
			chunks = append(chunks, w)
		}
	}
	pairs := make([]string, 0, len(plain))
	for i := 0; i+1 < len(plain); i++ {
		pairs = append(pairs, plain[i]+plain[i+1])
	}
	return plain, [][]string{joinLetters(plain), chunks, pairs}
}

// joinLetters joins runs of single letters into one word, so that
// abbreviations written with dots or spaces ("I.C.E.") read as words.
func joinLetters(w []string) []string {
	out := make([]string, 0, len(w))
	single := func(s string) bool { return utf8.RuneCountInString(s) == 1 }
	for i := 0; i < len(w); i++ {
		j := i
		for j < len(w) && single(w[j]) {
			j++
		}
		if j-i >= 2 {
			out = append(out, strings.Join(w[i:j], ""))
			i = j - 1
			continue
		}
		out = append(out, w[i])
	}
	return out
}

// ProhibitedTerm reports the first of the policy's prohibited terms that
// text names, as the term is written in the policy. The text is judged on
// its Skeleton (look-alike letters, fullwidth forms, accents and digits
// for letters do not hide a term), and terms match as whole words and
// phrases: split by separators ("immi-gration", "I.C.E."), run together
// ("justcurious"), inflected or derived ("deportee", "protesters"), but
// never inside an unrelated word ("ERO" in "zero", "protest" in
// "Protestant"). Acronyms (ICE, ERO, CBP) match only as themselves; a few
// phrases where a word means something else ("ice pick") are exempt.
func (p Policy) ProhibitedTerm(text string) (term string, found bool) {
	terms := prepareTerms(p.ProhibitedTerms)
	plain, more := readings(Skeleton(text))
	if name, ok := findTerm(plain, terms, true); ok {
		return name, true
	}
	for k, seq := range more {
		// Joined pairs only stand for long single terms, so two ordinary
		// words never make a short one.
		if name, ok := findTerm(seq, terms, k != 2); ok {
			return name, true
		}
	}
	return "", false
}

// findTerm returns the first term (longest at its position) among the
// words; with all false only long one-word terms are tried.
func findTerm(w []string, terms []term, all bool) (string, bool) {
	for i := range w {
		best := ""
		for _, t := range terms {
			if !all && (t.acronym || len(t.compact) < 6) {
				continue
			}
			if termAt(w, i, t) && !exempt(w, i) && len(t.name) > len(best) {
				best = t.name
			}
		}
		if best != "" {
			return best, true
		}
	}
	return "", false
}
