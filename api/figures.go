package api

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/export"
)

// Figures is the calculator's result for one day: the communes, the result
// computed from the filings in force that day, and when it ran. The figures
// of today are the current snapshot's; those of another day come from the
// same surface and the same Compute, on the filings in force that day.
type Figures struct {
	AsOf       string        // the day, YYYY-MM-DD
	KnownAt    string        // the day the figures are as known on; "" for today
	ComputedAt string        // when the snapshot was computed, RFC 3339
	Communes   []geo.Commune // in the order of Result's per-commune figures
	Result     *geo.Result
	Snap       *Snapshot // the snapshot whose surface computed them
}

// Table joins the communes with the union-of-providers figures of a layer.
func (f *Figures) Table(layer geo.Layer) (*export.Table, error) {
	return f.BreakdownTable(layer, "")
}

// BreakdownTable joins the communes with the figures of one breakdown of a
// layer (a key of the layer's breakdowns: "provider:viettel",
// "technology:4G"…; "" or "all" for every provider together). A key the
// layer does not have is an error wrapping data.ErrInvalid that lists the
// keys it has.
func (f *Figures) BreakdownTable(layer geo.Layer, key string) (*export.Table, error) {
	lr := f.Result.Layer(layer)
	if lr == nil {
		return nil, fmt.Errorf("%w: layer %q", data.ErrNotFound, layer)
	}
	if key == "" {
		key = geo.KindAll
	}
	bd := lr.Breakdown(key)
	if bd == nil {
		keys := make([]string, 0, len(lr.Breakdowns))
		for _, b := range lr.Breakdowns {
			keys = append(keys, b.Key)
		}
		return nil, fmt.Errorf("%w: breakdown %s is not one of layer %s's: %s", data.ErrInvalid, quote(key), layer, strings.Join(keys, ", "))
	}
	t, err := export.NewTable(layer, f.Communes, bd.Communes)
	if err != nil {
		return nil, err
	}
	t.AsOf, t.ComputedAt, t.Method = f.AsOf, f.ComputedAt, f.Result.Method
	if key != geo.KindAll {
		t.Breakdown = key
	}
	reached := f.Snap.calc.ReachedThreshold(layer)
	figs := bd.Communes
	for i := range t.Rows {
		t.Rows[i].Remote = f.Snap.RemoteAt(i)
		t.Rows[i].Reached = figs[i].Share >= reached
	}
	return t, nil
}

// ParseDay checks a date YYYY-MM-DD, or an RFC 3339 date-time whose UTC
// day is taken, and returns the day.
func ParseDay(s string) (string, error) {
	if d, err := time.Parse(time.DateOnly, s); err == nil {
		return d.Format(time.DateOnly), nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t.UTC().Format(time.DateOnly), nil
	}
	return "", fmt.Errorf("%w: date %s: want YYYY-MM-DD (or an RFC 3339 date-time)", data.ErrInvalid, quote(s))
}

// FiguresOn returns the figures as of day (YYYY-MM-DD; "" for the current
// figures): the current snapshot's when day is the day it was computed,
// otherwise the result of the filings in force on day, computed on the
// snapshot's surface once per set of filings in force and kept with the
// snapshot's history (resultAt), so that the days between two filings
// share one computation. A day after the snapshot's is refused as
// Snapshot.CheckDay refuses as_of.
func (s *Service) FiguresOn(ctx context.Context, day string) (*Figures, error) {
	return s.FiguresKnown(ctx, day, "")
}

// FiguresKnown is FiguresOn as known on knownAt (YYYY-MM-DD; "" for today;
// see Snapshot.CheckKnownAt and ResultKnown): the figures published on a
// day, whatever was filed after it.
func (s *Service) FiguresKnown(ctx context.Context, day, knownAt string) (*Figures, error) {
	return s.FiguresUnits(ctx, day, knownAt, "")
}

