package pyrequest

import (
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

func TestSelect(t *testing.T) {
	entries := fixture(t)
	v3 := func(v string) string { return "cpython-" + v + "-linux-x86_64_v3-gnu" }
	tests := []struct {
		name string
		req  string
		p    *platform.Platform
		want []string
	}{
		{"newest patch", "3.13", hostGnu, h("3.13.3", "3.13.2", "3.13.0")},
		{"stable before pre-releases", "3", hostGnu, h("3.13.3", "3.13.2", "3.13.0", "3.12.4", "3.12.3", "3.12.1", "3.12.0", "3.11.9", "3.10.14")},
		{"only pre-releases exist", "3.14", hostGnu, h("3.14.0rc1", "3.14.0b2", "3.14.0a7")},
		{"named pre-release", "3.13rc1", hostGnu, h("3.13.0rc1")},
		{"specifier names a pre-release", ">=3.13.0rc1", hostGnu, h("3.14.0rc1", "3.14.0b2", "3.14.0a7", "3.13.3", "3.13.2", "3.13.0", "3.13.0rc1")},
		{"exclusive bound at a pre-release", "<3.13.0rc1", hostGnu, h("3.13.0b2", "3.13.0a1", "3.12.4", "3.12.3", "3.12.1", "3.12.0", "3.11.9", "3.10.14")},
		{"specifier without pre-release", ">=3.12", hostGnu, h("3.13.3", "3.13.2", "3.13.0", "3.12.4", "3.12.3", "3.12.1", "3.12.0")},
		{"auto level prefers the highest", "3.13", hostGnuAuto, []string{v3("3.13.3"), "cpython-3.13.3-linux-x86_64_v2-gnu", h("3.13.3")[0], h("3.13.2")[0], h("3.13.0")[0]}},
		{"auto level, older series", "3.12", hostGnuAuto, []string{v3("3.12.4"), h("3.12.4")[0], h("3.12.3")[0], h("3.12.1")[0], h("3.12.0")[0]}},
		{"pinned level", "3.13", hostGnuV3, []string{v3("3.13.3")}},
		{"pinned level, no build", "3.11", hostGnuV3, nil},
		{"musl", "3.13", hostMusl, []string{"cpython-3.13.3-linux-x86_64-musl", "cpython-3.13.2-linux-x86_64-musl"}},
		{"musl auto level", "3.13", hostMuslV3, []string{"cpython-3.13.3-linux-x86_64_v3-musl", "cpython-3.13.3-linux-x86_64-musl", "cpython-3.13.2-linux-x86_64-musl"}},
		{"gnu build not offered to musl", "3.11", hostMusl, []string{"cpython-3.11.9-linux-x86_64-musl"}},
		{"freethreaded auto level", "3.13t", hostGnuAuto, []string{"cpython-3.13.3+freethreaded-linux-x86_64_v3-gnu", "cpython-3.13.3+freethreaded-linux-x86_64-gnu"}},
		{"freethreaded musl", "3.13t", hostMuslV3, []string{"cpython-3.13.3+freethreaded-linux-x86_64_v3-musl"}},
		{"debug", "3.13d", hostGnu, []string{"cpython-3.13.3+debug-linux-x86_64-gnu"}},
		{"freethreaded pre-release", ">=3.13t", hostGnu, []string{"cpython-3.13.3+freethreaded-linux-x86_64-gnu"}},
		{"freethreaded only pre-release", "3.14t", hostGnu, []string{"cpython-3.14.0rc1+freethreaded-linux-x86_64-gnu"}},
		{"aarch64", "3.13", hostArm, []string{"cpython-3.13.3-linux-aarch64-gnu", "cpython-3.13.2-linux-aarch64-gnu"}},
		{"nothing fits", "3.12", hostArm, nil},
		{"pypy", "pypy", hostGnu, pypys},
		{"pypy version", "pypy@3.10", hostGnu, pypys[1:]},
		{"graalpy", "graalpy", hostGnu, []string{"graalpy-3.11.0-linux-x86_64-gnu", "graalpy-3.10.0-linux-x86_64-gnu"}},
		{"exact key overrides auto level", "cpython-3.12.4-linux-x86_64-gnu", hostGnuAuto, h("3.12.4")},
		{"exact key for another libc", "cpython-3.13.3+freethreaded-linux-x86_64_v3-musl", hostGnu, []string{"cpython-3.13.3+freethreaded-linux-x86_64_v3-musl"}},
		{"partial key: arch", "cpython-3.13-linux-aarch64", hostGnu, []string{"cpython-3.13.3-linux-aarch64-gnu", "cpython-3.13.2-linux-aarch64-gnu"}},
		{"partial key: version", "cpython-3.13.2", hostGnuAuto, h("3.13.2")},
		{"partial key: another os", "cpython-darwin-aarch64", hostGnu, []string{"cpython-3.13.3-darwin-aarch64-none", "cpython-3.12.4-darwin-aarch64-none"}},
		{"partial key: pypy on linux", "pypy-linux", hostArm, nil},
		{"key with any parts: the host fills them", "cpython-3.13.3-any-any-any", hostGnu, h("3.13.3")},
		{"any parts never pick another OS", "any-3.13-any", hostArm, []string{"cpython-3.13.3-linux-aarch64-gnu", "cpython-3.13.2-linux-aarch64-gnu"}},
		{"any considers pre-releases, as in uv", "any", hostGnu, allDefault},
		{"default prefers final releases", "default", hostGnu, h("3.13.3", "3.13.2", "3.13.0", "3.12.4", "3.12.3", "3.12.1", "3.12.0", "3.11.9", "3.10.14")},
		{"lone == is the plain version", "==3.13", hostGnu, h("3.13.3", "3.13.2", "3.13.0")},
		{"another OS named: its own libc", "cpython-3.13-macos", hostArm, []string{"cpython-3.13.3-darwin-aarch64-none"}},
		{"nil platform matches every platform", "3.13.3", nil, []string{
			"cpython-3.13.3-darwin-aarch64-none", "cpython-3.13.3-linux-aarch64-gnu", "cpython-3.13.3-linux-armv7-gnueabihf",
			"cpython-3.13.3-linux-x86_64-gnu", "cpython-3.13.3-linux-x86_64-musl", "cpython-3.13.3-linux-x86_64_v2-gnu",
			"cpython-3.13.3-linux-x86_64_v3-gnu", "cpython-3.13.3-linux-x86_64_v3-musl", "cpython-3.13.3-linux-x86_64_v4-gnu",
			"cpython-3.13.3-windows-x86_64-none"}},
		{"nil platform, named libc", "cpython-3.11-musl", nil, []string{"cpython-3.11.9-linux-x86_64-musl"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Parse(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Select(entries, tt.p)
			if !slices.Equal(keysOf(got), tt.want) {
				t.Errorf("Select(%q)\n got %q\nwant %q", tt.req, keysOf(got), tt.want)
			}
			if tt.want == nil && got != nil {
				t.Errorf("Select(%q) = %#v, want nil", tt.req, got)
			}
			// Order must come from the ranking, not from the input.
			shuffled := slices.Clone(entries)
			rng := rand.New(rand.NewPCG(1, 2))
			for range 5 {
				rng.Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })
				if again := r.Select(shuffled, tt.p); !slices.Equal(again, got) {
					t.Fatalf("Select depends on input order:\n%q\n%q", keysOf(again), keysOf(got))
				}
			}
		})
	}
}

