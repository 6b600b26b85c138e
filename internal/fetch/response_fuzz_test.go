package fetch

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// contentRangeSyntax is RFC 9110's Content-Range for bytes, digits only:
// "bytes FIRST-LAST/SIZE", "bytes FIRST-LAST/*", "bytes */SIZE". It is the
// reference FuzzParseContentRange holds parseContentRange to.
var contentRangeSyntax = regexp.MustCompile(`^bytes (?:([0-9]+)-([0-9]+)|\*)/([0-9]+|\*)$`)

// strictContentRange parses v by contentRangeSyntax; ok is false for what
// the RFC does not allow, including an unsatisfiable range and numbers past
// int64.
func strictContentRange(v string) (first, last, size int64, ok bool) {
	m := contentRangeSyntax.FindStringSubmatch(strings.TrimSpace(v))
	if m == nil {
		return 0, 0, 0, false
	}
	num := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil
	}
	size = -1
	if m[3] != "*" {
		if size, ok = num(m[3]); !ok {
			return 0, 0, 0, false
		}
	}
	if m[1] == "" {
		return -1, -1, size, size >= 0 || m[3] == "*"
	}
	if first, ok = num(m[1]); !ok {
		return 0, 0, 0, false
	}
	if last, ok = num(m[2]); !ok || last < first || (size >= 0 && last >= size) {
		return 0, 0, 0, false
	}
	return first, last, size, true
}

var contentRangeSeeds = []string{
	"bytes 400-999/1000", "bytes 400-999/*", "bytes 0-999/1000", "bytes 400-1199/1200", "bytes 400-",
	"", "bytes */1000", "bytes */0", "bytes */*", "bytes 0-0/1", " bytes 5-9/10 ", "bytes 9-5/10",
	"bytes 0-9/5", "bytes -1-9/10", "bytes +0-9/10", "bytes 0-+9/10", "bytes 0-9/+10", "bytes 0-9/-1",
	"items 0-9/10", "bytes 0-9223372036854775807/*", "bytes 0-9223372036854775808/*", "BYTES 0-9/10",
	"bytes  0-9/10", "bytes 0 -9/10", "bytes 0-9/10/11", "bytes 0-9",
}

// FuzzParseContentRange holds parseContentRange to the RFC's syntax: it
// accepts exactly what strictContentRange accepts, with the same numbers.
func FuzzParseContentRange(f *testing.F) {
	for _, s := range contentRangeSeeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		first, last, size, err := parseContentRange(v)
		wf, wl, ws, ok := strictContentRange(v)
		if (err == nil) != ok {
			t.Fatalf("parseContentRange(%q) = %d-%d/%d, %v; the RFC's syntax says ok=%v", v, first, last, size, err, ok)
		}
		if ok && (first != wf || last != wl || size != ws) {
			t.Fatalf("parseContentRange(%q) = %d-%d/%d, want %d-%d/%d", v, first, last, size, wf, wl, ws)
		}
	})
}

