package faultserver

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// The HTTP/2 side drives golang.org/x/net/http2's Framer by hand, rather
// than serving through net/http, because net/http's server cannot refuse a
// stream before its headers, reset one at an exact offset, or go silent
// without even answering PINGs. It is a small server: no push, no
// priorities, no request bodies.

var (
	errConnDead    = errors.New("faultserver: http2 connection closed")
	errStreamReset = errors.New("faultserver: http2 stream reset by peer")
	errFrozen      = errors.New("faultserver: http2 connection frozen")
)

// ourMaxFrame is the largest frame we accept: the protocol default, which
// our SETTINGS never raise.
const ourMaxFrame = 16384

// h2Window is the initial flow-control window of RFC 9113 §6.9.2.
const h2Window = 65535

type h2conn struct {
	s   *state
	tc  *tls.Conn
	raw net.Conn
	bw  *bufio.Writer
	fr  *http2.Framer // reads in the read loop; writes under wmu

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
	preface := make([]byte, len(http2.ClientPreface))
	raw.SetReadDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.ReadFull(br, preface); err != nil || string(preface) != http2.ClientPreface {
		return
	}
	raw.SetReadDeadline(time.Time{})
	h := &h2conn{
		s: s, tc: tc, raw: raw,
		bw:       bufio.NewWriterSize(tc, chunkSize+1024),
		connWin:  h2Window,
		initWin:  h2Window,
		maxFrame: ourMaxFrame,
		streams:  make(map[uint32]*h2stream),
		gone:     make(chan struct{}),
	}
	h.fr = http2.NewFramer(h.bw, br)
	h.fr.SetMaxReadFrameSize(ourMaxFrame)
	h.fr.ReadMetaHeaders = hpack.NewDecoder(4096, nil)
	h.cond = sync.NewCond(&h.mu)
	h.henc = hpack.NewEncoder(&h.hbuf)
	h.write(func() error {
		return h.fr.WriteSettings(http2.Setting{ID: http2.SettingMaxConcurrentStreams, Val: 250})
	})
	if code, msg, ok := h.readLoop(); ok {
		h.write(func() error { return h.fr.WriteGoAway(0, code, []byte(msg)) })
	}
	h.kill()
	h.handlers.Wait()
}

// readLoop reads frames until the connection ends. For a protocol violation
// it returns the code and reason to send in a GOAWAY, and ok.
func (h *h2conn) readLoop() (code http2.ErrCode, msg string, ok bool) {
	for {
		f, err := h.fr.ReadFrame()
		var se http2.StreamError
		switch {
		case err == nil:
		case errors.As(err, &se):
			// The frame was read whole; only its stream dies.
			h.resetStream(se.StreamID, se.Code)
			continue
		case errors.Is(err, http2.ErrFrameTooLarge):
			return http2.ErrCodeFrameSize, "frame too large", true
		default:
			var ce http2.ConnectionError
			if !errors.As(err, &ce) {
				return 0, "", false // the connection is gone
			}
			reason := err.Error()
			if d := h.fr.ErrorDetail(); d != nil {
				reason = d.Error()
			}
			return http2.ErrCode(ce), reason, true
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if f.IsAck() {
				continue
			}
			if err := f.ForeachSetting(h.applySetting); err != nil {
				var ce http2.ConnectionError
				errors.As(err, &ce)
				return http2.ErrCode(ce), "bad SETTINGS value", true
			}
			h.write(h.fr.WriteSettingsAck)
		case *http2.PingFrame:
			if !f.IsAck() {
				data := f.Data
				h.write(func() error { return h.fr.WritePing(true, data) })
			}
		case *http2.WindowUpdateFrame:
			h.mu.Lock()
			if f.StreamID == 0 {
				h.connWin += int64(f.Increment)
			} else if st := h.streams[f.StreamID]; st != nil {
				st.win += int64(f.Increment)
			}
			h.cond.Broadcast()
			h.mu.Unlock()
		case *http2.MetaHeadersFrame:
			if f.StreamID%2 == 0 {
				return http2.ErrCodeProtocol, "bad HEADERS stream id", true
			}
			h.startStream(f)
		case *http2.DataFrame:
			// Request bodies are ignored, but their flow-control credit
			// (padding included) is given back so a client never blocks
			// on us.
			if n := f.Length; n > 0 {
				id, end := f.StreamID, f.StreamEnded()
				h.write(func() error {
					if err := h.fr.WriteWindowUpdate(0, n); err != nil || end {
						return err
					}
					return h.fr.WriteWindowUpdate(id, n)
				})
			}
		case *http2.RSTStreamFrame:
			h.mu.Lock()
			if st := h.streams[f.StreamID]; st != nil {
				h.endStreamLocked(st)
			}
			h.cond.Broadcast()
			h.mu.Unlock()
		case *http2.PushPromiseFrame:
			return http2.ErrCodeProtocol, "PUSH_PROMISE from a client", true
		}
	}
}

func (h *h2conn) applySetting(st http2.Setting) error {
	if err := st.Valid(); err != nil {
		return err
	}
	switch st.ID {
	case http2.SettingInitialWindowSize:
		h.mu.Lock()
		delta := int64(st.Val) - h.initWin
		h.initWin = int64(st.Val)
		for _, s := range h.streams {
			s.win += delta
		}
		h.cond.Broadcast()
		h.mu.Unlock()
	case http2.SettingMaxFrameSize:
		h.mu.Lock()
		h.maxFrame = int(st.Val)
		h.mu.Unlock()
	case http2.SettingHeaderTableSize:
		h.wmu.Lock()
		h.henc.SetMaxDynamicTableSizeLimit(st.Val)
		h.wmu.Unlock()
	}
	return nil
}

