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

// Pieces are claimed from the front; with none free, help goes to the
// piece nearest the prefix: a stalled one is taken over (its holder
// stopped, its late writes refused), else the first one worth halving is
// split. The clock is the test's.
func TestClaimFromTheFront(t *testing.T) {
	const piece = 1 << 20
	const steal = time.Second
	p := &partial{total: 6 * piece}
	for i := range int64(6) {
		p.segs = append(p.segs, &segment{start: i * piece, end: (i + 1) * piece})
	}
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	stopped := map[int]bool{}
	stop := func(worker int) context.CancelFunc { return func() { stopped[worker] = true } }
	pieces := p.segs
	tokens := make([]uint64, 4)
	for w := range 4 {
		g, tok, _, _ := p.claim(64<<10, now, steal, stop(w))
		if g != pieces[w] {
			t.Fatalf("worker %d got the piece at %d, want the one at %d: the next from the front", w, g.start, pieces[w].start)
		}
		tokens[w] = tok
	}
	// Worker 1 finishes its piece: it takes the next free one, the fifth.
	pieces[1].written = piece
	if !p.release(pieces[1], tokens[1]) {
		t.Fatal("release by the holder failed")
	}
	if g, _, _, _ := p.claim(64<<10, now, steal, stop(1)); g != pieces[4] {
		t.Fatalf("after a piece, a worker got %+v, want the fifth piece", g)
	}
	if g, _, _, _ := p.claim(64<<10, now, steal, stop(4)); g != pieces[5] {
		t.Fatalf("got %+v, want the sixth piece, the last free one", g)
	}
	// Nothing free: the front piece (the one the prefix waits for) is
	// split, not a later one.
	pieces[0].written = piece / 2
	g, _, _, _ := p.claim(64<<10, now, steal, stop(5))
	if g == nil || g.start <= pieces[0].next() || pieces[0].end != g.start || g.end != piece {
		t.Fatalf("split gave %+v (front piece now %+v), want the second half of the front piece", g, pieces[0])
	}
	if len(stopped) != 0 {
		t.Fatalf("holders stopped %v by a split", stopped)
	}
	// The front piece's holder brings nothing for stealAfter: an idle
	// worker takes it over from where it stopped, and the old holder is
	// stopped and may no longer count bytes for it.
	now = now.Add(steal)
	g, tok, _, _ := p.claim(64<<10, now, steal, stop(6))
	if g != pieces[0] || tok == tokens[0] || !stopped[0] {
		t.Fatalf("got %+v (token %d), stopped %v: want the stalled front piece taken over and its holder stopped", g, tok, stopped)
	}
	if p.leftFor(g, tokens[0]) != 0 || p.release(g, tokens[0]) {
		t.Fatal("the old holder still holds the piece taken over")
	}
	if p.leftFor(g, tok) != g.left() {
		t.Fatal("the new holder does not hold it")
	}
	// Everything busy and nothing stalled or worth splitting: wait for a
	// release, at most until the earliest busy piece could count as
	// stalled.
	for _, g := range p.segs {
		if g.holder != 0 {
			g.last = now
		}
		g.end = min(g.end, g.next()+copyBufSize) // too small to split
	}
	g, _, wait, wake := p.claim(64<<10, now.Add(steal/4), steal, stop(7))
	if g != nil || wake == nil || wait != steal-steal/4 {
		t.Fatalf("got %+v, wait %v, wake %v: want nothing, a wait of %v and a wake channel", g, wait, wake, steal-steal/4)
	}
	p.release(pieces[4], p.segs[indexOf(p.segs, pieces[4])].holder)
	select {
	case <-wake:
	default:
		t.Fatal("a release did not wake the waiting workers")
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
	const piece = 256 << 10
	const sent = 64 << 10 // what the stalled response sends before it stops
	data := archiveData(size, 52)
	var mu sync.Mutex
	stalled := false
	hs := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
		a, b := rangeOf0(r.Header.Get("Range"))
		mu.Lock()
		stall := !stalled && a == 0 && b > 0
		stalled = stalled || stall
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
		<-r.Context().Done() // until the client gives it up
	})
	f, _, ev := segFetcher(t, nil, 4, Config{IdleTimeout: time.Minute})
	f.hooks.pieceSize = piece
	f.hooks.stealAfter = 200 * time.Millisecond
	res := fetchAll(t, f, Target{Name: "steal", URL: hs.url(), SHA256: sha(data), Size: size}, data)
	if !stalled {
		t.Fatal("no request for the front piece")
	}
	var again []logged
	for _, l := range hs.requests()[1:] {
		if a, b := rangeOf0(l.Range); a > 0 && a <= sent && b == piece-1 {
			again = append(again, l)
		}
	}
	// A loaded machine may make a healthy holder look stalled too, so the
	// rest of the piece may be taken over more than once.
	if len(again) == 0 {
		t.Fatalf("no request for the rest of the front piece (from at most %d to %d); requests:\n%+v", sent, piece-1, hs.requests())
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
