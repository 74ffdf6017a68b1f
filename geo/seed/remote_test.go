package seed

import (
	"reflect"
	"testing"

	"github.com/phusong/phusong/geo"
)

func TestDefaultRemote(t *testing.T) {
	// Eight communes: a quarter is two. Densities (people/km²): a 10,
	// b 5, c 5 (tie with b: code order), d 1 but a phường, e no area,
	// f…h 100.
	cs := []geo.Commune{
		{Code: "a", Type: "xã", Population: 100, AreaKm2: 10},
		{Code: "c", Type: "xã", Population: 50, AreaKm2: 10},
		{Code: "b", Type: "xã", Population: 50, AreaKm2: 10},
		{Code: "d", Type: "phường", Population: 10, AreaKm2: 10},
		{Code: "e", Type: "xã", Population: 0, AreaKm2: 0},
		{Code: "f", Type: "xã", Population: 1000, AreaKm2: 10},
		{Code: "g", Type: "thị trấn", Population: 1000, AreaKm2: 10},
		{Code: "h", Type: "xã", Population: 1000, AreaKm2: 10},
	}
	if got := DefaultRemote(cs); !reflect.DeepEqual(got, []string{"b", "c"}) {
		t.Fatalf("remote %v, want [b c]", got)
	}
	if got := DefaultRemote(nil); len(got) != 0 {
		t.Fatalf("remote of nothing %v", got)
	}
}
