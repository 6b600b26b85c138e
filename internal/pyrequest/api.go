// Package pyrequest parses version requests ("3.13", ">=3.11,<3.13",
// "cpython@3.12", "3.13t", "cpython-3.12.4-linux-x86_64-gnu", ...) and
// matches them against catalog entries and installed builds. A nil
// *platform.Platform means any platform.
//
// CONTRACT (skeleton; the implementation may add, but keep these names):
package pyrequest

import (
	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

// Request is a parsed version request.
type Request struct{ raw string }

// Parse parses a request. Invalid requests fail with *ParseError.
func Parse(s string) (Request, error) { panic("unimplemented") }

// String returns the request as given.
func (r Request) String() string { return r.raw }

// IsDefault reports "default"/"any"-like requests that name nothing specific.
func (r Request) IsDefault() bool { panic("unimplemented") }

// Matches reports whether e satisfies the request on platform p. Parts the
// request names (os, arch, libc in a key) override p.
func (r Request) Matches(e catalog.Entry, p *platform.Platform) bool { panic("unimplemented") }

// Select returns the entries that match, best first: stable before
// pre-release unless the request names a pre-release or nothing stable
// matches; then newest version, then newest build tag; on AutoLevel the
// highest x86-64 level first.
func (r Request) Select(entries []catalog.Entry, p *platform.Platform) []catalog.Entry {
	panic("unimplemented")
}

// ParseError says what was wrong with a request and what is accepted.
type ParseError struct {
	Request string
	Reason  string
}

func (e *ParseError) Error() string {
	return "invalid python request " + `"` + e.Request + `"` + ": " + e.Reason
}
