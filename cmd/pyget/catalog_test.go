package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

// PYGET_TEST_SNAPSHOT (test binary only) names a catalog in uv's format
// that replaces the snapshot built into pyget, so that a script can install
// from "the snapshot" builds its mirror really serves.
func init() {
	p := os.Getenv("PYGET_TEST_SNAPSHOT")
	if p == "" {
		return
	}
	data, err := os.ReadFile(p)
	if err != nil {
		panic(err)
	}
	c, _, err := catalog.Parse(p, data)
	if err != nil {
		panic(err)
	}
	if snapshotOverride, err = catalog.EncodeSnapshot(c, filepath.Base(p)); err != nil {
		panic(err)
	}
}

func TestExactRequest(t *testing.T) {
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
		got, err := exactRequest(e)
		if err != nil || got != tt.want {
			t.Errorf("exactRequest(%s) = %q, %v; want %q", e.Key, got, err, tt.want)
		}
	}
}
