package pyfix

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// pyToken is one token of a Python source file, as far as a sysconfig data
// module needs: string literals (decoded when they are plain), single
// punctuation characters, and runs of other characters.
type pyToken struct {
	start, end int
	kind       byte // 's' string, 'p' punctuation, 'w' other
	// For strings: the literal's prefix letters (lower case), quote
	// character, body (between the quotes) and decoded value; ok is false
	// for what is not rewritten (bytes, triple quotes, an escape this
	// decoder does not know).
	prefix string
	quote  byte
	body   string
	value  string
	ok     bool
}

// tokenizePython splits src into tokens; comments and white space are
// skipped. It errs on an unterminated string.
func tokenizePython(src string) ([]pyToken, error) {
	var toks []pyToken
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c == '#':
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case isSpace(c) || c == '\\':
			i++
		case c == '\'' || c == '"' || isIdent(c):
			j := i
			for j < len(src) && isIdent(src[j]) {
				j++
			}
			if j < len(src) && (src[j] == '\'' || src[j] == '"') && isStringPrefix(src[i:j]) {
				t, err := scanString(src, i, j)
				if err != nil {
					return nil, err
				}
				toks = append(toks, t)
				i = t.end
				continue
			}
			toks = append(toks, pyToken{start: i, end: j, kind: 'w'})
			i = j
		default:
			toks = append(toks, pyToken{start: i, end: i + 1, kind: 'p'})
			i++
		}
	}
	return toks, nil
}

func isIdent(c byte) bool {
	return c == '_' || c == '.' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= 0x80
}

func isStringPrefix(p string) bool {
	switch strings.ToLower(p) {
	case "", "r", "u", "f", "b", "rb", "br", "fr", "rf":
		return true
	}
	return false
}

// scanString reads the string literal whose prefix starts at i and whose
// quote is at q.
func scanString(src string, i, q int) (pyToken, error) {
	t := pyToken{start: i, kind: 's', prefix: strings.ToLower(src[i:q]), quote: src[q]}
	quote := string(src[q])
	if strings.HasPrefix(src[q:], quote+quote+quote) {
		end := strings.Index(src[q+3:], quote+quote+quote)
		if end < 0 {
			return t, fmt.Errorf("unterminated string at byte %d", i)
		}
		t.end = q + 3 + end + 3
		return t, nil // triple-quoted: never rewritten
	}
	j := q + 1
	for ; j < len(src); j++ {
		if src[j] == '\\' {
			j++
			continue
		}
		if src[j] == '\n' {
			return t, fmt.Errorf("unterminated string at byte %d", i)
		}
		if src[j] == t.quote {
			break
		}
	}
	if j >= len(src) {
		return t, fmt.Errorf("unterminated string at byte %d", i)
	}
	t.end = j + 1
	t.body = src[q+1 : j]
	switch {
	case strings.Contains(t.prefix, "b"):
	case strings.Contains(t.prefix, "f"):
		// An f-string (python-build-standalone's relocatable sysconfig:
		// f'{installed_base}/lib'): its body is kept as written, and only
		// edited where it has no escapes.
		t.value, t.ok = t.body, !strings.Contains(t.body, `\`)
	case strings.Contains(t.prefix, "r"):
		t.value, t.ok = t.body, true
	default:
		t.value, t.ok = unescapePython(t.body)
	}
	return t, nil
}

// unescapePython decodes the escapes of a plain string literal. The
// surrogates that surrogateescape makes of undecodable path bytes
// (\udc80-\udcff) become those bytes again.
func unescapePython(body string) (string, bool) {
	if !strings.Contains(body, `\`) {
		return body, true
	}
	var b strings.Builder
	for i := 0; i < len(body); i++ {
		c := body[i]
		if c != '\\' {
			b.WriteByte(c)
			continue
		}
		i++
		if i >= len(body) {
			return "", false
		}
		switch e := body[i]; e {
		case '\\', '\'', '"':
			b.WriteByte(e)
		case '\n':
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'a':
			b.WriteByte('\a')
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'v':
			b.WriteByte('\v')
		case 'x', 'u', 'U':
			n := map[byte]int{'x': 2, 'u': 4, 'U': 8}[e]
			if i+1+n > len(body) {
				return "", false
			}
			r, err := strconv.ParseUint(body[i+1:i+1+n], 16, 32)
			if err != nil {
				return "", false
			}
			i += n
			if !writeCodePoint(&b, rune(r)) {
				return "", false
			}
		default:
			if e >= '0' && e <= '7' {
				j := i
				for j < len(body) && j < i+3 && body[j] >= '0' && body[j] <= '7' {
					j++
				}
				r, _ := strconv.ParseUint(body[i:j], 8, 32)
				i = j - 1
				if !writeCodePoint(&b, rune(r)) {
					return "", false
				}
				continue
			}
			return "", false // an unknown escape: left as it is
		}
	}
	return b.String(), true
}

// writeCodePoint writes r as UTF-8, or as the byte a surrogateescape
// surrogate stands for; other surrogates are refused.
func writeCodePoint(b *strings.Builder, r rune) bool {
	switch {
	case r >= 0xdc80 && r <= 0xdcff:
		b.WriteByte(byte(r - 0xdc00))
	case r >= 0xd800 && r <= 0xdfff, r > utf8.MaxRune:
		return false
	default:
		b.WriteRune(r)
	}
	return true
}

// quotePython writes v as a plain Python string literal in quote, the way
// repr() does: backslash, the quote and control characters escaped, other
// characters as UTF-8, bytes that are not UTF-8 as surrogateescape's
// \udcXX (how Python decodes such a path).
func quotePython(v string, quote byte) string {
	var b strings.Builder
	b.WriteByte(quote)
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\udc%02x`, v[i])
		case r == '\\' || r == rune(quote):
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteString(v[i : i+size])
		}
		i += size
	}
	b.WriteByte(quote)
	return b.String()
}

