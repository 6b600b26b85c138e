package pyrequest

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

const (
	acceptedAll = `accepted: a version (3, 3.12, 3.12.3, 312, 3.13rc1), ` +
		`a specifier set (>=3.11,<3.13, ==3.12.*, ~=3.12.1), ` +
		`either with a "python" prefix (python3.12, python@3.12, python312), ` +
		`an implementation with an optional version (cpython, pypy@3.10, cp312, pyodide@3.13), ` +
		`a variant suffix (3.13t, 3.13d, 3.13td, 3.13+freethreaded, 3.13+debug, 3.13+gil), ` +
		`a download key (cpython-3.12.4-linux-x86_64-gnu, partial or with "any" parts), "any" or "default"`
	acceptedVersion = `accepted: 3, 3.12, 3.12.3, 312, 3.13rc1, 3.13.0a1, 3.14.5rc1, ` +
		`or specifiers such as >=3.11,<3.13, ==3.12, ==3.12.*, ~=3.12.1, !=3.12.1`
	acceptedVariant = `accepted variant suffixes: t, d, td, +freethreaded, +debug, +freethreaded+debug, +gil, +gil+debug`
	acceptedKey     = `a download key is <implementation>-<version>-<os>-<arch>-<libc> in that order, ` +
		`parts may be left out or be "any", e.g. cpython-3.12.4-linux-x86_64-gnu`
)

// implementations maps every accepted spelling to the catalog's name, in
// the order uv tries them as prefixes. pyodide is uv's name for the CPython
// builds for emscripten/wasm32.
var implementations = []struct{ spelling, name string }{
	{"cpython", "cpython"}, {"cp", "cpython"},
	{"pypy", "pypy"}, {"pp", "pypy"},
	{"graalpy", "graalpy"}, {"gp", "graalpy"},
	{"pyodide", pyodide},
}

const pyodide = "pyodide"

func implementationNamed(s string) (string, bool) {
	for _, impl := range implementations {
		if s == impl.spelling {
			return impl.name, true
		}
	}
	return "", false
}

// parse does the work of Parse on the trimmed, lower-cased request. It
// follows uv's PythonRequest::parse: "any" and "default"; then a version
// with an optional "python" prefix, an implementation alone or with a
// version; then a download key.
func parse(l string) (Request, string) {
	switch l {
	case "":
		return Request{}, "empty request; " + acceptedAll
	case "any":
		return Request{anyPre: true}, ""
	case "default":
		return Request{}, ""
	}
	r, ok, atWhy := parsePrefixed(l)
	if ok {
		return r, ""
	}
	r, keyWhy := parseKey(l)
	if keyWhy == "" {
		return r, ""
	}
	switch {
	case atWhy != "":
		return Request{}, atWhy
	case !strings.Contains(l, "-"):
		return Request{}, prefixedReason(l)
	}
	return Request{}, keyWhy
}

// parsePrefixed reads a version with an optional "python" prefix
// (python3.12, python@3.12, 3.12), or an implementation alone or followed by
// a version (pypy, pypy@3.10, pypy310, pp310, pyodide3.13). A version after
// "@" must be valid: its error is returned as why.
func parsePrefixed(l string) (r Request, ok bool, why string) {
	if strings.HasPrefix(l, "@") {
		return r, false, `nothing before "@"; ` + acceptedAll
	}
	try := func(prefix string) (q versionReq, variant string, ok bool, why string) {
		rest, found := strings.CutPrefix(l, prefix)
		if !found || rest == "" {
			return q, "", false, ""
		}
		if after, at := strings.CutPrefix(rest, "@"); at {
			if after == "latest" {
				return q, "", false, prefix + `@latest is not supported; ` + acceptedVersion
			}
			if after == "" {
				return q, "", false, fmt.Sprintf("missing version after %q; %s", prefix+"@", acceptedVersion)
			}
			q, variant, why = parseVersionReq(after)
			if why != "" {
				return q, "", false, fmt.Sprintf("after %q: %s; %s", prefix+"@", why, acceptedVersion)
			}
			return q, variant, true, ""
		}
		q, variant, why = parseVersionReq(rest)
		return q, variant, why == "", ""
	}
	for _, prefix := range []string{"python", ""} {
		q, variant, ok, why := try(prefix)
		if why != "" {
			return r, false, why
		}
		if ok {
			return Request{ver: q, variant: variant}, true, ""
		}
	}
	for _, impl := range implementations {
		if l == impl.spelling {
			r = Request{}.withImplementation(impl.name)
			return r, true, ""
		}
		q, variant, ok, why := try(impl.spelling)
		if why != "" {
			return r, false, why
		}
		if ok {
			r = Request{ver: q, variant: variant}.withImplementation(impl.name)
			return r, true, ""
		}
	}
	return r, false, ""
}

// withImplementation names the implementation; pyodide names the CPython
// builds for emscripten/wasm32 (with musl), as in uv.
func (r Request) withImplementation(name string) Request {
	if name == pyodide {
		r.impl, r.pyodide = "cpython", true
		r.os, r.arch, r.libc = platform.Pyodide.OS, platform.Pyodide.Arch, platform.Pyodide.Libc
		return r
	}
	r.impl = name
	return r
}

