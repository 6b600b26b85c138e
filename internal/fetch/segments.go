package fetch

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Segmented transfers: an archive of at least Config.SegmentThreshold, from
// a server that answered with a strong ETag and takes ranges, is fetched as
// up to Config.Connections ranges at once, each on its own TCP connection,
// once its first response shows that the rest would take more than
// segmentWorth on that one connection (transfer.warmedUp).
// Every segment writes at its offset in the one partial file; the partial's
// contiguous prefix (partial.off) is what the sha256 covers and what the
// Stream publishes, so the extractor still reads in order and nothing is
// hashed twice.
//
// Each connection is a worker running the one retry loop (retryLoop) over
// the segment it holds: the same judge reads every response and the same
// classify decides every failure. The budget counts progress across all
// segments (transfer.progress), so a connection that keeps failing while
// the others advance is not given up, and a transfer where none advances
// is. A worker whose loop gives up, or whose failure classify does not call
// transient, ends the segmented run; the transfer then moves to the next
// mirror with every segment kept, like a transfer on one connection keeps
// its prefix.
//
// A segment answered with a 200 (Range ignored, or If-Range found the file
// changed), with a validator other than the one the segments were written
// with, with a weak or no ETag, or with a range that does not fit stops the
// segmenting: the bytes past the prefix are dropped (the file is truncated
// to it), since nothing proves they belong to the same file, and the
// transfer continues on one connection from the prefix, where the existing
// If-Range rules take over.
//
// Last-Modified alone never qualifies: like aria2 and curl, pyget treats it
// as a weak validator (RFC 9110 §8.8.2.2: a date is strong only if the file
// could not change twice in its second), and bytes of two versions of a file
// stitched together would only be caught by the digest after the whole
// download.

const (
	// DefaultSegmentThreshold is Config.SegmentThreshold's default: below
	// it a second connection's handshake costs more than it saves.
	DefaultSegmentThreshold = 16 << 20
	// defaultMinSegment is the smallest piece a split leaves to either
	// side: a finished connection takes half of the largest remaining
	// segment only if each half is at least this.
	defaultMinSegment = 1 << 20
	// defaultSegmentWarmup is what the first response brings alone before
	// the transfer decides whether segments pay (transfer.warmedUp): at
	// 5 MB/s a fifth of a second.
	defaultSegmentWarmup = 1 << 20
	// segmentWorth: segments pay when the rest would take longer than
	// this on one connection.
	segmentWorth = time.Second
)

// errUnsegmented ends a segmented run that must continue on one
// connection (see above); it never leaves the transfer.
var errUnsegmented = errors.New("segmenting stopped")

// segment is one piece of a segmented transfer: [start, end), of which
// [start, start+written) is on disk. The first segment starts at the
// partial's prefix with written 0: its bytes extend the prefix directly.
type segment struct {
	start, end, written int64
	busy                bool // a worker holds it
}

func (g *segment) next() int64 { return g.start + g.written }
func (g *segment) left() int64 { return g.end - g.next() }

// newSegmentClient is the client for segment requests: c's transport, cloned
// to speak HTTP/1.1 only. Over HTTP/2 the transport would multiplex every
// segment onto one TCP connection, which a link that caps each connection
// (a CDN edge that paces responses, a long fat pipe, a shaping proxy) would
// cap as a whole; HTTP/1.1 gives each concurrent request its own connection,
// and a worker's next request reuses the idle one. A caller's own
// RoundTripper that is not an *http.Transport is used as it is.
func newSegmentClient(c *http.Client) *http.Client {
	tr, ok := c.Transport.(*http.Transport)
	if !ok {
		return c
	}
	t := tr.Clone()
	t.ForceAttemptHTTP2 = false
	t.Protocols = new(http.Protocols)
	t.Protocols.SetHTTP1(true)
	if t.TLSClientConfig != nil {
		var protos []string
		for _, p := range t.TLSClientConfig.NextProtos {
			if p != "h2" {
				protos = append(protos, p)
			}
		}
		t.TLSClientConfig.NextProtos = protos
	}
	t.MaxIdleConnsPerHost = 16
	sc := *c
	sc.Transport = t
	return &sc
}

// strongETag reports whether etag is a strong validator.
func strongETag(etag string) bool {
	return etag != "" && !strings.HasPrefix(etag, "W/")
}

// segmentable reports whether a response from offset start, judged d, lets
// the rest of the transfer go in segments.
func (x *transfer) segmentable(resp *http.Response, d decision, start int64) bool {
	return !x.unsegmented && x.f.cfg.Connections > 1 &&
		d.total >= x.f.cfg.SegmentThreshold && d.total-start >= 2*x.f.hooks.minSegment &&
		strongETag(d.val.ETag) &&
		(resp.StatusCode == http.StatusPartialContent || strings.EqualFold(strings.TrimSpace(resp.Header.Get("Accept-Ranges")), "bytes"))
}

