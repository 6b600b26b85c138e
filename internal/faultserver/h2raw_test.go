package faultserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// rawH2 is a hand-driven HTTP/2 client on http2.Framer, to check the server
// frame by frame.
type rawH2 struct {
	t  *testing.T
	c  *tls.Conn
	bw *bufio.Writer
	fr *http2.Framer

	// sentAt is when the last get began: earlier than anything the server
	// did for it, so a delay timed from here is never too long.
	sentAt time.Time
}

func dialRaw(t *testing.T, s *Server, initialWindow uint32) *rawH2 {
	t.Helper()
	c, err := tls.Dial("tcp", s.Addr(), &tls.Config{RootCAs: s.CertPool(), NextProtos: []string{"h2"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	c.SetDeadline(time.Now().Add(10 * time.Second)) // a hang guard
	if p := c.ConnectionState().NegotiatedProtocol; p != "h2" {
		t.Fatalf("negotiated %q", p)
	}
	r := &rawH2{t: t, c: c, bw: bufio.NewWriter(c)}
	// The read limit stays at the Framer's maximum so that readData, not
	// the Framer, catches a DATA frame above the size the server may send.
	r.fr = http2.NewFramer(r.bw, bufio.NewReader(c))
	r.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	r.bw.WriteString(http2.ClientPreface)
	r.must(r.fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: initialWindow}))
	r.flush()
	return r
}

func (r *rawH2) must(err error) {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawH2) flush() { r.t.Helper(); r.must(r.bw.Flush()) }

// next returns the next frame that is not connection housekeeping. It is
// valid until the following read.
func (r *rawH2) next() http2.Frame {
	r.t.Helper()
	for {
		f, err := r.fr.ReadFrame()
		r.must(err)
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() {
				r.must(r.fr.WriteSettingsAck())
				r.flush()
			}
			continue
		case *http2.WindowUpdateFrame:
			continue
		}
		return f
	}
}

// get sends a GET for path on stream id, splitting the header block into
// HEADERS + CONTINUATION when split is set.
func (r *rawH2) get(id uint32, path string, split bool) {
	r.sentAt = time.Now()
	var buf bytes.Buffer
	enc := hpack.NewEncoder(&buf)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "https"}, {":authority", "127.0.0.1"}, {":path", path}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	block := buf.Bytes()
	if split {
		r.must(r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block[:3], EndStream: true}))
		r.must(r.fr.WriteContinuation(id, true, block[3:]))
	} else {
		r.must(r.fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: block, EndStream: true, EndHeaders: true}))
	}
	r.flush()
}

func (r *rawH2) ping(data string) {
	r.t.Helper()
	var p [8]byte
	copy(p[:], data)
	r.must(r.fr.WritePing(false, p))
	r.flush()
}

// desc names a frame for a failure message (nil-safe).
func desc(f http2.Frame) string {
	if f == nil {
		return "no frame"
	}
	return f.Header().String()
}

func (r *rawH2) status(f http2.Frame) string {
	r.t.Helper()
	mh, ok := f.(*http2.MetaHeadersFrame)
	if !ok {
		r.t.Fatalf("%s, want HEADERS", desc(f))
	}
	if len(mh.PseudoFields()) != 1 {
		r.t.Fatalf("pseudo-headers %v, want :status alone", mh.PseudoFields())
	}
	return mh.PseudoValue("status")
}

// readData reads DATA for a stream until n bytes have come.
func (r *rawH2) readData(n int) []byte {
	r.t.Helper()
	var got []byte
	for len(got) < n {
		fr := r.next()
		f, ok := fr.(*http2.DataFrame)
		if !ok {
			r.t.Fatalf("after %d of %d bytes: %s, want DATA", len(got), n, desc(fr))
		}
		if len(f.Data()) > ourMaxFrame {
			r.t.Fatalf("DATA frame of %d bytes exceeds the peer's max frame size", len(f.Data()))
		}
		got = append(got, f.Data()...)
	}
	if len(got) != n {
		r.t.Fatalf("got %d bytes, want %d", len(got), n)
	}
	return got
}

