package pyrequest

import "github.com/pyget/pyget/internal/catalog"

// NewestPerMinor keeps, of each minor-version group (catalog.Entry.MinorKey:
// implementation, minor version, variant and platform), the newest build
// (catalog.Compare): the one line per minor version that `pyget list` shows
// by default. Groups keep the order in which they first appear.
func NewestPerMinor(entries []catalog.Entry) []catalog.Entry {
	best := map[string]int{} // MinorKey → index into out
	var out []catalog.Entry
	for _, e := range entries {
		k := e.MinorKey()
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
