package faultserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2/hpack"
)

// The HTTP/2 side is written on the bare framer because net/http's server
// cannot refuse a stream before its headers nor reset one at an exact
// offset. It is a small server: no push, no priorities, no request bodies.

var (
	errConnDead    = errors.New("faultserver: http2 connection closed")
	errStreamReset = errors.New("faultserver: http2 stream reset by peer")
	errFrozen      = errors.New("faultserver: http2 connection frozen")
)

type h2conn struct {
	s   *state
	tc  *tls.Conn
	raw net.Conn
	bw  *bufio.Writer
	fw  frameWriter
	dec *hpack.Decoder // owned by the read loop

	// wmu serializes frame writes and the hpack encoder, whose state must
	// follow the order header blocks hit the wire.
	wmu  sync.Mutex
	henc *hpack.Encoder
	hbuf bytes.Buffer

	mu       sync.Mutex
	cond     *sync.Cond
	connWin  int64 // our send window on the connection
	initWin  int64 // peer's SETTINGS_INITIAL_WINDOW_SIZE
	maxFrame int   // peer's SETTINGS_MAX_FRAME_SIZE
	streams  map[uint32]*h2stream
	dead     bool
	gone     chan struct{} // closed when dead is set
	frozen   bool          // FreezeMidBody: no frame may leave any more

	handlers sync.WaitGroup
}

type h2stream struct {
	id   uint32
	win  int64
	done bool          // reset by the peer, or closed by us
	gone chan struct{} // closed when the peer resets it or the connection dies
}

func (s *state) serveH2(tc *tls.Conn, raw net.Conn) {
	br := bufio.NewReaderSize(tc, 32<<10)
	preface := make([]byte, len(prefaceStr))
	raw.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(br, preface); err != nil || string(preface) != prefaceStr {
		return
	}
	raw.SetReadDeadline(time.Time{})
	h := &h2conn{
		s: s, tc: tc, raw: raw,
		bw:       bufio.NewWriterSize(tc, chunkSize+1024),
		dec:      hpack.NewDecoder(4096, nil),
		connWin:  65535,
		initWin:  65535,
		maxFrame: 16384,
		streams:  make(map[uint32]*h2stream),
		gone:     make(chan struct{}),
	}
	h.fw.w = h.bw
	h.cond = sync.NewCond(&h.mu)
	h.henc = hpack.NewEncoder(&h.hbuf)
	h.write(func() error { return h.fw.settings(false, settingMaxConcurrent, 250) })
	err := h.readLoop(&frameReader{r: br})
	var ce *connError
	if errors.As(err, &ce) {
		h.write(func() error { return h.fw.goAway(0, ce.code, ce.msg) })
	}
	h.kill()
	h.handlers.Wait()
}

func protoErr(msg string) error { return &connError{codeProtocol, msg} }

// readLoop reads frames until the connection ends; it returns a *connError
// for a protocol violation.
func (h *h2conn) readLoop(fr *frameReader) error {
	var (
		hdrStream uint32 // nonzero while a header block awaits CONTINUATION
		hdrBlock  []byte
		hdrEnd    bool // the HEADERS frame carried END_STREAM
	)
	for {
		f, err := fr.read()
		if err != nil {
			return err
		}
		if hdrStream != 0 && (f.typ != frameContinuation || f.stream != hdrStream) {
			return protoErr("header block interrupted")
		}
		switch f.typ {
		case frameSettings:
			if f.flags&flagAck != 0 {
				continue
			}
			if len(f.payload)%6 != 0 || f.stream != 0 {
				return &connError{codeFrameSize, "bad SETTINGS"}
			}
			h.applySettings(f.payload)
			h.write(func() error { return h.fw.settings(true) })
		case framePing:
			if len(f.payload) != 8 {
				return &connError{codeFrameSize, "bad PING"}
			}
			if f.flags&flagAck == 0 {
				h.write(func() error { return h.fw.write(framePing, flagAck, 0, f.payload) })
			}
		case frameWindowUpdate:
			if len(f.payload) != 4 {
				return &connError{codeFrameSize, "bad WINDOW_UPDATE"}
			}
			inc := int64(binary.BigEndian.Uint32(f.payload) & 0x7fffffff)
			h.mu.Lock()
			if f.stream == 0 {
				h.connWin += inc
			} else if st := h.streams[f.stream]; st != nil {
				st.win += inc
			}
			h.cond.Broadcast()
			h.mu.Unlock()
		case frameHeaders:
			p, err := stripPadding(f)
			if err != nil {
				return err
			}
			if f.flags&flagPriority != 0 {
				if len(p) < 5 {
					return protoErr("short HEADERS")
				}
				p = p[5:]
			}
			if f.stream == 0 || f.stream%2 == 0 {
				return protoErr("bad HEADERS stream id")
			}
			hdrStream, hdrEnd = f.stream, f.flags&flagEndStream != 0
			hdrBlock = append(hdrBlock[:0], p...)
			if f.flags&flagEndHeaders != 0 {
				if err := h.startStream(hdrStream, hdrBlock, hdrEnd); err != nil {
					return err
				}
				hdrStream = 0
			}
		case frameContinuation:
			if hdrStream == 0 {
				return protoErr("unexpected CONTINUATION")
			}
			hdrBlock = append(hdrBlock, f.payload...)
			if f.flags&flagEndHeaders != 0 {
				if err := h.startStream(hdrStream, hdrBlock, hdrEnd); err != nil {
					return err
				}
				hdrStream = 0
			}
		case frameData:
			// Request bodies are ignored, but their flow-control credit is
			// given back so a client never blocks on us.
			if n := uint32(len(f.payload)); n > 0 {
				h.write(func() error {
					if err := h.fw.windowUpdate(0, n); err != nil {
						return err
					}
					if f.flags&flagEndStream != 0 {
						return nil
					}
					return h.fw.windowUpdate(f.stream, n)
				})
			}
		case frameRSTStream:
			h.mu.Lock()
			if st := h.streams[f.stream]; st != nil {
				h.endStreamLocked(st)
			}
			h.cond.Broadcast()
			h.mu.Unlock()
		case framePushPromise:
			return protoErr("PUSH_PROMISE from a client")
		}
	}
}

