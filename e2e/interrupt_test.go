package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestInterruptKeepsPartial presses Ctrl-C (SIGINT) in the middle of a
// download: pyget stops within a second, exits 130, installs nothing, keeps
// the partial download, and the next run resumes it with Range. The mirror
// paces each response (8 MiB/s: the first MiB shows the rest would take
// over 3 s on one connection), so the download runs in segments when the
// interrupt comes; the sidecar keeps them.
func TestInterruptKeepsPartial(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	m := newSlowMirror(t, a, 8<<20)
	e := newEnv(t, "catalog.json")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd, stdout, stderr := e.command(ctx, e.installArgs(m.URL, "3.14")...)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for m.reached.Load() < a.Size/3 {
		select {
		case err := <-done:
			t.Fatalf("pyget ended before the interrupt: %v\n%s%s", err, stdout, stderr)
		case <-time.After(5 * time.Millisecond):
		}
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	segmented := false
	for _, r := range m.requestRanges() {
		segmented = segmented || strings.HasPrefix(r, "bytes=") && !strings.HasSuffix(r, "-")
	}
	if !segmented {
		t.Errorf("no segment request before the interrupt: ranges %q", m.requestRanges())
	}
	// Not a speed goal (the promise is "within a second", which a loaded
	// machine syncing the partial to a busy disk can miss, so a 2 s
	// assertion could fail healthy runs): this bound only catches a pyget
	// that hangs after the interrupt. One that ignored SIGINT would finish
	// the install instead, which the exit code below catches.
	sent := time.Now()
	select {
	case <-done:
	case <-time.After(20 * time.Second):
		t.Fatal("pyget still running 20 s after SIGINT")
	}
	t.Logf("pyget stopped %v after SIGINT", time.Since(sent))
	if code := cmd.ProcessState.ExitCode(); code != 130 {
		t.Errorf("exit code %d after SIGINT, want 130\n%s", code, stderr)
	}
	if !strings.Contains(stderr.String(), "interrupted") {
		t.Errorf("stderr does not say it was interrupted:\n%s", stderr)
	}
	if p := e.find(); p != "" {
		t.Fatalf("an interrupted install is reported by find: %s", p)
	}
	parts, _ := filepath.Glob(filepath.Join(e.cacheDir, "downloads", "*.part"))
	if len(parts) != 1 {
		t.Fatalf("partial downloads after SIGINT: %v, want one", parts)
	}
	if fi, err := os.Stat(parts[0]); err != nil || fi.Size() == 0 {
		t.Fatalf("partial download is empty or gone: %v", err)
	}

	before := len(m.requestRanges())
	r := e.mustPyget(e.installArgs(m.URL, "3.14")...)
	if !strings.Contains(r.stderr, "Installed Python "+pyVersion) {
		t.Fatalf("install after the interrupt:\n%s", r)
	}
	ranges := m.requestRanges()[before:]
	if len(ranges) == 0 || !strings.HasPrefix(ranges[0], "bytes=") || strings.HasPrefix(ranges[0], "bytes=0-") {
		t.Fatalf("the install after SIGINT did not resume: ranges %q", ranges)
	}
	e.mustRun(e.find())
}
