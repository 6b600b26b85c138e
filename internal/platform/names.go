package platform

import (
	"fmt"
	"strings"
)

// The one vocabulary of target names. Every way a name reaches pyget
// (--platform, --arch, the os/arch/libc parts of a request, the target
// triple of a python-build-standalone asset name, runtime.GOARCH) goes
// through these tables, so an alias accepted in one place is accepted in
// all. Keys are the accepted spellings, values the catalog's names.
var (
	osNames = map[string]string{
		"linux":   "linux",
		"darwin":  "darwin",
		"macos":   "darwin",
		"windows": "windows",
		// Pyodide's OS: the catalog lists its builds (see Pyodide).
		"emscripten": "emscripten",
	}
	// archNames: the catalog's names, then Go's (so users can paste `go env
	// GOARCH`), python-build-standalone's triple names (ppc64le, riscv64gc,
	// which uv also uses for the catalog's riscv64) and the usual names of
	// 32-bit x86 (x86 is uv's).
	archNames = map[string]string{
		"x86_64":      "x86_64",
		"amd64":       "x86_64",
		"aarch64":     "aarch64",
		"arm64":       "aarch64",
		"i686":        "i686",
		"386":         "i686",
		"i386":        "i686",
		"x86":         "i686",
		"armv7":       "armv7",
		"arm":         "armv7",
		"powerpc64le": "powerpc64le",
		"ppc64le":     "powerpc64le",
		"s390x":       "s390x",
		"riscv64":     "riscv64",
		"riscv64gc":   "riscv64",
		"wasm32":      "wasm32",
	}
	libcNames = []string{"gnu", "musl", "gnueabihf", "gnueabi", "none"}
	levels    = []string{"v2", "v3", "v4"}

	// nativeOS are the OSes a Platform can name: those pyget installs for.
	nativeOS = []string{"linux", "darwin", "windows"}

	acceptedOS   = "linux, darwin, windows"
	acceptedArch = "x86_64, x86_64_v2, x86_64_v3, x86_64_v4, aarch64, i686, armv7, powerpc64le, s390x, riscv64, wasm32 (or arm64, x86, i386, riscv64gc and Go's amd64, 386, arm, ppc64le)"
	acceptedLibc = "gnu, musl, gnueabihf, gnueabi, none"
)

// Pyodide is the platform of the pyodide builds: CPython for emscripten on
// wasm32, with musl. The catalog lists them, but no machine runs them
// natively, so Parse refuses it as a target.
var Pyodide = Platform{OS: "emscripten", Arch: "wasm32", Libc: "musl"}

// Names uv's request parser accepts (through the target-lexicon crate) for
// which the catalog has no build. A request naming one is valid and matches
// nothing, so pyget says "no match" where uv does, not "invalid". Unlike the
// tables above they are case-sensitive, as in uv.
var (
	uvOnlyArches = wordSet(`
		amdgcn asmjs avr bpfeb bpfel hexagon loongarch64 m68k msp430 nvptx64
		pulley32 pulley64 pulley32be pulley64be powerpc powerpc64 sparc sparc64
		sparcv9 wasm64 x86_64h xtensa
		armeb armv4 armv4t armv5t armv5te armv5tej armv6 armv6j armv6k armv6z
		armv6kz armv6t2 armv6m armv7a armv7k armv7ve armv7m armv7r armv7s armv8
		armv8a armv8.1a armv8.2a armv8.3a armv8.4a armv8.5a armv8m.base
		armv8m.main armv8r thumbeb thumbv4t thumbv5te thumbv6m thumbv7a
		thumbv7em thumbv7m thumbv7neon thumbv8m.base thumbv8m.main armebv7r
		aarch64_be
		riscv32 riscv32gc riscv32i riscv32im riscv32ima riscv32imac
		riscv32imafc riscv32imc riscv64imac riscv64a23
		i586
		mips mipsel mipsisa32r6 mipsisa32r6el mips64 mips64el mipsisa64r6
		mipsisa64r6el clever clever1.0`)
	uvOnlyOSes = wordSet(`
		aix amdhsa bitrig cloudabi cuda cygwin dragonfly freebsd fuchsia haiku
		hermit horizon hurd illumos l4re nebulet netbsd none openbsd psp redox
		solaris solid_asp3 uefi vxworks wasi wasip1 wasip2 espidf`)
	// Apple OSes may carry a deployment target: darwin23, macosx10.9.
	uvVersionedOSes = []string{"darwin", "ios", "macosx", "tvos", "visionos", "watchos", "xros"}
	uvOnlyLibcs     = wordSet(`musleabi musleabihf`)
)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// KnownOS reads an OS as a request (uv's grammar) may name it: the
// catalog's name for any spelling OSName knows, or a name only uv knows,
// kept as written (no build has it).
func KnownOS(s string) (name string, ok bool) {
	if name, ok := OSName(s); ok {
		return name, true
	}
	if uvOnlyOSes[s] {
		return s, true
	}
	for _, prefix := range uvVersionedOSes {
		if target, ok := strings.CutPrefix(s, prefix); ok && isDeploymentTarget(target) {
			return s, true
		}
	}
	return "", false
}

