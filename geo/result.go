package geo

// Status says how well a commune is covered, by the thresholds of Options.
type Status string

// The three statuses.
const (
	StatusCovered Status = "covered" // share ≥ Options.CoveredThreshold
	StatusPartial Status = "partial" // share ≥ Options.PartialThreshold
	StatusNone    Status = "none"
)

// Kinds of breakdown, the part of a breakdown's key before the colon.
const (
	KindAll        = "all"        // every provider together
	KindLargest    = "largest"    // the provider covering most people, alone
	KindMulti      = "multi"      // two or more providers
	KindProvider   = "provider"   // one provider alone
	KindTechnology = "technology" // one technology, every provider
	KindProgramme  = "programme"  // broadcast only: central or local programmes
)

// ProviderKey is the breakdown key of one provider alone.
func ProviderKey(provider string) string { return KindProvider + ":" + provider }

// TechnologyKey is the breakdown key of one technology.
func TechnologyKey(tech string) string { return KindTechnology + ":" + tech }

// ProgrammeKey is the breakdown key of broadcast's central or local
// programmes ("central", "local").
func ProgrammeKey(programme string) string { return KindProgramme + ":" + programme }

// Result is the calculator's answer for one set of footprints and
// declarations.
type Result struct {
	Method Method        `json:"method"`
	Layers []LayerResult `json:"layers"` // in the order of Layers
	// Ignored counts declarations naming a commune that is not on the
	// surface.
	Ignored int `json:"ignored"`
	// Unused counts footprints and declarations that no layer takes: an
	// unknown technology, or a broadcast item whose programme is neither
	// central nor local.
	Unused int `json:"unused"`
}

// Layer returns the result of layer l, or nil.
func (r *Result) Layer(l Layer) *LayerResult {
	for i := range r.Layers {
		if r.Layers[i].Layer == l {
			return &r.Layers[i]
		}
	}
	return nil
}

// LayerResult holds every breakdown of one layer: "all", "largest",
// "multi", then "provider:<name>" by name, "technology:<tech>", and for
// broadcast "programme:central" and "programme:local".
type LayerResult struct {
	Layer      Layer       `json:"layer"`
	Breakdowns []Breakdown `json:"breakdowns"`
}

// Breakdown returns the breakdown with the given key, or nil.
func (lr *LayerResult) Breakdown(key string) *Breakdown {
	for i := range lr.Breakdowns {
		if lr.Breakdowns[i].Key == key {
			return &lr.Breakdowns[i]
		}
	}
	return nil
}

// Breakdown is the coverage of one layer by one set of items, per commune,
// per district and for the whole surface (the province).
type Breakdown struct {
	Key  string `json:"key"`  // e.g. "all", "provider:viettel", "technology:4G"
	Kind string `json:"kind"` // KindAll, KindProvider…
	// Value is the provider, technology or programme; for "largest" the
	// provider found largest (empty when the layer has no provider).
	Value     string          `json:"value,omitempty"`
	Communes  []CommuneFigure `json:"communes"`  // in the surface's commune order
	Districts []Rollup        `json:"districts"` // by district code
	Province  Rollup          `json:"province"`
}

// CommuneFigure is one commune's coverage.
type CommuneFigure struct {
	Code       string  `json:"code"`
	Population int     `json:"population"` // census people
	Covered    float64 `json:"covered"`    // people covered; fractional when a declared share says so
	// Share is the share covered, 0–1: Covered/Population, or for a commune
	// of population 0 the share of its cells covered (or declared).
	Share  float64 `json:"share"`
	Status Status  `json:"status"`
}

