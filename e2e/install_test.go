package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
)

// TestInstallFromNginx is the everyday path: a real HTTPS+HTTP/2 mirror,
// install, run, list, uninstall.
func TestInstallFromNginx(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	s := startNginx(t, fixtureDir)
	e := newEnv(t, "catalog.json")
	e.set("SSL_CERT_FILE=" + s.CAFile)

	if p := e.find(); p != "" {
		t.Fatalf("find reports %s before any install", p)
	}
	r := e.mustPyget(e.installArgs(s.URL, "3.14")...)
	checkSummary(t, r)

	exe := e.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after a successful install")
	}
	if !strings.HasPrefix(exe, e.installDir+string(os.PathSeparator)) {
		t.Fatalf("find reports %s, outside PYGET_INSTALL_DIR %s", exe, e.installDir)
	}
	e.mustRun(exe)
	link := filepath.Join(e.binDir, "python3.14")
	e.mustRun(link)
	e.checkList(t)
	list := e.mustPyget("list", "--output-format", "json")
	if !strings.Contains(list.stdout, pyVersion) {
		t.Fatalf("list does not mention %s\n%s", pyVersion, list)
	}

	// The mirror really carried it, and pyget asked for it over HTTP/2.
	// With the defaults this test runs on, the segment warm-up gate
	// measures the first MiB's rate: on a loaded machine even loopback
	// can look slow enough that the rest goes in segments, which pyget
	// sends over HTTP/1.1 by design (one TCP connection each). Either way
	// the first request, for the whole file, is HTTP/2; any other is a
	// segment: a ranged request over HTTP/1.1.
	got := s.assetLog(t, a.Name, bytesAtLeast(a.Size))
	var bytes int64
	whole := 0
	for _, g := range got {
		bytes += g.Bytes
		switch {
		case g.Protocol == "HTTP/2.0" && g.Range == "":
			whole++
		case g.Protocol == "HTTP/1.1" && g.Range != "" && g.Status == 206:
			// A segment.
		default:
			t.Errorf("asset request over %s with Range %q: want the whole file over HTTP/2.0, or a segment (a 206 range over HTTP/1.1): %+v", g.Protocol, g.Range, g)
		}
	}
	if whole != 1 {
		t.Errorf("%d requests for the whole asset over HTTP/2.0, want 1: %+v", whole, got)
	}
	if bytes < a.Size {
		t.Fatalf("nginx sent %d bytes of the asset, want at least %d: %+v", bytes, a.Size, got)
	}

	buildDirs := e.buildDirs(t)
	if len(buildDirs) == 0 {
		t.Fatalf("no cpython-3.14* entry in %s after install", e.installDir)
	}
	// The archive's python/ and bin/python3.14 are 0755; an install others
	// cannot enter is not the tree the archive describes (umask is 022 here).
	for _, p := range append(buildDirs, exe) {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm()&0o055 != 0o055 {
			t.Errorf("%s has mode %v, want group and others to read and enter/run it (0755 in the archive)", p, fi.Mode().Perm())
		}
	}
	e.mustPyget("uninstall", "3.14")
	if p := e.find(); p != "" {
		t.Fatalf("find still reports %s after uninstall", p)
	}
	for _, d := range buildDirs {
		if _, err := os.Lstat(d); err == nil {
			t.Errorf("%s still exists after uninstall", d)
		}
	}
	if _, err := os.Lstat(exe); err == nil {
		t.Errorf("%s still exists after uninstall", exe)
	}
	if _, err := os.Lstat(link); err == nil {
		t.Errorf("%s still exists after uninstall", link)
	}
}

// TestInstallThroughFaults drives the install through one of each transient
// fault; it must succeed without re-downloading what it already had. On
// loopback unpaced, the warm-up gate keeps the download on one connection;
// paced (each response at faultsPace, so the first MiB shows the rest would
// take over a second), it goes in segments and the faults meet them.
func TestInstallThroughFaults(t *testing.T) {
	for _, tc := range []struct {
		name     string
		pace     int64
		segments bool
	}{
		{"one connection", 0, false},
		{"segments", faultsPace, true},
	} {
		t.Run(tc.name, func(t *testing.T) { installThroughFaults(t, tc.pace, tc.segments) })
	}
}

// faultsPace paces each response of TestInstallThroughFaults' segmented
// run: the 26.5 MiB archive's rest would take over 3 s on one connection,
// so segments pay, and about a second on four.
const faultsPace = 8 << 20

