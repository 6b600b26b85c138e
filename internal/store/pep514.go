package store

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// PEP 514: Windows tools (the py launcher, uv, IDEs, nox) find Python
// installs under HKCU\Software\Python\<company>\<tag>. pyget registers each
// Windows build it links under its own company key, one tag per build, as
// uv does under "Astral"; uninstall removes a build's tag.

// RegistryCompany is the PEP 514 company key pyget registers its builds
// under: HKCU\Software\Python\pyget.
const RegistryCompany = "pyget"

// RegistryEntry is what pyget registers for one build.
type RegistryEntry struct {
	Tag string // the key under the company: CPython3.14.6, CPython3.14.6t, PyPy3.11.13
	// Values of the tag key.
	DisplayName     string // "CPython 3.14.6 (64-bit)"
	Version         string // "3.14.6"
	SysVersion      string // "3.14"
	SysArchitecture string // "64bit"
	// Values of its InstallPath subkey.
	InstallPath            string // the build folder (the subkey's default value)
	ExecutablePath         string // python.exe
	WindowedExecutablePath string // pythonw.exe where the build has one, else ""
}

// RegistryKey is the path of e's key under HKEY_CURRENT_USER.
func RegistryKey(company, tag string) string {
	return `Software\Python\` + company + `\` + tag
}

// prettyImpl is how uv and the py launcher spell an implementation.
func prettyImpl(name string) string {
	switch name {
	case "cpython":
		return "CPython"
	case "pypy":
		return "PyPy"
	case "graalpy":
		return "GraalPy"
	}
	return name
}

// registryEntry is what inst registers; ok is false for builds that do not
// run on Windows, or whose architecture has no known pointer width.
func registryEntry(inst Installation) (RegistryEntry, bool) {
	e := inst.Entry
	if e.OS != "windows" {
		return RegistryEntry{}, false
	}
	bits := 0
	switch e.Arch.Family {
	case "x86_64", "aarch64":
		bits = 64
	case "i686", "x86":
		bits = 32
	default:
		return RegistryEntry{}, false
	}
	// uv's tag scheme (implementation and version), with the variant's
	// letters so a free-threaded build does not take its twin's tag.
	suffix := ""
	if e.Freethreaded() {
		suffix += "t"
	}
	if e.Debug() {
		suffix += "d"
	}
	v := e.Version()
	r := RegistryEntry{
		Tag:             prettyImpl(e.Name) + v + suffix,
		DisplayName:     fmt.Sprintf("%s %s%s (%d-bit)", prettyImpl(e.Name), v, suffix, bits),
		Version:         v,
		SysVersion:      fmt.Sprintf("%d.%d", e.Major, e.Minor),
		SysArchitecture: fmt.Sprintf("%dbit", bits),
		InstallPath:     inst.Dir,
		ExecutablePath:  inst.Executable,
	}
	// pythonw.exe (pypyw.exe, graalpyw.exe): the windowed twin beside the
	// interpreter, named with a "w" before ".exe".
	dir, base := filepath.Split(inst.Executable)
	if stem, ok := strings.CutSuffix(base, ".exe"); ok {
		w := filepath.Join(dir, stem+"w.exe")
		if fi, err := os.Stat(w); err == nil && fi.Mode().IsRegular() {
			r.WindowedExecutablePath = w
		}
	}
	return r, true
}

func (l Layout) company() string {
	if l.registryCompany != "" {
		return l.registryCompany
	}
	return RegistryCompany
}
