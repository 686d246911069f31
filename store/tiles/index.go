package tiles

import (
	"math"
	"math/bits"
)

// gridIndex is a uniform grid over the data's bounds: each cell lists the
// features whose bounding box touches it, so a tile only looks at what may
// intersect it.
type gridIndex struct {
	bounds bbox
	n      int     // cells per side
	cw, ch float64 // cell width and height
	cells  [][]int32
	feats  []feature
}

func newGridIndex(feats []feature, n int) *gridIndex {
	g := &gridIndex{bounds: emptyBox(), n: n, feats: feats}
	for i := range feats {
		g.bounds.union(feats[i].box)
	}
	g.cw = math.Max((g.bounds.MaxX-g.bounds.MinX)/float64(n), 1e-12)
	g.ch = math.Max((g.bounds.MaxY-g.bounds.MinY)/float64(n), 1e-12)
	g.cells = make([][]int32, n*n)
	for i := range feats {
		x0, y0, x1, y1 := g.cellRange(feats[i].box)
		for cy := y0; cy <= y1; cy++ {
			for cx := x0; cx <= x1; cx++ {
				c := cy*n + cx
				g.cells[c] = append(g.cells[c], int32(i))
			}
		}
	}
	return g
}

func (g *gridIndex) cell(v, lo, size float64) int {
	c := int(math.Floor((v - lo) / size))
	return max(0, min(g.n-1, c))
}

func (g *gridIndex) cellRange(b bbox) (x0, y0, x1, y1 int) {
	return g.cell(b.MinX, g.bounds.MinX, g.cw), g.cell(b.MinY, g.bounds.MinY, g.ch),
		g.cell(b.MaxX, g.bounds.MinX, g.cw), g.cell(b.MaxY, g.bounds.MinY, g.ch)
}

// query returns the indexes, ascending, of the features whose bounding box
// intersects b. Features are stored in drawing order, so ascending indexes
// are the order to draw them in.
func (g *gridIndex) query(b bbox) []int32 {
	if !b.intersects(g.bounds) {
		return nil
	}
	seen := make([]uint64, (len(g.feats)+63)/64)
	x0, y0, x1, y1 := g.cellRange(b)
	for cy := y0; cy <= y1; cy++ {
		for cx := x0; cx <= x1; cx++ {
			for _, i := range g.cells[cy*g.n+cx] {
				if seen[i/64]&(1<<(i%64)) == 0 && g.feats[i].box.intersects(b) {
					seen[i/64] |= 1 << (i % 64)
				}
			}
		}
	}
	var out []int32
	for w, word := range seen {
		for word != 0 {
			low := word & -word
			out = append(out, int32(w*64+bits.TrailingZeros64(low)))
			word &^= low
		}
	}
	return out
}
