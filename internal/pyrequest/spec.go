package pyrequest

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode"

	"github.com/pyget/pyget/internal/catalog"
)

// versionReq is the version part of a request, as uv's VersionRequest: a
// plain version (3, 3.12, 3.12.4, 3.13rc1, 3.14.5rc1) or a specifier set.
type versionReq struct {
	kind int // verAny, verPlain or verSpecs

	// verPlain: n release numbers given (1..3), and a pre-release, which
	// makes the version exact (3.13rc1 is 3.13.0rc1).
	major, minor, patch int
	n                   int
	pre                 catalog.PreKind // PreFinal: none
	preN                uint64

	specs *[]specifier // verSpecs; a pointer keeps Request comparable
}

const (
	verAny = iota
	verPlain
	verSpecs
)

// matches is uv's VersionRequest::matches_major_minor_patch_prerelease.
func (q versionReq) matches(c *pep440) bool {
	switch q.kind {
	case verPlain:
		rel := func(i int) uint64 { return c.release[i] }
		switch {
		case rel(0) != uint64(q.major):
			return false
		case q.n == 1:
			return true
		case rel(1) != uint64(q.minor):
			return false
		case q.pre != catalog.PreFinal:
			// 3.13rc1 is 3.13.0rc1; 3.14.5rc1 names its patch.
			return rel(2) == uint64(q.patch) && c.pre == q.pre && c.preN == q.preN
		case q.n == 2:
			return true // 3.15 matches 3.15.0rc1 too; Select prefers finals
		}
		// An exact version is a final release: 3.13.0 is not 3.13.0rc1.
		return rel(2) == uint64(q.patch) && c.pre == catalog.PreFinal
	case verSpecs:
		for i := range *q.specs {
			if !(*q.specs)[i].contains(c) {
				return false
			}
		}
	}
	return true
}

// namesPrerelease reports whether the version opts in to pre-releases, so
// that Select does not prefer final releases: a plain pre-release, or a
// specifier naming a pre-release or development release. Unlike uv, a !=
// specifier does not opt in: excluding a pre-release is no wish for one.
func (q versionReq) namesPrerelease() bool {
	switch q.kind {
	case verPlain:
		return q.pre != catalog.PreFinal
	case verSpecs:
		for _, s := range *q.specs {
			if s.op != opNotEqual && s.op != opNotEqualStar && s.v.anyPre() {
				return true
			}
		}
	}
	return false
}

// exact reports a version that names one release: major.minor.patch, or a
// pre-release.
func (q versionReq) exact() bool {
	return q.kind == verPlain && (q.n == 3 || q.pre != catalog.PreFinal)
}

func (q versionReq) version() catalog.Version {
	pre, n := q.pre, int(q.preN)
	if q.preN > math.MaxInt32 {
		n = math.MaxInt32
	}
	return catalog.Version{Major: q.major, Minor: q.minor, Patch: q.patch, Pre: pre, PreN: n}
}

type operator int

const (
	opEqual operator = iota
	opEqualStar
	opExactEqual
	opNotEqual
	opNotEqualStar
	opCompatible
	opLess
	opLessEqual
	opGreater
	opGreaterEqual
)

var operators = map[string]operator{
	"==": opEqual, "===": opExactEqual, "!=": opNotEqual, "~=": opCompatible,
	"<": opLess, "<=": opLessEqual, ">": opGreater, ">=": opGreaterEqual,
}

type specifier struct {
	op operator
	v  pep440
}

// parseSpecifiers parses a comma-separated PEP 440 specifier set, as uv's
// VersionSpecifiers does.
func parseSpecifiers(s string) ([]specifier, string) {
	var specs []specifier
	clauses := strings.Split(s, ",")
	for i, clause := range clauses {
		spec, why := parseSpecifier(clause)
		if why != "" {
			if body, variant := splitVariant(strings.TrimSpace(clause)); variant != "" || body != strings.TrimSpace(clause) {
				if _, vwhy := parseSpecifier(body); vwhy == "" && i < len(clauses)-1 {
					return nil, fmt.Sprintf("unexpected variant suffix in %q: a variant suffix goes at the very end", strings.TrimSpace(clause))
				}
			}
			return nil, why
		}
		specs = append(specs, spec)
	}
	return specs, ""
}

