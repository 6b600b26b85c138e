package catalog

import (
	"cmp"
	"strconv"
	"strings"
)

// PreKind is the kind of a pre-release, in PEP 440's order (a < b < rc <
// final). An unrecognised tag ranks below alpha so it is never preferred.
type PreKind int

const (
	PreUnknown PreKind = iota
	PreAlpha
	PreBeta
	PreRC
	PreFinal
)

// ParsePrerelease reads an entry's pre-release tag: "" is the final
// release, "a1", "b2", "rc3" are pre-releases; anything else is PreUnknown.
func ParsePrerelease(s string) (kind PreKind, n int) {
	if s == "" {
		return PreFinal, 0
	}
	var digits string
	switch {
	case strings.HasPrefix(s, "rc"):
		kind, digits = PreRC, s[2:]
	case strings.HasPrefix(s, "a"):
		kind, digits = PreAlpha, s[1:]
	case strings.HasPrefix(s, "b"):
		kind, digits = PreBeta, s[1:]
	default:
		return PreUnknown, 0
	}
	if !isDigits(digits) {
		return PreUnknown, 0
	}
	n, err := strconv.Atoi(digits)
	if err != nil {
		return PreUnknown, 0
	}
	return kind, n
}

// Version is a Python version in the form it is ordered in.
type Version struct {
	Major, Minor, Patch int
	Pre                 PreKind
	PreN                int // the pre-release's number: 2 in rc2
}

// ParsedVersion is e's version in the form it is ordered in.
func (e Entry) ParsedVersion() Version {
	kind, n := ParsePrerelease(e.Prerelease)
	return Version{Major: e.Major, Minor: e.Minor, Patch: e.Patch, Pre: kind, PreN: n}
}

// CompareVersions orders versions as PEP 440 does: by release, then a
// pre-release before its final release (a < b < rc < final). It returns
// -1, 0 or +1.
func CompareVersions(a, b Version) int {
	if c := cmp.Compare(a.Major, b.Major); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Minor, b.Minor); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Patch, b.Patch); c != 0 {
		return c
	}
	if c := cmp.Compare(a.Pre, b.Pre); c != 0 {
		return c
	}
	return cmp.Compare(a.PreN, b.PreN)
}

// Compare is the one ordering of builds: by version (CompareVersions), then
// by build tag compared numerically (CompareBuild). It returns -1, 0 or +1;
// Compare(b, a) sorts newest first. Builds that differ only in platform or
// variant compare equal: each caller breaks such ties by what it prefers.
func Compare(a, b Entry) int {
	if c := CompareVersions(a.ParsedVersion(), b.ParsedVersion()); c != 0 {
		return c
	}
	// Two unrecognised pre-release tags still get a stable, total order.
	if c := strings.Compare(a.Prerelease, b.Prerelease); c != 0 {
		return c
	}
	return CompareBuild(a.Build, b.Build)
}

// CompareBuild compares build tags component by component (split on "."),
// numerically where both components are numbers, so that tags of different
// lengths order correctly ("10" > "9", "7.3.23" > "7.3.9"). A tag that is a
// prefix of another sorts first.
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