func TestH2FlowControl(t *testing.T) {
	s, data := newServer(t, HTTP2)
	r := dialRaw(t, s, 1000)
	r.get(1, "/f.tar.gz", true)
	if st := r.status(r.next()); st != "200" {
		t.Fatalf(":status %s", st)
	}
	got := r.readData(1000)
	// A PING answered before any further DATA shows the server waits for
	// window instead of overrunning it.
	r.ping("12345678")
	fr := r.next()
	if f, ok := fr.(*http2.PingFrame); !ok || !f.IsAck() || string(f.Data[:]) != "12345678" {
		t.Fatalf("want the PING ack before more DATA, got %s", desc(fr))
	}
	r.must(r.fr.WriteWindowUpdate(1, 500))
	r.flush()
	got = append(got, r.readData(500)...)
	r.ping("abcdefgh")
	fr = r.next()
	if f, ok := fr.(*http2.PingFrame); !ok || !f.IsAck() || string(f.Data[:]) != "abcdefgh" {
		t.Fatalf("want the PING ack, got %s", desc(fr))
	}
	// Open both windows wide; the rest must end the stream.
	r.must(r.fr.WriteWindowUpdate(1, 1<<30))
	r.must(r.fr.WriteWindowUpdate(0, 1<<30))
	r.flush()
	ended := false
	for len(got) < len(data) {
		fr := r.next()
		f, ok := fr.(*http2.DataFrame)
		if !ok {
			t.Fatalf("%s, want DATA", desc(fr))
		}
		got = append(got, f.Data()...)
		ended = f.StreamEnded()
	}
	if !ended || !bytes.Equal(got, data) {
		t.Fatalf("END_STREAM %v, body equal %v", ended, bytes.Equal(got, data))
	}
	// A second stream on the same connection works too.
	r.get(3, "/empty", false)
	if f := r.next(); r.status(f) != "200" || !f.(*http2.MetaHeadersFrame).StreamEnded() {
		t.Fatal("empty file: want 200 with END_STREAM on HEADERS")
	}
}

func TestH2FaultFrames(t *testing.T) {
	const at = 70_001
	const stall = 300 * time.Millisecond
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, r *rawH2)
	}{
		{"refuse", Fault{Kind: RefuseStream}, func(t *testing.T, r *rawH2) {
			fr := r.next()
			f, ok := fr.(*http2.RSTStreamFrame)
			if !ok || f.StreamID != 1 || f.ErrCode != http2.ErrCodeRefusedStream {
				t.Fatalf("first frame %s, want RST_STREAM REFUSED_STREAM on stream 1", desc(fr))
			}
		}},
		{"reset", Fault{Kind: ResetMidBody, At: at}, func(t *testing.T, r *rawH2) {
			r.status(r.next())
			r.readData(at)
			fr := r.next()
			f, ok := fr.(*http2.RSTStreamFrame)
			if !ok || f.StreamID != 1 || f.ErrCode != http2.ErrCodeInternal {
				t.Fatalf("%s, want RST_STREAM INTERNAL_ERROR on stream 1", desc(fr))
			}
		}},
		{"goaway", Fault{Kind: GoAwayMidBody, At: at}, func(t *testing.T, r *rawH2) {
			r.status(r.next())
			r.readData(at)
			fr := r.next()
			f, ok := fr.(*http2.GoAwayFrame)
			if !ok || f.LastStreamID >= 1 || f.ErrCode != http2.ErrCodeNo {
				t.Fatalf("%s, want GOAWAY NO_ERROR with last stream id below 1", desc(fr))
			}
			if _, err := r.fr.ReadFrame(); !errors.Is(err, io.EOF) {
				t.Fatalf("after GOAWAY: %v, want the connection closed", err)
			}
		}},
		{"close", Fault{Kind: CloseMidBody, At: at}, func(t *testing.T, r *rawH2) {
			r.status(r.next())
			r.readData(at)
			if _, err := r.fr.ReadFrame(); !errors.Is(err, io.EOF) {
				t.Fatalf("got %v, want the connection closed", err)
			}
		}},
		{"stall", Fault{Kind: StallMidBody, At: at, Stall: stall}, func(t *testing.T, r *rawH2) {
			r.status(r.next())
			r.readData(at)
			fr := r.next()
			f, ok := fr.(*http2.RSTStreamFrame)
			if !ok || f.StreamID != 1 || f.ErrCode != http2.ErrCodeCancel {
				t.Fatalf("%s, want RST_STREAM CANCEL on stream 1", desc(fr))
			}
			if d := time.Since(r.sentAt); d < stall {
				t.Fatalf("RST_STREAM %v after the request, before the %v stall", d, stall)
			}
			// The stall's reset spares the connection: a PING is answered.
			r.ping("stalled!")
			fr = r.next()
			if p, ok := fr.(*http2.PingFrame); !ok || !p.IsAck() {
				t.Fatalf("after the stall's reset: %s, want the PING ack", desc(fr))
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newServer(t, HTTP2)
			r := dialRaw(t, s, 1<<30)
			r.must(r.fr.WriteWindowUpdate(0, 1<<30))
			s.Script(tt.fault)
			r.get(1, "/f.tar.gz", false)
			tt.check(t, r)
		})
	}
}

