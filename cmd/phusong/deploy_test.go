package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The files in deploy/ are read by nginx and systemd, so these tests give
// them to nginx and systemd: `nginx -t` on nginx.conf, nginx itself in front
// of a real instance, `systemd-analyze verify` on phusong@.service.

// needNginx returns the path of nginx, skipping where it is not installed
// and failing in CI, where .ci/run installs it.
func needNginx(t *testing.T) string {
	t.Helper()
	if p, err := exec.LookPath("nginx"); err == nil {
		return p
	}
	// Debian installs it in /usr/sbin, which a user's PATH often lacks.
	if _, err := os.Stat("/usr/sbin/nginx"); err == nil {
		return "/usr/sbin/nginx"
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI needs nginx (Debian package nginx)")
	}
	t.Skip("skipped: nginx (Debian package nginx) is not installed")
	return ""
}

// directives is an nginx configuration without its comments, so that a
// commented-out line satisfies no check.
func directives(conf string) string {
	var b strings.Builder
	for _, line := range strings.Split(conf, "\n") {
		line, _, _ = strings.Cut(line, "#")
		b.WriteString(line + "\n")
	}
	return b.String()
}

func shippedNginxConf(t *testing.T) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("deploy", "nginx.conf"))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// nginxPrefix writes deploy/nginx.conf as nginx.conf into a new directory,
// with the pid file, the logs and the temporary files (Debian's paths in the
// shipped file) moved into that directory and every old, new pair of
// replace applied, so that nginx runs there unprivileged. It returns the
// directory.
func nginxPrefix(t *testing.T, replace ...string) string {
	t.Helper()
	// Not t.TempDir: run as root, nginx's workers are www-data ("user" in
	// the file) and must reach their temporary files, which a 0700
	// directory of root's would not let them.
	dir, err := os.MkdirTemp("", "phusong-nginx")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := strings.NewReplacer(append([]string{
		"/run/nginx.pid", filepath.Join(dir, "nginx.pid"),
		"/var/log/nginx/", dir + "/",
		"/var/lib/nginx/", dir + "/",
	}, replace...)...).Replace(shippedNginxConf(t))
	for i, line := range strings.Split(directives(conf), "\n") {
		if strings.Contains(line, " /var/") || strings.Contains(line, " /run/") {
			t.Fatalf("nginx.conf line %d names a system path this test does not move: %s", i+1, strings.TrimSpace(line))
		}
	}
	if err := os.WriteFile(filepath.Join(dir, "nginx.conf"), []byte(conf), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

// nginxArgs are the arguments that run nginx on the configuration of
// nginxPrefix: -e stderr, so that nginx opens no log of its own before it
// has read the file.
func nginxArgs(dir string, extra ...string) []string {
	return append([]string{"-e", "stderr", "-p", dir, "-c", filepath.Join(dir, "nginx.conf")}, extra...)
}

func TestDeploy_NginxConfigValid(t *testing.T) {
	nginx := needNginx(t)
	conf := directives(shippedNginxConf(t))
	for _, want := range []string{
		"least_conn;",
		"server 127.0.0.1:8081 max_fails=", "server 127.0.0.1:8082 max_fails=", "server 127.0.0.1:8083 max_fails=",
		"keepalive ",
		"client_max_body_size 64m;",
		"proxy_request_buffering off;",
		"proxy_next_upstream error timeout http_502 http_503 http_504;",
		"gzip_types application/json application/geo+json text/css application/javascript;",
	} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx.conf has no %q", want)
		}
	}
	if strings.Contains(conf, "non_idempotent") {
		t.Error("nginx.conf lets nginx send a POST or PATCH again to another instance (non_idempotent)")
	}
	start := strings.Index(conf, "location = /metrics {")
	if start < 0 {
		t.Fatal("nginx.conf has no location = /metrics")
	}
	metrics := conf[start : start+strings.Index(conf[start:], "}")]
	if !strings.Contains(metrics, "deny all;") {
		t.Errorf("location = /metrics does not deny all others:\n%s", metrics)
	}

	dir := nginxPrefix(t)
	out, err := exec.Command(nginx, nginxArgs(dir, "-t")...).CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -t: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		// Run as another user than root, nginx says that "user" needs root.
		if (strings.Contains(line, "[warn]") || strings.Contains(line, "[alert]")) && !strings.Contains(line, `the "user" directive`) {
			t.Errorf("nginx -t warns: %s", line)
		}
	}
	t.Logf("nginx -t: %s", strings.TrimSpace(string(out)))
}

