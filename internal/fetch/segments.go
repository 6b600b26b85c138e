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
// a server that answered with a strong ETag and takes ranges, is fetched in
// pieces (segments) on up to Config.Connections TCP connections at once,
// once its first response shows that the rest would take more than
// segmentWorth on that one connection (transfer.warmedUp). Connections take
// the pieces in order from the front (claim), so the prefix the extractor
// reads grows at the rate of all of them.
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
	// defaultPieceSize is the size of the pieces a large file is cut
	// into (fewer pieces than connections never: a file of 16 MiB is four
	// pieces of 4 MiB). Connections take them from the front, so the
	// contiguous prefix, which the extractor reads, grows at the rate of
	// all of them; at 5 MB/s a piece takes 0.8 s, against which a round
	// trip of 50 ms for its request is a small share.
	defaultPieceSize = 4 << 20
	// defaultStealAfter: a busy piece whose connection brought no byte for
	// this long is taken over by a connection that has nothing left to
	// take, rather than hold the prefix back until the idle timeout.
	defaultStealAfter = time.Second
)

// errUnsegmented ends a segmented run that must continue on one
// connection (see above); it never leaves the transfer.
var errUnsegmented = errors.New("segmenting stopped")

// segment is one piece of a segmented transfer: [start, end), of which
// [start, start+written) is on disk. The first segment starts at the
// partial's prefix with written 0: its bytes extend the prefix directly.
type segment struct {
	start, end, written int64
	// holder is the token of the worker that holds it (0: none); a
	// worker's writes count only while it holds the piece, so one whose
	// piece was taken over drops what it still had in flight.
	holder uint64
	cancel context.CancelFunc // stops the holder's requests
	last   time.Time          // when the holder claimed it or last wrote
}

