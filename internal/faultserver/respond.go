package faultserver

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// request is what the server needs from either protocol's request.
type request struct {
	method, path                   string
	rangeHdr, ifRange, ifNoneMatch string
	conn                           string // the client's address: one per TCP connection
}

type header struct{ name, value string }

type response struct {
	status int
	header []header
	body   []byte
}

// htmlBody mimics the captive-portal or proxy error page a downloader must
// refuse to save as an archive.
const htmlBody = "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n" +
	"<body><h1>Bad Gateway</h1><p>An error occurred while fetching the file.</p></body></html>\n"

// wire is one protocol's way of putting a response, or a fault, on the
// connection. Every method applies to the current request only.
type wire interface {
	header(status int, h []header, end bool) error
	// body writes p; sent is called with the byte count just before each
	// piece goes out (and with a negative correction if it did not).
	body(p []byte, end bool, sent func(int)) error
	refuse()
	reset()
	goAway()
	closeConn()
	stall(d time.Duration)
	// armFreeze makes the write that completes n body bytes (the header
	// when n is 0) freeze the connection in the same step, so that nothing
	// the peer sends once it has seen those bytes is answered; freeze then
	// waits.
	armFreeze(n int)
	freeze(d time.Duration)
}

func midBody(k Kind) bool {
	switch k {
	case ResetMidBody, GoAwayMidBody, CloseMidBody, StallMidBody, FreezeMidBody:
		return true
	}
	return false
}

// serve answers one request through w; it reports whether the connection
// may carry another request.
func (s *state) serve(w wire, r *request) bool {
	f, l := s.begin(r)
	defer s.finish(l)
	if f.Kind == RefuseStream {
		w.refuse()
		return false
	}
	if d := time.Duration(s.firstByte.Load()); d > 0 && !s.wait(d) {
		return false
	}
	resp := s.plan(r, f)
	body := resp.body
	if r.method == http.MethodHead {
		body = nil
	}
	mid := midBody(f.Kind)
	cut := len(body)
	if mid && f.At < int64(cut) {
		cut = int(max(f.At, 0))
	}
	if f.Kind == FreezeMidBody {
		w.armFreeze(cut)
	}
	s.setStatus(l, resp.status, headerOf(resp.header, "ETag"))
	if err := w.header(resp.status, resp.header, len(body) == 0 && !mid); err != nil {
		return false
	}
	sent := func(n int) { s.addSent(l, int64(n)) }
	pace := f.Pace
	if pace <= 0 {
		pace = s.pace.Load()
	}
	shared := s.sharedPace.Load()
	began := time.Now()
	for off := 0; off < cut; {
		n := min(chunkSize, cut-off)
		if pace > 0 {
			// Smaller pieces keep a paced response smooth rather than
			// bursting a whole chunk at once.
			n = min(n, int(max(pace/20, 1)))
		}
		if shared > 0 {
			n = min(n, int(max(shared/20, 1)))
			if !s.waitShared(n, shared) {
				return false
			}
		}
		last := !mid && off+n == len(body)
		if err := w.body(body[off:off+n], last, sent); err != nil {
			return false
		}
		off += n
		if pace > 0 && !s.waitPace(began, int64(off), pace) {
			return false
		}
	}
	switch f.Kind {
	case ResetMidBody:
		w.reset()
	case GoAwayMidBody:
		w.goAway()
	case CloseMidBody:
		w.closeConn()
	case StallMidBody:
		w.stall(f.Stall)
	case FreezeMidBody:
		w.freeze(f.Stall)
	default:
		return true
	}
	return false
}

