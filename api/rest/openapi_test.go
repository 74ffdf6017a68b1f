package rest

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/phusong/phusong/data"
	"github.com/phusong/phusong/data/pgtest"
	"github.com/phusong/phusong/geo"
	"github.com/phusong/phusong/geo/basemap/basemaptest"
)

// The OpenAPI document is the contract: these tests load it with
// kin-openapi, check that it describes every route the router has (and no
// route it lacks), and validate real answers — every documented status of
// every operation — against it.

func init() {
	// Media types the API answers with besides kin-openapi's defaults.
	openapi3filter.RegisterBodyDecoder("application/geo+json", openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.oai.openapi+json", openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/schema+json", openapi3filter.JSONBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/html", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.google-earth.kml+xml", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/vnd.mapbox-vector-tile", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("application/geopackage+sqlite3", openapi3filter.FileBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/csv", csvBodyDecoder)
}

// csvBodyDecoder checks that a CSV body parses and returns it as a string.
// Unlike kin-openapi's own, it lets records differ in width: the report's
// CSV holds three tables of different widths one under the other.
func csvBodyDecoder(body io.Reader, _ http.Header, _ *openapi3.SchemaRef, _ openapi3filter.EncodingFn) (any, error) {
	r := csv.NewReader(body)
	r.FieldsPerRecord = -1
	var sb strings.Builder
	for {
		record, err := r.Read()
		if err == io.EOF {
			return sb.String(), nil
		}
		if err != nil {
			return nil, err
		}
		sb.WriteString(strings.Join(record, ",") + "\n")
	}
}

func loadOpenAPI(t *testing.T) (*openapi3.T, routers.Router) {
	t.Helper()
	doc, err := openapi3.NewLoader().LoadFromData(openAPIDoc)
	if err != nil {
		t.Fatalf("openapi.json does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("openapi.json is not a valid OpenAPI 3 document: %v", err)
	}
	router, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	return doc, router
}

// routeShape reduces a path to its fixed segments, a segment holding a
// parameter becoming "*": Gin's /tiles/:layer and the document's
// /tiles/{layer}.json are both /tiles/*.
var paramSegment = regexp.MustCompile(`^[:*]|\{`)

func routeShape(method, path string) string {
	segs := strings.Split(path, "/")
	for i, s := range segs {
		if paramSegment.MatchString(s) {
			segs[i] = "*"
		}
	}
	return method + " " + strings.Join(segs, "/")
}

func TestOpenAPI_DocumentsEveryRoute(t *testing.T) {
	doc, _ := loadOpenAPI(t)
	documented := map[string]bool{}
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			documented[routeShape(method, path)] = true
		}
	}
	served := map[string]bool{}
	// The basemap's routes exist only on a service with a basemap.
	routes := append(testServer(t).router.Routes(), basemapServer(t, basemaptest.Options{}).router.Routes()...)
	for _, r := range routes {
		shape := routeShape(r.Method, r.Path)
		served[shape] = true
		if !documented[shape] {
			t.Errorf("route %s %s is not in api/openapi.json: describe it there", r.Method, r.Path)
		}
	}
	for shape := range documented {
		if !served[shape] {
			t.Errorf("api/openapi.json describes %s, which the router does not serve", shape)
		}
	}
}

// openAPIWriteCase is one request to a route that needs a token, or that
// writes or computes, run in order on a store of its own (filing 1 is the
// first stored, target 5 the first added after the four seeded ones).
type openAPIWriteCase struct {
	method, target, role, contentType, key, body string
	status                                       int
	// server is "" for the writable server, "limited" for one on the same
	// store whose rate limits are spent after one write per principal, one
	// what-if and one refused token per address,
	// "computing" for one whose figures are not computed yet, or "full"
	// for one whose disk is full (fullDisk; its cases are skipped where the
	// test cannot mount a file system to fill).
	server string
}

const openAPIFiling = `{"type":"FeatureCollection","layer":"mobile","as_of":"2025-06-30","features":[
 {"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[[105.28,20.78],[105.38,20.78],[105.38,20.88],[105.28,20.78]]]}},
 {"type":"Feature","properties":{"commune_code":"04882","technology":"3G","share":0.5},"geometry":null}]}`

