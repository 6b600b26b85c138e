package e2e

import (
	"bytes"
	"context"
	"fmt"
	"io/fs"
	mrand "math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// slowMirror serves one asset over plain HTTP at a fixed rate, so a test can
// kill pyget at a chosen point of the transfer. It honours Range and If-Range.
type slowMirror struct {
	URL     string
	a       asset
	rate    int64        // bytes per second
	reached atomic.Int64 // highest file offset written to any client
	sent    atomic.Int64 // body bytes written, all requests
	mu      sync.Mutex
	ranges  []string // Range header of each asset request
}

func newSlowMirror(t *testing.T, a asset, rate int64) *slowMirror {
	m := &slowMirror{a: a, rate: rate}
	srv := httptest.NewServer(http.HandlerFunc(m.serve))
	t.Cleanup(srv.Close)
	m.URL = srv.URL
	return m
}

var assetModTime = time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC)

func (m *slowMirror) serve(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/"+buildTag+"/"+m.a.Name {
		http.NotFound(w, r)
		return
	}
	m.mu.Lock()
	m.ranges = append(m.ranges, r.Header.Get("Range"))
	m.mu.Unlock()
	w.Header().Set("ETag", `"`+m.a.SHA256[:32]+`"`)
	tw := &throttled{ResponseWriter: w, m: m, ctx: r.Context()}
	http.ServeContent(tw, r, m.a.Name, assetModTime, bytes.NewReader(m.a.Data))
}

func (m *slowMirror) requestRanges() []string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]string(nil), m.ranges...)
}

// throttled paces the body and records how far into the file it got.
type throttled struct {
	http.ResponseWriter
	m      *slowMirror
	ctx    context.Context
	offset int64
}

func (t *throttled) WriteHeader(code int) {
	if code == http.StatusPartialContent {
		var start, end, total int64
		if _, err := fmt.Sscanf(t.Header().Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &total); err == nil {
			t.offset = start
		}
	}
	t.ResponseWriter.WriteHeader(code)
}

func (t *throttled) Write(p []byte) (int, error) {
	const chunk = 16 << 10
	written := 0
	for len(p) > 0 {
		n := min(chunk, len(p))
		k, err := t.ResponseWriter.Write(p[:n])
		written += k
		t.offset += int64(k)
		t.m.sent.Add(int64(k))
		for {
			r := t.m.reached.Load()
			if t.offset <= r || t.m.reached.CompareAndSwap(r, t.offset) {
				break
			}
		}
		if err != nil {
			return written, err
		}
		if f, ok := t.ResponseWriter.(http.Flusher); ok {
			f.Flush()
		}
		p = p[n:]
		select {
		case <-t.ctx.Done():
			return written, t.ctx.Err()
		case <-time.After(time.Duration(int64(n) * int64(time.Second) / t.m.rate)):
		}
	}
	return written, nil
}

