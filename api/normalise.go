package api

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// CheckEncoding applies the encoding rules to a free-text field (issue 15
// section 1): the text must be valid UTF-8 and hold no control or format
// character other than newline and tab (no NUL, zero-width space, soft
// hyphen, byte order mark or right-to-left override), nor a private-use or
// invisible filler character. The answer is 422 invalid_field naming the
// field and the character, or nil.
func CheckEncoding(field, text string) *Error {
	if !utf8.ValidString(text) {
		return E(CodeInvalidField,
			"The field %s is not valid UTF-8 text; type it again without pasting binary data.", field)
	}
	pos := 0
	for _, r := range text {
		pos++
		if forbiddenRune(r) {
			return E(CodeInvalidField,
				"The field %s holds an invisible or control character (U+%04X) at character %d; remove it and type the text plainly.", field, r, pos)
		}
	}
	return nil
}

// forbiddenRune reports whether r may not appear in a free-text field.
func forbiddenRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return false
	case unicode.Is(unicode.Cc, r), unicode.Is(unicode.Cf, r), unicode.Is(unicode.Co, r):
		return true
	}
	return invisibleLetters[r]
}

// invisibleLetters are characters Unicode classes as letters or symbols
// that render as nothing (TR39 lists them as invisible).
var invisibleLetters = map[rune]bool{
	0x115F: true, 0x1160: true, 0x3164: true, 0xFFA0: true, // Hangul fillers
	0x2800: true, // braille blank
	0x180E: true, // Mongolian vowel separator (Cf in older tables)
}

// AuditSafe is text as an audit entry may hold it: invalid UTF-8 becomes
// U+FFFD and NUL becomes U+2400 (a visible symbol for NUL), so a refused
// text is recorded as closely as any storage backend can keep it.
func AuditSafe(text string) string {
	text = strings.ToValidUTF8(text, "\uFFFD")
	return strings.ReplaceAll(text, "\x00", "\u2400")
}

// Skeleton is a free text as the prohibited-term rule judges it: NFKC
// folded (fullwidth and styled letters become plain ones), combining marks
// stripped, letters that look like Latin ones (Cyrillic, Greek, small
// capitals, dotless i) mapped to them (Unicode TR39 confusables for those
// scripts), lower case, and digits standing for letters inside a word
// folded to those letters ("1mmigration" reads "immigration"; numbers and
// ordinals such as "14th" stay as written). It keeps every separator, so
// word boundaries are those of the text.
func Skeleton(text string) string {
	text = strings.ToValidUTF8(text, " ")
	decomposed := norm.NFD.String(norm.NFKC.String(text))
	var b strings.Builder
	b.Grow(len(decomposed))
	for _, r := range decomposed {
		if unicode.In(r, unicode.Mn, unicode.Me) || forbiddenRune(r) {
			continue
		}
		b.WriteRune(fold(r))
	}
	return foldDigits(norm.NFC.String(b.String()))
}

// fold maps a letter to its Latin look-alike and lower case; a capital
// whose lower case is a look-alike (Armenian Օ, օ) is mapped after
// lowering too, so Skeleton is idempotent.
func fold(r rune) rune {
	if m, ok := confusables[r]; ok {
		r = m
	}
	r = unicode.ToLower(r)
	if m, ok := confusables[r]; ok {
		r = unicode.ToLower(m)
	}
	return r
}

