package pyfix

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// fixJSON rewrites the string values of a JSON document in place
// (_sysconfig_vars_*.json, build-details.json): a value is fixed as the
// variable its nearest key names (a value in an array, as its array's key).
// Everything else is left byte for byte. It returns the keys it changed.
func fixJSON(src, prefix string) (string, []string, error) {
	var edits []edit
	var changed []string
	var keys []string // the key of each open container
	key := ""
	for i := 0; i < len(src); i++ {
		switch src[i] {
		case '{', '[':
			keys = append(keys, key)
		case '}', ']':
			if len(keys) > 0 {
				key = keys[len(keys)-1]
				keys = keys[:len(keys)-1]
			}
		case '"':
			end, err := jsonStringEnd(src, i)
			if err != nil {
				return "", nil, err
			}
			value, ok := unescapeJSON(src[i+1 : end-1])
			k := end
			for k < len(src) && isSpace(src[k]) {
				k++
			}
			if k < len(src) && src[k] == ':' {
				key = value
			} else if ok {
				if v := fixValue(key, value, prefix); v != value {
					edits = append(edits, edit{i, end, quoteJSON(v)})
					changed = append(changed, key)
				}
			}
			i = end - 1
		}
	}
	return applyEdits(src, edits), changed, nil
}

// jsonStringEnd is the index just past the string literal opening at i.
func jsonStringEnd(src string, i int) (int, error) {
	for j := i + 1; j < len(src); j++ {
		switch src[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, fmt.Errorf("unterminated JSON string at byte %d", i)
}

// unescapeJSON decodes a JSON string's body; surrogateescape's \udc80-\udcff
// (how Python's json writes a path's undecodable bytes) become the bytes.
func unescapeJSON(body string) (string, bool) {
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
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			if i+5 > len(body) {
				return "", false
			}
			r, err := strconv.ParseUint(body[i+1:i+5], 16, 32)
			if err != nil {
				return "", false
			}
			i += 4
			if r >= 0xd800 && r < 0xdc00 && i+7 <= len(body) && strings.HasPrefix(body[i+1:], `\u`) {
				if lo, err := strconv.ParseUint(body[i+3:i+7], 16, 32); err == nil {
					if p := utf16.DecodeRune(rune(r), rune(lo)); p != utf8.RuneError {
						b.WriteRune(p)
						i += 6
						continue
					}
				}
			}
			if !writeCodePoint(&b, rune(r)) {
				return "", false
			}
		default:
			return "", false
		}
	}
	return b.String(), true
}

// quoteJSON writes v as json.dumps does by default (ASCII only): undecodable
// bytes as surrogateescape's \udcXX.
func quoteJSON(v string) string {
	var b strings.Builder
	b.WriteByte('"')
	for i := 0; i < len(v); {
		r, size := utf8.DecodeRuneInString(v[i:])
		switch {
		case r == utf8.RuneError && size <= 1:
			fmt.Fprintf(&b, `\udc%02x`, v[i])
		case r == '"' || r == '\\':
			b.WriteByte('\\')
			b.WriteByte(byte(r))
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r >= 0x7f:
			if r > 0xffff {
				hi, lo := utf16.EncodeRune(r)
				fmt.Fprintf(&b, `\u%04x\u%04x`, hi, lo)
			} else {
				fmt.Fprintf(&b, `\u%04x`, r)
			}
		default:
			b.WriteByte(byte(r))
		}
		i += size
	}
	b.WriteByte('"')
	return b.String()
}
