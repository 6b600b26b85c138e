package trampoline

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// childEnv makes the test binary (started as a trampoline's target) print
// its arguments as JSON and, on Windows, its raw command line, then exit
// with the code in childExitEnv.
const (
	childEnv     = "PYGET_TRAMPOLINE_TEST_CHILD"
	childExitEnv = "PYGET_TRAMPOLINE_TEST_EXIT"
)

// TestMain: a copy of the test binary with a trailer is a trampoline; the
// test binary started with childEnv is the target it runs.
func TestMain(m *testing.M) {
	if Run() {
		return
	}
	if os.Getenv(childEnv) != "" {
		b, _ := json.Marshal(os.Args[1:])
		fmt.Println(string(b))
		fmt.Println(rawCommandLine())
		code, _ := strconv.Atoi(os.Getenv(childExitEnv))
		os.Exit(code)
	}
	os.Exit(m.Run())
}

func exeName(name string) string {
	if runtime.GOOS == "windows" {
		return name + ".exe"
	}
	return name
}

func TestTrailerRoundTrip(t *testing.T) {
	for _, target := range []string{`C:\Users\zoë\AppData\Local\pyget\cpython-3.14.6\python.exe`, "/x", strings.Repeat("a", maxTarget)} {
		file := append([]byte("MZ any program bytes"), Trailer(target)...)
		got, ok, err := ParseTrailer(file)
		if err != nil || !ok || got != target {
			t.Errorf("ParseTrailer(Trailer(%.40q)) = %.40q, %v, %v", target, got, ok, err)
		}
	}
}

func TestTrailerAbsentOrCorrupt(t *testing.T) {
	for _, tc := range []struct {
		name    string
		file    []byte
		corrupt bool
	}{
		{"empty", nil, false},
		{"short", []byte("PYGET"), false},
		{"no magic", []byte("MZ a program without a trailer at all"), false},
		{"magic only", []byte(Magic), false},
		{"length past start", append([]byte("ab\x10\x00\x00\x00"), Magic...), true},
		{"zero length", append([]byte("ab\x00\x00\x00\x00"), Magic...), true},
		{"huge length", append([]byte("ab\xff\xff\xff\xff"), Magic...), true},
		{"NUL in target", append([]byte("a\x00\x02\x00\x00\x00"), Magic...), true},
	} {
		got, ok, err := ParseTrailer(tc.file)
		if ok || got != "" || (err != nil) != tc.corrupt {
			t.Errorf("%s: ParseTrailer = %q, %v, %v; want no target, corrupt=%v", tc.name, got, ok, err, tc.corrupt)
		}
		if tc.corrupt && !errors.Is(err, errCorrupt) {
			t.Errorf("%s: error %v, want errCorrupt", tc.name, err)
		}
	}
}

func TestArgsOf(t *testing.T) {
	for line, want := range map[string]string{
		`prog`:                        ``,
		`prog a b`:                    ` a b`,
		"prog\tx":                     "\tx",
		`"C:\Program Files\p.exe"`:    ``,
		`"C:\Program Files\p.exe" a`:  ` a`,
		`"C:\P F\p.exe"  "q\"&e" x|y`: `  "q\"&e" x|y`,
		`"unterminated a b`:           ``,
		`C:\p.exe "a b"`:              ` "a b"`,
		``:                            ``,
	} {
		if got := ArgsOf(line); got != want {
			t.Errorf("ArgsOf(%q) = %q, want %q", line, got, want)
		}
	}
}

// write makes a trampoline from the test binary to itself in a temp dir.
func write(t *testing.T) (tramp, target string) {
	t.Helper()
	target, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tramp = filepath.Join(t.TempDir(), exeName("python3.14"))
	if err := Write(target, target, tramp); err != nil {
		t.Fatal(err)
	}
	return tramp, target
}

func TestWriteTarget(t *testing.T) {
	tramp, target := write(t)
	got, ok, err := Target(tramp)
	if err != nil || !ok || got != target {
		t.Fatalf("Target = %q, %v, %v; want %q", got, ok, err, target)
	}
	if _, ok, err := Target(target); ok || err != nil {
		t.Errorf("Target(test binary) = %v, %v: the template has no trailer", ok, err)
	}
	if _, ok, err := Target(filepath.Join(t.TempDir(), "missing")); ok || err != nil {
		t.Errorf("Target(missing) = %v, %v", ok, err)
	}
	// No temp file is left beside it.
	des, _ := os.ReadDir(filepath.Dir(tramp))
	if len(des) != 1 {
		t.Errorf("dir holds %v, want the trampoline only", des)
	}
	// A trampoline is no template, a relative target no target.
	if err := Write(tramp, target, tramp+"2"); err == nil {
		t.Error("Write with a trampoline as template succeeded")
	}
	if err := Write(target, "python.exe", tramp); !errors.Is(err, ErrBadTarget) {
		t.Errorf("relative target: %v, want ErrBadTarget", err)
	}
	// Rewriting points it elsewhere.
	other := filepath.Join(filepath.Dir(target), exeName("other"))
	if err := Write(target, other, tramp); err != nil {
		t.Fatal(err)
	}
	if got, _, _ := Target(tramp); got != other {
		t.Errorf("after rewrite Target = %q, want %q", got, other)
	}
}

// The trampoline runs its target with the same arguments (cmd.exe's
// metacharacters included: nothing parses them on the way) and exits with
// its exit code.
func TestRunPassesArgumentsAndExitCode(t *testing.T) {
	tramp, _ := write(t)
	args := []string{"plain", "with space", `say "hi"`, `trailing\`, `C:\Program Files\x`, "", "a&b", "x|y", "%PATH%", "^caret", "<in>", `q"&echo pwned`}
	for _, code := range []int{0, 1, 7} {
		cmd := exec.Command(tramp, args...)
		cmd.Env = append(os.Environ(), childEnv+"=1", childExitEnv+"="+strconv.Itoa(code))
		out, err := cmd.Output()
		var exit *exec.ExitError
		if code == 0 && err != nil || code != 0 && (!errors.As(err, &exit) || exit.ExitCode() != code) {
			t.Fatalf("exit %d: %v", code, err)
		}
		first, _, _ := strings.Cut(string(out), "\n")
		var got []string
		if json.Unmarshal([]byte(first), &got) != nil || !slices.Equal(got, args) {
			t.Errorf("arguments %s, want %q", first, args)
		}
	}
}

// A target that is gone: a message naming both and the repair, exit 101.
func TestRunTargetMissing(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	tramp := filepath.Join(dir, exeName("python3.14"))
	gone := filepath.Join(dir, "gone", exeName("python"))
	if err := Write(self, gone, tramp); err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd := exec.Command(tramp, "-V")
	cmd.Stderr = &stderr
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != ExitCannotStart {
		t.Fatalf("exit: %v, want %d", err, ExitCannotStart)
	}
	for _, want := range []string{filepath.Base(tramp), gone, "cannot be started", "pyget install"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr %q lacks %q", stderr.String(), want)
		}
	}
}