// Rollup sums commune figures over a district or the province. Every
// share comes with its numerator and denominator.
type Rollup struct {
	Code            string  `json:"code,omitempty"` // district code; empty for the province
	Name            string  `json:"name,omitempty"` // district name
	Population      int     `json:"population"`     // census people
	Covered         float64 `json:"covered"`        // people covered
	Share           float64 `json:"share"`          // Covered/Population; 0 when Population is 0
	Communes        int     `json:"communes"`
	CommunesCovered int     `json:"communes_covered"`
	CommunesPartial int     `json:"communes_partial"`
	CommunesNone    int     `json:"communes_none"`
	// CommunesReached counts communes whose share covered is at least
	// ReachedThreshold, the layer's (Options.ReachedThreshold): the
	// threshold of the layer's communes target, so that this count and
	// the target's are one number.
	CommunesReached  int     `json:"communes_reached"`
	ShareReached     float64 `json:"share_reached"`     // CommunesReached/Communes; 0 when Communes is 0
	ReachedThreshold float64 `json:"reached_threshold"` // 0–1
}

// add counts f in the rollup; reached is the layer's reached threshold.
func (r *Rollup) add(f CommuneFigure, reached float64) {
	r.Population += f.Population
	r.Covered += f.Covered
	r.Communes++
	switch f.Status {
	case StatusCovered:
		r.CommunesCovered++
	case StatusPartial:
		r.CommunesPartial++
	default:
		r.CommunesNone++
	}
	r.ReachedThreshold = reached
	if f.Share >= reached {
		r.CommunesReached++
	}
}

func (r *Rollup) finish() {
	if r.Population > 0 {
		r.Share = r.Covered / float64(r.Population)
	}
	if r.Communes > 0 {
		r.ShareReached = float64(r.CommunesReached) / float64(r.Communes)
	}
}

// Method states how the figures were computed. The API returns it with
// every figure so that a figure can be read, and reproduced, with its rules.
type Method struct {
	Name       string  `json:"name"`        // MethodName; changes whenever a rule changes
	CellSizeM  float64 `json:"cell_size_m"` // population cell side at LatRefDeg
	CellLatDeg float64 `json:"cell_lat_deg"`
	CellLonDeg float64 `json:"cell_lon_deg"`
	LatRefDeg  float64 `json:"lat_ref_deg"`
	// Population names the population rule: "even", "weighted" (weight
	// points shaped at least one commune) or a grid's, e.g.
	// "grid-worldpop-v1".
	Population string `json:"population"`
	// EvenFallback lists the communes that a weighted surface still
	// spreads evenly, having found no weight in them.
	EvenFallback      []string `json:"even_fallback,omitempty"`
	CoveredThreshold  float64  `json:"covered_threshold"`
	PartialThreshold  float64  `json:"partial_threshold"`
	MobileMinDownMbps float64  `json:"mobile_min_down_mbps"`
	// ReachedThresholds is each layer's reached threshold (Rollup.ReachedThreshold).
	ReachedThresholds map[Layer]float64 `json:"reached_thresholds"`
	Rules             map[string]string `json:"rules"` // each rule in one sentence, by topic
}

// MethodName names the rules documented on Surface and Compute.
const MethodName = "grid-centroid-v1"

