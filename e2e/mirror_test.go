package e2e

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/faultserver"
)

// TestStaticMirror builds a mirror folder with `pyget mirror` from an
// upstream, stops the upstream, serves the folder with nginx under a path
// prefix, and installs from it with nothing but PYGET_MIRROR and
// PYGET_DOWNLOADS_JSON; then from the same folder over file://.
func TestStaticMirror(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	upstream := newFaultServer(t, faultserver.HTTP1, a)
	builder := newEnv(t, "catalog.json")

	www := filepath.Join(builder.root, "www")
	dir := filepath.Join(www, "python")
	mirrorArgs := []string{"mirror", dir, "3.14", "--platform", "linux-x86_64-gnu",
		"--mirror", upstream.URL, "--downloads-json", builder.catalog}
	r := builder.mustPyget(mirrorArgs...)
	if !strings.Contains(r.stderr, "1 downloaded, 0 repaired, 0 already there; 1 build in") {
		t.Fatalf("unexpected summary\n%s", r)
	}

	// The layout: the asset under its release tag with '+' unescaped, its
	// SHA256SUMS line, and a catalog of exactly that build, upstream URL kept.
	got, err := os.ReadFile(filepath.Join(dir, buildTag, a.Name))
	if err != nil {
		t.Fatal(err)
	}
	if sum := sha256.Sum256(got); hex.EncodeToString(sum[:]) != a.SHA256 {
		t.Fatalf("the mirrored archive does not match the catalog's sha256")
	}
	sums, _ := os.ReadFile(filepath.Join(dir, buildTag, "SHA256SUMS"))
	if string(sums) != a.SHA256+"  "+a.Name+"\n" {
		t.Fatalf("SHA256SUMS = %q", sums)
	}
	meta, err := os.ReadFile(filepath.Join(dir, "download-metadata.json"))
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := catalog.Parse("download-metadata.json", meta)
	if err != nil || len(c.Entries) != 1 || c.Entries[0].Key != a.Key || c.Entries[0].URL != a.URL {
		t.Fatalf("mirror catalog: %v %+v", err, c)
	}

	// A second run fetches nothing; --check verifies.
	before := len(upstream.Requests())
	r = builder.mustPyget(mirrorArgs...)
	if n := len(upstream.Requests()) - before; n != 0 || !strings.Contains(r.stderr, "0 downloaded, 0 repaired, 1 already there") {
		t.Fatalf("second run made %d requests\n%s", n, r)
	}
	builder.mustPyget("mirror", dir, "--check")
	upstream.Close()

	// Served by nginx under /python, the upstream gone.
	if err := os.WriteFile(filepath.Join(www, "catalog.json"), []byte("{}"), 0o644); err != nil { // nginx's readiness probe
		t.Fatal(err)
	}
	s := startNginx(t, www)
	client := newEnv(t, "catalog.json")
	client.set("SSL_CERT_FILE="+s.CAFile,
		"PYGET_MIRROR="+s.URL+"/python",
		"PYGET_DOWNLOADS_JSON="+s.URL+"/python/download-metadata.json")
	r = client.mustPyget("install", "3.14")
	checkSummary(t, r)
	exe := client.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after installing from the static mirror")
	}
	client.mustRun(exe)
	if got := s.assetLog(t, a.Name, bytesAtLeast(a.Size)); len(got) == 0 || !strings.HasPrefix(got[0].URI, "/python/"+buildTag+"/") {
		t.Fatalf("nginx did not serve the asset from the mirror folder: %+v", got)
	}

	// The same folder over file://.
	local := newEnv(t, "catalog.json")
	local.set("PYGET_MIRROR=file://"+dir, "PYGET_DOWNLOADS_JSON="+filepath.Join(dir, "download-metadata.json"))
	r = local.mustPyget("install", "3.14")
	checkSummary(t, r)
	if exe := local.find(); exe == "" {
		t.Fatal("find 3.14 exits 1 after installing over file://")
	} else {
		local.mustRun(exe)
	}

	// Damage is found by --check (exit 1) and repaired by a normal run. The
	// archive is written over in place, which also damages the builder's
	// download cache (the mirror hard-links it when it can): the repair sees
	// that and fetches it again.
	if err := os.WriteFile(filepath.Join(dir, buildTag, a.Name), []byte("rot"), 0o644); err != nil {
		t.Fatal(err)
	}
	r = builder.pyget("mirror", dir, "--check")
	if r.code != 1 || !strings.Contains(r.stdout, a.Name+": damaged") {
		t.Fatalf("--check on a damaged mirror: want exit 1 naming the archive\n%s", r)
	}
	upstream = newFaultServer(t, faultserver.HTTP1, a)
	mirrorArgs[len(mirrorArgs)-3] = upstream.URL
	r = builder.mustPyget(mirrorArgs...)
	if !strings.Contains(r.stderr, "0 downloaded, 1 repaired, 0 already there") {
		t.Fatalf("no repair\n%s", r)
	}
	builder.mustPyget("mirror", dir, "--check")
}