// TestKillDuringInstall kills pyget with SIGKILL early in the download, in the
// middle, and as the last bytes go out; after each, nothing pyget reports
// may be broken, and a final install resumes rather than starting over.
func TestKillDuringInstall(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	m := newSlowMirror(t, a, 10<<20)
	e := newEnv(t, "catalog.json")

	moments := []struct {
		name   string
		at     int64 // kill once the server has written up to this file offset
		mayWin bool  // pyget may legitimately finish before the kill lands
		settle time.Duration
	}{
		{name: "early", at: 2 << 20},
		{name: "mid-download", at: a.Size / 2},
		// All bytes are out: pyget is finishing extraction, verifying or
		// committing. Killing a little after widens what gets hit.
		{name: "late", at: a.Size, mayWin: true, settle: 30 * time.Millisecond},
	}
	for _, mo := range moments {
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd, stdout, stderr := e.command(ctx, e.installArgs(m.URL, "3.14")...)
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		killed := false
	wait:
		for {
			select {
			case err := <-done:
				r := result{args: cmd.Args[1:], stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
				if !mo.mayWin || err != nil {
					cancel()
					t.Fatalf("%s: pyget ended before the kill (server at byte %d of %d): %v\n%s", mo.name, m.reached.Load(), a.Size, err, r)
				}
				break wait
			case <-time.After(2 * time.Millisecond):
			}
			if m.reached.Load() >= mo.at {
				time.Sleep(mo.settle)
				_ = cmd.Process.Kill()
				<-done
				killed = true
				break
			}
		}
		cancel()
		t.Logf("%s: killed=%v with the server at byte %d of %d; find then says %q", mo.name, killed, m.reached.Load(), a.Size, e.find())
		e.checkNothingBroken(t, mo.name)
	}

	r := e.mustPyget(e.installArgs(m.URL, "3.14")...)
	if !strings.Contains(r.stdout+r.stderr, "Installed Python "+pyVersion) && !strings.Contains(r.stdout+r.stderr, pyVersion) {
		t.Fatalf("the final install does not mention %s\n%s", pyVersion, r)
	}
	exe := e.find()
	if exe == "" {
		t.Fatalf("find 3.14 exits 1 after the final install\n%s", r)
	}
	e.mustRun(exe)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	e.checkList(t)

	// A restart from byte zero each time would send about 2.5 archives.
	ranges := m.requestRanges()
	resumed := false
	for _, rg := range ranges[1:] {
		if strings.HasPrefix(rg, "bytes=") && !strings.HasPrefix(rg, "bytes=0-") {
			resumed = true
		}
	}
	if !resumed {
		t.Fatalf("no request after the first kill asked for a Range: %q", ranges)
	}
	if sent, limit := m.sent.Load(), a.Size*3/2; sent > limit {
		t.Fatalf("%d bytes sent for a %d-byte archive over the kills, want at most %d: resume did not work (ranges %q)", sent, a.Size, limit, ranges)
	}
	e.checkNoDebris(t)
}

// checkNothingBroken: after a kill, find either reports nothing or an
// interpreter that runs, and list reports nothing that does not run.
func (e *env) checkNothingBroken(t *testing.T, moment string) {
	t.Helper()
	if p := e.find(); p != "" {
		if _, err := e.runPython(p); err != nil {
			t.Fatalf("after a kill (%s), find reports an interpreter that does not run: %v", moment, err)
		}
	}
	e.checkList(t)
	link := filepath.Join(e.binDir, "python3.14")
	if _, err := os.Lstat(link); err == nil {
		if _, err := e.runPython(link); err != nil {
			t.Fatalf("after a kill (%s), %s exists but does not run: %v", moment, link, err)
		}
	}
}

// checkNoDebris: once an install has completed, no partial download and no
// staged, replaced or half-swapped tree remains.
func (e *env) checkNoDebris(t *testing.T) {
	t.Helper()
	_ = filepath.WalkDir(e.cacheDir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".part") {
			t.Errorf("partial download left after a complete install: %s", p)
		}
		return nil
	})
	ents, err := os.ReadDir(e.installDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ents {
		for _, prefix := range []string{".tmp-", ".old-", ".prev-"} {
			if strings.HasPrefix(d.Name(), prefix) {
				t.Errorf("leftover tree in the install dir after a complete install: %s", d.Name())
			}
		}
	}
}

// TestKillAtRandomMoments kills pyget with SIGKILL at random moments of a
// reinstall (extracting, swapping, removing the old tree), an install from
// the archive cache and an uninstall. After every kill, find and list report
// only interpreters that run; a final install leaves no debris.
func TestKillAtRandomMoments(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	m := newSlowMirror(t, a, 1<<30)
	e := newEnv(t, "catalog.json")
	e.mustPyget(e.installArgs(m.URL, "3.14")...)

	seed := time.Now().UnixNano()
	rng := mrand.New(mrand.NewPCG(uint64(seed), 7))
	t.Logf("seed %d", seed)
	ops := [][]string{
		e.installArgs(m.URL, "--reinstall", "3.14"),
		e.installArgs(m.URL, "3.14"),
		{"uninstall", "3.14"},
	}
	for i := range 12 {
		args := ops[rng.IntN(len(ops))]
		delay := time.Duration(rng.Int64N(int64(700 * time.Millisecond)))
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		cmd, _, _ := e.command(ctx, args...)
		if err := cmd.Start(); err != nil {
			cancel()
			t.Fatal(err)
		}
		time.Sleep(delay)
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
		cancel()
		e.checkNothingBroken(t, fmt.Sprintf("kill %d: %v after %v", i, args, delay))
	}

	e.mustPyget(e.installArgs(m.URL, "3.14")...)
	exe := e.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after the final install")
	}
	e.mustRun(exe)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	e.checkList(t)
	// A reinstall sweeps what the kills left, under the build's lock.
	e.mustPyget(e.installArgs(m.URL, "--reinstall", "3.14")...)
	e.checkNoDebris(t)
}
