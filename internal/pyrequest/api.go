package pyrequest

import (
	"strings"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

// Request is a parsed version request. The zero Request is the default
// request: any CPython version, default build, on the given platform.
// Requests are immutable and comparable.
type Request struct {
	raw      string
	anyPre   bool   // "any": pre-releases compete with final releases, as in uv
	impl     string // "" (unnamed: CPython) or a catalog name
	pyodide  bool   // pyodide: the emscripten builds of CPython
	ver      versionReq
	variant  string // "", freethreaded, debug, freethreaded+debug
	os, libc string // "" (from the platform) or a name ("any" leaves it "")
	arch     string // "" (from the platform) or a family
	level    string // x86-64 level of a named arch: "", v2, v3, v4
	key      string // the canonical download key when the request is a full one
}

// Parse parses a request. Invalid requests fail with *ParseError.
func Parse(s string) (Request, error) {
	raw := strings.TrimSpace(s)
	r, why := parse(strings.ToLower(raw))
	if why != "" {
		return Request{}, &ParseError{Request: raw, Reason: why}
	}
	r.raw = raw
	return r, nil
}

// String returns the request as given, with surrounding whitespace trimmed.
func (r Request) String() string { return r.raw }

// Variant returns the requested build variant: "" (the default GIL build,
// also for +gil), "freethreaded", "debug" or "freethreaded+debug".
func (r Request) Variant() string { return r.variant }

// Implementation returns the implementation the request names, in the
// catalog's spelling ("cpython", "pypy", "graalpy"; pyodide is "cpython");
// "" when it names none or "any" (an unnamed implementation still means
// CPython when matching).
func (r Request) Implementation() string { return r.impl }

// Key returns the exact download key, canonically spelled (lower case,
// "+freethreaded" rather than "t"), when the request is a full key: all five
// parts named, none "any", and an exact version (major.minor.patch or a
// pre-release).
func (r Request) Key() (string, bool) { return r.key, r.key != "" }

// Matches reports whether e satisfies the request on platform p. Parts the
// request names (os, arch, libc in a key) override p; parts left out or
// "any" come from p (a nil p matches every platform). It does not apply
// Select's preference for final releases: 3.15 matches 3.15.0rc1.
func (r Request) Matches(e catalog.Entry, p *platform.Platform) bool {
	_, ok := r.match(&e, p)
	return ok
}

// Select returns the entries that match, best first: stable before
// pre-release unless the request names a pre-release (or is "any") or
// nothing stable matches; then newest version, then newest build tag; on AutoLevel the
// highest x86-64 level first. Duplicates (same key and build, or identical
// entries without a key) appear once. It returns nil when nothing matches.
func (r Request) Select(entries []catalog.Entry, p *platform.Platform) []catalog.Entry {
	return r.selectEntries(entries, p)
}

// ParseError says what was wrong with a request and what is accepted.
type ParseError struct {
	Request string
	Reason  string
}

func (e *ParseError) Error() string {
	return "invalid python request " + `"` + e.Request + `"` + ": " + e.Reason
}

// Target names the platform the request searches on p, for messages such as
// "no download for pyodide@3.15 on emscripten-wasm32-musl": the os, arch and
// libc the request names, the rest from p. When the request names another
// OS than p's and no libc, the libc is left out (any libc of that OS).
func (r Request) Target(p platform.Platform) string {
	t := p
	if r.os != "" && r.os != p.OS {
		t.OS, t.Libc = r.os, ""
	}
	if r.arch != "" {
		t.Arch, t.Level = r.arch, r.level
	}
	if r.libc != "" {
		t.Libc = r.libc
	}
	return t.String()
}
