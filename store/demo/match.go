package demo

// The look-alike classes OCR confuses, as api/plate defines them for fuzzy
// search: the generator draws misreads from them.

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
