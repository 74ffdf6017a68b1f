package geo

import (
	"errors"
	"math/rand/v2"
	"slices"

	"github.com/paulmach/orb"
)

// The ring sweep decides, for a set of closed rings, whether any two edges
// meet where they may not, and which ring immediately encloses each ring,
// in O(n log n) for n edges: a Shamos–Hoey sweep line (Shamos and Hoey,
// "Geometric intersection problems", 1976) with exact predicates (orient)
// and the degenerate cases of real rings handled at their vertices.
//
// What may meet: two neighbouring edges of a ring at the vertex they share;
// two different rings at isolated points where neither crosses the other
// (a hole touching its shell at a vertex, as the OGC Simple Features rules
// allow). Everything else is a contact: two edges of a ring that are not
// neighbours sharing any point, and two rings crossing or running along a
// common stretch. The sweep stops at the first contact it finds.
//
// Events are the vertices in lexicographic order (longitude, then
// latitude: a sweep line turned a hair anticlockwise, so that vertical
// edges and vertices above one another need no special case). The status holds
// the edges the sweep line crosses, bottom to top, in a treap; it is only
// ever searched with the current vertex (which side of an edge it lies
// on), never by comparing two edges, so a single exact predicate keeps it
// consistent. At each vertex v the edges through v are split out of the
// status and, with the edges ending and starting there, examined as rays
// from v: a ring with more than two rays there touches itself, two rays in
// the same direction are edges running along each other, and two rings
// whose rays alternate around v cross there. Edges then continuing to the
// right go back in by the angle of their rays, and each newly adjacent
// pair of edges in the status is tested for a proper crossing (interiors
// crossing); every other kind of contact happens at a vertex and is found
// there. The first contact of all — leftmost — is found no later than at
// the sweep's arrival at it, so the status is always ordered as its edges
// truly are.
//
// The rings must be closed, without edges of zero length and without two
// neighbouring edges running back along each other (foldBack finds those),
// and of at least three edges, not all on a line.

// ringContact is two edges that meet where they may not: edgeA of ringA
// and edgeB of ringB (indices into the swept rings and their edges).
type ringContact struct {
	ringA, edgeA int
	ringB, edgeB int
	// shared is true when two different rings run along a common stretch
	// rather than cross.
	shared bool
	// inconsistent is true when the sweep found its own state
	// contradicting itself, which exact predicates rule out: the rings are
	// then refused, to be safe, with edges that may not prove anything.
	// The fuzz target holds that it never happens.
	inconsistent bool
}

// errSweepStopped is returned when the caller's stop function asks the
// sweep to give up.
var errSweepStopped = errors.New("ring check stopped")

// sweepCheckEvery is how many vertices the sweep handles between two
// calls of its stop function.
const sweepCheckEvery = 4096

// sweepEdge is an edge by its left and right end in sweep order; rev is
// true when the ring walks it from right to left.
type sweepEdge struct {
	l, r orb.Point
	rev  bool
}

// start and end are the edge's ends in the ring's direction.
func (e sweepEdge) start() orb.Point {
	if e.rev {
		return e.r
	}
	return e.l
}

func (e sweepEdge) end() orb.Point {
	if e.rev {
		return e.l
	}
	return e.r
}

// ray is an edge leaving the current vertex towards the point to.
type ray struct {
	to   orb.Point
	edge int32
	half uint8 // 0: towards the right (sweep order), 1: towards the left
}

// ringSweep is the state of a sweep, kept to be reused by the next (run).
type ringSweep struct {
	off    []int32 // the first edge of each ring; off[len(rings)] is the count
	ringOf []int32
	edge   []sweepEdge // edge k of a ring starts at its vertex k

	// The status: a treap over the edges, -1 for none.
	left, right []int32
	prio        []uint32
	root        int32

	// Per ring: whether its first vertex (lexicographically least) has
	// been reached, its orientation, and the ring immediately enclosing it.
	started []bool
	ccw     []bool
	parent  []int32
	// vertexOf is, for each ring with a vertex at the current event, that
	// vertex (as the edge starting there); stale for the others.
	vertexOf []int32

	rng   *rand.Rand
	verts []sweepVertex
	order []int32

	// Scratch, stamped with the event number so that it needs no clearing.
	epoch     uint32
	edgeStamp []uint32 // epoch<<2 | inStatusAtV | incidentToV
	ringStamp []uint32 // epoch<<2 | rays seen (0–2), then 3 once the ring is open in meeting's bracket matching
	through   []int32
	starting  []int32
	rays      []ray
	cont      []int32
	stack     []int32
}

