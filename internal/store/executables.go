package store

import (
	"fmt"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
)

// Executable is one command Link puts into BinDir.
type Executable struct {
	// Name is the command name without an extension: python3.14,
	// python3.14t, pypy3.11, graalpy, python3. On Windows ".exe" (link) or
	// ".cmd" (shim) is added to it.
	Name string
	// Rel is the interpreter it runs, relative to the build's root, with
	// forward slashes: bin/python3.14, python.exe.
	Rel string
}

// candidates lists, best first, where e's main interpreter may sit in its
// tree, and which of those are versioned names worth linking under their own
// name. The tree is read rather than assumed because the layout differs by
// implementation, variant and OS.
func candidates(e catalog.Entry) (rels []string, canonical string) {
	mm := fmt.Sprintf("%d.%d", e.Major, e.Minor)
	t := ""
	if e.Freethreaded() {
		t = "t"
	}
	windows := e.OS == "windows"
	switch e.Name {
	case "pypy":
		canonical = "pypy" + mm
		if windows {
			return []string{"pypy" + mm + ".exe", "pypy3.exe", "pypy.exe", "python.exe"}, canonical
		}
		return []string{"bin/pypy" + mm, fmt.Sprintf("bin/pypy%d", e.Major), "bin/pypy", "bin/python" + mm}, canonical
	case "graalpy":
		canonical = "graalpy"
		if windows {
			return []string{"bin/graalpy" + mm + ".exe", "bin/graalpy.exe", "graalpy.exe", "bin/python.exe", "python.exe"}, canonical
		}
		return []string{"bin/graalpy" + mm, "bin/graalpy", "bin/python" + mm, "bin/python"}, canonical
	}
	canonical = "python" + mm + t
	if windows {
		return []string{"python" + mm + t + ".exe", "python.exe"}, canonical
	}
	rels = []string{"bin/python" + mm + t}
	if e.Debug() {
		rels = append([]string{"bin/python" + mm + t + "d"}, rels...)
	}
	return append(rels, fmt.Sprintf("bin/python%d", e.Major), "bin/python"), canonical
}

// mainExecutable finds e's interpreter in the tree at dir, as a path relative
// to dir with forward slashes.
func mainExecutable(e catalog.Entry, dir string) (string, error) {
	rels, _ := candidates(e)
	for _, rel := range rels {
		fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel)))
		if err == nil && fi.Mode().IsRegular() {
			return rel, nil
		}
	}
	return "", fmt.Errorf("no interpreter for %s in %s (looked for %v)", e.Key, dir, rels)
}

// Executables reads the tree at dir and says what Link puts into BinDir for
// e: the versioned command (python3.14, python3.14t, python3.14d when the tree
// has it, pypy3.11, graalpy), then with withDefault python3 and python (a
// free-threaded build's python3t and pythont, as with uv: python3 stays the
// default GIL build's).
func Executables(e catalog.Entry, dir string, withDefault bool) ([]Executable, error) {
	rel, err := mainExecutable(e, dir)
	if err != nil {
		return nil, err
	}
	_, canonical := candidates(e)
	name := canonical
	if base := path.Base(rel); e.OS != "windows" && (base == canonical || base == canonical+"d" || (e.Name == "graalpy" && base != "python")) {
		// The tree's own versioned name, e.g. python3.14d or graalpy3.11.
		name = base
	}
	out := []Executable{{Name: name, Rel: rel}}
	if withDefault {
		t := ""
		if strings.Contains(e.Variant, "freethreaded") {
			t = "t"
		}
		for _, n := range []string{fmt.Sprintf("python%d%s", e.Major, t), "python" + t} {
			if n != name {
				out = append(out, Executable{Name: n, Rel: rel})
			}
		}
	}
	return out, nil
}
