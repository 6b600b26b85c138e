// Package platform says which builds fit this machine: OS, architecture
// (with x86-64 micro-architecture levels) and libc. It owns the names of
// those (names.go): every alias pyget accepts for an OS, architecture or
// libc, wherever it is written, is read through its tables.
//
// It imports nothing of pyget's, so every package may use it.
package platform

import (
	"fmt"
	"runtime"
	"strings"
)

// Platform names a target in the catalog's vocabulary.
type Platform struct {
	OS   string // linux, darwin, windows
	Arch string // catalog arch family: x86_64, aarch64, i686, armv7, powerpc64le, s390x, riscv64
	Libc string // gnu, musl, gnueabihf, gnueabi; "none" on darwin and windows

	// Level is the x86-64 micro-architecture level: "" (plain x86_64, the
	// default, as in uv), "v2", "v3" or "v4".
	Level string
	// AutoLevel means Level was picked by probing the CPU (--arch auto): builds of
	// any level up to Level fit, the highest preferred. Without it only Level fits.
	AutoLevel bool
}

// Detect returns this machine's platform: runtime OS/arch mapped to the
// catalog's names, libc detected from the dynamic loader (musl vs glibc),
// Level "".
func Detect() Platform {
	return detect(runtime.GOOS, runtime.GOARCH, "/")
}

// detect is Detect for a given GOOS/GOARCH with the filesystem rooted at
// root, so tests can probe a fake system tree.
func detect(goos, goarch, root string) Platform {
	p := Platform{OS: goos, Arch: goarch, Libc: "none"}
	if a, ok := archNames[goarch]; ok {
		p.Arch = a
	}
	if goos == "linux" {
		p.Libc = DetectLibc(root, p.Arch)
	}
	return p
}

// Parse parses "linux-aarch64-musl", "linux-x86_64_v3-gnu", "darwin-aarch64"
// (libc defaults to none off linux). Go names (amd64, arm64) are accepted too.
// On linux a missing libc means glibc ("gnueabihf" on armv7).
func Parse(s string) (Platform, error) {
	parts := strings.Split(strings.ToLower(strings.TrimSpace(s)), "-")
	if len(parts) < 2 || len(parts) > 3 {
		return Platform{}, fmt.Errorf("invalid platform %q: want OS-ARCH[-LIBC], e.g. linux-x86_64-gnu", s)
	}
	var p Platform
	os, ok := OSName(parts[0])
	if !ok || !contains(nativeOS, os) {
		return Platform{}, fmt.Errorf("invalid platform %q: unknown OS %q (accepted: %s)", s, parts[0], acceptedOS)
	}
	p.OS = os
	arch, level, err := ParseArch(parts[1])
	if err != nil {
		return Platform{}, fmt.Errorf("invalid platform %q: %w", s, err)
	}
	p.Arch, p.Level = arch, level
	switch {
	case len(parts) == 3:
		libc := parts[2]
		if !IsLibc(libc) {
			return Platform{}, fmt.Errorf("invalid platform %q: unknown libc %q (accepted: %s)", s, libc, acceptedLibc)
		}
		if (os == "linux") != (libc != "none") {
			want := `"none"`
			if os == "linux" {
				want = "gnu, musl, gnueabihf or gnueabi"
			}
			return Platform{}, fmt.Errorf("invalid platform %q: libc %q does not go with %s (want %s)", s, libc, os, want)
		}
		p.Libc = libc
	case os == "linux":
		p.Libc = defaultLinuxLibc(arch)
	default:
		p.Libc = "none"
	}
	return p, nil
}

func defaultLinuxLibc(arch string) string {
	if arch == "armv7" {
		return "gnueabihf"
	}
	return "gnu"
}

// WithArch applies --arch / PYGET_ARCH: "auto" sets the highest level this
// CPU supports with AutoLevel; "x86_64_v3" pins that level; "aarch64" etc.
// set the family. "" leaves p unchanged.
func (p Platform) WithArch(arch string) (Platform, error) {
	return p.WithArchFeatures(arch, HostCPU())
}

// WithArchFeatures is WithArch with the CPU's features given rather than
// probed, so "auto" can be tested for every level on any machine.
func (p Platform) WithArchFeatures(arch string, cpu CPUFeatures) (Platform, error) {
	arch = strings.ToLower(strings.TrimSpace(arch))
	switch arch {
	case "":
		return p, nil
	case "auto":
		// Levels mean nothing off x86-64: nothing to probe.
		if p.Arch != "x86_64" {
			return p, nil
		}
		p.Level, p.AutoLevel = cpu.Level(), true
		return p, nil
	}
	family, level, err := ParseArch(arch)
	if err != nil {
		return p, fmt.Errorf("invalid --arch: %w", err)
	}
	if p.OS == "linux" && family != p.Arch {
		// The ARM ABIs are spelled in the libc slot; keep it consistent with
		// the family so "linux-x86_64-gnu" + armv7 asks for armv7 gnueabihf.
		switch {
		case family == "armv7" && p.Libc == "gnu":
			p.Libc = "gnueabihf"
		case family != "armv7" && (p.Libc == "gnueabihf" || p.Libc == "gnueabi"):
			p.Libc = "gnu"
		}
	}
	p.Arch, p.Level, p.AutoLevel = family, level, false
	return p, nil
}

// ForInstalled widens p for matching installed builds: on x86-64 without a
// pinned level, a build of any level this CPU runs counts (one installed
// with --arch auto must not vanish from find and list run without it).
// Otherwise p is returned as it is.
func (p Platform) ForInstalled() Platform {
	if p.Arch == "x86_64" && p.Level == "" && !p.AutoLevel {
		if auto, err := p.WithArch("auto"); err == nil {
			return auto
		}
	}
	return p
}

// FitsArch reports whether a build for family/variant fits, and a rank
// (higher is preferred) among the levels that fit.
func (p Platform) FitsArch(family, variant string) (rank int, ok bool) {
	if family != p.Arch {
		return 0, false
	}
	if !p.AutoLevel {
		if variant == p.Level {
			return 1, true
		}
		return 0, false
	}
	r := levelRank(variant)
	if r == 0 || r > levelRank(p.Level) {
		return 0, false
	}
	return r, true
}

// levelRank orders levels: "" (baseline) 1, v2 2, v3 3, v4 4; unknown 0.
func levelRank(level string) int {
	switch level {
	case "":
		return 1
	case "v2":
		return 2
	case "v3":
		return 3
	case "v4":
		return 4
	}
	return 0
}

// String gives "linux-x86_64-gnu" form.
func (p Platform) String() string {
	arch := p.Arch
	if p.Level != "" {
		arch += "_" + p.Level
	}
	if p.Libc == "" {
		return p.OS + "-" + arch
	}
	return p.OS + "-" + arch + "-" + p.Libc
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
