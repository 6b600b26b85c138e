package pyrequest

import (
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

func TestNewestPerMinor(t *testing.T) {
	mk := func(minor, patch int, pre, build string) catalog.Entry {
		e := catalog.Entry{Name: "cpython", Major: 3, Minor: minor, Patch: patch, Prerelease: pre, Build: build, OS: "linux", Libc: "gnu", Arch: catalog.Arch{Family: "x86_64"}}
		e.Key = e.CanonicalKey() + "@" + build
		return e
	}
	got := NewestPerMinor([]catalog.Entry{
		mk(13, 1, "", "1"), mk(13, 3, "", "1"), mk(13, 2, "", "9"),
		mk(14, 0, "rc1", "1"), mk(14, 0, "", "9"), mk(14, 0, "", "10"), mk(14, 0, "b2", "1"),
	})
	var keys []string
	for _, e := range got {
		keys = append(keys, e.Key)
	}
	want := "cpython-3.13.3-linux-x86_64-gnu@1 cpython-3.14.0-linux-x86_64-gnu@10"
	if strings.Join(keys, " ") != want {
		t.Fatalf("NewestPerMinor = %v, want %s", keys, want)
	}
}

func TestNewestPerMinorKeepsGroupsApart(t *testing.T) {
	base := catalog.Entry{Name: "cpython", Major: 3, Minor: 13, Patch: 1, OS: "linux", Libc: "gnu", Arch: catalog.Arch{Family: "x86_64"}}
	v3, ft, musl, pypy := base, base, base, base
	v3.Arch.Variant = "v3"
	ft.Variant = "freethreaded"
	musl.Libc = "musl"
	pypy.Name = "pypy"
	in := []catalog.Entry{base, v3, ft, musl, pypy}
	if got := NewestPerMinor(in); len(got) != len(in) {
		t.Fatalf("NewestPerMinor kept %d of %d builds that differ in platform, variant or name", len(got), len(in))
	}
}
