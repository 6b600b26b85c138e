package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

const (
	// The pipe between the decompressor goroutine and the file writer holds
	// at most pipeChunks*chunkSize bytes: enough to ride out a slow fsync-less
	// write burst without letting memory grow with the archive.
	chunkSize  = 256 << 10
	pipeChunks = 16

	// zstd's own default cap on windows (--long aside). python-build-standalone
	// compresses its full archives at level 22, which uses a 128 MiB window, so
	// anything lower would refuse real archives.
	zstdMaxWindow = 128 << 20
)

// sourceReader remembers the first error of the caller's reader so that it
// can be reported as such (wrapped, for errors.Is) rather than as whatever a
// decoder turned it into, and the first bytes so that a wrong stream can be
// described ("an HTML page").
type sourceReader struct {
	r     io.Reader
	err   error
	sniff []byte
}

func (s *sourceReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	if len(s.sniff) < 64 {
		s.sniff = append(s.sniff, p[:min(n, 64-len(s.sniff))]...)
	}
	if err != nil && err != io.EOF && s.err == nil {
		s.err = err
	}
	return n, err
}

func (s *sourceReader) describe() string {
	t := bytes.ToLower(bytes.TrimSpace(s.sniff))
	switch {
	case len(s.sniff) == 0:
		return "empty input"
	case bytes.HasPrefix(t, []byte("<!doctype html")), bytes.HasPrefix(t, []byte("<html")):
		return "looks like an HTML page"
	case bytes.HasPrefix(t, []byte("<")):
		return "looks like XML or HTML"
	case bytes.HasPrefix(t, []byte("{")):
		return "looks like JSON"
	case bytes.HasPrefix(s.sniff, []byte("\x28\xb5\x2f\xfd")):
		return "looks like zstd data"
	case bytes.HasPrefix(s.sniff, []byte("\x1f\x8b")):
		return "looks like gzip data"
	case bytes.HasPrefix(s.sniff, []byte("PK\x03\x04")):
		return "looks like a zip file"
	}
	return fmt.Sprintf("starts with %q", s.sniff[:min(len(s.sniff), 8)])
}

type chunk struct {
	b   []byte
	n   int
	err error // set on the last chunk: io.EOF or the failure
}

// pipe runs the decompressor in its own goroutine so that inflating the next
// megabytes overlaps with writing the current files, as `curl | tar -xz`
// gets from running gzip in its own process. Chunks circulate between a free
// list and a full queue, so memory is fixed.
type pipe struct {
	ctx  context.Context
	full chan *chunk
	free chan *chunk
	done chan struct{}
	wg   sync.WaitGroup

	cur     *chunk
	off     int
	zeros   int   // trailing zero bytes delivered, to spot a missing end-of-archive marker
	total   int64 // decompressed bytes delivered
	failure error // the producer's terminal error, other than io.EOF
}

func startPipe(ctx context.Context, src *sourceReader, f Format) *pipe {
	p := &pipe{
		ctx:  ctx,
		full: make(chan *chunk, pipeChunks),
		free: make(chan *chunk, pipeChunks),
		done: make(chan struct{}),
	}
	for range pipeChunks {
		p.free <- &chunk{b: make([]byte, chunkSize)}
	}
	p.wg.Add(1)
	go p.produce(src, f)
	return p
}

// stop returns once the producer has exited, so r is never read after
// Extract returns.
func (p *pipe) stop() {
	close(p.done)
	p.wg.Wait()
}

func (p *pipe) produce(src *sourceReader, f Format) {
	defer p.wg.Done()
	dec, closeDec, err := newDecoder(src, f)
	if err != nil {
		p.send(&chunk{err: classify(err, src, f, 0)})
		return
	}
	defer closeDec()
	var produced int64
	for {
		var c *chunk
		select {
		case c = <-p.free:
		case <-p.done:
			return
		}
		c.n, c.err = 0, nil
		for c.n < len(c.b) && c.err == nil {
			var n int
			n, c.err = dec.Read(c.b[c.n:])
			c.n += n
		}
		produced += int64(c.n)
		if c.err != nil && c.err != io.EOF {
			c.err = classify(c.err, src, f, produced)
		}
		if !p.send(c) || c.err != nil {
			return
		}
	}
}

