package pyrequest

import (
	"strconv"

	"github.com/pyget/pyget/internal/catalog"
)

// version is a version a request names, its release padded to three
// components. It is ordered as catalog entries are (catalog.CompareVersions).
type version catalog.Version

func (v version) String() string {
	return strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor) + "." + strconv.Itoa(v.Patch) + v.prerelease()
}

// prerelease spells the pre-release as the catalog does: "" for a final
// release, else "a1", "b2", "rc3".
func (v version) prerelease() string {
	switch v.Pre {
	case catalog.PreAlpha:
		return "a" + strconv.Itoa(v.PreN)
	case catalog.PreBeta:
		return "b" + strconv.Itoa(v.PreN)
	case catalog.PreRC:
		return "rc" + strconv.Itoa(v.PreN)
	}
	return ""
}

func (v version) isPre() bool { return v.Pre != catalog.PreFinal }

func (v version) release(i int) int {
	switch i {
	case 0:
		return v.Major
	case 1:
		return v.Minor
	default:
		return v.Patch
	}
}

// cmpRelease compares only the release segment.
func cmpRelease(a, b version) int {
	return catalog.CompareVersions(
		catalog.Version{Major: a.Major, Minor: a.Minor, Patch: a.Patch},
		catalog.Version{Major: b.Major, Minor: b.Minor, Patch: b.Patch})
}

func cmpVersion(a, b version) int {
	return catalog.CompareVersions(catalog.Version(a), catalog.Version(b))
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

func entryVersion(e *catalog.Entry) version { return version(e.ParsedVersion()) }