// TestSelectMerged selects from two catalogs merged, as when a cached
// catalog and a newer one are combined: same keys with other build tags.
func TestSelectMerged(t *testing.T) {
	main := fixture(t)
	extra := loadCatalog(t, filepath.Join("testdata", "extra.json"))
	merged := slices.Concat(main, extra, main) // main twice: exact duplicates
	type kb struct{ key, build string }
	tests := []struct {
		req  string
		want []kb
	}{
		{"3.13", []kb{
			{"cpython-3.13.3-linux-x86_64-gnu", "20250517"},
			{"cpython-3.13.3-linux-x86_64-gnu", "20250409"},
			{"cpython-3.13.2-linux-x86_64-gnu", "20250317"},
			{"cpython-3.13.0-linux-x86_64-gnu", "20241008"},
		}},
		{"3.12.4", []kb{
			{"cpython-3.12.4-linux-x86_64-gnu", "20240726"},
			{"cpython-3.12.4-linux-x86_64-gnu", "20240713"},
		}},
		// 7.3.19 is newer than 7.3.9: build tags compare numerically.
		{"pypy@3.10", []kb{
			{"pypy-3.10.16-linux-x86_64-gnu", "7.3.19"},
			{"pypy-3.10.16-linux-x86_64-gnu", "7.3.9"},
			{"pypy-3.10.14-linux-x86_64-gnu", "7.3.17"},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.req, func(t *testing.T) {
			r, err := Parse(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []kb
			for _, e := range r.Select(merged, hostGnu) {
				got = append(got, kb{e.Key, e.Build})
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Select(%q)\n got %v\nwant %v", tt.req, got, tt.want)
			}
		})
	}
}

// TestSelectDuplicatesWithoutKey covers entries built by hand (installed
// builds) that carry no key: only identical ones collapse.
func TestSelectDuplicatesWithoutKey(t *testing.T) {
	a := catalog.Entry{Name: "cpython", Arch: catalog.Arch{Family: "x86_64"}, OS: "linux", Libc: "gnu", Major: 3, Minor: 13, Patch: 3, Build: "20250409"}
	b := a
	b.URL = "file:///elsewhere"
	r, err := Parse("3.13")
	if err != nil {
		t.Fatal(err)
	}
	if got := r.Select([]catalog.Entry{a, a, b, a}, hostGnu); len(got) != 2 {
		t.Errorf("Select returned %d entries, want 2: %+v", len(got), got)
	}
}

func TestFitsArch(t *testing.T) {
	tests := []struct {
		p               *platform.Platform
		family, variant string
		wantRank        int
		wantOK          bool
	}{
		{hostGnu, "x86_64", "", 1, true},
		{hostGnu, "x86_64", "v2", 0, false},
		{hostGnu, "aarch64", "", 0, false},
		{hostGnuV3, "x86_64", "v3", 1, true}, // pinned: the only fit, rank 1
		{hostGnuV3, "x86_64", "", 0, false},
		{hostGnuV3, "x86_64", "v2", 0, false},
		{hostGnuAuto, "x86_64", "", 1, true},
		{hostGnuAuto, "x86_64", "v2", 2, true},
		{hostGnuAuto, "x86_64", "v3", 3, true},
		{hostGnuAuto, "x86_64", "v4", 0, false},
		{hostGnuAuto, "x86_64", "v9", 0, false},
		{hostGnuAuto, "aarch64", "", 0, false},
	}
	for _, tt := range tests {
		rank, ok := fitsArch(tt.p, tt.family, tt.variant)
		if ok != tt.wantOK || (ok && rank != tt.wantRank) {
			t.Errorf("fitsArch(%+v, %s, %q) = %d, %v, want %d, %v", *tt.p, tt.family, tt.variant, rank, ok, tt.wantRank, tt.wantOK)
		}
	}
}

// An OS left out or given as "any" is the platform's, never every OS. On
// Linux the libc check hides a request that matched any OS (no darwin or
// windows build has libc gnu), so the cases that show it are on a host
// whose libc is "none" like darwin's, and a request that names libc none.
func TestOmittedOrAnyOSIsThePlatforms(t *testing.T) {
	entry := func(os, arch, libc string) catalog.Entry {
		return catalog.Entry{
			Key: "cpython-3.13.3-" + os + "-" + arch + "-" + libc, Name: "cpython",
			OS: os, Arch: catalog.Arch{Family: arch}, Libc: libc, Major: 3, Minor: 13, Patch: 3, Build: "20260610",
		}
	}
	darwin := entry("darwin", "x86_64", "none")
	windows := entry("windows", "x86_64", "none")
	linuxNone := entry("linux", "x86_64", "none")
	hostWindows := &platform.Platform{OS: "windows", Arch: "x86_64", Libc: "none"}
	for _, c := range []struct {
		req  string
		p    *platform.Platform
		e    catalog.Entry
		want bool
	}{
		{"3.13", hostWindows, darwin, false},
		{"cpython-3.13-any-any-any", hostWindows, darwin, false},
		{"cpython-3.13", hostWindows, darwin, false},
		{"cpython-3.13-any-any-none", hostGnu, darwin, false},
		{"cpython-3.13-any-any-none", hostGnu, windows, false},
		// The controls: the platform's own OS matches.
		{"3.13", hostWindows, windows, true},
		{"cpython-3.13-any-any-any", hostWindows, windows, true},
		{"cpython-3.13-any-any-none", hostGnu, linuxNone, true},
		{"cpython-3.13-macos", hostWindows, darwin, true},
	} {
		r, err := Parse(c.req)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.Matches(c.e, c.p); got != c.want {
			t.Errorf("%q on %s-%s-%s matches %s: %v, want %v", c.req, c.p.OS, c.p.Arch, c.p.Libc, c.e.Key, got, c.want)
		}
		if got := r.Select([]catalog.Entry{c.e}, c.p) != nil; got != c.want {
			t.Errorf("%q on %s-%s-%s selects %s: %v, want %v", c.req, c.p.OS, c.p.Arch, c.p.Libc, c.e.Key, got, c.want)
		}
	}
}
