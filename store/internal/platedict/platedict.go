// Package platedict is the in-memory copy of the plate dictionary that the
// store's backends (store/sqlite, store/postgres) scan for plate patterns
// an index cannot narrow (no run of three known characters, such as
// 7?B?1?3): each plate packed into a fixed stride of bytes with its length
// and id, about 17 bytes a plate, scanned byte by byte. Its answers are
// exactly api/plate's Match and MatchFuzzy (a property test checks them).
//
// A Dict is safe for concurrent use: scans run on a snapshot of the slices
// while plates are added, and the bytes of a plate, once written, never
// change (Remove builds new slices).
package platedict

import (
	"encoding/binary"
	"strings"
	"sync"
	"unsafe"

	"alprdesk/api/plate"
)

// Stride is the bytes per plate of the packed copy; a longer plate (rare:
// no real plate format comes close) is kept aside as a string.
const Stride = 8

// Entry is one dictionary plate: its id and normalised text.
type Entry struct {
	ID    int64
	Plate string
}

// Dict is the packed copy of a plate dictionary. Its zero value is an
// empty dictionary ready to use.
type Dict struct {
	mu sync.RWMutex
	v  view
}

// view is the dictionary's slices: slot k holds ids[k], and its plate in
// packed[k*Stride:(k+1)*Stride] (zero-padded) when lens[k] > 0, or in long
// when lens[k] == 0.
type view struct {
	ids    []int64
	packed []byte
	lens   []uint8
	long   []longPlate // in slot order
}

// longPlate is a plate longer than Stride, at its slot.
type longPlate struct {
	slot  int
	plate string
}

// New returns an empty dictionary with room for n plates.
func New(n int) *Dict {
	return &Dict{v: view{ids: make([]int64, 0, n), packed: make([]byte, 0, n*Stride), lens: make([]uint8, 0, n)}}
}

// Add appends plates. An id already present is not looked for: the caller
// adds each plate once.
func (d *Dict) Add(es []Entry) {
	if len(es) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.v.add(es)
}

func (v *view) add(es []Entry) {
	for _, e := range es {
		v.addOne(e.ID, e.Plate)
	}
}

// addOne appends a plate at the next slot, copying its bytes.
func (v *view) addOne(id int64, p string) {
	var row [Stride]byte
	n := len(p)
	if n > Stride {
		v.long = append(v.long, longPlate{slot: len(v.ids), plate: strings.Clone(p)})
		n = 0
	}
	copy(row[:], p[:n])
	v.ids = append(v.ids, id)
	v.packed = append(v.packed, row[:]...)
	v.lens = append(v.lens, uint8(n))
}

