package faultserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"net/http"
	"testing"
	"time"

	"golang.org/x/net/http2/hpack"
)

// rawH2 is a hand-driven HTTP/2 client, to check the server frame by frame.
type rawH2 struct {
	t   *testing.T
	c   *tls.Conn
	fr  *frameReader
	fw  frameWriter
	dec *hpack.Decoder
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
	r := &rawH2{t: t, c: c, fr: &frameReader{r: bufio.NewReader(c)}, dec: hpack.NewDecoder(4096, nil)}
	r.fw.w = bufio.NewWriter(c)
	r.fw.w.WriteString(prefaceStr)
	r.must(r.fw.settings(false, settingInitialWindowSize, initialWindow))
	r.flush()
	return r
}

func (r *rawH2) must(err error) {
	r.t.Helper()
	if err != nil {
		r.t.Fatal(err)
	}
}

func (r *rawH2) flush() { r.t.Helper(); r.must(r.fw.w.Flush()) }

// next returns the next frame that is not connection housekeeping.
func (r *rawH2) next() frame {
	r.t.Helper()
	for {
		f, err := r.fr.read()
		r.must(err)
		if f.typ == frameSettings && f.flags&flagAck == 0 {
			r.must(r.fw.settings(true))
			r.flush()
			continue
		}
		if f.typ == frameSettings || f.typ == frameWindowUpdate {
			continue
		}
		f.payload = append([]byte(nil), f.payload...)
		return f
	}
}

// get sends a GET for path on stream id, splitting the header block into
// HEADERS + CONTINUATION when split is set.
func (r *rawH2) get(id uint32, path string, split bool) {
	var buf bytes.Buffer
	enc := hpack.NewEncoder(&buf)
	for _, f := range [][2]string{{":method", "GET"}, {":scheme", "https"}, {":authority", "127.0.0.1"}, {":path", path}} {
		enc.WriteField(hpack.HeaderField{Name: f[0], Value: f[1]})
	}
	block := buf.Bytes()
	if split {
		r.must(r.fw.write(frameHeaders, flagEndStream, id, block[:3]))
		r.must(r.fw.write(frameContinuation, flagEndHeaders, id, block[3:]))
	} else {
		r.must(r.fw.write(frameHeaders, flagEndStream|flagEndHeaders, id, block))
	}
	r.flush()
}

func (r *rawH2) status(f frame) string {
	r.t.Helper()
	if f.typ != frameHeaders {
		r.t.Fatalf("frame type %d, want HEADERS", f.typ)
	}
	fields, err := r.dec.DecodeFull(f.payload)
	r.must(err)
	return fields[0].Value
}

