package demo

// The plate rules the generator needs to keep exercise answers unique.
// They follow api/plate's semantics: `*` any run (including none), `?`
// exactly one character; look-alike classes 0 O D Q, 8 B, 1 I L, 5 S, 2 Z,
// 6 G.

// globMatch reports whether plate matches pattern.
func globMatch(pattern, plate string) bool {
	p, s := 0, 0
	star, mark := -1, 0
	for s < len(plate) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == plate[s]):
			p++
			s++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, s
			p++
		case star >= 0:
			p = star + 1
			mark++
			s = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// lookAlike maps each confusable character to its class representative.
var lookAlike = func() [256]byte {
	var t [256]byte
	for i := range t {
		t[i] = byte(i)
	}
	for _, class := range confusableClasses {
		for i := 0; i < len(class); i++ {
			t[class[i]] = class[0]
		}
	}
	return t
}()

// confusableClasses are the characters OCR confuses.
var confusableClasses = []string{"0ODQ", "8B", "1IL", "5S", "2Z", "6G"}

// classOf is the class of a confusable character, or "".
func classOf(c byte) string {
	for _, class := range confusableClasses {
		for i := 0; i < len(class); i++ {
			if class[i] == c {
				return class
			}
		}
	}
	return ""
}

// canonical replaces each character by its look-alike class representative.
func canonical(s string) string {
	b := []byte(s)
	for i, c := range b {
		b[i] = lookAlike[c]
	}
	return string(b)
}