const (
	atV       = 1 // the edge passes through or ends at v (it was in the status)
	incidentV = 2 // v is one of the edge's ends
)

// sweepRings sweeps the rings, which must meet the conditions above. It
// returns the first contact found, or nil and, for each ring, the index
// of the ring immediately enclosing it (-1 when none does). stop, when not
// nil, is called every few thousand vertices; when it returns true the
// sweep ends with errSweepStopped.
func sweepRings(rings []orb.Ring, stop func() bool) (*ringContact, []int32, error) {
	var s ringSweep
	return s.run(rings, stop)
}

// sweepVertex is a vertex and the edge starting there.
type sweepVertex struct {
	p  orb.Point
	id int32
}

// resize returns s with length n, reusing its memory when it can; the
// elements kept are not cleared.
func resize[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// run is sweepRings reusing the memory of s's earlier runs, which a
// filing of many small footprints would otherwise allocate for each. The
// slice of enclosing rings it returns is valid until the next run.
func (s *ringSweep) run(rings []orb.Ring, stop func() bool) (*ringContact, []int32, error) {
	nr := len(rings)
	s.off = resize(s.off, nr+1)
	s.off[0] = 0
	for i, r := range rings {
		s.off[i+1] = s.off[i] + int32(len(r)-1)
	}
	n := int(s.off[nr])
	s.ringOf, s.edge = resize(s.ringOf, n), resize(s.edge, n)
	for i, r := range rings {
		for k := range len(r) - 1 {
			id := s.off[i] + int32(k)
			s.ringOf[id] = int32(i)
			if lexLess(r[k+1], r[k]) {
				s.edge[id] = sweepEdge{r[k+1], r[k], true}
			} else {
				s.edge[id] = sweepEdge{r[k], r[k+1], false}
			}
		}
	}
	s.left, s.right, s.prio = resize(s.left, n), resize(s.right, n), resize(s.prio, n)
	// Random priorities keep the treap balanced whatever order the edges
	// come in, also against a filing built to unbalance a fixed sequence.
	if s.rng == nil {
		s.rng = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	for i := range s.prio {
		s.prio[i] = s.rng.Uint32()
	}
	s.root = -1
	s.started, s.ccw, s.parent = resize(s.started, nr), resize(s.ccw, nr), resize(s.parent, nr)
	s.vertexOf = resize(s.vertexOf, nr)
	clear(s.started)
	// Stamps left from earlier runs carry earlier epochs, so they need no
	// clearing either.
	s.edgeStamp, s.ringStamp = resize(s.edgeStamp, n), resize(s.ringStamp, nr)

	// The vertices in sweep order, each as the edge starting there; sorted
	// by value rather than through the edges, which is twice as fast.
	s.verts = resize(s.verts, n)
	for i := range s.verts {
		s.verts[i] = sweepVertex{s.edge[i].start(), int32(i)}
	}
	slices.SortFunc(s.verts, func(a, b sweepVertex) int {
		switch {
		case a.p[0] < b.p[0]:
			return -1
		case a.p[0] > b.p[0]:
			return 1
		case a.p[1] < b.p[1]:
			return -1
		case a.p[1] > b.p[1]:
			return 1
		}
		return int(a.id - b.id)
	})
	s.order = resize(s.order, n)
	for i, x := range s.verts {
		s.order[i] = x.id
	}
	order := s.order
	for i, events := 0, 0; i < len(order); events++ {
		if stop != nil && events%sweepCheckEvery == sweepCheckEvery-1 && stop() {
			return nil, nil, errSweepStopped
		}
		v := s.edge[order[i]].start()
		j := i + 1
		for j < len(order) && s.edge[order[j]].start() == v {
			j++
		}
		if c := s.event(v, order[i:j]); c != nil {
			return s.local(c), nil, nil
		}
		i = j
	}
	return nil, s.parent, nil
}

// local turns a contact's edge numbers into edges of its rings.
func (s *ringSweep) local(c *ringContact) *ringContact {
	c.edgeA -= int(s.off[c.ringA])
	c.edgeB -= int(s.off[c.ringB])
	return c
}

// contact is a contact between edges a and b (sweep numbering).
func (s *ringSweep) contact(a, b int32, shared bool) *ringContact {
	return &ringContact{ringA: int(s.ringOf[a]), edgeA: int(a), ringB: int(s.ringOf[b]), edgeB: int(b), shared: shared}
}

// inconsistent is a contact reporting the sweep's own contradiction at
// edge e.
func (s *ringSweep) inconsistent(e int32) *ringContact {
	c := s.contact(e, e, false)
	c.inconsistent = true
	return c
}

// prevEdge is the edge ending at the vertex where edge e starts.
func (s *ringSweep) prevEdge(e int32) int32 {
	if r := s.ringOf[e]; e == s.off[r] {
		return s.off[r+1] - 1
	}
	return e - 1
}

// neighbours reports whether edges a and b follow each other along a ring.
func (s *ringSweep) neighbours(a, b int32) bool {
	return s.ringOf[a] == s.ringOf[b] && (s.prevEdge(a) == b || s.prevEdge(b) == a)
}

func (s *ringSweep) stamp(e int32, flag uint32) {
	if s.edgeStamp[e]>>2 != s.epoch {
		s.edgeStamp[e] = s.epoch << 2
	}
	s.edgeStamp[e] |= flag
}

func (s *ringSweep) has(e int32, flag uint32) bool {
	return s.edgeStamp[e]>>2 == s.epoch && s.edgeStamp[e]&flag != 0
}

// event handles the vertices at v (ids: the edges starting at them, one
// per occurrence of v in the rings).
func (s *ringSweep) event(v orb.Point, ids []int32) *ringContact {
	s.epoch++
	below, at, above := s.split3(s.root, v)
	s.through = s.collect(at, s.through[:0])
	for _, e := range s.through {
		s.stamp(e, atV)
	}
	// The edges ending at v must be among those found at v; the others
	// found there pass through v.
	s.starting = s.starting[:0]
	ending := 0
	for _, k := range ids {
		s.vertexOf[s.ringOf[k]] = k
		for _, e := range [2]int32{s.prevEdge(k), k} {
			s.stamp(e, incidentV)
			if s.edge[e].l == v {
				s.starting = append(s.starting, e)
				continue
			}
			if !s.has(e, atV) {
				return s.inconsistent(e)
			}
			ending++
		}
	}
	if len(ids) == 1 && len(s.through) == ending {
		// One vertex, nothing else at v: its two edges may meet there.
		s.cont = append(s.cont[:0], s.starting...)
		if len(s.cont) == 2 && orient(v, s.edge[s.cont[0]].other(v), s.edge[s.cont[1]].other(v)) < 0 {
			s.cont[0], s.cont[1] = s.cont[1], s.cont[0]
		}
	} else if c := s.meeting(v); c != nil {
		return c
	}
	maxBelow := s.last(below)
	for i, e := range s.cont {
		r := s.ringOf[e]
		if s.started[r] {
			continue
		}
		// v is the ring's first vertex, its two edges start here and e is
		// the lower: the edge under it says whether the ring is inside
		// the ring of that edge or beside it.
		s.started[r] = true
		k := s.vertexOf[r]
		if s.ringOf[k] != r || !s.has(k, incidentV) || s.edge[k].start() != v {
			return s.inconsistent(e)
		}
		// The least vertex is convex: the turn there is the ring's.
		s.ccw[r] = orient(s.edge[s.prevEdge(k)].start(), v, s.edge[k].end()) > 0
		under := maxBelow
		if i > 0 {
			under = s.cont[i-1]
		}
		switch {
		case under < 0:
			s.parent[r] = -1
		case s.interiorAbove(under):
			s.parent[r] = s.ringOf[under]
		default:
			s.parent[r] = s.parent[s.ringOf[under]]
		}
	}
	mid := int32(-1)
	for _, e := range s.cont {
		s.left[e], s.right[e] = -1, -1
		mid = s.merge(mid, e)
	}
	minAbove := s.first(above)
	s.root = s.merge(s.merge(below, mid), above)
	if len(s.cont) == 0 {
		return s.crossing(maxBelow, minAbove)
	}
	if c := s.crossing(maxBelow, s.cont[0]); c != nil {
		return c
	}
	return s.crossing(s.cont[len(s.cont)-1], minAbove)
}

// other returns the end of e that is not v.
func (e sweepEdge) other(v orb.Point) orb.Point {
	if e.l == v {
		return e.r
	}
	return e.l
}

// meeting examines everything at v as rays — the edges through v, ending
// there and starting there — for contacts, and leaves in s.cont the edges
// continuing to the right, bottom to top.
func (s *ringSweep) meeting(v orb.Point) *ringContact {
	s.rays = s.rays[:0]
	addRay := func(to orb.Point, e int32) {
		h := uint8(0)
		if lexLess(to, v) {
			h = 1
		}
		s.rays = append(s.rays, ray{to: to, edge: e, half: h})
	}
	for _, e := range s.through {
		if !s.has(e, incidentV) {
			addRay(s.edge[e].l, e)
			addRay(s.edge[e].r, e)
		}
	}
	for _, e := range s.starting {
		addRay(s.edge[e].other(v), e)
	}
	for _, e := range s.through {
		if s.has(e, incidentV) {
			addRay(s.edge[e].other(v), e)
		}
	}
	// A ring with more than two rays at v meets itself there: two of its
	// edges that are not neighbours both hold v.
	for i, r := range s.rays {
		ring := s.ringOf[r.edge]
		if s.ringStamp[ring]>>2 != s.epoch {
			s.ringStamp[ring] = s.epoch << 2
		}
		s.ringStamp[ring]++
		if s.ringStamp[ring]&3 < 3 {
			continue
		}
		// Its three rays so far: two of their edges are not neighbours.
		var mine [3]int32
		m := 0
		for _, q := range s.rays[:i+1] {
			if s.ringOf[q.edge] == ring && m < len(mine) {
				mine[m] = q.edge
				m++
			}
		}
		for x := range m {
			for y := x + 1; y < m; y++ {
				if mine[x] != mine[y] && !s.neighbours(mine[x], mine[y]) {
					return s.contact(mine[x], mine[y], false)
				}
			}
		}
		return s.inconsistent(r.edge)
	}
	// Counter-clockwise from straight down: the right half, then the left.
	slices.SortFunc(s.rays, func(x, y ray) int {
		if x.half != y.half {
			return int(x.half) - int(y.half)
		}
		return -orient(v, x.to, y.to)
	})
	for i := 1; i < len(s.rays); i++ {
		x, y := s.rays[i-1], s.rays[i]
		if x.half == y.half && orient(v, x.to, y.to) == 0 {
			if s.ringOf[x.edge] == s.ringOf[y.edge] {
				return s.inconsistent(x.edge) // foldBack rules this out
			}
			return s.contact(x.edge, y.edge, true)
		}
	}
	// Each ring has two rays at v; two rings cross there when their rays
	// alternate around v. Matching them as brackets finds it: a ring's
	// second ray must close the last ring opened.
	s.stack = s.stack[:0]
	for _, r := range s.rays {
		ring := s.ringOf[r.edge]
		if s.ringStamp[ring]&3 == 2 {
			s.ringStamp[ring]++ // 3: open
			s.stack = append(s.stack, r.edge)
			continue
		}
		top := s.stack[len(s.stack)-1]
		if s.ringOf[top] != ring {
			return s.contact(top, r.edge, false)
		}
		s.stack = s.stack[:len(s.stack)-1]
	}
	s.cont = s.cont[:0]
	for _, r := range s.rays {
		if r.half == 0 {
			s.cont = append(s.cont, r.edge)
		}
	}
	return nil
}

// interiorAbove reports whether the interior of e's ring lies above e,
// just right of the sweep line: to the left of an edge walked
// counter-clockwise, which is above it when it is walked rightwards.
func (s *ringSweep) interiorAbove(e int32) bool {
	return s.ccw[s.ringOf[e]] == !s.edge[e].rev
}

// crossing reports edges a and b, neighbours in the status, when their
// interiors cross. Any other way of meeting involves a vertex and is
// found at it.
func (s *ringSweep) crossing(a, b int32) *ringContact {
	if a < 0 || b < 0 {
		return nil
	}
	al, ar := s.edge[a].l, s.edge[a].r
	bl, br := s.edge[b].l, s.edge[b].r
	if orient(al, ar, bl)*orient(al, ar, br) < 0 && orient(bl, br, al)*orient(bl, br, ar) < 0 {
		return s.contact(a, b, false)
	}
	return nil
}