// readData reads DATA for a stream until n bytes have come.
func (r *rawH2) readData(n int) []byte {
	r.t.Helper()
	var got []byte
	for len(got) < n {
		f := r.next()
		if f.typ != frameData {
			r.t.Fatalf("after %d of %d bytes: frame type %d, want DATA", len(got), n, f.typ)
		}
		if len(f.payload) > ourMaxFrame {
			r.t.Fatalf("DATA frame of %d bytes exceeds the peer's max frame size", len(f.payload))
		}
		got = append(got, f.payload...)
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
	r.must(r.fw.write(framePing, 0, 0, []byte("12345678")))
	r.flush()
	if f := r.next(); f.typ != framePing || f.flags&flagAck == 0 || string(f.payload) != "12345678" {
		t.Fatalf("want the PING ack before more DATA, got frame type %d", f.typ)
	}
	r.must(r.fw.windowUpdate(1, 500))
	r.flush()
	got = append(got, r.readData(500)...)
	r.must(r.fw.write(framePing, 0, 0, []byte("abcdefgh")))
	r.flush()
	if f := r.next(); f.typ != framePing {
		t.Fatalf("want the PING ack, got frame type %d", f.typ)
	}
	// Open both windows wide; the rest must end the stream.
	r.must(r.fw.windowUpdate(1, 1<<30))
	r.must(r.fw.windowUpdate(0, 1<<30))
	r.flush()
	var last frame
	for len(got) < len(data) {
		last = r.next()
		if last.typ != frameData {
			t.Fatalf("frame type %d, want DATA", last.typ)
		}
		got = append(got, last.payload...)
	}
	if last.flags&flagEndStream == 0 || !bytes.Equal(got, data) {
		t.Fatalf("END_STREAM %v, body equal %v", last.flags&flagEndStream != 0, bytes.Equal(got, data))
	}
	// A second stream on the same connection works too.
	r.get(3, "/empty", false)
	if f := r.next(); r.status(f) != "200" || f.flags&flagEndStream == 0 {
		t.Fatal("empty file: want 200 with END_STREAM on HEADERS")
	}
}

func TestH2FaultFrames(t *testing.T) {
	const at = 70_001
	tests := []struct {
		name  string
		fault Fault
		check func(t *testing.T, r *rawH2)
	}{
		{"refuse", Fault{Kind: RefuseStream}, func(t *testing.T, r *rawH2) {
			f := r.next()
			if f.typ != frameRSTStream || f.stream != 1 || binary.BigEndian.Uint32(f.payload) != uint32(codeRefused) {
				t.Fatalf("first frame type %d on stream %d, want RST_STREAM REFUSED_STREAM", f.typ, f.stream)
			}
		}},
		{"reset", Fault{Kind: ResetMidBody, At: at}, func(t *testing.T, r *rawH2) {
			r.status(r.next())
			r.readData(at)
			f := r.next()
			if f.typ != frameRSTStream || binary.BigEndian.Uint32(f.payload) != uint32(codeInternal) {
				t.Fatalf("frame type %d, want RST_STREAM INTERNAL_ERROR", f.typ)
			}
		}},
		{"goaway", Fault{Kind: GoAwayMidBody, At: at}, func(t *testing.T, r *rawH2) {
			r.status(r.next())
			r.readData(at)
			f := r.next()
			if f.typ != frameGoAway || binary.BigEndian.Uint32(f.payload)&0x7fffffff >= 1 {
				t.Fatalf("frame type %d, want GOAWAY with last stream id below 1", f.typ)
			}
			if _, err := r.fr.read(); !errors.Is(err, io.EOF) {
				t.Fatalf("after GOAWAY: %v, want the connection closed", err)
			}
		}},
		{"close", Fault{Kind: CloseMidBody, At: at}, func(t *testing.T, r *rawH2) {
			r.status(r.next())
			r.readData(at)
			if _, err := r.fr.read(); !errors.Is(err, io.EOF) {
				t.Fatalf("got %v, want the connection closed", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newServer(t, HTTP2)
			r := dialRaw(t, s, 1<<30)
			r.must(r.fw.windowUpdate(0, 1<<30))
			s.Script(tt.fault)
			r.get(1, "/f.tar.gz", false)
			tt.check(t, r)
		})
	}
}

// A frozen connection sends nothing more: no PING ack, no answer to a new
// stream (which the server never even sees), until it closes after Stall.
func TestH2Freeze(t *testing.T) {
	const at = 70_001
	const stall = 400 * time.Millisecond
	s, _ := newServer(t, HTTP2)
	r := dialRaw(t, s, 1<<30)
	r.must(r.fw.windowUpdate(0, 1<<30))
	s.Script(Fault{Kind: FreezeMidBody, At: at, Stall: stall})
	r.get(1, "/f.tar.gz", false)
	r.status(r.next())
	r.readData(at)
	start := time.Now()
	// The same PING is answered at once on a live connection
	// (TestH2FlowControl).
	r.must(r.fw.write(framePing, 0, 0, []byte("12345678")))
	r.flush()
	r.get(3, "/f.tar.gz", false)
	f, err := r.fr.read()
	if err == nil {
		t.Fatalf("frame type %d on stream %d from a frozen connection", f.typ, f.stream)
	}
	if d := time.Since(start); d < stall*3/4 {
		t.Fatalf("connection ended after %v (%v), before the freeze's %v", d, err, stall)
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