// resetStream ends stream id, which the peer got wrong, with code.
func (h *h2conn) resetStream(id uint32, code http2.ErrCode) {
	h.mu.Lock()
	if st := h.streams[id]; st != nil {
		h.endStreamLocked(st)
	}
	h.cond.Broadcast()
	h.mu.Unlock()
	h.write(func() error { return h.fr.WriteRSTStream(id, code) })
}

func (h *h2conn) startStream(f *http2.MetaHeadersFrame) {
	r := &request{method: f.PseudoValue("method"), conn: h.raw.RemoteAddr().String()}
	r.path = f.PseudoValue("path")
	if u, err := url.ParseRequestURI(r.path); err == nil {
		r.path = u.Path
	}
	for _, hf := range f.RegularFields() {
		switch hf.Name { // the Framer has checked that names are lower case
		case "range":
			r.rangeHdr = hf.Value
		case "if-range":
			r.ifRange = hf.Value
		case "if-none-match":
			r.ifNoneMatch = hf.Value
		}
	}
	id := f.StreamID
	h.mu.Lock()
	if h.frozen {
		// A dead peer never sees the request.
		h.mu.Unlock()
		return
	}
	st := &h2stream{id: id, win: h.initWin, gone: make(chan struct{})}
	h.streams[id] = st
	h.mu.Unlock()
	h.handlers.Add(1)
	go func() {
		defer h.handlers.Done()
		h.s.serve(&h2wire{h: h, st: st, freezeAt: -1}, r)
		h.mu.Lock()
		delete(h.streams, id)
		h.mu.Unlock()
	}()
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
func (h *h2conn) write(fn func() error) error { return h.writeThen(fn, false) }

// writeThen is write, and with freeze it freezes the connection before the
// write lock is let go, so that no frame can follow the ones fn wrote.
func (h *h2conn) writeThen(fn func() error, freeze bool) error {
	h.wmu.Lock()
	// frozen is read under wmu, which freezing holds: a frame that waited
	// for the lock while the connection froze is not sent.
	h.mu.Lock()
	frozen := h.frozen
	h.mu.Unlock()
	if frozen {
		h.wmu.Unlock()
		return errFrozen
	}
	err := fn()
	if err == nil {
		err = h.bw.Flush()
	}
	if err == nil && freeze {
		h.mu.Lock()
		h.frozen = true
		h.mu.Unlock()
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
	h        *h2conn
	st       *h2stream
	sent     int // body bytes reserved so far
	freezeAt int // armFreeze's n; -1 when not armed
}

func (w *h2wire) armFreeze(n int) { w.freezeAt = n }

func (w *h2wire) header(status int, hs []header, end bool) error {
	h := w.h
	h.mu.Lock()
	maxFrame, done := h.maxFrame, w.st.done
	h.mu.Unlock()
	if done {
		return errStreamReset
	}
	return h.writeThen(func() error {
		h.hbuf.Reset()
		h.henc.WriteField(hpack.HeaderField{Name: ":status", Value: strconv.Itoa(status)})
		for _, f := range hs {
			h.henc.WriteField(hpack.HeaderField{Name: strings.ToLower(f.name), Value: f.value})
		}
		block := h.hbuf.Bytes()
		first := block[:min(len(block), maxFrame)]
		rest := block[len(first):]
		err := h.fr.WriteHeaders(http2.HeadersFrameParam{
			StreamID:      w.st.id,
			BlockFragment: first,
			EndStream:     end,
			EndHeaders:    len(rest) == 0,
		})
		for err == nil && len(rest) > 0 {
			frag := rest[:min(len(rest), maxFrame)]
			rest = rest[len(frag):]
			err = h.fr.WriteContinuation(w.st.id, len(rest) == 0, frag)
		}
		return err
	}, w.freezeAt == 0)
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
		w.sent += n
		err = h.writeThen(func() error {
			for len(chunk) > 0 {
				k := min(len(chunk), maxFrame)
				last := end && len(p) == 0 && k == len(chunk)
				if err := h.fr.WriteData(w.st.id, last, chunk[:k]); err != nil {
					return err
				}
				chunk = chunk[k:]
			}
			return nil
		}, w.sent == w.freezeAt)
		if err != nil {
			sent(-len(chunk))
			return err
		}
	}
	return nil
}

// resetWith sends RST_STREAM unless the stream is already over.
func (w *h2wire) resetWith(code http2.ErrCode) {
	h := w.h
	h.mu.Lock()
	done := w.st.done
	h.endStreamLocked(w.st)
	h.mu.Unlock()
	if !done {
		h.write(func() error { return h.fr.WriteRSTStream(w.st.id, code) })
	}
}

func (w *h2wire) refuse() { w.resetWith(http2.ErrCodeRefusedStream) }
func (w *h2wire) reset()  { w.resetWith(http2.ErrCodeInternal) }

// goAway tells the client that this stream was never processed, then
// closes the connection, as a server shutting down abruptly would.
func (w *h2wire) goAway() {
	h := w.h
	last := uint32(0)
	if w.st.id > 2 {
		last = w.st.id - 2
	}
	h.wmu.Lock()
	err := h.fr.WriteGoAway(last, http2.ErrCodeNo, []byte("faultserver: goaway"))
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
	w.resetWith(http2.ErrCodeCancel)
}

// freeze makes the whole connection go silent, as a peer that died or a path
// that drops every packet would: no frame leaves it any more, not even the
// acknowledgement of a PING, and new streams go unanswered. Resetting this
// stream does not revive the connection. After d (never if 0) or when the
// client closes the connection or the server closes, it is closed.
func (w *h2wire) freeze(d time.Duration) {
	h := w.h
	// armFreeze has usually frozen it already, with the last byte; under
	// the write lock no frame is cut in half.
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