// split divides [p.off, p.total) into up to n segments of at least
// minSize bytes and saves the sidecar before any of them writes a byte, so
// that a kill leaves no bytes past the prefix that the sidecar does not
// describe.
func (p *partial) split(n int, minSize int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rest := p.total - p.off
	k := int64(n)
	if minSize > 0 {
		k = max(1, min(k, rest/minSize))
	}
	p.segs = nil
	from := p.off
	for i := int64(0); i < k; i++ {
		to := p.off + rest*(i+1)/k
		p.segs = append(p.segs, &segment{start: from, end: to})
		from = to
	}
	p.saveLocked()
}

// segmented reports whether the partial holds segments.
func (p *partial) segmented() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return len(p.segs) > 0
}

// loadSegments restores a sidecar's segments over a file of size bytes; a
// list that does not partition [off, total) is dropped with the bytes past
// the prefix. The prefix then grows over what the segments hold.
func (p *partial) loadSegments(list []sidecarSegment, size int64) error {
	at := p.off
	ok := p.total > 0
	for _, s := range list {
		if !ok || s.Start != at || s.End <= s.Start || s.Written < 0 || s.Written > s.End-s.Start {
			ok = false
			break
		}
		// The sidecar is not fsynced: never trust more than the file holds.
		w := max(0, min(s.Written, size-s.Start))
		p.segs = append(p.segs, &segment{start: s.Start, end: s.End, written: w})
		at = s.End
	}
	if !ok || at != p.total {
		p.segs = nil
		return local(p.file.Truncate(p.off))
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.advance()
}

// advance grows the prefix over segment bytes that now continue it,
// hashing them as it goes (read back from the file: they arrived before the
// prefix reached them). It drops segments that the prefix passed.
func (p *partial) advance() error {
	for len(p.segs) > 0 {
		g := p.segs[0]
		if g.written > 0 {
			if p.readBack == nil {
				p.readBack = make([]byte, copyBufSize)
			}
			n, err := io.CopyBuffer(p.hash, io.NewSectionReader(p.file, g.start, g.written), p.readBack)
			p.off += n
			g.start, g.written = g.start+n, g.written-n
			if err == nil && g.written > 0 {
				// The file holds less than the segment says it wrote (the
				// sidecar is not synced): never hash a hole.
				err = io.ErrUnexpectedEOF
			}
			if err != nil {
				return local(err)
			}
		}
		if g.start < g.end {
			return nil
		}
		p.segs = p.segs[1:]
	}
	return nil
}

// writeSegment writes b at g's next offset, clipped to g's end (a split may
// have moved it), and reports the bytes taken and whether g is done. Bytes
// at the prefix are hashed as they come; the prefix then grows over what
// other segments hold.
func (p *partial) writeSegment(g *segment, b []byte) (int, bool, error) {
	p.mu.Lock()
	at, n := g.next(), min(int64(len(b)), g.left())
	p.mu.Unlock()
	if n <= 0 {
		return 0, true, nil
	}
	// Segments write disjoint ranges, so the write needs no lock; the
	// bookkeeping after it does.
	if _, err := p.file.WriteAt(b[:n], at); err != nil {
		return 0, false, local(err)
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	// A split cannot have moved the end below these bytes (claim leaves
	// the holder a read's worth), but count none past it if it did: they
	// are the next segment's, written again by its holder.
	n = min(n, g.left())
	if n <= 0 {
		return 0, true, nil
	}
	if len(p.segs) > 0 && p.segs[0] == g && g.written == 0 {
		p.hash.Write(b[:n])
		p.off += n
		g.start += n
	} else {
		g.written += n
	}
	err := p.advance()
	if p.sinceSave += n; p.sinceSave >= sidecarEvery {
		p.saveLocked()
	}
	return int(n), g.left() <= 0, err
}

// claim gives a worker a segment: one no worker holds with bytes left, else
// the second half of the busy segment with the most left, if each half is at
// least min (the segment's holder stops at the new end). This is what keeps
// every connection busy to the end: the slowest one's remainder is shared.
func (p *partial) claim(min int64) *segment {
	p.mu.Lock()
	defer p.mu.Unlock()
	var big *segment
	bigAt := 0
	for i, g := range p.segs {
		if g.left() <= 0 {
			continue
		}
		if !g.busy {
			g.busy = true
			return g
		}
		if big == nil || g.left() > big.left() {
			big, bigAt = g, i
		}
	}
	// The holder may be reading up to a buffer's worth past its next
	// offset: the split point leaves it that, so no byte it has in flight
	// lands past its new end.
	if big == nil {
		return nil
	}
	half := (big.left() - copyBufSize) / 2
	if half < min {
		return nil
	}
	mid := big.next() + copyBufSize + half
	ng := &segment{start: mid, end: big.end, busy: true}
	big.end = mid
	p.segs = append(p.segs[:bigAt+1], append([]*segment{ng}, p.segs[bigAt+1:]...)...)
	return ng
}

func (p *partial) release(g *segment) {
	p.mu.Lock()
	g.busy = false
	p.mu.Unlock()
}

// unsegment drops the segments and the bytes past the prefix, for the
// transfer to continue on one connection.
func (p *partial) unsegment() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.segs = nil
	err := p.file.Truncate(p.off)
	p.saveLocked()
	return local(err)
}

// held is the bytes on disk: the prefix and what the segments hold.
func (p *partial) held() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := p.off
	for _, g := range p.segs {
		n += g.written
	}
	return n
}