func (h *h2conn) applySettings(p []byte) {
	for ; len(p) >= 6; p = p[6:] {
		id, val := binary.BigEndian.Uint16(p), binary.BigEndian.Uint32(p[2:])
		switch id {
		case settingInitialWindowSize:
			h.mu.Lock()
			delta := int64(val) - h.initWin
			h.initWin = int64(val)
			for _, s := range h.streams {
				s.win += delta
			}
			h.cond.Broadcast()
			h.mu.Unlock()
		case settingMaxFrameSize:
			h.mu.Lock()
			h.maxFrame = int(max(min(val, 1<<24-1), ourMaxFrame))
			h.mu.Unlock()
		case settingHeaderTableSize:
			h.wmu.Lock()
			h.henc.SetMaxDynamicTableSizeLimit(val)
			h.wmu.Unlock()
		}
	}
}

func (h *h2conn) startStream(id uint32, block []byte, _ bool) error {
	fields, err := h.dec.DecodeFull(block)
	if err != nil {
		return &connError{codeCompression, err.Error()}
	}
	r := &request{}
	for _, hf := range fields {
		switch strings.ToLower(hf.Name) {
		case ":method":
			r.method = hf.Value
		case ":path":
			r.path = hf.Value
			if u, err := url.ParseRequestURI(hf.Value); err == nil {
				r.path = u.Path
			}
		case "range":
			r.rangeHdr = hf.Value
		case "if-range":
			r.ifRange = hf.Value
		case "if-none-match":
			r.ifNoneMatch = hf.Value
		}
	}
	h.mu.Lock()
	if h.frozen {
		// A dead peer never sees the request.
		h.mu.Unlock()
		return nil
	}
	st := &h2stream{id: id, win: h.initWin, gone: make(chan struct{})}
	h.streams[id] = st
	h.mu.Unlock()
	h.handlers.Add(1)
	go func() {
		defer h.handlers.Done()
		h.s.serve(&h2wire{h: h, st: st}, r)
		h.mu.Lock()
		delete(h.streams, id)
		h.mu.Unlock()
	}()
	return nil
}

// endStreamLocked marks st finished; h.mu must be held.
func (h *h2conn) endStreamLocked(st *h2stream) {
	if !st.done {
		st.done = true
		close(st.gone)
	}
}

// kill marks the connection dead and wakes every stream waiting on it.
func (h *h2conn) kill() {
	h.mu.Lock()
	if !h.dead {
		h.dead = true
		close(h.gone)
		for _, st := range h.streams {
			h.endStreamLocked(st)
		}
		h.cond.Broadcast()
	}
	h.mu.Unlock()
	h.raw.Close()
}

// write runs fn (which writes frames) under the write lock and flushes. On a
// frozen connection nothing is written.
func (h *h2conn) write(fn func() error) error {
	h.mu.Lock()
	frozen := h.frozen
	h.mu.Unlock()
	if frozen {
		return errFrozen
	}
	h.wmu.Lock()
	err := fn()
	if err == nil {
		err = h.bw.Flush()
	}
	h.wmu.Unlock()
	if err != nil {
		h.kill()
	}
	return err
}

// reserve waits for send window for st and takes up to want bytes of it.
func (h *h2conn) reserve(st *h2stream, want int) (int, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for {
		switch {
		case h.dead:
			return 0, errConnDead
		case st.done:
			return 0, errStreamReset
		case h.connWin > 0 && st.win > 0:
			n := int(min(int64(want), h.connWin, st.win))
			h.connWin -= int64(n)
			st.win -= int64(n)
			return n, nil
		}
		h.cond.Wait()
	}
}

type h2wire struct {
	h  *h2conn
	st *h2stream
}

