package geo

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersectsBound(t *testing.T) {
	// A 10×10 square with a 4×4 hole in the middle:
	//
	//	10 +---------------+
	//	   |               |
	//	 7 |    +-----+    |
	//	   |    | hole|    |
	//	 3 |    +-----+    |
	//	   |               |
	//	 0 +---------------+
	//	   0    3     7    10
	square := orb.MultiPolygon{{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{3, 3}, {3, 7}, {7, 7}, {7, 3}, {3, 3}},
	}}
	box := func(x0, y0, x1, y1 float64) orb.Bound {
		return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
	}
	cases := []struct {
		name string
		b    orb.Bound
		want bool
	}{
		{"contains a vertex", box(-1, -1, 1, 1), true},
		{"far away", box(20, 20, 30, 30), false},
		{"box inside the polygon", box(1, 1, 2, 2), true},
		{"box inside the hole", box(4, 4, 6, 6), false},
		{"box around everything", box(-5, -5, 15, 15), true},
		{"edge crosses, no vertex inside", box(-1, 4, 11, 5), true},
		{"touches the outer edge", box(10, 4, 12, 5), true},
		{"touches a corner only", box(10, 10, 12, 12), true},
		{"inside, near a corner", box(8, 8, 9, 9), true},
		{"crosses the hole's edge", box(5, 5, 8, 6), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := IntersectsBound(square, c.b); got != c.want {
				t.Fatalf("IntersectsBound(%v) = %v, want %v", c.b, got, c.want)
			}
		})
	}
	triangle := orb.MultiPolygon{{{{0, 0}, {10, 0}, {0, 10}, {0, 0}}}}
	if IntersectsBound(triangle, box(8, 8, 9, 9)) {
		t.Fatal("a box beyond a triangle's hypotenuse, inside its bound, intersects it")
	}
	if IntersectsBound(nil, box(0, 0, 1, 1)) {
		t.Fatal("an empty multipolygon intersects a box")
	}
}