// wait sleeps for d; false when the server is closing.
func (s *state) wait(d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

// waitShared takes n bytes' turn on the line that all responses share at
// pace bytes per second: it sleeps until the line is free of the chunks
// before; false when the server is closing.
func (s *state) waitShared(n int, pace int64) bool {
	s.sharedMu.Lock()
	now := time.Now()
	start := s.sharedNext
	if start.Before(now) {
		start = now
	}
	s.sharedNext = start.Add(time.Duration(float64(n) / float64(pace) * float64(time.Second)))
	s.sharedMu.Unlock()
	d := time.Until(start)
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

// waitPace sleeps until sent bytes are due at pace bytes per second since
// began; false when the server is closing.
func (s *state) waitPace(began time.Time, sent, pace int64) bool {
	due := began.Add(time.Duration(float64(sent) / float64(pace) * float64(time.Second)))
	d := time.Until(due)
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-s.done:
		return false
	}
}

// plan builds the response for r under fault f (mid-body faults are applied
// by serve, RefuseStream never gets here).
func (s *state) plan(r *request, f Fault) response {
	switch f.Kind {
	case HTMLPage:
		return response{status: http.StatusOK, body: []byte(htmlBody), header: []header{
			{"Content-Type", "text/html; charset=utf-8"},
			{"Content-Length", strconv.Itoa(len(htmlBody))},
		}}
	case HTMLOctet:
		// A proxy that labels its error page as the download it replaces.
		return response{status: http.StatusOK, body: []byte(htmlBody), header: []header{
			{"Content-Type", "application/octet-stream"},
			{"Content-Length", strconv.Itoa(len(htmlBody))},
		}}
	case HTMLPartial:
		return s.htmlPartial(r)
	case Status:
		code := f.Code
		if code == 0 {
			code = http.StatusServiceUnavailable
		}
		body := fmt.Sprintf("faultserver: %d %s\n", code, http.StatusText(code))
		h := []header{
			{"Content-Type", "text/plain; charset=utf-8"},
			{"Content-Length", strconv.Itoa(len(body))},
		}
		if f.RetryAfter != "" {
			h = append(h, header{"Retry-After", f.RetryAfter})
		}
		return response{status: code, header: h, body: []byte(body)}
	}

	s.mu.Lock()
	fl := s.files[r.path]
	var data []byte
	var etag, lastMod string
	if fl != nil {
		if f.Kind == ChangeETag {
			fl.gen++
		}
		data, etag, lastMod = fl.data, fl.etag(), fl.lastModified()
	}
	s.mu.Unlock()

	if fl == nil {
		const nf = "faultserver: not found\n"
		return response{status: http.StatusNotFound, body: []byte(nf), header: []header{
			{"Content-Type", "text/plain; charset=utf-8"},
			{"Content-Length", strconv.Itoa(len(nf))},
		}}
	}
	if r.method != http.MethodGet && r.method != http.MethodHead {
		return response{status: http.StatusMethodNotAllowed, header: []header{
			{"Allow", "GET, HEAD"}, {"Content-Length", "0"},
		}}
	}
	validators := []header{{"ETag", etag}, {"Last-Modified", lastMod}, {"Accept-Ranges", "bytes"}}
	if r.ifNoneMatch != "" && etagListMatches(r.ifNoneMatch, etag) {
		return response{status: http.StatusNotModified, header: validators}
	}

	size := int64(len(data))
	start, end := int64(0), size
	status := http.StatusOK
	var contentRange string
	rangeApplies := r.rangeHdr != "" && f.Kind != IgnoreRange &&
		(r.ifRange == "" || r.ifRange == etag || r.ifRange == lastMod)
	if rangeApplies {
		a, b, ok, unsat := parseRange(r.rangeHdr, size)
		switch {
		case unsat:
			h := append([]header{
				{"Content-Range", fmt.Sprintf("bytes */%d", size)},
				{"Content-Length", "0"},
			}, validators...)
			return response{status: http.StatusRequestedRangeNotSatisfiable, header: h}
		case ok:
			start, end, status = a, b, http.StatusPartialContent
			contentRange = fmt.Sprintf("bytes %d-%d/%d", a, b-1, size)
		}
	}
	if f.Kind == WrongRange && size > 1 {
		// The asked length from the wrong offset, with a Content-Range
		// and Content-Length that agree with the body: only the range's
		// start tells the client these are not the bytes it asked for.
		from := min(max(f.At, 0), size-1)
		if from == start {
			from = (start + 1) % size
		}
		start, end, status = from, min(from+end-start, size), http.StatusPartialContent
		contentRange = fmt.Sprintf("bytes %d-%d/%d", start, end-1, size)
	}
	body := data[start:end]
	if f.Kind == FlipByte && f.At >= start && f.At < end {
		body = append([]byte(nil), body...)
		body[f.At-start] ^= 0xff
	}
	h := []header{
		{"Content-Type", "application/octet-stream"},
		{"Content-Length", strconv.FormatInt(end-start, 10)},
	}
	if contentRange != "" {
		h = append(h, header{"Content-Range", contentRange})
	}
	h = append(h, validators...)
	return response{status: status, header: h, body: body}
}

// htmlPartial is a 206 whose Content-Range is exactly what r asked for
// (from byte 0 without a Range), consistent with its Content-Length and the
// file's size, but whose body is an HTML error page: only the Content-Type
// tells it from the archive.
func (s *state) htmlPartial(r *request) response {
	s.mu.Lock()
	size := int64(-1)
	if fl := s.files[r.path]; fl != nil {
		size = int64(len(fl.data))
	}
	s.mu.Unlock()
	start := int64(0)
	if size > 0 && r.rangeHdr != "" {
		if a, _, ok, _ := parseRange(r.rangeHdr, size); ok {
			start = a
		}
	}
	n := int64(len(htmlBody))
	total := "*"
	if size > 0 {
		n = min(n, size-start)
		total = strconv.FormatInt(size, 10)
	}
	return response{status: http.StatusPartialContent, body: []byte(htmlBody[:n]), header: []header{
		{"Content-Type", "text/html; charset=utf-8"},
		{"Content-Length", strconv.FormatInt(n, 10)},
		{"Content-Range", fmt.Sprintf("bytes %d-%d/%s", start, start+n-1, total)},
	}}
}

func headerOf(h []header, name string) string {
	for _, f := range h {
		if strings.EqualFold(f.name, name) {
			return f.value
		}
	}
	return ""
}

// parseRange parses a single byte range into [start, end). ok is false when
// the header should be ignored (malformed or several ranges, which RFC 9110
// lets a server answer with the whole file); unsat when no byte is in range.
func parseRange(v string, size int64) (start, end int64, ok, unsat bool) {
	unit, spec, found := strings.Cut(v, "=")
	if !found || !strings.EqualFold(strings.TrimSpace(unit), "bytes") || strings.Contains(spec, ",") {
		return 0, 0, false, false
	}
	first, last, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, false
	}
	if first == "" { // suffix: the last N bytes
		n, err := strconv.ParseInt(last, 10, 64)
		if err != nil || n < 0 {
			return 0, 0, false, false
		}
		if n == 0 || size == 0 {
			return 0, 0, false, true
		}
		return max(size-n, 0), size, true, false
	}
	a, err := strconv.ParseInt(first, 10, 64)
	if err != nil || a < 0 {
		return 0, 0, false, false
	}
	b := size - 1
	if last != "" {
		b, err = strconv.ParseInt(last, 10, 64)
		if err != nil || b < a {
			return 0, 0, false, false
		}
		b = min(b, size-1)
	}
	if a >= size {
		return 0, 0, false, true
	}
	return a, b + 1, true, false
}

// etagListMatches is If-None-Match's weak comparison against a list.
func etagListMatches(list, etag string) bool {
	for _, t := range strings.Split(list, ",") {
		t = strings.TrimSpace(t)
		if t == "*" || strings.TrimPrefix(t, "W/") == etag {
			return true
		}
	}
	return false
}
