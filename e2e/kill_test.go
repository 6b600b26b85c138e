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
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
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
// may be broken, and a final install resumes rather than starting over. The
// archive (26.5 MiB) is fetched in segments by default, and on one
// connection with PYGET_CONNECTIONS=1; the mirror paces each response.
func TestKillDuringInstall(t *testing.T) {
	for _, conns := range []string{"", "1"} {
		name := "connections=" + conns
		if conns == "" {
			name = "connections=default"
		}
		t.Run(name, func(t *testing.T) { killDuringInstall(t, conns) })
	}
}

func killDuringInstall(t *testing.T, conns string) {
	a := loadAsset(t, "catalog.json")
	m := newSlowMirror(t, a, 10<<20)
	e := newEnv(t, "catalog.json")
	if conns != "" {
		e.set("PYGET_CONNECTIONS=" + conns)
	}

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
				// Only a running pyget ends with SIGKILL as its status.
				ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
				killed = ws.Signaled() && ws.Signal() == syscall.SIGKILL
				if !killed && !mo.mayWin {
					cancel()
					t.Fatalf("%s: pyget ended by itself (%v) just before the kill, with the server at byte %d of %d", mo.name, cmd.ProcessState, m.reached.Load(), a.Size)
				}
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

// killSeedDefault makes TestKillAtRandomMoments choose the same operations
// and moments on every run; PYGET_KILL_SEED overrides it to replay a logged
// run or to explore others.
const killSeedDefault = 20260610

func killSeed(t *testing.T) uint64 {
	t.Helper()
	v := os.Getenv("PYGET_KILL_SEED")
	if v == "" {
		return killSeedDefault
	}
	seed, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		t.Fatalf("PYGET_KILL_SEED=%q: want an unsigned integer", v)
	}
	return seed
}

// killRate paces each response of TestKillAtRandomMoments' mirror: at 4 MiB/s
// the 27 MB archive takes about 6.6 s to arrive on one connection (at least
// segmentedWindow on pyget's four), several times the 1-1.5 s
// pyget needs to fetch, extract and commit it unpaced on loopback, so any
// moment within the transfer finds pyget still working, and a mirror that
// stopped pacing is noticed.
const killRate = 4 << 20

// segmentedWindow is the shortest a paced download of size bytes can take
// with pyget's default of 4 connections, each response paced at killRate:
// the first MiB alone (the first response shows segments pay), the rest on
// four connections at once; less a tenth, so every moment drawn finds the
// download still running.
func segmentedWindow(size int64) time.Duration {
	const firstAlone, conns = 1 << 20, 4
	secs := float64(firstAlone)/killRate + float64(size-firstAlone)/(conns*killRate)
	return time.Duration(secs * 0.9 * float64(time.Second))
}

// killOp is one operation TestKillAtRandomMoments kills pyget in.
type killOp struct {
	name  string
	args  []string
	setup func() // brings the state the operation starts from
	// window: moments are drawn from [0, window) after the start. For the
	// download it is set by the mirror's pacing; for the local operations it
	// is the shortest uninterrupted run seen.
	window time.Duration
	paced  bool
}

// TestKillAtRandomMoments kills pyget with SIGKILL at random moments of a
// download (through a paced mirror: fetching while extracting, then
// committing), a reinstall from the archive cache (extracting, swapping,
// removing the old tree), an install from the cache and an uninstall. Every
// counted kill hit a running pyget: its wait status says SIGKILL; a moment
// pyget had already finished by is retried at another moment. After every
// kill, find and list report only interpreters that run; a final install
// leaves no debris.
func TestKillAtRandomMoments(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	paced := newSlowMirror(t, a, killRate)
	fast := newSlowMirror(t, a, 1<<30) // for setting up state quickly
	e := newEnv(t, "catalog.json")

	seed := killSeed(t)
	rng := mrand.New(mrand.NewPCG(seed, 7))
	t.Logf("seed %d (replay with PYGET_KILL_SEED=%d)", seed, seed)

	clearCache := func() {
		for _, d := range []string{"archives", "downloads"} {
			if err := os.RemoveAll(filepath.Join(e.cacheDir, d)); err != nil {
				t.Fatal(err)
			}
		}
	}
	cached := func() {
		if ents, _ := os.ReadDir(filepath.Join(e.cacheDir, "archives")); len(ents) == 0 {
			e.mustPyget(e.installArgs(fast.URL, "--reinstall", "3.14")...)
		}
	}
	installed := func() { e.mustPyget(e.installArgs(fast.URL, "3.14")...) }
	ops := []*killOp{
		{
			name: "download", args: e.installArgs(paced.URL, "--reinstall", "3.14"),
			setup:  func() { installed(); clearCache() },
			window: segmentedWindow(a.Size), paced: true,
		},
		{name: "cached reinstall", args: e.installArgs(fast.URL, "--reinstall", "3.14"), setup: func() { cached(); installed() }},
		{name: "cached install", args: e.installArgs(fast.URL, "3.14"), setup: func() {
			cached()
			if e.find() != "" {
				e.mustPyget("uninstall", "3.14")
			}
		}},
		{name: "uninstall", args: []string{"uninstall", "3.14"}, setup: installed},
	}
	e.mustPyget(e.installArgs(fast.URL, "3.14")...)
	e.killRandomly(t, rng, ops, 12, func(moment string) { e.checkNothingBroken(t, moment) })

	e.mustPyget(e.installArgs(fast.URL, "3.14")...)
	exe := e.find()
	if exe == "" {
		t.Fatal("find 3.14 exits 1 after the final install")
	}
	e.mustRun(exe)
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	e.checkList(t)
	// A reinstall sweeps what the kills left, under the build's lock.
	e.mustPyget(e.installArgs(fast.URL, "--reinstall", "3.14")...)
	e.checkNoDebris(t)
}

