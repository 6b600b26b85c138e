package fetch

import (
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
)

// connGrowth on the test's clock: on a link that caps each connection the
// combined rate doubles with the connections, and the count doubles up to
// the limit; on a shared bottleneck it stays, and so does the count. A
// count is judged only once all its connections bring bytes and its
// window has passed.
func TestConnGrowth(t *testing.T) {
	const perConn = 1 << 20 // bytes per second
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const window = 200 * time.Millisecond
	// run feeds g a link whose combined rate is rate(n) with n
	// connections, in steps of 10 ms, and returns the counts it went
	// through.
	run := func(g *connGrowth, rate func(n int) float64) []int {
		counts := []int{g.n}
		now, bytes := t0, int64(0)
		for range 1000 {
			now = now.Add(10 * time.Millisecond)
			bytes += int64(rate(g.n) / 100)
			if add := g.observe(now, bytes, g.n); add > 0 {
				counts = append(counts, g.n)
			}
			if g.done {
				break
			}
		}
		if !g.done {
			t.Fatalf("no decision after 10 s: counts %v", counts)
		}
		return counts
	}
	capped := func(n int) float64 { return float64(n * perConn) }
	shared := func(int) float64 { return 2 * perConn }
	for _, c := range []struct {
		name  string
		base  float64 // the warm-up's one connection (0: not measured)
		rate  func(int) float64
		limit int
		want  []int
	}{
		{"capped per connection", perConn, capped, 8, []int{2, 4, 8}},
		{"capped, a limit between doublings", perConn, capped, 6, []int{2, 4, 6}},
		{"shared", 2 * perConn, shared, 8, []int{2}},
		{"shared, no warm-up measure", 0, shared, 8, []int{2, 4}},
		{"capped, no warm-up measure", 0, capped, 8, []int{2, 4, 8}},
		{"limit 2", perConn, capped, 2, []int{2}},
	} {
		t.Run(c.name, func(t *testing.T) {
			g := &connGrowth{limit: c.limit, n: min(2, c.limit), window: window}
			if c.base > 0 {
				g.base, g.prev = c.base, 1
			}
			if got := run(g, c.rate); !equalInts(got, c.want) {
				t.Errorf("counts %v, want %v", got, c.want)
			}
		})
	}

	// Nothing is judged before every connection brings bytes, nor before
	// the window has passed since they all did.
	g := &connGrowth{limit: 8, n: 4, window: window}
	if g.observe(t0, 0, 3) != 0 || !g.since.IsZero() {
		t.Fatal("a window started with a connection still on its first round trip")
	}
	g.observe(t0, 0, 4)
	if g.observe(t0.Add(window-time.Millisecond), 1<<30, 4) != 0 {
		t.Fatal("a count judged before its window passed")
	}
	if g.observe(t0.Add(window), 1<<30, 4) != 4 || g.n != 8 {
		t.Fatalf("after the window: count %d, want 8", g.n)
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// The same decision on the fault server, through the whole transfer: a
// server that paces each response lets the count grow to the limit; one
// whose responses share one paced line keeps it small. The run starts
// with two connections and measures one in its warm-up. The rates are
// the server's, on the real clock, with margins of about a third on
// either side of each threshold; the test waits on the transfer alone.
func TestConnectionsThatPay(t *testing.T) {
	const size = 6 << 20
	const limit = 8
	data := archiveData(size, 54)
	for _, c := range []struct {
		name string
		set  func(*faultserver.Server)
		want func(int) bool
		says string
	}{
		{"each response paced", func(s *faultserver.Server) { s.SetPace(1 << 20) }, func(n int) bool { return n == limit }, "the limit"},
		{"one shared line", func(s *faultserver.Server) { s.SetSharedPace(4 << 20) }, func(n int) bool { return n >= 2 && n <= limit/2 }, "2 to 4"},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newFileServer(t, data)
			c.set(srv)
			f, _, _ := segFetcher(t, srv, limit, Config{})
			f.hooks.segmentWarmup = 1 << 20
			f.hooks.segmentWarmupTime = 200 * time.Millisecond
			f.hooks.startConnections = 2
			f.hooks.growWindow = 300 * time.Millisecond
			res := fetchAll(t, f, Target{Name: "pay", URL: fileURL(srv), SHA256: sha(data), Size: size}, data)
			if len(segmentRequests(srv.Requests())) == 0 {
				t.Fatalf("no segments:\n%s", logLines(srv.Requests()))
			}
			if !c.want(res.Connections) {
				t.Errorf("%d connections, want %s", res.Connections, c.says)
			}
		})
	}
}