func parseSpecifier(clause string) (specifier, string) {
	text := strings.TrimLeft(clause, " \t\n\r\f\v")
	end := strings.IndexFunc(text, func(r rune) bool { return !strings.ContainsRune("=!~<>", r) })
	if end < 0 {
		end = len(text)
	}
	opText := text[:end]
	if opText == "" {
		if strings.TrimSpace(clause) == "" {
			return specifier{}, "empty specifier in a comma-separated set"
		}
		return specifier{}, fmt.Sprintf("specifier %q has no operator (==, !=, <, <=, >, >=, ~=, ===)", strings.TrimSpace(clause))
	}
	op, ok := operators[opText]
	if !ok {
		return specifier{}, fmt.Sprintf("unknown operator %q", opText)
	}
	rest := strings.TrimLeft(text[end:], " \t\n\r\f\v")
	vEnd := strings.IndexAny(rest, " \t\n\r\f\v")
	if vEnd < 0 {
		vEnd = len(rest)
	}
	vText := rest[:vEnd]
	if vText == "" {
		return specifier{}, fmt.Sprintf("missing version after %q", opText)
	}
	if trailing := strings.TrimSpace(rest[vEnd:]); trailing != "" {
		return specifier{}, fmt.Sprintf("unexpected %q after %q", trailing, opText+vText)
	}
	v, wildcard, why := parsePEP440(vText, true)
	if why != "" {
		return specifier{}, fmt.Sprintf("invalid version %q in %q: %s", vText, strings.TrimSpace(clause), why)
	}
	if wildcard {
		switch op {
		case opEqual:
			op = opEqualStar
		case opNotEqual:
			op = opNotEqualStar
		default:
			return specifier{}, fmt.Sprintf("%q: a wildcard (.*) is only allowed after == or !=", strings.TrimSpace(clause))
		}
	}
	if len(v.local) > 0 && op != opEqual && op != opNotEqual && op != opExactEqual {
		return specifier{}, fmt.Sprintf("%q: a local version (+...) is only allowed after ==, != or ===", strings.TrimSpace(clause))
	}
	if op == opCompatible && len(v.release) < 2 {
		return specifier{}, fmt.Sprintf("%q needs at least major.minor", strings.TrimSpace(clause))
	}
	return specifier{op: op, v: v}, ""
}

// contains is PEP 440's test, as uv's VersionSpecifier::contains.
func (s *specifier) contains(c *pep440) bool {
	this := &s.v
	if len(this.local) == 0 && len(c.local) > 0 {
		stripped := *c
		stripped.local = nil
		c = &stripped
	}
	switch s.op {
	case opEqual:
		return comparePEP440(c, this) == 0
	case opNotEqual:
		return comparePEP440(c, this) != 0
	case opEqualStar:
		return this.epoch == c.epoch && releasePrefix(this.release, c.release)
	case opNotEqualStar:
		return this.epoch != c.epoch || !releasePrefix(this.release, c.release)
	case opExactEqual:
		return this.String() == c.String()
	case opCompatible:
		if this.epoch != c.epoch {
			return false
		}
		prefix := this.release[:len(this.release)-1]
		for i := range min(len(prefix), len(c.release)) {
			if prefix[i] != c.release[i] {
				return false
			}
		}
		return comparePEP440(c, this) >= 0
	case opGreater:
		if c.epoch > this.epoch {
			return true
		}
		if compareRelease(this.release, c.release) == 0 {
			// >3.1 admits neither 3.1.post1 nor 3.1+local.
			if !this.hasPost && c.hasPost || len(c.local) > 0 {
				return false
			}
		}
		return comparePEP440(c, this) > 0
	case opGreaterEqual:
		return comparePEP440(c, this) >= 0
	case opLess:
		if c.epoch < this.epoch {
			return true
		}
		// <3.13 admits no pre-release of 3.13 itself (unless it names
		// one): nothing at or above 3.13.dev0.
		if !this.anyPre() && c.anyPre() {
			floor := *this
			floor.dev, floor.hasDev = 0, true
			if comparePEP440(c, &floor) >= 0 {
				return false
			}
		}
		return comparePEP440(c, this) < 0
	case opLessEqual:
		return comparePEP440(c, this) <= 0
	}
	return false
}

// releasePrefix reports whether the release of c, padded with zeros,
// starts with prefix (==3.12.* and !=3.12.*).
func releasePrefix(prefix, c []uint64) bool {
	for i, n := range prefix {
		var x uint64
		if i < len(c) {
			x = c[i]
		}
		if n != x {
			return false
		}
	}
	return true
}

