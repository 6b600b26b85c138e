package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/pyget/pyget/internal/archive"
	"github.com/pyget/pyget/internal/fsutil"
)

const (
	copyBufSize   = 256 << 10
	progressEvery = 100 * time.Millisecond
	progressBytes = 1 << 20
)

// transfer is one Start: the partial it builds on (whose state outlives the
// attempts, which is what makes an attempt safe to call again) and this
// run's accounting.
type transfer struct {
	f *Fetcher
	s *Stream
	t Target
	p *partial

	// mu guards attempts, faults and the progress events' marks while
	// segments run on several goroutines.
	mu       sync.Mutex
	attempts int
	faults   int
	// connections is the most connections one segmented run used (0:
	// none ran).
	connections int
	mismatches  int          // digest mismatches so far: the first one is retried from zero
	high        int64        // the highest offset written on one connection in this run: progress
	gained      atomic.Int64 // bytes segments wrote in this run: progress too
	wire        atomic.Int64 // body bytes received over the network in this run
	lastURL     string       // the source of the latest attempt
	lastEvOff   int64        // where the last progress event was
	lastEvTime  time.Time
	buf         []byte

	// toSegments: the latest attempt split the rest of the file into
	// segments instead of reading its body (segments.go).
	toSegments bool
	// unsegmented: this source's segments stopped; it goes on with one
	// connection.
	unsegmented bool
	// segCandidate: the response being read could hand the rest to
	// segments once warmedUp says they pay; segFrom and segSince are
	// where and when it began.
	segCandidate bool
	segFrom      int64
	segSince     time.Time
	// warmRate is the one connection's rate the warm-up measured (bytes
	// per second; 0: none), the base connGrowth judges more against;
	// segFirstAt and segFirstOff are when its first read of the
	// network ended (the bytes sniff put back aside), and at which
	// offset: that read may bring a burst the server's and the kernel's
	// buffers held, not the link's rate.
	warmRate    float64
	segFirstAt  time.Time
	segFirstOff int64
}

// warmedUp decides, once the response has brought segmentWarmup bytes,
// whether the rest goes in segments: only when, at the rate seen, it would
// take longer than segmentWorth on this one connection. A link that one
// connection already fills (loopback, a LAN mirror) gains nothing from
// more, and the extractor, which reads in order, would wait on the first
// segment's share of it.
//
// It decides at segmentWarmup bytes, or sooner once segmentWarmupTime has
// passed with at least minWarmupRead bytes: on a link slow enough for
// segments to pay, the other connections would idle for the whole
// warm-up (at 5 MB/s a fifth of a second for 1 MiB).
func (x *transfer) warmedUp() bool {
	read := x.p.off - x.segFrom
	elapsed := x.f.hooks.now().Sub(x.segSince)
	if read < x.f.hooks.segmentWarmup && (read < minWarmupRead || elapsed < x.f.hooks.segmentWarmupTime) {
		return false
	}
	x.segCandidate = false // decided once per response
	rest := x.p.total - x.p.off
	x.warmRate = 0
	if rest < 2*x.f.hooks.minSegment {
		return false
	}
	// The rate after the first read: that one may be a burst the
	// server's and the kernel's buffers held, not the link's rate.
	if d := x.f.hooks.now().Sub(x.segFirstAt); !x.segFirstAt.IsZero() && d > 0 {
		x.warmRate = float64(x.p.off-x.segFirstOff) / d.Seconds()
	}
	return time.Duration(float64(rest)/float64(read)*float64(elapsed)) > segmentWorth
}

// progress is what the retry budget watches: bytes never held before in
// this run, on one connection or in segments.
func (x *transfer) progress() int64 { return x.high + x.gained.Load() }

func newTransfer(f *Fetcher, s *Stream, t Target) *transfer {
	return &transfer{f: f, s: s, t: t, buf: make([]byte, copyBufSize)}
}

func (x *transfer) event(kind EventKind, u string) Event {
	return Event{Kind: kind, Name: x.t.Name, URL: u, Done: x.p.off, Prefix: x.p.off, Total: max(x.p.total, 0), Attempt: x.attempts}
}

