package catalog

import (
	"strconv"
	"strings"
	"testing"
)

func TestMinorKey(t *testing.T) {
	linux := Entry{Name: "cpython", Major: 3, Minor: 14, Patch: 6, OS: "linux", Arch: Arch{Family: "x86_64"}, Libc: "gnu"}
	ft := linux
	ft.Variant, ft.Arch.Variant = "freethreaded", "v3"
	rc := linux
	rc.Patch, rc.Prerelease = 0, "rc1"
	pypy := Entry{Name: "pypy", Major: 3, Minor: 11, Patch: 13, OS: "darwin", Arch: Arch{Family: "aarch64"}, Libc: "none"}
	odd := linux
	odd.Key = "weird-key" // the fields win over a key of another shape
	keyOnly := Entry{Key: "cpython-3.12.1+debug-linux-x86_64_v3-gnu", Name: "cpython", Major: 3, Minor: 12, Patch: 1}
	tests := []struct {
		e    Entry
		want string
	}{
		{linux, "cpython-3.14-linux-x86_64-gnu"},
		{ft, "cpython-3.14+freethreaded-linux-x86_64_v3-gnu"},
		{rc, "cpython-3.14-linux-x86_64-gnu"},
		{pypy, "pypy-3.11-darwin-aarch64-none"},
		{odd, "cpython-3.14-linux-x86_64-gnu"},
		{keyOnly, "cpython-3.12+debug-linux-x86_64_v3-gnu"},
	}
	for _, tt := range tests {
		if got := tt.e.MinorKey(); got != tt.want {
			t.Errorf("MinorKey(%+v) = %q, want %q", tt.e, got, tt.want)
		}
	}
}

// TestMinorKeyIsCanonicalKeyCut checks that the two keys are one spelling:
// MinorKey is CanonicalKey with the version cut to major.minor.
func TestMinorKeyIsCanonicalKeyCut(t *testing.T) {
	for _, e := range []Entry{
		{Name: "cpython", Major: 3, Minor: 14, Patch: 6, OS: "linux", Arch: Arch{Family: "x86_64"}, Libc: "gnu"},
		{Name: "cpython", Major: 3, Minor: 13, Patch: 0, Prerelease: "b2", Variant: "freethreaded+debug", OS: "linux", Arch: Arch{Family: "x86_64", Variant: "v4"}, Libc: "musl"},
		{Name: "graalpy", Major: 3, Minor: 12, Patch: 0, OS: "windows", Arch: Arch{Family: "x86_64"}, Libc: "none"},
	} {
		minor := strconv.Itoa(e.Major) + "." + strconv.Itoa(e.Minor)
		want := strings.Replace(e.CanonicalKey(), "-"+e.Version(), "-"+minor, 1)
		if got := e.MinorKey(); got != want {
			t.Errorf("MinorKey() = %q, want CanonicalKey %q cut to %s: %q", got, e.CanonicalKey(), minor, want)
		}
	}
}

// TestMinorKeyGroups checks what "the same minor group" means: builds that
// differ only in patch, prerelease, release, key, URL or digest share a
// MinorKey; a different implementation, minor version, variant, OS,
// architecture, level or libc does not.
func TestMinorKeyGroups(t *testing.T) {
	base := Entry{Key: "k", Name: "cpython", Major: 3, Minor: 13, Patch: 1, OS: "linux", Arch: Arch{Family: "x86_64"}, Libc: "gnu", Build: "20250101", URL: "u", SHA256: "s"}
	same := map[string]func(*Entry){
		"patch":      func(e *Entry) { e.Patch = 9 },
		"prerelease": func(e *Entry) { e.Patch, e.Prerelease = 0, "a1" },
		"build":      func(e *Entry) { e.Build = "20260101" },
		"key":        func(e *Entry) { e.Key = e.CanonicalKey() + "@2" },
		"url":        func(e *Entry) { e.URL, e.SHA256 = "v", "t" },
	}
	other := map[string]func(*Entry){
		"name":    func(e *Entry) { e.Name = "pypy" },
		"major":   func(e *Entry) { e.Major = 4 },
		"minor":   func(e *Entry) { e.Minor = 14 },
		"variant": func(e *Entry) { e.Variant = "freethreaded" },
		"os":      func(e *Entry) { e.OS = "darwin" },
		"arch":    func(e *Entry) { e.Arch.Family = "aarch64" },
		"level":   func(e *Entry) { e.Arch.Variant = "v2" },
		"libc":    func(e *Entry) { e.Libc = "musl" },
	}
	for what, change := range same {
		e := base
		change(&e)
		if e.MinorKey() != base.MinorKey() {
			t.Errorf("another %s: MinorKey %q, want %q", what, e.MinorKey(), base.MinorKey())
		}
	}
	for what, change := range other {
		e := base
		change(&e)
		if e.MinorKey() == base.MinorKey() {
			t.Errorf("another %s: MinorKey %q, the same as %+v's", what, e.MinorKey(), base)
		}
	}
}