func (s *Surface) method(opt Options) Method {
	pop := s.population
	var fallback []string
	if pop != "even" {
		fallback = s.stats.EvenFallback
	}
	return Method{
		EvenFallback:      fallback,
		Name:              MethodName,
		CellSizeM:         s.grid.CellSizeM,
		CellLatDeg:        s.grid.DLat,
		CellLonDeg:        s.grid.DLon,
		LatRefDeg:         s.grid.LatRef,
		Population:        pop,
		CoveredThreshold:  opt.CoveredThreshold,
		PartialThreshold:  opt.PartialThreshold,
		MobileMinDownMbps: opt.MobileMinDownMbps,
		ReachedThresholds: reachedThresholds(opt),
		Rules: map[string]string{
			"grid": "Square cells of cell_size_m at lat_ref_deg (dlat = size/110574°, dlon = size/(111320·cos lat_ref)°) over the communes' extent in EPSG:4326.",
			"population": "Each commune's census population is spread in whole people over the cells whose centres lie in its polygon: evenly, or (grid-…) in proportion to the population grid's people in the pixel holding each cell's centre, " +
				"rescaled to the census total (communes with no grid people: evenly, listed in even_fallback); " +
				"where polygons overlap a cell goes to the commune with the smallest code; a commune with no cell is placed whole in the cell of its point. Nobody is counted twice or lost.",
			"footprint":   "A cell is covered by a footprint when its centre lies inside it or on its boundary; holes are respected.",
			"declaration": "A declaration that a provider serves share s of a commune covers s × the commune's population.",
			"combine": "For any set of items, a commune's covered people = max(people in cells covered by the union of the set's footprints, largest declared share × population): " +
				"where their overlap is unknown they are taken as nested, never added.",
			"mobile":    "Mobile broadband: 3G, 4G and 5G items of the mobile layer; with mobile_min_down_mbps > 0 only footprints stating at least that speed (declarations state no speed and always count).",
			"phone":     "Phone: fixed_line and 2G–5G items of the phone layer, and every 2G–5G item of the mobile layer at any speed.",
			"broadband": "Fixed broadband: FTTH, xDSL, cable and fixed_wireless items of the broadband layer.",
			"broadcast": "A cell is covered when it receives a central programme (TV or radio) and a local one (TV or radio). Per commune: if a declaration decides the central or the local figure (combine rule), " +
				"covered = max(people in cells with both by footprints, min(central, local)); otherwise people in cells with both by footprints.",
			"largest": "The provider with the most covered people over the whole surface, counted alone; ties go to the first by name.",
			"multi": "People still covered if any one provider stopped: in cells covered by two or more providers (broadcast: central by two or more and local by two or more). " +
				"Where a declaration decides a provider's figure in a commune, its pairs count as nested (the smaller of the two providers' figures) and the commune takes the larger of those and the cell count.",
			"status":          "covered when share ≥ covered_threshold, partial when share ≥ partial_threshold, otherwise none.",
			"reached":         "A commune is reached for a layer when its share covered is at least the layer's reached threshold (reached_thresholds): the threshold of the layer's communes target, or covered_threshold when it has none. Every count of communes reached uses it.",
			"zero_population": "A commune of population 0 takes its share from the share of its cells covered (or declared); its covered people is 0.",
			"ignored":         "Declarations for communes not on the surface are ignored and counted; items of unknown technology or programme are counted as unused.",
		},
	}
}

// breakdown turns per-commune estimates of layer l into figures and rollups.
func (s *Surface) breakdown(l Layer, key, kind, value string, ests []est, opt Options) Breakdown {
	b := Breakdown{
		Key:       key,
		Kind:      kind,
		Value:     value,
		Communes:  make([]CommuneFigure, len(s.cells)),
		Districts: make([]Rollup, len(s.districts)),
	}
	for i, d := range s.districts {
		b.Districts[i].Code, b.Districts[i].Name = d.code, d.name
	}
	for i, e := range ests {
		cc := &s.cells[i]
		share := min(max(e.share, 0), 1)
		f := CommuneFigure{
			Code:       s.communes[i].Code,
			Population: int(cc.people),
			Share:      share,
			Status:     opt.status(share),
		}
		if cc.people > 0 {
			f.Covered = min(e.w, float64(cc.people))
		}
		b.Communes[i] = f
		b.Districts[s.districtOf[i]].add(f, opt.ReachedThreshold(l))
		b.Province.add(f, opt.ReachedThreshold(l))
	}
	for i := range b.Districts {
		b.Districts[i].ReachedThreshold = opt.ReachedThreshold(l)
		b.Districts[i].finish()
	}
	b.Province.ReachedThreshold = opt.ReachedThreshold(l)
	b.Province.finish()
	return b
}

// reachedThresholds lists every layer's reached threshold.
func reachedThresholds(opt Options) map[Layer]float64 {
	out := make(map[Layer]float64, len(Layers))
	for _, l := range Layers {
		out[l] = opt.ReachedThreshold(l)
	}
	return out
}
