package fetch

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// response is what judge reads of an HTTP response to a transfer's request.
type response struct {
	Status        int
	ContentLength int64 // -1 when not announced
	ContentRange  string
	ContentType   string
	ETag          string
	LastModified  string
}

func responseOf(r *http.Response) response {
	return response{
		Status:        r.StatusCode,
		ContentLength: r.ContentLength,
		ContentRange:  r.Header.Get("Content-Range"),
		ContentType:   r.Header.Get("Content-Type"),
		ETag:          r.Header.Get("ETag"),
		LastModified:  r.Header.Get("Last-Modified"),
	}
}

// action is what to do with a response.
type action int

const (
	// appendBody: the body continues the partial at the offset asked.
	appendBody action = iota
	// restartBody: the body is the whole file from byte zero, in answer to
	// a resumed request (the server ignored Range, or If-Range found the
	// file changed): discard the partial and take the body.
	restartBody
	// complete: the partial already holds the whole file (a 416 whose size
	// is the offset asked, after a crash between the last byte and the
	// rename).
	complete
	// notArchive: the body is not the archive (an error page); the partial
	// is kept and the attempt fails with a *NotArchiveError.
	notArchive
	// badRange: the answer does not continue the partial; the partial is
	// discarded and the attempt fails with a *rangeError.
	badRange
	// badStatus: any other status; the attempt fails with an
	// *HTTPStatusError.
	badStatus
)

// decision is judge's answer.
type decision struct {
	act   action
	total int64     // the whole file's size, -1 unknown (appendBody, restartBody, complete)
	val   validator // the validator the body's bytes come with, URL unset (appendBody, restartBody)
	why   string    // notArchive's reason, badRange's detail
}

// judge decides what a response to a request from byte offset means, given
// the file's total size as known so far (-1 unknown) and the size the
// target expects (0 unknown). It is pure: the caller acts on its answer.
func judge(r response, offset, total, expected int64) decision {
	val := validator{ETag: r.ETag, LastModified: r.LastModified}
	switch r.Status {
	case http.StatusOK:
		// Judged before a 200 on a resumed request discards the partial:
		// an error page must not cost the bytes already here.
		if isHTML(r.ContentType) {
			return decision{act: notArchive, why: "text/html page"}
		}
		if r.ContentLength >= 0 && expected > 0 && r.ContentLength != expected {
			return decision{act: notArchive, why: fmt.Sprintf("%d bytes, want %d", r.ContentLength, expected)}
		}
		d := decision{act: appendBody, total: sizeOrUnknown(expected), val: val}
		if r.ContentLength >= 0 {
			d.total = r.ContentLength
		}
		if offset > 0 {
			d.act = restartBody
		}
		return d
	case http.StatusPartialContent:
		first, last, size, err := parseContentRange(r.ContentRange)
		if err != nil || first != offset ||
			(size >= 0 && total >= 0 && size != total) ||
			(r.ContentLength >= 0 && r.ContentLength != last-first+1) {
			return decision{act: badRange, why: fmt.Sprintf("Content-Range %q for a request from byte %d", r.ContentRange, offset)}
		}
		// After the range: a page claiming to continue the file must not
		// cost the partial, but a range that does not fit discards it.
		if isHTML(r.ContentType) {
			return decision{act: notArchive, why: "text/html page"}
		}
		d := decision{act: appendBody, total: total, val: val}
		if size >= 0 {
			d.total = size
		}
		return d
	case http.StatusRequestedRangeNotSatisfiable:
		if _, _, size, err := parseContentRange(r.ContentRange); err == nil && offset > 0 && size == offset &&
			(total < 0 || total == size) {
			return decision{act: complete, total: size}
		}
		return decision{act: badRange, why: fmt.Sprintf("416 for a request from byte %d (Content-Range %q)", offset, r.ContentRange)}
	}
	return decision{act: badStatus}
}

func sizeOrUnknown(n int64) int64 {
	if n > 0 {
		return n
	}
	return -1
}

func isHTML(ct string) bool {
	return strings.HasPrefix(strings.ToLower(strings.TrimSpace(ct)), "text/html")
}

// validator is what a resumed request sends as If-Range, and the URL whose
// response gave it: a validator means nothing to another mirror.
type validator struct {
	URL, ETag, LastModified string
}

// ifRange is the If-Range value for a request to u: the strong ETag, else
// Last-Modified; "" when the validator came from another URL (the digest at
// the end guards a resume across mirrors).
func (v validator) ifRange(u string) string {
	if v.URL != u {
		return ""
	}
	if v.ETag != "" && !strings.HasPrefix(v.ETag, "W/") {
		return v.ETag
	}
	return v.LastModified
}

// parseContentRange parses "bytes FIRST-LAST/SIZE" and "bytes */SIZE";
// SIZE "*" gives -1.
func parseContentRange(v string) (first, last, size int64, err error) {
	bad := fmt.Errorf("malformed Content-Range %q", v)
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !ok {
		return 0, 0, 0, bad
	}
	rng, sz, ok := strings.Cut(rest, "/")
	if !ok {
		return 0, 0, 0, bad
	}
	size = -1
	if sz != "*" {
		if size, err = parseDecimal(sz); err != nil {
			return 0, 0, 0, bad
		}
	}
	if rng == "*" {
		return -1, -1, size, nil
	}
	a, b, ok := strings.Cut(rng, "-")
	if !ok {
		return 0, 0, 0, bad
	}
	if first, err = parseDecimal(a); err != nil {
		return 0, 0, 0, bad
	}
	if last, err = parseDecimal(b); err != nil || last < first || (size >= 0 && last >= size) {
		return 0, 0, 0, bad
	}
	return first, last, size, nil
}

// parseDecimal reads a Content-Range number: digits only, as RFC 9110
// spells them (strconv alone would take a sign: "+0", "-0").
func parseDecimal(s string) (int64, error) {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.ParseInt(s, 10, 64)
}
