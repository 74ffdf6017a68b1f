package rest

import (
	"encoding/json"
	"strings"
	"testing"
)

// A provider names each layer once: a repeated layer is a 400 naming it,
// and nothing is stored.
func TestProviders_DuplicateLayerRefused(t *testing.T) {
	s, store, _ := writableServer(t)
	admin, _ := adminAndProvider(t, store)
	before := storeState(t, store)
	for body, layer := range map[string]string{
		`{"name":"vnpt","layers":["mobile","mobile"]}`:        "mobile",
		`{"name":"vnpt","layers":["phone","mobile","phone"]}`: "phone",
	} {
		t.Run(body, func(t *testing.T) {
			rec := do(t, s, "POST", "/api/v1/providers", admin, body)
			var p Problem
			json.Unmarshal(rec.Body.Bytes(), &p)
			if rec.Code != 400 || !strings.Contains(p.Detail, quote(layer)) {
				t.Fatalf("%d %s, want 400 naming %q", rec.Code, rec.Body, layer)
			}
		})
	}
	if after := storeState(t, store); after != before {
		t.Fatalf("a refused provider changed the store: %s → %s", before, after)
	}
}