func (x *transfer) run(ctx context.Context) (res Result, err error) {
	ctx, cancel := context.WithTimeout(ctx, x.f.cfg.Deadline)
	defer cancel()

	dir := x.f.downloadsDir()
	key := partialKey(x.t)
	release, err := fsutil.Lock(ctx, filepath.Join(dir, key+".lock"), "its partial file", 0, nil)
	if err != nil {
		if ctx.Err() != nil {
			return Result{}, x.ctxErr(ctx, 0)
		}
		return Result{}, fmt.Errorf("download %s: %w", x.t.Name, local(err))
	}
	defer release()

	// Another process may have finished it while we waited for the lock.
	if file, size, ok := x.f.openCached(x.t); ok {
		return x.f.serveCached(x.s, x.t, file, size), nil
	}
	x.f.sweep(key)

	p, err := openPartial(dir, x.t)
	if err != nil {
		return Result{}, fmt.Errorf("download %s: resume partial: %w", x.t.Name, err)
	}
	x.p = p
	defer p.close()
	x.s.setFile(p.file)
	x.s.publish(p.off)
	x.f.emit(x.event(EventStart, x.t.URL))
	defer func() {
		if err != nil {
			p.save()
		}
	}()

	var failures []*SourceError
	for i, u := range x.f.sources(x.t.URL) {
		if i > 0 {
			ev := x.event(EventMirror, u)
			ev.Err = failures[len(failures)-1]
			ev.Message = fmt.Sprintf("trying %s from %s", u, HumanBytes(p.off))
			x.f.emit(ev)
		}
		err := x.fromSource(ctx, u)
		switch {
		case err == nil:
			return x.complete()
		case ctx.Err() != nil:
			return Result{}, x.ctxErr(ctx, p.off)
		case classify(err) == stop:
			return Result{}, fmt.Errorf("download %s: %w", x.t.Name, err)
		}
		failures = append(failures, &SourceError{URL: u, Err: err})
	}
	return Result{}, &TransferError{Name: x.t.Name, Sources: failures}
}

func (x *transfer) ctxErr(ctx context.Context, at int64) error {
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("download %s: gave up after the overall deadline of %v at %s: %w",
			x.t.Name, x.f.cfg.Deadline, HumanBytes(at), ctx.Err())
	}
	return fmt.Errorf("download %s: stopped at %s (partial kept): %w", x.t.Name, HumanBytes(at), ctx.Err())
}

// fromSource runs the retry loop against one URL until the body is
// complete and verified, or the loop gives the source up. When an attempt
// hands the rest of the file to segments, or the partial holds segments
// from an earlier run or source, the segments run (runSegments) and the
// loop supervises each of their connections; when the segmenting stops,
// the transfer goes on here on one connection.
func (x *transfer) fromSource(ctx context.Context, u string) error {
	x.unsegmented = false
	for {
		if x.p.segmented() {
			err := x.runSegments(ctx, u)
			if errors.Is(err, errUnsegmented) {
				continue
			}
			if err != nil {
				return err
			}
			x.lastURL = u
			if err := x.verify(); err != nil {
				if rerr := x.restart(); rerr != nil {
					return rerr
				}
				if classify(err) != retry {
					return err
				}
				// A first mismatch: once more from zero, reported as the
				// one-connection path's retry loop reports it.
				x.faults++
				ev := x.event(EventFault, u)
				ev.Err, ev.Message = err, describe(err)+"; restarting from zero"
				x.f.emit(ev)
				continue
			}
			return nil
		}
		x.toSegments = false
		err := x.f.retryLoop(ctx, retryRun{
			attempts: &x.attempts,
			attempt:  func(ctx context.Context) error { return x.attempt(ctx, u) },
			progress: x.progress,
			onFault: func() Event {
				x.faults++
				x.p.save()
				return x.event(EventFault, u)
			},
		})
		if err != nil || !x.toSegments {
			return err
		}
	}
}

// attempt is one request and as much of its body as arrives, and the
// digest check when the body is whole. A failure that shows the bytes on
// disk are wrong (a range that does not continue them, a body longer than
// announced, a digest mismatch) discards them here, the one place that
// does.
func (x *transfer) attempt(ctx context.Context, u string) error {
	x.lastURL = u
	var err error
	if strings.HasPrefix(u, "file:") {
		err = x.fromFile(ctx, u)
	} else {
		err = x.fromHTTP(ctx, u)
	}
	if err == nil && !x.toSegments {
		err = x.verify()
	}
	var re *rangeError
	var de *DigestError
	if errors.As(err, &re) || errors.As(err, &de) {
		if rerr := x.restart(); rerr != nil {
			return rerr
		}
	}
	return err
}

