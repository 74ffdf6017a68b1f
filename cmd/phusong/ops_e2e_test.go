package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestE2E_ReadyzAndInstance: serve listens before its first computation
// ends, /readyz then says ready with the generation, and the instance's
// name is in every answer's X-Phusong-Instance, in /metrics and in every
// log line.
func TestE2E_ReadyzAndInstance(t *testing.T) {
	db := filepath.Join(t.TempDir(), "ops.gpkg")
	newDatabase(t, db, "--no-demo")
	s := startServer(t, db, "--instance", "e2e-one")

	get := func(path string) (*http.Response, []byte) {
		t.Helper()
		res, err := http.Get(s.url + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, b
	}
	res, body := get("/readyz")
	var ready struct {
		Status     string  `json:"status"`
		Generation string  `json:"generation"`
		Age        float64 `json:"snapshot_age_seconds"`
	}
	if err := json.Unmarshal(body, &ready); err != nil || res.StatusCode != 200 || ready.Status != "ready" || ready.Generation == "" {
		t.Fatalf("/readyz: %d %s (%v)", res.StatusCode, body, err)
	}
	for _, path := range []string{"/readyz", "/api/v1/layers", "/api/v1/nothing", "/"} {
		if res, _ := get(path); res.Header.Get("X-Phusong-Instance") != "e2e-one" {
			t.Errorf("%s: X-Phusong-Instance %q, want e2e-one", path, res.Header.Get("X-Phusong-Instance"))
		}
	}
	res, body = get("/metrics")
	if res.StatusCode != 200 || !strings.Contains(string(body), `instance="e2e-one"`) ||
		!strings.Contains(string(body), `phusong_snapshot_generation_info{generation="`+ready.Generation+`"} 1`) {
		t.Errorf("/metrics: %d, without the instance or the generation %q:\n%.3000s", res.StatusCode, ready.Generation, body)
	}

	s.stop(t)
	log, err := os.ReadFile(db + ".log")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(log)), "\n")
	listening, computed := -1, -1
	for i, line := range lines {
		if !strings.Contains(line, "instance=e2e-one") {
			t.Errorf("a log line without the instance: %s", line)
		}
		switch {
		case strings.Contains(line, "msg=listening"):
			listening = i
		case strings.Contains(line, `msg="coverage computed"`):
			computed = i
		}
	}
	if listening < 0 || computed < listening {
		t.Errorf("the service did not listen before its first computation ended (lines %d and %d):\n%s", listening, computed, log)
	}
}

// An instance given no name is named by its host and the port it listens
// on.
func TestDefaultInstance(t *testing.T) {
	host, _ := os.Hostname()
	if host == "" {
		host = "localhost"
	}
	for addr, want := range map[string]string{
		"127.0.0.1:8080": host + ":8080",
		":9000":          host + ":9000",
		"[::1]:80":       host + ":80",
	} {
		if got := defaultInstance(addr); got != want {
			t.Errorf("defaultInstance(%q) = %q, want %q", addr, got, want)
		}
	}
}