// FuzzJudge checks that judge, on any response to a request from any
// offset, never takes bytes that do not continue the partial: a 206 is
// appended only when its range starts at the offset, agrees with the
// length announced and the total known, and fits in its size; a 200 is
// appended only from byte zero (else it restarts the file); "complete"
// only when a 416 says the file is exactly the offset long; and a text/html
// body is never taken.
func FuzzJudge(f *testing.F) {
	type seed struct {
		status                  int
		cl                      int64
		cr, ct                  string
		offset, total, expected int64
	}
	for _, s := range []seed{
		{200, 1000, "", "application/octet-stream", 0, -1, 0},
		{200, 1000, "", "", 400, 1000, 0},
		{200, 512, "", "", 400, 1000, 1000},
		{200, 1000, "", "Text/HTML; charset=utf-8", 400, 1000, 0},
		{206, 600, "bytes 400-999/1000", "", 400, 1000, 0},
		{206, 600, "bytes 400-999/1000", "", 400, -1, 0},
		{206, 600, "bytes 400-999/*", "", 400, 1000, 0},
		{206, -1, "bytes 400-999/1000", "", 400, 1000, 0},
		{206, 1000, "bytes 0-999/1000", "", 400, 1000, 0},
		{206, 800, "bytes 400-1199/1200", "", 400, 1000, 0},
		{206, 600, "bytes 400-999/1000", "text/html", 400, 1000, 0},
		{416, 0, "bytes */1000", "", 1000, -1, 0},
		{416, 0, "bytes */1000", "", 400, 1000, 0},
		{416, 0, "bytes */0", "", 0, -1, 0},
		{404, 9, "", "", 0, -1, 0},
		{503, 0, "", "", 400, 1000, 0},
	} {
		f.Add(s.status, s.cl, s.cr, s.ct, s.offset, s.total, s.expected)
	}
	f.Fuzz(func(t *testing.T, status int, cl int64, cr, ct string, offset, total, expected int64) {
		// What the caller can pass: an offset within the partial, a total
		// unknown (-1) or not below the offset, an expected size unknown
		// (0) or the total.
		if offset < 0 || total < -1 || (total >= 0 && total < offset) || expected < 0 || cl < -1 {
			return
		}
		r := response{Status: status, ContentLength: cl, ContentRange: cr, ContentType: ct, ETag: `"e"`, LastModified: "lm"}
		d := judge(r, offset, total, expected)
		explain := func(why string) {
			t.Helper()
			t.Fatalf("%s: judge(%+v, offset %d, total %d, expected %d) = %+v", why, r, offset, total, expected, d)
		}
		taken := d.act == appendBody || d.act == restartBody || d.act == complete
		if taken && isHTML(ct) {
			explain("an HTML page was taken")
		}
		switch d.act {
		case appendBody:
			switch status {
			case 200:
				if offset != 0 {
					explain("a whole file was appended to a partial")
				}
			case 206:
				first, last, size, ok := strictContentRange(cr)
				switch {
				case !ok:
					explain("a 206 with a malformed Content-Range was appended")
				case first != offset:
					explain("a 206 from another byte than the offset was appended")
				case cl >= 0 && cl != last-first+1:
					explain("a 206 whose length disagrees with its range was appended")
				case size >= 0 && total >= 0 && size != total:
					explain("a 206 of a file of another size was appended")
				case size >= 0 && d.total != size, size < 0 && d.total != total:
					explain("the total after a 206 is not the one it gave or the one known")
				}
			default:
				explain("a body was appended for a status other than 200 and 206")
			}
		case restartBody:
			if status != 200 || offset == 0 {
				explain("restart other than for a 200 to a resumed request")
			}
		case complete:
			_, _, size, ok := strictContentRange(cr)
			if status != 416 || !ok || offset == 0 || size != offset || (total >= 0 && total != size) || d.total != offset {
				explain("complete without a 416 saying the file is exactly the offset long")
			}
		}
		if (d.act == appendBody || d.act == restartBody) && status == 200 {
			if expected > 0 && cl >= 0 && cl != expected {
				explain("a 200 of another size than expected was taken")
			}
		}
	})
}

// TestContentRangeDigitsOnly: a sign is no part of a Content-Range number
// (found by FuzzParseContentRange; strconv.ParseInt takes "+0"), so such a
// range is refused, and a 206 carrying one is not appended.
func TestContentRangeDigitsOnly(t *testing.T) {
	for _, v := range []string{"bytes +400-999/1000", "bytes 400-+999/1000", "bytes 400-999/+1000", "bytes */+1000"} {
		if first, last, size, err := parseContentRange(v); err == nil {
			t.Errorf("parseContentRange(%q) = %d-%d/%d, want an error", v, first, last, size)
		}
	}
	r := response{Status: 206, ContentLength: 600, ContentRange: "bytes +400-999/1000"}
	if d := judge(r, 400, 1000, 0); d.act != badRange {
		t.Errorf("judge of a 206 with a signed range = %+v, want badRange", d)
	}
	if first, last, size, err := parseContentRange("bytes 400-999/1000"); err != nil || first != 400 || last != 999 || size != 1000 {
		t.Errorf("parseContentRange of a plain range = %d-%d/%d, %v", first, last, size, err)
	}
}
