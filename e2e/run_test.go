package e2e

import (
	"bufio"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
)

// TestRun: pyget run installs the interpreter on first use, through a
// paced mirror that injects faults, then runs it with its arguments
// untouched; the exit status, a signal, stdin and the shebang form are the
// interpreter's own.
func TestRun(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	srv := newFaultServer(t, faultserver.HTTP2, a)
	srv.SetPace(faultsPace)
	const mib = 1 << 20
	srv.Script(
		faultserver.Fault{Kind: faultserver.ResetMidBody, At: 2 * mib},
		faultserver.Fault{Kind: faultserver.Status, Code: 503},
	)
	e := newEnv(t, "catalog.json")
	ca, err := srv.CAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.set("SSL_CERT_FILE="+ca, "PYGET_HTTP_TIMEOUT=5", "PYGET_MIRROR="+srv.URL)

	// First use: installed (progress and summary on stderr only), then run.
	r := e.pyget("run", "-p", "3.14", "-c", "import sys; print('argv', sys.argv[1:]); print(sys.version)", "-p", "--x")
	if r.code != 0 {
		t.Fatalf("first run: want exit 0\n%s", r)
	}
	if !strings.Contains(r.stderr, "Installed Python "+pyVersion) || !strings.Contains(r.stderr, "recovered from") {
		t.Fatalf("first run did not install through the faults\n%s", r)
	}
	if want := "argv ['-p', '--x']\n" + pyVersion + " "; !strings.HasPrefix(r.stdout, want) {
		t.Fatalf("stdout %q, want it to start with %q (only the interpreter writes stdout)", r.stdout, want)
	}
	faults := map[faultserver.Kind]bool{}
	for _, l := range srv.Requests() {
		faults[l.Fault] = true
	}
	if !faults[faultserver.ResetMidBody] || !faults[faultserver.Status] {
		t.Fatalf("the faults were not served: %+v", srv.Requests())
	}
	// run installs no commands into the bin dir: install does, when asked.
	if _, err := os.Lstat(filepath.Join(e.binDir, "python3.14")); err == nil {
		t.Error("run linked python3.14 into the bin dir")
	}
	requests := len(srv.Requests())

	// Installed: the exit status is the interpreter's; no request is sent.
	r = e.pyget("run", "-p", "3.14", "-c", "import sys; sys.exit(7)")
	if r.code != 7 || r.stderr != "" {
		t.Fatalf("want exit 7 and nothing on stderr\n%s", r)
	}
	// -m, and no --python: the newest installed.
	r = e.pyget("run", "-m", "json.tool", "--help")
	if r.code != 0 || !strings.Contains(r.stdout, "json.tool") {
		t.Fatalf("run -m json.tool --help\n%s", r)
	}
	// Python's own -q after --.
	r = e.pyget("run", "--", "-q", "-c", "print('q')")
	if r.code != 0 || r.stdout != "q\n" {
		t.Fatalf("run -- -q -c\n%s", r)
	}

	// stdin passes through.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd, stdout, stderr := e.command(ctx, "run", "-c", "import sys; print(sys.stdin.read().upper(), end='')")
	cmd.Stdin = strings.NewReader("through stdin\n")
	if err := cmd.Run(); err != nil || stdout.String() != "THROUGH STDIN\n" {
		t.Fatalf("stdin: %v, stdout %q, stderr %q", err, stdout, stderr)
	}

	// The shebang form: env -S splits the line, the script is an argument.
	script := filepath.Join(e.root, "hello.py")
	shebang := "#!/usr/bin/env -S " + pygetBin + " run -p 3.14\nimport sys\nprint('hello', sys.argv[1:])\nsys.exit(3)\n"
	if err := os.WriteFile(script, []byte(shebang), 0o755); err != nil {
		t.Fatal(err)
	}
	sc := exec.CommandContext(ctx, script, "a b", "-v")
	sc.Env = e.environ()
	out, err := sc.Output()
	if ee, ok := err.(*exec.ExitError); !ok || ee.ExitCode() != 3 || string(out) != "hello ['a b', '-v']\n" {
		t.Fatalf("shebang: %v, stdout %q", err, out)
	}

	if n := len(srv.Requests()); n != requests {
		t.Fatalf("runs with the interpreter installed sent %d requests", n-requests)
	}
}

// TestRunSignal: SIGTERM sent to pyget run reaches the interpreter, which
// traps it (pyget exec'd it: they are one process).
func TestRunSignal(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	srv := newFaultServer(t, faultserver.HTTP2, a)
	e := newEnv(t, "catalog.json")
	ca, err := srv.CAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.set("SSL_CERT_FILE=" + ca)
	e.mustPyget(e.installArgs(srv.URL, "3.14")...)

	// Unbuffered writes: a handler that used print could run while the
	// main code's print is still inside the same buffered stdout.
	const trap = `
import os, signal, time
def on_term(signum, frame):
    os.write(1, b"got %d\n" % signum)
    os._exit(42)
signal.signal(signal.SIGTERM, on_term)
os.write(1, b"ready\n")
while True:
    time.sleep(1)
`
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, pygetBin, "run", "-p", "3.14", "-c", trap)
	cmd.Env = e.environ()
	cmd.Dir = e.root
	cmd.WaitDelay = 5 * time.Second
	pipe, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewReader(pipe)
	// Wait for the handler to be installed: the interpreter says so.
	if line, err := lines.ReadString('\n'); err != nil || line != "ready\n" {
		t.Fatalf("before the signal: %q, %v; stderr %s", line, err, stderr.String())
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	rest, _ := io.ReadAll(lines)
	err = cmd.Wait()
	if want := "got 15\n"; string(rest) != want {
		t.Fatalf("after SIGTERM the interpreter printed %q, want %q; stderr %s", rest, want, stderr.String())
	}
	if code := cmd.ProcessState.ExitCode(); code != 42 {
		t.Fatalf("exit %d (%v), want the handler's 42", code, err)
	}
}

// TestRunDownloadsNever: with PYGET_PYTHON_DOWNLOADS=never (or manual) and
// nothing installed, run fails with a hint naming pyget install and sends
// no request.
func TestRunDownloadsNever(t *testing.T) {
	a := loadAsset(t, "catalog.json")
	srv := newFaultServer(t, faultserver.HTTP2, a)
	e := newEnv(t, "catalog.json")
	ca, err := srv.CAFile(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	e.set("SSL_CERT_FILE="+ca, "PYGET_MIRROR="+srv.URL, "PYGET_CATALOG_URL="+srv.URL+"/catalog.json")
	for _, mode := range []string{"never", "manual"} {
		e.set("PYGET_PYTHON_DOWNLOADS=" + mode)
		r := e.pyget("run", "-p", "3.14", "-c", "print(1)")
		if r.code != 1 || r.stdout != "" {
			t.Fatalf("%s: want exit 1, nothing on stdout\n%s", mode, r)
		}
		if !strings.Contains(r.stderr, "PYGET_PYTHON_DOWNLOADS="+mode) || !strings.Contains(r.stderr, "`pyget install 3.14`") {
			t.Fatalf("%s: no hint naming the setting and pyget install\n%s", mode, r)
		}
	}
	if n := len(srv.Requests()); n != 0 {
		t.Fatalf("%d requests sent: %+v", n, srv.Requests())
	}
	if entries, _ := os.ReadDir(e.installDir); len(entries) > 0 {
		t.Fatalf("something was installed: %v", entries)
	}
}
