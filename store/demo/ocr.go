package demo

// misreadable reports whether plate has at least n confusable characters.
func misreadable(plate string, n int) bool {
	c := 0
	for i := 0; i < len(plate); i++ {
		if classOf(plate[i]) != "" {
			c++
		}
	}
	return c >= n
}

// forceMisread replaces n confusable characters of plate (it must have that
// many) by look-alikes, as an OCR engine would misread them.
func forceMisread(r *rng, plate string, n int) string {
	b := []byte(plate)
	var pos []int
	for i := range b {
		if classOf(b[i]) != "" {
			pos = append(pos, i)
		}
	}
	for done := 0; done < n && len(pos) > 0; done++ {
		j := r.intn(len(pos))
		i := pos[j]
		pos = append(pos[:j], pos[j+1:]...)
		b[i] = lookAlikeOf(b[i], r.u64())
	}
	return string(b)
}

// lookAlikeOf picks a different member of c's class.
func lookAlikeOf(c byte, h uint64) byte {
	class := classOf(c)
	for {
		x := class[h%uint64(len(class))]
		if x != c {
			return x
		}
		h = h/uint64(len(class)) + 1
	}
}

// misread is the OCR text of an ordinary misread: one look-alike
// substitution (sometimes two) at a position drawn from h. It returns ""
// when no misread is possible or allowed: the text would be another
// vehicle's true plate or match an exercise's partial plate.
func (w *World) misread(plate string, h uint64) string {
	var pos [10]int
	n := 0
	for i := 0; i < len(plate) && n < len(pos); i++ {
		if classOf(plate[i]) != "" {
			pos[n] = i
			n++
		}
	}
	if n == 0 {
		return ""
	}
	b := []byte(plate)
	i := pos[h%uint64(n)]
	b[i] = lookAlikeOf(b[i], h>>8)
	if n > 1 && (h>>40)%5 == 0 {
		j := pos[(h>>20)%uint64(n)]
		if j != i {
			b[j] = lookAlikeOf(b[j], h>>28)
		}
	}
	s := string(b)
	if _, taken := w.plates[s]; taken {
		return ""
	}
	for _, e := range w.ex {
		if e.match(s) {
			return ""
		}
	}
	return s
}

// wrongStates are what a CA plate is misread as.
var wrongStates = []string{"NV", "AZ", "OR", "TX"}