func installThroughFaults(t *testing.T, pace int64, segments bool) {
	a := loadAsset(t, "catalog.json")
	srv := newFaultServer(t, faultserver.HTTP2, a)
	srv.SetPace(pace)
	const mib = 1 << 20
	script := []faultserver.Fault{
		{Kind: faultserver.RefuseStream},
		{Kind: faultserver.ResetMidBody, At: 8 * mib},
		{Kind: faultserver.CloseMidBody, At: 6 * mib},
		{Kind: faultserver.HTMLPage},
		{Kind: faultserver.Status, Code: 503, RetryAfter: "1"},
		{Kind: faultserver.StallMidBody, At: 4 * mib, Stall: 6 * time.Second},
	}
	if segments {
		// The first response hands the rest to segments after its
		// warm-up, so it is served clean; the faults meet the first
		// pieces, inside their bodies: pieces are carved from the front
		// growing from a quarter of 4 MiB, so every fault lies within
		// the first MiB of its response.
		script = []faultserver.Fault{
			{Kind: faultserver.RefuseStream},
			{},
			{Kind: faultserver.ResetMidBody, At: 768 << 10},
			{Kind: faultserver.CloseMidBody, At: 512 << 10},
			{Kind: faultserver.HTMLPage},
			{Kind: faultserver.Status, Code: 503, RetryAfter: "1"},
			{Kind: faultserver.StallMidBody, At: 256 << 10, Stall: 6 * time.Second},
		}
	}
	srv.Script(script...)
	e := newEnv(t, "catalog.json")
	ca, err := srv.CAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.set("SSL_CERT_FILE="+ca, "PYGET_HTTP_TIMEOUT=2")

	r := e.mustPyget(e.installArgs(srv.URL, "3.14", "-v")...)
	checkSummary(t, r)
	m := regexp.MustCompile(`recovered from (\d+) network faults?`).FindStringSubmatch(r.stdout + r.stderr)
	if m == nil {
		t.Fatalf("the summary does not report recovered faults\n%s", r)
	}
	// REFUSED_STREAM may be retried inside Go's HTTP/2 transport, unseen;
	// with segments a stalled piece may be taken over by another
	// connection before the idle timeout ends it as a fault (a takeover
	// is not counted as one). That every fault was served is checked
	// below.
	want := 5
	if segments {
		want = 4
	}
	if n, _ := strconv.Atoi(m[1]); n < want {
		t.Fatalf("recovered from %d faults, want at least %d\n%s", n, want, r)
	}
	t.Logf("summary: recovered from %s faults; %d bytes on the wire for a %d-byte archive", m[1], srv.BodyBytesSent(), a.Size)

	faults := map[faultserver.Kind]bool{}
	segmentRequests := 0
	for _, l := range srv.Requests() {
		faults[l.Fault] = true
		if strings.HasPrefix(l.Range, "bytes=") && !strings.HasSuffix(l.Range, "-") {
			segmentRequests++
		}
	}
	if segments != (segmentRequests > 0) {
		t.Fatalf("%d segment requests, want segments %v: %v", segmentRequests, segments, srv.Requests())
	}
	// -v says how many connections the download used: one without
	// segments; with them at least two and at most the default four
	// (a connection counts once, however many pieces it fetched).
	c := regexp.MustCompile(`downloaded .* over (\d+) connections?\n`).FindStringSubmatch(r.stderr)
	if c == nil {
		t.Fatalf("-v does not say how many connections the download used\n%s", r)
	}
	least, most := 1, 1
	if segments {
		least, most = 2, 4
	}
	if conns, _ := strconv.Atoi(c[1]); conns < least || conns > most {
		t.Fatalf("-v says %d connections, want %d to %d\n%s", conns, least, most, r)
	}
	for _, k := range []faultserver.Kind{faultserver.RefuseStream, faultserver.ResetMidBody, faultserver.CloseMidBody,
		faultserver.HTMLPage, faultserver.Status, faultserver.StallMidBody} {
		if !faults[k] {
			t.Fatalf("fault %d was never served; the script did not run as intended: %+v", k, srv.Requests())
		}
	}
	if sent, limit := srv.BodyBytesSent(), a.Size*115/100; sent > limit {
		t.Fatalf("%d bytes on the wire for a %d-byte archive, want at most %d (1.15x)", sent, a.Size, limit)
	}
	exe := e.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after a successful install")
	}
	e.mustRun(exe)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
}

// TestFullLayout installs the pgo+lto-full .tar.zst (python/install/...).
func TestFullLayout(t *testing.T) {
	a := loadAsset(t, "catalog-full.json")
	s := startNginx(t, fixtureDir)
	e := newEnv(t, "catalog-full.json")
	e.set("SSL_CERT_FILE=" + s.CAFile)

	r := e.mustPyget(e.installArgs(s.URL, "3.14")...)
	checkSummary(t, r)
	exe := e.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after a successful install")
	}
	e.mustRun(exe)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	e.checkList(t)
	if got := s.assetLog(t, a.Name, func(es []accessEntry) bool { return len(es) > 0 }); len(got) == 0 {
		t.Fatalf("the .tar.zst was never requested from nginx")
	}
}