// segmentRun is one segmented run against one source.
type segmentRun struct {
	x      *transfer
	u      string
	cancel context.CancelFunc

	mu     sync.Mutex
	err    error  // the first failure that ends the run
	reason string // why the segmenting stopped (errUnsegmented)
}

// fail records the run's end and stops every worker.
func (r *segmentRun) fail(err error, reason string) {
	r.mu.Lock()
	if r.err == nil {
		r.err, r.reason = err, reason
	}
	r.mu.Unlock()
	r.cancel()
}

// runSegments fetches the partial's segments from u on up to
// Config.Connections connections. It returns nil when every segment is
// written (the prefix is then the whole file), errUnsegmented when the
// transfer must go on on one connection, or the failure that gave the
// source up.
func (x *transfer) runSegments(ctx context.Context, u string) error {
	p := x.p
	p.mu.Lock()
	foreign := p.val.URL != u
	p.mu.Unlock()
	// Bytes from another mirror are kept past the prefix only when a
	// digest will vouch for them, as the prefix's are.
	if strings.HasPrefix(u, "file:") || (foreign && x.t.SHA256 == "") {
		return x.stopSegments(u, "")
	}
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	run := &segmentRun{x: x, u: u, cancel: cancel}
	var wg sync.WaitGroup
	for range max(1, x.f.cfg.Connections) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			x.segmentWorker(rctx, run)
		}()
	}
	wg.Wait()
	if ctx.Err() != nil {
		return ctx.Err()
	}
	run.mu.Lock()
	err, reason := run.err, run.reason
	run.mu.Unlock()
	if errors.Is(err, errUnsegmented) {
		return x.stopSegments(u, reason)
	}
	if err != nil {
		return err
	}
	if p.segmented() {
		// Every worker ended without an error, yet bytes are missing: no
		// segment was left to claim (cannot happen; kept as a guard).
		return x.stopSegments(u, "segments left unclaimed")
	}
	x.s.publish(p.off)
	return nil
}

// stopSegments drops the segments for a transfer on one connection and
// reports why as a recovered fault.
func (x *transfer) stopSegments(u, why string) error {
	if err := x.p.unsegment(); err != nil {
		return err
	}
	x.unsegmented = true
	if why != "" {
		x.mu.Lock()
		x.faults++
		x.mu.Unlock()
		ev := x.segmentEvent(EventFault, u)
		ev.Message = why + "; continuing on one connection from " + HumanBytes(ev.Done)
		x.f.emit(ev)
	}
	return errUnsegmented
}

// segmentWorker is one connection: it claims segments until none is left,
// running the retry loop over each.
func (x *transfer) segmentWorker(ctx context.Context, run *segmentRun) {
	attempts := 0
	defer func() {
		x.mu.Lock()
		x.attempts += attempts
		x.mu.Unlock()
	}()
	buf := make([]byte, copyBufSize)
	for ctx.Err() == nil {
		g := x.p.claim(x.f.hooks.minSegment)
		if g == nil {
			return
		}
		err := x.f.retryLoop(ctx, retryRun{
			attempts: &attempts,
			attempt:  func(ctx context.Context) error { return x.segmentAttempt(ctx, run, g, buf) },
			progress: x.progress,
			onFault: func() Event {
				x.mu.Lock()
				x.faults++
				x.mu.Unlock()
				x.p.save()
				return x.segmentEvent(EventFault, run.u)
			},
		})
		x.p.release(g)
		if err != nil {
			if !errors.Is(err, context.Canceled) || ctx.Err() == nil || errors.Is(err, errUnsegmented) {
				run.fail(err, "")
			}
			return
		}
	}
}

