package testutil

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// HostOS is the catalog's name for the OS the tests run on, the OS their
// fixtures are built for: "linux", "windows" or "darwin".
func HostOS() string { return runtime.GOOS }

// HostSuffix is the part of a catalog key after the version for a build of
// this OS on x86-64, as uv's catalog spells it: "linux-x86_64-gnu",
// "windows-x86_64-none", "macos-x86_64-none".
func HostSuffix() string {
	switch runtime.GOOS {
	case "windows":
		return "windows-x86_64-none"
	case "darwin":
		return "macos-x86_64-none"
	}
	return "linux-x86_64-gnu"
}

// HostLibc is the catalog's libc of a build for this OS: gnu on Linux,
// none elsewhere.
func HostLibc() string {
	if runtime.GOOS == "linux" {
		return "gnu"
	}
	return "none"
}

var symlinks struct {
	once sync.Once
	ok   bool
}

// SymlinksWork reports whether this process may make symlinks: not on
// Windows without Developer Mode or elevation (nor under Wine 8, which
// cannot make them; scripts/wine-test.sh's overlay makes it refuse as
// Windows does).
func SymlinksWork() bool {
	symlinks.once.Do(func() {
		dir, err := os.MkdirTemp("", "pyget-symlink-probe-")
		if err != nil {
			return
		}
		defer os.RemoveAll(dir)
		link := filepath.Join(dir, "link")
		if err := os.Symlink("target", link); err != nil {
			return
		}
		got, err := os.Readlink(link)
		symlinks.ok = err == nil && got == "target"
	})
	return symlinks.ok
}

// NeedSymlinks skips t where symlinks cannot be made.
func NeedSymlinks(t testing.TB) {
	t.Helper()
	if !SymlinksWork() {
		t.Skip("symlinks cannot be made here (Windows without Developer Mode)")
	}
}

// FakePythonVersionFile is the file beside a fake python.exe that says
// which version it is.
const FakePythonVersionFile = "fakepython.txt"

var fakeExe struct {
	once sync.Once
	b    []byte
	err  error
}

// FakePythonExe is a Windows python.exe for test fixtures: the running test
// binary itself, which acts as a fake interpreter when started under a name
// like python.exe (see init). It prints "Python <version>" from
// FakePythonVersionFile beside it.
func FakePythonExe(t testing.TB) []byte {
	t.Helper()
	b, err := fakePythonExe()
	if err != nil {
		t.Fatalf("reading the test binary for a fake python.exe: %v", err)
	}
	return b
}

func fakePythonExe() ([]byte, error) {
	fakeExe.once.Do(func() {
		exe, err := os.Executable()
		if err != nil {
			fakeExe.err = err
			return
		}
		fakeExe.b, fakeExe.err = os.ReadFile(exe)
	})
	return fakeExe.b, fakeExe.err
}

// A test binary started as python*.exe, pypy*.exe or graalpy*.exe is a
// fake interpreter:
// it never runs the tests. Test binaries are named <package>.test.exe.
func init() {
	exe, err := os.Executable()
	if err != nil {
		return
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	base := strings.ToLower(filepath.Base(exe))
	fake := strings.HasPrefix(base, "python") || strings.HasPrefix(base, "pypy") || strings.HasPrefix(base, "graalpy")
	if !fake || !strings.HasSuffix(base, ".exe") {
		return
	}
	os.Exit(fakePython(filepath.Dir(exe), os.Args[1:], os.Stdout))
}

// fakePython is the fake interpreter: no arguments (or -V, --version)
// prints "Python <version>"; --fake-args prints the arguments after it as
// a JSON array (what arrived, quoting and all); --fake-exit N exits N.
func fakePython(dir string, args []string, stdout io.Writer) int {
	version, err := os.ReadFile(filepath.Join(dir, FakePythonVersionFile))
	if err != nil {
		fmt.Fprintln(os.Stderr, "fake python:", err)
		return 120
	}
	switch {
	case len(args) == 0 || args[0] == "-V" || args[0] == "--version":
		fmt.Fprintln(stdout, strings.TrimSpace(string(version)))
	case args[0] == "--fake-args":
		b, _ := json.Marshal(args[1:])
		fmt.Fprintln(stdout, string(b))
	case args[0] == "--fake-exit" && len(args) == 2:
		n, err := strconv.Atoi(args[1])
		if err != nil {
			return 121
		}
		return n
	default:
		fmt.Fprintln(os.Stderr, "fake python: unknown arguments", args)
		return 122
	}
	return 0
}
