package platform

import (
	"strings"
	"testing"
)

// TestNames is the vocabulary: each spelling and the catalog's name for it.
func TestNames(t *testing.T) {
	arches := []struct{ in, family, level string }{
		{"x86_64", "x86_64", ""},
		{"amd64", "x86_64", ""},
		{"X86_64", "x86_64", ""},
		{"x86_64_v2", "x86_64", "v2"},
		{"x86_64_v3", "x86_64", "v3"},
		{"amd64_v4", "x86_64", "v4"},
		{"aarch64", "aarch64", ""},
		{"arm64", "aarch64", ""},
		{"i686", "i686", ""},
		{"386", "i686", ""},
		{"i386", "i686", ""},
		{"x86", "i686", ""},
		{"armv7", "armv7", ""},
		{"arm", "armv7", ""},
		{"powerpc64le", "powerpc64le", ""},
		{"ppc64le", "powerpc64le", ""},
		{"s390x", "s390x", ""},
		{"riscv64", "riscv64", ""},
		{"riscv64gc", "riscv64", ""},
		{"wasm32", "wasm32", ""},
	}
	for _, tt := range arches {
		family, level, err := ParseArch(tt.in)
		if err != nil || family != tt.family || level != tt.level {
			t.Errorf("ParseArch(%q) = %q, %q, %v; want %q, %q", tt.in, family, level, err, tt.family, tt.level)
		}
	}
	for _, bad := range []string{"", "sparc", "x86_64_v5", "x86_64_v", "aarch64_v3", "x86_v2", "ppc64"} {
		if family, level, err := ParseArch(bad); err == nil {
			t.Errorf("ParseArch(%q) = %q, %q; want an error", bad, family, level)
		}
	}

	oses := map[string]string{"linux": "linux", "darwin": "darwin", "macos": "darwin", "MacOS": "darwin", "windows": "windows", "emscripten": "emscripten"}
	for in, want := range oses {
		if got, ok := OSName(in); !ok || got != want {
			t.Errorf("OSName(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"", "freebsd", "win"} {
		if got, ok := OSName(bad); ok {
			t.Errorf("OSName(%q) = %q; want none", bad, got)
		}
	}

	for _, libc := range []string{"gnu", "musl", "gnueabihf", "gnueabi", "none"} {
		if !IsLibc(libc) {
			t.Errorf("IsLibc(%q) = false", libc)
		}
	}
	for _, bad := range []string{"", "glibc", "uclibc", "msvc"} {
		if IsLibc(bad) {
			t.Errorf("IsLibc(%q) = true", bad)
		}
	}
}

// TestParseRefusesNonNativeOS: the vocabulary knows emscripten (the catalog
// lists Pyodide builds), but no machine pyget installs for runs it.
func TestParseRefusesNonNativeOS(t *testing.T) {
	if p, err := Parse("emscripten-wasm32-musl"); err == nil || !strings.Contains(err.Error(), `unknown OS "emscripten"`) {
		t.Fatalf("Parse(emscripten-wasm32-musl) = %+v, %v; want an unknown OS error", p, err)
	}
}

func TestFromTriple(t *testing.T) {
	tests := []struct {
		in   string
		want Platform
		rest string
	}{
		{"x86_64-unknown-linux-gnu-install_only_stripped", Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}, "install_only_stripped"},
		{"x86_64_v3-unknown-linux-musl-freethreaded+pgo+lto-full", Platform{OS: "linux", Arch: "x86_64", Level: "v3", Libc: "musl"}, "freethreaded+pgo+lto-full"},
		{"aarch64-apple-darwin-install_only", Platform{OS: "darwin", Arch: "aarch64", Libc: "none"}, "install_only"},
		{"aarch64-apple-darwin", Platform{OS: "darwin", Arch: "aarch64", Libc: "none"}, ""},
		{"i686-pc-windows-msvc-shared-install_only", Platform{OS: "windows", Arch: "i686", Libc: "none"}, "shared-install_only"},
		{"armv7-unknown-linux-gnueabihf-install_only", Platform{OS: "linux", Arch: "armv7", Libc: "gnueabihf"}, "install_only"},
		{"ppc64le-unknown-linux-gnu-install_only", Platform{OS: "linux", Arch: "powerpc64le", Libc: "gnu"}, "install_only"},
		{"s390x-unknown-linux-gnu", Platform{OS: "linux", Arch: "s390x", Libc: "gnu"}, ""},
		{"riscv64-unknown-linux-gnu-debug-full", Platform{OS: "linux", Arch: "riscv64", Libc: "gnu"}, "debug-full"},
	}
	for _, tt := range tests {
		p, rest, err := FromTriple(tt.in)
		if err != nil || p != tt.want || rest != tt.rest {
			t.Errorf("FromTriple(%q) = %+v, %q, %v; want %+v, %q", tt.in, p, rest, err, tt.want, tt.rest)
		}
	}
	for _, bad := range []string{
		"", "x86_64", "x86_64-unknown", "sparc-sun-solaris-install_only",
		"x86_64-unknown-linux", "x86_64-unknown-linux-uclibc", "x86_64-unknown-linux-none",
		"aarch64_v2-apple-darwin", "x86_64-pc-windows",
	} {
		if p, rest, err := FromTriple(bad); err == nil {
			t.Errorf("FromTriple(%q) = %+v, %q; want an error", bad, p, rest)
		}
	}
}
