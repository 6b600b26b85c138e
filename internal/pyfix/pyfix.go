// Package pyfix makes an extracted Python build work where it is installed,
// on this machine. python-build-standalone's archives carry the paths and
// the compiler of the machine that built them (--prefix=/install, clang,
// clang-only flags) in sysconfig's data, CPython's installed Makefile,
// pkg-config files and python3-config; pyfix rewrites those to the install
// prefix and the machine's cc and c++, marks a CPython build's standard
// library EXTERNALLY-MANAGED (PEP 668), and can compile the standard
// library's bytecode with the build's own interpreter.
//
// It works on the staged tree, before the pipeline commits it: a crash
// leaves the previous install or the new one, never a half-rewritten one.
// Every rewrite is deterministic and idempotent (a second run changes
// nothing), and touches only what is known to be wrong; a build without one
// of the files is fine. It imports nothing of pyget's.
package pyfix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Build says what a tree holds.
type Build struct {
	Implementation string // cpython, pypy or graalpy
	Major, Minor   int
	Freethreaded   bool
	OS             string // the build's OS: linux, darwin, windows, ...
	// Interpreter is the main interpreter, relative to the tree with
	// forward slashes (bin/python3.14); "" = bin/python3.X[t], or
	// python.exe on Windows.
	Interpreter string
}

// Options are the user's choices.
type Options struct {
	// NoExternallyManaged leaves out the EXTERNALLY-MANAGED marker, so pip
	// installs into the base interpreter without --break-system-packages.
	NoExternallyManaged bool
	// CompileBytecode compiles the standard library (compileall, in
	// parallel) with the build's interpreter; only for a CPython build of
	// this OS.
	CompileBytecode bool
}

// ReportName is the file, at the root of an install, that says what Apply
// did there (pyget list -v shows it).
const ReportName = ".pyget-fixes.json"

// Report says what Apply changed in a tree.
type Report struct {
	// Prefix is the install prefix the build prefix became.
	Prefix string `json:"prefix"`
	// Files lists each rewritten file with the variables that changed.
	Files []FileChange `json:"files,omitempty"`
	// ExternallyManaged is the marker's path, relative to the tree, when
	// one was written.
	ExternallyManaged string `json:"externally_managed,omitempty"`
	// Bytecode is the directory compiled, relative to the tree, when
	// bytecode was compiled; BytecodeFailures the modules that did not
	// compile.
	Bytecode         string `json:"bytecode,omitempty"`
	BytecodeFailures int    `json:"bytecode_failures,omitempty"`
	// Warnings are what went wrong without failing the install (a module
	// that did not compile, a file that could not be read as expected).
	Warnings []string `json:"-"`
}

// FileChange is one rewritten file.
type FileChange struct {
	Path    string   `json:"path"`    // relative to the tree, with forward slashes
	Changed []string `json:"changed"` // the variables whose values changed
}

// Apply fixes the tree at dir, which will be installed at prefix (an
// absolute path), and writes the report into it. It fails only when the tree
// cannot be read or written; a file it cannot make sense of is left as it
// is, with a warning.
func Apply(ctx context.Context, dir, prefix string, b Build, o Options) (Report, error) {
	r := Report{Prefix: prefix}
	if !filepath.IsAbs(prefix) {
		return r, fmt.Errorf("fixing %s: the install prefix %q is not an absolute path", dir, prefix)
	}
	files, err := configFiles(dir)
	if err != nil {
		return r, err
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return r, err
		}
		changed, err := rewrite(dir, f, prefix)
		if errors.Is(err, errUnreadable) {
			r.Warnings = append(r.Warnings, err.Error())
			continue
		}
		if err != nil {
			return r, err
		}
		if len(changed) > 0 {
			r.Files = append(r.Files, FileChange{Path: f.rel, Changed: changed})
			if err := pauseForTest(ctx); err != nil {
				return r, err
			}
		}
	}
	stdlib := stdlibDir(dir, b)
	if b.Implementation == "cpython" && !o.NoExternallyManaged && stdlib != "" {
		rel, err := writeMarker(dir, stdlib, b)
		if err != nil {
			return r, err
		}
		r.ExternallyManaged = rel
	}
	if o.CompileBytecode && stdlib != "" {
		if err := compileBytecode(ctx, dir, prefix, stdlib, b, &r); err != nil {
			return r, err
		}
	}
	if err := writeReport(dir, r); err != nil {
		return r, err
	}
	return r, nil
}

// ReadReport reads what Apply did in the install at dir; ok is false for an
// install made before pyget did this (or by a build Apply never saw).
func ReadReport(dir string) (r Report, ok bool, err error) {
	data, err := os.ReadFile(filepath.Join(dir, ReportName))
	if errors.Is(err, fs.ErrNotExist) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return r, false, fmt.Errorf("%s: %w", filepath.Join(dir, ReportName), err)
	}
	return r, true, nil
}

