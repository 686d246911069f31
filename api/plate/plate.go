// Package plate holds the licence-plate rules shared by the store and the
// workstation: normalisation, the wildcard patterns of a plate search (`*`
// any run of characters including none, `?` exactly one character), and the
// look-alike classes of fuzzy matching (0 O D Q; 8 B; 1 I L; 5 S; 2 Z; 6 G).
//
// It is pure Go with no I/O, so both sides apply exactly the same rules.
package plate

import (
	"fmt"
	"strings"
	"unicode"

	"alprdesk/api"
)

// MinLiterals is the fewest known characters a pattern must hold; a pattern
// with fewer would return a large share of every plate ever read.
const MinLiterals = 3

// MaxLen is the longest pattern accepted, in characters after
// normalisation (runs of `*` count once). No real plate comes close.
const MaxLen = 20

// Normalize returns s in upper case with spaces (any white space), hyphens
// and dots removed: " 7abc-12.3 " becomes "7ABC123". Wildcards and any other
// characters are kept for the caller to judge.
func Normalize(s string) string {
	if isNormal(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '-' || r == '.' || unicode.IsSpace(r):
			continue
		default:
			b.WriteRune(unicode.ToUpper(r))
		}
	}
	return b.String()
}

// isNormal reports whether s holds only A-Z, 0-9, `*` and `?`, so that
// Normalize would return it unchanged (the common case; no allocation).
func isNormal(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isPlateChar(s[i]) && s[i] != '*' && s[i] != '?' {
			return false
		}
	}
	return true
}

// isPlateChar reports whether c may appear on a plate: A-Z or 0-9.
func isPlateChar(c byte) bool { return plateChars[c] }

// plateChars marks A-Z and 0-9.
var plateChars = func() (t [256]bool) {
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	return t
}()

// Valid reports whether s, once normalised, is a plate as the store keeps
// it: one or more characters, each A-Z or 0-9, no wildcards.
func Valid(s string) bool {
	n := Normalize(s)
	if n == "" || len(n) > MaxLen {
		return false
	}
	for i := 0; i < len(n); i++ {
		if !isPlateChar(n[i]) {
			return false
		}
	}
	return true
}

// classOf maps every look-alike character to the representative of its
// class; characters without look-alikes map to themselves.
var classOf = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = byte(i)
	}
	for _, class := range []string{"0ODQ", "8B", "1IL", "5S", "2Z", "6G"} {
		for i := 0; i < len(class); i++ {
			t[class[i]] = class[0]
		}
	}
	return t
}()

// Canonical normalises s and replaces each character by the representative
// of its look-alike class (0 O D Q -> 0; 8 B -> 8; 1 I L -> 1; 5 S -> 5;
// 2 Z -> 2; 6 G -> 6), so Canonical("O8I") == Canonical("0B1"). Wildcards are
// kept, so the canonical form of a pattern is a pattern over canonical
// plates. Plates that differ only in look-alikes share one canonical key.
func Canonical(s string) string {
	n := Normalize(s)
	b := []byte(n)
	for i, c := range b {
		b[i] = classOf[c]
	}
	return string(b)
}

// Pattern is a parsed plate pattern. Its zero value is not useful; build
// one with ParsePattern.
type Pattern struct {
	text     string // normalised, runs of `*` collapsed
	canon    string // text with look-alike classes: Canonical(text)
	literals int
	run      string
	exact    bool
	star     bool // text holds a `*`
	minLen   int  // the shortest plate that can match
	// segs and canonSegs are text and canon split at each `*`.
	segs, canonSegs []string
}

// ParsePattern normalises s and parses it as a plate pattern: A-Z and 0-9
// stand for themselves, `*` for any run of characters (including none) and
// `?` for exactly one character. It fails with an *api.Error: 422
// invalid_field naming the field "plate" when s holds any other character or
// is too long, and 422 pattern_too_broad when it has fewer than MinLiterals
// known characters.
func ParsePattern(s string) (*Pattern, error) {
	n := Normalize(s)
	var b strings.Builder
	b.Grow(len(n))
	for _, r := range n {
		if r > unicode.MaxASCII || (!isPlateChar(byte(r)) && r != '*' && r != '?') {
			return nil, api.E(api.CodeInvalidField,
				"The field plate may hold only letters A-Z, digits 0-9, * (any run of characters) and ? (one character); %q is not allowed.", r)
		}
		if r == '*' && strings.HasSuffix(b.String(), "*") {
			continue
		}
		b.WriteRune(r)
	}
	text := b.String()
	if len(text) > MaxLen {
		return nil, api.E(api.CodeInvalidField,
			"The field plate is %d characters long; at most %d are accepted.", len(text), MaxLen)
	}
	p := &Pattern{text: text, canon: Canonical(text), exact: !strings.ContainsAny(text, "*?"),
		star: strings.Contains(text, "*"), minLen: len(text) - strings.Count(text, "*")}
	p.segs, p.canonSegs = strings.Split(p.text, "*"), strings.Split(p.canon, "*")
	for _, seg := range strings.FieldsFunc(text, func(r rune) bool { return r == '*' || r == '?' }) {
		p.literals += len(seg)
		if len(seg) > len(p.run) {
			p.run = seg
		}
	}
	if p.literals < MinLiterals {
		known := "no known characters"
		if p.literals == 1 {
			known = "only 1 known character"
		} else if p.literals > 1 {
			known = fmt.Sprintf("only %d known characters", p.literals)
		}
		return nil, api.E(api.CodePatternTooBroad,
			"The plate pattern %q has %s; give at least %d, for example 7AB* or *C12*.", s, known, MinLiterals)
	}
	return p, nil
}

