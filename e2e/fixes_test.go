//go:build linux

package e2e

import (
	"context"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The fixture's install tree, as the e2e tests look into it.
const (
	stdlibRel  = "lib/python3.14"
	markerRel  = stdlibRel + "/EXTERNALLY-MANAGED"
	reportName = ".pyget-fixes.json"
)

// buildDir is the 3.14.6 build's folder in the install dir.
func (e *env) buildDir(t *testing.T) string {
	t.Helper()
	a := loadAsset(t, "catalog.json")
	d := filepath.Join(e.installDir, a.Key)
	if _, err := os.Stat(filepath.Join(d, "bin", "python3.14")); err != nil {
		t.Fatalf("no build at %s: %v", d, err)
	}
	return d
}

// python runs the interpreter exe with a script and returns its stdout.
func (e *env) python(t *testing.T, exe, script string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, append([]string{"-c", script}, args...)...)
	cmd.Env = e.environ()
	out, err := cmd.Output()
	if err != nil {
		var stderr string
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			stderr = string(ee.Stderr)
		}
		t.Fatalf("%s: %v\n%s", exe, err, stderr)
	}
	return string(out)
}

// sysconfigOf asks the installed interpreter what sysconfig says.
func (e *env) sysconfigOf(t *testing.T, exe string) map[string]string {
	t.Helper()
	out := e.python(t, exe, `import json, sys, sysconfig
v = {k: sysconfig.get_config_var(k) for k in ("CC", "CXX", "LDSHARED", "LDCXXSHARED", "BLDSHARED", "LINKCC", "AR", "CFLAGS", "CCSHARED", "INCLUDEPY", "LIBDIR", "prefix", "EXT_SUFFIX")}
v["include"] = sysconfig.get_paths()["include"]
v["stdlib"] = sysconfig.get_path("stdlib")
v["sys.prefix"] = sys.prefix
json.dump(v, sys.stdout)`)
	var m map[string]string
	if err := json.Unmarshal([]byte(out), &m); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	return m
}

