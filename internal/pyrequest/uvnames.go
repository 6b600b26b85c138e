package pyrequest

import (
	"strings"

	"github.com/pyget/pyget/internal/platform"
)

// Names uv's request parser accepts (through the target-lexicon crate) for
// which the catalog has no build. A request naming one is valid and matches
// nothing, so pyget says "no match" where uv does, not "invalid". Package
// platform owns the names that do have builds, with their aliases.
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

// osPart reads the os part of a key: the catalog's name, or a name only uv
// knows, kept as written (it matches no build).
func osPart(s string) (string, bool) {
	if name, ok := platform.OSName(s); ok {
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

// archPart reads the arch part of a key: a family of the catalog (any alias
// package platform knows) with its x86-64 level, or a name only uv knows.
func archPart(s string) (family, level string, ok bool) {
	if family, level, err := platform.ParseArch(s); err == nil {
		return family, level, true
	}
	if uvOnlyArches[s] {
		return s, "", true
	}
	return "", "", false
}

func libcPart(s string) (string, bool) {
	return s, platform.IsLibc(s) || uvOnlyLibcs[s]
}
