// Package catalog loads the downloads catalog: uv's download-metadata format,
// one JSON object mapping a key such as "cpython-3.13.3-linux-x86_64-gnu" to an
// Entry. It owns what an Entry is: its keys (CanonicalKey, MinorKey), its ordering
// (Compare) and how a python-build-standalone asset name maps to one
// (EntryFromAssetName), as well as the compact copy, the built-in snapshot,
// the remote catalog's refresh and cache.
//
// It must never import store, pipeline or archive: they consume entries.
package catalog

import (
	"fmt"
	"strconv"
	"strings"
)

// Arch is an entry's CPU architecture. Variant is "" (plain), "v2", "v3" or "v4"
// (x86-64 micro-architecture levels).
type Arch struct {
	Family  string `json:"family"`
	Variant string `json:"variant,omitempty"`
}

// String gives the architecture as it appears in keys: "x86_64", "x86_64_v3".
func (a Arch) String() string {
	if a.Variant == "" {
		return a.Family
	}
	return a.Family + "_" + a.Variant
}

// Entry is one downloadable build. Optional fields of the JSON (null) are "".
type Entry struct {
	Key        string `json:"key"`  // the catalog key, e.g. cpython-3.14.6-linux-x86_64-gnu
	Name       string `json:"name"` // implementation: cpython, pypy or graalpy
	Arch       Arch   `json:"arch"`
	OS         string `json:"os"`   // linux, darwin, windows, ...
	Libc       string `json:"libc"` // gnu, musl, none, gnueabihf, ...
	Major      int    `json:"major"`
	Minor      int    `json:"minor"`
	Patch      int    `json:"patch"`
	Prerelease string `json:"prerelease"` // "", "a1", "b2", "rc1"
	URL        string `json:"url"`
	SHA256     string `json:"sha256"`  // lowercase hex; "" when the catalog has null
	Variant    string `json:"variant"` // "", debug, freethreaded, freethreaded+debug
	Build      string `json:"build"`   // release tag, e.g. 20260610
}

// Version is the Python version as uv prints it: "3.13.0rc1".
func (e Entry) Version() string {
	return fmt.Sprintf("%d.%d.%d%s", e.Major, e.Minor, e.Patch, e.Prerelease)
}

// Freethreaded reports whether the build has no GIL.
func (e Entry) Freethreaded() bool {
	return e.Variant == "freethreaded" || e.Variant == "freethreaded+debug"
}

// Debug reports whether the build is a debug build.
func (e Entry) Debug() bool { return e.Variant == "debug" || e.Variant == "freethreaded+debug" }

// CanonicalKey is the key uv's catalog gives a build like e:
// <name>-<version>[+<variant>]-<os>-<arch>-<libc>, e.g.
// cpython-3.14.6+freethreaded-linux-x86_64_v3-gnu. It is how pyget names a
// build the catalog does not list. It and MinorKey are spelled by spellKey,
// the one place that spells keys.
func (e Entry) CanonicalKey() string {
	return spellKey(e.Name, e.Version(), e.Variant, e.OS, e.Arch.String(), e.Libc)
}

// MinorKey names e's minor-version group: the builds of one implementation,
// minor version, variant and platform, of which the newest patch is the one
// a minor link follows and `pyget list` shows. It is CanonicalKey with the
// version cut to <major>.<minor>: cpython-3.14-linux-x86_64-gnu,
// cpython-3.14+freethreaded-linux-x86_64_v3-gnu. An entry known only by its
// key (no os, arch or libc) takes what follows the version in its key.
func (e Entry) MinorKey() string {
	minor := strconv.Itoa(e.Major) + "." + strconv.Itoa(e.Minor)
	if e.OS == "" && e.Arch.Family == "" && e.Libc == "" {
		rest, ok := strings.CutPrefix(e.Key, e.Name+"-"+e.Version())
		if ok && (strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+")) {
			return e.Name + "-" + minor + rest
		}
	}
	return spellKey(e.Name, minor, e.Variant, e.OS, e.Arch.String(), e.Libc)
}

// spellKey spells a key the way uv's catalog does:
// <name>-<version>[+<variant>]-<os>-<arch>-<libc>.
func spellKey(name, version, variant, os, arch, libc string) string {
	if variant != "" {
		version += "+" + variant
	}
	return name + "-" + version + "-" + os + "-" + arch + "-" + libc
}
