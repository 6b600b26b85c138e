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
// segmentWorth on that one connection (transfer.warmedUp). Connections carve
// their pieces in order from the front (claim), so the prefix the extractor
// reads grows at the rate of all of them; the run starts with a few
// connections and adds more while they pay (connGrowth).
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
	// defaultSegmentWarmupTime: the warm-up decides after this long once
	// it read minWarmupRead, if segmentWarmup bytes take longer.
	defaultSegmentWarmupTime = 100 * time.Millisecond
	minWarmupRead            = 64 << 10
	// defaultStartConnections: a segmented run starts with this many
	// connections and adds more while they pay (connGrowth), each count
	// measured for defaultGrowWindow once all its connections bring bytes.
	defaultStartConnections = 2
	defaultGrowWindow       = 150 * time.Millisecond
	// segmentWorth: segments pay when the rest would take longer than
	// this on one connection.
	segmentWorth = time.Second
	// defaultPieceSize is the largest piece a connection carves from the
	// front (claim). Connections take pieces in order, so the contiguous
	// prefix, which the extractor reads, grows at the rate of all of
	// them; at 5 MB/s a piece takes 0.8 s, against which a round trip of
	// 50 ms for its request is a small share (and the hand-off hides it).
	defaultPieceSize = 4 << 20
	// defaultStealAfter: a busy piece whose connection brought no byte for
	// this long is taken over by a connection that has nothing left to
	// take, rather than hold the prefix back until the idle timeout; the
	// most pieceSched.stallAfter waits, and what it waits before it has
	// measured a round trip.
	defaultStealAfter = time.Second
	// minStall is the least time without a byte that counts a piece as
	// stalled (pieceSched.stallAfter): above TCP's least retransmission
	// timeout (200 ms on Linux), so that one lost packet is no stall.
	minStall = 300 * time.Millisecond
	// defaultPieceFloor is the smallest piece a claim carves near the
	// end, unless round trips call for more (pieceSched.pieceFloor).
	defaultPieceFloor = 256 << 10
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
	// waiting: the holder is waiting out a retry delay after a fault; a
	// piece is not taken over for that (the delay is the retry loop's).
	waiting bool
}

// pieceSched is the partial's bookkeeping for workers waiting for a piece.
type pieceSched struct {
	tokens uint64        // the last holder token given out
	wake   chan struct{} // closed when a piece is released; nil until waited on
	carved int64         // pieces carved by claims since the split
	// What the run measured, for the pieces' floor and stall timeout:
	// moving averages of a request's round trip (to its headers), of a
	// connection's rate in a piece (bytes per second) and of the time
	// between two reads of one response.
	rtt, gap time.Duration
	rate     float64
}

// pieceFloor is the smallest piece a claim carves: pol.floor, or what a
// connection brings in four round trips when that is more (so that a
// request's round trip costs at most a fifth of a piece), never more than
// pol.pieceSize.
func (s *pieceSched) pieceFloor(pol claimPolicy) int64 {
	f := int64(4 * s.rtt.Seconds() * s.rate)
	return min(max(f, pol.floor), max(pol.pieceSize, pol.floor))
}

// stallAfter is how long a busy piece may bring nothing before it is
// taken over: pol.stealAfter when set, else three round trips and six
// of the gaps between two reads seen so far, within [minStall,
// defaultStealAfter]; defaultStealAfter until a round trip was measured.
// A fixed second would leave the prefix waiting on a dead connection for
// five pieces' worth of a fast link, and would be too short on a link
// whose round trip alone is most of it.
func (s *pieceSched) stallAfter(pol claimPolicy) time.Duration {
	if pol.stealAfter > 0 {
		return pol.stealAfter
	}
	if s.rtt <= 0 {
		return defaultStealAfter
	}
	return min(max(3*s.rtt+6*s.gap, minStall), defaultStealAfter)
}

