//go:build unix

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/platform"
)

// signalWorld is a private install/bin/cache layout and a loopback fault
// server serving one synthetic 3.14.6 build.
type signalWorld struct {
	t        *testing.T
	root     string
	cacheDir string
	binDir   string
	srv      *faultserver.Server
	size     int64
}

func newSignalWorld(t *testing.T) *signalWorld {
	t.Helper()
	root := t.TempDir()
	p := platform.Detect()
	b := fakeBuild{major: 3, minor: 14, patch: 6, build: "20260610"}
	name, key, data, err := fakeArchive(b, p)
	if err != nil {
		t.Fatal(err)
	}
	catJSON, err := catalog.EncodeUV([]catalog.Entry{fakeEntry(b, p, key, name, data)})
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "catalog.json"), catJSON, 0o644); err != nil {
		t.Fatal(err)
	}
	srv := faultserver.New(faultserver.HTTP1, map[string][]byte{"/" + b.build + "/" + name: data})
	t.Cleanup(srv.Close)
	return &signalWorld{
		t: t, root: root, srv: srv, size: int64(len(data)),
		cacheDir: filepath.Join(root, "cache"),
		binDir:   filepath.Join(root, "bin"),
	}
}

// command prepares the test binary as the pyget binary: argv[0] selects
// main() in TestMain.
func (w *signalWorld) command(ctx context.Context, args ...string) (*exec.Cmd, *bytes.Buffer) {
	exe, err := os.Executable()
	if err != nil {
		w.t.Fatal(err)
	}
	cmd := exec.CommandContext(ctx, exe)
	cmd.Args = append([]string{mainCmd}, args...)
	cmd.Dir = w.root
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "PYGET_") || strings.HasPrefix(k, "XDG_") || k == "HOME" {
			continue
		}
		cmd.Env = append(cmd.Env, kv)
	}
	cmd.Env = append(cmd.Env,
		"HOME="+filepath.Join(w.root, "home"),
		"XDG_DATA_HOME="+filepath.Join(w.root, "xdg", "data"),
		"XDG_CACHE_HOME="+filepath.Join(w.root, "xdg", "cache"),
		"PYGET_INSTALL_DIR="+filepath.Join(w.root, "pythons"),
		"PYGET_BIN_DIR="+w.binDir,
		"PYGET_CACHE_DIR="+w.cacheDir,
		"PYGET_DOWNLOADS_JSON="+filepath.Join(w.root, "catalog.json"),
		"PYGET_MIRROR="+w.srv.URL,
		"PYGET_NO_PROGRESS=1",
		"PYGET_ATTESTATIONS=off", // loopback only: no lookup at api.github.com
		// The stall below must outlast the test's patience, not pyget's.
		"PYGET_HTTP_TIMEOUT=120",
	)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.WaitDelay = 5 * time.Second
	return cmd, &out
}

// partial returns the size of the one partial download, or -1 if there is
// none; more than one fails the test.
func (w *signalWorld) partial() (string, int64) {
	w.t.Helper()
	parts, _ := filepath.Glob(filepath.Join(w.cacheDir, "downloads", "*.part"))
	switch len(parts) {
	case 0:
		return "", -1
	case 1:
		fi, err := os.Stat(parts[0])
		if err != nil {
			return parts[0], -1
		}
		return parts[0], fi.Size()
	}
	w.t.Fatalf("more than one partial download: %v", parts)
	return "", -1
}

// TestSIGINTKeepsPartial sends SIGINT to pyget (main(), as the built binary
// runs it) while the mirror stalls in the middle of the archive: pyget exits
// 130 within seconds, says it was interrupted, installs nothing, and keeps
// the partial download with its sidecar; the next run resumes it with a Range
// request from the sidecar's offset and installs a Python that runs.
func TestSIGINTKeepsPartial(t *testing.T) {
	w := newSignalWorld(t)
	const stallAt = 64 << 10
	// Stall until pyget gives up (PYGET_HTTP_TIMEOUT) or the server closes.
	w.srv.Script(faultserver.Fault{Kind: faultserver.StallMidBody, At: stallAt})

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, out := w.command(ctx, "install", "3.14")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()

	// Mid-download: the server has sent the bytes before the stall and they
	// are on disk in the partial file.
	deadline := time.Now().Add(time.Minute)
	for {
		reqs := w.srv.Requests()
		_, size := w.partial()
		if len(reqs) == 1 && reqs[0].BytesSent == stallAt && size == stallAt {
			break
		}
		select {
		case <-done:
			t.Fatalf("pyget exited before the interrupt (requests %v):\n%s", reqs, out)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("no %d-byte partial after a minute (requests %v, partial %d bytes)", stallAt, reqs, size)
		}
	}
	select {
	case <-done:
		t.Fatalf("pyget exited before the interrupt:\n%s", out)
	default:
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatalf("SIGINT: %v", err)
	}
	select {
	case <-done:
	case <-time.After(30 * time.Second):
		t.Fatalf("pyget still running 30 s after SIGINT:\n%s", out)
	}
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Fatalf("exit code %d after SIGINT (%v), want 130:\n%s", code, cmd.ProcessState, out)
	}
	if !strings.Contains(out.String(), "interrupted") {
		t.Errorf("output does not say it was interrupted:\n%s", out)
	}

	part, size := w.partial()
	if size <= 0 {
		t.Fatalf("partial download after SIGINT: %q with %d bytes, want a nonempty .part", part, size)
	}
	side, err := os.ReadFile(strings.TrimSuffix(part, ".part") + ".json")
	if err != nil {
		t.Fatalf("no sidecar beside the partial: %v", err)
	}
	var sc struct{ Offset int64 }
	if err := json.Unmarshal(side, &sc); err != nil || sc.Offset <= 0 || sc.Offset > size {
		t.Fatalf("sidecar %s (%v): offset %d, want 1..%d", side, err, sc.Offset, size)
	}
	if archives, _ := filepath.Glob(filepath.Join(w.cacheDir, "archives", "*")); len(archives) != 0 {
		t.Fatalf("an archive was cached by the interrupted run: %v", archives)
	}
	if _, err := os.Lstat(filepath.Join(w.binDir, "python3.14")); err == nil {
		t.Fatal("the interrupted run linked python3.14")
	}

	// The rerun asks for the rest, from the sidecar's offset.
	cmd, out = w.command(ctx, "install", "3.14")
	if err := cmd.Run(); err != nil {
		t.Fatalf("install after SIGINT: %v\n%s", err, out)
	}
	reqs := w.srv.Requests()
	if want := "bytes=" + strconv.FormatInt(sc.Offset, 10) + "-"; len(reqs) != 2 || reqs[1].Range != want {
		t.Fatalf("requests after the rerun: %v, want a second one with Range %s", reqs, want)
	}
	if reqs[1].BytesSent != w.size-sc.Offset {
		t.Errorf("the rerun was sent %d bytes, want the %d after the partial", reqs[1].BytesSent, w.size-sc.Offset)
	}
	if part, size := w.partial(); size >= 0 {
		t.Errorf("partial %s left after a complete install", part)
	}
	py, err := exec.CommandContext(ctx, filepath.Join(w.binDir, "python3.14")).Output()
	if err != nil || strings.TrimSpace(string(py)) != "Python 3.14.6" {
		t.Fatalf("python3.14 after the resumed install: %q, %v", py, err)
	}
}
