package fetch

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/testutil"
)

func TestIsPermanent(t *testing.T) {
	// Real errors from the network stack, not just hand-built ones.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, refused := http.Get("http://" + addr + "/")

	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	defer tlsSrv.Close()
	_, certErr := (&http.Client{Transport: &http.Transport{}}).Get(tlsSrv.URL)

	wrap := func(e error) error { return fmt.Errorf("download x: %w", &SourceError{URL: "u", Err: e}) }
	cases := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"connection refused (real)", refused, false},
		{"certificate error (real)", certErr, true},
		{"ECONNRESET", &net.OpError{Op: "read", Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}, false},
		{"ECONNABORTED", wrap(syscall.ECONNABORTED), false},
		{"EPIPE", wrap(syscall.EPIPE), false},
		{"dial timeout", &net.OpError{Op: "dial", Err: os.ErrDeadlineExceeded}, false},
		{"dns temporary", &net.DNSError{Err: "server misbehaving", IsTemporary: true}, false},
		{"tls handshake timeout", &url.Error{Op: "Get", URL: "u", Err: errors.New("net/http: TLS handshake timeout")}, false},
		{"unexpected EOF", wrap(io.ErrUnexpectedEOF), false},
		{"short body", &shortBodyError{URL: "u", Got: 1, Want: 2}, false},
		{"h2 stream error", wrap(errors.New("stream error: stream ID 3; REFUSED_STREAM; received from peer")), false},
		{"h2 goaway", wrap(errors.New("http2: server sent GOAWAY and closed the connection")), false},
		{"idle", wrap(&idleError{time.Second}), false},
		{"html page", wrap(&NotArchiveError{URL: "u", Reason: "text/html page"}), false},
		{"range", wrap(&rangeError{URL: "u", Detail: "416"}), false},
		{"first digest mismatch", wrap(&DigestError{Want: "a", Got: "b", again: true}), false},
		{"dns not found", &url.Error{Op: "Get", URL: "u", Err: &net.OpError{Op: "dial", Err: &net.DNSError{Name: "x.example", Err: "no such host", IsNotFound: true}}}, false},
		{"budget spent", fmt.Errorf("6 attempts in a row without progress: %w", &HTTPStatusError{Code: 503}), false},
		{"unknown error", errors.New("something odd"), false},
		{"408", wrap(&HTTPStatusError{Code: 408}), false},
		{"429", wrap(&HTTPStatusError{Code: 429}), false},
		{"500", wrap(&HTTPStatusError{Code: 500}), false},
		{"503", &HTTPStatusError{Code: 503}, false},
		{"404", wrap(&HTTPStatusError{Code: 404}), true},
		{"410", &HTTPStatusError{Code: 410}, true},
		{"403", &HTTPStatusError{Code: 403}, true},
		{"digest", wrap(&DigestError{Want: "a", Got: "b"}), true},
		{"unknown authority", wrap(x509.UnknownAuthorityError{}), true},
		{"hostname", &tls.CertificateVerificationError{Err: x509.HostnameError{}}, true},
		{"disk full", &fs.PathError{Op: "write", Path: "p", Err: testutil.DiskFullErrno}, true},
		{"EACCES", wrap(&fs.PathError{Op: "open", Path: "p", Err: syscall.EACCES}), true},
		{"EPERM", wrap(syscall.EPERM), true},
		{"fs.ErrPermission", fs.ErrPermission, true},
		{"not exist", &fs.PathError{Op: "open", Path: "p", Err: fs.ErrNotExist}, true},
		{"canceled", wrap(context.Canceled), true},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), true},
		{"insecure redirect", &url.Error{Op: "Get", URL: "u", Err: ErrInsecureRedirect}, true},
		{"too many redirects", &url.Error{Op: "Get", URL: "u", Err: errTooManyRedirects}, true},
		{"local EIO", local(&fs.PathError{Op: "write", Path: "p", Err: syscall.EIO}), true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if got := IsPermanent(tc.err); got != tc.want {
				t.Fatalf("IsPermanent(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestParseContentRange(t *testing.T) {
	cases := []struct {
		in                string
		first, last, size int64
		ok                bool
	}{
		{"bytes 0-99/100", 0, 99, 100, true},
		{"bytes 10-99/*", 10, 99, -1, true},
		{"bytes */100", -1, -1, 100, true},
		{"bytes 10-100/100", 0, 0, 0, false},
		{"bytes 10-5/100", 0, 0, 0, false},
		{"items 0-1/2", 0, 0, 0, false},
		{"bytes 0-1", 0, 0, 0, false},
		{"bytes a-1/2", 0, 0, 0, false},
		{"", 0, 0, 0, false},
	}
	for _, tc := range cases {
		f, l, s, err := parseContentRange(tc.in)
		if (err == nil) != tc.ok || (tc.ok && (f != tc.first || l != tc.last || s != tc.size)) {
			t.Errorf("parseContentRange(%q) = %d %d %d %v", tc.in, f, l, s, err)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		in   string
		want time.Duration
	}{
		{"", 0},
		{"5", 5 * time.Second},
		{"0", 0},
		{"-3", 0},
		{"120", 60 * time.Second},
		{now.Add(20 * time.Second).Format(http.TimeFormat), 20 * time.Second},
		{now.Add(-20 * time.Second).Format(http.TimeFormat), 0},
		{now.Add(time.Hour).Format(http.TimeFormat), 60 * time.Second},
		{"soon", 0},
	}
	for _, tc := range cases {
		if got := parseRetryAfter(tc.in, now); got != tc.want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestHelpers(t *testing.T) {
	for in, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KiB", 13002342: "12.4 MiB"} {
		if got := HumanBytes(in); got != want {
			t.Errorf("HumanBytes(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestRedirectPolicy(t *testing.T) {
	data := archiveData(50_000, 20)
	plain := newFileServer(t, data)
	t.Run("https to http refused", func(t *testing.T) {
		tlsSrv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, fileURL(plain), http.StatusFound)
		}))
		defer tlsSrv.Close()
		client := NewHTTPClient(time.Second)
		pool := x509.NewCertPool()
		pool.AddCert(tlsSrv.Certificate())
		client.Transport.(*http.Transport).TLSClientConfig.RootCAs = pool
		f, _, _ := newTestFetcher(t, Config{Client: client})
		_, _, err := fetchRead(context.Background(), f, Target{URL: tlsSrv.URL + "/a.tar.gz"})
		if !errors.Is(err, ErrInsecureRedirect) || !IsPermanent(err) {
			t.Fatalf("err = %v", err)
		}
		if len(plain.Requests()) != 0 {
			t.Fatal("the http server was contacted")
		}
	})
	t.Run("credentials stay on their host", func(t *testing.T) {
		// One-off handlers: faultserver does not log Authorization.
		other := newHandlerServer(t, func(n int, w http.ResponseWriter, r *http.Request) { serveData(w, r, data, "") })
		var self *handlerServer
		self = newHandlerServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
			switch r.URL.Path {
			case "/same":
				http.Redirect(w, r, self.url(), http.StatusFound)
			case "/other":
				http.Redirect(w, r, other.url(), http.StatusFound)
			default:
				serveData(w, r, data, "")
			}
		})
		f, _, _ := newTestFetcher(t, Config{Header: http.Header{"Authorization": {"Bearer secret"}}})
		for _, p := range []string{"/same", "/other"} {
			if _, _, _, err := f.Get(context.Background(), self.URL+p, ""); err != nil {
				t.Fatal(err)
			}
		}
		if r := self.requests(); len(r) != 3 || r[0].Auth != "Bearer secret" || r[1].Auth != "Bearer secret" || r[2].Auth != "Bearer secret" {
			t.Fatalf("same host: %+v", r)
		}
		if r := other.requests(); len(r) != 1 || r[0].Auth != "" {
			t.Fatalf("other host got %+v", r)
		}
	})
}

func TestGet(t *testing.T) {
	body := []byte(`{"cpython": 1}`)
	ts := faultserver.New(faultserver.HTTP1, map[string][]byte{"/catalog.json": body})
	defer ts.Close()
	ts.Script(faultserver.Fault{Kind: faultserver.Status, Code: 503, RetryAfter: "2"}, faultserver.Fault{Kind: faultserver.CloseMidBody, At: 3})
	f, sl, ev := newTestFetcher(t, Config{})
	got, tag, nm, err := f.Get(context.Background(), ts.URL+"/catalog.json", "")
	log := ts.Requests()
	if err != nil || len(log) != 3 || string(got) != string(body) || tag == "" || tag != log[2].ETag || nm {
		t.Fatalf("Get = %q %q %v %v; requests %v", got, tag, nm, err, log)
	}
	if d := sl.get(); len(d) != 2 || d[0] != 2*time.Second || len(ev.kinds(EventFault)) != 2 {
		t.Fatalf("sleeps %v, faults %d", d, len(ev.kinds(EventFault)))
	}
	etag := tag
	got, tag, nm, err = f.Get(context.Background(), ts.URL+"/catalog.json", etag)
	if err != nil || got != nil || tag != etag || !nm || ts.Requests()[3].Status != http.StatusNotModified {
		t.Fatalf("revalidate = %q %q %v %v", got, tag, nm, err)
	}
	n := len(ts.Requests())
	_, _, _, err = f.Get(context.Background(), ts.URL+"/missing", "")
	var se *HTTPStatusError
	if !errors.As(err, &se) || se.Code != 404 || len(ts.Requests()) != n+1 {
		t.Fatalf("404: %v after %d requests", err, len(ts.Requests())-n)
	}

	p := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(p, body, 0o644)
	for _, src := range []string{p, "file://" + filepath.ToSlash(p)} {
		got, _, _, err := f.Get(context.Background(), src, "")
		if err != nil || string(got) != string(body) {
			t.Fatalf("Get(%s) = %q %v", src, got, err)
		}
	}
	if _, _, _, err := f.Get(context.Background(), p+".missing", ""); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("missing file: %v", err)
	}
}