// confusables maps letters of other scripts to the Latin letter they are
// drawn like (after NFKC; a subset of Unicode TR39 confusables.txt for
// Cyrillic, Greek, IPA and small capitals).
var confusables = map[rune]rune{
	// Cyrillic capitals and small letters.
	'А': 'A', 'В': 'B', 'Е': 'E', 'Ѕ': 'S', 'І': 'I', 'Ј': 'J', 'К': 'K', 'М': 'M', 'Н': 'H', 'О': 'O',
	'Р': 'P', 'С': 'C', 'Т': 'T', 'У': 'Y', 'Х': 'X', 'Ү': 'Y', 'Ԁ': 'D', 'Ԛ': 'Q', 'Ԝ': 'W', 'Ӏ': 'I',
	'а': 'a', 'в': 'b', 'е': 'e', 'ѕ': 's', 'і': 'i', 'ј': 'j', 'к': 'k', 'м': 'm', 'н': 'h', 'о': 'o',
	'р': 'p', 'с': 'c', 'т': 't', 'у': 'y', 'х': 'x', 'ү': 'y', 'ԁ': 'd', 'ԛ': 'q', 'ԝ': 'w', 'ӏ': 'l',
	'һ': 'h', 'ɡ': 'g', 'ԍ': 'g', 'ո': 'n', 'ս': 'u', 'ց': 'g', 'օ': 'o',
	// Greek capitals and small letters.
	'Α': 'A', 'Β': 'B', 'Ε': 'E', 'Ζ': 'Z', 'Η': 'H', 'Ι': 'I', 'Κ': 'K', 'Μ': 'M', 'Ν': 'N', 'Ο': 'O',
	'Ρ': 'P', 'Τ': 'T', 'Υ': 'Y', 'Χ': 'X', 'Ϲ': 'C', 'Ϳ': 'J',
	'α': 'a', 'ι': 'i', 'κ': 'k', 'ν': 'v', 'ο': 'o', 'ρ': 'p', 'τ': 't', 'υ': 'u', 'χ': 'x', 'ϲ': 'c',
	'ε': 'e', 'η': 'n', 'ϳ': 'j', 'ω': 'w', 'γ': 'y',
	// Latin look-alikes that do not decompose, IPA and small capitals.
	'ı': 'i', 'ȷ': 'j', 'ł': 'l', 'ƚ': 'l', 'ø': 'o', 'đ': 'd', 'ħ': 'h', 'ß': 's', 'ſ': 's', 'ɑ': 'a',
	'ɪ': 'i', 'ᴄ': 'c', 'ᴇ': 'e', 'ʀ': 'r', 'ᴏ': 'o', 'ᴀ': 'a', 'ʙ': 'b', 'ᴅ': 'd', 'ɢ': 'g', 'ʜ': 'h',
	'ᴊ': 'j', 'ᴋ': 'k', 'ʟ': 'l', 'ᴍ': 'm', 'ɴ': 'n', 'ᴘ': 'p', 'ꜱ': 's', 'ᴛ': 't', 'ᴜ': 'u', 'ᴠ': 'v',
	'ᴡ': 'w', 'ʏ': 'y', 'ᴢ': 'z', 'ǀ': 'l', '|': 'l',
}

// digitLetters are the letters digits stand for inside a word.
var digitLetters = map[rune]rune{
	'0': 'o', '1': 'i', '2': 'z', '3': 'e', '4': 'a', '5': 's', '6': 'g', '7': 't', '8': 'b', '9': 'g',
}

// foldDigits replaces digits by the letters they stand for inside every
// word that also holds a letter, except ordinals (1st, 2nd, 14th).
func foldDigits(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	word := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
	for len(s) > 0 {
		i := strings.IndexFunc(s, word)
		if i < 0 {
			b.WriteString(s)
			break
		}
		b.WriteString(s[:i])
		s = s[i:]
		j := strings.IndexFunc(s, func(r rune) bool { return !word(r) })
		if j < 0 {
			j = len(s)
		}
		b.WriteString(foldWord(s[:j]))
		s = s[j:]
	}
	return b.String()
}

// foldWord folds the digits of one word made of letters and digits.
func foldWord(w string) string {
	if !strings.ContainsFunc(w, unicode.IsLetter) || !strings.ContainsFunc(w, unicode.IsDigit) || ordinal(w) {
		return w
	}
	return strings.Map(func(r rune) rune {
		if l, ok := digitLetters[r]; ok {
			return l
		}
		return r
	}, w)
}

// ordinal reports whether w is a number with an English ordinal suffix.
func ordinal(w string) bool {
	i := strings.IndexFunc(w, func(r rune) bool { return !unicode.IsDigit(r) })
	if i <= 0 {
		return false
	}
	switch w[i:] {
	case "st", "nd", "rd", "th":
		return true
	}
	return false
}

// judgedField is a free-text field the prohibited-term rule reads.
type judgedField struct{ name, text string }

// judged lists the fields of a hotlist request that state why or for whom.
func (b HotlistRequestBody) judged() []judgedField {
	return []judgedField{
		{"vehicle_description", b.VehicleDescription}, {"explanation", b.Explanation},
		{"instructions", b.Instructions}, {"contact", b.Contact},
	}
}

// CheckHotlistText applies CheckProhibited to every field of a hotlist
// request that states why or for whom: vehicle description, explanation,
// instructions and contact ("ICE ERO field office" as a contact is
// refused).
func (p Policy) CheckHotlistText(b HotlistRequestBody) *Error {
	for _, f := range b.judged() {
		if e := p.CheckProhibited(f.name, f.text); e != nil {
			return e
		}
	}
	return nil
}

// Normalised maps each non-empty field the prohibited-term rule read to
// its Skeleton, as the audit entry's query keeps it.
func (b HotlistRequestBody) Normalised() map[string]string {
	out := map[string]string{}
	for _, f := range b.judged() {
		if f.text != "" {
			out[f.name] = Skeleton(f.text)
		}
	}
	return out
}