// TestConcurrentInstalls runs six installs of the same version at once: all
// succeed and the archive crosses the network once.
func TestConcurrentInstalls(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	s := startNginx(t, fixtureDir)
	e := newEnv(t, "catalog.json")
	e.set("SSL_CERT_FILE=" + s.CAFile)

	const n = 6
	results := make([]result, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	args := e.installArgs(s.URL, "3.14")
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd, stdout, stderr := e.command(ctx, args...)
			err := cmd.Run()
			results[i] = result{args: args, stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
			if err != nil && cmd.ProcessState == nil {
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("install %d did not run: %v", i, errs[i])
		}
		if results[i].code != 0 {
			t.Errorf("install %d: want exit 0\n%s", i, results[i])
		}
	}
	if t.Failed() {
		t.FailNow()
	}

	var total int64
	var gets int
	for _, g := range s.assetLog(t, a.Name, bytesAtLeast(a.Size)) {
		total += g.Bytes
		if g.Bytes > 0 {
			gets++
		}
	}
	t.Logf("nginx sent %d bytes of the asset in %d responses", total, gets)
	if total < a.Size || total > a.Size*105/100 {
		t.Fatalf("nginx sent %d bytes of the asset in %d responses to six installs; want it downloaded once (%d bytes)", total, gets, a.Size)
	}
	exe := e.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after six successful installs")
	}
	e.mustRun(exe)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	e.checkList(t)
}

// TestReinstallWhileRunning swaps the install under a running interpreter
// that imports a module after the swap.
func TestReinstallWhileRunning(t *testing.T) {
	s := startNginx(t, fixtureDir)
	e := newEnv(t, "catalog.json")
	e.set("SSL_CERT_FILE=" + s.CAFile)
	e.mustPyget(e.installArgs(s.URL, "3.14")...)
	exe := e.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after a successful install")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	script := "import sys, time\nprint('started', flush=True)\ntime.sleep(2)\nimport json\nprint(json.dumps({'ok': True}))\n"
	py := exec.CommandContext(ctx, exe, "-c", script)
	py.Env = e.environ()
	var pyErr strings.Builder
	py.Stderr = &pyErr
	out, err := py.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := py.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "started" {
		t.Fatalf("the script did not start: %q %s", lines.Text(), pyErr.String())
	}

	re, stdout, stderr := e.command(ctx, e.installArgs(s.URL, "--reinstall", "3.14")...)
	if err := re.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- re.Wait() }()
	finds := 0
	var reErr error
poll:
	for {
		select {
		case reErr = <-done:
			break poll
		default:
		}
		p := e.find()
		if p == "" {
			t.Fatalf("find 3.14 exited 1 during the reinstall (after %d good answers)", finds)
		}
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("find reported %s during the reinstall, which does not exist: %v", p, err)
		}
		finds++
	}
	rr := result{args: re.Args[1:], stdout: stdout.String(), stderr: stderr.String(), code: re.ProcessState.ExitCode()}
	if reErr != nil || rr.code != 0 {
		t.Fatalf("reinstall failed: %v\n%s", reErr, rr)
	}
	checkSummary(t, rr)

	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	if err := py.Wait(); err != nil {
		t.Fatalf("the script running during the reinstall failed: %v\n%s", err, pyErr.String())
	}
	if len(rest) != 1 || rest[0] != `{"ok": true}` {
		t.Fatalf("the script printed %q, want {\"ok\": true}; stderr: %s", rest, pyErr.String())
	}
	t.Logf("find answered %d times during the reinstall", finds)
	exe = e.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after the reinstall")
	}
	e.mustRun(exe)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
}

// buildDirs lists the install dir's entries for 3.14 (build folder, minor link).
func (e *env) buildDirs(t *testing.T) []string {
	t.Helper()
	ents, err := os.ReadDir(e.installDir)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, d := range ents {
		if strings.HasPrefix(d.Name(), "cpython-3.14") {
			out = append(out, filepath.Join(e.installDir, d.Name()))
		}
	}
	return out
}

var interpreterName = regexp.MustCompile(`^python\d?(\.\d+)?t?$`)

// checkList fails if `list --output-format json` reports anything under the
// install or bin dir that is missing, or an interpreter that does not run.
// The JSON's shape is the CLI's business; this only looks at its paths.
func (e *env) checkList(t *testing.T) {
	t.Helper()
	r := e.mustPyget("list", "--output-format", "json")
	var v any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("list --output-format json is not JSON: %v\n%s", err, r)
	}
	var paths []string
	var walk func(any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		case []any:
			for _, x := range v {
				walk(x)
			}
		case string:
			if strings.HasPrefix(v, e.installDir+"/") || strings.HasPrefix(v, e.binDir+"/") {
				paths = append(paths, v)
			}
		}
	}
	walk(v)
	for _, p := range paths {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("list reports %s, which does not exist: %v\n%s", p, err, r)
		}
		if interpreterName.MatchString(filepath.Base(p)) {
			if _, err := e.runPython(p); err != nil {
				t.Fatalf("list reports an interpreter that does not run: %v\n%s", err, r)
			}
		}
	}
}

// newFaultServer serves the asset where a mirror has it (the server unescapes
// the request path, so %2B and '+' both reach it).
func newFaultServer(t *testing.T, proto faultserver.Proto, a asset) *faultserver.Server {
	t.Helper()
	srv := faultserver.New(proto, map[string][]byte{"/" + buildTag + "/" + a.Name: a.Data})
	t.Cleanup(srv.Close)
	return srv
}
