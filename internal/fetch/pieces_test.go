package fetch

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
)

// Pieces are carved from the front: the first claims of a run take
// growing shares of a piece, so that connections finish one after the
// other; later ones a piece, or the bytes left over the workers near the
// end, never less than the floor. A stalled busy piece is taken over
// before a free one is started (it is the one the prefix waits for), but
// not while its holder waits out a retry delay; with nothing free, the
// busy piece with the most left is split. The clock is the test's.
func TestClaimFromTheFront(t *testing.T) {
	const piece = 2 << 20
	const steal = time.Second
	pol := claimPolicy{minSize: 64 << 10, pieceSize: piece, floor: 64 << 10, stealAfter: steal, workers: 4}
	p := &partial{total: 32 << 20}
	p.split()
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stopped := map[int]bool{}
	stop := func(worker int) context.CancelFunc { return func() { stopped[worker] = true } }
	var held []*segment
	tokens := make([]uint64, 4)
	at := int64(0)
	for w := range 4 {
		g, tok, _, _ := p.claim(pol, now, stop(w))
		if want := int64(piece * (w + 1) / 4); g == nil || g.start != at || g.end-g.start != want {
			t.Fatalf("worker %d got %+v, want [%d, %d): the next %d bytes from the front", w, g, at, at+want, want)
		}
		at = g.end
		held = append(held, g)
		tokens[w] = tok
	}
	// Worker 0 finishes: it takes the next piece from the front.
	held[0].written = held[0].end - held[0].start
	if !p.release(held[0], tokens[0]) {
		t.Fatal("release by the holder failed")
	}
	g, tok, _, _ := p.claim(pol, now, stop(0))
	if g == nil || g.start != at || g.end-g.start != piece {
		t.Fatalf("after a piece, a worker got %+v, want [%d, %d)", g, at, at+piece)
	}
	at = g.end
	// Claims go on from the front, each finished before the next, while
	// three workers hold their pieces: the pieces shrink toward the end,
	// to half the bytes left over the workers, never under half the
	// floor, and the last ones are small.
	var sizes []int64
	for g != nil {
		g.written = g.end - g.start
		p.release(g, tok)
		g, tok, _, _ = p.claim(pol, now, stop(9))
		if g == nil || g.start != at {
			break // nothing free any more: a split
		}
		if n := g.end - g.start; n < pol.floor/2 || n > piece {
			t.Fatalf("a piece of %d bytes, want [%d, %d]", n, pol.floor/2, piece)
		}
		sizes = append(sizes, g.end-g.start)
		at = g.end
		if len(sizes) > 1000 {
			t.Fatal("claims never end")
		}
	}
	if at != p.total {
		t.Fatalf("claims carved up to %d of %d", at, p.total)
	}
	for i := 1; i < len(sizes); i++ {
		if sizes[i] > sizes[i-1] {
			t.Fatalf("piece sizes %v: a piece larger than the one before", sizes)
		}
	}
	if n := len(sizes); n < 3 || sizes[0] != piece || sizes[n-1] > piece/4 {
		t.Fatalf("piece sizes %v: want whole pieces first, then smaller ones", sizes)
	}
	// No holder was stopped by claims.
	if len(stopped) != 0 {
		t.Fatalf("holders stopped %v by claims and a split", stopped)
	}
	// The front piece's holder brings nothing for stealAfter: a worker
	// takes it over from where it stopped, and the old holder is stopped
	// and may no longer count bytes for it.
	front := held[1]
	front.written = 1000
	now = now.Add(steal)
	for _, g := range p.segs {
		if g != front {
			g.last = now
		}
	}
	g, tok, _, _ = p.claim(pol, now, stop(6))
	if g != front || tok == tokens[1] || !stopped[1] {
		t.Fatalf("got %+v (token %d), stopped %v: want the stalled front piece taken over and its holder stopped", g, tok, stopped)
	}
	if p.leftFor(g, tokens[1]) != 0 || p.release(g, tokens[1]) {
		t.Fatal("the old holder still holds the piece taken over")
	}
	if p.leftFor(g, tok) != g.left() {
		t.Fatal("the new holder does not hold it")
	}
	// A holder waiting out a retry delay is not stalled, however long.
	p.waiting(g, tok)
	for _, s := range p.segs {
		s.end = min(s.end, s.next()+copyBufSize) // too small to split
	}
	later := now.Add(10 * steal)
	for _, s := range p.segs {
		if s != g {
			s.last = later
		}
	}
	if got, _, _, _ := p.claim(pol, later, stop(7)); got != nil {
		t.Fatalf("got %+v: a piece waiting out a retry delay was taken over", got)
	}
	// Everything busy and nothing stalled or worth splitting: wait for a
	// release, at most until the earliest busy piece could count as
	// stalled.
	got, _, wait, wake := p.claim(pol, later.Add(steal/4), stop(8))
	if got != nil || wake == nil || wait != steal-steal/4 {
		t.Fatalf("got %+v, wait %v, wake %v: want nothing, a wait of %v and a wake channel", got, wait, wake, steal-steal/4)
	}
	last := p.segs[len(p.segs)-1]
	p.release(last, last.holder)
	select {
	case <-wake:
	default:
		t.Fatal("a release did not wake the waiting workers")
	}
}

