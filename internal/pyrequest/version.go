package pyrequest

import (
	"cmp"
	"strconv"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
)

// Pre-release kinds, ordered as PEP 440 orders them. Unknown pre-release
// strings from a catalog sort below alpha so that they are never preferred.
const (
	preUnknown = iota
	preAlpha
	preBeta
	preRC
	preFinal
)

// version is a Python version with its release padded to three components.
type version struct {
	major, minor, patch int
	pre                 int // one of the pre* kinds
	preN                int
}

func (v version) String() string {
	s := strconv.Itoa(v.major) + "." + strconv.Itoa(v.minor) + "." + strconv.Itoa(v.patch)
	switch v.pre {
	case preAlpha:
		s += "a" + strconv.Itoa(v.preN)
	case preBeta:
		s += "b" + strconv.Itoa(v.preN)
	case preRC:
		s += "rc" + strconv.Itoa(v.preN)
	}
	return s
}

func (v version) isPre() bool { return v.pre != preFinal }

func (v version) release(i int) int {
	switch i {
	case 0:
		return v.major
	case 1:
		return v.minor
	default:
		return v.patch
	}
}

// cmpRelease compares only the release segment.
func cmpRelease(a, b version) int {
	if c := cmp.Compare(a.major, b.major); c != 0 {
		return c
	}
	if c := cmp.Compare(a.minor, b.minor); c != 0 {
		return c
	}
	return cmp.Compare(a.patch, b.patch)
}

func cmpVersion(a, b version) int {
	if c := cmpRelease(a, b); c != 0 {
		return c
	}
	if c := cmp.Compare(a.pre, b.pre); c != 0 {
		return c
	}
	return cmp.Compare(a.preN, b.preN)
}

// samePrefix reports whether the first n release components agree.
func samePrefix(a, b version, n int) bool {
	for i := range n {
		if a.release(i) != b.release(i) {
			return false
		}
	}
	return true
}

// parsePre reads a catalog pre-release string ("", "a1", "b2", "rc1").
func parsePre(s string) (kind, n int) {
	if s == "" {
		return preFinal, 0
	}
	var digits string
	switch {
	case strings.HasPrefix(s, "rc"):
		kind, digits = preRC, s[2:]
	case strings.HasPrefix(s, "a"):
		kind, digits = preAlpha, s[1:]
	case strings.HasPrefix(s, "b"):
		kind, digits = preBeta, s[1:]
	default:
		return preUnknown, 0
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return preUnknown, 0
	}
	return kind, n
}

func entryVersion(e *catalog.Entry) version {
	kind, n := parsePre(e.Prerelease)
	return version{major: e.Major, minor: e.Minor, patch: e.Patch, pre: kind, preN: n}
}

// Compare orders entries by version (a pre-release before its final
// release: a < b < rc < final), then by build tag compared numerically
// ("20260610" > "20251014", "7.3.23" > "7.3.9"). It returns -1, 0 or +1; sort
// with -Compare for newest first.
func Compare(a, b catalog.Entry) int { return compareEntries(&a, &b) }

func compareEntries(a, b *catalog.Entry) int {
	if c := cmpVersion(entryVersion(a), entryVersion(b)); c != 0 {
		return c
	}
	if a.Prerelease != b.Prerelease {
		// Both unparseable: still give a stable, total order.
		if c := strings.Compare(a.Prerelease, b.Prerelease); c != 0 {
			return c
		}
	}
	return CompareBuild(a.Build, b.Build)
}

// CompareBuild compares build tags component by component (split on "."),
// numerically where both components are numbers, so that tags of different
// lengths order correctly. A tag that is a prefix of another sorts first.
func CompareBuild(a, b string) int {
	for a != "" || b != "" {
		var ca, cb string
		ca, a, _ = strings.Cut(a, ".")
		cb, b, _ = strings.Cut(b, ".")
		if c := compareComponent(ca, cb); c != 0 {
			return c
		}
	}
	return 0
}

func compareComponent(a, b string) int {
	if isDigits(a) && isDigits(b) {
		// Compare as arbitrarily large numbers without parsing: drop
		// leading zeros, then the longer number is larger.
		a = strings.TrimLeft(a, "0")
		b = strings.TrimLeft(b, "0")
		if c := cmp.Compare(len(a), len(b)); c != 0 {
			return c
		}
	}
	return strings.Compare(a, b)
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
