package e2e

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/testutil"
)

// nginxServer is a real nginx serving the fixture over HTTPS with HTTP/2.
type nginxServer struct {
	URL       string // https://127.0.0.1:PORT
	CAFile    string // PEM of the CA that signed its certificate
	accessLog string
	errorLog  string
	client    *http.Client
}

// nginxPath finds nginx, or fails the test when it is missing.
func nginxPath(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("nginx")
	if err != nil {
		for _, c := range []string{"/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/local/nginx/sbin/nginx"} {
			if _, serr := os.Stat(c); serr == nil {
				return c
			}
		}
		// Not a skip: nginx can always be installed, and a suite that
		// passes by skipping its real-server tests proves nothing.
		t.Fatalf("nginx is required (apt-get install -y nginx-light; .ci/run does it): %v", err)
	}
	return p
}

var nginxVersionRE = regexp.MustCompile(`nginx/(\d+)\.(\d+)\.(\d+)`)

// http2Listen returns the listen parameters and the extra server directive
// that turn HTTP/2 on: 1.25.1 moved it from `listen ... http2` to `http2 on;`.
func http2Syntax(t *testing.T, bin string) (listenSuffix, directive string) {
	t.Helper()
	out, err := exec.Command(bin, "-v").CombinedOutput()
	if err != nil {
		t.Fatalf("nginx -v: %v: %s", err, out)
	}
	m := nginxVersionRE.FindStringSubmatch(string(out))
	if m == nil {
		t.Fatalf("nginx -v: no version in %q", out)
	}
	maj, _ := strconv.Atoi(m[1])
	min, _ := strconv.Atoi(m[2])
	patch, _ := strconv.Atoi(m[3])
	if maj > 1 || (maj == 1 && (min > 25 || (min == 25 && patch >= 1))) {
		return "ssl", "http2 on;"
	}
	return "ssl http2", ""
}

// startNginx serves root (the fixture dir) on a free loopback port until the
// test ends.
func startNginx(t *testing.T, root string) *nginxServer {
	t.Helper()
	bin := nginxPath(t)
	listenSuffix, h2Directive := http2Syntax(t, bin)
	prefix := t.TempDir()
	caFile, certFile, keyFile := writeTLS(t, prefix)
	for _, d := range []string{"tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "logs"} {
		if err := os.MkdirAll(filepath.Join(prefix, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := &nginxServer{
		CAFile:    caFile,
		accessLog: filepath.Join(prefix, "logs", "access.log"),
		errorLog:  filepath.Join(prefix, "logs", "error.log"),
	}
	pool := x509.NewCertPool()
	caPEM, _ := os.ReadFile(caFile)
	pool.AppendCertsFromPEM(caPEM)
	s.client = &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, ForceAttemptHTTP2: true},
	}
	t.Cleanup(s.client.CloseIdleConnections)

	// The port is picked by binding and releasing it; another process could
	// take it in between, so a bind failure gets a fresh port.
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		conf := filepath.Join(prefix, "nginx.conf")
		if err := os.WriteFile(conf, []byte(nginxConf(prefix, root, port, listenSuffix, h2Directive, certFile, keyFile, s.accessLog)), 0o644); err != nil {
			t.Fatal(err)
		}
		s.URL = fmt.Sprintf("https://127.0.0.1:%d", port)
		lastErr = s.launch(t, bin, prefix, conf)
		if lastErr == nil {
			return s
		}
	}
	t.Fatalf("nginx did not start: %v", lastErr)
	return nil
}

