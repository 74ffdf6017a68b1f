package rest

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestConfig_BasemapURL(t *testing.T) {
	cases := []struct {
		name, url string
		valid     bool
	}{
		{"none", "", true},
		{"https style", "https://tiles.example.org/styles/basic/style.json", true},
		{"local tile server", "http://10.0.0.5:8081/styles/osm/style.json", true},
		{"relative", "/styles/basic.json", false},
		{"not http", "file:///etc/passwd", false},
		{"javascript", "javascript:alert(1)", false},
		{"user info", "https://user:secret@tiles.example.org/style.json", false},
		{"no host", "https:///style.json", false},
		{"too long", "https://tiles.example.org/" + strings.Repeat("a", 2100), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := DefaultConfig()
			cfg.BasemapURL = c.url
			if err := cfg.Validate(); (err == nil) != c.valid {
				t.Fatalf("Validate(%q) = %v, want valid %v", c.url, err, c.valid)
			}
			if !c.valid {
				return
			}
			srv := newTestServer(cfg, nil, slog.New(slog.NewTextHandler(io.Discard, nil)))
			rec := httptest.NewRecorder()
			srv.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/v1/config", nil))
			var got pageConfig
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || rec.Code != 200 {
				t.Fatalf("%d %s (%v)", rec.Code, rec.Body, err)
			}
			if got.BasemapURL != c.url {
				t.Fatalf("basemap_url %q, want %q", got.BasemapURL, c.url)
			}
		})
	}
}
