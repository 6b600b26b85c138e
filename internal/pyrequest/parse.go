package pyrequest

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

// anyPart marks a key part written as "any".
const anyPart = "*"

const (
	acceptedAll = `accepted: a version (3, 3.12, 3.12.3, 312, 3.13rc1), ` +
		`a specifier set (>=3.11,<3.13, ==3.12.*, ~=3.12.1), ` +
		`an implementation with an optional version (cpython, pypy@3.10, cp312), ` +
		`a variant suffix (3.13t, 3.13d, 3.13td, 3.13+freethreaded, 3.13+debug, 3.13+gil), ` +
		`a download key (cpython-3.12.4-linux-x86_64-gnu, partial or with "any" parts), "any" or "default"`
	acceptedVersion = `accepted: 3, 3.12, 3.12.3, 312, 3.13rc1, 3.13.0a1, 3.13.0b2, ` +
		`or specifiers such as >=3.11,<3.13, ==3.12.*, ~=3.12.1, !=3.12.1`
	acceptedVariant = `accepted variant suffixes: t, d, td, +freethreaded, +debug, +gil, +freethreaded+debug`
	acceptedKey     = `a download key is <implementation>-<version>-<os>-<arch>-<libc> in that order, ` +
		`parts may be left out or be "any", e.g. cpython-3.12.4-linux-x86_64-gnu`
)

// implementations maps every accepted spelling to the catalog's name. The
// order of implPrefixes matters: long names must be tried before the short
// ones they start with ("cpython" before "cp").
var implementations = map[string]string{
	"cpython": "cpython", "cp": "cpython",
	"pypy": "pypy", "pp": "pypy",
	"graalpy": "graalpy", "gp": "graalpy",
}

var implPrefixes = []string{"cpython", "graalpy", "pypy", "cp", "gp", "pp"}

// parse does the work of Parse on the trimmed, lower-cased request.
func parse(l string) (Request, string) {
	switch l {
	case "":
		return Request{}, "empty request; " + acceptedAll
	case "any", "default":
		return Request{isDefault: true}, ""
	}
	if name, ok := implementations[l]; ok {
		return Request{impl: name, isDefault: name == "cpython"}, ""
	}
	if strings.Contains(l, "-") {
		return parseKey(l)
	}
	if l[0] >= 'a' && l[0] <= 'z' {
		return parseImplVersion(l)
	}
	var r Request
	var why string
	r.ver, r.variant, why = parseVersionReq(l)
	return r, why
}

// parseImplVersion handles cpython@3.12, cpython3.12, cp312, pp310, ...
func parseImplVersion(l string) (Request, string) {
	for _, prefix := range implPrefixes {
		rest, ok := strings.CutPrefix(l, prefix)
		if !ok {
			continue
		}
		rest, _ = strings.CutPrefix(rest, "@")
		if rest == "" {
			return Request{}, "missing version after " + strconv.Quote(l) + "; " + acceptedVersion
		}
		if rest[0] >= 'a' && rest[0] <= 'z' {
			break // "cpythonx", "cpfoo": not an implementation prefix
		}
		r := Request{impl: implementations[prefix]}
		var why string
		r.ver, r.variant, why = parseVersionReq(rest)
		return r, why
	}
	return Request{}, "unknown implementation or version; " + acceptedAll
}

