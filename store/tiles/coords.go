package tiles

import (
	"fmt"
	"strconv"
)

// numReader parses GeoJSON coordinates: nested arrays of numbers. It is
// several times faster than encoding/json's reflection for the bulk of a
// basemap file, which is nothing else.
type numReader struct {
	b []byte
	i int
}

func (r *numReader) space() {
	for r.i < len(r.b) {
		switch r.b[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

func (r *numReader) errorf(want string) error {
	if r.i >= len(r.b) {
		return fmt.Errorf("want %s, the coordinates end", want)
	}
	return fmt.Errorf("want %s at byte %d, found %q", want, r.i, r.b[r.i])
}

func (r *numReader) number() (float64, error) {
	r.space()
	start := r.i
	for r.i < len(r.b) {
		c := r.b[r.i]
		if (c < '0' || c > '9') && c != '-' && c != '+' && c != '.' && c != 'e' && c != 'E' {
			break
		}
		r.i++
	}
	if start == r.i {
		return 0, r.errorf("a number")
	}
	v, err := strconv.ParseFloat(string(r.b[start:r.i]), 64)
	if err != nil {
		return 0, fmt.Errorf("bad number %q", r.b[start:r.i])
	}
	return v, nil
}

// readList reads '[' elem (',' elem)* ']' (or '[]').
func readList[T any](r *numReader, elem func() (T, error)) ([]T, error) {
	r.space()
	if r.i >= len(r.b) || r.b[r.i] != '[' {
		return nil, r.errorf("'['")
	}
	r.i++
	r.space()
	var out []T
	if r.i < len(r.b) && r.b[r.i] == ']' {
		r.i++
		return out, nil
	}
	for {
		v, err := elem()
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		r.space()
		if r.i >= len(r.b) {
			return nil, r.errorf("',' or ']'")
		}
		switch r.b[r.i] {
		case ',':
			r.i++
		case ']':
			r.i++
			return out, nil
		default:
			return nil, r.errorf("',' or ']'")
		}
	}
}

func (r *numReader) arr1() ([]float64, error)       { return readList(r, r.number) }
func (r *numReader) arr2() ([][]float64, error)     { return readList(r, r.arr1) }
func (r *numReader) arr3() ([][][]float64, error)   { return readList(r, r.arr2) }
func (r *numReader) arr4() ([][][][]float64, error) { return readList(r, r.arr3) }

// coords parses raw with read and checks nothing follows.
func coords[T any](raw []byte, read func(*numReader) (T, error)) (T, error) {
	r := &numReader{b: raw}
	v, err := read(r)
	if err == nil {
		if r.space(); r.i != len(r.b) {
			err = r.errorf("the end of the coordinates")
		}
	}
	return v, err
}