func (p *pipe) send(c *chunk) bool {
	select {
	case p.full <- c:
		return true
	case <-p.done:
		return false
	}
}

func newDecoder(src *sourceReader, f Format) (io.Reader, func(), error) {
	switch f {
	case TarGz:
		zr, err := gzip.NewReader(src)
		if err != nil {
			return nil, nil, err
		}
		// Multistream is the default; being explicit because pigz/parallel
		// compressors emit several members and all of them must be read.
		zr.Multistream(true)
		return zr, func() { zr.Close() }, nil
	case TarZst:
		zr, err := zstd.NewReader(src,
			zstd.WithDecoderLowmem(true),
			// The pipe already gives us the overlap; a single decoding
			// goroutine keeps memory to one window.
			zstd.WithDecoderConcurrency(1),
			zstd.WithDecoderMaxWindow(zstdMaxWindow),
		)
		if err != nil {
			return nil, nil, err
		}
		return zr, zr.Close, nil
	}
	return nil, nil, fmt.Errorf("unsupported stream format %s", f)
}

// classify turns a decoder failure into an error that names the problem,
// preferring the caller's own reader error when there was one.
func classify(err error, src *sourceReader, f Format, produced int64) error {
	if src.err != nil {
		return fmt.Errorf("reading archive: %w", src.err)
	}
	var flateErr flate.CorruptInputError
	switch {
	case f == TarGz && (errors.Is(err, gzip.ErrHeader) || (produced == 0 && err == io.EOF)):
		if produced == 0 {
			return corrupt("not a gzip stream ("+src.describe()+")", err)
		}
		return corrupt("corrupt gzip stream: bad member header", err)
	case f == TarZst && errors.Is(err, zstd.ErrMagicMismatch):
		if produced == 0 {
			return corrupt("not a zstd stream ("+src.describe()+")", err)
		}
		return corrupt("corrupt zstd stream: bad frame header", err)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return corrupt("truncated archive: the "+f.String()+" stream ends early", err)
	case errors.Is(err, gzip.ErrChecksum):
		return corrupt("corrupt gzip stream: checksum mismatch", err)
	case errors.As(err, &flateErr):
		return corrupt("corrupt gzip stream", err)
	case errors.Is(err, zstd.ErrWindowSizeExceeded):
		return corrupt(fmt.Sprintf("unsupported zstd stream: window larger than %d MiB", zstdMaxWindow>>20), err)
	case f == TarZst:
		return corrupt("corrupt zstd stream", err)
	}
	return corrupt("corrupt gzip stream", err)
}

func (p *pipe) Read(b []byte) (int, error) {
	for {
		if c := p.cur; c != nil {
			if p.off < c.n {
				n := copy(b, c.b[p.off:c.n])
				p.off += n
				p.total += int64(n)
				p.trackZeros(b[:n])
				return n, nil
			}
			if c.err != nil {
				return 0, c.err
			}
			p.free <- c // never blocks: free has room for every chunk
			p.cur = nil
		}
		select {
		case c := <-p.full:
			p.cur, p.off = c, 0
			if c.err != nil && c.err != io.EOF {
				p.failure = c.err
			}
		case <-p.ctx.Done():
			return 0, p.ctx.Err()
		}
	}
}

func (p *pipe) trackZeros(b []byte) {
	i := len(b) - 1
	for i >= 0 && b[i] == 0 {
		i--
	}
	if i < 0 {
		p.zeros += len(b)
	} else {
		p.zeros = len(b) - 1 - i
	}
}