// String returns the normalised pattern, with runs of `*` collapsed.
func (p *Pattern) String() string { return p.text }

// Literals returns how many known characters (not wildcards) the pattern has.
func (p *Pattern) Literals() int { return p.literals }

// LongestRun returns the longest run of consecutive known characters (the
// first one on a tie): "7AB*12?" gives "7AB". The store uses it to choose an
// index (a trigram index needs a run of at least 3).
func (p *Pattern) LongestRun() string { return p.run }

// IsExact reports whether the pattern has no wildcards.
func (p *Pattern) IsExact() bool { return p.exact }

// GLOB returns the pattern in SQLite GLOB syntax, to compare with
// normalised plates. Plate characters need no escaping and `*` and `?` mean
// the same in GLOB, so it is the normalised pattern itself.
func (p *Pattern) GLOB() string { return p.text }

// CanonicalGLOB returns the pattern with every character replaced by its
// look-alike class representative, in GLOB syntax: it matches Canonical(x)
// exactly when MatchFuzzy(x) is true. The store uses it against a column of
// canonical plates.
func (p *Pattern) CanonicalGLOB() string { return p.canon }

// LookAlikeRegexp returns an anchored POSIX regular expression that matches
// a normalised plate exactly when MatchFuzzy would: each known character
// becomes the bracket expression of its look-alike class (itself when it
// has none), `?` any one character and `*` any run. The store uses it where
// a trigram index of the plates themselves can answer it (PostgreSQL's
// pg_trgm expands small classes into alternative trigrams), so that fuzzy
// patterns need no second trigram index over canonical plates.
func (p *Pattern) LookAlikeRegexp() string {
	var b strings.Builder
	b.WriteByte('^')
	for i := 0; i < len(p.text); i++ {
		switch c := p.text[i]; c {
		case '*':
			b.WriteString(".*")
		case '?':
			b.WriteByte('.')
		default:
			b.WriteString(lookAlikes[classOf[c]])
		}
	}
	b.WriteByte('$')
	return b.String()
}

// lookAlikes maps each class representative to the regular expression of
// its class: a bracket expression of the class, or the character alone.
var lookAlikes = func() map[byte]string {
	members := map[byte]string{}
	const plateChars = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
	for i := 0; i < len(plateChars); i++ {
		c := plateChars[i]
		members[classOf[c]] += string(c)
	}
	m := map[byte]string{}
	for r, cs := range members {
		m[r] = cs
		if len(cs) > 1 {
			m[r] = "[" + cs + "]"
		}
	}
	return m
}()

// Prefix returns the known characters before the first wildcard ("" when
// the pattern starts with one): a GLOB with a prefix can use a B-tree index.
func (p *Pattern) Prefix() string {
	if i := strings.IndexAny(p.text, "*?"); i >= 0 {
		return p.text[:i]
	}
	return p.text
}

// Match reports whether plate matches the pattern exactly. plate is
// normalised first; a plate holding anything but A-Z and 0-9 after
// normalisation never matches. It does not allocate for a plate that is
// already normalised, so the store can scan a plate dictionary with it.
func (p *Pattern) Match(plate string) bool {
	s, ok := plateText(plate)
	if !ok {
		return false
	}
	if p.exact {
		return s == p.text
	}
	return p.match(p.text, p.segs, s, &identity)
}

