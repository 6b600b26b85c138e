package pyrequest

import (
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

func TestExact(t *testing.T) {
	base := catalog.Entry{Name: "cpython", Major: 3, Minor: 14, Patch: 6, OS: "linux", Arch: catalog.Arch{Family: "x86_64"}, Libc: "gnu"}
	for _, tt := range []struct {
		name, prerelease, variant, want string
	}{
		{"cpython", "", "", "3.14.6"},
		{"cpython", "", "freethreaded", "3.14.6t"},
		{"cpython", "", "debug", "3.14.6d"},
		{"cpython", "", "freethreaded+debug", "3.14.6td"},
		{"cpython", "rc1", "", "3.14.6rc1"},
		{"cpython", "rc1", "freethreaded", "3.14.6rc1t"},
		{"pypy", "", "", "pypy@3.14.6"},
		{"graalpy", "", "", "graalpy@3.14.6"},
	} {
		e := base
		e.Name, e.Prerelease, e.Variant = tt.name, tt.prerelease, tt.variant
		e.Key = e.CanonicalKey()
		got, err := Exact(e)
		if err != nil || got != tt.want {
			t.Errorf("Exact(%s) = %q, %v; want %q", e.Key, got, err, tt.want)
		}
	}
	odd := base
	odd.Name = "no-such-implementation"
	odd.Key = odd.CanonicalKey()
	if got, err := Exact(odd); err == nil {
		t.Errorf("Exact(%s) = %q, want an error", odd.Key, got)
	}
}