// With nothing free, the busy piece with the most left is split, not the
// front one: near the end that is the piece that would finish last.
func TestClaimSplitsTheLargest(t *testing.T) {
	pol := claimPolicy{minSize: 64 << 10, pieceSize: 1 << 20, floor: 64 << 10, stealAfter: time.Hour, workers: 3}
	p := &partial{total: 3 << 20}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	p.segs = []*segment{
		{start: 0, end: 1 << 20, written: 1 << 19},
		{start: 1 << 20, end: 2 << 20, written: 1 << 10},
		{start: 2 << 20, end: 3 << 20, written: 1 << 18},
	}
	for i, g := range p.segs {
		g.holder, g.last = uint64(i+1), now
	}
	p.sched.tokens = 3
	big := p.segs[1]
	g, _, _, _ := p.claim(pol, now, func() {})
	if g == nil || big.end != g.start || g.end != 2<<20 || indexOf(p.segs, g) != 2 {
		t.Fatalf("split gave %+v (segments %v), want the second half of the piece at 1 MiB, the one with the most left", g, p.segs)
	}
}

func indexOf(segs []*segment, g *segment) int {
	for i, s := range segs {
		if s == g {
			return i
		}
	}
	return -1
}

// A front piece whose response stalls is taken over by a connection that
// has nothing else to do, long before the idle timeout (a minute here, so
// that without a takeover the stall ends as a fault): the new request asks for the
// piece from where the stalled one stopped, and the old holder's bytes in
// flight are dropped, not counted (the file is whole; TestClaimFromTheFront
// checks that a holder taken over counts nothing).
func TestStalledFrontPieceIsTakenOver(t *testing.T) {
	const size = 4 << 20
	const piece = 1 << 20 // the first claim of four workers: a quarter of it
	const sent = 64 << 10 // what the stalled response sends before it stops
	data := archiveData(size, 52)
	var mu sync.Mutex
	stalledEnd := int64(-1) // the last byte the stalled request asked for
	ended := make(chan struct{})
	hs := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		a, b := rangeOf0(r.Header.Get("Range"))
		mu.Lock()
		stall := stalledEnd < 0 && a == 0 && b > 0
		if stall {
			stalledEnd = b
		}
		mu.Unlock()
		if !stall {
			serveData(w, r, data, `"strong"`)
			return
		}
		w.Header().Set("ETag", `"strong"`)
		w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", b, size))
		w.Header().Set("Content-Length", fmt.Sprint(b+1))
		w.WriteHeader(http.StatusPartialContent)
		w.Write(data[:sent])
		w.(http.Flusher).Flush()
		select { // until the client gives it up
		case <-r.Context().Done():
		case <-ended:
		}
	})
	t.Cleanup(func() { close(ended) })
	f, _, ev := segFetcher(t, nil, 4, Config{IdleTimeout: time.Minute})
	f.hooks.pieceSize = piece
	f.hooks.stealAfter = 200 * time.Millisecond
	res := fetchAll(t, f, Target{Name: "steal", URL: hs.url(), SHA256: sha(data), Size: size}, data)
	if stalledEnd <= sent {
		t.Fatalf("the front piece's request asked up to %d, want more than the %d bytes the stall sends", stalledEnd, sent)
	}
	var again []logged
	for _, l := range hs.requests()[1:] {
		if a, b := rangeOf0(l.Range); a > 0 && a <= sent && b == stalledEnd {
			again = append(again, l)
		}
	}
	// A loaded machine may make a healthy holder look stalled too, so the
	// rest of the piece may be taken over more than once.
	if len(again) == 0 {
		t.Fatalf("no request for the rest of the front piece (from at most %d to %d); requests:\n%+v", sent, stalledEnd, hs.requests())
	}
	if n := len(ev.kinds(EventFault)); n != 0 || res.Faults != 0 {
		t.Errorf("%d fault events (%d faults): a takeover is no fault", n, res.Faults)
	}
	if res.Connections != 4 {
		t.Errorf("Result.Connections = %d, want 4", res.Connections)
	}
}

