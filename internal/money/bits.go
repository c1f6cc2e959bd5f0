package money

import "math/bits"

func mul64(a, b uint64) (hi, lo uint64) { return bits.Mul64(a, b) }

// div128 divides the 128-bit hi:lo by c. The quotient fits in 64 bits here
// because a*w/total <= a.
func div128(hi, lo, c uint64) (q, r uint64) { return bits.Div64(hi, lo, c) }
