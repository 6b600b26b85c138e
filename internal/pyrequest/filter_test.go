package pyrequest

import (
	"slices"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

func TestFilter(t *testing.T) {
	mk := func(key string, variant string, os, arch, level, libc string) catalog.Entry {
		return catalog.Entry{Key: key, Name: "cpython", Major: 3, Minor: 14, Patch: 6, Variant: variant,
			OS: os, Arch: catalog.Arch{Family: arch, Variant: level}, Libc: libc}
	}
	entries := []catalog.Entry{
		mk("gnu", "", "linux", "x86_64", "", "gnu"),
		mk("gnu-v3", "", "linux", "x86_64", "v3", "gnu"),
		mk("gnu-debug", "debug", "linux", "x86_64", "", "gnu"),
		mk("arm", "", "linux", "aarch64", "", "gnu"),
		mk("musl", "", "linux", "x86_64", "", "musl"),
		mk("mac", "", "macos", "aarch64", "", "none"),
	}
	req314, err := Parse("3.14")
	if err != nil {
		t.Fatal(err)
	}
	reqArm, err := Parse("cpython-3.14-linux-aarch64")
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name  string
		req   *Request
		scope Scope
		want  []string
	}{
		{"no request, this platform: no debug builds", nil, ThisPlatform, []string{"gnu"}},
		{"no request, all arches", nil, AllArches, []string{"gnu", "gnu-v3", "arm"}},
		{"no request, all platforms", nil, AllPlatforms, []string{"gnu", "gnu-v3", "arm", "musl", "mac"}},
		{"request, this platform", &req314, ThisPlatform, []string{"gnu"}},
		{"request, all platforms", &req314, AllPlatforms, []string{"gnu", "gnu-v3", "arm", "musl", "mac"}},
		{"a key's own arch overrides the platform", &reqArm, ThisPlatform, []string{"arm"}},
	} {
		got := keysOf(FilterEntries(entries, Filter(tt.req, *hostGnu, tt.scope)))
		if !slices.Equal(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
