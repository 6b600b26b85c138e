package faultserver

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"hash/crc32"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"
)

// chunkSize bounds each body write, so that a mid-body fault lands at an
// exact offset without costing throughput.
const chunkSize = 64 << 10

// baseModTime is the Last-Modified of generation 0; each generation is one
// hour later, so validators stay distinct and deterministic.
var baseModTime = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

type file struct {
	data []byte
	sum  uint32
	gen  int
}

func (f *file) etag() string {
	return fmt.Sprintf(`"%08x-%x-%d"`, f.sum, len(f.data), f.gen)
}

func (f *file) lastModified() string {
	return baseModTime.Add(time.Duration(f.gen) * time.Hour).Format(http.TimeFormat)
}

// state is the Server's unexported part; it is embedded so the contract's
// Server declaration stays readable.
type state struct {
	proto   Proto
	ln      net.Listener
	tlsConf *tls.Config
	caPEM   []byte
	pool    *x509.CertPool
	client  *http.Client

	mu        sync.Mutex
	files     map[string]*file
	queue     []Fault
	repeat    *Fault
	log       []*Logged
	onRequest func(Logged)
	conns     map[net.Conn]struct{}
	closed    bool

	totalSent atomic.Int64
	pace      atomic.Int64 // bytes per second per response; 0 unpaced
	// sharedPace is bytes per second for all responses together (0:
	// none); sharedNext is when the shared line is free for the next
	// chunk.
	sharedPace atomic.Int64
	sharedMu   sync.Mutex
	sharedNext time.Time
	firstByte  atomic.Int64 // time.Duration before each response's status line; 0 none
	done       chan struct{}
	wg         sync.WaitGroup
}

// NewOn starts a server listening on addr (e.g. "127.0.0.1:0").
func NewOn(proto Proto, addr string, files map[string][]byte) (*Server, error) {
	s := &Server{}
	s.proto = proto
	s.files = make(map[string]*file, len(files))
	s.conns = make(map[net.Conn]struct{})
	s.done = make(chan struct{})
	for p, data := range files {
		s.files[p] = &file{data: data, sum: crc32.Checksum(data, castagnoli)}
	}
	scheme := "http"
	if proto == HTTP2 {
		scheme = "https"
		if err := s.setupTLS(); err != nil {
			return nil, err
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("faultserver: listen on %s: %w", addr, err)
	}
	s.ln = ln
	s.URL = scheme + "://" + ln.Addr().String()
	s.client = s.newClient(false)
	s.wg.Add(1)
	go s.acceptLoop()
	return s, nil
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Addr is the listening address (host:port).
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Proto is the protocol the server speaks.
func (s *Server) Proto() Proto { return s.proto }

// NoRetryClient is like Client but never retries a request behind the
// caller's back: net/http transparently retries an HTTP/2 REFUSED_STREAM (and
// a GET whose reused HTTP/1.1 connection closed before the status line), which
// would hide RefuseStream. It uses one fresh connection per request.
func (s *Server) NoRetryClient() *http.Client { return s.newClient(true) }

// Repeat applies f to every request that the script does not cover, until
// Repeat is called again; Repeat(Fault{}) clears it.
func (s *Server) Repeat(f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Kind == None {
		s.repeat = nil
		return
	}
	s.repeat = &f
}

// SetFile adds or replaces a file; replacing changes its validators.
func (s *Server) SetFile(path string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &file{data: data, sum: crc32.Checksum(data, castagnoli)}
	if old, ok := s.files[path]; ok {
		f.gen = old.gen + 1
	}
	s.files[path] = f
}

// OnRequest registers fn, called with each request's final log entry once
// the server is done with it (from the serving goroutine).
func (s *Server) OnRequest(fn func(Logged)) {
	s.mu.Lock()
	s.onRequest = fn
	s.mu.Unlock()
}

func (s *state) script(faults []Fault) {
	s.mu.Lock()
	s.queue = append([]Fault(nil), faults...)
	s.mu.Unlock()
}

func (s *state) requests() []Logged {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Logged, len(s.log))
	for i, l := range s.log {
		out[i] = *l
	}
	return out
}

func (s *state) caFile(dir string) (string, error) {
	if s.caPEM == nil {
		return "", nil
	}
	p := filepath.Join(dir, "faultserver-ca.pem")
	if err := os.WriteFile(p, s.caPEM, 0o644); err != nil {
		return "", fmt.Errorf("faultserver: write ca file: %w", err)
	}
	return p, nil
}

func (s *state) close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.done)
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.client.CloseIdleConnections()

	finished := make(chan struct{})
	go func() { s.wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		// A goroutine stuck past its connection's closing is a bug, but it
		// must not hang the test binary as well.
	}
}

// track registers c so Close can break every blocked read and write.
func (s *state) track(c net.Conn) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		c.Close()
		return false
	}
	s.conns[c] = struct{}{}
	return true
}

func (s *state) untrack(c net.Conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
}

func (s *state) acceptLoop() {
	defer s.wg.Done()
	for {
		c, err := s.ln.Accept()
		if err != nil {
			select {
			case <-s.done:
				return
			default:
			}
			if ne, ok := err.(net.Error); ok && ne.Timeout() {
				continue
			}
			return
		}
		if !s.track(c) {
			continue
		}
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			defer s.untrack(c)
			defer c.Close()
			if s.proto == HTTP2 {
				s.serveTLS(c)
				return
			}
			s.serveH1(c, c)
		}()
	}
}

// begin takes the request's fault and opens its log entry; the entry is
// updated as the response goes out, so a client that sees a fault also sees
// the log that explains it.
func (s *state) begin(r *request) (Fault, *Logged) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var f Fault
	switch {
	case len(s.queue) > 0:
		f = s.queue[0]
		s.queue = s.queue[1:]
	case s.repeat != nil:
		f = *s.repeat
	}
	l := &Logged{Method: r.method, Path: r.path, Range: r.rangeHdr, IfRange: r.ifRange, Fault: f.Kind, Detail: f, Conn: r.conn}
	s.log = append(s.log, l)
	return f, l
}

func (s *state) setStatus(l *Logged, code int, etag string) {
	s.mu.Lock()
	l.Status, l.ETag = code, etag
	s.mu.Unlock()
}

func (s *state) addSent(l *Logged, n int64) {
	s.mu.Lock()
	l.BytesSent += n
	s.mu.Unlock()
	s.totalSent.Add(n)
}

func (s *state) finish(l *Logged) {
	s.mu.Lock()
	fn := s.onRequest
	entry := *l
	s.mu.Unlock()
	if fn != nil {
		fn(entry)
	}
}
