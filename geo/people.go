package geo

import (
	"cmp"
	"fmt"
	"math"
	"slices"
)

// PeopleSquare is one square of a PeopleMap: Size × Size cells of the
// surface's grid, about SquareM metres on a side.
type PeopleSquare struct {
	Row, Col                 int // the square's place: cells [Row·Size, (Row+1)·Size) × [Col·Size, (Col+1)·Size)
	West, South, East, North float64
	People                   int     // census people the surface places in its cells
	Uncovered                float64 // of them, people the layer does not cover (see Base.PeopleMap)
	// UncoveredWhole is Uncovered in whole people, rounded so that the
	// squares' sum is the map's Uncovered rounded: the k-th square in row
	// order gets round(U(k+1)) − round(U(k)), U(k) the uncovered people of
	// the squares before it.
	UncoveredWhole int
	Commune        int // index of the commune placing the most people in it
}

// PeopleMap is where a layer's people and uncovered people live, in
// squares. People and Uncovered are its totals: the layer's province
// population and population − covered people, to rounding.
type PeopleMap struct {
	Layer     Layer
	Size      int     // cells per side of a square
	SquareM   float64 // metres per side of a square at the grid's reference latitude
	Squares   []PeopleSquare
	People    int
	Uncovered float64
}

// PeopleMap returns the layer's people and uncovered people in squares of
// about squareM metres (a whole number of cells, at least one). In each
// commune the uncovered people are those of its cells that footprints do
// not cover (broadcast: not covered by both programmes); where a
// declaration raises the commune's covered people above its footprints'
// (the combine rule of Compute), the people of those cells are scaled down
// by one factor so that they sum to the commune's population − covered.
// Squares with nobody are left out.
func (b *Base) PeopleMap(l Layer, squareM float64) (*PeopleMap, error) {
	s := b.s
	if !l.Valid() {
		return nil, fmt.Errorf("%w: layer %q", ErrInvalidInput, l)
	}
	if !(squareM > 0) || math.IsInf(squareM, 1) {
		return nil, fmt.Errorf("%w: square size %v m", ErrInvalidInput, squareM)
	}
	lb := &b.layers[slices.Index(Layers, l)]
	g := s.grid
	size := max(1, int(math.Round(squareM/g.CellSizeM)))
	m := &PeopleMap{Layer: l, Size: size, SquareM: float64(size) * g.CellSizeM}
	scols := (g.Cols + size - 1) / size
	type acc struct {
		people    int
		uncovered float64
		best      int // most people of one commune
		commune   int
	}
	squares := map[int]*acc{}
	union := lb.union
	covered := func(bit int) bool {
		if !union[0].has(bit) {
			return false
		}
		return lb.classes == 1 || union[1].has(bit)
	}
	type cellPeople struct {
		sq      int
		people  int64
		covered bool
	}
	var cells []cellPeople
	byCommune := map[int]int{}
	for ci := range s.cells {
		cc := &s.cells[ci]
		if cc.people == 0 {
			continue
		}
		cells = cells[:0]
		var open int64 // people in cells no footprint covers
		for ri := cc.r0; ri < cc.r1; ri++ {
			r := &s.runs[ri]
			prev := s.cumIn(cc, ri, r.c0)
			for c := r.c0; c < r.c1; c++ {
				next := s.cumIn(cc, ri, c+1)
				if p := next - prev; p > 0 {
					cv := covered(s.lay.base[r.row] + int(c))
					if !cv {
						open += p
					}
					cells = append(cells, cellPeople{sq: int(r.row)/size*scols + int(c)/size, people: p, covered: cv})
				}
				prev = next
			}
		}
		uncovered := float64(cc.people) - lb.all[ci].w
		factor := 0.0
		if open > 0 {
			factor = max(0, uncovered) / float64(open)
		}
		clear(byCommune)
		for _, c := range cells {
			a := squares[c.sq]
			if a == nil {
				a = &acc{commune: ci}
				squares[c.sq] = a
			}
			a.people += int(c.people)
			if !c.covered {
				a.uncovered += float64(c.people) * factor
			}
			byCommune[c.sq] += int(c.people)
		}
		for sq, p := range byCommune {
			if a := squares[sq]; p > a.best {
				a.best, a.commune = p, ci
			}
		}
		m.People += int(cc.people)
		m.Uncovered += max(0, uncovered)
	}
	m.Squares = make([]PeopleSquare, 0, len(squares))
	for sq, a := range squares {
		row, col := sq/scols, sq%scols
		m.Squares = append(m.Squares, PeopleSquare{
			Row: row, Col: col,
			West:   g.Lon0 + float64(col*size)*g.DLon,
			South:  g.Lat0 + float64(row*size)*g.DLat,
			East:   g.Lon0 + float64((col+1)*size)*g.DLon,
			North:  g.Lat0 + float64((row+1)*size)*g.DLat,
			People: a.people, Uncovered: a.uncovered, Commune: a.commune,
		})
	}
	slices.SortFunc(m.Squares, func(a, b PeopleSquare) int { return cmp.Or(cmp.Compare(a.Row, b.Row), cmp.Compare(a.Col, b.Col)) })
	var sum float64
	for i := range m.Squares {
		before := math.Round(sum)
		sum += m.Squares[i].Uncovered
		m.Squares[i].UncoveredWhole = int(math.Round(sum) - before)
	}
	return m, nil
}