// measured folds one measure into a moving average (a weight of a quarter).
func measured(avg, v time.Duration) time.Duration {
	if avg <= 0 {
		return v
	}
	return avg + (v-avg)/4
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

// split makes [p.off, p.total) one piece for claims to carve, and saves
// the sidecar before any of them writes a byte, so that a kill leaves no
// bytes past the prefix that the sidecar does not describe.
func (p *partial) split() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.segs = []*segment{{start: p.off, end: p.total}}
	p.sched.carved = 0
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
	if gap := now.Sub(g.last); gap > 0 {
		p.sched.gap = measured(p.sched.gap, gap)
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

// claimPolicy shapes the pieces claim hands out.
type claimPolicy struct {
	// minSize is the smallest half a split of a busy piece leaves.
	minSize int64
	// pieceSize is the largest piece a claim carves; floor the smallest
	// (about what a connection brings in a few round trips: smaller, and
	// the request's round trip would cost more than the piece's bytes).
	pieceSize, floor int64
	// stealAfter: a busy piece whose holder brought no byte for this long
	// (and is not waiting out a retry) is taken over; 0: as the run's
	// measures say (pieceSched.stallAfter).
	stealAfter time.Duration
	// workers is how many connections share the pieces now.
	workers int
}

// claim gives a worker a piece, from the front, so that the prefix grows
// at the rate of every connection. In order of preference:
//
//   - the first busy piece whose holder brought nothing for stealAfter
//     (taken over: its holder is stopped and its bytes in flight dropped):
//     it is the nearest the prefix, so it holds the extractor back more
//     than any piece a connection could start;
//   - the front of the first piece no worker holds, carved to size: the
//     first claims of a run take growing shares of pieceSize (1/n, 2/n,
//     ... of it for n workers), so that the connections finish their
//     pieces one after the other and the prefix moves a piece at a time,
//     not n pieces at once; later claims take pieceSize, or less near the
//     end (the bytes left over the workers, at least floor), so that all
//     connections finish together and the last piece the extractor waits
//     for is small;
//   - the second half of the busy piece with the most left whose halves
//     are each at least minSize or the floor, whichever is less (its
//     holder stops at the new end).
//
// With nothing to take it returns nil and, while pieces are still busy,
// when to ask again: wake is closed when a piece is released, and after
// wait a busy piece may have stalled long enough to be taken over. With
// no piece left at all wake is nil and wait 0: the worker is done.
func (p *partial) claim(pol claimPolicy, now time.Time, cancel context.CancelFunc) (g *segment, token uint64, wait time.Duration, wake <-chan struct{}) {
	p.mu.Lock()
	defer p.mu.Unlock()
	pol.floor = p.sched.pieceFloor(pol)
	pol.stealAfter = p.sched.stallAfter(pol)
	hold := func(g *segment) (*segment, uint64, time.Duration, <-chan struct{}) {
		if g.cancel != nil {
			g.cancel()
		}
		p.sched.tokens++
		g.holder, g.cancel, g.last, g.waiting = p.sched.tokens, cancel, now, false
		return g, g.holder, 0, nil
	}
	var free, stalled, largest *segment
	freeAt, largestAt := 0, 0
	var unheld, busyLeft int64
	busy := false
	wait = pol.stealAfter
	for i, g := range p.segs {
		if g.left() <= 0 {
			continue
		}
		if g.holder == 0 {
			if free == nil {
				free, freeAt = g, i
			}
			unheld += g.left()
			continue
		}
		busy = true
		busyLeft += g.left()
		if !g.waiting {
			idle := now.Sub(g.last)
			if stalled == nil && idle >= pol.stealAfter {
				stalled = g
			}
			wait = max(0, min(wait, pol.stealAfter-idle))
		}
		// The holder may be reading up to a buffer's worth past its next
		// offset: the split point leaves it that, so no byte it has in
		// flight lands past its new end.
		if (g.left()-copyBufSize)/2 >= min(pol.minSize, pol.floor) && (largest == nil || g.left() > largest.left()) {
			largest, largestAt = g, i
		}
	}
	if stalled != nil {
		return hold(stalled)
	}
	if free != nil {
		workers := int64(max(1, pol.workers))
		want := max(1, pol.pieceSize)
		if c := p.sched.carved; c < workers {
			want = want * (c + 1) / workers
		}
		// Half the bytes left over the workers: pieces shrink toward
		// the end (each claim halving what is left over the workers),
		// so the last ones are small and finish together.
		want = max(min(want, (unheld+busyLeft)/(2*workers)), pol.floor)
		if rest := free.left() - want; rest > 0 && rest < pol.floor {
			// Not enough left for a piece after this one: share it,
			// rather than leave one connection the last piece alone.
			want = free.left()
			if want >= 2*max(1, pol.floor/2) {
				want = (want + 1) / 2
			}
		}
		if free.left() > want {
			ng := &segment{start: free.next() + want, end: free.end}
			free.end = ng.start
			p.segs = append(p.segs[:freeAt+1], append([]*segment{ng}, p.segs[freeAt+1:]...)...)
		}
		p.sched.carved++
		return hold(free)
	}
	if largest != nil {
		big := largest
		mid := big.next() + copyBufSize + (big.left()-copyBufSize)/2
		ng := &segment{start: mid, end: big.end}
		big.end = mid
		p.segs = append(p.segs[:largestAt+1], append([]*segment{ng}, p.segs[largestAt+1:]...)...)
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
	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu      sync.Mutex
	err     error  // the first failure that ends the run
	reason  string // why the segmenting stopped (errUnsegmented)
	workers int    // workers that held a piece: the connections used
	started int    // workers started
	live    int    // workers that brought a byte
	growth  connGrowth
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

// start adds n workers (connections) to the run.
func (r *segmentRun) start(n int) {
	r.mu.Lock()
	r.started += n
	r.mu.Unlock()
	for range n {
		r.spawn(nil)
	}
}

// spawn runs a worker. A successor takes over from one about to finish
// its piece (segWorker.handedOff), whose end closes pred, and counts as no
// new connection; pred is nil for a worker of its own.
func (r *segmentRun) spawn(pred <-chan struct{}) {
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		r.x.segmentWorker(r.ctx, r, pred)
	}()
}

// running is how many workers share the pieces now.
func (r *segmentRun) running() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.started
}

// delivered counts what a worker brought and lets the run grow: w's first
// byte makes it live; the bytes of every worker are the combined rate
// connGrowth judges.
func (r *segmentRun) delivered(w *segWorker) {
	r.mu.Lock()
	if !w.live {
		w.live = true
		r.live++
	}
	add := r.growth.observe(r.x.f.hooks.now(), r.x.gained.Load(), r.live)
	r.mu.Unlock()
	if add > 0 {
		r.start(add)
	}
}

// runSegments fetches the partial's segments from u on up to
// Config.Connections connections: it starts with the few
// hooks.startConnections and adds more while they pay (connGrowth). It
// returns nil when every segment is written (the prefix is then the whole
// file), errUnsegmented when the transfer must go on on one connection, or
// the failure that gave the source up.
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
	limit := max(1, x.f.cfg.Connections)
	first := limit
	if n := x.f.hooks.startConnections; n > 0 {
		first = min(n, limit)
	}
	run := &segmentRun{x: x, u: u, ctx: rctx, cancel: cancel}
	run.growth = connGrowth{limit: limit, n: first, window: x.f.hooks.growWindow}
	p.mu.Lock()
	if p.sched.rate == 0 {
		p.sched.rate = x.warmRate // until a piece's response measures it
	}
	p.mu.Unlock()
	if x.warmRate > 0 {
		// The warm-up measured one connection: the first connections
		// are judged against it.
		run.growth.base, run.growth.prev = x.warmRate, 1
	}
	run.start(first)
	run.wg.Wait()
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

// connGrowth decides whether more connections pay, from what they deliver:
// on a link that caps each connection (a CDN edge pacing each response)
// every connection added adds its rate; on a shared bottleneck (the
// user's own line) the combined rate stays where it was, and more
// connections only cost the server sockets and the extractor a prefix
// spread over more pieces. The count doubles, within limit, as long as the
// combined rate, measured over window once every connection brings bytes,
// rose by at least half of what the added connections would bring at the
// previous rate per connection; the first time it did not, the count
// stays.
type connGrowth struct {
	limit  int           // Config.Connections
	n      int           // connections running
	window time.Duration // how long a count is measured
	// base is the combined rate (bytes per second) measured with prev
	// connections; 0 when not measured (a count is then measured before
	// the next is tried).
	base float64
	prev int
	done bool
	// since and from start the current measure: when and at how many
	// bytes every connection was live (since zero: not yet).
	since time.Time
	from  int64
}

// observe takes the bytes delivered so far at now, with live connections
// bringing bytes, and returns how many connections to add.
func (c *connGrowth) observe(now time.Time, bytes int64, live int) int {
	if c.done || c.n >= c.limit || c.window <= 0 {
		c.done = true
		return 0
	}
	if live < c.n {
		return 0 // the added connections are still on their first round trip
	}
	if c.since.IsZero() {
		c.since, c.from = now, bytes
		return 0
	}
	elapsed := now.Sub(c.since)
	if elapsed < c.window {
		return 0
	}
	rate := float64(bytes-c.from) / elapsed.Seconds()
	if c.base > 0 && c.prev > 0 {
		gain := float64(c.n)/float64(c.prev) - 1 // what the added ones would bring
		if rate < c.base*(1+gain/2) {
			c.done = true
			return 0
		}
	}
	add := min(c.n, c.limit-c.n)
	c.base, c.prev = rate, c.n
	c.n += add
	c.since = time.Time{}
	return add
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

// segWorker is one connection's own state.
type segWorker struct {
	buf  []byte
	live bool // it brought a byte (segmentRun.live)
	// handedOff: a successor already asked for the next piece, so that
	// its first byte comes as this piece ends rather than a round trip
	// later; this worker ends with its piece.
	handedOff bool
	// done is closed when the worker ends; pred is its predecessor's
	// (nil: none), which must end before this one hands off in turn, so
	// a connection never has more than two requests at once.
	done chan struct{}
	pred <-chan struct{}
}

// mayHandOff reports whether w has no predecessor still running.
func (w *segWorker) mayHandOff() bool {
	if w.handedOff {
		return false
	}
	if w.pred == nil {
		return true
	}
	select {
	case <-w.pred:
		w.pred = nil
		return true
	default:
		return false
	}
}

// segmentWorker is one connection: it claims segments until none is left,
// running the retry loop over each.
func (x *transfer) segmentWorker(ctx context.Context, run *segmentRun, pred <-chan struct{}) {
	successor := pred != nil
	attempts := 0
	defer func() {
		x.mu.Lock()
		x.attempts += attempts
		x.mu.Unlock()
	}()
	w := &segWorker{buf: make([]byte, copyBufSize), done: make(chan struct{}), pred: pred}
	defer close(w.done)
	for ctx.Err() == nil {
		// The piece's own context: a worker that takes it over stops
		// this one's request.
		gctx, gcancel := context.WithCancel(ctx)
		g, token, wait, wake := x.p.claim(x.claimPolicy(run), x.f.hooks.now(), gcancel)
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
		if attempts == 0 && !successor {
			run.mu.Lock()
			run.workers++
			run.mu.Unlock()
		}
		err := x.f.retryLoop(gctx, retryRun{
			attempts: &attempts,
			attempt:  func(ctx context.Context) error { return x.segmentAttempt(ctx, run, w, g, token) },
			progress: x.progress,
			onFault: func() Event {
				x.mu.Lock()
				x.faults++
				x.mu.Unlock()
				x.p.waiting(g, token)
				x.p.save()
				return x.segmentEvent(EventFault, run.u)
			},
		})
		held := x.p.release(g, token)
		gcancel()
		if !held && !w.handedOff {
			continue // taken over: its new holder goes on with it
		}
		if !held {
			return // and its successor runs already
		}
		if err != nil {
			if !errors.Is(err, context.Canceled) || ctx.Err() == nil || errors.Is(err, errUnsegmented) {
				run.fail(err, "")
			}
			return
		}
		if w.handedOff {
			return
		}
	}
}

// handOff reports whether a worker whose piece lacks only left bytes
// should start its successor now: when they take about a round trip at
// the rate measured, the successor's request then overlaps their arrival,
// and on a distant server a connection no longer idles a round trip
// between two pieces (pieces near the end are only a few round trips
// long). Never for the last bytes of the file: no piece is left to ask.
func (p *partial) handOff(g *segment, token uint64) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if g.holder != token || p.sched.rtt <= 0 || p.sched.rate <= 0 {
		return false
	}
	due := int64(p.sched.rate * p.sched.rtt.Seconds() * 5 / 4)
	if g.left() > due {
		return false
	}
	for _, o := range p.segs {
		if o != g && o.left() > 0 && o.holder == 0 {
			return true
		}
	}
	return false
}

// claimPolicy is the policy of this run's claims: the fetcher's piece
// sizes and stall time, shared by the workers running now.
func (x *transfer) claimPolicy(run *segmentRun) claimPolicy {
	h := x.f.hooks
	return claimPolicy{minSize: h.minSegment, pieceSize: h.pieceSize, floor: h.pieceFloor, stealAfter: h.stealAfter, workers: run.running()}
}

// waiting marks g, if token still holds it, as waiting out a retry delay:
// not stalled.
func (p *partial) waiting(g *segment, token uint64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if g.holder == token {
		g.waiting = true
	}
}

// measure records a request's round trip to its headers, on a response
// for token's piece g (which is no longer waiting: its request runs).
func (p *partial) measureRTT(g *segment, token uint64, rtt time.Duration, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sched.rtt = measured(p.sched.rtt, rtt)
	if g.holder == token {
		g.waiting, g.last = false, now
	}
}

// measureRate records the rate of one response: n bytes in d.
func (p *partial) measureRate(n int64, d time.Duration) {
	if n < copyBufSize || d <= 0 {
		return // too little to tell
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	r := float64(n) / d.Seconds()
	if p.sched.rate == 0 {
		p.sched.rate = r
	} else {
		p.sched.rate += (r - p.sched.rate) / 4
	}
}

// segmentAttempt is one range request for what g still lacks, and as much
// of its body as arrives. It ends without error when g is done, or when the
// server sent less than asked but all it announced (the worker asks again).
func (x *transfer) segmentAttempt(ctx context.Context, run *segmentRun, wk *segWorker, g *segment, token uint64) error {
	p, u, buf := x.p, run.u, wk.buf
	p.mu.Lock()
	from, end, total, val := g.next(), g.end, p.total, p.val
	mine := g.holder == token
	g.waiting = false
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
	asked := x.f.hooks.now()
	return x.f.doWith(ctx, x.f.segClient, u, hdr, func(resp *http.Response, tick func()) error {
		began := x.f.hooks.now()
		p.measureRTT(g, token, began.Sub(asked), began)
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
		defer func() { p.measureRate(got-from, x.f.hooks.now().Sub(began)) }()
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
				if w > 0 {
					run.delivered(wk)
				}
				if !done && wk.mayHandOff() && p.handOff(g, token) {
					wk.handedOff = true
					run.spawn(wk.done)
				}
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
