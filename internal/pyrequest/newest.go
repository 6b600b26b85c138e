package pyrequest

import "github.com/pyget/pyget/internal/catalog"

// NewestPerMinor keeps, of each implementation, minor version, variant and
// platform, the newest build (catalog.Compare): the one line per minor
// version that `pyget list` shows by default. Groups keep the order in which
// they first appear.
func NewestPerMinor(entries []catalog.Entry) []catalog.Entry {
	type minorKey struct {
		name         string
		major, minor int
		variant, os  string
		arch         catalog.Arch
		libc         string
	}
	best := map[minorKey]int{} // index into out
	var out []catalog.Entry
	for _, e := range entries {
		k := minorKey{e.Name, e.Major, e.Minor, e.Variant, e.OS, e.Arch, e.Libc}
		i, ok := best[k]
		switch {
		case !ok:
			best[k] = len(out)
			out = append(out, e)
		case catalog.Compare(e, out[i]) > 0:
			out[i] = e
		}
	}
	return out
}
