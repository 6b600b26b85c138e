package catalog

import (
	"fmt"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/pyget/pyget/internal/platform"
)

// assetName matches python-build-standalone asset names, e.g.
// cpython-3.14.6+20260610-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz:
// version, pre-release, build tag, then the target triple and the flavour
// (neither has a dot) and the archive suffix. Which suffixes are archives
// is package archive's to say, so any is taken here.
var assetName = regexp.MustCompile(`^cpython-(\d+)\.(\d+)\.(\d+)((?:a|b|rc)\d+)?\+(\d+)-([^.]+)\..+$`)

// EntryFromAssetName derives an entry (without URL and digest) from a
// python-build-standalone asset name, or a path or URL ending in one, so
// that an archive the catalog does not list can still be installed.
func EntryFromAssetName(name string) (Entry, error) {
	base := path.Base(filepath.ToSlash(name))
	if u, err := url.PathUnescape(base); err == nil {
		base = u
	}
	m := assetName.FindStringSubmatch(base)
	if m == nil {
		return Entry{}, fmt.Errorf("%s: not a python-build-standalone archive name (cpython-X.Y.Z+BUILD-TRIPLE-FLAVOR.tar.gz) and not in the catalog", base)
	}
	target, flavour, err := platform.FromTriple(m[6])
	if err != nil {
		return Entry{}, fmt.Errorf("%s: %w", base, err)
	}
	e := Entry{
		Name:       "cpython",
		Prerelease: m[4],
		Build:      m[5],
		OS:         target.OS,
		Arch:       Arch{Family: target.Arch, Variant: target.Level},
		Libc:       target.Libc,
		Variant:    variantOfFlavour(flavour),
	}
	e.Major, _ = strconv.Atoi(m[1])
	e.Minor, _ = strconv.Atoi(m[2])
	e.Patch, _ = strconv.Atoi(m[3])
	e.Key = e.CanonicalKey()
	return e, nil
}

// variantOfFlavour reads the build variant from the flavour part of an asset
// name ("freethreaded+pgo+lto-full", "debug-full", "install_only").
func variantOfFlavour(flavour string) string {
	var free, debug bool
	for _, part := range strings.Split(flavour, "-") {
		for _, opt := range strings.Split(part, "+") {
			free = free || opt == "freethreaded"
			debug = debug || opt == "debug"
		}
	}
	switch {
	case free && debug:
		return "freethreaded+debug"
	case free:
		return "freethreaded"
	case debug:
		return "debug"
	}
	return ""
}

// AssetName is the unescaped file name a URL or path ends in, the name
// by which a local archive is looked up in the catalog.
func AssetName(s string) string {
	if u, err := url.Parse(s); err == nil && u.Path != "" {
		s = u.Path
	}
	b := path.Base(filepath.ToSlash(s))
	if u, err := url.PathUnescape(b); err == nil {
		return u
	}
	return b
}

// EntryForAsset returns the entry whose URL ends in the asset name, so a
// downloaded archive can be installed and verified as that entry.
func (c *Catalog) EntryForAsset(name string) (Entry, bool) {
	for _, e := range c.Entries {
		if AssetName(e.URL) == name {
			return e, true
		}
	}
	return Entry{}, false
}
