package demo

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// mix is the splitmix64 finaliser: it spreads the bits of x so that
// neighbouring inputs give unrelated seeds.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// rng is a PCG generator with the few draws generation needs, kept as a
// value so that seeding one per vehicle-day allocates nothing.
type rng struct{ p rand.PCG }

// newRNG seeds a generator from a world seed and a stream of keys.
func newRNG(seed int64, keys ...uint64) rng {
	h := mix(uint64(seed))
	for _, k := range keys {
		h = mix(h ^ k)
	}
	var r rng
	r.p.Seed(h, mix(h^0x5851f42d4c957f2d))
	return r
}

func (r *rng) u64() uint64 { return r.p.Uint64() }

// float is uniform in [0, 1).
func (r *rng) float() float64 { return float64(r.p.Uint64()>>11) / (1 << 53) }

// intn is uniform in [0, n); n must be positive.
func (r *rng) intn(n int) int {
	hi, _ := bits.Mul64(r.p.Uint64(), uint64(n))
	return int(hi)
}

// chance is true with probability p.
func (r *rng) chance(p float64) bool { return r.float() < p }

// norm is a standard normal draw (Box-Muller).
func (r *rng) norm() float64 {
	u := 1 - r.float()
	v := r.float()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// pick draws an index with the given weights.
func (r *rng) pick(w []float64) int {
	var sum float64
	for _, x := range w {
		sum += x
	}
	t := r.float() * sum
	for i, x := range w {
		if t < x {
			return i
		}
		t -= x
	}
	return len(w) - 1
}
