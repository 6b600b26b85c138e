package pyrequest

import (
	"cmp"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
)

// pep440 is a version as PEP 440 reads it, spelled as uv's version parser
// accepts it: "v3.12", "3.13.0-rc.1", "3.13c1" (rc1), "3.13rc" (rc0),
// "1!3.12", "3.12.post1", "3.12.dev0", "3.12+local". Catalog versions are
// the subset epoch 0, three release numbers, an optional pre-release.
type pep440 struct {
	epoch   uint64
	release []uint64
	pre     catalog.PreKind // PreFinal when there is no pre-release
	preN    uint64
	post    uint64
	hasPost bool
	dev     uint64
	hasDev  bool
	local   []localSegment
}

// localSegment is one dot-separated part of a local version label; a
// number when it is all digits.
type localSegment struct {
	isNum bool
	num   uint64
	str   string
}

// anyPre reports a pre-release or a development release: what makes a
// specifier opt in to pre-releases.
func (v *pep440) anyPre() bool { return v.pre != catalog.PreFinal || v.hasDev }

// String spells v normalized, as uv's Version displays it.
func (v *pep440) String() string {
	var b strings.Builder
	if v.epoch != 0 {
		b.WriteString(strconv.FormatUint(v.epoch, 10) + "!")
	}
	for i, n := range v.release {
		if i > 0 {
			b.WriteByte('.')
		}
		b.WriteString(strconv.FormatUint(n, 10))
	}
	if v.pre != catalog.PreFinal {
		b.WriteString(preSpelling(v.pre) + strconv.FormatUint(v.preN, 10))
	}
	if v.hasPost {
		b.WriteString(".post" + strconv.FormatUint(v.post, 10))
	}
	if v.hasDev {
		b.WriteString(".dev" + strconv.FormatUint(v.dev, 10))
	}
	for i, s := range v.local {
		if i == 0 {
			b.WriteByte('+')
		} else {
			b.WriteByte('.')
		}
		if s.isNum {
			b.WriteString(strconv.FormatUint(s.num, 10))
		} else {
			b.WriteString(s.str)
		}
	}
	return b.String()
}

func preSpelling(k catalog.PreKind) string {
	switch k {
	case catalog.PreAlpha:
		return "a"
	case catalog.PreBeta:
		return "b"
	case catalog.PreRC:
		return "rc"
	}
	return "?"
}

// entryVersion is a catalog entry's version in PEP 440 form.
func entryVersion(e *catalog.Entry) pep440 {
	pv := e.ParsedVersion()
	return pep440{
		release: []uint64{uint64(pv.Major), uint64(pv.Minor), uint64(pv.Patch)},
		pre:     pv.Pre,
		preN:    uint64(pv.PreN),
	}
}

// compareRelease compares release numbers, the shorter padded with zeros.
func compareRelease(a, b []uint64) int {
	for i := range max(len(a), len(b)) {
		var x, y uint64
		if i < len(a) {
			x = a[i]
		}
		if i < len(b) {
			y = b[i]
		}
		if c := cmp.Compare(x, y); c != 0 {
			return c
		}
	}
	return 0
}

// comparePEP440 orders versions as PEP 440 (and uv) does: epoch, release,
// then dev < a < b < rc < final < post, then the local label.
func comparePEP440(a, b *pep440) int {
	if c := cmp.Compare(a.epoch, b.epoch); c != 0 {
		return c
	}
	if c := compareRelease(a.release, b.release); c != 0 {
		return c
	}
	ka, kb := a.suffixKey(), b.suffixKey()
	if c := cmp.Compare(ka.class, kb.class); c != 0 {
		return c
	}
	if c := cmp.Compare(ka.n, kb.n); c != 0 {
		return c
	}
	if c := cmp.Compare(boolInt(ka.hasPost), boolInt(kb.hasPost)); c != 0 {
		return c
	}
	if c := cmp.Compare(ka.post, kb.post); c != 0 {
		return c
	}
	if c := cmp.Compare(ka.dev, kb.dev); c != 0 {
		return c
	}
	return slices.CompareFunc(a.local, b.local, compareLocal)
}

type suffixKey struct {
	class   int
	n       uint64
	hasPost bool
	post    uint64
	dev     uint64
}

// suffixKey is uv's sortable tuple for what follows the release.
func (v *pep440) suffixKey() suffixKey {
	dev := uint64(math.MaxUint64) // no dev release sorts after every dev release
	if v.hasDev {
		dev = v.dev
	}
	switch {
	case v.pre == catalog.PreFinal && !v.hasPost && v.hasDev:
		return suffixKey{class: 0, dev: v.dev} // 3.12.dev0: before 3.12a1
	case v.pre != catalog.PreFinal:
		// An unrecognised catalog tag (PreUnknown) ranks below alpha.
		return suffixKey{class: 1 + int(v.pre), n: v.preN, hasPost: v.hasPost, post: v.post, dev: dev}
	case !v.hasPost:
		return suffixKey{class: 10}
	}
	return suffixKey{class: 11, hasPost: true, post: v.post, dev: dev}
}

