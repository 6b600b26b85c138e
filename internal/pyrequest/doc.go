// Package pyrequest parses Python version requests, reads them from
// .python-version files (FindPin), and matches them against catalog entries
// and installed builds (Select, NewestPerMinor). The grammar follows uv's
// PythonRequest so that requests written for uv (on the command line or in
// .python-version files) mean the same thing here.
//
// Accepted forms (case-insensitive, surrounding whitespace trimmed):
//
//	Form                          Example                       Meaning
//	----------------------------  ----------------------------  ------------------------------------------
//	any / default                 any, default                  any CPython version, default build
//	major                         3                             CPython 3.x
//	major.minor                   3.12                          CPython 3.12.x
//	major.minor.patch             3.12.3                        exactly 3.12.3 (final release)
//	compact major+minor           312                           same as 3.12
//	pre-release                   3.13.0rc1, 3.13rc1, 3.13.0a1  exactly that pre-release
//	specifier set (PEP 440)       >=3.11,<3.13  ==3.12.*        every clause must hold
//	                              ~=3.12.1  !=3.12.1  >3.12
//	                              <=3.12  ==3.12.4
//	implementation                cpython, cp, pypy, pp,        that implementation, any version
//	                              graalpy, gp
//	implementation + version      cpython@3.12, cpython3.12,    that implementation and version;
//	                              cp312, cp3.12, pypy@3.10,     the version may be any form above
//	                              pp310, cpython@>=3.12
//	variant suffix                3.13t, 3.13+freethreaded      free-threaded build
//	                              3.13d, 3.13+debug             debug build
//	                              3.13td, 3.13+freethreaded+debug  free-threaded debug build
//	                              3.13+gil                      the GIL build (the default anyway)
//	                              >=3.13t                       suffix ends a specifier set
//	download key                  cpython-3.12.4-linux-x86_64-gnu
//	                              cpython-3.13.3+freethreaded-linux-x86_64_v3-musl
//	partial key                   cpython-3.13.2, pypy-linux,   parts keep their order
//	                              cpython-3.13-linux-aarch64    (impl-version-os-arch-libc); any may be left out
//	key with any                  cpython-any-linux-any-gnu     "any" leaves that part open
//
// Meaning:
//
//   - Without a variant a request means the default build (GIL, not debug).
//   - Without an implementation it means CPython.
//   - A plain version matches pre-releases of that series (3.15 matches
//     3.15.0rc1), but Select prefers final releases: pre-releases are only
//     chosen when the request names one (3.13rc1, >=3.15.0rc1) or when no
//     final release matches at all. An exact 3.13.0 never matches 3.13.0rc1.
//   - Specifier sets follow PEP 440, including the rule that <3.13 excludes
//     3.13's own pre-releases and that a < b < rc < final; so >=3.15 does not
//     match 3.15.0rc1 (3.15.0rc1 < 3.15.0), while >=3.15.0rc1 and 3.15 do.
//   - Key parts accept every alias package platform knows, e.g. macos
//     (darwin), amd64 (x86_64), arm64 (aarch64), ppc64le (powerpc64le),
//     386 (i686).
//   - The parts of a key that are named (os, arch, libc) override the
//     platform given to Matches/Select; parts left out come from it. A named
//     arch is exact (x86_64 is the plain build, x86_64_v3 the v3 build); a
//     left-out arch fits the platform's level rules. When a key names an OS
//     other than the platform's, the platform's libc is not imposed.
//   - A nil *platform.Platform matches every platform.
//
// Invalid requests fail with *ParseError, which quotes the request and says
// what is accepted.
package pyrequest