func (x *transfer) fromHTTP(ctx context.Context, u string) error {
	start := x.p.off
	hdr := http.Header{}
	if start > 0 {
		hdr.Set("Range", fmt.Sprintf("bytes=%d-", start))
		if v := x.p.val.ifRange(u); v != "" {
			hdr.Set("If-Range", v)
		}
	}
	return x.f.do(ctx, u, hdr, func(resp *http.Response, tick func()) error {
		d := judge(responseOf(resp), start, x.p.total, x.t.Size)
		switch d.act {
		case badStatus:
			return x.f.statusError(u, resp)
		case notArchive:
			return &NotArchiveError{URL: u, Reason: d.why}
		case badRange:
			return &rangeError{URL: u, Detail: d.why}
		case complete:
			x.p.total = d.total
			return nil
		}
		x.segCandidate = x.segmentable(resp, d, start)
		if x.segCandidate && x.f.hooks.segmentWarmup <= 0 {
			// The rest goes in segments, on fresh connections: this
			// response is left unread, which costs what the server
			// already put in flight, not a byte more.
			if err := x.adopt(u, d, start); err != nil {
				return err
			}
			x.p.split()
			x.toSegments = true
			return nil
		}
		body := io.Reader(resp.Body)
		if d.act == restartBody || start == 0 {
			var err error
			if body, err = x.sniff(u, body, tick); err != nil {
				return err
			}
		}
		if err := x.adopt(u, d, start); err != nil {
			return err
		}
		x.segFrom, x.segSince, x.segFirstAt = x.p.off, x.f.hooks.now(), time.Time{}
		return x.copyBody(u, body, tick, true)
	})
}

// adopt makes the response judged d, from u for a request at start, the
// one the partial's bytes follow: a whole file where a resume was asked
// restarts the partial from zero, and the size and validator become the
// response's.
func (x *transfer) adopt(u string, d decision, start int64) error {
	if d.act == restartBody {
		if err := x.takeFromZero(u, fmt.Sprintf("server sent the whole file instead of resuming at %s (file changed or Range ignored)", HumanBytes(start))); err != nil {
			return err
		}
	}
	x.p.total = d.total
	x.p.val = d.val
	x.p.val.URL = u
	return nil
}

// sniffLen is how many bytes sniff reads, and the body's first read
// returns alone.
const sniffLen = 4

// sniff checks that a body from byte zero starts like an archive, when the
// target's name says it is one: an error page served as
// application/octet-stream has no other tell. It returns the body with the
// bytes it read put back.
func (x *transfer) sniff(u string, body io.Reader, tick func()) (io.Reader, error) {
	if _, err := archive.FormatOf(x.t.URL); err != nil {
		return body, nil
	}
	var magic [sniffLen]byte
	n, err := io.ReadFull(body, magic[:])
	if n > 0 {
		tick()
	}
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, &NotArchiveError{URL: u, Reason: fmt.Sprintf("body of only %d bytes", n)}
		}
		return nil, err
	}
	if _, ok := archive.Sniff(magic[:]); !ok {
		return nil, &NotArchiveError{URL: u, Reason: fmt.Sprintf("starts with % x, not an archive signature", magic[:])}
	}
	return io.MultiReader(bytes.NewReader(magic[:]), body), nil
}

func (x *transfer) fromFile(ctx context.Context, u string) error {
	p, err := FileURLPath(u)
	if err != nil {
		return err
	}
	src, err := os.Open(p)
	if err != nil {
		return err
	}
	defer src.Close()
	fi, err := src.Stat()
	if err != nil {
		return err
	}
	size := fi.Size()
	if x.t.Size > 0 && size != x.t.Size {
		return &NotArchiveError{URL: u, Reason: fmt.Sprintf("%d bytes, want %d", size, x.t.Size)}
	}
	if x.p.off > size || (x.p.total >= 0 && size != x.p.total) {
		if err := x.takeFromZero(u, fmt.Sprintf("%s holds %s, not the file the partial's %s come from", p, HumanBytes(size), HumanBytes(x.p.off))); err != nil {
			return err
		}
	}
	x.p.total = size
	return x.f.withIdle(ctx, u, func(ctx context.Context, tick func()) error {
		return x.copyBody(u, &ctxReader{ctx: ctx, r: io.NewSectionReader(src, x.p.off, size-x.p.off)}, tick, false)
	})
}

