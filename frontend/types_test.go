package frontend

import (
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// tsSchemas pairs the interfaces of src/api.ts with the schemas of the
// service's OpenAPI document that describe the same JSON.
var tsSchemas = map[string]string{
	"LayerInfo": "LayerInfo", "Rollup": "Rollup", "Method": "Method", "SummaryAll": "SummaryAll",
	"LayerSummary": "SummaryLayer", "CommuneCard": "CommuneCard", "FilingProblem": "FeatureProblem",
	"Problem": "Problem", "FilingAnswer": "FilingAnswer", "SupersededFiling": "SupersededFiling", "ListedFiling": "ListedFiling", "TargetValue": "TargetValue",
	"TargetPoint": "TargetHistoryPoint", "Forecast": "TargetForecast", "Target": "TargetAnswer",
	"GapCommune": "GapCommune", "WhatIfAnswer": "WhatIfAnswer", "CommuneHistory": "CommuneHistory",
	"PeopleFeatureCollection": "PeopleFeatureCollection", "ClustersAnswer": "ClustersAnswer",
	"Cluster": "Cluster", "ClusterCommune": "ClusterCommune",
	"Resolution": "Resolution", "BoardResolution": "ResolutionEntry", "IndicatorLatest": "IndicatorLatest",
	"IndicatorPoint": "IndicatorPoint", "IndicatorForecast": "IndicatorForecast", "Indicator": "IndicatorEntry",
	"IndicatorBoard": "Board", "IndicatorValue": "IndicatorValueRow", "IndicatorUnitValue": "UnitValue",
	"IndicatorDetail": "IndicatorDetail", "IndicatorProblem": "ValueProblem",
	"UnitsMember": "UnitsMember", "UnitSet": "UnitSet", "UnitSets": "UnitSets", "LineageUnit": "LineageUnit",
	"LineageStep": "LineageStep", "Lineage": "Lineage", "CommuneProps": "LayerProperties",
}

// The web application reads only fields the API documents: every field of
// the interfaces in src/api.ts is a property of the matching schema in
// api/rest/openapi.json (which a test of api/rest keeps equal to the Go
// types). A renamed field fails here instead of showing blanks on a map.
func TestTypes_FrontendFieldsAreDocumented(t *testing.T) {
	src, err := os.ReadFile("src/api.ts")
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile("../api/rest/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	var props func(s map[string]any) []string
	props = func(s map[string]any) []string {
		var out []string
		if ref, ok := s["$ref"].(string); ok {
			return props(doc.Components.Schemas[strings.TrimPrefix(ref, "#/components/schemas/")])
		}
		if all, ok := s["allOf"].([]any); ok {
			for _, p := range all {
				out = append(out, props(p.(map[string]any))...)
			}
		}
		if ps, ok := s["properties"].(map[string]any); ok {
			for k := range ps {
				out = append(out, k)
			}
		}
		return out
	}
	iface := regexp.MustCompile(`(?ms)^export interface (\w+)[^{]*\{\n(.*?)^\}`)
	field := regexp.MustCompile(`(?m)^  (\w+)\??:`)
	seen := 0
	for _, m := range iface.FindAllSubmatch(src, -1) {
		name := string(m[1])
		schema, ok := tsSchemas[name]
		if !ok {
			continue
		}
		seen++
		s, ok := doc.Components.Schemas[schema]
		if !ok {
			t.Errorf("openapi.json has no schema %s (for the interface %s)", schema, name)
			continue
		}
		documented := props(s)
		for _, f := range field.FindAllSubmatch(m[2], -1) {
			if !slices.Contains(documented, string(f[1])) {
				t.Errorf("src/api.ts: %s.%s is not a property of the schema %s", name, f[1], schema)
			}
		}
	}
	if seen != len(tsSchemas) {
		t.Errorf("found %d of the %d paired interfaces in src/api.ts", seen, len(tsSchemas))
	}
}
