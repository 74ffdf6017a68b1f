package geo

import "github.com/paulmach/orb"

// The sweep's status is a treap of edges (a binary search tree balanced
// by random priorities) held in the sweep's left, right and prio slices,
// indexed by edge. Its order is bottom to top along the sweep line, and it
// is only ever searched by the side of an edge on which the current vertex
// lies, so that it needs no comparison of two edges.

// side is orient of v against edge e from its left end to its right: +1
// when v lies above e.
func (s *ringSweep) side(e int32, v orb.Point) int {
	return orient(s.edge[e].l, s.edge[e].r, v)
}

// split3 divides the treap t into the edges below v, those through v and
// those above it. The edges through v are few, so the search mostly
// descends one path.
func (s *ringSweep) split3(t int32, v orb.Point) (below, at, above int32) {
	if t < 0 {
		return -1, -1, -1
	}
	switch s.side(t, v) {
	case 1:
		b, a, c := s.split3(s.right[t], v)
		s.right[t] = b
		return t, a, c
	case -1:
		b, a, c := s.split3(s.left[t], v)
		s.left[t] = c
		return b, a, t
	}
	below, l := s.split(s.left[t], v, 1)
	r, above := s.split(s.right[t], v, 0)
	s.left[t], s.right[t] = l, r
	return below, t, above
}

// split divides the treap t into the edges with side ≥ min (the lower
// part) and the rest.
func (s *ringSweep) split(t int32, v orb.Point, min int) (int32, int32) {
	if t < 0 {
		return -1, -1
	}
	if s.side(t, v) >= min {
		l, r := s.split(s.right[t], v, min)
		s.right[t] = l
		return t, r
	}
	l, r := s.split(s.left[t], v, min)
	s.left[t] = r
	return l, t
}

// merge joins treaps a and b, every edge of a below every edge of b.
func (s *ringSweep) merge(a, b int32) int32 {
	switch {
	case a < 0:
		return b
	case b < 0:
		return a
	case s.prio[a] > s.prio[b]:
		s.right[a] = s.merge(s.right[a], b)
		return a
	}
	s.left[b] = s.merge(a, s.left[b])
	return b
}

// collect appends the edges of t to dst, bottom to top.
func (s *ringSweep) collect(t int32, dst []int32) []int32 {
	if t < 0 {
		return dst
	}
	dst = s.collect(s.left[t], dst)
	dst = append(dst, t)
	return s.collect(s.right[t], dst)
}

// first and last return the lowest and highest edge of t, or -1.
func (s *ringSweep) first(t int32) int32 {
	for t >= 0 && s.left[t] >= 0 {
		t = s.left[t]
	}
	return t
}

func (s *ringSweep) last(t int32) int32 {
	for t >= 0 && s.right[t] >= 0 {
		t = s.right[t]
	}
	return t
}
