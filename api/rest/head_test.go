package rest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// headTargets are a request of every GET route of the router, by the
// route's pattern, and the role of the token it needs ("" for none). A new
// GET route fails TestHead_EveryGetRoute until it has one here.
var headTargets = map[string]struct{ target, role string }{
	"/healthz":                                        {"/healthz", ""},
	"/api/openapi.json":                               {"/api/openapi.json", ""},
	"/api/v1/config":                                  {"/api/v1/config", ""},
	"/api/v1/changes":                                 {"/api/v1/changes", ""},
	"/api/v1/layers":                                  {"/api/v1/layers", ""},
	"/api/v1/layers/:layer/communes":                  {"/api/v1/layers/mobile/communes", ""},
	"/api/v1/layers/:layer/people":                    {"/api/v1/layers/mobile/people", ""},
	"/api/v1/layers/:layer/clusters":                  {"/api/v1/layers/mobile/clusters", ""},
	"/api/v1/population":                              {"/api/v1/population", ""},
	"/api/v1/summary":                                 {"/api/v1/summary?layer=mobile", ""},
	"/api/v1/communes/:code":                          {"/api/v1/communes/04807", ""},
	"/api/v1/unit-sets":                               {"/api/v1/unit-sets", ""},
	"/api/v1/provinces":                               {"/api/v1/provinces", ""},
	"/api/v1/communes/:code/history":                  {"/api/v1/communes/04807/history", ""},
	"/api/v1/targets":                                 {"/api/v1/targets", ""},
	"/api/v1/targets/:id":                             {"/api/v1/targets/1", ""},
	"/api/v1/indicators":                              {"/api/v1/indicators", ""},
	"/api/v1/indicators/:id":                          {"/api/v1/indicators/pci-transparency", ""},
	"/api/v1/remote-communes":                         {"/api/v1/remote-communes", ""},
	"/api/v1/gaps":                                    {"/api/v1/gaps?layer=mobile", ""},
	"/api/v1/report":                                  {"/api/v1/report", ""},
	"/api/v1/export/:file":                            {"/api/v1/export/mobile.csv", ""},
	"/api/v1/filings":                                 {"/api/v1/filings", "provider"},
	"/api/v1/filings/:id":                             {"/api/v1/filings/1", "provider"},
	"/api/v1/filings/:id/features":                    {"/api/v1/filings/1/features", "provider"},
	"/api/v1/providers":                               {"/api/v1/providers", "admin"},
	"/api/v1/audit":                                   {"/api/v1/audit", "admin"},
	"/ogc":                                            {"/ogc", ""},
	"/ogc/api":                                        {"/ogc/api", ""},
	"/ogc/conformance":                                {"/ogc/conformance", ""},
	"/ogc/collections":                                {"/ogc/collections", ""},
	"/ogc/collections/:collectionId":                  {"/ogc/collections/mobile", ""},
	"/ogc/collections/:collectionId/queryables":       {"/ogc/collections/mobile/queryables", ""},
	"/ogc/collections/:collectionId/items":            {"/ogc/collections/mobile/items?limit=5", ""},
	"/ogc/collections/:collectionId/items/:featureId": {"/ogc/collections/mobile/items/04807", ""},
	"/tiles/:layer":                                   {"/tiles/mobile.json", ""},
	"/tiles/:layer/:z/:x/:y":                          {tileURL("mobile", hoaBinhTile(9)), ""},
	"/readyz":                                         {"/readyz", ""},
	"/metrics":                                        {"/metrics", ""},
}

// headVolatile are the targets whose body changes from one request to the
// next (the snapshot's age, the counts of requests), so that the length a
// HEAD announces is not the GET's before it.
var headVolatile = map[string]bool{"/readyz": true, "/metrics": true}

// HEAD is answered wherever GET is (RFC 9110 §9.3.2): the same status and
// headers, no body. Every GET route of the router is asked both ways, as
// are the web application's files and pages that do not exist, in
// identity and gzip, and with the ETag of the answer (a 304).
func TestHead_EveryGetRoute(t *testing.T) {
	s, store, logs := writableServer(t)
	tokens := map[string]string{}
	tokens["admin"], tokens["provider"] = adminAndProvider(t, store)
	if rec := post(t, s, "/api/v1/filings", tokens["provider"], "application/geo+json", "", openAPIFiling); rec.Code != http.StatusCreated {
		t.Fatalf("filing: %d %s", rec.Code, rec.Body)
	}
	type request struct{ target, role string }
	requests := []request{{"/", ""}, {"/missing.png", ""}, {"/api/v1/nothing", ""}, {"/api/v1/filings", ""}, {"/api/v1/communes/00000", ""}}
	for _, r := range s.router.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		h, ok := headTargets[r.Path]
		if !ok {
			t.Errorf("GET %s: no request of it in headTargets", r.Path)
			continue
		}
		requests = append(requests, request{h.target, h.role})
	}
	send := func(method string, r request, header http.Header) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, r.target, nil)
		for k, v := range header {
			req.Header[k] = v
		}
		if r.role != "" {
			req.Header.Set("Authorization", "Bearer "+tokens[r.role])
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	for _, r := range requests {
		t.Run(r.target, func(t *testing.T) {
			headers := []http.Header{{}, {"Accept-Encoding": {"gzip"}}}
			if etag := send(http.MethodGet, r, headers[1]).Header().Get("ETag"); etag != "" {
				headers = append(headers, http.Header{"Accept-Encoding": {"gzip"}, "If-None-Match": {etag}})
			}
			for _, header := range headers {
				get, head := send(http.MethodGet, r, header), send(http.MethodHead, r, header)
				if head.Code != get.Code || head.Body.Len() != 0 {
					t.Fatalf("%v: HEAD %d with %d bytes, GET %d", header, head.Code, head.Body.Len(), get.Code)
				}
				for k, v := range get.Header() {
					if k == "Content-Length" {
						continue
					}
					if got := head.Header().Values(k); len(got) != len(v) || (len(v) > 0 && got[0] != v[0]) {
						t.Errorf("%v: HEAD's %s %q, GET's %q", header, k, got, v)
					}
				}
				if n := head.Header().Get("Content-Length"); n != "" && n != strconv.Itoa(get.Body.Len()) && !headVolatile[r.target] {
					t.Errorf("%v: HEAD's Content-Length %s, GET's body %d bytes", header, n, get.Body.Len())
				}
			}
		})
	}
	if !strings.Contains(logs.String(), "method=HEAD path=/healthz status=200") {
		t.Errorf("the access log does not say HEAD:\n%.2000s", logs)
	}

	// Over a real connection, a large body (sent chunked to a GET) is
	// announced by its length and not sent.
	srv := httptest.NewServer(s.Handler())
	defer srv.Close()
	do := func(method string) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+"/api/v1/layers/mobile/communes", nil)
		req.Header.Set("Accept-Encoding", "gzip") // set, so that the client does not gunzip
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	get := do(http.MethodGet)
	body, _ := io.ReadAll(get.Body)
	get.Body.Close()
	head := do(http.MethodHead)
	n, _ := io.Copy(io.Discard, head.Body)
	head.Body.Close()
	if head.StatusCode != get.StatusCode || head.ContentLength != int64(len(body)) || n != 0 || head.Header.Get("ETag") != get.Header.Get("ETag") {
		t.Fatalf("HEAD %d, Content-Length %d, %d bytes, ETag %q; GET %d, %d bytes, ETag %q",
			head.StatusCode, head.ContentLength, n, head.Header.Get("ETag"), get.StatusCode, len(body), get.Header.Get("ETag"))
	}
}
