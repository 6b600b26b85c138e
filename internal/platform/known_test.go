package platform

import "testing"

// TestKnownNames: what a request may name besides the catalog's spellings:
// names uv knows without builds, kept as written and case-sensitive as in
// uv, and Apple OSes with a deployment target.
func TestKnownNames(t *testing.T) {
	oses := []struct {
		in, want string
		ok       bool
	}{
		{"linux", "linux", true},
		{"macos", "darwin", true},
		{"Linux", "linux", true},
		{"emscripten", "emscripten", true},
		{"freebsd", "freebsd", true},
		{"wasip2", "wasip2", true},
		{"darwin23", "darwin23", true},
		{"macosx10.9", "macosx10.9", true},
		{"macosx10.9.1", "macosx10.9.1", true},
		{"ios", "ios", true},
		{"macosx10.9.1.2", "", false},
		{"macosx10..9", "", false},
		{"darwinx", "", false},
		{"FreeBSD", "", false},
		{"plan9", "", false},
	}
	for _, tt := range oses {
		if got, ok := KnownOS(tt.in); got != tt.want || ok != tt.ok {
			t.Errorf("KnownOS(%q) = %q, %v, want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
	arches := []struct {
		in, family, level string
		ok                bool
	}{
		{"x86_64", "x86_64", "", true},
		{"amd64_v3", "x86_64", "v3", true},
		{"riscv64gc", "riscv64", "", true},
		{"sparc64", "sparc64", "", true},
		{"armv8.1a", "armv8.1a", "", true},
		{"SPARC64", "", "", false},
		{"aarch64_v3", "", "", false},
		{"z80", "", "", false},
	}
	for _, tt := range arches {
		if f, l, ok := KnownArch(tt.in); f != tt.family || l != tt.level || ok != tt.ok {
			t.Errorf("KnownArch(%q) = %q, %q, %v, want %q, %q, %v", tt.in, f, l, ok, tt.family, tt.level, tt.ok)
		}
	}
	for in, want := range map[string]bool{"gnu": true, "musl": true, "none": true, "musleabihf": true, "musleabi": true, "glibc": false, "MUSLEABI": false} {
		if got := KnownLibc(in); got != want {
			t.Errorf("KnownLibc(%q) = %v, want %v", in, got, want)
		}
	}
}

// TestPyodide: the pyodide platform is spelled in the catalog's names, and
// Parse refuses it as a target.
func TestPyodide(t *testing.T) {
	if os, ok := OSName(Pyodide.OS); !ok || os != Pyodide.OS {
		t.Errorf("OSName(%q) = %q, %v", Pyodide.OS, os, ok)
	}
	if f, l, err := ParseArch(Pyodide.Arch); err != nil || f != Pyodide.Arch || l != "" {
		t.Errorf("ParseArch(%q) = %q, %q, %v", Pyodide.Arch, f, l, err)
	}
	if !IsLibc(Pyodide.Libc) {
		t.Errorf("IsLibc(%q) = false", Pyodide.Libc)
	}
	if p, err := Parse(Pyodide.String()); err == nil {
		t.Errorf("Parse(%q) = %+v, want an error", Pyodide.String(), p)
	}
}