// Remove drops the plates whose ids are in gone (deleted from the
// database), building new slices.
func (d *Dict) Remove(gone map[int64]bool) {
	if len(gone) == 0 {
		return
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	old, n := d.v, max(0, len(d.v.ids)-len(gone))
	fresh := view{ids: make([]int64, 0, n), packed: make([]byte, 0, n*Stride), lens: make([]uint8, 0, n)}
	li := 0
	for k, id := range old.ids {
		if p := old.plate(k, &li); !gone[id] {
			fresh.addOne(id, p)
		}
	}
	d.v = fresh
}

// Len is the number of plates.
func (d *Dict) Len() int {
	return len(d.snapshot().ids)
}

// Footprint is the bytes the dictionary's slices hold (their capacity).
func (d *Dict) Footprint() int {
	v := d.snapshot()
	n := cap(v.ids)*8 + cap(v.packed) + cap(v.lens) + cap(v.long)*int(unsafe.Sizeof(longPlate{}))
	for _, l := range v.long {
		n += len(l.plate)
	}
	return n
}

func (d *Dict) snapshot() view {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return d.v
}

// Scan returns the ids of the plates that match p (fuzzy: whose canonical
// form matches p's, as plate.Pattern's MatchFuzzy), in slot order.
func (d *Dict) Scan(p *plate.Pattern, fuzzy bool) []int64 {
	v := d.snapshot()
	text, cls := p.GLOB(), &identity
	if fuzzy {
		text, cls = p.CanonicalGLOB(), &canonOf
	}
	if !strings.Contains(text, "*") && len(text) <= Stride {
		return v.scanFixed(text, cls)
	}
	match := p.Match
	if fuzzy {
		cp, err := plate.ParsePattern(text)
		if err != nil {
			return nil
		}
		match = cp.Match
	}
	return v.scanAny(text, cls, match)
}

// scanFixed matches a pattern of known characters and `?` only (so of
// fixed length n, at most Stride) against the packed copy: the known
// characters (through cls) at their positions and, for the length, a zero
// byte at position n (plates are zero-padded, and a longer plate's row is
// all zeros) and a plate character at n-1 when the pattern ends with `?`.
// For such patterns this is exactly plate.Pattern's Match (or, with
// canonOf, MatchFuzzy).
func (v view) scanFixed(text string, cls *[256]byte) []int64 {
	f := newFilter(text, cls)
	n := len(text)
	if n < Stride {
		f.mask |= 0xFF << (8 * n) // want has 0 there
	}
	last := -1
	if text[n-1] == '?' {
		last = (n - 1) * 8
	}
	var ids []int64
	p := v.packed
	for k := 0; k+Stride <= len(p); k += Stride {
		w := binary.LittleEndian.Uint64(p[k : k+Stride])
		if (w&f.mask)^f.want != 0 || (last >= 0 && (w>>last)&0xFF == 0) || !f.rest(p[k:k+Stride]) {
			continue
		}
		ids = append(ids, v.ids[k/Stride])
	}
	return ids
}

// scanAny matches any other pattern: plates too short for it, or whose
// first characters differ from its known opening ones, are passed over on
// the packed bytes; the rest go to match, on their text mapped through cls.
func (v view) scanAny(text string, cls *[256]byte, match func(string) bool) []int64 {
	minLen := uint8(min(len(text)-strings.Count(text, "*"), 255))
	open := text
	if i := strings.IndexByte(text, '*'); i >= 0 {
		open = text[:i]
	}
	f := newFilter(open[:min(len(open), Stride)], cls)
	buf := make([]byte, plate.MaxLen)
	var ids []int64
	test := func(k int, p string) {
		if cls != &identity {
			if len(p) > len(buf) {
				buf = make([]byte, len(p))
			}
			b := buf[:len(p)]
			for i := 0; i < len(p); i++ {
				b[i] = cls[p[i]]
			}
			p = unsafe.String(unsafe.SliceData(b), len(b))
		}
		if match(p) {
			ids = append(ids, v.ids[k])
		}
	}
	li := 0
	for k, l := range v.lens {
		if l != 0 {
			row := v.packed[k*Stride : k*Stride+Stride]
			if (binary.LittleEndian.Uint64(row)&f.mask)^f.want != 0 || l < minLen || !f.rest(row) {
				continue
			}
		}
		test(k, v.plate(k, &li))
	}
	return ids
}

// filter tests a pattern's known characters among a packed row's first
// Stride: those whose class (through cls) has one member are compared all
// at once, as the bytes of a word under mask; the others (look-alikes of a
// fuzzy pattern) one by one, through cls.
type filter struct {
	mask, want uint64
	pos        []int
	class      []byte
	cls        *[256]byte
}

// newFilter makes the filter of text (`?` or a known character at each
// position, at most Stride of them).
func newFilter(text string, cls *[256]byte) filter {
	f := filter{cls: cls}
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '?':
		case cls == &identity || alone[c]:
			f.mask |= 0xFF << (8 * i)
			f.want |= uint64(c) << (8 * i)
		default:
			f.pos, f.class = append(f.pos, i), append(f.class, c)
		}
	}
	return f
}

// rest tests the known characters the word could not.
func (f *filter) rest(row []byte) bool {
	for j, i := range f.pos {
		if f.cls[row[i]] != f.class[j] {
			return false
		}
	}
	return true
}

// plate returns slot k's plate, sharing the packed bytes (no copy: the
// caller must not keep it unless it clones it). li is the index in long
// of the next long plate: slots are visited in order, every long one
// (lens 0) through plate, which moves li past it.
func (v view) plate(k int, li *int) string {
	if v.lens[k] == 0 {
		*li++
		return v.long[*li-1].plate
	}
	return unsafe.String(&v.packed[k*Stride], int(v.lens[k]))
}

// identity maps every byte to itself.
var identity = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	return t
}()

// canonOf maps each plate character to its look-alike class
// representative (plate.Canonical, one character at a time).
var canonOf = func() (t [256]byte) {
	t = identity
	for c := range t {
		b := byte(c)
		if b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' {
			t[c] = plate.Canonical(string(rune(b)))[0]
		}
	}
	return t
}()

// alone marks the look-alike class representatives that no other
// character maps to (A, C, 3, …): a fuzzy pattern's such character is
// matched by itself only.
var alone = func() (t [256]bool) {
	var members [256]int
	for c := range canonOf {
		members[canonOf[c]]++
	}
	for c, n := range members {
		t[c] = n == 1
	}
	return t
}()
