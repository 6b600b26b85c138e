package pyfix

import (
	"path"
	"regexp"
	"strings"
)

// BuildPrefix is the prefix python-build-standalone configures CPython with
// (--prefix=/install): the build-time paths in sysconfig, the Makefile,
// pkg-config files and python-config start with it.
const BuildPrefix = "/install"

// driverVars are the variables whose first word is the compiler or the
// linker driver that setuptools, meson-python and friends run.
var driverVars = map[string]bool{
	"CC": true, "CXX": true, "CPP": true, "MAINCC": true, "LINKCC": true,
	"LDSHARED": true, "LDCXXSHARED": true, "BLDSHARED": true,
}

// drivers maps the compilers python-build-standalone builds with to the
// machine's own: clang (and musl's wrapper) is rarely installed where these
// builds run, cc and c++ always are where anything compiles.
var drivers = map[string]string{
	"clang":      "cc",
	"clang++":    "c++",
	"musl-clang": "cc",
}

// crossDriver matches the cross compilers of builds made on another
// architecture (/usr/bin/aarch64-linux-gnu-gcc): present on the build
// machine only.
var crossDriver = regexp.MustCompile(`^/usr/bin/[a-z0-9_]+-linux-[a-z0-9_]+-(gcc|g\+\+)$`)

// fixValue rewrites the value of the build variable key (sysconfig's name,
// also the Makefile's and the pkg-config variable's): the build prefix
// becomes prefix, flags only clang takes are dropped, and the compiler and
// archiver become the machine's. Everything else is returned unchanged, byte
// for byte, so that a value already fixed is left as it is.
func fixValue(key, value, prefix string) string {
	v := replacePrefix(value, prefix)
	v = dropClangOnlyFlags(v)
	if driverVars[key] {
		v = replaceDriver(v)
	}
	if key == "AR" {
		// llvm-ar from the build's toolchain (/tools/llvm/bin/llvm-ar).
		v = editWords(v, func(i int, w string) (string, int) {
			if i == 0 && strings.HasPrefix(w, "/tools/") && strings.HasSuffix(w, "/llvm-ar") {
				return "ar", 0
			}
			return w, 0
		})
	}
	return v
}

// replaceDriver replaces the first word of a compiler or linker command.
func replaceDriver(v string) string {
	return editWords(v, func(i int, w string) (string, int) {
		if i != 0 {
			return w, 0
		}
		if to, ok := drivers[w]; ok {
			return to, 0
		}
		// The same named by its path in the build's toolchain.
		if strings.HasPrefix(w, "/tools/") {
			if to, ok := drivers[path.Base(w)]; ok {
				return to, 0
			}
		}
		if m := crossDriver.FindStringSubmatch(w); m != nil {
			if m[1] == "g++" {
				return "c++", 0
			}
			return "cc", 0
		}
		return w, 0
	})
}

// clangOnly says whether a flag is one gcc rejects ("unrecognized
// command-line option") that python-build-standalone's builds carry: thin
// LTO, clang's profile-guided optimisation (whose profile is a file of the
// build machine anyway), clang's inliner and debug-info knobs. -isysroot
// (macOS) names the build machine's SDK and goes with its argument.
func clangOnly(w string) (drop bool, withNext bool) {
	if strings.ContainsAny(w, `"'`) || strings.Contains(w, "$(") {
		return false, false // a quoted Makefile expression: not a plain flag
	}
	switch {
	case w == "-flto=thin",
		strings.HasPrefix(w, "-fprofile-instr-use"),
		strings.HasPrefix(w, "-fprofile-instr-generate"),
		strings.HasPrefix(w, "-finline-max-stacksize="),
		strings.HasPrefix(w, "-fdebug-default-version="):
		return true, false
	case w == "-isysroot":
		return true, true
	}
	return false, false
}

func dropClangOnlyFlags(v string) string {
	skip := 0
	return editWords(v, func(_ int, w string) (string, int) {
		if skip > 0 {
			skip--
			return "", -1
		}
		drop, next := clangOnly(w)
		if !drop {
			return w, 0
		}
		if next {
			skip = 1
		}
		return "", -1
	})
}

// isSpace is the white space that separates words in build variables.
func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// editWords calls edit with each white-space separated word of v (and its
// index) and puts back what it returns; a negative second result drops the
// word with the white space before it (after it, for the first word). The
// white space between the words that stay is kept as it was.
func editWords(v string, edit func(i int, w string) (string, int)) string {
	type tok struct {
		text  string
		space bool
		drop  bool
	}
	var toks []tok
	for i := 0; i < len(v); {
		j := i
		space := isSpace(v[i])
		for j < len(v) && isSpace(v[j]) == space {
			j++
		}
		toks = append(toks, tok{text: v[i:j], space: space})
		i = j
	}
	n, changed := 0, false
	for k := range toks {
		if toks[k].space {
			continue
		}
		w, act := edit(n, toks[k].text)
		n++
		if act < 0 {
			toks[k].drop, changed = true, true
			switch {
			case k > 0 && toks[k-1].space && !toks[k-1].drop:
				toks[k-1].drop = true
			case k+1 < len(toks) && toks[k+1].space:
				toks[k+1].drop = true
			}
			continue
		}
		if w != toks[k].text {
			toks[k].text, changed = w, true
		}
	}
	if !changed {
		return v
	}
	var b strings.Builder
	for _, t := range toks {
		if !t.drop {
			b.WriteString(t.text)
		}
	}
	return b.String()
}

// replacePrefix replaces the build prefix where a path starts: at the start
// of v or of a word, or after -I or -L at the start of a word, when it is
// the whole path or followed by '/'. Where prefix itself already stands, it
// is passed over whole, so a second run changes nothing even when prefix
// contains white space or /install.
func replacePrefix(v, prefix string) string {
	if !strings.Contains(v, BuildPrefix) || prefix == BuildPrefix || prefix == "" {
		return v
	}
	var b strings.Builder
	changed := false
	for i := 0; i < len(v); {
		if i > 0 && !isSpace(v[i-1]) {
			b.WriteByte(v[i])
			i++
			continue
		}
		j := i
		if strings.HasPrefix(v[j:], "-I") || strings.HasPrefix(v[j:], "-L") {
			j += 2
		}
		switch {
		case pathAt(v, j, prefix):
			b.WriteString(v[i : j+len(prefix)])
			i = j + len(prefix)
		case pathAt(v, j, BuildPrefix):
			b.WriteString(v[i:j])
			b.WriteString(prefix)
			i = j + len(BuildPrefix)
			changed = true
		default:
			b.WriteByte(v[i])
			i++
		}
	}
	if !changed {
		return v
	}
	return b.String()
}

// pathAt says whether v holds the path p at i, as the whole path or the
// start of a longer one.
func pathAt(v string, i int, p string) bool {
	if !strings.HasPrefix(v[i:], p) {
		return false
	}
	end := i + len(p)
	return end == len(v) || v[end] == '/' || isSpace(v[end])
}