// parseKey parses a full or partial download key. Parts keep the key's
// order, so each part is assigned to the first remaining slot it fits.
func parseKey(l string) (Request, string) {
	const (
		slotImpl = iota
		slotVersion
		slotOS
		slotArch
		slotLibc
		nSlots
	)
	slotNames := [nSlots]string{"implementation", "version", "os", "arch", "libc"}
	parts := strings.Split(l, "-")
	if len(parts) > nSlots {
		return Request{}, fmt.Sprintf("too many parts (%d); %s", len(parts), acceptedKey)
	}
	var r Request
	var named [nSlots]bool
	fits := func(slot int, part string) (bool, string) {
		switch slot {
		case slotImpl:
			name, ok := implementations[part]
			if ok {
				r.impl = name
			}
			return ok, ""
		case slotVersion:
			if c := part[0]; !(c >= '0' && c <= '9') && !strings.ContainsRune("<>=!~", rune(c)) {
				return false, ""
			}
			var why string
			r.ver, r.variant, why = parseVersionReq(part)
			return why == "", why
		case slotOS:
			name, ok := platform.OSName(part)
			if ok {
				r.os = name
			}
			return ok, ""
		case slotArch:
			family, level, err := platform.ParseArch(part)
			if err == nil {
				r.arch, r.level = family, level
			}
			return err == nil, ""
		default:
			ok := platform.IsLibc(part)
			if ok {
				r.libc = part
			}
			return ok, ""
		}
	}
	next := 0
	for _, part := range parts {
		if part == "" {
			return Request{}, "empty part; " + acceptedKey
		}
		if next == nSlots {
			return Request{}, fmt.Sprintf("unexpected %q after the libc part; %s", part, acceptedKey)
		}
		if part == "any" {
			switch next {
			case slotImpl:
				r.impl = anyPart
			case slotOS:
				r.os = anyPart
			case slotArch:
				r.arch = anyPart
			case slotLibc:
				r.libc = anyPart
			}
			named[next] = true
			next++
			continue
		}
		found := -1
		for slot := next; slot < nSlots; slot++ {
			ok, why := fits(slot, part)
			if why != "" {
				return Request{}, fmt.Sprintf("version part %q: %s", part, why)
			}
			if ok {
				found = slot
				break
			}
		}
		if found < 0 {
			for slot := range next {
				// Probe earlier slots only to explain the failure; r is
				// discarded.
				if ok, _ := fits(slot, part); ok {
					return Request{}, fmt.Sprintf("%s %q is out of order; %s", slotNames[slot], part, acceptedKey)
				}
			}
			return Request{}, fmt.Sprintf("%q is not an implementation, version, os, arch or libc; %s", part, acceptedKey)
		}
		named[found] = true
		next = found + 1
	}
	full := r.impl != anyPart && r.os != anyPart && r.arch != anyPart && r.libc != anyPart &&
		r.ver.kind == verPlain && r.ver.n == 3
	for _, n := range named {
		full = full && n
	}
	if full {
		r.key = r.entryNamed().CanonicalKey()
	}
	return r, ""
}

// entryNamed is the build a full key names, less what a key does not say
// (URL, digest, build tag).
func (r *Request) entryNamed() catalog.Entry {
	v := r.ver.v
	return catalog.Entry{
		Name: r.impl, Major: v.Major, Minor: v.Minor, Patch: v.Patch, Prerelease: v.prerelease(),
		Variant: r.variant, OS: r.os, Arch: catalog.Arch{Family: r.arch, Variant: r.level}, Libc: r.libc,
	}
}

// parseVersionReq parses a version request with an optional variant
// suffix: a plain version, or a specifier set whose suffix ends it.
func parseVersionReq(s string) (q versionReq, variant string, why string) {
	if strings.ContainsAny(s, ",<>=!~") {
		return parseSpecs(s)
	}
	v, n, _, rest, why := scanVersion(s, false, true) // no wildcard outside == and !=
	if why != "" {
		return q, "", why
	}
	variant, why = parseVariant(rest)
	if why != "" {
		return q, "", why
	}
	if v.isPre() {
		n = 3 // 3.13rc1 is 3.13.0rc1, an exact version
	}
	return versionReq{kind: verPlain, v: v, n: n}, variant, ""
}

var operators = []string{"===", "~=", "==", "!=", "<=", ">=", "<", ">"}

func parseSpecs(s string) (q versionReq, variant string, why string) {
	clauses := strings.Split(s, ",")
	for _, clause := range clauses {
		if strings.TrimSpace(clause) == "" {
			return q, "", "empty specifier in a comma-separated set; " + acceptedVersion
		}
	}
	specs := make([]specifier, 0, len(clauses))
	for i, clause := range clauses {
		clause = strings.TrimSpace(clause)
		op := ""
		for _, o := range operators {
			if strings.HasPrefix(clause, o) {
				op = o
				break
			}
		}
		switch op {
		case "":
			return q, "", fmt.Sprintf("specifier %q has no operator (==, !=, <, <=, >, >=, ~=); %s", clause, acceptedVersion)
		case "===":
			return q, "", "arbitrary equality (===) is not supported; " + acceptedVersion
		}
		text := strings.TrimSpace(clause[len(op):])
		if text == "" {
			return q, "", fmt.Sprintf("missing version after %q; %s", op, acceptedVersion)
		}
		v, n, wildcard, rest, why := scanVersion(text, op == "==" || op == "!=", false)
		if why != "" {
			return q, "", why
		}
		if rest != "" {
			if i != len(clauses)-1 {
				return q, "", fmt.Sprintf("unexpected %q in %q (a variant suffix goes at the very end); %s", rest, clause, acceptedVersion)
			}
			if variant, why = parseVariant(rest); why != "" {
				return q, "", why
			}
		}
		if op == "~=" && n < 2 {
			return q, "", fmt.Sprintf("%q needs at least major.minor; %s", clause, acceptedVersion)
		}
		specs = append(specs, specifier{op: op, v: v, n: n, wildcard: wildcard})
	}
	return versionReq{kind: verSpecs, specs: &specs}, variant, ""
}