// isDeploymentTarget reports "", "23", "10.9" or "10.9.1".
func isDeploymentTarget(s string) bool {
	if s == "" {
		return true
	}
	parts := strings.Split(s, ".")
	if len(parts) > 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 5 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

// KnownArch reads an architecture as a request may name it: a family of the
// catalog in any spelling ParseArch accepts, with its x86-64 level, or a
// name only uv knows, kept as written (no build has it).
func KnownArch(s string) (family, level string, ok bool) {
	if family, level, err := ParseArch(s); err == nil {
		return family, level, true
	}
	if uvOnlyArches[s] {
		return s, "", true
	}
	return "", "", false
}

// KnownLibc reports whether a request may name libc s: a libc of the
// catalog or one only uv knows.
func KnownLibc(s string) bool { return IsLibc(s) || uvOnlyLibcs[s] }

// OSName returns the catalog's name for an OS spelling ("macos" is
// "darwin"), including OSes no Platform can name (emscripten).
func OSName(s string) (name string, ok bool) {
	name, ok = osNames[strings.ToLower(s)]
	return name, ok
}

// IsLibc reports whether s is a libc name of the catalog.
func IsLibc(s string) bool { return contains(libcNames, s) }

// ParseArch reads an architecture in any accepted spelling and splits an
// x86-64 level off it: "x86_64_v3" and "amd64_v3" are x86_64 at level v3,
// "ppc64le" is powerpc64le.
func ParseArch(s string) (family, level string, err error) {
	lower := strings.ToLower(s)
	name := lower
	for _, l := range levels {
		if base, ok := strings.CutSuffix(lower, "_"+l); ok {
			name, level = base, l
			break
		}
	}
	family, ok := archNames[name]
	if !ok {
		return "", "", fmt.Errorf("unknown architecture %q (accepted: %s)", s, acceptedArch)
	}
	if level != "" && family != "x86_64" {
		return "", "", fmt.Errorf("architecture %q: micro-architecture levels exist only for x86_64", s)
	}
	return family, level, nil
}

// FromTriple reads the target triple that starts s, spelled as
// python-build-standalone spells it ("x86_64_v3-unknown-linux-musl",
// "aarch64-apple-darwin", "i686-pc-windows-msvc"), and returns the platform
// it names and what follows it ("" or the text after the next "-").
func FromTriple(s string) (p Platform, rest string, err error) {
	parts := strings.SplitN(s, "-", 5)
	bad := func() (Platform, string, error) {
		return Platform{}, "", fmt.Errorf("unknown target %q", s)
	}
	if len(parts) < 3 {
		return bad()
	}
	family, level, err := ParseArch(parts[0])
	if err != nil {
		return bad()
	}
	p = Platform{Arch: family, Level: level, Libc: "none"}
	// tail is what follows the triple's n parts.
	tail := func(n int) string {
		if len(parts) <= n {
			return ""
		}
		return strings.Join(parts[n:], "-")
	}
	switch {
	case len(parts) >= 4 && parts[1] == "unknown" && parts[2] == "linux" && IsLibc(parts[3]) && parts[3] != "none":
		p.OS, p.Libc = "linux", parts[3]
		return p, tail(4), nil
	case parts[1] == "apple" && parts[2] == "darwin":
		p.OS = "darwin"
		return p, tail(3), nil
	case len(parts) >= 4 && parts[1] == "pc" && parts[2] == "windows":
		p.OS = "windows"
		return p, tail(4), nil
	}
	return bad()
}
