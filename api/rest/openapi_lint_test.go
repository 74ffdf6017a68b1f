package rest

import (
	"encoding/json"
	"fmt"
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
