package geo

// Rollups sums the figures of the communes that keep selects (by index in
// figs, which are in the surface's commune order, as a Breakdown's) per
// district and for the province, as Breakdown.Districts and
// Breakdown.Province do for every commune. keep nil keeps every commune.
// Districts where no commune is kept are left out; the thresholds come
// from opt.
func (s *Surface) Rollups(figs []CommuneFigure, keep func(i int) bool, opt Options) ([]Rollup, Rollup) {
	districts := make([]Rollup, len(s.districts))
	for i, d := range s.districts {
		districts[i].Code, districts[i].Name = d.code, d.name
	}
	var province Rollup
	for i, f := range figs {
		if i >= len(s.districtOf) || keep != nil && !keep(i) {
			continue
		}
		districts[s.districtOf[i]].add(f, opt)
		province.add(f, opt)
	}
	out := districts[:0]
	for _, d := range districts {
		if d.Communes > 0 {
			d.finish()
			out = append(out, d)
		}
	}
	province.finish()
	return out, province
}