// startNginx runs nginx in the foreground on the configuration in dir until
// the test ends, and waits until it accepts connections on addr.
func startNginx(t *testing.T, nginx, dir, addr string) {
	t.Helper()
	logPath := filepath.Join(dir, "stderr.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	defer logf.Close()
	cmd := exec.Command(nginx, nginxArgs(dir, "-g", "daemon off;")...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGQUIT) // nginx's graceful stop
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			cmd.Process.Kill()
			<-exited
			t.Error("nginx did not stop within 10 s of SIGQUIT")
		}
	})
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(logPath)
			t.Fatalf("nginx exited: %v\n%s", err, log)
		default:
		}
		if c, err := net.Dial("tcp", addr); err == nil {
			c.Close()
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	log, _ := os.ReadFile(logPath)
	t.Fatalf("nginx does not accept connections on %s:\n%s", addr, log)
}

// TestDeploy_NginxInFrontOfAnInstance runs the shipped nginx.conf in front
// of three upstreams: a real instance, one that answers 503 to everything
// (as an instance does while its first computation runs) and a port where
// nothing listens (an instance stopped). Reads are answered by the real
// instance whatever nginx tries first; a write is never sent to a second
// instance once one may have received it; /metrics is refused from outside.
func TestDeploy_NginxInFrontOfAnInstance(t *testing.T) {
	nginx := needNginx(t)
	db := filepath.Join(t.TempDir(), "phusong.gpkg")
	newDatabase(t, db, "--no-demo")
	token := addProvider(t, db, "mobile", "behind-nginx")
	live := startServer(t, db)

	var mu sync.Mutex
	reached := map[string]int{} // method → requests the busy upstream received
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		mu.Lock()
		reached[r.Method]++
		mu.Unlock()
		http.Error(w, "busy upstream", http.StatusServiceUnavailable)
	}))
	defer busy.Close()
	stopped, proxy := freeAddr(t), freeAddr(t)
	dir := nginxPrefix(t,
		"listen 80;", "listen "+proxy+";",
		"127.0.0.1:8081", strings.TrimPrefix(live.url, "http://"),
		"127.0.0.1:8082", strings.TrimPrefix(busy.URL, "http://"),
		"127.0.0.1:8083", stopped)
	startNginx(t, nginx, dir, proxy)

	send := func(client *http.Client, method, path string, body string, header ...string) (int, http.Header, string) {
		t.Helper()
		req, err := http.NewRequest(method, "http://"+proxy+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i+1 < len(header); i += 2 {
			req.Header.Set(header[i], header[i+1])
		}
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res.StatusCode, res.Header, string(b)
	}
	fromBusy := func(code int, body string) bool {
		return code == http.StatusServiceUnavailable && strings.Contains(body, "busy upstream")
	}

	// Writes first, while no read has made nginx set the busy upstream
	// aside. Each is answered by the instance or by the busy upstream,
	// whichever nginx sent it to; none that reached the busy one goes on to
	// the instance, and none is lost to the stopped port (nothing was sent
	// there, so nginx tries another).
	refused := map[string]int{} // method → the busy upstream's 503s the client got
	auth := []string{"Authorization", "Bearer " + token, "Content-Type", "application/geo+json"}
	var filed []int64
	for i := range 6 {
		x, y := 105.0+float64(i)*0.05, 20.5
		filing := fmt.Sprintf(`{"type":"FeatureCollection","layer":"mobile","as_of":"2025-01-01","features":[`+
			`{"type":"Feature","properties":{"technology":"4G"},"geometry":{"type":"Polygon","coordinates":[[[%g,%g],[%g,%g],[%g,%g],[%g,%g]]]}}]}`,
			x, y, x+0.02, y, x+0.02, y+0.02, x, y)
		if i == 0 {
			// Over the 1 MiB that nginx lets other bodies have.
			filing = filing[:len(filing)-1] + strings.Repeat(" ", 2<<20) + "}"
		}
		code, _, body := send(http.DefaultClient, "POST", "/api/v1/filings", filing, auth...)
		switch {
		case code == http.StatusCreated:
			var a struct{ ID int64 }
			if err := json.Unmarshal([]byte(body), &a); err != nil || a.ID == 0 {
				t.Fatalf("filing answer without an id: %v %s", err, body)
			}
			filed = append(filed, a.ID)
		case fromBusy(code, body):
			refused["POST"]++
		default:
			t.Fatalf("POST /api/v1/filings through nginx: %d %s", code, body)
		}
	}
	for _, id := range filed {
		code, _, body := send(http.DefaultClient, "DELETE", fmt.Sprintf("/api/v1/filings/%d", id), "", auth...)
		switch {
		case code == http.StatusOK:
		case fromBusy(code, body):
			refused["DELETE"]++
		default:
			t.Fatalf("DELETE /api/v1/filings/%d through nginx: %d %s", id, code, body)
		}
	}
	// The other writes' location: the service's own refusal of a write
	// without a token, so the request reached it whole.
	for range 3 {
		code, h, body := send(http.DefaultClient, "POST", "/api/v1/targets?units=2019", `{}`, "Content-Type", "application/json")
		switch {
		case code == http.StatusUnauthorized && h.Get("Content-Type") == "application/problem+json":
		case fromBusy(code, body):
			refused["POST"]++
		default:
			t.Fatalf("POST /api/v1/targets without a token through nginx: %d %s %s", code, h.Get("Content-Type"), body)
		}
	}
	if code, _, body := send(http.DefaultClient, "POST", "/api/v1/targets", "{"+strings.Repeat(" ", 2<<20)+"}", "Content-Type", "application/json"); code != http.StatusRequestEntityTooLarge {
		t.Errorf("POST /api/v1/targets of 2 MiB through nginx: %d, want 413 from nginx\n%.300s", code, body)
	}
	mu.Lock()
	for _, method := range []string{"POST", "DELETE"} {
		if reached[method] != refused[method] {
			t.Errorf("%s: %d reached the busy upstream but %d of its answers reached the client: nginx sent the others again", method, reached[method], refused[method])
		}
	}
	if reached["POST"]+reached["DELETE"] == 0 {
		t.Error("no write reached the busy upstream: the test proved nothing about writes")
	}
	mu.Unlock()
	if len(filed) == 0 {
		t.Fatal("no filing reached the instance through nginx")
	}

	// Reads: whichever upstream nginx tries first, the instance answers.
	for range 6 {
		code, _, body := send(http.DefaultClient, "GET", "/api/v1/summary", "")
		if code != http.StatusOK {
			t.Fatalf("GET /api/v1/summary through nginx: %d %s", code, body)
		}
	}
	mu.Lock()
	t.Logf("the busy upstream received %v; the client got its 503 for %v", reached, refused)
	if reached["GET"] == 0 {
		t.Error("no read reached the busy upstream: the test proved nothing about reads")
	}
	mu.Unlock()

	// gzip for the JSON that the service does not compress itself.
	code, h, _ := send(http.DefaultClient, "GET", "/api/openapi.json", "", "Accept-Encoding", "gzip")
	if code != http.StatusOK || h.Get("Content-Encoding") != "gzip" {
		t.Errorf("GET /api/openapi.json with Accept-Encoding: gzip: %d, Content-Encoding %q", code, h.Get("Content-Encoding"))
	}

	// /metrics: refused to any address but 127.0.0.1 and the monitoring
	// subnet; 127.0.0.2 is on the loopback too, and is neither.
	outside := &http.Client{Transport: &http.Transport{DialContext: (&net.Dialer{
		LocalAddr: &net.TCPAddr{IP: net.IPv4(127, 0, 0, 2)},
	}).DialContext}}
	if code, _, body := send(outside, "GET", "/metrics", ""); code != http.StatusForbidden {
		t.Errorf("GET /metrics from 127.0.0.2 through nginx: %d, want 403\n%s", code, body)
	}
	if code, _, body := send(outside, "GET", "/api/v1/summary", ""); code != http.StatusOK {
		t.Errorf("GET /api/v1/summary from 127.0.0.2 through nginx: %d\n%s", code, body)
	}
	if code, _, body := send(http.DefaultClient, "GET", "/metrics", ""); code == http.StatusForbidden {
		t.Errorf("GET /metrics from 127.0.0.1 through nginx: 403, want the instance's answer\n%s", body)
	}
}

