package seed

import (
	"cmp"
	"slices"

	"github.com/phusong/phusong/geo"
)

// RemoteApproximate names the source of a remote set made by DefaultRemote.
const RemoteApproximate = "approximate"

// DefaultRemoteShare is the share of all communes that DefaultRemote marks
// remote.
const DefaultRemoteShare = 0.25

// RemoteNote says, wherever the default remote set is shown, what it is.
const RemoteNote = "Remote communes (vùng sâu, vùng xa) are an approximation made by Phủ Sóng: the quarter of communes of type xã " +
	"with the fewest people per km². This is not the official list of especially difficult communes; import it with " +
	"'phusong import remote FILE.csv' or set communes one by one as admin. " +
	"Danh sách xã vùng sâu, vùng xa là ước tính (mật độ dân số thấp nhất), không phải danh sách chính thức."

// DefaultRemote returns the codes of an approximate set of remote communes
// (vùng sâu, vùng xa): the communes of type "xã" with the lowest census
// population density (people per km² of AreaKm2), as many as
// DefaultRemoteShare of all communes (rounded), ties by code. It is a
// stand-in derived from the census facts alone, not the official list of
// especially difficult communes. Communes without a positive area are
// never chosen. Codes come in code order.
func DefaultRemote(communes []geo.Commune) []string {
	type cand struct {
		code    string
		density float64
	}
	var cands []cand
	for _, c := range communes {
		if c.Type == "xã" && c.AreaKm2 > 0 {
			cands = append(cands, cand{c.Code, float64(c.Population) / c.AreaKm2})
		}
	}
	slices.SortFunc(cands, func(a, b cand) int { return cmp.Or(cmp.Compare(a.density, b.density), cmp.Compare(a.code, b.code)) })
	n := min(len(cands), int(float64(len(communes))*DefaultRemoteShare+0.5))
	out := make([]string, n)
	for i := range n {
		out[i] = cands[i].code
	}
	slices.Sort(out)
	return out
}
