// Package faultserver is a test-only loopback HTTP/1.1 and HTTP/2 (TLS) file
// server that applies a scripted fault to successive requests.
//
// It owns everything on the server side of a faulty download: the in-memory
// files and their validators (ETag, Last-Modified, generations), the fault
// script (Script, Repeat), the request log, a throwaway CA and leaf
// certificate for TLS, and the two wire protocols. HTTP/1.1 is written by
// hand on the connection; HTTP/2 drives golang.org/x/net/http2's Framer
// directly, because net/http's server cannot refuse a stream before its
// headers, reset or GOAWAY at an exact body offset, or freeze a connection
// so that not even a PING is answered. Flow control follows the client's
// windows and SETTINGS.
//
// It is for tests only. Non-test production code (cmd/pyget and the
// packages it builds from) must never import it; only _test.go files may,
// and the demo binary internal/faultserver/cmd/pyget-faultserver.
// internal/importrules' test enforces this.
package faultserver

import (
	"crypto/x509"
	"net/http"
	"time"
)

// Kind is a fault.
type Kind int

const (
	None          Kind = iota // serve normally (honours Range / If-Range)
	RefuseStream              // HTTP/2: RST_STREAM REFUSED_STREAM before any header; HTTP/1.1: close before the status line
	ResetMidBody              // after At body bytes: RST_STREAM (HTTP/2) or TCP RST (HTTP/1.1)
	GoAwayMidBody             // HTTP/2: GOAWAY after At bytes (HTTP/1.1: like CloseMidBody)
	CloseMidBody              // after At body bytes: close cleanly, short of Content-Length
	StallMidBody              // after At body bytes: send nothing for Stall
	HTMLPage                  // status 200, text/html error page instead of the file
	Status                    // reply Code (5xx, 429, 408, 404...) with RetryAfter if set
	IgnoreRange               // serve the whole file with 200 despite Range
	ChangeETag                // serve normally but with a new ETag from now on (file "changed")
	FlipByte                  // serve with the byte at offset At inverted

	HTMLOctet     // status 200, an HTML error page labelled application/octet-stream
	HTMLPartial   // status 206 with a Content-Range that continues the asked range, but a text/html error page as its body
	FreezeMidBody // after At body bytes the connection goes silent: HTTP/2 sends no frame at all, not even a PING ack (a dead peer); after Stall (0: until the client or Close gives up) it is closed. HTTP/1.1: like StallMidBody
	WrongRange    // status 206 whose Content-Range and body start at byte At of the file, not where the request asked (one byte later if that is where it asked): the asked length, clipped to the file, of the right file from the wrong place, as a cache that mixed up its ranges would send
)

// Fault is one scripted fault, applied to one request.
type Fault struct {
	Kind       Kind
	At         int64         // byte offset into the served body (for *MidBody, FlipByte); the file offset served from (WrongRange)
	Code       int           // for Status (0 means 503)
	RetryAfter string        // for Status: Retry-After header value
	Stall      time.Duration // for StallMidBody (and FreezeMidBody): 0 stalls until the client or Close gives up; then HTTP/1.1 closes, HTTP/2 sends RST_STREAM CANCEL (FreezeMidBody: closes the connection)
	// Pace, when positive, paces this response's body at Pace bytes per
	// second (it overrides Server.SetPace for this response); it combines
	// with any Kind.
	Pace int64
}

// Proto selects the protocol.
type Proto int

const (
	HTTP1 Proto = iota // plain http://
	HTTP2              // https:// with h2 (TLS, self-signed CA)
)

// Logged is one request as the server saw it.
type Logged struct {
	Path      string
	Range     string // Range header asked, "" if none
	IfRange   string
	Status    int   // status sent (0 if none was sent)
	BytesSent int64 // body bytes written
	Fault     Kind

	Method string // GET, HEAD...
	Detail Fault  // the whole fault applied (Fault is its Kind)
	ETag   string // the ETag sent with the response ("" if none)
	// Conn names the TCP connection the request came on: the client's
	// address (host:port), so distinct values are distinct connections.
	Conn string
}

// Server serves files from memory. Its state lives in server.go.
type Server struct {
	URL string // base URL, no trailing slash

	state
}

// New starts a server on 127.0.0.1 serving files (path "/a/b.tar.gz" -> bytes).
// It panics if it cannot listen, as it is meant for tests; use NewOn for a
// fixed address and an error instead.
func New(proto Proto, files map[string][]byte) *Server {
	s, err := NewOn(proto, "127.0.0.1:0", files)
	if err != nil {
		panic(err)
	}
	return s
}

// Script queues faults: the n-th request after this call gets faults[n];
// requests past the script are served normally (unless Repeat is used).
func (s *Server) Script(faults ...Fault) { s.script(faults) }

// SetPace paces every response's body at bytesPerSecond, each response on
// its own (as a CDN edge that caps each response does); 0 turns pacing off.
// A Fault's own Pace overrides it for that response.
func (s *Server) SetPace(bytesPerSecond int64) { s.pace.Store(max(bytesPerSecond, 0)) }

// SetSharedPace paces the bodies of all responses together at
// bytesPerSecond, as a user's own line does (one bottleneck that every
// connection shares: more connections only split it); 0 turns it off. It
// combines with SetPace and a Fault's Pace: a response goes at the slower
// of the two.
func (s *Server) SetSharedPace(bytesPerSecond int64) { s.sharedPace.Store(max(bytesPerSecond, 0)) }

// SetFirstByteDelay makes every response wait d after its request before
// its status line, as a distant server's round trip and think time do; 0
// turns it off. It combines with pacing and faults (a refused stream is
// refused at once).
func (s *Server) SetFirstByteDelay(d time.Duration) { s.firstByte.Store(int64(max(d, 0))) }

// Requests returns the log so far.
func (s *Server) Requests() []Logged { return s.requests() }

// BodyBytesSent is the sum of body bytes written for all requests.
func (s *Server) BodyBytesSent() int64 { return s.totalSent.Load() }

// Client returns an http.Client that trusts the server (HTTP/2 when Proto is HTTP2).
func (s *Server) Client() *http.Client { return s.client }

// CertPool returns the CA pool (nil for HTTP1); CAFile writes it as PEM for SSL_CERT_FILE.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// CAFile writes the CA as PEM into dir and returns its path ("" for HTTP1).
func (s *Server) CAFile(dir string) (string, error) { return s.caFile(dir) }

// Close stops the server.
func (s *Server) Close() { s.close() }
