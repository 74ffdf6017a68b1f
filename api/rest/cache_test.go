package rest

import (
	"net/http/httptest"
	"testing"
	"testing/fstest"
)

// etagCase is one revalidation: the representation asked for (gzip or
// not) and the ETag of which representation the client holds.
type etagCase struct {
	name, acceptEncoding, held string // held is "gzip" or "identity"
	status                     int
}

// etagCases hold RFC 9110 §8.8.3: a strong ETag names one representation,
// so the gzip and the identity forms of a body have different ETags, and a
// client holding one of them does not get a 304 for the other.
var etagCases = []etagCase{
	{"gzip held, gzip asked", "gzip", "gzip", 304},
	{"identity held, identity asked", "", "identity", 304},
	{"identity held, gzip asked", "gzip", "identity", 200},
	{"gzip held, identity asked", "", "gzip", 200},
	{"gzip held weakly, gzip asked", "gzip", "W/gzip", 304},
}

// checkETagPerEncoding fetches target in both encodings and checks each
// case of etagCases.
func checkETagPerEncoding(t *testing.T, s *Server, target string) {
	t.Helper()
	fetch := func(acceptEncoding, ifNoneMatch string) *httptest.ResponseRecorder {
		req := httptest.NewRequest("GET", target, nil)
		if acceptEncoding != "" {
			req.Header.Set("Accept-Encoding", acceptEncoding)
		}
		if ifNoneMatch != "" {
			req.Header.Set("If-None-Match", ifNoneMatch)
		}
		rec := httptest.NewRecorder()
		s.Handler().ServeHTTP(rec, req)
		return rec
	}
	gz, plain := fetch("gzip", ""), fetch("", "")
	if gz.Code != 200 || plain.Code != 200 || gz.Header().Get("Content-Encoding") != "gzip" || plain.Header().Get("Content-Encoding") != "" {
		t.Fatalf("%s: %d %q and %d %q, want a gzip and an identity 200", target, gz.Code, gz.Header().Get("Content-Encoding"),
			plain.Code, plain.Header().Get("Content-Encoding"))
	}
	etags := map[string]string{"gzip": gz.Header().Get("ETag"), "identity": plain.Header().Get("ETag")}
	etags["W/gzip"] = "W/" + etags["gzip"]
	if etags["gzip"] == "" || etags["gzip"] == etags["identity"] {
		t.Fatalf("%s: ETag %q gzipped and %q not: one strong ETag for two representations", target, etags["gzip"], etags["identity"])
	}
	for _, c := range etagCases {
		t.Run(c.name, func(t *testing.T) {
			rec := fetch(c.acceptEncoding, etags[c.held])
			if rec.Code != c.status {
				t.Fatalf("If-None-Match %s: %d, want %d", etags[c.held], rec.Code, c.status)
			}
			want := etags["identity"]
			if c.acceptEncoding == "gzip" {
				want = etags["gzip"]
			}
			if rec.Header().Get("ETag") != want {
				t.Fatalf("ETag %q, want %q", rec.Header().Get("ETag"), want)
			}
		})
	}
}

func TestCached_ETagPerEncoding(t *testing.T) {
	s := testServer(t)
	for _, target := range []string{"/api/v1/summary", "/api/v1/layers/mobile/communes", tileURL("mobile", hoaBinhTile(9))} {
		t.Run(target, func(t *testing.T) { checkETagPerEncoding(t, s, target) })
	}
}

func TestStatic_ETagPerEncoding(t *testing.T) {
	srv := staticServer(t, fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Phủ Sóng</title>" + string(make([]byte, 4096)))}})
	checkETagPerEncoding(t, srv, "/")
}
