package tiles

// clipRing clips a closed ring (pixels) to the square [lo, hi]² with the
// Sutherland–Hodgman algorithm, appending to dst. A ring wholly inside is
// copied as is. tmp is scratch space reused between calls.
func clipRing(dst, ring []pt, lo, hi float64, tmp *[]pt) []pt {
	inside := true
	for _, p := range ring {
		if p.X < lo || p.X > hi || p.Y < lo || p.Y > hi {
			inside = false
			break
		}
	}
	if inside {
		return append(dst, ring...)
	}
	type edge struct {
		in    func(pt) bool
		cross func(a, b pt) pt
	}
	atX := func(a, b pt, x float64) pt { return pt{x, a.Y + (b.Y-a.Y)*(x-a.X)/(b.X-a.X)} }
	atY := func(a, b pt, y float64) pt { return pt{a.X + (b.X-a.X)*(y-a.Y)/(b.Y-a.Y), y} }
	edges := [4]edge{
		{func(p pt) bool { return p.X >= lo }, func(a, b pt) pt { return atX(a, b, lo) }},
		{func(p pt) bool { return p.X <= hi }, func(a, b pt) pt { return atX(a, b, hi) }},
		{func(p pt) bool { return p.Y >= lo }, func(a, b pt) pt { return atY(a, b, lo) }},
		{func(p pt) bool { return p.Y <= hi }, func(a, b pt) pt { return atY(a, b, hi) }},
	}
	in := append((*tmp)[:0], ring...)
	out := dst
	for k, e := range edges {
		if k > 0 {
			in = append(in[:0], out[len(dst):]...)
		}
		out = out[:len(dst)]
		if len(in) == 0 {
			break
		}
		prev := in[len(in)-1]
		for _, cur := range in {
			switch cin, pin := e.in(cur), e.in(prev); {
			case cin && pin:
				out = append(out, cur)
			case cin && !pin:
				out = append(out, e.cross(prev, cur), cur)
			case !cin && pin:
				out = append(out, e.cross(prev, cur))
			}
			prev = cur
		}
	}
	*tmp = in
	return out
}

// clipSegment clips segment a-b to the square [lo, hi]² (Liang–Barsky);
// ok is false when nothing of it is inside.
func clipSegment(a, b pt, lo, hi float64) (pt, pt, bool) {
	t0, t1 := 0.0, 1.0
	dx, dy := b.X-a.X, b.Y-a.Y
	for _, e := range [4][2]float64{{-dx, a.X - lo}, {dx, hi - a.X}, {-dy, a.Y - lo}, {dy, hi - a.Y}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return a, b, false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = max(t0, r)
		} else {
			t1 = min(t1, r)
		}
		if t0 > t1 {
			return a, b, false
		}
	}
	ca, cb := a, b
	if t0 > 0 {
		ca = pt{a.X + t0*dx, a.Y + t0*dy}
	}
	if t1 < 1 {
		cb = pt{a.X + t1*dx, a.Y + t1*dy}
	}
	return ca, cb, true
}
