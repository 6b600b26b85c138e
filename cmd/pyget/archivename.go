package main

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
)

// looksLikeArchive tells a local archive argument from a version request.
func looksLikeArchive(arg string) bool {
	lower := strings.ToLower(arg)
	for _, ext := range []string{".tar.gz", ".tgz", ".tar.zst", ".zip"} {
		if strings.HasSuffix(lower, ext) {
			return true
		}
	}
	return false
}

// pbsName matches python-build-standalone asset names, e.g.
// cpython-3.14.6+20260610-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz
var pbsName = regexp.MustCompile(`^cpython-(\d+)\.(\d+)\.(\d+)((?:a|b|rc)\d+)?\+(\d+)-(.+)\.(tar\.gz|tar\.zst)$`)

var tripleArch = map[string]string{
	"x86_64": "x86_64", "x86_64_v2": "x86_64_v2", "x86_64_v3": "x86_64_v3", "x86_64_v4": "x86_64_v4",
	"aarch64": "aarch64", "i686": "i686", "armv7": "armv7", "ppc64le": "powerpc64le",
	"s390x": "s390x", "riscv64": "riscv64",
}

// entryFromArchiveName derives a catalog entry (without URL and digest) from
// a python-build-standalone file name, for installing a local archive the
// catalog does not list.
func entryFromArchiveName(name string) (catalog.Entry, error) {
	base := path.Base(filepath.ToSlash(name))
	if u, err := url.PathUnescape(base); err == nil {
		base = u
	}
	m := pbsName.FindStringSubmatch(base)
	if m == nil {
		return catalog.Entry{}, fmt.Errorf("%s: not a python-build-standalone archive name (cpython-X.Y.Z+BUILD-TRIPLE-FLAVOR.tar.gz) and not in the catalog", base)
	}
	e := catalog.Entry{Name: "cpython", Prerelease: m[4], Build: m[5]}
	e.Major, _ = strconv.Atoi(m[1])
	e.Minor, _ = strconv.Atoi(m[2])
	e.Patch, _ = strconv.Atoi(m[3])
	parts := strings.Split(m[6], "-")
	arch, ok := tripleArch[parts[0]]
	if !ok || len(parts) < 3 {
		return catalog.Entry{}, fmt.Errorf("%s: unknown target %q", base, m[6])
	}
	family, level := arch, ""
	if l, ok := strings.CutPrefix(arch, "x86_64_"); ok {
		family, level = "x86_64", l
	}
	e.Arch = catalog.Arch{Family: family, Variant: level}
	var rest []string
	switch {
	case len(parts) >= 4 && parts[1] == "unknown" && parts[2] == "linux":
		e.OS, e.Libc, rest = "linux", parts[3], parts[4:]
	case parts[1] == "apple" && parts[2] == "darwin":
		e.OS, e.Libc, rest = "darwin", "none", parts[3:]
	case len(parts) >= 4 && parts[1] == "pc" && parts[2] == "windows":
		e.OS, e.Libc, rest = "windows", "none", parts[4:]
	default:
		return catalog.Entry{}, fmt.Errorf("%s: unknown target %q", base, m[6])
	}
	var free, debug bool
	for _, r := range rest {
		for _, opt := range strings.Split(r, "+") {
			free = free || opt == "freethreaded"
			debug = debug || opt == "debug"
		}
	}
	switch {
	case free && debug:
		e.Variant = "freethreaded+debug"
	case free:
		e.Variant = "freethreaded"
	case debug:
		e.Variant = "debug"
	}
	e.Key = entryKey(e)
	return e, nil
}

// entryKey builds the catalog key of e, e.g. cpython-3.14.6+freethreaded-linux-x86_64_v3-gnu.
func entryKey(e catalog.Entry) string {
	v := e.Version()
	if e.Variant != "" {
		v += "+" + e.Variant
	}
	return fmt.Sprintf("%s-%s-%s-%s-%s", e.Name, v, e.OS, e.Arch.String(), e.Libc)
}

// archiveBase is the unescaped last path element of a URL or path.
func archiveBase(s string) string {
	if u, err := url.Parse(s); err == nil && u.Path != "" {
		s = u.Path
	}
	b := path.Base(filepath.ToSlash(s))
	if u, err := url.PathUnescape(b); err == nil {
		return u
	}
	return b
}