func (w *h2wire) header(status int, hs []header, end bool) error {
	h := w.h
	h.mu.Lock()
	maxFrame, done := h.maxFrame, w.st.done
	h.mu.Unlock()
	if done {
		return errStreamReset
	}
	return h.write(func() error {
		h.hbuf.Reset()
		h.henc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(status)})
		for _, f := range hs {
			h.henc.WriteField(hpack.HeaderField{Name: strings.ToLower(f.name), Value: f.value})
		}
		block := h.hbuf.Bytes()
		first := block[:min(len(block), maxFrame)]
		rest := block[len(first):]
		flags := uint8(0)
		if end {
			flags |= flagEndStream
		}
		if len(rest) == 0 {
			flags |= flagEndHeaders
		}
		err := h.fw.write(frameHeaders, flags, w.st.id, first)
		for err == nil && len(rest) > 0 {
			frag := rest[:min(len(rest), maxFrame)]
			rest = rest[len(frag):]
			flags = 0
			if len(rest) == 0 {
				flags = flagEndHeaders
			}
			err = h.fw.write(frameContinuation, flags, w.st.id, frag)
		}
		return err
	})
}

func (w *h2wire) body(p []byte, end bool, sent func(int)) error {
	h := w.h
	for len(p) > 0 {
		n, err := h.reserve(w.st, len(p))
		if err != nil {
			return err
		}
		chunk := p[:n]
		p = p[n:]
		h.mu.Lock()
		maxFrame := h.maxFrame
		h.mu.Unlock()
		sent(n)
		err = h.write(func() error {
			for len(chunk) > 0 {
				k := min(len(chunk), maxFrame)
				flags := uint8(0)
				if end && len(p) == 0 && k == len(chunk) {
					flags = flagEndStream
				}
				if err := h.fw.write(frameData, flags, w.st.id, chunk[:k]); err != nil {
					return err
				}
				chunk = chunk[k:]
			}
			return nil
		})
		if err != nil {
			sent(-len(chunk))
			return err
		}
	}
	return nil
}

// resetWith sends RST_STREAM unless the stream is already over.
func (w *h2wire) resetWith(code h2Code) {
	h := w.h
	h.mu.Lock()
	done := w.st.done
	h.endStreamLocked(w.st)
	h.mu.Unlock()
	if !done {
		h.write(func() error { return h.fw.rst(w.st.id, code) })
	}
}

func (w *h2wire) refuse() { w.resetWith(codeRefused) }
func (w *h2wire) reset()  { w.resetWith(codeInternal) }

// goAway tells the client that this stream was never processed, then
// closes the connection, as a server shutting down abruptly would.
func (w *h2wire) goAway() {
	h := w.h
	last := uint32(0)
	if w.st.id > 2 {
		last = w.st.id - 2
	}
	h.wmu.Lock()
	err := h.fw.goAway(last, codeNo, "faultserver: goaway")
	if err == nil {
		h.bw.Flush()
	}
	h.tc.Close()
	h.wmu.Unlock()
	h.kill()
}

func (w *h2wire) closeConn() {
	h := w.h
	// Under the write lock no frame is cut in half: the peer sees a clean
	// TLS close between frames, short of the announced Content-Length.
	h.wmu.Lock()
	h.tc.Close()
	h.wmu.Unlock()
	h.kill()
}

// stall sends nothing until d passes (forever if 0), the client gives up on
// the stream, or the server closes; then it resets the stream, so other
// streams on the connection live on.
func (w *h2wire) stall(d time.Duration) {
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
	case <-w.st.gone:
	case <-w.h.s.done:
	}
	w.resetWith(codeCancel)
}

// freeze makes the whole connection go silent, as a peer that died or a path
// that drops every packet would: no frame leaves it any more, not even the
// acknowledgement of a PING, and new streams go unanswered. Resetting this
// stream does not revive the connection. After d (never if 0) or when the
// client closes the connection or the server closes, it is closed.
func (w *h2wire) freeze(d time.Duration) {
	h := w.h
	// Under the write lock no frame is cut in half.
	h.wmu.Lock()
	h.mu.Lock()
	h.frozen = true
	h.mu.Unlock()
	h.wmu.Unlock()
	var timeout <-chan time.Time
	if d > 0 {
		t := time.NewTimer(d)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
	case <-h.gone:
	case <-h.s.done:
	}
	h.kill()
}

// singleUse is a RoundTripper that makes one connection per request and
// never retries, so the client sees exactly what the server did.
type singleUse struct {
	t      *http.Transport
	scheme string
	addr   string
}

func (rt *singleUse) RoundTrip(req *http.Request) (*http.Response, error) {
	cc, err := rt.t.NewClientConn(req.Context(), rt.scheme, rt.addr)
	if err != nil {
		return nil, err
	}
	resp, err := cc.RoundTrip(req)
	if err != nil {
		cc.Close()
		return nil, err
	}
	resp.Body = &closeBoth{ReadCloser: resp.Body, c: cc}
	return resp, nil
}

type closeBoth struct {
	io.ReadCloser
	c io.Closer
}

func (b *closeBoth) Close() error {
	err := b.ReadCloser.Close()
	b.c.Close()
	return err
}
