// Package pyrequest parses Python version requests, reads them from
// .python-version files (FindPin), and matches them against catalog entries
// and installed builds (Select, NewestPerMinor). A request means what it
// means to `uv python install`: the grammar and the matching follow uv's
// PythonRequest::parse, VersionRequest and PythonDownloadRequest, and
// uvtable_test.go checks pyget against uv's answers for over 300 requests.
// The few deliberate differences are listed there and in the README.
//
// Accepted forms (case-insensitive, surrounding whitespace trimmed):
//
//	Form                          Example                       Meaning
//	----------------------------  ----------------------------  ------------------------------------------
//	any                           any                           CPython, default build, pre-releases too
//	default                       default                       CPython, default build
//	major                         3                             CPython 3.x
//	major.minor                   3.12                          CPython 3.12.x
//	major.minor.patch             3.12.3                        exactly 3.12.3 (final release)
//	compact major+minor           312                           same as 3.12 (first digit: major)
//	pre-release                   3.13.0rc1, 3.13rc1, 313rc1,   exactly that pre-release; PEP 440
//	                              3.14.5rc1, 3.15.0-rc.1,       spellings and separators, as uv reads
//	                              3.15.0c1, 3.15.0alpha1        them
//	specifier set (PEP 440)       >=3.11,<3.13  ==3.12.*        every clause must hold
//	                              ~=3.12.1  !=3.12.1  >3.12
//	                              <=3.12  ===3.12.4
//	lone ==                       ==3.12, ==3.12.4              the plain version (uv's ==X.Y rule)
//	python prefix                 python3.12, python@3.12,      a version (any form above)
//	                              python312, python3
//	implementation                cpython, cp, pypy, pp,        that implementation, any version
//	                              graalpy, gp
//	implementation + version      cpython@3.12, cpython3.12,    that implementation and version;
//	                              cp312, pypy@3.10, pp310,      the version may be any form above
//	                              cpython>=3.12
//	pyodide                       pyodide, pyodide@3.13,        CPython for emscripten/wasm32/musl
//	                              pyodide313, pyodide-3.13
//	variant suffix                3.13t, 3.13+freethreaded      free-threaded build
//	                              3.13d, 3.13+debug             debug build
//	                              3.13td, 3.13+freethreaded+debug  free-threaded debug build
//	                              3.13+gil, 3.13+gil+debug      the GIL build (the default anyway)
//	                              >=3.13t                       suffix ends a specifier set
//	download key                  cpython-3.12.4-linux-x86_64-gnu
//	                              cpython-3.13.3+freethreaded-linux-x86_64_v3-musl
//	partial key                   cpython-3.13.2, pypy-linux,   parts keep their order
//	                              3.13-aarch64, 3.12-musl       (impl-version-os-arch-libc); any may be left out
//	key with any                  any-3.12-any                  "any" leaves that part not given
//
// Meaning:
//
//   - Without a variant a request means the default build (GIL, not debug).
//   - Without an implementation (or with "any") it means CPython.
//   - A plain version matches pre-releases of that series (3.15 matches
//     3.15.0rc1), but Select prefers final releases: pre-releases are only
//     chosen when the request names one (3.13rc1, >=3.15.0rc1), is "any", or
//     when no final release matches at all. An exact 3.13.0 never matches
//     3.13.0rc1.
//   - Specifier sets follow PEP 440, including the rule that <3.13 excludes
//     3.13's own pre-releases and that a < b < rc < final; so >=3.15 does not
//     match 3.15.0rc1 (3.15.0rc1 < 3.15.0), while >=3.15.0rc1 and 3.15 do.
//   - Numbers follow uv: release numbers of a plain version are 0-255
//     (31000, read as 3.1000, is invalid); post, dev and local versions are
//     invalid there.
//   - Key parts accept every alias package platform knows, e.g. macos
//     (darwin), arm64 (aarch64), x86 (i686), riscv64gc (riscv64), amd64
//     (x86_64), and the names uv knows that no build has (freebsd, mips),
//     which make a valid request that matches nothing.
//   - The parts of a key that are named (os, arch, libc) override the
//     platform given to Matches/Select; parts left out or "any" come from
//     it. A named arch is exact (x86_64 is the plain build, x86_64_v3 the v3
//     build); a left-out arch fits the platform's level rules, and a wasm32
//     build fits any. When a key names an OS other than the platform's, the
//     platform's libc is not imposed.
//   - A nil *platform.Platform matches every platform.
//
// Invalid requests fail with *ParseError, which quotes the request and says
// what is accepted.
//
// It must never import fetch, store or pipeline: it reads requests and
// matches entries it is given; the pipeline and the CLI call it.
package pyrequest
