package pyrequest

import (
	"cmp"
	"slices"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

// match reports whether e satisfies r on p and, when it does, the rank of
// its x86-64 level among the levels p accepts (higher is preferred).
func (r *Request) match(e *catalog.Entry, p *platform.Platform) (rank int, ok bool) {
	impl := r.impl
	if impl == "" {
		impl = "cpython"
	}
	if e.Name != impl || r.pyodide && e.OS != platform.Pyodide.OS {
		return 0, false
	}
	if e.Variant != r.variant {
		return 0, false
	}
	if r.ver.kind != verAny {
		v := entryVersion(e)
		if !r.ver.matches(&v) {
			return 0, false
		}
	}
	return r.matchPlatform(e, p)
}

// matchPlatform checks os, arch and libc. What the request names must
// match; what it leaves out (or gives as "any") comes from p, as uv fills it
// from the machine: p's OS; p's libc unless the request names another OS
// (uv imposes it anyway and so finds no macOS build from Linux for
// cpython-3.13-macos; see the README); p's arch rules (FitsArch), where a
// wasm32 build fits any machine, as in uv.
func (r *Request) matchPlatform(e *catalog.Entry, p *platform.Platform) (rank int, ok bool) {
	if r.os != "" && e.OS != r.os || r.os == "" && p != nil && e.OS != p.OS {
		return 0, false
	}
	hostOS := p != nil && (r.os == "" || r.os == p.OS)
	if r.libc != "" && e.Libc != r.libc || r.libc == "" && hostOS && e.Libc != p.Libc {
		return 0, false
	}
	switch {
	case r.arch != "":
		return 0, e.Arch.Family == r.arch && e.Arch.Variant == r.level
	case p == nil, e.Arch.Family == platform.Pyodide.Arch:
		return 0, true
	}
	return fitsArch(p, e.Arch.Family, e.Arch.Variant)
}

// fitsArch is the platform's rule: the same family, and the level pinned
// or, with AutoLevel, any level up to the CPU's (higher ranks first).
func fitsArch(p *platform.Platform, family, variant string) (rank int, ok bool) {
	return p.FitsArch(family, variant)
}

type candidate struct {
	e    *catalog.Entry
	rank int
}

type dedupKey struct{ key, build string }

func (r Request) selectEntries(entries []catalog.Entry, p *platform.Platform) []catalog.Entry {
	var cands []candidate
	var seenKeys map[dedupKey]bool
	var seenEntries map[catalog.Entry]bool
	stable := 0
	for i := range entries {
		e := &entries[i]
		rank, ok := r.match(e, p)
		if !ok {
			continue
		}
		// Entries without a key (built by hand, e.g. for installed builds)
		// are only duplicates when identical.
		if e.Key != "" {
			k := dedupKey{e.Key, e.Build}
			if seenKeys[k] {
				continue
			}
			if seenKeys == nil {
				seenKeys = make(map[dedupKey]bool)
			}
			seenKeys[k] = true
		} else {
			if seenEntries[*e] {
				continue
			}
			if seenEntries == nil {
				seenEntries = make(map[catalog.Entry]bool)
			}
			seenEntries[*e] = true
		}
		if e.Prerelease == "" {
			stable++
		}
		cands = append(cands, candidate{e, rank})
	}
	if stable > 0 && stable < len(cands) && !r.anyPre && !r.ver.namesPrerelease() {
		cands = slices.DeleteFunc(cands, func(c candidate) bool { return c.e.Prerelease != "" })
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if c := catalog.Compare(*b.e, *a.e); c != 0 {
			return c
		}
		if c := cmp.Compare(b.rank, a.rank); c != 0 {
			return c
		}
		// Entries for different platforms (a nil platform) tie above;
		// order them by key so that results are reproducible.
		return cmp.Compare(a.e.Key, b.e.Key)
	})
	if len(cands) == 0 {
		return nil
	}
	out := make([]catalog.Entry, len(cands))
	for i, c := range cands {
		out[i] = *c.e
	}
	return out
}
