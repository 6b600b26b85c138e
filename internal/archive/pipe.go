package archive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

const (
	// The pipe between the decompressor goroutine and the file writer holds
	// at most pipeChunks*chunkSize bytes: enough to ride out a slow fsync-less
	// write burst without letting memory grow with the archive. With file
	// writers, the chunks are also the buffers handed to them (no copy), so
	// a chunk returns to the pool only when every file it feeds is written.
	chunkSize  = 256 << 10
	pipeChunks = 32

	// zstd's own default cap on windows (--long aside). python-build-standalone
	// compresses its full archives at level 22, which uses a 128 MiB window, so
	// anything lower would refuse real archives.
	zstdMaxWindow = 128 << 20

	// The caller's reader is read ahead in blocks on a goroutine of its
	// own: whatever reading it costs (a cached archive's sha256, pread,
	// waiting for the network) stays off the inflating goroutine.
	readAheadBlock  = 256 << 10
	readAheadBlocks = 4
	// The decoder's buffer over the read-ahead blocks (klauspost's flate
	// has a fast path for *bufio.Reader).
	decoderBufSize = 64 << 10
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

	// refs counts the holders of the chunk: the reader while it is the
	// current chunk, and each segment handed to a file writer. The last
	// release puts it back on the free list.
	refs atomic.Int32
	free chan *chunk
}

func (c *chunk) release() {
	if c.refs.Add(-1) == 0 {
		c.free <- c // never blocks: free has room for every chunk
	}
}

// segment is a slice of a chunk's data that belongs to one file; the writer
// releases the chunk once it has written it.
type segment struct {
	c   *chunk
	off int
	n   int
}

func (s segment) bytes() []byte { return s.c.b[s.off : s.off+s.n] }

// errWritersFailed stops the reader once a file writer has failed; the
// writer's own error is what extract reports.
var errWritersFailed = errors.New("a file writer failed")

// pipe runs the decompressor in its own goroutine so that inflating the next
// megabytes overlaps with writing the current files, as `curl | tar -xz`
// gets from running gzip in its own process. Chunks circulate between a free
// list and a full queue, so memory is fixed.
//
// A file's data can be routed instead of read (route): whatever consumes the
// bytes of that range (the tar reader's Read or its Seek past unread data)
// hands them to the file's writer as segments of the chunks themselves, so
// the decompressor's output reaches write(2) without another copy, and the
// tar reader only ever copies headers.
type pipe struct {
	ctx   context.Context
	full  chan *chunk
	free  chan *chunk
	done  chan struct{}
	abort <-chan struct{} // closed when a file writer failed; nil without writers
	wg    sync.WaitGroup

	cur     *chunk
	off     int
	zeros   int   // trailing zero bytes delivered, to spot a missing end-of-archive marker
	total   int64 // decompressed bytes delivered
	failure error // the producer's terminal error, other than io.EOF

	sink     *fileJob // receives the next sinkLeft bytes consumed
	sinkLeft int64
	pending  segment // the sink's segment still growing in the current chunk
}