// A protocol error from the client is answered with GOAWAY and a close: here
// a CONTINUATION that no HEADERS opened.
func TestH2ProtocolError(t *testing.T) {
	s, _ := newServer(t, HTTP2)
	r := dialRaw(t, s, 1<<30)
	r.must(r.fr.WriteContinuation(1, true, []byte{0x82}))
	r.flush()
	fr := r.next()
	f, ok := fr.(*http2.GoAwayFrame)
	if !ok || f.ErrCode != http2.ErrCodeProtocol {
		t.Fatalf("%s, want GOAWAY PROTOCOL_ERROR", desc(fr))
	}
	if _, err := r.fr.ReadFrame(); err == nil {
		t.Fatal("the connection lives on after GOAWAY")
	}
	if log := s.Requests(); len(log) != 0 {
		t.Fatalf("log %+v", log)
	}
}

// A frozen connection sends nothing more: no PING ack, no answer to a new
// stream (which the server never even sees), until it closes after Stall.
func TestH2Freeze(t *testing.T) {
	const at = 70_001
	const stall = 400 * time.Millisecond
	s, _ := newServer(t, HTTP2)
	r := dialRaw(t, s, 1<<30)
	r.must(r.fr.WriteWindowUpdate(0, 1<<30))
	s.Script(Fault{Kind: FreezeMidBody, At: at, Stall: stall})
	r.get(1, "/f.tar.gz", false)
	start := r.sentAt // before the freeze began, however late we read
	r.status(r.next())
	r.readData(at)
	// The same PING is answered at once on a live connection
	// (TestH2FlowControl).
	r.ping("12345678")
	r.get(3, "/f.tar.gz", false)
	f, err := r.fr.ReadFrame()
	if err == nil {
		t.Fatalf("%s from a frozen connection", desc(f))
	}
	if d := time.Since(start); d < stall {
		t.Fatalf("connection ended %v after the request (%v), before the freeze's %v", d, err, stall)
	}
	if log := s.Requests(); len(log) != 1 || log[0].Fault != FreezeMidBody || log[0].BytesSent != at {
		t.Fatalf("log %+v", log)
	}
}

// A TLS client that does not offer h2 gets HTTP/1.1 over TLS.
func TestTLSFallbackH1(t *testing.T) {
	s, data := newServer(t, HTTP2)
	// Without ForceAttemptHTTP2, a custom TLS config keeps net/http on h1.
	h1 := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: s.CertPool()}}}
	r := get(t, h1, "GET", s.URL+"/f.tar.gz", "Range", "bytes=5-")
	if r.err != nil || r.resp.ProtoMajor != 1 || r.resp.StatusCode != 206 || !bytes.Equal(r.body, data[5:]) {
		t.Fatalf("err %v, resp %+v", r.err, r.resp)
	}
}
