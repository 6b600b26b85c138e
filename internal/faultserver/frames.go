package faultserver

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"io"
)

// A minimal HTTP/2 frame codec (RFC 9113 §4, §6). golang.org/x/net/http2
// would pull golang.org/x/text into the module graph, which go.sum lacks;
// the framing itself is small, and hpack is used from x/net.

const prefaceStr = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"

type frameType uint8

const (
	frameData         frameType = 0x0
	frameHeaders      frameType = 0x1
	framePriority     frameType = 0x2
	frameRSTStream    frameType = 0x3
	frameSettings     frameType = 0x4
	framePushPromise  frameType = 0x5
	framePing         frameType = 0x6
	frameGoAway       frameType = 0x7
	frameWindowUpdate frameType = 0x8
	frameContinuation frameType = 0x9
)

const (
	flagEndStream  = 0x1
	flagAck        = 0x1
	flagEndHeaders = 0x4
	flagPadded     = 0x8
	flagPriority   = 0x20
)

// h2Code is an HTTP/2 error code.
type h2Code uint32

const (
	codeNo          h2Code = 0x0
	codeProtocol    h2Code = 0x1
	codeInternal    h2Code = 0x2
	codeFrameSize   h2Code = 0x6
	codeRefused     h2Code = 0x7
	codeCancel      h2Code = 0x8
	codeCompression h2Code = 0x9
)

const (
	settingHeaderTableSize   = 0x1
	settingMaxConcurrent     = 0x3
	settingInitialWindowSize = 0x4
	settingMaxFrameSize      = 0x5
)

// ourMaxFrame is the frame size we accept (the protocol default, which we
// never raise).
const ourMaxFrame = 16384

type frame struct {
	typ     frameType
	flags   uint8
	stream  uint32
	payload []byte // valid until the next read
}

// connError is a fatal protocol error: GOAWAY with code, then close.
type connError struct {
	code h2Code
	msg  string
}

func (e *connError) Error() string {
	return fmt.Sprintf("http2 connection error %d: %s", e.code, e.msg)
}

type frameReader struct {
	r   *bufio.Reader
	hdr [9]byte
	buf []byte
}

func (fr *frameReader) read() (frame, error) {
	if _, err := io.ReadFull(fr.r, fr.hdr[:]); err != nil {
		return frame{}, err
	}
	n := int(fr.hdr[0])<<16 | int(fr.hdr[1])<<8 | int(fr.hdr[2])
	if n > ourMaxFrame {
		return frame{}, &connError{codeFrameSize, "frame too large"}
	}
	if cap(fr.buf) < n {
		fr.buf = make([]byte, n, ourMaxFrame)
	}
	p := fr.buf[:n]
	if _, err := io.ReadFull(fr.r, p); err != nil {
		return frame{}, err
	}
	return frame{
		typ:     frameType(fr.hdr[3]),
		flags:   fr.hdr[4],
		stream:  binary.BigEndian.Uint32(fr.hdr[5:9]) & 0x7fffffff,
		payload: p,
	}, nil
}

// stripPadding removes a PADDED frame's pad length byte and padding.
func stripPadding(f frame) ([]byte, error) {
	p := f.payload
	if f.flags&flagPadded == 0 {
		return p, nil
	}
	if len(p) < 1 || int(p[0]) > len(p)-1 {
		return nil, &connError{codeProtocol, "bad padding"}
	}
	return p[1 : len(p)-int(p[0])], nil
}

type frameWriter struct {
	w   *bufio.Writer
	hdr [9]byte
}

func (fw *frameWriter) write(t frameType, flags uint8, stream uint32, payload ...[]byte) error {
	n := 0
	for _, p := range payload {
		n += len(p)
	}
	h := fw.hdr[:]
	h[0], h[1], h[2] = byte(n>>16), byte(n>>8), byte(n)
	h[3], h[4] = byte(t), flags
	binary.BigEndian.PutUint32(h[5:], stream)
	if _, err := fw.w.Write(h); err != nil {
		return err
	}
	for _, p := range payload {
		if _, err := fw.w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

func u32(v uint32) []byte { return binary.BigEndian.AppendUint32(nil, v) }

func (fw *frameWriter) settings(ack bool, kv ...uint32) error {
	if ack {
		return fw.write(frameSettings, flagAck, 0)
	}
	var p []byte
	for i := 0; i+1 < len(kv); i += 2 {
		p = binary.BigEndian.AppendUint16(p, uint16(kv[i]))
		p = binary.BigEndian.AppendUint32(p, kv[i+1])
	}
	return fw.write(frameSettings, 0, 0, p)
}

func (fw *frameWriter) rst(stream uint32, code h2Code) error {
	return fw.write(frameRSTStream, 0, stream, u32(uint32(code)))
}

func (fw *frameWriter) goAway(last uint32, code h2Code, debug string) error {
	return fw.write(frameGoAway, 0, 0, u32(last), u32(uint32(code)), []byte(debug))
}

func (fw *frameWriter) windowUpdate(stream, inc uint32) error {
	return fw.write(frameWindowUpdate, 0, stream, u32(inc))
}