func writeReport(dir string, r Report) error {
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, ReportName), append(data, '\n'), 0o644); err != nil {
		return fmt.Errorf("writing what was fixed: %w", err)
	}
	return nil
}

// configFile is a file that may need rewriting, and how.
type configFile struct {
	rel  string // relative to the tree, forward slashes
	kind string // sysconfigdata, json, makefile, pkgconfig, python-config
}

// configFiles finds, in a fixed order, the files that carry build-time
// paths and the compiler: lib/<python>/_sysconfigdata_*.py,
// _sysconfig_vars_*.json and build-details.json,
// lib/<python>/config-*/Makefile, lib/pkgconfig/*.pc and
// bin/python*-config. Links are not followed (python3-config is a link to
// python3.X-config, rewritten once).
func configFiles(dir string) ([]configFile, error) {
	patterns := []struct{ glob, kind string }{
		{"lib/*/_sysconfigdata_*.py", "sysconfigdata"},
		{"lib/*/_sysconfig_vars_*.json", "json"},
		{"lib/*/build-details.json", "json"},
		{"lib/*/config-*/Makefile", "makefile"},
		{"lib/pkgconfig/*.pc", "pkgconfig"},
		{"bin/python*-config", "python-config"},
	}
	var out []configFile
	for _, p := range patterns {
		matches, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(p.glob)))
		if err != nil {
			return nil, err
		}
		sort.Strings(matches)
		for _, m := range matches {
			fi, err := os.Lstat(m)
			if err != nil {
				return nil, err
			}
			if !fi.Mode().IsRegular() {
				continue
			}
			rel, err := filepath.Rel(dir, m)
			if err != nil {
				return nil, err
			}
			out = append(out, configFile{rel: filepath.ToSlash(rel), kind: p.kind})
		}
	}
	return out, nil
}

// errUnreadable marks a file whose content is not what its kind should be:
// it is left as it is.
var errUnreadable = errors.New("left as it is")

// rewrite fixes one file in place and returns the variables it changed.
// The new content replaces the file by a rename (a hard link elsewhere in
// the tree keeps the old content), with the file's mode and modification
// time, so that bytecode compiled from it is the same on every install.
func rewrite(dir string, f configFile, prefix string) ([]string, error) {
	path := filepath.Join(dir, filepath.FromSlash(f.rel))
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("fixing %s: %w", f.rel, err)
	}
	src := string(data)
	var out string
	var changed []string
	switch f.kind {
	case "sysconfigdata":
		out, changed, err = fixSysconfigData(src, prefix)
	case "json":
		out, changed, err = fixJSON(src, prefix)
	case "makefile":
		out, changed = fixMakefile(src, prefix)
	case "pkgconfig":
		out, changed = fixPkgConfig(src, prefix)
	case "python-config":
		out, changed = fixPythonConfig(src, prefix)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w (%w)", f.rel, errUnreadable, err)
	}
	if out == src {
		return nil, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("fixing %s: %w", f.rel, err)
	}
	tmp := path + ".pyget-tmp"
	if err := os.WriteFile(tmp, []byte(out), fi.Mode().Perm()); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("fixing %s: %w", f.rel, err)
	}
	if err := os.Chmod(tmp, fi.Mode().Perm()); err != nil { // past the umask
		os.Remove(tmp)
		return nil, fmt.Errorf("fixing %s: %w", f.rel, err)
	}
	if err := os.Chtimes(tmp, fi.ModTime(), fi.ModTime()); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("fixing %s: %w", f.rel, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return nil, fmt.Errorf("fixing %s: %w", f.rel, err)
	}
	if strings.HasSuffix(path, ".py") {
		// Bytecode the archive may carry was compiled from the old source.
		stale, _ := filepath.Glob(filepath.Join(filepath.Dir(path), "__pycache__", strings.TrimSuffix(filepath.Base(path), ".py")+".*.pyc"))
		for _, s := range stale {
			if err := os.Remove(s); err != nil {
				return nil, fmt.Errorf("fixing %s: %w", f.rel, err)
			}
		}
	}
	return dedupe(changed), nil
}

// dedupe keeps the first of each name, in order.
func dedupe(names []string) []string {
	seen := map[string]bool{}
	out := names[:0]
	for _, n := range names {
		if !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	return out
}

// stdlibDir is the standard library's folder relative to the tree, with
// forward slashes; "" when the tree has none where it should be.
func stdlibDir(dir string, b Build) string {
	var rel string
	switch {
	case b.OS == "windows":
		rel = "Lib"
	case b.Implementation == "pypy":
		rel = fmt.Sprintf("lib/pypy%d.%d", b.Major, b.Minor)
	default:
		t := ""
		if b.Freethreaded {
			t = "t"
		}
		rel = fmt.Sprintf("lib/python%d.%d%s", b.Major, b.Minor, t)
	}
	if fi, err := os.Stat(filepath.Join(dir, filepath.FromSlash(rel))); err != nil || !fi.IsDir() {
		return ""
	}
	return rel
}