// Cluster is a group of neighbouring squares of a PeopleMap with
// uncovered people: where a new site would serve the most.
type Cluster struct {
	Uncovered                float64 // uncovered people in its squares
	People                   int     // all people in its squares
	Squares                  int
	Lon, Lat                 float64 // centre, weighted by uncovered people
	West, South, East, North float64
	// Communes are the communes of its squares (each square counted for
	// the commune placing the most people in it), most uncovered first.
	Communes []ClusterCommune
}

// ClusterCommune is one commune's part of a cluster.
type ClusterCommune struct {
	Commune   int // index on the surface
	Uncovered float64
}

// Clusters groups the squares holding at least minUncovered uncovered
// people with their neighbours (sharing an edge or a corner) and returns
// the limit largest groups by uncovered people (all when limit ≤ 0).
func (m *PeopleMap) Clusters(minUncovered float64, limit int) []Cluster {
	at := make(map[[2]int]int, len(m.Squares))
	for i, sq := range m.Squares {
		if sq.Uncovered >= minUncovered && sq.Uncovered > 0 {
			at[[2]int{sq.Row, sq.Col}] = i
		}
	}
	seen := make(map[int]bool, len(at))
	var out []Cluster
	var stack []int
	for i := range m.Squares {
		if _, ok := at[[2]int{m.Squares[i].Row, m.Squares[i].Col}]; !ok || seen[i] {
			continue
		}
		cl := Cluster{West: math.Inf(1), South: math.Inf(1), East: math.Inf(-1), North: math.Inf(-1)}
		byCommune := map[int]float64{}
		seen[i] = true
		stack = append(stack[:0], i)
		for len(stack) > 0 {
			j := stack[len(stack)-1]
			stack = stack[:len(stack)-1]
			sq := m.Squares[j]
			cl.Uncovered += sq.Uncovered
			cl.People += sq.People
			cl.Squares++
			cl.Lon += sq.Uncovered * (sq.West + sq.East) / 2
			cl.Lat += sq.Uncovered * (sq.South + sq.North) / 2
			cl.West, cl.South = min(cl.West, sq.West), min(cl.South, sq.South)
			cl.East, cl.North = max(cl.East, sq.East), max(cl.North, sq.North)
			byCommune[sq.Commune] += sq.Uncovered
			for dr := -1; dr <= 1; dr++ {
				for dc := -1; dc <= 1; dc++ {
					if k, ok := at[[2]int{sq.Row + dr, sq.Col + dc}]; ok && !seen[k] {
						seen[k] = true
						stack = append(stack, k)
					}
				}
			}
		}
		cl.Lon, cl.Lat = cl.Lon/cl.Uncovered, cl.Lat/cl.Uncovered
		for c, u := range byCommune {
			cl.Communes = append(cl.Communes, ClusterCommune{Commune: c, Uncovered: u})
		}
		slices.SortFunc(cl.Communes, func(a, b ClusterCommune) int {
			return cmp.Or(cmp.Compare(b.Uncovered, a.Uncovered), cmp.Compare(a.Commune, b.Commune))
		})
		out = append(out, cl)
	}
	slices.SortFunc(out, func(a, b Cluster) int {
		return cmp.Or(cmp.Compare(b.Uncovered, a.Uncovered), cmp.Compare(a.Lat, b.Lat), cmp.Compare(a.Lon, b.Lon))
	})
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out
}
