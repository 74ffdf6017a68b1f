package geo

import "math/bits"

// bitset is one bit per grid cell, indexed row·Cols + col. It remembers the
// range of words that may be non-zero, so that operations on footprints that
// cover a small part of a large grid (a province's sites on the national
// grid) touch only that part, and so that clearing for reuse is cheap.
type bitset struct {
	w      []uint64
	lo, hi int // every word outside w[lo:hi] is zero; lo >= hi when empty
}

func newBitset(nbits int) *bitset {
	return &bitset{w: make([]uint64, (nbits+63)>>6)}
}

func (b *bitset) empty() bool { return b.lo >= b.hi }

// reset zeroes the bitset for reuse.
func (b *bitset) reset() {
	if b.lo < b.hi {
		clear(b.w[b.lo:b.hi])
	}
	b.lo, b.hi = 0, 0
}

// extend widens the non-zero word range to include [lo, hi).
func (b *bitset) extend(lo, hi int) {
	if lo >= hi {
		return
	}
	if b.empty() {
		b.lo, b.hi = lo, hi
		return
	}
	b.lo, b.hi = min(b.lo, lo), max(b.hi, hi)
}

// setRange sets bits [i, j).
func (b *bitset) setRange(i, j int) {
	if i >= j {
		return
	}
	setBits(b.w, i, j)
	b.extend(i>>6, (j-1)>>6+1)
}

// setBits sets bits [i, j) of w, with i < j. It does not track the word
// range, so that workers that own disjoint words may call it concurrently.
func setBits(w []uint64, i, j int) {
	wi, wj := i>>6, (j-1)>>6
	first := ^uint64(0) << (i & 63)
	last := ^uint64(0) >> (63 - (j-1)&63)
	if wi == wj {
		w[wi] |= first & last
		return
	}
	w[wi] |= first
	for k := wi + 1; k < wj; k++ {
		w[k] = ^uint64(0)
	}
	w[wj] |= last
}

// or sets b to b | x.
func (b *bitset) or(x *bitset) {
	if x.empty() {
		return
	}
	dst, src := b.w[x.lo:x.hi], x.w[x.lo:x.hi]
	for k := range src {
		dst[k] |= src[k]
	}
	b.extend(x.lo, x.hi)
}

// accumulate folds x into a running count of how many sets cover each bit,
// saturating at two: afterwards ones holds the bits covered at least once
// and twos the bits covered at least twice.
func accumulate(ones, twos, x *bitset) {
	if x.empty() {
		return
	}
	o, t, src := ones.w[x.lo:x.hi], twos.w[x.lo:x.hi], x.w[x.lo:x.hi]
	for k, v := range src {
		t[k] |= o[k] & v
		o[k] |= v
	}
	// twos can only gain bits where both ones (before) and x were non-zero,
	// which lies inside x's range.
	twos.extend(x.lo, x.hi)
	ones.extend(x.lo, x.hi)
}

// and sets b, which must be empty, to x & y.
func (b *bitset) and(x, y *bitset) {
	lo, hi := max(x.lo, y.lo), min(x.hi, y.hi)
	if x.empty() || y.empty() || lo >= hi {
		return
	}
	dst, a, c := b.w[lo:hi], x.w[lo:hi], y.w[lo:hi]
	for k := range dst {
		dst[k] = a[k] & c[k]
	}
	b.extend(lo, hi)
}

// nextSet returns the index of the first set bit in [i, end), or end.
func (b *bitset) nextSet(i, end int) int {
	if i >= end {
		return end
	}
	k := i >> 6
	if k < b.lo {
		k, i = b.lo, b.lo<<6
	}
	if k >= b.hi {
		return end
	}
	word := b.w[k] & (^uint64(0) << (i & 63))
	for word == 0 {
		k++
		if k >= b.hi || k<<6 >= end {
			return end
		}
		word = b.w[k]
	}
	return min(k<<6+bits.TrailingZeros64(word), end)
}

// nextClear returns the index of the first clear bit in [i, end), or end.
func (b *bitset) nextClear(i, end int) int {
	if i >= end {
		return end
	}
	k := i >> 6
	if k < b.lo || k >= b.hi {
		return i
	}
	word := ^b.w[k] & (^uint64(0) << (i & 63))
	for word == 0 {
		k++
		if k<<6 >= end {
			return end
		}
		if k >= b.hi {
			return k << 6
		}
		word = ^b.w[k]
	}
	return min(k<<6+bits.TrailingZeros64(word), end)
}

// andNot sets b, which must be empty, to x &^ y; y may be nil, for none.
func (b *bitset) andNot(x, y *bitset) {
	if x.empty() {
		return
	}
	dst, src := b.w[x.lo:x.hi], x.w[x.lo:x.hi]
	if y == nil {
		copy(dst, src)
	} else {
		for k, v := range y.w[x.lo:x.hi] {
			dst[k] = src[k] &^ v
		}
	}
	b.extend(x.lo, x.hi)
}

// bothGain sets b, which must be empty, to the bits of (c|cn) & (l|ln) not
// in c & l: what adding cn to c and ln to l gains where both are needed.
// Any of the four may be nil, for none. Outside the ranges of cn and ln
// nothing is gained, so only their words are visited.
func (b *bitset) bothGain(c, cn, l, ln *bitset) {
	lo, hi := -1, -1
	for _, x := range []*bitset{cn, ln} {
		if x == nil || x.empty() {
			continue
		}
		if lo < 0 {
			lo, hi = x.lo, x.hi
		} else {
			lo, hi = min(lo, x.lo), max(hi, x.hi)
		}
	}
	if lo < 0 {
		return
	}
	word := func(x *bitset, k int) uint64 {
		if x == nil {
			return 0
		}
		return x.w[k]
	}
	for k := lo; k < hi; k++ {
		cb, lb := word(c, k), word(l, k)
		b.w[k] = (cb | word(cn, k)) & (lb | word(ln, k)) &^ (cb & lb)
	}
	b.extend(lo, hi)
}

// has reports whether bit i is set; a nil bitset has none.
func (b *bitset) has(i int) bool {
	if b == nil {
		return false
	}
	w := i >> 6
	return w >= b.lo && w < b.hi && b.w[w]&(1<<(uint(i)&63)) != 0
}