// parseVersionReq is uv's VersionRequest::from_str: a variant suffix is
// split off after the last digit, then the rest is read as a version
// (major, major.minor, major.minor.patch, each with an optional
// pre-release; "312" is 3.12) or else as a specifier set.
func parseVersionReq(s string) (q versionReq, variant string, why string) {
	if isLetters(s) {
		return q, "", fmt.Sprintf("%q is not a version", s)
	}
	body, variant := splitVariant(s)
	if v, _, vwhy := parsePEP440(body, false); vwhy == "" {
		q, why = plainVersion(v, body)
		return q, variant, why
	} else if !strings.ContainsAny(body, "=!~<>,") {
		if head, suffix, ok := unknownVariant(body); ok {
			if _, _, hwhy := parsePEP440(head, false); hwhy == "" {
				return q, "", fmt.Sprintf("unknown variant suffix %q in %q; %s", suffix, s, acceptedVariant)
			}
		}
		return q, "", fmt.Sprintf("invalid version %q: %s", s, vwhy)
	}
	specs, why := parseSpecifiers(body)
	if why != "" {
		if head, suffix, ok := unknownVariant(body); ok {
			if _, hwhy := parseSpecifiers(head); hwhy == "" {
				return q, "", fmt.Sprintf("unknown variant suffix %q in %q; %s", suffix, s, acceptedVariant)
			}
		}
		return q, "", why
	}
	// uv reads a lone == specifier without a wildcard as the plain
	// version: ==3.12 is 3.12, the newest 3.12.x, not 3.12.0.
	if len(specs) == 1 && specs[0].op == opEqual {
		text := specs[0].v.String()
		if v, _, vwhy := parsePEP440(text, false); vwhy == "" {
			if plain, pwhy := plainVersion(v, text); pwhy == "" {
				return plain, variant, ""
			}
		}
	}
	return versionReq{kind: verSpecs, specs: &specs}, variant, ""
}

// isLetters reports a string of letters only (uv's test for what cannot be
// a version at all).
func isLetters(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) {
			return false
		}
	}
	return true
}

// splitVariant splits the variant suffix off what follows the last digit
// ("t", "+freethreaded", "d", "+gil+debug", ...), as uv does. When what
// follows is no variant, the whole string is returned for the version
// parser to judge.
func splitVariant(s string) (body, variant string) {
	last := strings.LastIndexAny(s, "0123456789")
	if last < 0 || last == len(s)-1 {
		return s, ""
	}
	suffix := strings.TrimPrefix(s[last+1:], "+")
	v, ok := variants[suffix]
	if !ok {
		return s, ""
	}
	return s[:last+1], v
}

// unknownVariant splits what follows the last digit off s when it looks
// like a variant suffix (letters and "+") that splitVariant did not know.
func unknownVariant(s string) (head, suffix string, ok bool) {
	last := strings.LastIndexAny(s, "0123456789")
	if last < 0 || last == len(s)-1 {
		return s, "", false
	}
	head, suffix = s[:last+1], s[last+1:]
	for _, r := range suffix {
		if !(r >= 'a' && r <= 'z' || r == '+') {
			return s, "", false
		}
	}
	return head, suffix, true
}

// variants maps uv's variant spellings to the catalog's variant. +gil names
// the default build (uv compares it with the catalog's "default" and finds
// nothing; see the README).
var variants = map[string]string{
	"":                   "",
	"t":                  "freethreaded",
	"freethreaded":       "freethreaded",
	"d":                  "debug",
	"debug":              "debug",
	"td":                 "freethreaded+debug",
	"freethreaded+debug": "freethreaded+debug",
	"gil":                "",
	"gil+debug":          "debug",
}

// plainVersion turns a parsed version into a plain version request, under
// uv's rules: "312" is 3.12, no post, dev or local part, numbers up to 255,
// at most major.minor.patch, a pre-release needs a minor version. The epoch
// is ignored, as uv does.
func plainVersion(v pep440, text string) (versionReq, string) {
	bad := func(reason string) (versionReq, string) {
		return versionReq{}, fmt.Sprintf("invalid version %q: %s", text, reason)
	}
	release := v.release
	if len(release) == 1 {
		// The wheel-tag form: the first digit is the major version.
		digits := strconv.FormatUint(release[0], 10)
		if minor, err := strconv.ParseUint(digits[1:], 10, 32); len(digits) > 1 && err == nil {
			release = []uint64{uint64(digits[0] - '0'), minor}
		}
	}
	switch {
	case v.hasPost:
		return bad("post-releases are not Python versions")
	case v.hasDev:
		return bad("development releases are not Python versions")
	case len(v.local) > 0:
		return bad("local version labels are not allowed")
	case len(release) > 3:
		return bad("more than major.minor.patch")
	}
	for _, n := range release {
		if n > math.MaxUint8 {
			return bad(fmt.Sprintf("%d is out of range (0-255)", n))
		}
	}
	q := versionReq{kind: verPlain, n: len(release), pre: v.pre, preN: v.preN}
	q.major = int(release[0])
	if len(release) > 1 {
		q.minor = int(release[1])
	}
	if len(release) > 2 {
		q.patch = int(release[2])
	}
	if q.pre != catalog.PreFinal && q.n < 2 {
		return bad("a pre-release needs at least major.minor")
	}
	return q, ""
}