// copyBody appends the body to the partial until it ends, which must be at
// the total size when one is known; network says its bytes count as
// received over the network.
func (x *transfer) copyBody(u string, body io.Reader, tick func(), network bool) error {
	for {
		n, err := body.Read(x.buf)
		if n > 0 {
			tick()
			if werr := x.write(x.buf[:n]); werr != nil {
				return werr
			}
			if network {
				x.wire.Add(int64(n))
				if x.segCandidate && x.segFirstAt.IsZero() && x.p.off-x.segFrom > sniffLen {
					x.segFirstAt, x.segFirstOff = x.f.hooks.now(), x.p.off
				}
				if x.segCandidate && x.warmedUp() {
					// The rest goes in segments; this response is
					// left unread from here.
					x.p.split()
					x.toSegments = true
					return nil
				}
			}
		}
		if err == io.EOF {
			switch off, total := x.p.off, x.p.total; {
			case total >= 0 && off < total:
				return &shortBodyError{URL: u, Got: off, Want: total}
			case total >= 0 && off > total:
				return &rangeError{URL: u, Detail: "body longer than announced"}
			}
			x.p.total = x.p.off
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// write appends b to the partial and accounts for it: progress, readers,
// progress events.
func (x *transfer) write(b []byte) error {
	if err := x.p.write(b); err != nil {
		return err
	}
	off := x.p.off
	// Progress is a byte never held before in this transfer: bytes fetched
	// again after a restart from zero do not reset the retry budget, or a
	// server that ignores Range and always cuts at the same place would be
	// retried until the deadline.
	x.high = max(x.high, off)
	x.s.publish(off)
	// By time, and by bytes too: on a fast link a whole archive can arrive
	// between two ticks, and a stall right after would freeze a stale count.
	if now := time.Now(); now.Sub(x.lastEvTime) >= progressEvery || off-x.lastEvOff >= progressBytes {
		x.lastEvTime, x.lastEvOff = now, off
		x.f.emit(x.event(EventProgress, ""))
	}
	return nil
}

// restart discards the partial. Readers that returned bytes of it get
// ErrRestarted; the stream is told first, so none trusts bytes read across
// the truncation.
func (x *transfer) restart() error {
	if x.p.off > 0 {
		x.s.restart()
	}
	return x.p.restart()
}

// takeFromZero discards the partial because the source is about to send
// the whole file again, and reports it as a recovered fault.
func (x *transfer) takeFromZero(u, why string) error {
	if x.p.off == 0 {
		return nil
	}
	if err := x.restart(); err != nil {
		return err
	}
	x.faults++
	ev := x.event(EventFault, u)
	ev.Message = why + "; restarting from zero"
	x.f.emit(ev)
	return nil
}

// verify checks the whole body's digest. A first mismatch is retried from
// zero (DigestError.again); a second one is final for this source.
func (x *transfer) verify() error {
	got := x.p.digest()
	if x.t.SHA256 == "" || got == x.t.SHA256 {
		return nil
	}
	x.mismatches++
	return &DigestError{Name: x.t.Name, Want: x.t.SHA256, Got: got, again: x.mismatches == 1}
}

// complete moves the verified partial to its final name: the archive
// exists under <cache>/archives only when whole and verified.
func (x *transfer) complete() (Result, error) {
	sum := x.p.digest()
	final := x.f.ArchivePath(sum)
	if err := x.s.swapFile(func(*os.File) (*os.File, error) { return x.p.commit(final) }); err != nil {
		return Result{}, fmt.Errorf("download %s: %w", x.t.Name, err)
	}
	x.f.emit(x.event(EventProgress, ""))
	x.f.emit(x.event(EventDone, x.t.URL))
	return Result{Path: final, URL: x.lastURL, SHA256: sum, Size: x.p.off, Faults: x.faults, WireBytes: x.wire.Load(), Connections: max(1, x.connections)}, nil
}

type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c *ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