func startPipe(ctx context.Context, src *sourceReader, f Format) *pipe {
	p := &pipe{
		ctx:  ctx,
		full: make(chan *chunk, pipeChunks),
		free: make(chan *chunk, pipeChunks),
		done: make(chan struct{}),
	}
	for range pipeChunks {
		p.free <- &chunk{b: make([]byte, chunkSize), free: p.free}
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
	// The read-ahead sits under sourceReader, so that what sourceReader
	// remembers (the first error, the first bytes) is what the decoder met.
	src.r = p.readAhead(src.r)
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
		c.refs.Store(1) // the reader's
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

func newDecoder(src io.Reader, f Format) (io.Reader, func(), error) {
	switch f {
	case TarGz:
		zr, err := gzip.NewReader(bufio.NewReaderSize(src, decoderBufSize))
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

// block is one read of the caller's reader.
type block struct {
	b   []byte
	n   int
	err error
}

// readAheadReader serves the blocks the read-ahead goroutine filled.
type readAheadReader struct {
	full, free chan *block
	done       <-chan struct{}
	cur        *block
	off        int
}

// readAhead starts reading src on its own goroutine (stopped and waited for
// by stop, like the producer) and returns the reader of what it read.
func (p *pipe) readAhead(src io.Reader) io.Reader {
	ra := &readAheadReader{
		full: make(chan *block, readAheadBlocks),
		free: make(chan *block, readAheadBlocks),
		done: p.done,
	}
	for range readAheadBlocks {
		ra.free <- &block{b: make([]byte, readAheadBlock)}
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		for {
			var b *block
			select {
			case b = <-ra.free:
			case <-p.done:
				return
			}
			// One read, not a full block: the decoder gets bytes as soon
			// as they exist (a download in progress hands them out slowly).
			b.n, b.err = src.Read(b.b)
			select {
			case ra.full <- b:
			case <-p.done:
				return
			}
			if b.err != nil {
				return
			}
		}
	}()
	return ra
}

func (ra *readAheadReader) Read(p []byte) (int, error) {
	for {
		if b := ra.cur; b != nil {
			if ra.off < b.n {
				n := copy(p, b.b[ra.off:b.n])
				ra.off += n
				return n, nil
			}
			if b.err != nil {
				return 0, b.err
			}
			ra.cur = nil
			ra.free <- b // never blocks: free has room for every block
		}
		select {
		case b := <-ra.full:
			ra.cur, ra.off = b, 0
		case <-ra.done:
			return 0, errStopped
		}
	}
}

var errStopped = errors.New("archive extraction stopped")

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
	c, err := p.current()
	if err != nil {
		return 0, err
	}
	n := copy(b, c.b[p.off:c.n])
	p.consume(c, n)
	return n, nil
}

// Seek skips forward (io.SeekCurrent only). archive/tar seeks past the data
// of a member it was not asked to read, which is how routed file data
// reaches its writer without a copy; Read would route it too, with one.
func (p *pipe) Seek(offset int64, whence int) (int64, error) {
	if whence != io.SeekCurrent || offset < 0 {
		return p.total, errors.New("archive stream: only forward seeks")
	}
	for offset > 0 {
		c, err := p.current()
		if err == io.EOF {
			err = io.ErrUnexpectedEOF // skipping into the end: a cut member
		}
		if err != nil {
			return p.total, err
		}
		n := int(min(offset, int64(c.n-p.off)))
		p.consume(c, n)
		offset -= int64(n)
	}
	return p.total, nil
}

// current returns the chunk holding the next unread byte.
func (p *pipe) current() (*chunk, error) {
	for {
		if c := p.cur; c != nil {
			if p.off < c.n {
				return c, nil
			}
			if c.err != nil {
				return nil, c.err
			}
			p.cur = nil
			c.release()
		}
		select {
		case c := <-p.full:
			p.cur, p.off = c, 0
			if c.err != nil && c.err != io.EOF {
				p.failure = c.err
			}
		case <-p.ctx.Done():
			return nil, p.ctx.Err()
		case <-p.abort:
			return nil, errWritersFailed
		}
	}
}

// consume marks the next n bytes of c as delivered, routing those that
// belong to the sink.
func (p *pipe) consume(c *chunk, n int) {
	off := p.off
	p.off += n
	p.total += int64(n)
	p.trackZeros(c.b[off:p.off])
	if p.sinkLeft == 0 {
		return
	}
	k := int(min(int64(n), p.sinkLeft))
	if p.pending.c == c && p.pending.off+p.pending.n == off {
		p.pending.n += k
	} else {
		p.flushSink()
		c.refs.Add(1)
		p.pending = segment{c: c, off: off, n: k}
	}
	p.sinkLeft -= int64(k)
	if p.sinkLeft == 0 {
		p.flushSink()
		close(p.sink.data)
		p.sink = nil
	}
}

// flushSink hands the pending segment to the sink. It never blocks: a
// file's segments each hold a distinct chunk (consecutive bytes of one chunk
// grow one segment), and its channel has room for every chunk.
func (p *pipe) flushSink() {
	if p.pending.c != nil {
		p.sink.data <- p.pending
		p.pending = segment{}
	}
}

// route sends the next size bytes consumed to job's writer, and closes its
// data channel after the last one.
func (p *pipe) route(job *fileJob, size int64) {
	if p.sinkLeft != 0 {
		panic("archive: routing a file while the previous one is unfinished")
	}
	if size == 0 {
		close(job.data)
		return
	}
	p.sink, p.sinkLeft = job, size
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