func TestProxyFromEnvironment(t *testing.T) {
	// http.ProxyFromEnvironment reads the environment once per process, so
	// the check runs in a child process.
	if os.Getenv("PYGET_TEST_PROXY_CHILD") == "1" {
		f, _, _ := newTestFetcher(t, Config{})
		got, _, _, err := f.Get(context.Background(), "http://pyget.invalid/catalog.json", "")
		if err != nil || string(got) != "via proxy http://pyget.invalid/catalog.json" {
			t.Fatalf("Get through proxy = %q %v", got, err)
		}
		return
	}
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, "via proxy "+r.URL.String())
	}))
	defer proxy.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := execCommand(exe, "-test.run=^TestProxyFromEnvironment$", "-test.count=1")
	cmd.Env = append(os.Environ(), "PYGET_TEST_PROXY_CHILD=1", "HTTP_PROXY="+proxy.URL, "http_proxy="+proxy.URL, "NO_PROXY=", "no_proxy=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("child: %v\n%s", err, out)
	}
}

func TestSSLCertFile(t *testing.T) {
	if os.Getenv("PYGET_TEST_SSL_CHILD") != "" {
		// The default client trusts the fault server's CA only through
		// SSL_CERT_FILE.
		f, _, _ := newTestFetcher(t, Config{})
		got, _, _, err := f.Get(context.Background(), os.Getenv("PYGET_TEST_SSL_CHILD"), "")
		if err != nil || len(got) != 4096 {
			t.Fatalf("Get over TLS with SSL_CERT_FILE: %d bytes, %v", len(got), err)
		}
		return
	}
	if runtime.GOOS != "linux" {
		t.Skip("SSL_CERT_FILE is honoured by Go's system roots on Linux")
	}
	srv := faultserver.New(faultserver.HTTP2, map[string][]byte{"/c.json": make([]byte, 4096)})
	defer srv.Close()
	ca, err := srv.CAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	run := func(env ...string) error {
		cmd := execCommand(exe, "-test.run=^TestSSLCertFile$", "-test.count=1")
		cmd.Env = append(os.Environ(), append([]string{"PYGET_TEST_SSL_CHILD=" + srv.URL + "/c.json"}, env...)...)
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%v\n%s", err, out)
		}
		return nil
	}
	if err := run("SSL_CERT_FILE=" + ca); err != nil {
		t.Fatalf("with SSL_CERT_FILE: %v", err)
	}
	// Without it the certificate is unknown: a permanent error.
	if err := run("SSL_CERT_FILE="+filepath.Join(t.TempDir(), "none.pem"), "SSL_CERT_DIR="+t.TempDir()); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Fatalf("without the CA: %v", err)
	}
}

