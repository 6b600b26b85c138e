package pyrequest

import (
	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

// Scope is how far a listing reaches beyond the target platform.
type Scope int

const (
	// ThisPlatform: builds the target platform runs.
	ThisPlatform Scope = iota
	// AllArches: every architecture of the target's OS and libc.
	AllArches
	// AllPlatforms: every platform.
	AllPlatforms
)

// Filter decides which builds a listing (`pyget list`, `pyget mirror`)
// shows for req (nil: none) on plat within scope. Without a request: every
// implementation but no debug builds, which few want and which would double
// the list. With one on ThisPlatform, the request applies the platform
// itself, and a key's own os, arch or libc override it
// (`list cpython-3.14-linux-aarch64`).
func Filter(req *Request, plat platform.Platform, scope Scope) func(catalog.Entry) bool {
	fits := func(e catalog.Entry) bool {
		switch scope {
		case AllPlatforms:
			return true
		case AllArches:
			return e.OS == plat.OS && e.Libc == plat.Libc
		}
		_, ok := plat.FitsArch(e.Arch.Family, e.Arch.Variant)
		return ok && e.OS == plat.OS && e.Libc == plat.Libc
	}
	if req == nil {
		return func(e catalog.Entry) bool { return !e.Debug() && fits(e) }
	}
	if scope == ThisPlatform {
		return func(e catalog.Entry) bool { return req.Matches(e, &plat) }
	}
	return func(e catalog.Entry) bool { return req.Matches(e, nil) && fits(e) }
}

// FilterEntries is the entries keep keeps, in their order.
func FilterEntries(entries []catalog.Entry, keep func(catalog.Entry) bool) []catalog.Entry {
	var out []catalog.Entry
	for _, e := range entries {
		if keep(e) {
			out = append(out, e)
		}
	}
	return out
}
