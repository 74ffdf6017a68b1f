package basemap

// The style the service serves for its archive: a quiet map of the
// Protomaps basemap's layers (version 4 of its schema: earth, landcover,
// landuse, water, boundaries, roads, places), drawn under the communes,
// with the place names over them. It names no glyphs or sprite: MapLibre
// (from version 6) draws the names itself with the browser's fonts when a
// style has no glyphs URL, so the page requests nothing but the tiles, from
// the service itself.

// SourceID is the style's one source.
const SourceID = "basemap"

// OverCommunes is the metadata key of the style's layers that the page
// draws over its communes (the place names); the rest go under them.
const OverCommunes = "phusong:over-communes"

// DefaultAttribution is the attribution when the archive's metadata has
// none: the Protomaps basemap is made from OpenStreetMap (ODbL).
const DefaultAttribution = `© <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`

// Attribution is the archive's attribution, or DefaultAttribution.
func (a *Archive) Attribution() string {
	if s, ok := a.Metadata()["attribution"].(string); ok && s != "" {
		return s
	}
	return DefaultAttribution
}

// TileJSON is the archive's TileJSON 3.0.0 document, its tiles at tilesURL
// (a template with {z}, {x} and {y}).
func (a *Archive) TileJSON(tilesURL string) map[string]any {
	doc := map[string]any{
		"tilejson":    "3.0.0",
		"name":        "basemap",
		"scheme":      "xyz",
		"tiles":       []string{tilesURL},
		"minzoom":     a.MinZoom(),
		"maxzoom":     a.MaxZoom(),
		"bounds":      a.Bounds(),
		"center":      a.Center(),
		"attribution": a.Attribution(),
	}
	md := a.Metadata()
	for _, k := range []string{"name", "description", "version", "vector_layers"} {
		if v, ok := md[k]; ok {
			doc[k] = v
		}
	}
	if _, ok := doc["vector_layers"]; !ok {
		doc["vector_layers"] = []any{}
	}
	return doc
}

// Style is the MapLibre style of the archive, its tiles at tilesURL.
func (a *Archive) Style(tilesURL string) map[string]any {
	kind := func(kinds ...string) []any {
		return []any{"in", []any{"get", "kind"}, []any{"literal", kinds}}
	}
	geometry := func(t string) []any { return []any{"==", []any{"geometry-type"}, t} }
	zoomed := func(pairs ...float64) []any {
		e := []any{"interpolate", []any{"exponential", 1.6}, []any{"zoom"}}
		for _, p := range pairs {
			e = append(e, p)
		}
		return e
	}
	name := []any{"coalesce", []any{"get", "name:vi"}, []any{"get", "name"}}
	layer := func(id, typ, sourceLayer string, filter []any, paint map[string]any) map[string]any {
		l := map[string]any{"id": id, "type": typ, "source": SourceID, "source-layer": sourceLayer, "paint": paint}
		if filter != nil {
			l["filter"] = filter
		}
		return l
	}
	roads := func(id string, minzoom float64, filter []any, colour string, width []any) map[string]any {
		l := layer(id, "line", "roads", filter, map[string]any{"line-color": colour, "line-width": width})
		l["minzoom"] = minzoom
		l["layout"] = map[string]any{"line-join": "round", "line-cap": "round"}
		return l
	}
	places := layer("basemap-places", "symbol", "places", kind("locality", "macrohood", "neighbourhood", "region"), map[string]any{
		"text-color":      "#1f2a36",
		"text-halo-color": "rgba(255, 255, 255, 0.92)",
		"text-halo-width": 1.6,
	})
	places["layout"] = map[string]any{
		"text-field": name,
		// No glyphs URL: MapLibre draws the names with the browser's own
		// fonts, this name first (as installed), then sans-serif.
		"text-font":            []string{"Noto Sans Regular"},
		"text-size":            []any{"interpolate", []any{"linear"}, []any{"zoom"}, 6, 11, 12, 15},
		"text-max-width":       8,
		"text-padding":         4,
		"symbol-sort-key":      []any{"-", 0, []any{"coalesce", []any{"get", "population_rank"}, 0}},
		"text-variable-anchor": []string{"top", "bottom", "left", "right"},
		"text-radial-offset":   0.3,
	}
	places["metadata"] = map[string]any{OverCommunes: true}

	return map[string]any{
		"version": 8,
		"name":    "Phủ Sóng basemap",
		"sources": map[string]any{SourceID: map[string]any{
			"type":        "vector",
			"tiles":       []string{tilesURL},
			"minzoom":     a.MinZoom(),
			"maxzoom":     a.MaxZoom(),
			"bounds":      a.Bounds(),
			"attribution": a.Attribution(),
		}},
		"layers": []any{
			map[string]any{"id": "basemap-background", "type": "background", "paint": map[string]any{"background-color": "#dfe7ee"}},
			layer("basemap-earth", "fill", "earth", nil, map[string]any{"fill-color": "#f1efe9"}),
			layer("basemap-landcover", "fill", "landcover", kind("forest", "scrub", "grassland", "farmland"), map[string]any{
				"fill-color": "#dfe9d3", "fill-opacity": 0.6}),
			layer("basemap-landuse", "fill", "landuse", kind("park", "forest", "wood", "nature_reserve", "national_park", "protected_area", "farmland", "residential"), map[string]any{
				"fill-color": []any{"match", []any{"get", "kind"}, "residential", "#e9e4dc", "farmland", "#ecedd6", "#d9e6cc"}, "fill-opacity": 0.7}),
			layer("basemap-water", "fill", "water", geometry("Polygon"), map[string]any{"fill-color": "#a9cbe4"}),
			layer("basemap-rivers", "line", "water", geometry("LineString"), map[string]any{
				"line-color": "#7eafd6",
				// One zoom curve, the river wider than the streams at each end.
				"line-width": []any{"interpolate", []any{"exponential", 1.6}, []any{"zoom"},
					6, []any{"match", []any{"get", "kind"}, "river", 0.8, 0.3},
					14, []any{"match", []any{"get", "kind"}, "river", 6, 2}},
			}),
			layer("basemap-boundaries", "line", "boundaries", kind("country", "region", "county"), map[string]any{
				"line-color": "#8d7f9c", "line-dasharray": []float64{3, 2},
				"line-width": []any{"match", []any{"get", "kind"}, "country", 1.6, "region", 1.1, 0.7},
			}),
			roads("basemap-roads-minor", 10, kind("minor_road", "other"), "#c4baa9", zoomed(10, 0.4, 16, 5)),
			roads("basemap-roads-major", 7, kind("major_road"), "#d79b55", zoomed(7, 0.6, 16, 8)),
			roads("basemap-roads-highway", 5, kind("highway"), "#cf6d2f", zoomed(5, 0.8, 16, 10)),
			places,
		},
	}
}
