package rest

import (
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/phusong/phusong/api"
	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/geo"
)

// schemaTypes pairs each schema of openapi.json with the Go type whose
// JSON it describes.
var schemaTypes = map[string]any{
	"Board":              api.Board{},
	"IndicatorEntry":     api.IndicatorEntry{},
	"IndicatorDetail":    api.IndicatorDetail{},
	"Indicator":          data.Indicator{},
	"Resolution":         data.Resolution{},
	"ResolutionEntry":    data.ResolutionEntry{},
	"IndicatorLatest":    api.IndicatorLatest{},
	"IndicatorPoint":     api.IndicatorPoint{},
	"IndicatorForecast":  api.IndicatorForecast{},
	"IndicatorValue":     data.IndicatorValue{},
	"IndicatorValueRow":  api.IndicatorValueRow{},
	"UnitValue":          api.UnitValue{},
	"NewIndicator":       api.NewIndicator{},
	"ValueInput":         api.ValueInput{},
	"ValueProblem":       api.ValueProblem{},
	"ValuesAnswer":       valuesAnswer{},
	"IndicatorProblem":   valueProblemDoc{},
	"LayerInfo":          layerInfo{},
	"Method":             geo.Method{},
	"Rollup":             geo.Rollup{},
	"SummaryAll":         summaryAll{},
	"SummaryLayer":       summaryLayer{},
	"FeatureProblem":     geo.FeatureProblem{},
	"FilingReport":       filingReport{},
	"FilingAnswer":       filingAnswer{},
	"Filing":             data.Filing{},
	"SupersededFiling":   data.Superseded{},
	"ListedFiling":       listedFiling{},
	"Provider":           data.Provider{},
	"AuditEntry":         data.AuditEntry{},
	"RemoteSet":          api.RemoteSet{},
	"Target":             geo.Target{},
	"TargetValue":        geo.TargetValue{},
	"TargetHistoryPoint": api.HistoryPoint{},
	"TargetForecast":     api.TargetForecast{},
	"TargetAnswer":       api.TargetAnswer{},
	"RemoteCommune":      remoteCommune{},
	"GapCommune":         api.GapRow{},
	"GapPlan":            api.Plan{},
	"WhatIfRequest":      api.WhatIfRequest{},
	"RollupChange":       api.RollupChange{},
	"WhatIfLayer":        api.LayerChange{},
	"WhatIfTarget":       api.TargetChange{},
	"WhatIfAnswer":       api.WhatIfAnswer{},
	"CommuneCard":        communeCard{},
	"UnitSet":            unitSetAnswer{},
	"Lineage":            api.Lineage{},
	"LineageStep":        api.LineageStep{},
	"LineageUnit":        api.LineageUnit{},
	"CommuneHistory":     communeHistory{},
	"Cluster":            api.Cluster{},
	"ClusterCommune":     api.ClusterCommune{},
	"ClustersAnswer":     clustersAnswer{},
	"PopulationGrid":     data.PopulationGridInfo{},
	"PopulationAnswer":   populationAnswer{},
}

// jsonFields returns the names a type marshals to JSON, embedded structs
// flattened.
func jsonFields(t reflect.Type) []string {
	var out []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if f.Anonymous && name == "" {
			ft := f.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				out = append(out, jsonFields(ft)...)
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	slices.Sort(out)
	return out
}

// schemaProperties returns the property names of a schema, through $ref
// and allOf.
func schemaProperties(schemas map[string]any, s map[string]any) []string {
	var out []string
	if ref, ok := s["$ref"].(string); ok {
		return schemaProperties(schemas, schemas[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any))
	}
	for _, part := range asList(s["allOf"]) {
		out = append(out, schemaProperties(schemas, part.(map[string]any))...)
	}
	if props, ok := s["properties"].(map[string]any); ok {
		for k := range props {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

func asList(v any) []any { l, _ := v.([]any); return l }

// The Go types of the documented answers and requests and the OpenAPI
// document name the same fields: a field added to one and not the other
// fails here, so the contract, the code and the web application (which
// reads the contract's names) cannot drift apart.
func TestOpenAPI_SchemasMatchGoTypes(t *testing.T) {
	var doc struct {
		Components struct {
			Schemas map[string]any `json:"schemas"`
		} `json:"components"`
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for name, v := range schemaTypes {
		s, ok := doc.Components.Schemas[name].(map[string]any)
		if !ok {
			t.Errorf("openapi.json has no schema %s", name)
			continue
		}
		want, got := schemaProperties(doc.Components.Schemas, s), jsonFields(reflect.TypeOf(v))
		if !slices.Equal(got, want) {
			var onlyGo, onlyDoc []string
			for _, f := range got {
				if !slices.Contains(want, f) {
					onlyGo = append(onlyGo, f)
				}
			}
			for _, f := range want {
				if !slices.Contains(got, f) {
					onlyDoc = append(onlyDoc, f)
				}
			}
			t.Errorf("schema %s and %T differ: only in Go %v, only in openapi.json %v", name, v, onlyGo, onlyDoc)
		}
	}
}