func (s *nginxServer) launch(t *testing.T, bin, prefix, conf string) error {
	cmd := exec.Command(bin, "-p", prefix, "-e", s.errorLog, "-c", conf, "-g", "daemon off;")
	cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start nginx: %w", err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	stop := func() {
		// SIGTERM is nginx's fast shutdown; the master takes its workers down.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		select {
		case err := <-exited:
			log, _ := os.ReadFile(s.errorLog)
			return fmt.Errorf("nginx exited: %v\n%s", err, log)
		default:
		}
		resp, err := s.client.Get(s.URL + "/catalog.json")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				t.Cleanup(stop)
				return nil
			}
			err = fmt.Errorf("status %s", resp.Status)
		}
		if time.Now().After(deadline) {
			stop()
			log, _ := os.ReadFile(s.errorLog)
			return fmt.Errorf("nginx not answering: %w\n%s", err, log)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func nginxConf(prefix, root string, port int, listenSuffix, h2Directive, cert, key, accessLog string) string {
	return nginxMain(prefix, accessLog, fmt.Sprintf(`types {
        application/gzip gz;
        application/zstd zst;
        application/json json;
    }
    sendfile on;
    server {
        listen 127.0.0.1:%[1]d %[2]s;
        %[3]s
        server_name localhost;
        ssl_certificate %[4]s;
        ssl_certificate_key %[5]s;
        root %[6]s;
        location / { }
    }`, port, listenSuffix, h2Directive, cert, key, root))
}

// nginxMain is an nginx.conf whose state lives under prefix, logging each
// request to accessLog in the format the tests read, with http-level
// directives http (servers included).
func nginxMain(prefix, accessLog, http string) string {
	var b strings.Builder
	// Workers run as `nobody` when the master is root and could not read a
	// fixture under /root.
	if os.Geteuid() == 0 {
		b.WriteString("user root;\n")
	}
	fmt.Fprintf(&b, `worker_processes 2;
pid %[1]s/nginx.pid;
events { worker_connections 512; }
http {
    default_type application/octet-stream;
    log_format e2e '$request_method "$request_uri" $status $body_bytes_sent "$http_range" $server_protocol';
    access_log %[2]s e2e;
    client_body_temp_path %[1]s/tmp/body;
    proxy_temp_path %[1]s/tmp/proxy;
    fastcgi_temp_path %[1]s/tmp/fastcgi;
    uwsgi_temp_path %[1]s/tmp/uwsgi;
    scgi_temp_path %[1]s/tmp/scgi;
    %[3]s
}
`, prefix, accessLog, http)
	return b.String()
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// accessEntry is one line of the e2e log format.
type accessEntry struct {
	Method   string
	URI      string // as the client sent it (still escaped)
	Status   int
	Bytes    int64
	Range    string
	Protocol string
}

var accessRE = regexp.MustCompile(`^(\S+) "([^"]*)" (\d+) (\d+) "([^"]*)" (\S+)$`)

// requests parses the access log. nginx writes a line when a request ends,
// so callers read it after the clients are done.
func (s *nginxServer) requests(t *testing.T) []accessEntry {
	t.Helper()
	f, err := os.Open(s.accessLog)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []accessEntry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := accessRE.FindStringSubmatch(sc.Text())
		if m == nil {
			t.Fatalf("unparsable access log line %q", sc.Text())
		}
		status, _ := strconv.Atoi(m[3])
		n, _ := strconv.ParseInt(m[4], 10, 64)
		rng := m[5]
		if rng == "-" {
			rng = ""
		}
		out = append(out, accessEntry{Method: m[1], URI: m[2], Status: status, Bytes: n, Range: rng, Protocol: m[6]})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// assetLog returns the access-log entries for one asset once settled says
// they are complete, or what is there after half a minute. nginx writes a
// request's line after the response has gone out, so a client that has
// read every byte can look before the line is written.
func (s *nginxServer) assetLog(t *testing.T, name string, settled func([]accessEntry) bool) []accessEntry {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second) // a guard: the healthy path returns once settled
	for {
		got := assetRequests(s.requests(t), name)
		if settled(got) || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// bytesAtLeast settles once the entries add up to n body bytes.
func bytesAtLeast(n int64) func([]accessEntry) bool {
	return func(es []accessEntry) bool {
		var total int64
		for _, e := range es {
			total += e.Bytes
		}
		return total >= n
	}
}

// assetRequests keeps the log entries for one release asset, whichever way
// its '+' was spelled.
func assetRequests(entries []accessEntry, name string) []accessEntry {
	var out []accessEntry
	for _, e := range entries {
		uri, _, _ := strings.Cut(e.URI, "?")
		uri = strings.NewReplacer("%2B", "+", "%2b", "+").Replace(uri)
		if strings.HasSuffix(uri, "/"+name) {
			out = append(out, e)
		}
	}
	return out
}

// writeTLS makes a CA and a server certificate for 127.0.0.1 signed by it.
func writeTLS(t *testing.T, dir string) (caFile, certFile, keyFile string) {
	t.Helper()
	ca, err := testutil.NewCA("pyget e2e test CA")
	if err != nil {
		t.Fatal(err)
	}
	cert, err := ca.IssueServerCert("127.0.0.1", "localhost")
	if err != nil {
		t.Fatal(err)
	}
	caFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(caFile, ca.PEM(), 0o600); err != nil {
		t.Fatal(err)
	}
	certFile, keyFile, err = testutil.WriteServerFiles(dir, cert)
	if err != nil {
		t.Fatal(err)
	}
	return caFile, certFile, keyFile
}

// get fetches a path from the server with a client that trusts its CA.
func (s *nginxServer) get(ctx context.Context, path string, header map[string]string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	return s.client.Do(req)
}