// TestInstalledInterpreterBuildsHere: after an install into a folder whose
// path has a space and non-ASCII letters, sysconfig names this machine's
// compiler and the install's own folders, and code built with exactly what
// sysconfig says compiles, links and loads here (gcc, no clang).
func TestInstalledInterpreterBuildsHere(t *testing.T) {
	e := newEnv(t, "catalog.json")
	e.installDir = filepath.Join(e.root, "my pythons", "Zoë")
	e.mustPyget(e.installArgs("file://"+fixtureDir, "3.14")...)
	dir := e.buildDir(t)
	exe := filepath.Join(dir, "bin", "python3.14")
	if r := e.mustPyget("find", "--show-version", "3.14"); strings.TrimSpace(r.stdout) != pyVersion {
		t.Errorf("find --show-version of the fixed build says %q, want %s", r.stdout, pyVersion)
	}
	sc := e.sysconfigOf(t, exe)

	if sc["CC"] != "cc -pthread" || sc["CXX"] != "c++ -pthread" || sc["AR"] != "ar" {
		t.Errorf("CC %q, CXX %q, AR %q: want cc -pthread, c++ -pthread, ar", sc["CC"], sc["CXX"], sc["AR"])
	}
	for _, k := range []string{"CC", "CXX", "LDSHARED", "LDCXXSHARED", "BLDSHARED", "LINKCC", "CFLAGS", "CCSHARED"} {
		if strings.Contains(sc[k], "clang") || strings.Contains(sc[k], "-flto=thin") {
			t.Errorf("%s = %q still needs clang", k, sc[k])
		}
	}
	for _, k := range []string{"INCLUDEPY", "include", "LIBDIR", "prefix", "stdlib"} {
		if !strings.HasPrefix(sc[k], dir) {
			t.Errorf("%s = %q, want it inside the install %s", k, sc[k], dir)
		}
	}
	if _, err := exec.LookPath("clang"); err == nil {
		t.Log("note: this machine has clang; the build below would have worked unpatched")
	}
	cc := strings.Fields(sc["CC"])[0]
	if _, err := exec.LookPath(cc); err != nil {
		t.Fatalf("no %s on this machine (scripts/deps.sh installs gcc): %v", cc, err)
	}

	// A small shared object, compiled and linked with exactly CC, CFLAGS,
	// CCSHARED and LDSHARED, loaded with ctypes.
	work := t.TempDir()
	src := filepath.Join(work, "answer.c")
	if err := os.WriteFile(src, []byte("int pyget_answer(void) { return 42; }\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	obj, so := filepath.Join(work, "answer.o"), filepath.Join(work, "libanswer.so")
	run := func(argv []string) {
		t.Helper()
		cmd := exec.Command(argv[0], argv[1:]...)
		cmd.Dir = work
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("%s: %v\n%s", strings.Join(argv, " "), err, out)
		}
	}
	words := func(keys ...string) []string {
		var w []string
		for _, k := range keys {
			w = append(w, strings.Fields(sc[k])...)
		}
		return w
	}
	run(append(words("CC", "CFLAGS", "CCSHARED"), "-c", src, "-o", obj))
	run(append(words("LDSHARED"), obj, "-o", so))
	if got := strings.TrimSpace(e.python(t, exe, "import ctypes, sys; print(ctypes.CDLL(sys.argv[1]).pyget_answer())", so)); got != "42" {
		t.Fatalf("the shared object built with sysconfig's compiler returned %q, want 42", got)
	}

	// Where the build has its headers, a real extension module.
	if _, err := os.Stat(filepath.Join(sc["INCLUDEPY"], "Python.h")); err != nil {
		t.Logf("no Python.h in %s (the fixture has no include/): no extension module built", sc["INCLUDEPY"])
		return
	}
	ext := filepath.Join(work, "pygetdemo.c")
	code := `#include <Python.h>
static struct PyModuleDef m = {PyModuleDef_HEAD_INIT, "pygetdemo", NULL, -1, NULL};
PyMODINIT_FUNC PyInit_pygetdemo(void) { PyObject *mod = PyModule_Create(&m); PyModule_AddIntConstant(mod, "answer", 42); return mod; }
`
	if err := os.WriteFile(ext, []byte(code), 0o644); err != nil {
		t.Fatal(err)
	}
	extObj := filepath.Join(work, "pygetdemo.o")
	run(append(append(words("CC", "CFLAGS", "CCSHARED"), "-I", sc["INCLUDEPY"]), "-c", ext, "-o", extObj))
	run(append(words("LDSHARED"), extObj, "-o", filepath.Join(work, "pygetdemo"+sc["EXT_SUFFIX"])))
	if got := strings.TrimSpace(e.python(t, exe, "import sys; sys.path.insert(0, sys.argv[1]); import pygetdemo; print(pygetdemo.answer)", work)); got != "42" {
		t.Fatalf("the extension module says %q, want 42", got)
	}
}

// pipCheck is what pip does before installing (PEP 668): in a virtual
// environment nothing; in the base interpreter, refuse with the marker's
// Error when sysconfig's stdlib folder has one.
const pipCheck = `import configparser, os, sys, sysconfig
if sys.prefix != sys.base_prefix:
    print("venv: installs allowed")
    sys.exit(0)
marker = os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")
if not os.path.isfile(marker):
    print("base: installs allowed")
    sys.exit(0)
c = configparser.ConfigParser(interpolation=None)
c.read(marker, encoding="utf-8")
print("refused: " + c.get("externally-managed", "Error"))
`

// TestExternallyManaged: the base interpreter refuses pip-style installs
// (PEP 668) with a message about pyget and venv; a venv made from it does
// not; --no-externally-managed and PYGET_NO_EXTERNALLY_MANAGED leave the
// marker out.
func TestExternallyManaged(t *testing.T) {
	e := newEnv(t, "catalog.json")
	e.mustPyget(e.installArgs("file://"+fixtureDir, "3.14")...)
	dir := e.buildDir(t)
	exe := filepath.Join(e.binDir, "python3.14")
	out := e.python(t, exe, pipCheck)
	if !strings.HasPrefix(out, "refused: ") || !strings.Contains(out, "pyget") || !strings.Contains(out, "python3.14 -m venv .venv") {
		t.Fatalf("the base interpreter is not externally managed: %q", out)
	}
	venv := filepath.Join(e.root, "venv")
	e.makeVenv(t, exe, venv)
	if out := e.python(t, filepath.Join(venv, "bin", "python"), pipCheck); out != "venv: installs allowed\n" {
		t.Fatalf("the venv says %q", out)
	}
	if r := e.mustPyget("list", "-v", "--only-installed"); !strings.Contains(r.stdout, "marked "+markerRel) {
		t.Errorf("list -v does not say the marker was written\n%s", r)
	}

	e.mustPyget(e.installArgs("file://"+fixtureDir, "--reinstall", "--no-externally-managed", "3.14")...)
	if out := e.python(t, exe, pipCheck); out != "base: installs allowed\n" {
		t.Errorf("after --no-externally-managed: %q", out)
	}
	e.mustPyget(e.installArgs("file://"+fixtureDir, "--reinstall", "3.14")...)
	if _, err := os.Stat(filepath.Join(dir, markerRel)); err != nil {
		t.Errorf("a reinstall without the flag has no marker: %v", err)
	}
	e.set("PYGET_NO_EXTERNALLY_MANAGED=1")
	e.mustPyget(e.installArgs("file://"+fixtureDir, "--reinstall", "3.14")...)
	if _, err := os.Stat(filepath.Join(dir, markerRel)); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("PYGET_NO_EXTERNALLY_MANAGED=1 left a marker: %v", err)
	}
}