func TestDeadline(t *testing.T) {
	srv := newFileServer(t, nil)
	srv.Repeat(faultserver.Fault{Kind: faultserver.Status, Code: 503})
	f, _, _ := newTestFetcher(t, Config{Deadline: 300 * time.Millisecond, Retries: 1000})
	f.hooks.sleep = sleepCtx
	start := time.Now()
	_, _, err := fetchRead(context.Background(), f, Target{URL: fileURL(srv)})
	if !errors.Is(err, context.DeadlineExceeded) || !strings.Contains(err.Error(), "deadline") || time.Since(start) > 5*time.Second {
		t.Fatalf("err = %v after %v", err, time.Since(start))
	}
}

// TestClassify checks the three verdicts, which IsPermanent folds into two:
// what the mirror loop does with each failure.
func TestClassify(t *testing.T) {
	cases := []struct {
		name string
		err  error
		want verdict
	}{
		{"canceled", fmt.Errorf("x: %w", context.Canceled), stop},
		{"deadline", fmt.Errorf("x: %w", context.DeadlineExceeded), stop},
		{"cache disk full", local(&fs.PathError{Op: "write", Path: "p", Err: testutil.DiskFullErrno}), stop},
		{"cache disk I/O error", local(&fs.PathError{Op: "write", Path: "p", Err: syscall.EIO}), stop},
		{"cache lock", fmt.Errorf("download x: %w", local(errors.New("locking"))), stop},
		{"404", &SourceError{URL: "u", Err: &HTTPStatusError{Code: 404}}, nextSource},
		{"final digest mismatch", &DigestError{Want: "a", Got: "b"}, nextSource},
		{"certificate", x509.UnknownAuthorityError{}, nextSource},
		{"insecure redirect", ErrInsecureRedirect, nextSource},
		{"file mirror missing", &fs.PathError{Op: "open", Path: "p", Err: fs.ErrNotExist}, nextSource},
		{"file mirror unreadable", &fs.PathError{Op: "open", Path: "p", Err: syscall.EACCES}, nextSource},
		{"first digest mismatch", &DigestError{Want: "a", Got: "b", again: true}, retry},
		{"503", &HTTPStatusError{Code: 503}, retry},
		{"net timeout", &net.OpError{Op: "read", Err: os.ErrDeadlineExceeded}, retry},
		{"idle", fmt.Errorf("GET u: %w", &idleError{time.Second}), retry},
		{"range", &rangeError{URL: "u", Detail: "416"}, retry},
		{"not the archive", &NotArchiveError{URL: "u", Reason: "text/html page"}, retry},
		{"dns", &net.DNSError{Name: "x", Err: "no such host", IsNotFound: true}, retry},
		{"unknown", errors.New("something odd"), retry},
	}
	for _, tc := range cases {
		if got := classify(tc.err); got != tc.want {
			t.Errorf("%s: classify(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
		if got, want := IsPermanent(tc.err), tc.want != retry; got != want {
			t.Errorf("%s: IsPermanent(%v) = %v, want %v", tc.name, tc.err, got, want)
		}
	}
}

// TestDescribe: the fault message says what happened in a few words; a DNS
// failure says plainly that the host cannot be resolved, since offline that
// is why every attempt fails.
func TestDescribe(t *testing.T) {
	dns := func(e *net.DNSError) error {
		return &url.Error{Op: "Get", URL: "https://x.example/a", Err: &net.OpError{Op: "dial", Net: "tcp", Err: e}}
	}
	cases := []struct {
		err  error
		want string
	}{
		{dns(&net.DNSError{Name: "x.example", Err: "no such host", IsNotFound: true}), "cannot resolve x.example (offline?)"},
		{dns(&net.DNSError{Name: "x.example", Err: "i/o timeout", IsTimeout: true, IsTemporary: true}), "cannot resolve x.example (offline?)"},
		{&HTTPStatusError{URL: "u", Code: 503}, "HTTP 503"},
		{fmt.Errorf("GET u: %w", &idleError{time.Second}), "stalled (no data for 1s)"},
		{&NotArchiveError{URL: "u", Reason: "text/html page"}, "not the archive (text/html page)"},
		{&rangeError{URL: "u", Detail: "416"}, "cannot resume (416)"},
		{&DigestError{again: true}, "sha256 mismatch"},
		{&net.OpError{Op: "read", Err: &os.SyscallError{Syscall: "read", Err: syscall.ECONNRESET}}, "connection reset"},
		{&shortBodyError{URL: "u", Got: 1, Want: 2}, "connection closed early"},
		{errors.New("stream error: stream ID 3; INTERNAL_ERROR"), "stream reset"},
	}
	for _, tc := range cases {
		if got := describe(tc.err); got != tc.want {
			t.Errorf("describe(%v) = %q, want %q", tc.err, got, tc.want)
		}
	}
}

// A host that does not resolve (offline, no DNS) says so in the first fault
// event, which the user sees before any retry.
func TestDNSFailureSaysOffline(t *testing.T) {
	c := NewHTTPClient(time.Second)
	c.Transport.(*http.Transport).Proxy = nil // a proxy would resolve it instead
	f, sl, ev := newTestFetcher(t, Config{Client: c, Retries: 1})
	_, _, _, err := f.Get(context.Background(), "http://pyget.invalid/catalog.json", "")
	var dns *net.DNSError
	if !errors.As(err, &dns) {
		t.Skipf("pyget.invalid did not fail as a DNS lookup here: %v", err)
	}
	faults := ev.kinds(EventFault)
	if len(faults) != 1 || !strings.HasPrefix(faults[0].Message, "cannot resolve pyget.invalid (offline?); retrying in ") {
		t.Fatalf("fault events %+v, want one saying the host cannot be resolved", faults)
	}
	if len(sl.get()) != 1 || IsPermanent(err) {
		t.Fatalf("sleeps %v, permanent %v: a DNS failure is retried", sl.get(), IsPermanent(err))
	}
}