// startPlainNginx runs nginx over plain HTTP with the http-level directives
// extra and the server body that body(port, second) returns, listening on
// two loopback ports. GET /catalog.json must answer 200 (the readiness probe).
// It returns the server (URL: the first port) and the second port's URL.
func startPlainNginx(t *testing.T, extra string, body func(port, second int) string) (*nginxServer, string) {
	t.Helper()
	bin := nginxPath(t)
	prefix := t.TempDir()
	for _, d := range []string{"tmp/body", "tmp/proxy", "tmp/fastcgi", "tmp/uwsgi", "tmp/scgi", "logs", "cache"} {
		if err := os.MkdirAll(filepath.Join(prefix, d), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	s := &nginxServer{
		accessLog: filepath.Join(prefix, "logs", "access.log"),
		errorLog:  filepath.Join(prefix, "logs", "error.log"),
		client:    &http.Client{Timeout: 30 * time.Second},
	}
	var lastErr error
	for attempt := 0; attempt < 5; attempt++ {
		port, second := freePort(t), freePort(t)
		http := fmt.Sprintf(`%[1]s
    server {
        listen 127.0.0.1:%[2]d;
        listen 127.0.0.1:%[3]d;
        %[4]s
    }`, strings.ReplaceAll(extra, "PREFIX", prefix), port, second, body(port, second))
		conf := filepath.Join(prefix, "nginx.conf")
		if err := os.WriteFile(conf, []byte(nginxMain(prefix, s.accessLog, http)), 0o644); err != nil {
			t.Fatal(err)
		}
		s.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
		if lastErr = s.launch(t, bin, prefix, conf); lastErr == nil {
			return s, fmt.Sprintf("http://127.0.0.1:%d", second)
		}
	}
	t.Fatalf("nginx did not start: %v", lastErr)
	return nil, ""
}

// startCachingProxy runs nginx as a pull-through cache in front of
// upstream (plain HTTP): proxy_cache with proxy_cache_lock, so that
// concurrent misses for one file make one upstream request. Its second port
// paces responses at rate bytes/s (for a client to be killed mid-transfer).
func startCachingProxy(t *testing.T, upstream string, rate int) (*nginxServer, string) {
	t.Helper()
	return startPlainNginx(t,
		"proxy_cache_path PREFIX/cache levels=1:2 keys_zone=pbs:10m max_size=2g inactive=30d use_temp_path=off;",
		func(_, second int) string {
			return fmt.Sprintf(`if ($server_port = %d) {
            set $limit_rate %d;
        }
        location / {
            proxy_pass %s;
            proxy_http_version 1.1;
            proxy_cache pbs;
            proxy_cache_key $uri;
            proxy_cache_lock on;
            proxy_cache_lock_timeout 5m;
            proxy_cache_lock_age 5m;
            proxy_cache_valid 200 30d;
            proxy_cache_use_stale error timeout updating http_500 http_502 http_503 http_504;
        }`, second, rate, upstream)
		})
}

// TestPullThroughCache puts nginx as a caching proxy between pyget and the
// upstream: eight pyget processes with their own install and cache dirs
// install at once, and the upstream sends the archive about once. Then a
// client killed mid-download resumes with a Range request that the cache
// answers, without asking the upstream again.
func TestPullThroughCache(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	cat, err := os.ReadFile(filepath.Join(fixtureDir, "catalog.json"))
	if err != nil {
		t.Fatal(err)
	}
	// The upstream also serves /catalog.json: nginx's readiness probe.
	upstream := faultserver.New(faultserver.HTTP1, map[string][]byte{"/" + buildTag + "/" + a.Name: a.Data, "/catalog.json": cat})
	t.Cleanup(upstream.Close)
	proxy, paced := startCachingProxy(t, upstream.URL, 4<<20)

	const n = 8
	envs := make([]*env, n)
	results := make([]result, n)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	var wg sync.WaitGroup
	for i := range n {
		envs[i] = newEnv(t, "catalog.json")
		envs[i].set("PYGET_MIRROR=" + proxy.URL)
		wg.Go(func() {
			cmd, stdout, stderr := envs[i].command(ctx, "install", "3.14")
			err := cmd.Run()
			results[i] = result{args: cmd.Args[1:], stdout: stdout.String(), stderr: stderr.String(), code: -1}
			if cmd.ProcessState != nil {
				results[i].code = cmd.ProcessState.ExitCode()
			} else {
				results[i].stderr += err.Error()
			}
		})
	}
	wg.Wait()
	for i, r := range results {
		if r.code != 0 {
			t.Fatalf("install %d: want exit 0\n%s", i, r)
		}
	}
	for i, e := range envs {
		if exe := e.find(); exe == "" {
			t.Fatalf("install %d: find 3.14 exits 1", i)
		} else if i == 0 || i == n-1 {
			e.mustRun(exe)
		}
	}
	assetSent := func() (sent int64, reqs int) {
		for _, r := range upstream.Requests() {
			if strings.HasSuffix(strings.ReplaceAll(r.Path, "%2B", "+"), a.Name) {
				sent += r.BytesSent
				reqs++
			}
		}
		return sent, reqs
	}
	sent, reqs := assetSent()
	t.Logf("upstream sent %d bytes of the %d-byte archive in %d responses to %d installs", sent, a.Size, reqs, n)
	if sent < a.Size || sent > a.Size*11/10 {
		t.Fatalf("upstream sent %d bytes of the archive in %d responses to %d installs; want about one archive (%d bytes, at most 1.1x)", sent, reqs, n, a.Size)
	}

	// A client killed mid-download through the (paced) cache resumes.
	e := newEnv(t, "catalog.json")
	e.set("PYGET_MIRROR=" + paced)
	kctx, kcancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer kcancel()
	cmd, stdout, stderr := e.command(kctx, "install", "3.14")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var part int64
	for deadline := time.Now().Add(time.Minute); part < 4<<20; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			cmd.Wait()
			t.Fatalf("the partial never reached 4 MiB\n%s%s", stdout, stderr)
		}
		if fi, err := os.Stat(filepath.Join(e.cacheDir, "downloads", a.SHA256+".part")); err == nil {
			part = fi.Size()
		}
	}
	cmd.Process.Kill()
	cmd.Wait()
	if fi, err := os.Stat(filepath.Join(e.cacheDir, "downloads", a.SHA256+".part")); err == nil {
		part = fi.Size()
	}
	if part >= a.Size {
		t.Fatalf("killed too late: the partial is whole")
	}
	r := e.mustPyget("install", "3.14")
	checkSummary(t, r)
	e.mustRun(e.find())

	var resumed bool
	for _, g := range proxy.assetLog(t, a.Name, func(es []accessEntry) bool { return len(es) >= n+2 }) {
		if strings.HasPrefix(g.Range, "bytes=") && !strings.HasPrefix(g.Range, "bytes=0-") {
			// An open range resumes the rest; a bounded one is a
			// segment's (pyget fetches large archives in segments, and
			// the partial's size is then its highest offset written).
			want := a.Size - part + 1
			if first, last, ok := strings.Cut(strings.TrimPrefix(g.Range, "bytes="), "-"); ok && last != "" {
				f, _ := strconv.ParseInt(first, 10, 64)
				l, _ := strconv.ParseInt(last, 10, 64)
				want = l - f + 1
			}
			if g.Status != http.StatusPartialContent || g.Bytes <= 0 || g.Bytes > want {
				t.Fatalf("the cache answered the resume %q with %d and %d bytes; want 206 with at most %d", g.Range, g.Status, g.Bytes, want)
			}
			resumed = true
		}
	}
	if !resumed {
		t.Fatalf("no resumed (Range) request reached the cache: %+v", proxy.requests(t))
	}
	if again, _ := assetSent(); again != sent {
		t.Fatalf("the upstream sent %d more bytes for the resumed client; the cache should have served it", again-sent)
	}
}