// fixedFiles reads the files pyget changed or wrote in a build, as its
// report lists them, with the report.
func fixedFiles(t *testing.T, dir string) map[string]string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, reportName))
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Files []struct {
			Path string `json:"path"`
		} `json:"files"`
		ExternallyManaged string `json:"externally_managed"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		t.Fatal(err)
	}
	out := map[string]string{reportName: string(data)}
	for _, rel := range append([]string{r.ExternallyManaged}, func() (p []string) {
		for _, f := range r.Files {
			p = append(p, f.Path)
		}
		return
	}()...) {
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			t.Fatal(err)
		}
		out[rel] = string(b)
	}
	if len(out) < 5 {
		t.Fatalf("only %d files fixed in %s: %v", len(out), dir, r)
	}
	return out
}

// TestFixesRepeatable: a reinstall, a local-archive install and an upgrade
// each fix the build again, to the same bytes (the upgrade: for its own
// folder).
func TestFixesRepeatable(t *testing.T) {
	e := newEnv(t, "catalog.json")
	e.mustPyget(e.installArgs("file://"+fixtureDir, "3.14")...)
	dir := e.buildDir(t)
	first := fixedFiles(t, dir)
	if strings.Contains(first["lib/python3.14/_sysconfigdata__linux_x86_64-linux-gnu.py"], `"/install`) {
		t.Fatal("the sysconfig data still names /install")
	}

	e.mustPyget(e.installArgs("file://"+fixtureDir, "--reinstall", "3.14")...)
	again := fixedFiles(t, dir)
	for k, v := range first {
		if again[k] != v {
			t.Errorf("%s differs after a reinstall", k)
		}
	}
	a := loadAsset(t, "catalog.json")
	e.mustPyget("install", "--no-progress", "--reinstall", a.Path)
	local := fixedFiles(t, dir)
	for k, v := range first {
		if local[k] != v {
			t.Errorf("%s differs after a local-archive install", k)
		}
	}

	// An upgrade from 3.14.5 (the same archive under another key) fixes
	// the new patch for its own folder.
	tp := newTwoPatches(t)
	u := newEnv(t, "catalog.json")
	u.catalog = tp.olderOnly
	u.mustPyget("install", "--no-progress", "--mirror", "file://"+fixtureDir, "3.14")
	u.catalog = tp.both
	u.mustPyget("upgrade", "--no-progress", "--mirror", "file://"+fixtureDir)
	newer := filepath.Join(u.installDir, tp.newer)
	sc := u.sysconfigOf(t, filepath.Join(newer, "bin", "python3.14"))
	if !strings.HasPrefix(sc["INCLUDEPY"], newer+"/") || sc["CC"] != "cc -pthread" {
		t.Errorf("the upgraded build: INCLUDEPY %q CC %q", sc["INCLUDEPY"], sc["CC"])
	}
}

