package faultserver

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// serveH1 speaks HTTP/1.1 on c by hand, rather than through net/http, so
// that every fault lands exactly: nothing is buffered or added behind our
// back. raw is the TCP connection under c (c itself for plain http).
func (s *state) serveH1(c, raw net.Conn) {
	br := bufio.NewReader(c)
	for {
		req, err := http.ReadRequest(br)
		if err != nil {
			return
		}
		// A GET has no body; anything else is drained so the next request
		// parses, within reason.
		io.Copy(io.Discard, io.LimitReader(req.Body, 1<<20))
		req.Body.Close()
		r := &request{
			method:      req.Method,
			path:        req.URL.Path,
			rangeHdr:    req.Header.Get("Range"),
			ifRange:     req.Header.Get("If-Range"),
			ifNoneMatch: req.Header.Get("If-None-Match"),
			conn:        raw.RemoteAddr().String(),
		}
		w := &h1wire{c: c, raw: raw, closing: req.Close}
		if !s.serve(w, r) || req.Close {
			return
		}
	}
}

type h1wire struct {
	c, raw  net.Conn
	closing bool // the client asked for Connection: close
}

func (w *h1wire) header(status int, h []header, _ bool) error {
	text := http.StatusText(status)
	if text == "" {
		text = "Status"
	}
	b := make([]byte, 0, 512)
	b = append(b, "HTTP/1.1 "...)
	b = strconv.AppendInt(b, int64(status), 10)
	b = append(b, ' ')
	b = append(b, text...)
	b = append(b, "\r\n"...)
	for _, f := range h {
		b = append(b, f.name...)
		b = append(b, ": "...)
		b = append(b, f.value...)
		b = append(b, "\r\n"...)
	}
	if w.closing {
		b = append(b, "Connection: close\r\n"...)
	}
	b = append(b, "\r\n"...)
	_, err := w.c.Write(b)
	return err
}

func (w *h1wire) body(p []byte, _ bool, sent func(int)) error {
	sent(len(p))
	n, err := w.c.Write(p)
	if err != nil {
		sent(n - len(p))
	}
	return err
}

// refuse closes before the status line; the caller's deferred Close does it.
func (w *h1wire) refuse() {}

// reset makes the kernel send a TCP RST instead of a FIN.
func (w *h1wire) reset() {
	drainSent(w.raw, 2*time.Second)
	if tc, ok := w.raw.(*net.TCPConn); ok {
		tc.SetLinger(0)
	}
	w.raw.Close()
}

func (w *h1wire) goAway()    { w.closeConn() }
func (w *h1wire) closeConn() { w.c.Close() }

// freeze is a stall: HTTP/1.1 has no frames that could still get through.
func (w *h1wire) freeze(d time.Duration) { w.stall(d) }
func (w *h1wire) armFreeze(int)          {}

// stall waits by reading: the read ends when the client goes away, when the
// server's Close closes the connection, or at the deadline.
func (w *h1wire) stall(d time.Duration) {
	if d > 0 {
		w.c.SetReadDeadline(time.Now().Add(d))
	}
	buf := make([]byte, 512)
	for {
		if _, err := w.c.Read(buf); err != nil {
			break
		}
	}
	w.c.Close()
}
