package rest

import (
	"encoding/json"
	"strings"
)

// ogcAPIDoc is the OpenAPI document that /ogc/api serves as the OGC API's
// service-desc: the operations under /ogc with their paths relative to the
// landing page and a server at base+"/ogc", as OGC clients read it. GDAL's
// OAPIF driver looks up "/collections/{collectionId}/items" there to learn
// which parameters (status, code, filter, filter-lang) it may send rather
// than filter on the client (issue 16, item 12); under the whole API's
// paths ("/ogc/collections/...") it found none. The components are kept
// whole, so every reference resolves. The full document stays at
// /api/openapi.json.
func ogcAPIDoc(base string) ([]byte, error) {
	var doc map[string]json.RawMessage
	if err := json.Unmarshal(openAPIDoc, &doc); err != nil {
		return nil, err
	}
	var paths map[string]json.RawMessage
	if err := json.Unmarshal(doc["paths"], &paths); err != nil {
		return nil, err
	}
	ogc := make(map[string]json.RawMessage)
	for p, op := range paths {
		switch {
		case p == "/ogc":
			ogc["/"] = op
		case strings.HasPrefix(p, "/ogc/"):
			ogc[strings.TrimPrefix(p, "/ogc")] = op
		}
	}
	var err error
	if doc["paths"], err = json.Marshal(ogc); err != nil {
		return nil, err
	}
	servers := []map[string]string{{"url": base + "/ogc", "description": "the OGC API – Features of this service"}}
	if doc["servers"], err = json.Marshal(servers); err != nil {
		return nil, err
	}
	return json.Marshal(doc)
}