var openAPIWriteCases = []openAPIWriteCase{
	{"POST", "/api/v1/filings?dry_run=true", "provider", "application/geo+json", "", openAPIFiling, 200, ""},
	{"POST", "/api/v1/filings", "provider", "application/geo+json", "k1", openAPIFiling, 201, ""},
	{"POST", "/api/v1/filings", "provider", "application/geo+json", "k1", strings.Replace(openAPIFiling, "2025-06-30", "2025-07-01", 1), 409, ""},
	{"POST", "/api/v1/filings?layer=phone&as_of=2025-01-01", "provider", "text/csv", "", "commune_code,technology,share\n04882,fixed_line,0.5\n", 201, ""},
	{"POST", "/api/v1/filings?dry_run=maybe", "provider", "application/geo+json", "", openAPIFiling, 400, ""},
	{"POST", "/api/v1/filings", "", "application/geo+json", "", openAPIFiling, 401, ""},
	{"POST", "/api/v1/filings", "admin", "application/geo+json", "", openAPIFiling, 403, ""},
	{"POST", "/api/v1/filings", "provider", "application/geo+json", "", `{"pad":"` + strings.Repeat("x", 65<<20) + `"}`, 413, ""},
	{"POST", "/api/v1/filings", "provider", "text/plain", "", openAPIFiling, 415, ""},
	{"POST", "/api/v1/filings", "provider", "application/geo+json", "", `{"type":"FeatureCollection","features":[]}`, 422, ""},
	{"POST", "/api/v1/filings?dry_run=true", "provider", "application/geo+json", "", openAPIFiling, 200, "limited"},
	{"POST", "/api/v1/filings?dry_run=true", "provider", "application/geo+json", "", openAPIFiling, 429, "limited"},
	{"GET", "/api/v1/filings", "provider", "", "", "", 200, ""},
	{"GET", "/api/v1/filings", "", "", "", "", 401, ""},
	{"GET", "/api/v1/filings/1", "provider", "", "", "", 200, ""},
	{"GET", "/api/v1/filings/1", "", "", "", "", 401, ""},
	{"GET", "/api/v1/filings/999", "admin", "", "", "", 404, ""},
	{"GET", "/api/v1/filings/1/features", "provider", "", "", "", 200, ""},
	{"GET", "/api/v1/filings/1/features", "", "", "", "", 401, ""},
	{"GET", "/api/v1/filings/x/features", "provider", "", "", "", 404, ""},
	{"DELETE", "/api/v1/filings/1", "provider", "", "", "", 200, ""},
	{"DELETE", "/api/v1/filings/1", "provider", "", "", "", 409, ""},
	{"DELETE", "/api/v1/filings/999", "provider", "", "", "", 404, ""},
	{"DELETE", "/api/v1/filings/1", "", "", "", "", 401, ""},
	{"GET", "/api/v1/providers", "admin", "", "", "", 200, ""},
	{"GET", "/api/v1/providers", "", "", "", "", 401, ""},
	{"GET", "/api/v1/providers", "provider", "", "", "", 403, ""},
	{"POST", "/api/v1/providers", "admin", "application/json", "", `{"name":"vnpt","layers":["phone","broadband"]}`, 201, ""},
	{"POST", "/api/v1/providers", "admin", "application/json", "", `{"name":"vnpt","layers":["phone"]}`, 409, ""},
	{"POST", "/api/v1/providers", "admin", "application/json", "", `{"name":"Bad Name","layers":["phone"]}`, 400, ""},
	{"POST", "/api/v1/providers", "", "application/json", "", `{"name":"x","layers":["phone"]}`, 401, ""},
	{"POST", "/api/v1/providers", "provider", "application/json", "", `{"name":"x","layers":["phone"]}`, 403, ""},
	{"POST", "/api/v1/providers/vnpt/tokens", "admin", "", "", "", 201, ""},
	{"POST", "/api/v1/providers/nobody/tokens", "admin", "", "", "", 404, ""},
	{"POST", "/api/v1/providers/vnpt/tokens", "", "", "", "", 401, ""},
	{"DELETE", "/api/v1/providers/vnpt/tokens", "admin", "", "", "", 200, ""},
	{"DELETE", "/api/v1/providers/nobody/tokens", "admin", "", "", "", 404, ""},
	{"DELETE", "/api/v1/providers/vnpt/tokens", "", "", "", "", 401, ""},
	{"GET", "/api/v1/audit?limit=5", "admin", "", "", "", 200, ""},
	{"GET", "/api/v1/audit?limit=0", "admin", "", "", "", 400, ""},
	{"GET", "/api/v1/audit", "", "", "", "", 401, ""},
	{"GET", "/api/v1/audit", "provider", "", "", "", 403, ""},
	{"POST", "/api/v1/targets", "admin", "application/json", "", openAPITarget, 201, ""},
	{"POST", "/api/v1/targets", "admin", "application/json", "", strings.Replace(openAPITarget, `"measure":"communes"`, `"measure":"population"`, 1), 400, ""},
	{"POST", "/api/v1/targets", "", "application/json", "", openAPITarget, 401, ""},
	{"POST", "/api/v1/targets", "provider", "application/json", "", openAPITarget, 403, ""},
	{"POST", "/api/v1/targets", "admin", "application/json", "", openAPIHugeJSON, 413, ""},
	{"PATCH", "/api/v1/targets/5", "admin", "application/json", "", `{"value":0.8,"deadline":"2028-12-31","source":""}`, 200, ""},
	{"PATCH", "/api/v1/targets/5", "admin", "application/json", "", `{}`, 400, ""},
	{"PATCH", "/api/v1/targets/999", "admin", "application/json", "", `{"value":0.8}`, 404, ""},
	{"PATCH", "/api/v1/targets/5", "", "application/json", "", `{"value":0.8}`, 401, ""},
	{"PATCH", "/api/v1/targets/5", "provider", "application/json", "", `{"value":0.8}`, 403, ""},
	{"PATCH", "/api/v1/targets/5", "admin", "application/json", "", openAPIHugeJSON, 413, ""},
	{"GET", "/api/v1/targets/5", "", "", "", "", 200, ""},
	{"DELETE", "/api/v1/targets/5", "admin", "", "", "", 200, ""},
	{"DELETE", "/api/v1/targets/5", "admin", "", "", "", 409, ""},
	{"PATCH", "/api/v1/targets/5", "admin", "application/json", "", `{"value":0.7}`, 409, ""},
	{"DELETE", "/api/v1/targets/999", "admin", "", "", "", 404, ""},
	{"DELETE", "/api/v1/targets/x", "admin", "", "", "", 404, ""},
	{"DELETE", "/api/v1/targets/5", "", "", "", "", 401, ""},
	{"DELETE", "/api/v1/targets/5", "provider", "", "", "", 403, ""},
	{"POST", "/api/v1/indicators", "admin", "application/json", "", openAPIIndicator, 201, ""},
	{"POST", "/api/v1/indicators", "admin", "application/json", "", openAPIIndicator, 409, ""},
	{"POST", "/api/v1/indicators", "admin", "application/json", "", strings.Replace(openAPIIndicator, `"percent"`, `"kg"`, 1), 400, ""},
	{"POST", "/api/v1/indicators", "", "application/json", "", openAPIIndicator, 401, ""},
	{"POST", "/api/v1/indicators", "provider", "application/json", "", openAPIIndicator, 403, ""},
	{"POST", "/api/v1/indicators/test-users/values", "admin", "application/json", "", openAPIValues, 201, ""},
	{"POST", "/api/v1/indicators/test-users/values", "admin", "application/json", "", `{"values":[{"as_of":"2024-13-01","source":""}]}`, 400, ""},
	{"POST", "/api/v1/indicators/nobody/values", "admin", "application/json", "", openAPIValues, 404, ""},
	{"POST", "/api/v1/indicators/test-users/values", "", "application/json", "", openAPIValues, 401, ""},
	{"POST", "/api/v1/indicators/test-users/values", "provider", "application/json", "", openAPIValues, 403, ""},
	{"POST", "/api/v1/indicators/import?source=test", "admin", "text/csv", "", "indicator,as_of,unit_code,numerator,denominator\ntest-users,2025-12-31,04807,30,100\n", 201, ""},
	{"POST", "/api/v1/indicators/import", "admin", "text/csv", "", "chỉ tiêu;ngày;giá trị;nguồn\nnobody;31/12/2025;5,5;x\n", 400, ""},
	{"POST", "/api/v1/indicators/import", "admin", "text/plain", "", "indicator,as_of\n", 415, ""},
	{"POST", "/api/v1/indicators/import", "", "text/csv", "", "indicator,as_of\n", 401, ""},
	{"POST", "/api/v1/indicators/import", "provider", "text/csv", "", "indicator,as_of\n", 403, ""},
	{"POST", "/api/v1/indicators/test-users/retire", "admin", "", "", "", 200, ""},
	{"POST", "/api/v1/indicators/test-users/retire", "admin", "", "", "", 409, ""},
	{"POST", "/api/v1/indicators/nobody/retire", "admin", "", "", "", 404, ""},
	{"POST", "/api/v1/indicators/test-users/retire", "", "", "", "", 401, ""},
	{"POST", "/api/v1/indicators/test-users/retire", "provider", "", "", "", 403, ""},
	{"GET", "/api/v1/targets?retired=true", "", "", "", "", 200, ""},
	{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", "", `{"remote":true}`, 200, ""},
	{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", "", `{}`, 400, ""},
	{"PUT", "/api/v1/remote-communes/00000", "admin", "application/json", "", `{"remote":false}`, 404, ""},
	{"PUT", "/api/v1/remote-communes/04882", "", "application/json", "", `{"remote":false}`, 401, ""},
	{"PUT", "/api/v1/remote-communes/04882", "provider", "application/json", "", `{"remote":false}`, 403, ""},
	{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", "", openAPIHugeJSON, 413, ""},
	{"GET", "/api/v1/gaps?layer=phone&remote=true&target=3", "", "", "", "", 200, ""},
	{"GET", "/api/v1/report?format=csv", "", "", "", "", 200, ""},
	{"POST", "/api/v1/whatif", "", "application/json", "", openAPIWhatIf, 200, ""},
	{"POST", "/api/v1/whatif", "", "application/json", "", `{"sites":[{"lon":105.3,"lat":20.8,"radius_m":5,"technology":"4G"}]}`, 400, ""},
	{"POST", "/api/v1/whatif", "", "application/json", "", `{"sites":[]}`, 400, ""},
	{"POST", "/api/v1/whatif", "", "application/json", "", openAPIHugeJSON, 413, ""},
	{"POST", "/api/v1/whatif", "", "application/json", "", openAPIWhatIf, 503, "computing"},
	{"POST", "/api/v1/whatif", "", "application/json", "", openAPIWhatIf, 200, "limited"},
	{"POST", "/api/v1/whatif", "", "application/json", "", openAPIWhatIf, 429, "limited"},
	{"POST", "/api/v1/filings", "", "application/geo+json", "", openAPIFiling, 401, "limited"},
	{"POST", "/api/v1/filings", "", "application/geo+json", "", openAPIFiling, 429, "limited"},
	{"DELETE", "/api/v1/filings/1", "provider", "", "", "", 429, "limited"},
	{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", "", `{}`, 400, "limited"},
	{"POST", "/api/v1/providers", "admin", "application/json", "", `{"name":"mobifone","layers":["mobile"]}`, 429, "limited"},
	{"POST", "/api/v1/providers/vnpt/tokens", "admin", "", "", "", 429, "limited"},
	{"DELETE", "/api/v1/providers/vnpt/tokens", "admin", "", "", "", 429, "limited"},
	{"POST", "/api/v1/targets", "admin", "application/json", "", openAPITarget, 429, "limited"},
	{"PATCH", "/api/v1/targets/1", "admin", "application/json", "", `{"value":0.9}`, 429, "limited"},
	{"DELETE", "/api/v1/targets/1", "admin", "", "", "", 429, "limited"},
	{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", "", `{"remote":false}`, 429, "limited"},
	{"POST", "/api/v1/whatif", "", "application/json", "", openAPIStalled, 408, ""},
	{"POST", "/api/v1/providers", "admin", "application/json", "", openAPIStalled, 408, ""},
	{"POST", "/api/v1/targets", "admin", "application/json", "", openAPIStalled, 408, ""},
	{"PATCH", "/api/v1/targets/1", "admin", "application/json", "", openAPIStalled, 408, ""},
	{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", "", openAPIStalled, 408, ""},
	{"POST", "/api/v1/filings", "provider", "application/geo+json", "", openAPIFiling, 507, "full"},
	{"DELETE", "/api/v1/filings/1", "provider", "", "", "", 507, "full"},
	{"POST", "/api/v1/providers", "admin", "application/json", "", `{"name":"vnpt","layers":["phone"]}`, 507, "full"},
	{"POST", "/api/v1/providers/viettel/tokens", "admin", "", "", "", 507, "full"},
	{"DELETE", "/api/v1/providers/viettel/tokens", "admin", "", "", "", 507, "full"},
	{"POST", "/api/v1/targets", "admin", "application/json", "", openAPITarget, 507, "full"},
	{"PATCH", "/api/v1/targets/1", "admin", "application/json", "", `{"value":0.95}`, 507, "full"},
	{"DELETE", "/api/v1/targets/1", "admin", "", "", "", 507, "full"},
	{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", "", `{"remote":true}`, 507, "full"},
	{"POST", "/api/v1/filings?dry_run=true", "provider", "application/geo+json", "", openAPIHeavyFiling, 503, "busy"},
}

// openAPIHeavyFiling is a filing over the "busy" server's threshold of a
// large filing (leading white space is valid JSON).
var openAPIHeavyFiling = strings.Repeat(" ", 2<<10) + openAPIFiling

// openAPIEncodedCases send their body with a Content-Encoding: only a
// filing may be gzip-compressed, so the other routes that take a body
// answer 415 (filing_body.go).
var openAPIEncodedCases = []struct {
	encoding string
	openAPIWriteCase
}{
	{"br", openAPIWriteCase{"POST", "/api/v1/filings?dry_run=true", "provider", "application/geo+json", "", openAPIFiling, 415, ""}},
	{"gzip", openAPIWriteCase{"POST", "/api/v1/whatif", "", "application/json", "", openAPIWhatIf, 415, ""}},
	{"gzip", openAPIWriteCase{"POST", "/api/v1/providers", "admin", "application/json", "", `{"name":"mobifone","layers":["mobile"]}`, 415, ""}},
	{"gzip", openAPIWriteCase{"POST", "/api/v1/targets", "admin", "application/json", "", openAPITarget, 415, ""}},
	{"gzip", openAPIWriteCase{"PATCH", "/api/v1/targets/1", "admin", "application/json", "", `{"value":0.9}`, 415, ""}},
	{"gzip", openAPIWriteCase{"PUT", "/api/v1/remote-communes/04882", "admin", "application/json", "", `{"remote":false}`, 415, ""}},
}

// openAPITarget is a target for the write cases; openAPIWhatIf a what-if
// with a site and a polygon; openAPIHugeJSON a body over every JSON
// route's limit of 1 MiB.
const (
	openAPITarget = `{"layer":"broadband","measure":"communes","value":0.9,"threshold":0.5,"deadline":"2027-12-31",
 "filter":"remote","title_vi":"Băng rộng cố định đến 90% số xã vùng sâu, vùng xa","title_en":"Fixed broadband in 90% of remote communes","source":"test"}`
	openAPIWhatIf = `{"sites":[{"lon":105.3,"lat":20.8,"radius_m":2000,"technology":"4G"}],
 "polygons":[{"geometry":{"type":"Polygon","coordinates":[[[105.28,20.78],[105.38,20.78],[105.38,20.88],[105.28,20.78]]]},
  "layer":"broadband","technology":"FTTH","provider":"vnpt"}]}`
)

var openAPIHugeJSON = `{"pad":"` + strings.Repeat("x", 1<<20) + `"}`

// openAPIStalled stands for a body whose client stops sending half-way:
// the case sends a stalledBody.
const openAPIStalled = "(a stalled body)"

// stalledBody is a request body whose client stops sending: once its
// first bytes are read, reads fail as those of a connection past its read
// deadline do.
type stalledBody struct{ sent *strings.Reader }

func (b *stalledBody) Read(p []byte) (int, error) {
	if b.sent.Len() > 0 {
		return b.sent.Read(p)
	}
	return 0, os.ErrDeadlineExceeded
}

func (b *stalledBody) Close() error { return nil }

// openAPIIndicator and openAPIValues create an entered indicator and
// enter two communes' values of it.
const (
	openAPIIndicator = `{"id":"test-users","title_vi":"Người dùng Internet","title_en":"Internet users","unit":"percent",
		"direction":"higher","target":70,"deadline":"2025-12-31","resolution":{"number":"05-NQ/TU","date":"2011-12-23","title":"x"},
		"territory":"17","note":"","order":13}`
	openAPIValues = `{"values":[{"as_of":"2024-12-31","unit_code":"04807","numerator":30,"denominator":100,"source":"survey"},
		{"as_of":"2024-12-31","unit_code":"04810","value":50,"source":"survey"}]}`
)

// openAPICase is one request and the status it must get.
type openAPICase struct {
	server string // "ready", "computing" (figures not computed yet) or "closed" (database gone)
	target string
	header map[string]string
	status int
}

var openAPICases = []openAPICase{
	{"ready", "/api/v1/indicators", nil, 200},
	{"ready", "/api/v1/indicators?as_of=2015-12-31&retired=true", nil, 200},
	{"ready", "/api/v1/indicators?as_of=never", nil, 400},
	{"computing", "/api/v1/indicators", nil, 503},
	{"ready", "/api/v1/indicators/pci-transparency", nil, 200},
	{"ready", "/api/v1/indicators/mobile-broadband-population?as_of=2024-12-31", nil, 200},
	{"ready", "/api/v1/indicators/pci-transparency?as_of=x", nil, 400},
	{"ready", "/api/v1/indicators/nobody", nil, 404},
	{"computing", "/api/v1/indicators/pci-transparency", nil, 503},
	{"ready", "/healthz", nil, 200},
	{"closed", "/healthz", nil, 503},
	{"ready", "/readyz", nil, 200},
	{"computing", "/readyz", nil, 503},
	{"ready", "/metrics", nil, 200},
	{"ready", "/api/openapi.json", nil, 200},
	{"ready", "/api/v1/layers", nil, 200},
	{"ready", "/api/v1/layers/mobile/communes", nil, 200},
	{"ready", "/api/v1/layers/broadband/communes?as_of=2020-01-01", nil, 200},
	{"ready", "/api/v1/layers/phone/communes?as_of=2010-01-01", nil, 200},
	{"ready", "/api/v1/layers/mobile/communes?as_of=2020-02-30", nil, 400},
	{"ready", "/api/v1/layers/radio/communes", nil, 404},
	{"ready", "/api/v1/layers/mobile/communes?breakdown=largest", nil, 200},
	{"ready", "/api/v1/layers/mobile/communes?breakdown=provider:nobody", nil, 400},
	{"ready", "/api/v1/communes/04807", nil, 200},
	{"ready", "/api/v1/communes/00000", nil, 404},
	{"ready", "/api/v1/communes/" + strings.Repeat("9", 40), nil, 400},
	{"computing", "/api/v1/communes/04807", nil, 503},
	{"ready", "/api/v1/communes/04807/history", nil, 200},
	{"ready", "/api/v1/changes?limit=5", nil, 200},
	{"ready", "/api/v1/changes?since=yesterday", nil, 400},
	{"ready", "/api/v1/communes/00000/history", nil, 404},
	{"ready", "/api/v1/communes/" + strings.Repeat("9", 40) + "/history", nil, 400},
	{"computing", "/api/v1/communes/04807/history", nil, 503},
	{"ready", "/api/v1/config", nil, 200},
	{"computing", "/api/v1/layers/mobile/communes", nil, 503},
	{"ready", "/api/v1/summary", nil, 200},
	{"ready", "/api/v1/unit-sets", nil, 200},
	{"computing", "/api/v1/unit-sets", nil, 503},
	{"ready", "/api/v1/provinces", nil, 200},
	{"computing", "/api/v1/provinces", nil, 503},
	{"ready", "/api/v1/summary?units=nowhere", nil, 400},
	{"ready", "/api/v1/layers/mobile/communes?units=1", nil, 200},
	{"ready", "/tiles/mobile.json?units=nowhere", nil, 400},
	{"ready", "/api/v1/summary?layer=broadcast&breakdown=provider", nil, 200},
	{"ready", "/api/v1/summary?layer=mobile&breakdown=technology", nil, 200},
	{"ready", "/api/v1/summary?as_of=2022-01-01&remote=true", nil, 200},
	{"ready", "/api/v1/summary?layer=phone&breakdown=provider&remote=false&as_of=2024-06-30", nil, 200},
	{"ready", "/api/v1/summary?layer=tv", nil, 400},
	{"ready", "/api/v1/summary?remote=yes", nil, 400},
	{"ready", "/api/v1/summary?as_of=2999-01-01", nil, 400},
	{"computing", "/api/v1/summary", nil, 503},
	{"ready", "/api/v1/targets", nil, 200},
	{"ready", "/api/v1/targets?as_of=2020-06-30&retired=false", nil, 200},
	{"ready", "/api/v1/targets?retired=yes", nil, 400},
	{"ready", "/api/v1/targets?as_of=30/06/2020", nil, 400},
	{"computing", "/api/v1/targets", nil, 503},
	{"ready", "/api/v1/targets/1", nil, 200},
	{"ready", "/api/v1/targets/4?as_of=2010-01-01", nil, 200},
	{"ready", "/api/v1/targets/1?as_of=2999-01-01", nil, 400},
	{"ready", "/api/v1/targets/99", nil, 404},
	{"ready", "/api/v1/targets/one", nil, 404},
	{"computing", "/api/v1/targets/1", nil, 503},
	{"ready", "/api/v1/remote-communes", nil, 200},
	{"computing", "/api/v1/remote-communes", nil, 503},
	{"ready", "/api/v1/gaps?layer=mobile", nil, 200},
	{"ready", "/api/v1/gaps?layer=broadband&district=huy%E1%BB%87n%20%C4%91%C3%A0%20b%E1%BA%AFc&remote=false&as_of=2024-06-30&limit=3", nil, 200},
	{"ready", "/api/v1/gaps", nil, 400},
	{"ready", "/api/v1/gaps?layer=phone&target=1", nil, 400},
	{"ready", "/api/v1/gaps?layer=mobile&district=nowhere", nil, 400},
	{"ready", "/api/v1/gaps?layer=mobile&limit=0", nil, 400},
	{"computing", "/api/v1/gaps?layer=mobile", nil, 503},
	{"ready", "/api/v1/layers/mobile/people", nil, 200},
	{"ready", "/api/v1/layers/mobile/people?as_of=2024-01-01", nil, 400},
	{"ready", "/api/v1/layers/radio/people", nil, 404},
	{"computing", "/api/v1/layers/mobile/people", nil, 503},
	{"ready", "/api/v1/layers/broadband/clusters?limit=3", nil, 200},
	{"ready", "/api/v1/layers/mobile/clusters?min_uncovered=-5", nil, 400},
	{"ready", "/api/v1/layers/radio/clusters", nil, 404},
	{"computing", "/api/v1/layers/mobile/clusters", nil, 503},
	{"ready", "/api/v1/population", nil, 200},
	{"computing", "/api/v1/population", nil, 503},
	{"ready", "/api/v1/report", nil, 200},
	{"ready", "/api/v1/report?format=csv&as_of=2023-06-30", nil, 200},
	{"ready", "/api/v1/report?format=pdf", nil, 400},
	{"ready", "/api/v1/report?lang=en", nil, 200},
	{"ready", "/api/v1/report?format=csv&lang=en", nil, 200},
	{"ready", "/api/v1/report?lang=fr", nil, 400},
	{"ready", "/api/v1/report?as_of=2023-06-31", nil, 400},
	{"computing", "/api/v1/report", nil, 503},
	{"ready", "/api/v1/export/mobile.geojson", nil, 200},
	{"ready", "/api/v1/export/mobile.csv?as_of=2020-01-01", nil, 200},
	{"ready", "/api/v1/export/broadband.kml", nil, 200},
	{"ready", "/api/v1/export/phone.gpkg", nil, 200},
	{"ready", "/api/v1/export/mobile.csv?as_of=2020-13-01", nil, 400},
	{"ready", "/api/v1/export/radio.csv", nil, 404},
	{"ready", "/api/v1/export/mobile.gpkg", map[string]string{"Range": "bytes=0-99"}, 206},
	{"ready", "/api/v1/export/mobile.geojson", map[string]string{"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}, 304},
	{"ready", "/api/v1/export/mobile.kml", map[string]string{"Range": "bytes=999999999-"}, 416},
	{"computing", "/api/v1/export/mobile.csv", nil, 503},
	{"ready", "/ogc", nil, 200},
	{"ready", "/ogc?f=html", nil, 200},
	{"ready", "/ogc?f=pdf", nil, 400},
	{"ready", "/ogc/api", nil, 200},
	{"ready", "/ogc/api?foo=1", nil, 400},
	{"ready", "/ogc/api?f=html", nil, 200},
	{"ready", "/ogc/conformance", nil, 200},
	{"ready", "/ogc/conformance?f=html", nil, 200},
	{"ready", "/ogc/conformance?f=yaml", nil, 400},
	{"ready", "/ogc/collections", nil, 200},
	{"ready", "/ogc/collections", map[string]string{"Accept": "text/html"}, 200},
	{"ready", "/ogc/collections?f=csv", nil, 400},
	{"computing", "/ogc/collections", nil, 503},
	{"ready", "/ogc/collections/phone", nil, 200},
	{"ready", "/ogc/collections/communes?f=html", nil, 200},
	{"ready", "/ogc/collections/phone?bbox=1,2,3,4", nil, 400},
	{"ready", "/ogc/collections/tv", nil, 404},
	{"computing", "/ogc/collections/phone", nil, 503},
	{"ready", "/ogc/collections/mobile/items?limit=20&offset=40&bbox=104.5,20,106,21.5&datetime=2020-06-01&status=covered&district=148", nil, 200},
	{"ready", "/ogc/collections/communes/items?properties=code,population,area_km2&code=04807,04810&type=phường", nil, 200},
	{"ready", "/ogc/collections/broadcast/items?f=html&district_code=148", nil, 200},
	{"ready", "/ogc/collections/mobile/items?limit=0", nil, 400},
	{"ready", "/ogc/collections/mobile/items?filter=" + url.QueryEscape("status = 'covered' AND population BETWEEN 1000 AND 20000") + "&filter-lang=cql2-text", nil, 200},
	{"ready", "/ogc/collections/mobile/items?filter=" + url.QueryEscape("status ="), nil, 400},
	{"ready", "/ogc/collections/mobile/items?filter=status%3D'covered'&filter-lang=cql2-json", nil, 400},
	{"ready", "/ogc/collections/mobile/items?filter=" + url.QueryEscape("S_INTERSECTS(geometry, POINT(105.33 20.81))") + "&filter-crs=" + url.QueryEscape(crs84), nil, 200},
	{"ready", "/ogc/collections/mobile/items?filter=status%3D'covered'&filter-crs=EPSG:3405", nil, 400},
	{"ready", "/ogc/collections/mobile/queryables", nil, 200},
	{"ready", "/ogc/collections/communes/queryables?f=json", nil, 200},
	{"ready", "/ogc/collections/broadband/queryables", map[string]string{"Accept": "application/geo+json, application/json"}, 200},
	{"ready", "/ogc/collections/mobile/queryables?f=html", nil, 400},
	{"ready", "/ogc/collections/tv/queryables", nil, 404},
	{"ready", "/ogc/collections/tv/items", nil, 404},
	{"computing", "/ogc/collections/mobile/items", nil, 503},
	{"ready", "/ogc/collections/mobile/items/04807", nil, 200},
	{"ready", "/ogc/collections/communes/items/04807?f=html&properties=name", nil, 200},
	{"ready", "/ogc/collections/mobile/items/04807?datetime=2019-01-01", nil, 200},
	{"ready", "/ogc/collections/mobile/items/04807?datetime=never", nil, 400},
	{"ready", "/ogc/collections/mobile/items/00000", nil, 404},
	{"computing", "/ogc/collections/mobile/items/04807", nil, 503},
	{"ready", "/tiles/mobile.json", nil, 200},
	{"ready", "/tiles/radio.json", nil, 404},
	{"computing", "/tiles/mobile.json", nil, 503},
	{"ready", "/tiles/mobile/12/3247/1812.mvt", nil, 200},
	{"ready", "/tiles/phone/8/202/113.mvt", map[string]string{"Accept-Encoding": "gzip"}, 200},
	{"ready", "/tiles/phone/8/202/113.mvt", map[string]string{"If-None-Match": "(the tile's ETag)"}, 304},
	{"ready", "/tiles/mobile/x/1/1.mvt", nil, 400},
	{"ready", "/tiles/mobile/20/1/1.mvt", nil, 404},
	{"computing", "/tiles/mobile/1/1/1.mvt", nil, 503},
	{"basemap", "/api/v1/config", nil, 200},
	{"basemap", "/basemap/style.json", nil, 200},
	{"basemap", "/basemap/tiles.json", nil, 200},
	{"basemap", hoaBinhBasemapTile(9), map[string]string{"Accept-Encoding": "gzip"}, 200},
	{"basemap", hoaBinhBasemapTile(10), nil, 200},
	{"basemap", hoaBinhBasemapTile(9), map[string]string{"If-None-Match": "(the basemap tile's ETag)"}, 304},
	{"basemap", "/basemap/tiles/9/0/0.mvt", nil, 204},
	{"basemap", "/basemap/tiles/9/x/0.mvt", nil, 400},
	{"basemap", "/basemap/tiles/3/8/0.mvt", nil, 404},
}

func TestOpenAPI_AnswersMatchTheDocument(t *testing.T) {
	doc, router := loadOpenAPI(t)
	ctx := context.Background()
	servers := map[string]*Server{"ready": testServer(t)}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, name := range []string{"computing", "closed"} {
		store, err := data.Open(ctx, pgtest.Path(t, t.TempDir(), name+".gpkg"))
		if err != nil {
			t.Fatal(err)
		}
		servers[name] = newTestServer(DefaultConfig(), store, quiet)
		if name == "closed" {
			store.Close()
		} else {
			t.Cleanup(func() { store.Close() })
		}
	}
	etag := get(t, servers["ready"], "GET", "/tiles/phone/8/202/113.mvt").Header().Get("ETag")
	servers["basemap"] = basemapServer(t, basemaptest.Options{})
	basemapETag := get(t, servers["basemap"], "GET", hoaBinhBasemapTile(9)).Header().Get("ETag")

	seen := map[string]bool{} // "GET /path status"
	check := func(t *testing.T, srv *Server, req *http.Request, status int) {
		t.Helper()
		var body []byte
		if _, stalled := req.Body.(*stalledBody); stalled {
			body = []byte(`{"`)
		} else if req.Body != nil {
			body, _ = io.ReadAll(req.Body)
			req.Body = io.NopCloser(bytes.NewReader(body))
		}
		rec := httptest.NewRecorder()
		srv.Handler().ServeHTTP(rec, req)
		if rec.Code != status {
			t.Fatalf("%d, want %d\n%.500s", rec.Code, status, rec.Body)
		}
		req.Body = io.NopCloser(bytes.NewReader(body))
		route, params, err := router.FindRoute(req)
		if err != nil {
			t.Fatalf("the document has no operation for %s %s: %v", req.Method, req.URL, err)
		}
		seen[route.Method+" "+route.Path+" "+strconv.Itoa(rec.Code)] = true
		in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
			Options: &openapi3filter.Options{IncludeResponseStatus: true, AuthenticationFunc: openapi3filter.NoopAuthenticationFunc}}
		if rec.Code < 300 {
			// A request that succeeds uses only documented parameters.
			if err := openapi3filter.ValidateRequest(ctx, in); err != nil {
				t.Fatalf("the request does not match the document: %v", err)
			}
		}
		out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: rec.Code,
			Header: rec.Header(), Body: io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
			Options: &openapi3filter.Options{IncludeResponseStatus: true}}
		if err := openapi3filter.ValidateResponse(ctx, out); err != nil {
			t.Fatalf("the answer does not match the document: %v\n%.500s", err, rec.Body)
		}
	}
	for _, c := range openAPICases {
		t.Run(c.server+" "+c.target, func(t *testing.T) {
			req := httptest.NewRequest("GET", c.target, nil)
			for k, v := range c.header {
				if v == "(the basemap tile's ETag)" {
					v = basemapETag
				} else if k == "If-None-Match" {
					v = etag
				}
				req.Header.Set(k, v)
			}
			check(t, servers[c.server], req, c.status)
		})
	}

	// The write routes, in order, on a store of their own.
	writable, store, _ := writableServer(t)
	tokens := map[string]string{}
	tokens["provider"], _ = store.AddProvider(ctx, "viettel", []geo.Layer{geo.Mobile, geo.Phone}, "test")
	tokens["admin"], _ = store.NewAdminToken(ctx, "test")
	limited := newTestServer(DefaultConfig(), store, quiet)
	one := RateLimit{PerSecond: 0.001, Burst: 1}
	setLimits(limited, one, one, one)
	if err := limited.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	full, noFullDisk := newFullDisk(t)
	// busy handles one large filing (over 1 KiB) at a time, and one holds
	// the turn: another is refused at once.
	busyConfig := DefaultConfig()
	busyConfig.HeavyFilingBytes, busyConfig.HeavyFilings, busyConfig.HeavyFilingWait = 1<<10, 1, 0
	busy := newTestServer(busyConfig, store, quiet)
	if err := busy.core.Recompute(ctx); err != nil {
		t.Fatal(err)
	}
	busy.heavy <- struct{}{}
	for _, c := range openAPIWriteCases {
		t.Run(c.method+" "+c.target+" "+strconv.Itoa(c.status), func(t *testing.T) {
			if c.server == "full" && noFullDisk != nil {
				t.Skip(noFullDisk)
			}
			// Filing 1 is the store's first filing: its id on
			// PostgreSQL, where a rolled-back insert leaves a gap.
			if rest, ok := strings.CutPrefix(c.target, "/api/v1/filings/1"); ok && c.server != "full" {
				if fs, err := store.Filings(ctx, ""); err == nil && len(fs) > 0 {
					c.target = "/api/v1/filings/" + strconv.FormatInt(fs[len(fs)-1].ID, 10) + rest
				}
			}
			req := httptest.NewRequest(c.method, c.target, strings.NewReader(c.body))
			switch c.body {
			case "":
				req = httptest.NewRequest(c.method, c.target, nil)
			case openAPIStalled:
				req = httptest.NewRequest(c.method, c.target, &stalledBody{strings.NewReader(`{"`)})
			}
			if c.role != "" && c.server == "full" {
				req.Header.Set("Authorization", "Bearer "+full.tokens[c.role])
			} else if c.role != "" {
				req.Header.Set("Authorization", "Bearer "+tokens[c.role])
			}
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			if c.key != "" {
				req.Header.Set("Idempotency-Key", c.key)
			}
			srv := map[string]*Server{"": writable, "limited": limited, "computing": servers["computing"], "busy": busy}[c.server]
			if c.server == "full" {
				srv = full.srv
			}
			check(t, srv, req, c.status)
		})
	}
	for _, c := range openAPIEncodedCases {
		t.Run(c.method+" "+c.target+" "+c.encoding+" "+strconv.Itoa(c.status), func(t *testing.T) {
			var body bytes.Buffer
			zw := gzip.NewWriter(&body)
			zw.Write([]byte(c.body))
			zw.Close()
			req := httptest.NewRequest(c.method, c.target, &body)
			if c.role != "" {
				req.Header.Set("Authorization", "Bearer "+tokens[c.role])
			}
			req.Header.Set("Content-Type", c.contentType)
			req.Header.Set("Content-Encoding", c.encoding)
			check(t, writable, req, c.status)
		})
	}

	// Every documented answer of every operation has been seen.
	var missing []string
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			for status := range op.Responses.Map() {
				if status == "507" && noFullDisk != nil {
					continue // no full disk to see it on (fullDisk)
				}
				if key := method + " " + path + " " + status; !seen[key] {
					missing = append(missing, key)
				}
			}
		}
	}
	sort.Strings(missing)
	if len(missing) > 0 {
		t.Errorf("no case checks these documented answers; add them to openAPICases:\n%s", strings.Join(missing, "\n"))
	}
	if t.Failed() {
		return
	}
	if n := len(get(t, servers["ready"], "GET", "/api/openapi.json").Body.Bytes()); n != len(openAPIDoc) {
		t.Fatalf("/api/openapi.json serves %d bytes, the embedded document has %d", n, len(openAPIDoc))
	}
}