// FiguresUnits is FiguresKnown on the unit set named units (View): ""
// for the set in force on day.
func (s *Service) FiguresUnits(ctx context.Context, day, knownAt, units string) (*Figures, error) {
	snap, err := s.Current()
	if err != nil {
		return nil, err
	}
	if err := snap.CheckDay("as_of", day); err != nil {
		return nil, err
	}
	if snap, err = s.View(ctx, snap, units, day); err != nil {
		return nil, err
	}
	if knownAt != "" {
		if day, err = snap.CheckKnownAt(day, knownAt); err != nil {
			return nil, err
		}
		if knownAt < snap.Day {
			res, _, err := s.ResultKnown(ctx, snap, day, knownAt)
			if err != nil {
				return nil, err
			}
			return &Figures{AsOf: day, KnownAt: knownAt, ComputedAt: snap.ComputedAt, Communes: snap.Communes, Result: res, Snap: snap}, nil
		}
	}
	// The snapshot took the filings in force on the UTC day it was
	// computed: the date part of its RFC 3339 time.
	day0, _, _ := strings.Cut(snap.ComputedAt, "T")
	if day == "" || day == day0 {
		return &Figures{AsOf: day0, ComputedAt: snap.ComputedAt, Communes: snap.Communes, Result: snap.Result, Snap: snap}, nil
	}
	res, _, err := s.ResultAt(ctx, snap, day)
	if err != nil {
		return nil, err
	}
	return &Figures{AsOf: day, ComputedAt: snap.ComputedAt, Communes: snap.Communes, Result: res, Snap: snap}, nil
}

// contains reports whether list holds s.
func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func toStrings(ls []geo.Layer) []string {
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = string(l)
	}
	return out
}

// sourceLayers are the filing layers a layer's figures draw on: phone
// counts mobile signal too (see the calculator's rules).
var sourceLayers = map[geo.Layer][]geo.Layer{geo.Phone: {geo.Phone, geo.Mobile}}

// describeSource fills t.Source: where the communes come from and which
// filings gave the figures, marking demonstration data as such.
func (s *Service) describeSource(ctx context.Context, t *export.Table, knownAt string) error {
	filings, err := s.store.FilingsInForceKnown(ctx, t.AsOf, knownAt)
	if err != nil {
		return err
	}
	layers := sourceLayers[t.Layer]
	if layers == nil {
		layers = []geo.Layer{t.Layer}
	}
	boundaries := map[string]int{}
	for _, r := range t.Rows {
		boundaries[r.Boundary]++
	}
	var bs []string
	for b, n := range boundaries {
		if b == geo.BoundaryApproximate {
			b = "approximate shapes computed by Phủ Sóng from interior points and areas"
		}
		bs = append(bs, fmt.Sprintf("%s (%d)", b, n))
	}
	sort.Strings(bs)
	// One entry per provider and layer, listing its filings in force, and
	// each distinct filing source once.
	type key struct {
		provider string
		layer    geo.Layer
	}
	var keys []key
	byKey := map[key][]string{}
	var sources []string
	demo := false
	for _, f := range filings {
		if !contains(toStrings(layers), string(f.Layer)) {
			continue
		}
		k := key{f.Provider, f.Layer}
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], fmt.Sprintf("%d (as of %s)", f.ID, f.AsOf))
		if f.Source != "" && !contains(sources, f.Source) {
			sources = append(sources, f.Source)
		}
		demo = demo || f.Demo
	}
	var fs []string
	for _, k := range keys {
		fs = append(fs, fmt.Sprintf("%s %s: filings %s", k.provider, k.layer, strings.Join(byKey[k], ", ")))
	}
	src := fmt.Sprintf("%d communes with their census population; boundaries: %s. Filings in force on %s: ",
		len(t.Rows), strings.Join(bs, ", "), t.AsOf)
	if len(fs) == 0 {
		src += "none."
	} else {
		src += strings.Join(fs, "; ") + "."
	}
	if len(sources) > 0 {
		src += " Filing sources: " + strings.Join(sources, "; ") + "."
	}
	if demo {
		src += " Includes demonstration filings generated by Phủ Sóng: not real coverage."
	}
	if knownAt != "" {
		src += " Figures as known on " + knownAt + ": the filings submitted and the withdrawals made by then."
	}
	t.Source = src
	return nil
}

// quote writes s as a JSON string, so that an error names a value exactly,
// spaces and control characters included.
func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