// scanVersion reads a version from the start of s: up to three release
// components, optionally ".*" (when allowed) or a pre-release (a1, b2, rc1),
// and returns what follows it. compact allows "312" for 3.12.
func scanVersion(s string, allowWildcard, compact bool) (v version, n int, wildcard bool, rest string, why string) {
	bad := func(reason string) (version, int, bool, string, string) {
		return version{}, 0, false, "", fmt.Sprintf("invalid version %q: %s; %s", s, reason, acceptedVersion)
	}
	var comps [3]int
	i := 0
	for {
		start := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		digits := s[start:i]
		if digits == "" {
			return bad("expected a number")
		}
		if n == 3 {
			return bad("more than major.minor.patch")
		}
		if len(digits) > 9 {
			return bad("number too large")
		}
		if compact && n == 0 && len(digits) >= 2 && (i == len(s) || s[i] != '.') {
			// uv's "312": the first digit is the major version.
			comps[0], _ = strconv.Atoi(digits[:1])
			comps[1], _ = strconv.Atoi(digits[1:])
			n = 2
			break
		}
		comps[n], _ = strconv.Atoi(digits)
		n++
		if i == len(s) || s[i] != '.' {
			break
		}
		i++ // the dot
		if i < len(s) && s[i] == '*' {
			if !allowWildcard {
				return bad("a wildcard is only allowed after == or !=")
			}
			wildcard = true
			i++
			break
		}
	}
	v = version{Major: comps[0], Minor: comps[1], Patch: comps[2], Pre: catalog.PreFinal}
	if !wildcard {
		var kind catalog.PreKind
		var tag string
		switch {
		case strings.HasPrefix(s[i:], "rc"):
			kind, tag = catalog.PreRC, "rc"
		case strings.HasPrefix(s[i:], "a"):
			kind, tag = catalog.PreAlpha, "a"
		case strings.HasPrefix(s[i:], "b"):
			kind, tag = catalog.PreBeta, "b"
		}
		if kind != catalog.PreUnknown {
			i += len(tag)
			start := i
			for i < len(s) && s[i] >= '0' && s[i] <= '9' {
				i++
			}
			if start == i || i-start > 9 {
				return bad("expected a number after " + strconv.Quote(tag))
			}
			if n < 2 {
				return bad("a pre-release needs at least major.minor")
			}
			v.Pre = kind
			v.PreN, _ = strconv.Atoi(s[start:i])
		}
	}
	return v, n, wildcard, s[i:], ""
}

// parseVariant interprets what follows a version: "", t, d, td or
// +name(+name) with names freethreaded, debug and gil.
func parseVariant(s string) (variant string, why string) {
	switch s {
	case "":
		return "", ""
	case "t":
		return "freethreaded", ""
	case "d":
		return "debug", ""
	case "td":
		return "freethreaded+debug", ""
	}
	names, ok := strings.CutPrefix(s, "+")
	if !ok {
		return "", fmt.Sprintf("unknown variant suffix %q; %s", s, acceptedVariant)
	}
	// +gil names the default build; it only matters for contradictions.
	var ft, debug, gil bool
	for _, name := range strings.Split(names, "+") {
		var flag *bool
		switch name {
		case "freethreaded":
			flag = &ft
		case "debug":
			flag = &debug
		case "gil":
			flag = &gil
		default:
			return "", fmt.Sprintf("unknown variant %q; %s", "+"+name, acceptedVariant)
		}
		if *flag {
			return "", fmt.Sprintf("variant %q given twice; %s", "+"+name, acceptedVariant)
		}
		*flag = true
	}
	switch {
	case ft && gil:
		return "", "+freethreaded and +gil contradict each other; " + acceptedVariant
	case ft && debug:
		return "freethreaded+debug", ""
	case ft:
		return "freethreaded", ""
	case debug:
		return "debug", ""
	}
	return "", ""
}