// TestPrivateMirror serves a pyget mirror folder behind nginx's auth_basic,
// catalog included: without a login the install fails at once (one request)
// with a 401 and the netrc hint; with a login from $NETRC, or from the
// mirror URL's user:password@ (which the catalog on the same host gets too),
// it installs, and the password is never printed.
func TestPrivateMirror(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	upstream := newFaultServer(t, faultserver.HTTP1, a)
	builder := newEnv(t, "catalog.json")
	www := filepath.Join(builder.root, "www")
	builder.mustPyget("mirror", filepath.Join(www, "python"), "3.14", "--platform", "linux-x86_64-gnu",
		"--mirror", upstream.URL, "--downloads-json", builder.catalog)
	htpasswd := filepath.Join(builder.root, "htpasswd")
	if err := os.WriteFile(htpasswd, []byte("ci:{PLAIN}s3cret-pw\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(www, "catalog.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, _ := startPlainNginx(t, "", func(_, _ int) string {
		return fmt.Sprintf(`root %s;
        location = /catalog.json { }
        location / {
            auth_basic "pbs";
            auth_basic_user_file %s;
        }`, www, htpasswd)
	})
	base := s.URL + "/python"
	metaURL := base + "/download-metadata.json"

	anon := newEnv(t, "catalog.json")
	anon.set("PYGET_MIRROR="+base, "PYGET_DOWNLOADS_JSON="+metaURL)
	r := anon.pyget("install", "3.14")
	if r.code != 1 || !strings.Contains(r.stderr, "HTTP 401 Unauthorized (no credentials were sent)") ||
		!strings.Contains(r.stderr, "hint: the server wants a login: put it in ~/.netrc") {
		t.Fatalf("without a login: want exit 1 with the status and the netrc hint\n%s", r)
	}
	if got := len(s.requests(t)); got != 2 { // the readiness probe, then one
		t.Fatalf("nginx saw %d requests, want the probe and one: a 401 is not retried\n%+v", got, s.requests(t))
	}

	withNetrc := newEnv(t, "catalog.json")
	netrc := filepath.Join(withNetrc.root, "netrc")
	if err := os.WriteFile(netrc, []byte("machine example.invalid login x password y\nmachine 127.0.0.1\n  login ci\n  password s3cret-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	withNetrc.set("PYGET_MIRROR="+base, "PYGET_DOWNLOADS_JSON="+metaURL, "NETRC="+netrc)
	r = withNetrc.mustPyget("install", "3.14")
	checkSummary(t, r)
	withNetrc.mustRun(withNetrc.find())

	withURL := newEnv(t, "catalog.json")
	withURL.set("PYGET_MIRROR="+strings.Replace(base, "http://", "http://ci:s3cret-pw@", 1), "PYGET_DOWNLOADS_JSON="+metaURL)
	r = withURL.mustPyget("install", "3.14", "-v")
	checkSummary(t, r)
	if strings.Contains(r.stdout+r.stderr, "s3cret") {
		t.Fatalf("the password was printed\n%s", r)
	}
	withURL.mustRun(withURL.find())
}