// match matches plate text s against pat (the pattern's text or its
// canonical form, whose `*`-separated parts are given in segs) with each
// plate character mapped through cls first.
func (p *Pattern) match(pat string, segs []string, s string, cls *[256]byte) bool {
	if len(s) < p.minLen || (!p.star && len(s) != p.minLen) {
		return false
	}
	if !p.star {
		return segEqual(pat, s, cls)
	}
	// The first part must open the plate and the last close it; the parts
	// between are found leftmost, which is optimal for `*` in between.
	first, last := segs[0], segs[len(segs)-1]
	if !segEqual(first, s[:len(first)], cls) || !segEqual(last, s[len(s)-len(last):], cls) {
		return false
	}
	rest := s[len(first) : len(s)-len(last)]
	for _, seg := range segs[1 : len(segs)-1] {
		i := segIndex(seg, rest, cls)
		if i < 0 {
			return false
		}
		rest = rest[i+len(seg):]
	}
	return true
}

// segEqual reports whether seg, a part of a pattern without `*`, matches s
// (of the same length).
func segEqual(seg, s string, cls *[256]byte) bool {
	for i := 0; i < len(seg); i++ {
		if seg[i] != '?' && seg[i] != cls[s[i]] {
			return false
		}
	}
	return true
}

// segIndex returns the first index where seg matches in s, or -1.
func segIndex(seg, s string, cls *[256]byte) int {
	if cls == &identity && !strings.Contains(seg, "?") {
		return strings.Index(s, seg)
	}
	for i := 0; i+len(seg) <= len(s); i++ {
		if segEqual(seg, s[i:i+len(seg)], cls) {
			return i
		}
	}
	return -1
}

// identity maps every byte to itself.
var identity = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	return t
}()

// plateText normalises plate and reports whether it is made only of plate
// characters.
func plateText(plate string) (string, bool) {
	for i := 0; i < len(plate); i++ {
		if !isPlateChar(plate[i]) {
			s := Normalize(plate)
			for j := 0; j < len(s); j++ {
				if !isPlateChar(s[j]) {
					return s, false
				}
			}
			return s, true
		}
	}
	return plate, true
}

// MatchFuzzy reports whether plate matches the pattern when look-alike
// characters count as equal (0 O D Q; 8 B; 1 I L; 5 S; 2 Z; 6 G). When it
// does, subs lists the positions (0-based, in the normalised plate) where the
// plate's character Got stands for the pattern's character Want, choosing
// the alignment with the fewest substitutions; an exact match has none.
func (p *Pattern) MatchFuzzy(plate string) (ok bool, subs []api.Substitution) {
	s, valid := plateText(plate)
	if !valid {
		return false, nil
	}
	if p.exact {
		if len(s) != len(p.text) || !segEqual(p.canon, s, &classOf) {
			return false, nil
		}
		for i := 0; i < len(s); i++ {
			if s[i] != p.text[i] {
				subs = append(subs, api.Substitution{Position: i, Got: s[i : i+1], Want: p.text[i : i+1]})
			}
		}
		return true, subs
	}
	if p.match(p.text, p.segs, s, &identity) {
		return true, nil
	}
	if !p.match(p.canon, p.canonSegs, s, &classOf) {
		return false, nil
	}
	return true, fewestSubs(p.text, s)
}

// fewestSubs aligns s with pat (known to match under look-alike equality)
// and returns the substitutions of an alignment with the fewest of them.
func fewestSubs(pat, s string) []api.Substitution {
	const inf = 1 << 30
	m, n := len(pat), len(s)
	// cost[i][j]: fewest substitutions to match pat[i:] with s[j:].
	cost := make([][]int, m+1)
	for i := range cost {
		cost[i] = make([]int, n+1)
	}
	for j := 0; j < n; j++ {
		cost[m][j] = inf
	}
	for i := m - 1; i >= 0; i-- {
		for j := n; j >= 0; j-- {
			c := inf
			switch pc := pat[i]; {
			case pc == '*':
				c = cost[i+1][j]
				if j < n && cost[i][j+1] < c {
					c = cost[i][j+1]
				}
			case j == n:
			case pc == '?' || pc == s[j]:
				c = cost[i+1][j+1]
			case classOf[pc] == classOf[s[j]]:
				if cost[i+1][j+1] < inf {
					c = cost[i+1][j+1] + 1
				}
			}
			cost[i][j] = c
		}
	}
	var subs []api.Substitution
	for i, j := 0, 0; i < m; {
		pc := pat[i]
		switch {
		case pc == '*':
			if cost[i+1][j] == cost[i][j] {
				i++
			} else {
				j++
			}
		case pc == '?' || pc == s[j]:
			i, j = i+1, j+1
		default:
			subs = append(subs, api.Substitution{Position: j, Got: s[j : j+1], Want: pat[i : i+1]})
			i, j = i+1, j+1
		}
	}
	return subs
}

// LookAlike reports whether a and b are different characters of one
// look-alike class (0/O/D/Q, 8/B, 1/I/L, 5/S, 2/Z, 6/G).
func LookAlike(a, b byte) bool {
	return a != b && classOf[a] == classOf[b]
}
