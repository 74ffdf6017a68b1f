package rest

import (
	"encoding/json"
	"fmt"
	"maps"
	"reflect"
	"testing"
)

// OAS 3.0.3 lets null through only a schema that has a type and is
// nullable: "nullable: true" beside an allOf without a type allows no null
// at all (redocly: "The type field must be defined when the nullable field
// is used"). kin-openapi does not check it, so the document is walked here.
func TestOpenAPI_NullableHasType(t *testing.T) {
	var doc any
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	var walk func(path string, v any)
	walk = func(path string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if n, _ := v["nullable"].(bool); n {
				if _, ok := v["type"]; !ok {
					t.Errorf("%s: nullable without type", path)
				}
			}
			for k, c := range v {
				walk(path+"/"+k, c)
			}
		case []any:
			for i, c := range v {
				walk(fmt.Sprintf("%s/%d", path, i), c)
			}
		}
	}
	walk("#", doc)
}

// The OGC CITE suite compares the definitions of limit, bbox and datetime
// with the fragments of OGC API – Features Part 1 (/req/core/fc-limit-
// definition, fc-bbox-definition, fc-time-definition) literally: every
// field but the description must be the standard's. bbox is the form of the
// requirement's text, minItems 4 and maxItems 6; the oneOf of exactly 4 or
// 6 that some copies of the fragment carry is left out, as kin-openapi (the
// contract tests) cannot decode a styled array under a oneOf, and the
// handler refuses 5 numbers with a 400 anyway.
func TestOpenAPI_OGCParametersAreTheStandards(t *testing.T) {
	want := map[string]string{
		"limit": `{"name":"limit","in":"query","required":false,"style":"form","explode":false,
			"schema":{"type":"integer","minimum":1,"maximum":10000,"default":10}}`,
		"bbox": `{"name":"bbox","in":"query","required":false,"style":"form","explode":false,
			"schema":{"type":"array","minItems":4,"maxItems":6,"items":{"type":"number"}}}`,
		"datetime": `{"name":"datetime","in":"query","required":false,"style":"form","explode":false,
			"schema":{"type":"string"}}`,
	}
	var doc struct {
		Components struct {
			Parameters map[string]map[string]any
		}
	}
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		t.Fatal(err)
	}
	for name, w := range want {
		t.Run(name, func(t *testing.T) {
			var wantParam map[string]any
			if err := json.Unmarshal([]byte(w), &wantParam); err != nil {
				t.Fatal(err)
			}
			got := maps.Clone(doc.Components.Parameters[name])
			delete(got, "description")
			if !reflect.DeepEqual(got, wantParam) {
				g, _ := json.Marshal(got)
				t.Fatalf("components.parameters.%s is\n%s\nwant (description aside)\n%s", name, g, w)
			}
		})
	}
}