func TestDeploy_SystemdUnitVerifies(t *testing.T) {
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("skipped: systemd-analyze is not installed")
	}
	unit, err := os.ReadFile(filepath.Join("deploy", "phusong@.service"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"ExecStart=/usr/local/bin/phusong serve --addr 127.0.0.1:%i --instance %H-%i\n",
		"EnvironmentFile=/etc/phusong/phusong.env\n", "User=phusong\n", "Restart=on-failure\n",
		"NoNewPrivileges=yes\n", "ProtectSystem=strict\n", "ReadWritePaths=/var/lib/phusong\n",
	} {
		if !strings.Contains(string(unit), want) {
			t.Errorf("phusong@.service has no %q", strings.TrimSpace(want))
		}
	}
	// systemd-analyze checks that ExecStart's program exists: this test's
	// build stands in for /usr/local/bin/phusong. An instance of the
	// template is verified, as systemctl would load it.
	dir := t.TempDir()
	unit = []byte(strings.ReplaceAll(string(unit), "/usr/local/bin/phusong", binPath))
	if err := os.WriteFile(filepath.Join(dir, "phusong@.service"), unit, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", filepath.Join(dir, "phusong@8081.service")).CombinedOutput()
	if err != nil || strings.Contains(string(out), "phusong@") {
		t.Fatalf("systemd-analyze verify: %v\n%s", err, out)
	}
}
