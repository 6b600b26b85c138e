package store

import (
	"path/filepath"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

// The PEP 514 entry of a build: uv's tag scheme (implementation and
// version), the variant's letters, and nothing for builds that are not for
// Windows.
func TestRegistryEntry(t *testing.T) {
	dir := t.TempDir()
	win := func(name string, minor, patch int, pre, variant, arch string) catalog.Entry {
		return catalog.Entry{Name: name, Major: 3, Minor: minor, Patch: patch, Prerelease: pre, Variant: variant,
			OS: "windows", Libc: "none", Arch: catalog.Arch{Family: arch}}
	}
	for _, tc := range []struct {
		e                                     catalog.Entry
		ok                                    bool
		tag, display, version, sysVersion, sa string
	}{
		{win("cpython", 14, 6, "", "", "x86_64"), true, "CPython3.14.6", "CPython 3.14.6 (64-bit)", "3.14.6", "3.14", "64bit"},
		{win("cpython", 15, 0, "rc1", "", "aarch64"), true, "CPython3.15.0rc1", "CPython 3.15.0rc1 (64-bit)", "3.15.0rc1", "3.15", "64bit"},
		{win("cpython", 14, 6, "", "freethreaded", "x86_64"), true, "CPython3.14.6t", "CPython 3.14.6t (64-bit)", "3.14.6", "3.14", "64bit"},
		{win("cpython", 13, 1, "", "freethreaded+debug", "i686"), true, "CPython3.13.1td", "CPython 3.13.1td (32-bit)", "3.13.1", "3.13", "32bit"},
		{win("pypy", 11, 13, "", "", "x86_64"), true, "PyPy3.11.13", "PyPy 3.11.13 (64-bit)", "3.11.13", "3.11", "64bit"},
		{win("cpython", 14, 6, "", "", "riscv64"), false, "", "", "", "", ""},
		{catalog.Entry{Name: "cpython", Major: 3, Minor: 14, OS: "linux", Arch: catalog.Arch{Family: "x86_64"}}, false, "", "", "", "", ""},
	} {
		inst := Installation{Dir: dir, Executable: filepath.Join(dir, "python.exe")}
		inst.Entry = tc.e
		r, ok := registryEntry(inst)
		if ok != tc.ok {
			t.Errorf("%+v: registered %v, want %v", tc.e, ok, tc.ok)
			continue
		}
		if !ok {
			continue
		}
		if r.Tag != tc.tag || r.DisplayName != tc.display || r.Version != tc.version || r.SysVersion != tc.sysVersion || r.SysArchitecture != tc.sa {
			t.Errorf("%+v: %+v", tc.e, r)
		}
		if r.InstallPath != dir || r.ExecutablePath != inst.Executable || r.WindowedExecutablePath != "" {
			t.Errorf("%+v: paths %+v (no pythonw.exe in %s)", tc.e, r, dir)
		}
	}
	writeFile(t, filepath.Join(dir, "pythonw.exe"), "w", 0o755)
	inst := Installation{Dir: dir, Executable: filepath.Join(dir, "python.exe")}
	inst.Entry = win("cpython", 14, 6, "", "", "x86_64")
	if r, _ := registryEntry(inst); r.WindowedExecutablePath != filepath.Join(dir, "pythonw.exe") {
		t.Errorf("WindowedExecutablePath = %q, want pythonw.exe beside python.exe", r.WindowedExecutablePath)
	}
}