// pycacheCount counts the compiled modules in the build's standard library
// (read before any interpreter runs there, which would write its own).
func pycacheCount(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(filepath.Join(dir, stdlibRel), func(p string, d fs.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".pyc") && filepath.Base(filepath.Dir(p)) == "__pycache__" {
			n++
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCompileBytecode: --compile-bytecode (and PYGET_COMPILE_BYTECODE)
// leave the standard library compiled, for the install's own paths, and
// the interpreter runs; without it nothing is compiled.
func TestCompileBytecode(t *testing.T) {
	e := newEnv(t, "catalog.json")
	e.mustPyget(e.installArgs("file://"+fixtureDir, "3.14")...)
	dir := e.buildDir(t)
	if n := pycacheCount(t, dir); n != 0 {
		t.Fatalf("%d compiled modules without --compile-bytecode", n)
	}
	r := e.mustPyget(e.installArgs("file://"+fixtureDir, "--reinstall", "--compile-bytecode", "3.14")...)
	if strings.Contains(r.stderr, "warning: bytecode") {
		t.Errorf("warnings compiling the fixture's stdlib:\n%s", r)
	}
	n := pycacheCount(t, dir)
	if n < 500 {
		t.Fatalf("%d compiled modules after --compile-bytecode, want the whole stdlib (over 500)", n)
	}
	osPyc := filepath.Join(dir, stdlibRel, "__pycache__", "os.cpython-314.pyc")
	if _, err := os.Stat(osPyc); err != nil {
		t.Fatal(err)
	}
	// The bytecode names the install's files, not the staging folder's.
	pyc, err := os.ReadFile(osPyc)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(pyc), ".tmp-") || !strings.Contains(string(pyc), filepath.Join(dir, stdlibRel, "os.py")) {
		t.Errorf("os's bytecode does not name %s", filepath.Join(dir, stdlibRel, "os.py"))
	}
	e.mustRun(filepath.Join(e.binDir, "python3.14"))
	if n2 := pycacheCount(t, dir); n2 != n {
		t.Logf("running the interpreter compiled %d more modules", n2-n)
	}
	if r := e.mustPyget("list", "-v", "--only-installed"); !strings.Contains(r.stdout, "bytecode compiled in "+stdlibRel) {
		t.Errorf("list -v does not say bytecode was compiled\n%s", r)
	}

	e2 := newEnv(t, "catalog.json")
	e2.set("PYGET_COMPILE_BYTECODE=1")
	e2.mustPyget(e2.installArgs("file://"+fixtureDir, "3.14")...)
	if n := pycacheCount(t, e2.buildDir(t)); n < 500 {
		t.Errorf("PYGET_COMPILE_BYTECODE=1: %d compiled modules", n)
	}
}

// TestKillDuringFix kills pyget with SIGKILL in the middle of rewriting a
// build's files (paused there by pyfix's test hook after the first file):
// a reinstall leaves the previous, whole and fixed install; a first install
// leaves none; the next run sweeps the staged tree.
func TestKillDuringFix(t *testing.T) {
	e := newEnv(t, "catalog.json")
	killInFix := func(args ...string) {
		t.Helper()
		fifo := filepath.Join(e.root, "paused")
		os.Remove(fifo)
		if err := syscall.Mkfifo(fifo, 0o600); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		defer cancel()
		cmd, stdout, stderr := e.command(ctx, args...)
		cmd.Env = append(cmd.Env, "PYGET_TEST_PAUSE_IN_FIX="+fifo)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan error, 1)
		go func() { exited <- cmd.Wait() }()
		paused := make(chan error, 1)
		// Opening the FIFO for reading waits for pyget to open it for
		// writing, which it does only in the rewrite step.
		go func() { _, err := os.ReadFile(fifo); paused <- err }()
		select {
		case err := <-paused:
			if err != nil {
				t.Fatal(err)
			}
		case err := <-exited:
			t.Fatalf("pyget ended before the rewrite paused: %v\n%s%s", err, stdout, stderr)
		}
		staged, _ := filepath.Glob(filepath.Join(e.installDir, ".tmp-*"))
		if len(staged) != 1 {
			t.Fatalf("want one staged tree while paused, got %v", staged)
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		<-exited
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() {
			t.Fatalf("pyget was not killed: %v", cmd.ProcessState)
		}
	}

	// A first install killed in the rewrite installs nothing.
	killInFix(e.installArgs("file://"+fixtureDir, "3.14")...)
	if p := e.find(); p != "" {
		t.Fatalf("after a kill in the first install's rewrite, find reports %s", p)
	}
	e.mustPyget(e.installArgs("file://"+fixtureDir, "3.14")...)
	dir := e.buildDir(t)
	before := fixedFiles(t, dir)

	// A reinstall killed in the rewrite leaves the previous install whole.
	killInFix(e.installArgs("file://"+fixtureDir, "--reinstall", "3.14")...)
	e.checkNothingBroken(t, "in the rewrite of a reinstall")
	after := fixedFiles(t, dir)
	for k, v := range before {
		if after[k] != v {
			t.Errorf("%s of the committed install changed by a killed reinstall", k)
		}
	}
	sc := e.sysconfigOf(t, filepath.Join(dir, "bin", "python3.14"))
	if sc["CC"] != "cc -pthread" || !strings.HasPrefix(sc["INCLUDEPY"], dir) {
		t.Errorf("the install left by the killed reinstall: CC %q INCLUDEPY %q", sc["CC"], sc["INCLUDEPY"])
	}
	// The next run that takes the build's lock sweeps the staged tree.
	e.mustPyget(e.installArgs("file://"+fixtureDir, "3.14")...)
	e.checkNoDebris(t)
}
