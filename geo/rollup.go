package geo

// Rollups sums the figures of the communes that keep selects (by index in
// figs, which are in the surface's commune order, as a Breakdown's) per
// district and for the province, as Breakdown.Districts and
// Breakdown.Province do for every commune. keep nil keeps every commune.
// Districts where no commune is kept are left out; communes reached are
// counted at layer l's reached threshold (Options.ReachedThreshold).
func (s *Surface) Rollups(l Layer, figs []CommuneFigure, keep func(i int) bool, opt Options) ([]Rollup, Rollup) {
	reached := opt.ReachedThreshold(l)
	districts := make([]Rollup, len(s.districts))
	for i, d := range s.districts {
		districts[i].Code, districts[i].Name = d.code, d.name
	}
	var province Rollup
	for i, f := range figs {
		if i >= len(s.districtOf) || keep != nil && !keep(i) {
			continue
		}
		districts[s.districtOf[i]].add(f, reached)
		province.add(f, reached)
	}
	out := districts[:0]
	province.ReachedThreshold = reached
	for _, d := range districts {
		if d.Communes > 0 {
			d.ReachedThreshold = reached
			d.finish()
			out = append(out, d)
		}
	}
	province.finish()
	return out, province
}
