package pyrequest

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

// fixtureEntry is one value of a uv download-metadata.json object. The
// tests decode it themselves so that they do not depend on the catalog
// package's parser.
type fixtureEntry struct {
	Name string `json:"name"`
	Arch struct {
		Family  string  `json:"family"`
		Variant *string `json:"variant"`
	} `json:"arch"`
	OS         string  `json:"os"`
	Libc       string  `json:"libc"`
	Major      int     `json:"major"`
	Minor      int     `json:"minor"`
	Patch      int     `json:"patch"`
	Prerelease string  `json:"prerelease"`
	URL        string  `json:"url"`
	SHA256     *string `json:"sha256"`
	Variant    *string `json:"variant"`
	Build      string  `json:"build"`
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// loadCatalog decodes a uv-format catalog into entries sorted by key.
func loadCatalog(tb testing.TB, path string) []catalog.Entry {
	tb.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	var raw map[string]fixtureEntry
	if err := json.Unmarshal(data, &raw); err != nil {
		tb.Fatalf("decode %s: %v", path, err)
	}
	entries := make([]catalog.Entry, 0, len(raw))
	for key, f := range raw {
		entries = append(entries, catalog.Entry{
			Key:        key,
			Name:       f.Name,
			Arch:       catalog.Arch{Family: f.Arch.Family, Variant: deref(f.Arch.Variant)},
			OS:         f.OS,
			Libc:       f.Libc,
			Major:      f.Major,
			Minor:      f.Minor,
			Patch:      f.Patch,
			Prerelease: f.Prerelease,
			URL:        f.URL,
			SHA256:     deref(f.SHA256),
			Variant:    deref(f.Variant),
			Build:      f.Build,
		})
	}
	slices.SortFunc(entries, func(a, b catalog.Entry) int { return compareStrings(a.Key, b.Key) })
	return entries
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func fixture(tb testing.TB) []catalog.Entry {
	return loadCatalog(tb, filepath.Join("testdata", "catalog.json"))
}

// realCatalog loads the shared uv catalog, which is not part of the project.
func realCatalog(tb testing.TB) []catalog.Entry {
	tb.Helper()
	path := filepath.Join("..", "..", "..", "shared", "data", "uv-download-metadata.json")
	if _, err := os.Stat(path); err != nil {
		tb.Skipf("real catalog not available: %v", err)
	}
	return loadCatalog(tb, path)
}

// Hosts used throughout the tests.
var (
	hostGnu     = &platform.Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}
	hostGnuAuto = &platform.Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v3", AutoLevel: true}
	hostGnuV3   = &platform.Platform{OS: "linux", Arch: "x86_64", Libc: "gnu", Level: "v3"}
	hostMusl    = &platform.Platform{OS: "linux", Arch: "x86_64", Libc: "musl"}
	hostMuslV3  = &platform.Platform{OS: "linux", Arch: "x86_64", Libc: "musl", Level: "v3", AutoLevel: true}
	hostArm     = &platform.Platform{OS: "linux", Arch: "aarch64", Libc: "gnu"}
)

// h expands a version to the key of its default build on hostGnu, to keep
// the tables readable.
func h(versions ...string) []string {
	keys := make([]string, len(versions))
	for i, v := range versions {
		keys[i] = "cpython-" + v + "-linux-x86_64-gnu"
	}
	return keys
}

func join(lists ...[]string) []string { return slices.Concat(lists...) }

func without(list []string, drop ...string) []string {
	return slices.DeleteFunc(slices.Clone(list), func(k string) bool { return slices.Contains(drop, k) })
}

func keysOf(entries []catalog.Entry) []string {
	keys := make([]string, len(entries))
	for i, e := range entries {
		keys[i] = e.Key
	}
	return keys
}