func compareLocal(a, b localSegment) int {
	switch {
	case a.isNum && b.isNum:
		return cmp.Compare(a.num, b.num)
	case a.isNum:
		return 1
	case b.isNum:
		return -1
	}
	return strings.Compare(a.str, b.str)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// versionParser reads a version the way uv's does (PEP 440's normalization
// rules): surrounding whitespace, an optional "v", an epoch, release
// numbers, optionally ".*" (a pattern), then pre, post, dev and local parts
// with their alternative spellings and separators.
type versionParser struct {
	s string
	i int
}

// parsePEP440 parses s as a version, or with allowWildcard as a pattern
// that may end in ".*".
func parsePEP440(s string, allowWildcard bool) (v pep440, wildcard bool, why string) {
	p := versionParser{s: s}
	v.pre = catalog.PreFinal
	p.skipSpace()
	p.bump("v")
	first, ok, why := p.number()
	if why != "" {
		return v, false, why
	}
	if !ok {
		return v, false, "expected a number"
	}
	if p.bump("!") {
		v.epoch = first
		if first, ok, why = p.number(); why != "" {
			return v, false, why
		} else if !ok {
			return v, false, `expected a number after "!"`
		}
	}
	v.release = append(v.release, first)
	for p.bump(".") {
		n, ok, why := p.number()
		if why != "" {
			return v, false, why
		}
		if !ok {
			p.i--
			break
		}
		v.release = append(v.release, n)
	}
	if p.bump(".*") {
		switch {
		case !allowWildcard:
			return v, false, "a wildcard (.*) is only allowed after == or !="
		case p.i != len(p.s):
			return v, false, "a wildcard (.*) must end the version"
		}
		return v, true, ""
	}
	if why := p.pre(&v); why != "" {
		return v, false, why
	}
	if why := p.post(&v); why != "" {
		return v, false, why
	}
	if why := p.dev(&v); why != "" {
		return v, false, why
	}
	if why := p.local(&v); why != "" {
		return v, false, why
	}
	p.skipSpace()
	if p.i != len(p.s) {
		return v, false, "unexpected " + strconv.Quote(p.s[p.i:])
	}
	return v, false, ""
}

func (p *versionParser) skipSpace() {
	for p.i < len(p.s) && isSpace(p.s[p.i]) {
		p.i++
	}
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func (p *versionParser) bump(prefix string) bool {
	if strings.HasPrefix(p.s[p.i:], prefix) {
		p.i += len(prefix)
		return true
	}
	return false
}

func (p *versionParser) bumpSeparator() bool {
	if p.i < len(p.s) && (p.s[p.i] == '.' || p.s[p.i] == '_' || p.s[p.i] == '-') {
		p.i++
		return true
	}
	return false
}

// number reads decimal digits; ok is false when there are none. Like uv it
// refuses numbers that do not fit an unsigned 64-bit integer (and its
// maximum, which uv reserves).
func (p *versionParser) number() (n uint64, ok bool, why string) {
	start := p.i
	for p.i < len(p.s) && p.s[p.i] >= '0' && p.s[p.i] <= '9' {
		p.i++
	}
	if start == p.i {
		return 0, false, ""
	}
	n, err := strconv.ParseUint(p.s[start:p.i], 10, 64)
	if err != nil || n == math.MaxUint64 {
		return 0, false, "number " + p.s[start:p.i] + " is too large"
	}
	return n, true, ""
}

// The spellings of pre-releases, longest first where one starts another.
var preSpellings = []struct {
	s    string
	kind catalog.PreKind
}{
	{"alpha", catalog.PreAlpha}, {"beta", catalog.PreBeta}, {"preview", catalog.PreRC},
	{"pre", catalog.PreRC}, {"rc", catalog.PreRC}, {"a", catalog.PreAlpha},
	{"b", catalog.PreBeta}, {"c", catalog.PreRC},
}

func (p *versionParser) pre(v *pep440) string {
	old := p.i
	p.bumpSeparator()
	for _, sp := range preSpellings {
		if p.bump(sp.s) {
			p.bumpSeparator()
			n, _, why := p.number() // no number: 0
			v.pre, v.preN = sp.kind, n
			return why
		}
	}
	p.i = old
	return ""
}

func (p *versionParser) post(v *pep440) string {
	old := p.i
	if p.bump("-") {
		n, ok, why := p.number()
		if why != "" {
			return why
		}
		if ok {
			v.post, v.hasPost = n, true
			return ""
		}
		p.i = old
	}
	p.bumpSeparator()
	for _, sp := range []string{"post", "rev", "r"} {
		if p.bump(sp) {
			p.bumpSeparator()
			n, _, why := p.number()
			v.post, v.hasPost = n, true
			return why
		}
	}
	p.i = old
	return ""
}

func (p *versionParser) dev(v *pep440) string {
	old := p.i
	p.bumpSeparator()
	if !p.bump("dev") {
		p.i = old
		return ""
	}
	p.bumpSeparator()
	n, _, why := p.number()
	v.dev, v.hasDev = n, true
	return why
}

func (p *versionParser) local(v *pep440) string {
	if !p.bump("+") {
		return ""
	}
	for {
		start := p.i
		for p.i < len(p.s) && isAlnum(p.s[p.i]) {
			p.i++
		}
		part := p.s[start:p.i]
		if part == "" {
			return "empty local version label"
		}
		if n, err := strconv.ParseUint(part, 10, 64); err == nil {
			v.local = append(v.local, localSegment{isNum: true, num: n})
		} else {
			v.local = append(v.local, localSegment{str: part})
		}
		if !p.bumpSeparator() {
			return ""
		}
	}
}

func isAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