// prefixedReason explains why a request without "-" is invalid.
func prefixedReason(l string) string {
	versionLike := func(s string) bool { return s != "" && strings.ContainsRune("0123456789<>=!~v,", rune(s[0])) }
	rest := l
	for _, prefix := range []string{"python", "cpython", "graalpy", "pyodide", "pypy", "cp", "gp", "pp"} {
		if after, ok := strings.CutPrefix(l, prefix); ok && versionLike(after) {
			rest = after
			break
		}
	}
	if !versionLike(rest) {
		return "unknown implementation or version; " + acceptedAll
	}
	_, _, why := parseVersionReq(rest)
	return why + "; " + acceptedVersion
}

// parseKey parses a full or partial download key, as uv's
// PythonDownloadRequest: the parts keep the key's order, and each is
// assigned to the first remaining slot it fits. "any" leaves its slot
// unnamed.
func parseKey(l string) (Request, string) {
	const (
		slotImpl = iota
		slotVersion
		slotOS
		slotArch
		slotLibc
		nSlots
	)
	slotNames := [nSlots]string{"implementation", "version", "os", "arch", "libc"}
	parts := strings.Split(l, "-")
	if len(parts) > nSlots {
		return Request{}, fmt.Sprintf("too many parts (%d); %s", len(parts), acceptedKey)
	}
	var r Request
	var named [nSlots]bool
	var impl string
	fits := func(slot int, part string) (bool, string) {
		switch slot {
		case slotImpl:
			name, ok := implementationNamed(part)
			if ok {
				impl = name
			}
			return ok, ""
		case slotVersion:
			q, variant, why := parseVersionReq(part)
			if why != "" {
				return false, why
			}
			r.ver, r.variant = q, variant
			return true, ""
		case slotOS:
			name, ok := platform.KnownOS(part)
			if ok {
				r.os = name
			}
			return ok, ""
		case slotArch:
			family, level, ok := platform.KnownArch(part)
			if ok {
				r.arch, r.level = family, level
			}
			return ok, ""
		default:
			ok := platform.KnownLibc(part)
			if ok {
				r.libc = part
			}
			return ok, ""
		}
	}
	next := 0
	for _, part := range parts {
		if part == "" {
			return Request{}, "empty part; " + acceptedKey
		}
		if next == nSlots {
			// uv ignores such a part when the key has five parts or fewer;
			// pyget does not (see the README).
			return Request{}, fmt.Sprintf("unexpected %q after the libc part; %s", part, acceptedKey)
		}
		if part == "any" {
			named[next] = true
			next++
			continue
		}
		found := -1
		var versionWhy string
		for slot := next; slot < nSlots; slot++ {
			ok, why := fits(slot, part)
			if slot == slotVersion && why != "" && versionWhy == "" {
				versionWhy = why
			}
			if ok {
				found = slot
				break
			}
		}
		if found < 0 {
			for slot := range next {
				// Probe earlier slots only to explain the failure; r is
				// discarded.
				if ok, _ := fits(slot, part); ok {
					return Request{}, fmt.Sprintf("%s %q is out of order; %s", slotNames[slot], part, acceptedKey)
				}
			}
			if next <= slotVersion && strings.ContainsAny(part, "0123456789") && versionWhy != "" {
				return Request{}, fmt.Sprintf("version part %q: %s; %s", part, versionWhy, acceptedKey)
			}
			return Request{}, fmt.Sprintf("%q is not an implementation, version, os, arch or libc; %s", part, acceptedKey)
		}
		named[found] = true
		next = found + 1
	}
	switch impl {
	case "":
	case pyodide:
		// pyodide in a key means the emscripten builds, where uv matches
		// nothing (see the README); the os, arch and libc it names stay.
		r.impl, r.pyodide = "cpython", true
		r.os = cmp.Or(r.os, platform.Pyodide.OS)
		r.arch = cmp.Or(r.arch, platform.Pyodide.Arch)
		r.libc = cmp.Or(r.libc, platform.Pyodide.Libc)
	default:
		r.impl = impl
	}
	full := r.impl != "" && r.os != "" && r.arch != "" && r.libc != "" && r.ver.exact()
	for _, n := range named {
		full = full && n
	}
	if full && !r.pyodide {
		r.key = r.entryNamed().CanonicalKey()
	}
	return r, ""
}

// entryNamed is the build a full key names, less what a key does not say
// (URL, digest, build tag).
func (r *Request) entryNamed() catalog.Entry {
	v := r.ver.version()
	pre := ""
	if v.Pre != catalog.PreFinal {
		pre = preSpelling(v.Pre) + strconv.Itoa(v.PreN)
	}
	return catalog.Entry{
		Name: r.impl, Major: v.Major, Minor: v.Minor, Patch: v.Patch, Prerelease: pre,
		Variant: r.variant, OS: r.os, Arch: catalog.Arch{Family: r.arch, Variant: r.level}, Libc: r.libc,
	}
}