// segmentAttempt is one range request for what g still lacks, and as much
// of its body as arrives. It ends without error when g is done, or when the
// server sent less than asked but all it announced (the worker asks again).
func (x *transfer) segmentAttempt(ctx context.Context, run *segmentRun, g *segment, buf []byte) error {
	p, u := x.p, run.u
	p.mu.Lock()
	from, end, total, val := g.next(), g.end, p.total, p.val
	p.mu.Unlock()
	if from >= end {
		return nil
	}
	hdr := http.Header{}
	hdr.Set("Range", fmt.Sprintf("bytes=%d-%d", from, end-1))
	if v := val.ifRange(u); v != "" {
		hdr.Set("If-Range", v)
	}
	stop := func(why string) error {
		run.fail(errUnsegmented, why)
		return errUnsegmented
	}
	return x.f.doWith(ctx, x.f.segClient, u, hdr, func(resp *http.Response, tick func()) error {
		d := judge(responseOf(resp), from, total, x.t.Size)
		switch d.act {
		case badStatus:
			return x.f.statusError(u, resp)
		case notArchive:
			return &NotArchiveError{URL: u, Reason: d.why}
		case badRange, complete:
			return stop(fmt.Sprintf("a segment's range did not fit (%s)", d.why))
		case restartBody:
			return stop(fmt.Sprintf("server sent the whole file for the segment at %s (Range ignored or file changed)", HumanBytes(from)))
		}
		if resp.StatusCode != http.StatusPartialContent {
			return stop(fmt.Sprintf("server answered the segment at %s with %d, not 206", HumanBytes(from), resp.StatusCode))
		}
		if !strongETag(d.val.ETag) {
			return stop("a segment came without a strong ETag")
		}
		p.mu.Lock()
		if p.val.URL != u {
			// The first answer from this mirror: its validator is the
			// one every other segment from it must carry.
			p.val = d.val
			p.val.URL = u
		}
		same := p.val.ETag == d.val.ETag
		p.mu.Unlock()
		if !same {
			return stop(fmt.Sprintf("a segment came with ETag %s, not %s (file changed)", d.val.ETag, val.ETag))
		}
		last := end - 1
		if fst, lst, _, err := parseContentRange(resp.Header.Get("Content-Range")); err == nil && fst == from {
			last = lst
		}
		body := io.Reader(resp.Body)
		if from == 0 {
			var err error
			if body, err = x.sniff(u, body, tick); err != nil {
				return err
			}
		}
		got := from
		for {
			// Never read past the segment's end, which a split may have
			// moved: what the server sent beyond it stays unread.
			p.mu.Lock()
			left := g.left()
			p.mu.Unlock()
			if left <= 0 {
				return nil
			}
			n, err := body.Read(buf[:min(int64(len(buf)), left)])
			if n > 0 {
				tick()
				x.wire.Add(int64(n))
				w, done, werr := p.writeSegment(g, buf[:n])
				got += int64(w)
				if werr != nil {
					return werr
				}
				x.gained.Add(int64(w))
				x.segmentProgress()
				if done {
					// The segment is whole, or a split moved its end
					// before what this response still carries.
					return nil
				}
			}
			if err == io.EOF {
				if got <= last {
					return &shortBodyError{URL: u, Got: got, Want: last + 1}
				}
				return nil
			}
			if err != nil {
				return err
			}
		}
	})
}

// segmentEvent is an event of a segmented transfer: Done counts every byte
// on disk, the prefix and the segments.
func (x *transfer) segmentEvent(kind EventKind, u string) Event {
	x.p.mu.Lock()
	total := max(x.p.total, 0)
	x.p.mu.Unlock()
	x.mu.Lock()
	attempts := x.attempts
	x.mu.Unlock()
	return Event{Kind: kind, Name: x.t.Name, URL: u, Done: x.p.held(), Total: total, Attempt: attempts}
}

// segmentProgress emits a progress event and publishes the prefix, by time
// and by bytes as write does.
func (x *transfer) segmentProgress() {
	// Published under the partial's lock, so that two workers never
	// publish a shorter prefix after a longer one.
	x.p.mu.Lock()
	x.s.publish(x.p.off)
	x.p.mu.Unlock()
	x.mu.Lock()
	now := time.Now()
	held := x.p.held()
	due := now.Sub(x.lastEvTime) >= progressEvery || held-x.lastEvOff >= progressBytes
	if due {
		x.lastEvTime, x.lastEvOff = now, held
	}
	x.mu.Unlock()
	if due {
		x.f.emit(x.segmentEvent(EventProgress, ""))
	}
}