// killRandomly measures the window of each op that is not paced (one
// uninterrupted run after its setup), then kills pyget kills times, at
// moments drawn from rng within the windows, each op as often, in an order
// drawn from rng too. Every counted kill hit a running pyget: its wait
// status says SIGKILL; a moment pyget had already finished by is retried at
// another, kills/2 times at most in all, and shrinks that op's window. check
// runs after every kill, told which it was.
func (e *env) killRandomly(t *testing.T, rng *mrand.Rand, ops []*killOp, kills int, check func(moment string)) {
	t.Helper()
	for _, op := range ops {
		if op.paced {
			continue
		}
		op.setup()
		start := time.Now()
		e.mustPyget(op.args...)
		op.window = time.Since(start)
	}
	for _, op := range ops {
		t.Logf("%s: moments in [0, %v)", op.name, op.window.Round(time.Millisecond))
	}

	maxMisses := kills / 2
	order := make([]*killOp, kills)
	for i := range order {
		order[i] = ops[i%len(ops)]
	}
	rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })

	misses := 0
	for i, op := range order {
		var delay time.Duration
		for {
			op.setup()
			delay = time.Duration(rng.Int64N(int64(op.window)))
			hit, ran, r := e.killAt(t, op.args, delay)
			if hit {
				t.Logf("kill %d: %s killed %v after its start", i+1, op.name, delay.Round(time.Microsecond))
				break
			}
			// pyget had finished by the chosen moment: not a kill.
			if r.code != 0 {
				t.Fatalf("kill %d: %s exited by itself after %v, before the kill at %v, and failed\n%s", i+1, op.name, ran, delay, r)
			}
			if op.paced {
				t.Fatalf("kill %d: %s finished after %v, before the kill at %v: the mirror's pacing (%d B/s) no longer keeps it downloading for %v",
					i+1, op.name, ran, delay, killRate, op.window)
			}
			misses++
			t.Logf("kill %d: %s finished after %v, before the moment %v; choosing another (%d missed so far)", i+1, op.name, ran.Round(time.Microsecond), delay.Round(time.Microsecond), misses)
			if misses > maxMisses {
				t.Fatalf("%d chosen moments found pyget already finished: the windows %v no longer match how long the operations run", misses, windows(ops))
			}
			op.window = max(min(op.window, ran), time.Millisecond)
		}
		check(fmt.Sprintf("kill %d: pyget %s killed %v after its start", i+1, strings.Join(op.args, " "), delay))
	}
}

func windows(ops []*killOp) string {
	var b strings.Builder
	for i, op := range ops {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s %v", op.name, op.window.Round(time.Millisecond))
	}
	return b.String()
}

// killAt starts pyget and sends it SIGKILL delay after the start. hit
// reports whether the signal is what ended it (its wait status says SIGKILL,
// so it was running, not finished or a zombie, when the signal arrived);
// otherwise ran is how long it took to end by itself and r how it ended.
func (e *env) killAt(t *testing.T, args []string, delay time.Duration) (hit bool, ran time.Duration, r result) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, stdout, stderr := e.command(ctx, args...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	var ended time.Time
	done := make(chan struct{})
	go func() {
		_ = cmd.Wait()
		ended = time.Now()
		close(done)
	}()
	timer := time.NewTimer(delay)
	defer timer.Stop()
	select {
	case <-done:
	case <-timer.C:
		select {
		case <-done: // both ready: it had already ended
		default:
			_ = cmd.Process.Signal(syscall.SIGKILL)
			<-done
		}
	}
	if ctx.Err() != nil {
		t.Fatalf("pyget %s: timed out", strings.Join(args, " "))
	}
	ws, _ := cmd.ProcessState.Sys().(syscall.WaitStatus)
	r = result{args: args, stdout: stdout.String(), stderr: stderr.String(), code: cmd.ProcessState.ExitCode()}
	return ws.Signaled() && ws.Signal() == syscall.SIGKILL, ended.Sub(start), r
}
