package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/testutil"
)

// entry builds a catalog entry for this OS, keyed the way uv's catalog
// keys them.
func entry(name string, major, minor, patch int, pre, variant string) catalog.Entry {
	e := catalog.Entry{
		Name: name, Major: major, Minor: minor, Patch: patch, Prerelease: pre, Variant: variant,
		OS: testutil.HostOS(), Arch: catalog.Arch{Family: "x86_64"}, Libc: testutil.HostLibc(), Build: "20260610",
	}
	v := e.Version()
	if variant != "" {
		v += "+" + variant
	}
	e.Key = fmt.Sprintf("%s-%s-%s", name, v, testutil.HostSuffix())
	e.URL = "https://example.invalid/" + e.Key + ".tar.gz"
	return e
}

// lin is e built for Linux, whatever OS the tests run on.
func lin(e catalog.Entry) catalog.Entry {
	e.Key = strings.Replace(e.Key, testutil.HostSuffix(), "linux-x86_64-gnu", 1)
	e.OS, e.Libc = "linux", "gnu"
	return e
}

func cpy(patch int, pre string) catalog.Entry { return entry("cpython", 3, 14, patch, pre, "") }

func testLayout(t *testing.T) Layout {
	t.Helper()
	root := t.TempDir()
	return Layout{InstallDir: filepath.Join(root, "python"), BinDir: filepath.Join(root, "bin")}
}

func writeFile(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
}

// fakeTree lays out a python-build-standalone-like tree for e in dir:
// bin/python3.14 (a shell script) and bin/python3 -> python3.14; for
// Windows python.exe (the fake interpreter, testutil.FakePythonExe) and
// pythonw.exe at the root, Lib/ and DLLs/. Each prints "fake <key>".
func fakeTree(t *testing.T, dir string, e catalog.Entry) {
	t.Helper()
	if e.OS == "windows" {
		exe := testutil.FakePythonExe(t)
		name := "python.exe"
		switch e.Name {
		case "pypy":
			name = fmt.Sprintf("pypy%d.%d.exe", e.Major, e.Minor)
		case "graalpy":
			name = "graalpy.exe"
		}
		if e.Freethreaded() {
			name = fmt.Sprintf("python%d.%dt.exe", e.Major, e.Minor)
		}
		writeFile(t, filepath.Join(dir, name), string(exe), 0o755)
		writeFile(t, filepath.Join(dir, strings.TrimSuffix(name, ".exe")+"w.exe"), "windowed", 0o755)
		writeFile(t, filepath.Join(dir, testutil.FakePythonVersionFile), "fake "+e.Key+"\n", 0o644)
		writeFile(t, filepath.Join(dir, "Lib", "data.txt"), e.Key+"\n", 0o644)
		writeFile(t, filepath.Join(dir, "DLLs", "_socket.pyd"), "pyd", 0o644)
		return
	}
	name := fmt.Sprintf("python%d.%d", e.Major, e.Minor)
	if e.Freethreaded() {
		name += "t"
	}
	switch e.Name {
	case "pypy":
		name = fmt.Sprintf("pypy%d.%d", e.Major, e.Minor)
	case "graalpy":
		name = "graalpy"
	}
	writeFile(t, filepath.Join(dir, "bin", name), "#!/bin/sh\necho fake "+e.Key+"\n", 0o755)
	if err := os.Symlink(name, filepath.Join(dir, "bin", fmt.Sprintf("python%d", e.Major))); err != nil {
		t.Fatal(err)
	}
	writeFile(t, filepath.Join(dir, "lib", "data.txt"), e.Key+"\n", 0o644)
}

// exeRel is where fakeTree puts e's interpreter, relative to the tree.
func exeRel(e catalog.Entry) string {
	if e.OS == "windows" {
		return "python.exe"
	}
	return filepath.Join("bin", fmt.Sprintf("python%d.%d", e.Major, e.Minor))
}

// binFile is the file in BinDir that provides command name: name itself,
// or on Windows name.exe (a symlink) or else name.cmd (a shim).
func binFile(l Layout, name string) string {
	p := filepath.Join(l.BinDir, name)
	if runtime.GOOS != "windows" {
		return p
	}
	if _, err := os.Lstat(p + ".exe"); err == nil {
		return p + ".exe"
	}
	return p + ".cmd"
}

// needLinks skips tests of the symlink layout (minor links, linked
// commands, foreign symlinks) where symlinks cannot be made; the shim
// tests (shim_windows_test.go) cover that case.
func needLinks(t *testing.T) {
	t.Helper()
	testutil.NeedSymlinks(t)
}

// installOne installs e the way the installer does, with extra files
// added by tree.
func installOne(t *testing.T, l Layout, e catalog.Entry, tree func(dir string)) Installation {
	t.Helper()
	release, err := l.Lock(context.Background(), e.Key, 10*time.Second, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	st, err := l.Stage(e.Key)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Abort()
	fakeTree(t, st.Dir, e)
	if tree != nil {
		tree(st.Dir)
	}
	inst, err := st.Commit(Record{Entry: e, SHA256: "ab", SourceURL: e.URL, InstalledAt: time.Now().UTC()})
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// tryInstall is installOne for goroutines: tree writes the whole tree.
func tryInstall(l Layout, e catalog.Entry, tree func(dir string) error) (Installation, error) {
	release, err := l.Lock(context.Background(), e.Key, 10*time.Second, nil)
	if err != nil {
		return Installation{}, err
	}
	defer release()
	st, err := l.Stage(e.Key)
	if err != nil {
		return Installation{}, err
	}
	defer st.Abort()
	if err := os.MkdirAll(filepath.Join(st.Dir, "bin"), 0o755); err != nil {
		return Installation{}, err
	}
	if err := tree(st.Dir); err != nil {
		return Installation{}, err
	}
	return st.Commit(Record{Entry: e, InstalledAt: time.Now().UTC()})
}

// removeOne uninstalls key the way the pipeline does: Remove under its lock.
func removeOne(l Layout, key string) error {
	release, err := l.Lock(context.Background(), key, 10*time.Second, nil)
	if err != nil {
		return err
	}
	defer release()
	return l.Remove(context.Background(), key)
}

func installAndLink(t *testing.T, l Layout, e catalog.Entry, opts LinkOptions) (Installation, LinkReport) {
	t.Helper()
	inst := installOne(t, l, e, nil)
	rep, err := l.Link(context.Background(), inst, opts)
	if err != nil {
		t.Fatal(err)
	}
	return inst, rep
}

func keys(t *testing.T, l Layout) []string {
	t.Helper()
	all, err := l.Installed()
	if err != nil {
		t.Fatal(err)
	}
	var ks []string
	for _, in := range all {
		ks = append(ks, in.Entry.Key)
	}
	return ks
}

// hidden lists the hidden leftovers in InstallDir other than .locks.
func hidden(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		if n := de.Name(); n[0] == '.' && n != locksDir {
			out = append(out, n)
		}
	}
	return out
}

func readlink(t *testing.T, path string) string {
	t.Helper()
	s, err := os.Readlink(path)
	if err != nil {
		t.Fatal(err)
	}
	return s
}