// The extractor's side of in-order pieces: the bytes on disk past the
// contiguous prefix (what the extractor can read) stay within a few pieces,
// so the prefix grows at the rate of every connection. With one large
// segment per connection the prefix would grow at one connection's rate,
// and most of the file would be on disk ahead of it by the end. Each
// progress event gives both counts; the reader records how far behind
// the last received byte it ran (logged: it also counts the reader's own
// scheduling, which the assertion must not).
func TestPrefixFollowsThePieces(t *testing.T) {
	const size = 8 << 20
	const piece = 512 << 10
	data := archiveData(size, 53)
	srv := newFileServer(t, data)
	srv.SetPace(2 << 20) // each response; four connections make 8 MiB/s
	var maxAhead, lastDone atomic.Int64
	f, _, _ := segFetcher(t, srv, 4, Config{OnEvent: func(e Event) {
		if e.Kind != EventProgress {
			return
		}
		if e.Prefix > e.Done {
			t.Errorf("event with prefix %d past the %d bytes on disk", e.Prefix, e.Done)
		}
		lastDone.Store(e.Done)
		for {
			m := maxAhead.Load()
			if e.Done-e.Prefix <= m || maxAhead.CompareAndSwap(m, e.Done-e.Prefix) {
				break
			}
		}
	}})
	f.hooks.pieceSize = piece
	// A connection starved by a loaded machine does not hold the prefix
	// back for long either.
	f.hooks.stealAfter = 200 * time.Millisecond
	s, err := f.Start(context.Background(), Target{Name: "inorder", URL: fileURL(srv), SHA256: sha(data), Size: size})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	r := s.NewReader()
	buf := make([]byte, 64<<10)
	var off, behind int64
	for {
		n, err := r.Read(buf)
		off += int64(n)
		behind = max(behind, lastDone.Load()-off)
		if err != nil {
			break
		}
	}
	if _, err := s.Wait(); err != nil || off != size {
		t.Fatalf("read %d bytes, transfer: %v", off, err)
	}
	t.Logf("bytes on disk past the prefix: at most %s; the reader ran at most %s behind the last received byte", HumanBytes(maxAhead.Load()), HumanBytes(behind))
	if limit := int64(size / 2); maxAhead.Load() > limit {
		t.Errorf("up to %s on disk past the prefix, want at most %s: the prefix does not follow the pieces", HumanBytes(maxAhead.Load()), HumanBytes(limit))
	}
}

var _ = faultserver.None

// pacedWriter writes a response body in pieces of 16 KiB, one every 10 ms
// (a link of about 1.6 MB/s), flushing each; left counts the bytes it
// still has to write (under mu).
type pacedWriter struct {
	http.ResponseWriter
	mu   *sync.Mutex
	left *int64
}