// edit is a replacement of src[start:end].
type edit struct {
	start, end int
	text       string
}

func applyEdits(src string, edits []edit) string {
	if len(edits) == 0 {
		return src
	}
	var b strings.Builder
	last := 0
	for _, e := range edits {
		b.WriteString(src[last:e.start])
		b.WriteString(e.text)
		last = e.end
	}
	b.WriteString(src[last:])
	return b.String()
}

// fixSysconfigData rewrites the values of a _sysconfigdata module: every
// "KEY": value pair whose value is one string literal, or several that
// Python joins (pprint wraps long ones so, inside parentheses). A value
// that changes is written back as one literal in the quote it had; the rest
// of the file is left byte for byte. It returns the keys it changed.
func fixSysconfigData(src, prefix string) (string, []string, error) {
	toks, err := tokenizePython(src)
	if err != nil {
		return "", nil, err
	}
	var edits []edit
	var changed []string
	for i := 0; i+2 < len(toks); i++ {
		key := toks[i]
		if key.kind != 's' || !key.ok || strings.Contains(key.prefix, "f") || toks[i+1].kind != 'p' || src[toks[i+1].start] != ':' {
			continue
		}
		j := i + 2
		if toks[j].kind == 'p' && src[toks[j].start] == '(' {
			j++
		}
		first := j
		for j < len(toks) && toks[j].kind == 's' {
			j++
		}
		if j == first {
			continue
		}
		values := toks[first:j]
		i = j - 1
		if text, ok := fixLiterals(key.value, values, prefix); ok {
			edits = append(edits, edit{values[0].start, values[len(values)-1].end, text})
			changed = append(changed, key.value)
		}
	}
	return applyEdits(src, edits), changed, nil
}

// fixLiterals fixes the value the literals make together; ok is false when
// it does not change (or cannot be decoded).
func fixLiterals(key string, lits []pyToken, prefix string) (string, bool) {
	if len(lits) == 1 && strings.Contains(lits[0].prefix, "f") {
		t := lits[0]
		if !t.ok {
			return "", false
		}
		// Its paths are computed when Python runs: only the compiler and
		// the flags can be wrong.
		v := fixValue(key, t.value, BuildPrefix)
		if v == t.value || strings.ContainsAny(v, "{}\\\n"+string(t.quote)) {
			return "", false
		}
		return t.prefix + string(t.quote) + v + string(t.quote), true
	}
	var joined strings.Builder
	for _, t := range lits {
		if !t.ok || strings.Contains(t.prefix, "f") {
			return "", false
		}
		joined.WriteString(t.value)
	}
	old := joined.String()
	v := fixValue(key, old, prefix)
	if v == old {
		return "", false
	}
	return quotePython(v, lits[0].quote), true
}