// pieceSched is the partial's bookkeeping for workers waiting for a piece.
type pieceSched struct {
	tokens uint64        // the last holder token given out
	wake   chan struct{} // closed when a piece is released; nil until waited on
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

// split divides [p.off, p.total) into pieces of about pieceSize bytes, at
// least n of them, each of at least minSize bytes, and saves the sidecar
// before any of them writes a byte, so that a kill leaves no bytes past the
// prefix that the sidecar does not describe.
func (p *partial) split(n int, minSize, pieceSize int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	rest := p.total - p.off
	k := int64(n)
	if pieceSize > 0 {
		k = max(k, (rest+pieceSize-1)/pieceSize)
	}
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
func (p *partial) writeSegment(g *segment, token uint64, b []byte, now time.Time) (int, bool, error) {
	p.mu.Lock()
	if g.holder != token {
		// Taken over: the new holder writes these bytes.
		p.mu.Unlock()
		return 0, true, nil
	}
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
	// are the next segment's, written again by its holder. A piece taken
	// over meanwhile counts nothing of this write: its new holder asked
	// for the same bytes of the same file (the validator is checked on
	// every response), so what landed here is what it writes too.
	n = min(n, g.left())
	if n <= 0 || g.holder != token {
		return 0, true, nil
	}
	g.last = now
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

// claim gives a worker a piece, from the front, so that the prefix grows
// at the rate of every connection: the first piece no worker holds; else
// the first busy piece whose holder brought nothing for stealAfter (taken
// over: its holder is stopped and its bytes in flight dropped); else the
// second half of the first busy piece whose halves are each at least min
// (its holder stops at the new end): minSize. The piece nearest the prefix is the
// one the extractor waits for, so that is where help goes first.
//
// With nothing to take it returns nil and, while pieces are still busy,
// when to ask again: wake is closed when a piece is released, and after
// wait a busy piece may have stalled long enough to be taken over. With
// no piece left at all wake is nil and wait 0: the worker is done.
func (p *partial) claim(minSize int64, now time.Time, stealAfter time.Duration, cancel context.CancelFunc) (g *segment, token uint64, wait time.Duration, wake <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	hold := func(g *segment) (*segment, uint64, time.Duration, <-chan struct{}) {
		if g.cancel != nil {
			g.cancel()
		}
		p.sched.tokens++
		g.holder, g.cancel, g.last = p.sched.tokens, cancel, now
		return g, g.holder, 0, nil
	}
	var splittable, stalled *segment
	splitAt := 0
	busy := false
	wait = stealAfter
	for i, g := range p.segs {
		if g.left() <= 0 {
			continue
		}
		if g.holder == 0 {
			return hold(g)
		}
		busy = true
		idle := now.Sub(g.last)
		if stalled == nil && idle >= stealAfter {
			stalled = g
		}
		wait = max(0, min(wait, stealAfter-idle))
		// The holder may be reading up to a buffer's worth past its next
		// offset: the split point leaves it that, so no byte it has in
		// flight lands past its new end.
		if splittable == nil && (g.left()-copyBufSize)/2 >= minSize {
			splittable, splitAt = g, i
		}
	}
	if stalled != nil {
		return hold(stalled)
	}
	if splittable != nil {
		big := splittable
		mid := big.next() + copyBufSize + (big.left()-copyBufSize)/2
		ng := &segment{start: mid, end: big.end}
		big.end = mid
		p.segs = append(p.segs[:splitAt+1], append([]*segment{ng}, p.segs[splitAt+1:]...)...)
		return hold(ng)
	}
	if !busy {
		return nil, 0, 0, nil
	}
	if p.sched.wake == nil {
		p.sched.wake = make(chan struct{})
	}
	return nil, 0, max(wait, time.Millisecond), p.sched.wake
}

// release ends token's hold on g, if it still holds it, and wakes the
// workers waiting for a piece; false when g was taken over.
func (p *partial) release(g *segment, token uint64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if g.holder != token {
		return false
	}
	g.holder, g.cancel = 0, nil
	if p.sched.wake != nil {
		close(p.sched.wake)
		p.sched.wake = nil
	}
	return true
}

// leftFor is what g still lacks for the worker holding token: 0 once
// another took it over.
func (p *partial) leftFor(g *segment, token uint64) int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	if g.holder != token {
		return 0
	}
	return g.left()
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

	mu      sync.Mutex
	err     error  // the first failure that ends the run
	reason  string // why the segmenting stopped (errUnsegmented)
	workers int    // workers that held a piece: the connections used
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
	run.mu.Lock()
	err, reason := run.err, run.reason
	x.mu.Lock()
	x.connections = max(x.connections, run.workers)
	x.mu.Unlock()
	run.mu.Unlock()
	if ctx.Err() != nil {
		return ctx.Err()
	}
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
		// The piece's own context: a worker that takes it over stops
		// this one's request.
		gctx, gcancel := context.WithCancel(ctx)
		g, token, wait, wake := x.p.claim(x.f.hooks.minSegment, x.f.hooks.now(), x.f.hooks.stealAfter, gcancel)
		if g == nil {
			gcancel()
			if wake == nil {
				return
			}
			t := time.NewTimer(wait)
			select {
			case <-wake:
			case <-t.C:
			case <-ctx.Done():
			}
			t.Stop()
			continue
		}
		if attempts == 0 {
			run.mu.Lock()
			run.workers++
			run.mu.Unlock()
		}
		err := x.f.retryLoop(gctx, retryRun{
			attempts: &attempts,
			attempt:  func(ctx context.Context) error { return x.segmentAttempt(ctx, run, g, token, buf) },
			progress: x.progress,
			onFault: func() Event {
				x.mu.Lock()
				x.faults++
				x.mu.Unlock()
				x.p.save()
				return x.segmentEvent(EventFault, run.u)
			},
		})
		held := x.p.release(g, token)
		gcancel()
		if !held {
			continue // taken over: its new holder goes on with it
		}
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
func (x *transfer) segmentAttempt(ctx context.Context, run *segmentRun, g *segment, token uint64, buf []byte) error {
	p, u := x.p, run.u
	p.mu.Lock()
	from, end, total, val := g.next(), g.end, p.total, p.val
	mine := g.holder == token
	p.mu.Unlock()
	if from >= end || !mine {
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
			left := p.leftFor(g, token)
			if left <= 0 {
				return nil
			}
			n, err := body.Read(buf[:min(int64(len(buf)), left)])
			if n > 0 {
				tick()
				x.wire.Add(int64(n))
				w, done, werr := p.writeSegment(g, token, buf[:n], x.f.hooks.now())
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
// on disk, the prefix and the segments; Prefix the prefix alone.
func (x *transfer) segmentEvent(kind EventKind, u string) Event {
	x.p.mu.Lock()
	total, prefix := max(x.p.total, 0), x.p.off
	x.p.mu.Unlock()
	x.mu.Lock()
	attempts := x.attempts
	x.mu.Unlock()
	return Event{Kind: kind, Name: x.t.Name, URL: u, Done: x.p.held(), Prefix: prefix, Total: total, Attempt: attempts}
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