func (w pacedWriter) Write(b []byte) (int, error) {
	n := 0
	for len(b) > 0 {
		time.Sleep(10 * time.Millisecond) // the link's pace, not a synchronisation
		k := min(len(b), 16<<10)
		m, err := w.ResponseWriter.Write(b[:k])
		w.mu.Lock()
		*w.left -= int64(m)
		w.mu.Unlock()
		n += m
		if err != nil {
			return n, err
		}
		w.ResponseWriter.(http.Flusher).Flush()
		b = b[k:]
	}
	return n, nil
}

// A connection whose piece has about a round trip's worth of bytes left
// hands off: a successor asks for the next piece while the last bytes
// arrive, so on a distant server (here 50 ms before each response's
// first byte) no connection idles a round trip between two pieces. The
// server sees a piece asked for while more pieces than there are
// connections still have bytes to send; the successors count as no new
// connection.
func TestPieceHandOff(t *testing.T) {
	const size = 2 << 20
	data := archiveData(size, 55)
	var mu sync.Mutex
	sending := map[*int64]bool{} // the bytes each piece's response has left
	most := 0
	hs := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		a, b := rangeOf0(r.Header.Get("Range"))
		if b < 0 {
			serveData(w, r, data, `"strong"`) // the first response, left unread
			return
		}
		left := b - a + 1
		mu.Lock()
		sending[&left] = true
		n := 0
		for l := range sending {
			if *l > 0 {
				n++
			}
		}
		most = max(most, n)
		mu.Unlock()
		defer func() {
			mu.Lock()
			delete(sending, &left)
			mu.Unlock()
		}()
		time.Sleep(50 * time.Millisecond) // the round trip, not a synchronisation
		serveData(pacedWriter{w, &mu, &left}, r, data, `"strong"`)
	})
	const conns = 2
	f, _, _ := segFetcher(t, nil, conns, Config{})
	f.hooks.pieceSize = 512 << 10
	res := fetchAll(t, f, Target{Name: "handoff", URL: hs.url(), SHA256: sha(data), Size: size}, data)
	mu.Lock()
	defer mu.Unlock()
	if most <= conns {
		t.Errorf("at most %d pieces sending at once, want more than the %d connections: no piece was handed off early", most, conns)
	}
	if res.Connections != conns {
		t.Errorf("Result.Connections = %d, want %d: a successor is no new connection", res.Connections, conns)
	}
	if res.WireBytes != size {
		t.Errorf("received %d body bytes, want exactly %d", res.WireBytes, size)
	}
}

// The stall time and the pieces' floor follow what the run measured: a
// stall is three round trips and six read gaps, within [minStall,
// defaultStealAfter] (a fixed stealAfter wins; before a round trip is
// measured, defaultStealAfter); the floor is four round trips' worth of
// bytes, within [floor, pieceSize].
func TestPieceSchedMeasures(t *testing.T) {
	const ms = time.Millisecond
	pol := claimPolicy{pieceSize: 4 << 20, floor: 256 << 10}
	for _, c := range []struct {
		rtt, gap time.Duration
		fixed    time.Duration
		want     time.Duration
	}{
		{0, 0, 0, defaultStealAfter},
		{10 * ms, 5 * ms, 0, minStall},
		{100 * ms, 20 * ms, 0, 420 * ms},
		{400 * ms, 50 * ms, 0, defaultStealAfter},
		{100 * ms, 20 * ms, 200 * ms, 200 * ms},
	} {
		s := pieceSched{rtt: c.rtt, gap: c.gap}
		p := pol
		p.stealAfter = c.fixed
		if got := s.stallAfter(p); got != c.want {
			t.Errorf("round trip %v, gap %v, fixed %v: stall after %v, want %v", c.rtt, c.gap, c.fixed, got, c.want)
		}
	}
	for _, c := range []struct {
		rtt  time.Duration
		rate float64
		want int64
	}{
		{0, 0, 256 << 10},
		{ms, 5e6, 256 << 10},
		{50 * ms, 5e6, 1e6},
		{time.Second, 5e6, 4 << 20},
	} {
		s := pieceSched{rtt: c.rtt, rate: c.rate}
		if got := s.pieceFloor(pol); got != c.want {
			t.Errorf("round trip %v at %.0f B/s: floor %d, want %d", c.rtt, c.rate, got, c.want)
		}
	}
}
