package fetch

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
)

// segThreshold is the SegmentThreshold tests use so that their small bodies
// segment (minSegment follows it: segThreshold/16).
const segThreshold = 64 << 10

// segFetcher is a test fetcher with segments on (conns connections) for
// bodies of at least segThreshold.
func segFetcher(t testing.TB, srv *faultserver.Server, conns int, cfg Config) (*Fetcher, *sleepLog, *eventLog) {
	t.Helper()
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 5 * time.Second
	}
	if cfg.Client == nil && srv != nil {
		cfg.Client = faultClient(t, srv, cfg.IdleTimeout)
	}
	cfg.Connections = conns
	cfg.SegmentThreshold = segThreshold
	return newTestFetcher(t, cfg)
}

// rangeOf parses a logged "bytes=A-B" (B may be empty: -1).
func rangeOf(t testing.TB, v string) (int64, int64) {
	t.Helper()
	a, b, ok := strings.Cut(strings.TrimPrefix(v, "bytes="), "-")
	if !ok || !strings.HasPrefix(v, "bytes=") {
		t.Fatalf("range %q", v)
	}
	first, err := strconv.ParseInt(a, 10, 64)
	if err != nil {
		t.Fatalf("range %q", v)
	}
	last := int64(-1)
	if b != "" {
		if last, err = strconv.ParseInt(b, 10, 64); err != nil {
			t.Fatalf("range %q", v)
		}
	}
	return first, last
}

// segmentRequests are the logged requests with a bounded range: segments'.
func segmentRequests(log []faultserver.Logged) []faultserver.Logged {
	var out []faultserver.Logged
	for _, l := range log {
		if strings.HasPrefix(l.Range, "bytes=") && !strings.HasSuffix(l.Range, "-") {
			out = append(out, l)
		}
	}
	return out
}

func TestSegmentsUseDistinctConnections(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 41)
	for _, proto := range []faultserver.Proto{faultserver.HTTP1, faultserver.HTTP2} {
		t.Run(protoName(proto), func(t *testing.T) {
			srv := faultserver.New(proto, map[string][]byte{matrixPath: data})
			t.Cleanup(srv.Close)
			f, _, _ := segFetcher(t, srv, 4, Config{})
			res := fetchAll(t, f, Target{Name: "seg", URL: fileURL(srv), SHA256: sha(data), Size: size}, data)
			if res.WireBytes != size {
				t.Errorf("received %d body bytes, want exactly %d", res.WireBytes, size)
			}
			segs := segmentRequests(srv.Requests())
			conns := map[string]bool{}
			for _, l := range segs {
				conns[l.Conn] = true
			}
			if len(conns) < 4 {
				t.Errorf("segments came on %d connections, want 4: %v", len(conns), srv.Requests())
			}
			if res.Faults != 0 {
				t.Errorf("%d faults on a clean transfer", res.Faults)
			}
		})
	}
}

var _ = context.Background
var _ = http.StatusOK

// segmentsForTests makes newTestFetcher segment bodies of segThreshold and
// more (unless the test chose its Connections): TestWithSegments runs
// tests written for one connection that way. Tests run one at a time in
// this package (none calls t.Parallel), so a variable does.
var segmentsForTests bool

// TestWithSegments runs the fault, crash and concurrency tests written for
// one connection again with segments on (issue #14). Where an assertion
// spells out the request sequence of one connection, the test checks the
// same behaviour another way when segmentsForTests is set; in this mode the
// first response only hands the rest to segments, unread (the warm-up gate
// is off), so a fault scripted in its body never bites. TestFaultMatrix
// runs both ways itself. Tests not listed are not about faults, crashes or
// concurrency, or are about one connection by construction (the threshold,
// TestSegmentsNotUsed, the segment tests themselves).
func TestWithSegments(t *testing.T) {
	segmentsForTests = true
	defer func() { segmentsForTests = false }()
	tests := map[string]func(*testing.T){
		"ResumeFromDamagedState":           TestResumeFromDamagedState,
		"ResumeAcrossProcesses":            TestResumeAcrossProcesses,
		"CleanTransferAndCache":            TestCleanTransferAndCache,
		"Mirrors":                          TestMirrors,
		"NotArchiveRefused":                TestNotArchiveRefused,
		"ResumeHeaders":                    TestResumeHeaders,
		"RestartSemantics":                 TestRestartSemantics,
		"RetryBudget":                      TestRetryBudget,
		"PermanentErrors":                  TestPermanentErrors,
		"StallAndCancel":                   TestStallAndCancel,
		"ConcurrentFetchers":               TestConcurrentFetchersShareOneDownload,
		"PruneDuringRunningDownload":       TestPruneDuringRunningDownload,
		"Soak":                             TestSoak,
		"UnauthorizedFailsAtOnce":          TestUnauthorizedFailsAtOnce,
		"CredentialsNotSentAfterRedirect":  TestCredentialsNotSentAfterRedirect,
		"ConfigHeaderNotSentAfterRedirect": TestConfigHeaderNotSentAfterRedirect,
		"CachedArchiveIsVerified":          TestCachedArchiveIsVerified,
		"WaitVerified":                     TestWaitVerified,
		"SweepOldPartials":                 TestSweepOldPartials,
	}
	for name, fn := range platformSegmentedTests {
		tests[name] = fn
	}
	for name, fn := range tests {
		t.Run(name, fn)
	}
}

// platformSegmentedTests are TestWithSegments' tests that exist on some
// systems only (their files add them: the disk-full test needs Linux's
// tmpfs).
var platformSegmentedTests = map[string]func(*testing.T){}

// checkSegmentsAfter checks the requests that follow a resumed request
// which handed the rest to segments: bounded ranges, none of them asking
// for the bytes already held.
func checkSegmentsAfter(t *testing.T, log []faultserver.Logged, held int64) {
	t.Helper()
	for i, l := range log {
		first, last := rangeOf(t, l.Range)
		if last < 0 || first < held {
			t.Fatalf("request %d after the resume asked %q: want a segment past the %d bytes held", i, l.Range, held)
		}
	}
}

// distinctRanges reports whether no two requests asked the same Range.
func distinctRanges(log []faultserver.Logged) bool {
	seen := map[string]bool{}
	for _, l := range log {
		if seen[l.Range] {
			return false
		}
		seen[l.Range] = true
	}
	return true
}

// faultEventsSaying are the fault events whose message contains s.
func faultEventsSaying(ev *eventLog, s string) []Event {
	var out []Event
	for _, e := range ev.kinds(EventFault) {
		if strings.Contains(e.Message, s) {
			out = append(out, e)
		}
	}
	return out
}

// A reset in one segment resumes that segment where it stopped, and no
// other: no byte crosses the wire twice.
func TestSegmentResetResumesOnlyThatSegment(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 42)
	srv := newFileServer(t, data)
	// The first response is left unread; each segment's first response is
	// reset (so at least three of them away from the prefix).
	reset := faultserver.Fault{Kind: faultserver.ResetMidBody, At: 300_000}
	srv.Script(faultserver.Fault{}, reset, reset, reset, reset)
	f, _, _ := segFetcher(t, srv, 4, Config{})
	res := fetchAll(t, f, Target{Name: "seg", URL: fileURL(srv), SHA256: sha(data), Size: size}, data)
	if res.Faults != 4 {
		t.Errorf("%d faults, want the four resets", res.Faults)
	}
	if res.WireBytes != size {
		t.Errorf("received %d body bytes, want exactly %d: a reset segment resumes, nothing is fetched twice", res.WireBytes, size)
	}
	log := srv.Requests()
	for _, r := range log {
		if r.Fault != faultserver.ResetMidBody {
			continue
		}
		first, last := rangeOf(t, r.Range)
		want := first + r.BytesSent
		resumed := 0
		for _, l := range log {
			if a, b := rangeOf0(l.Range); a == want && b <= last && l.IfRange == r.ETag {
				resumed++
			}
		}
		if r.BytesSent != 300_000 || resumed != 1 {
			t.Errorf("the segment reset at %d should be asked again from there once (If-Range %s); requests:\n%s", want, r.ETag, logLines(log))
		}
	}
}

// rangeOf0 is rangeOf for a log entry that may have no Range: -1, -1.
func rangeOf0(v string) (int64, int64) {
	if !strings.HasPrefix(v, "bytes=") {
		return -1, -1
	}
	a, b, _ := strings.Cut(strings.TrimPrefix(v, "bytes="), "-")
	first, err1 := strconv.ParseInt(a, 10, 64)
	last, err2 := strconv.ParseInt(b, 10, 64)
	if err1 != nil {
		return -1, -1
	}
	if err2 != nil {
		last = -1
	}
	return first, last
}

// A segment answered with a 200 (Range ignored) stops the segmenting: the
// transfer goes on on one connection, from the prefix, and is whole. The
// segment at byte 0 and a later one are judged by different lines (a 200
// there is no restart), so each gets its case.
func TestSegmentIgnoredRangeFallsBackToOneConnection(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 43)
	for _, c := range []struct {
		name    string
		ignored func(rangeHdr string) bool
	}{
		{"segment at zero", func(v string) bool { return strings.HasPrefix(v, "bytes=0-") }},
		{"later segment", func(v string) bool { a, b := rangeOf0(v); return a > 0 && b > 0 }},
	} {
		t.Run(c.name, func(t *testing.T) {
			var mu sync.Mutex
			done := false
			hs := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				ignore := !done && c.ignored(r.Header.Get("Range"))
				done = done || ignore
				mu.Unlock()
				if ignore {
					r.Header.Del("Range")
				}
				serveData(w, r, data, `"strong"`)
			})
			f, _, ev := segFetcher(t, nil, 4, Config{})
			res := fetchAll(t, f, Target{Name: "seg", URL: hs.url(), SHA256: sha(data), Size: size}, data)
			if len(faultEventsSaying(ev, "continuing on one connection")) != 1 || res.Faults < 1 {
				t.Errorf("want one fault event saying the transfer continues on one connection: %+v", ev.kinds(EventFault))
			}
			reqs := hs.requests()
			single := 0
			for _, l := range reqs[1:] {
				if _, b := rangeOf0(l.Range); b == -1 {
					single++
				}
			}
			if single == 0 {
				t.Errorf("no request of one connection (an open range or the whole file) followed: %+v", reqs)
			}
		})
	}
}

// A segment that comes with another ETag (the file changed mid-transfer)
// stops the segmenting; one connection then finds the change through
// If-Range and starts over. The result is the new file, whole.
func TestSegmentChangedETag(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 44)
	srv := newFileServer(t, data)
	srv.Script(faultserver.Fault{}, faultserver.Fault{}, faultserver.Fault{Kind: faultserver.ChangeETag})
	f, _, ev := segFetcher(t, srv, 4, Config{})
	res, got, _, err := fetchReadRestarts(context.Background(), f, Target{Name: "seg", URL: fileURL(srv), SHA256: sha(data), Size: size})
	if err != nil {
		t.Fatal(err)
	}
	checkResult(t, res, got, data)
	if len(faultEventsSaying(ev, "continuing on one connection")) != 1 {
		t.Errorf("want one fault event saying the transfer continues on one connection: %+v", ev.kinds(EventFault))
	}
	log := srv.Requests()
	changed := ""
	for _, l := range log {
		if l.Fault == faultserver.ChangeETag {
			changed = l.ETag
		}
	}
	if l := finisher(log); l == nil || l.ETag != changed {
		t.Errorf("the transfer should end on one connection with the new ETag %s:\n%s", changed, logLines(log))
	}
}

// Dynamic splitting: one paced segment is slow; the connections that finish
// take over part of its range, so it sends less than it was asked.
func TestSegmentSplitsTheSlowest(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 45)
	srv := newFileServer(t, data)
	srv.Script(faultserver.Fault{}, faultserver.Fault{Pace: 512 << 10})
	f, _, _ := segFetcher(t, srv, 4, Config{})
	res := fetchAll(t, f, Target{Name: "seg", URL: fileURL(srv), SHA256: sha(data), Size: size}, data)
	log := srv.Requests()
	slow := log[1]
	a, b := rangeOf(t, slow.Range)
	taken := 0
	for _, l := range log[2:] {
		if x, _ := rangeOf0(l.Range); x > a && x <= b {
			taken++
		}
	}
	if taken == 0 || slow.BytesSent >= b-a+1 {
		t.Errorf("no connection took over part of the slow segment %s (it sent %d of %d):\n%s", slow.Range, slow.BytesSent, b-a+1, logLines(log))
	}
	if res.WireBytes != size {
		t.Errorf("received %d body bytes, want exactly %d", res.WireBytes, size)
	}
}

// finisher is the request of one connection, after the first, whose
// response carried the file to its end: an open range, or the whole file.
func finisher(log []faultserver.Logged) *faultserver.Logged {
	for i := len(log) - 1; i >= 1; i-- {
		l := log[i]
		a, b := rangeOf0(l.Range)
		switch {
		case l.Fault != faultserver.None || b != -1:
		case l.Status == http.StatusOK && l.BytesSent == int64(4<<20),
			a >= 0 && l.Status == http.StatusPartialContent && a+l.BytesSent == int64(4<<20):
			return &log[i]
		}
	}
	return nil
}

// A stopped segmented transfer (Close, as a kill leaves it but with a last
// save) leaves a sidecar that records every segment; the next run asks for
// exactly the missing pieces, on as many connections.
func TestSegmentSidecarSurvivesAStop(t *testing.T) {
	// Four segments (a piece per connection), and sixteen in-order pieces.
	for _, piece := range []int64{defaultPieceSize, 256 << 10} {
		t.Run(fmt.Sprintf("pieces of %s", HumanBytes(piece)), func(t *testing.T) {
			testSidecarSurvivesAStop(t, piece)
		})
	}
}

func testSidecarSurvivesAStop(t *testing.T, piece int64) {
	const size = 4 << 20
	data := archiveData(size, 46)
	srv := newFileServer(t, data)
	dir := t.TempDir()
	tg := Target{Name: "seg", URL: fileURL(srv), SHA256: sha(data), Size: size}
	sc, data1 := stopSegmented(t, srv, dir, tg, func(f *Fetcher) { f.hooks.pieceSize = piece })
	// Claims carve pieces from the front: the sidecar holds those and
	// the rest not yet carved.
	if len(sc.Segments) < 2 {
		t.Fatalf("sidecar %s: %d pieces, want the pieces carved and the rest", data1, len(sc.Segments))
	}
	checkResumesMissing(t, srv, dir, tg, sc, data1, data)
}

// A killed segmented run: kill -9 leaves the sidecar as last saved and
// the partial file with every byte written up to the kill, which may be
// more. The state is copied at the instant the sidecar is saved after a
// fault in one piece (sidecar first, then the file, while the other
// connections go on writing), as a kill there leaves it; the next run
// from that copy asks for exactly the pieces the sidecar says are
// missing, on the connections, and trusts no byte it does not list.
func TestSegmentKilledRunResumesTheMissingPieces(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 56)
	srv := newFileServer(t, data)
	srv.SetPace(1 << 20)
	// The first response is left unread; the fourth piece's first
	// response is reset 100 000 bytes in.
	srv.Script(faultserver.Fault{}, faultserver.Fault{}, faultserver.Fault{}, faultserver.Fault{}, faultserver.Fault{Kind: faultserver.ResetMidBody, At: 100_000})
	dir, killed := t.TempDir(), t.TempDir()
	tg := Target{Name: "seg", URL: fileURL(srv), SHA256: sha(data), Size: size}
	key := partialKey(tg)
	snapped := make(chan error, 1)
	var once sync.Once
	f1, _, _ := segFetcher(t, srv, 4, Config{CacheDir: dir, OnEvent: func(e Event) {
		if e.Kind != EventFault {
			return
		}
		once.Do(func() {
			err := os.MkdirAll(filepath.Join(killed, "downloads"), 0o755)
			for _, ext := range []string{".json", ".part"} {
				if err != nil {
					break
				}
				var b []byte
				if b, err = os.ReadFile(filepath.Join(dir, "downloads", key+ext)); err == nil {
					err = os.WriteFile(filepath.Join(killed, "downloads", key+ext), b, 0o644)
				}
			}
			snapped <- err
		})
	}})
	f1.hooks.pieceSize = 1 << 20
	s, err := f1.Start(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-snapped; err != nil {
		t.Fatal(err)
	}
	s.Close()
	srv.SetPace(0)
	raw, err := os.ReadFile(filepath.Join(killed, "downloads", key+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var sc sidecar
	if err := json.Unmarshal(raw, &sc); err != nil || len(sc.Segments) < 2 {
		t.Fatalf("sidecar %s: %v, want the pieces carved and the rest", raw, err)
	}
	written := false
	for _, g := range sc.Segments {
		written = written || g.Written > 0
	}
	if !written {
		t.Fatalf("sidecar %s: no piece past the prefix holds bytes; the test shows nothing", raw)
	}
	checkResumesMissing(t, srv, killed, tg, sc, raw, data)
}

// checkResumesMissing runs tg again from the partial in dir, whose sidecar
// (parsed sc, raw) lists segments, and checks that the run asks for
// exactly the bytes the sidecar says are missing.
func checkResumesMissing(t *testing.T, srv *faultserver.Server, dir string, tg Target, sc sidecar, data1, data []byte) {
	t.Helper()
	size := tg.Size
	// The missing pieces, by the sidecar.
	type span struct{ a, b int64 } // [a, b)
	var missing []span
	var want int64
	for _, g := range sc.Segments {
		if g.Start+g.Written < g.End {
			missing = append(missing, span{g.Start + g.Written, g.End})
			want += g.End - g.Start - g.Written
		}
	}
	if want == 0 || want >= size {
		t.Fatalf("sidecar %s: %d bytes missing, want some but not all", data1, want)
	}
	nreq := len(srv.Requests())
	f2, _, _ := segFetcher(t, srv, 4, Config{CacheDir: dir})
	res := fetchAll(t, f2, tg, data)
	if res.WireBytes != want {
		t.Errorf("the resumed run received %d bytes, want the %d missing", res.WireBytes, want)
	}
	// Every request starts at a missing piece's start or inside one (a
	// split), and ends at most at that piece's end; with the byte count
	// above, the requests cover exactly the missing pieces.
	log := srv.Requests()[nreq:]
	starts := map[int64]bool{}
	for _, l := range log {
		a, b := rangeOf(t, l.Range)
		ok := false
		for _, m := range missing {
			if a >= m.a && a < m.b && b >= a && b < m.b {
				ok = true
			}
		}
		if !ok || l.IfRange != sc.ETag {
			t.Errorf("request %q (If-Range %s) is not within a missing piece %v (validator %s)", l.Range, l.IfRange, missing, sc.ETag)
		}
		starts[a] = true
	}
	for _, m := range missing {
		if !starts[m.a] {
			t.Errorf("no request for the missing piece from %d: %v", m.a, log)
		}
	}
}

// A segment that fails for good on one mirror (a 404) moves to the next,
// with every segment and the prefix kept: the next mirror gets segments'
// ranges, never the whole file.
func TestSegmentsMoveToTheNextMirror(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 47)
	first := newFileServer(t, data, "/m1/dl/a.tar.gz")
	second := newFileServer(t, data, "/m2/dl/a.tar.gz")
	first.Script(faultserver.Fault{}, faultserver.Fault{}, faultserver.Fault{Kind: faultserver.Status, Code: 404})
	f, _, ev := segFetcher(t, nil, 4, Config{
		Mirrors: []string{first.URL + "/m1", second.URL + "/m2"},
		Client:  first.Client(),
	})
	tg := Target{Name: "seg", URL: UpstreamPrefix + "/dl/a.tar.gz", SHA256: sha(data), Size: size}
	res := fetchAll(t, f, tg, data)
	if len(ev.kinds(EventMirror)) != 1 || !strings.HasPrefix(res.URL, second.URL) {
		t.Errorf("mirror events %+v, result from %s: want one move to the second mirror", ev.kinds(EventMirror), res.URL)
	}
	log := second.Requests()
	if len(log) == 0 {
		t.Fatal("no request to the second mirror")
	}
	for _, l := range log {
		if _, b := rangeOf0(l.Range); b < 0 {
			t.Errorf("the second mirror got %q, want only segments' ranges:\n%s", l.Range, logLines(log))
		}
	}
	if res.WireBytes != size {
		t.Errorf("received %d body bytes over both mirrors, want exactly %d", res.WireBytes, size)
	}
}

// One connection when segments cannot or need not be used: a weak ETag, a
// server that does not take ranges, a body below the threshold, or
// Connections 1.
func TestSegmentsNotUsed(t *testing.T) {
	const size = 1 << 20
	data := archiveData(size, 48)
	for _, c := range []struct {
		name  string
		conns int
		body  []byte
		h     func(w http.ResponseWriter, r *http.Request, data []byte)
	}{
		{"weak etag", 4, data, func(w http.ResponseWriter, r *http.Request, data []byte) { serveData(w, r, data, `W/"weak"`) }},
		{"last-modified only", 4, data, func(w http.ResponseWriter, r *http.Request, data []byte) { serveData(w, r, data, "") }},
		{"no ranges", 4, data, func(w http.ResponseWriter, r *http.Request, data []byte) {
			w.Header().Set("ETag", `"strong"`)
			w.Header().Set("Content-Length", strconv.Itoa(len(data)))
			w.Write(data)
		}},
		{"below the threshold", 4, data[:segThreshold-1], func(w http.ResponseWriter, r *http.Request, data []byte) { serveData(w, r, data, `"strong"`) }},
		{"one connection", 1, data, func(w http.ResponseWriter, r *http.Request, data []byte) { serveData(w, r, data, `"strong"`) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			hs := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) { c.h(w, r, c.body) })
			f, _, _ := segFetcher(t, nil, c.conns, Config{})
			fetchAll(t, f, Target{Name: "one", URL: hs.url(), SHA256: sha(c.body), Size: int64(len(c.body))}, c.body)
			if reqs := hs.requests(); len(reqs) != 1 || reqs[0].Range != "" {
				t.Errorf("requests %+v, want one for the whole file", reqs)
			}
		})
	}
	// The control: the same handler with a strong ETag does segment.
	hs := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) { serveData(w, r, data, `"strong"`) })
	f, _, _ := segFetcher(t, nil, 4, Config{})
	fetchAll(t, f, Target{Name: "seg", URL: hs.url(), SHA256: sha(data), Size: size}, data)
	if n := len(hs.requests()); n < 3 {
		t.Errorf("%d requests with a strong ETag, want the first and segments", n)
	}
}

// The first response decides, once it has brought segmentWarmup bytes,
// whether segments pay: on a link one connection fills (the rest would come
// within segmentWorth) it goes on alone; on a slow one the rest goes in
// segments. The clock is the test's.
func TestSegmentsOnlyWhenTheyPay(t *testing.T) {
	const size = 2 << 20
	data := archiveData(size, 49)
	for _, c := range []struct {
		name string
		tick time.Duration // how far the clock moves at each reading
		want bool          // segments
	}{
		{"fast link", 0, false},
		{"slow link", time.Second, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := newFileServer(t, data)
			f, _, _ := segFetcher(t, srv, 4, Config{})
			f.hooks.segmentWarmup = 256 << 10
			var mu sync.Mutex
			now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
			f.hooks.now = func() time.Time {
				mu.Lock()
				defer mu.Unlock()
				now = now.Add(c.tick)
				return now
			}
			res := fetchAll(t, f, Target{Name: "gate", URL: fileURL(srv), SHA256: sha(data), Size: size}, data)
			log := srv.Requests()
			if got := len(segmentRequests(log)) > 0; got != c.want {
				t.Errorf("segments %v, want %v:\n%s", got, c.want, logLines(log))
			}
			if res.WireBytes != size {
				t.Errorf("received %d body bytes, want exactly %d (the first response's bytes are kept)", res.WireBytes, size)
			}
		})
	}
}

// stopSegmented runs tg segmented from srv into dir until a quarter of it is
// held, stops it (Stream.Close) and returns the sidecar left, parsed and raw.
// setup, if given, adjusts the fetcher (its piece size).
func stopSegmented(t *testing.T, srv *faultserver.Server, dir string, tg Target, setup ...func(*Fetcher)) (sidecar, []byte) {
	t.Helper()
	srv.SetPace(1 << 20) // each of four segments: about a second
	defer srv.SetPace(0)
	reached := make(chan struct{})
	var once sync.Once
	f1, _, _ := segFetcher(t, srv, 4, Config{CacheDir: dir, OnEvent: func(e Event) {
		if e.Kind == EventProgress && e.Done >= tg.Size/4 {
			once.Do(func() { close(reached) })
		}
	}})
	for _, fn := range setup {
		fn(f1)
	}
	s, err := f1.Start(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	<-reached
	s.Close()
	raw, err := os.ReadFile(filepath.Join(dir, "downloads", partialKey(tg)+".json"))
	if err != nil {
		t.Fatal(err)
	}
	var sc sidecar
	if err := json.Unmarshal(raw, &sc); err != nil || len(sc.Segments) == 0 {
		t.Fatalf("sidecar %s: %v, want segments", raw, err)
	}
	return sc, raw
}

// A segmented partial whose state does not hold up is repaired, never
// trusted: a file shorter than its segments claim loses only the bytes it
// lacks; segments that do not partition the rest of the file are dropped
// with the bytes past the prefix, which one connection then resumes from.
func TestSegmentDamagedSidecar(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 50)
	tg := Target{Name: "seg", URL: "", SHA256: sha(data), Size: size}
	t.Run("file shorter than its segments", func(t *testing.T) {
		srv := newFileServer(t, data)
		tg.URL = fileURL(srv)
		dir := t.TempDir()
		sc, _ := stopSegmented(t, srv, dir, tg)
		var missing int64
		var last *sidecarSegment
		for i, g := range sc.Segments {
			missing += g.End - g.Start - g.Written
			if g.Written > 1 {
				last = &sc.Segments[i]
			}
		}
		if last == nil {
			t.Fatalf("no segment holds bytes: %+v", sc.Segments)
		}
		lost := last.Written - last.Written/2
		if err := os.Truncate(filepath.Join(dir, "downloads", partialKey(tg)+".part"), last.Start+last.Written/2); err != nil {
			t.Fatal(err)
		}
		f2, _, _ := segFetcher(t, srv, 4, Config{CacheDir: dir})
		if res := fetchAll(t, f2, tg, data); res.WireBytes != missing+lost {
			t.Errorf("received %d bytes, want the %d missing and the %d the file lost", res.WireBytes, missing, lost)
		}
	})
	t.Run("segments that do not partition the file", func(t *testing.T) {
		srv := newFileServer(t, data)
		tg.URL = fileURL(srv)
		dir := t.TempDir()
		sc, _ := stopSegmented(t, srv, dir, tg)
		sc.Segments[len(sc.Segments)-1].End-- // a gap before the end
		raw, _ := json.Marshal(sc)
		if err := os.WriteFile(filepath.Join(dir, "downloads", partialKey(tg)+".json"), raw, 0o600); err != nil {
			t.Fatal(err)
		}
		nreq := len(srv.Requests())
		f2, _, _ := segFetcher(t, srv, 4, Config{CacheDir: dir})
		res := fetchAll(t, f2, tg, data)
		log := srv.Requests()[nreq:]
		if want := fmt.Sprintf("bytes=%d-", sc.Offset); log[0].Range != want || log[0].IfRange != sc.ETag {
			t.Errorf("first request %q If-Range %q, want %q with %s (one connection from the prefix):\n%s", log[0].Range, log[0].IfRange, want, sc.ETag, logLines(log))
		}
		if res.WireBytes != size-sc.Offset {
			t.Errorf("received %d bytes, want the %d past the prefix", res.WireBytes, size-sc.Offset)
		}
	})
}

// Config.SegmentWarmup < 0 turns the warm-up gate off for packages that
// cannot reach the test hook (pipeline's fault tests): segments start at the
// first response's headers even on loopback.
func TestSegmentWarmupConfig(t *testing.T) {
	const size = 1 << 20
	data := archiveData(size, 48)
	srv := newFileServer(t, data)
	f, err := New(Config{
		CacheDir: t.TempDir(), Mirrors: []string{"http://mirror.invalid"},
		Client:      faultClient(t, srv, 5*time.Second),
		Connections: 4, SegmentThreshold: segThreshold, SegmentWarmup: -1,
	})
	if err != nil {
		t.Fatal(err)
	}
	fetchAll(t, f, Target{Name: "warmup", URL: fileURL(srv), SHA256: sha(data), Size: size}, data)
	log := srv.Requests()
	if len(segmentRequests(log)) < 4 || log[0].Range != "" {
		t.Fatalf("want one request from zero, then the rest in segments at once:\n%s", logLines(log))
	}
}

// A segment answered with a 206 from elsewhere than asked (a cache that
// mixed up its ranges: "bytes 0-…" to a request at 4 MiB) is judged
// against the offset the segment asked for, never the one the server
// claims: the segmenting stops with a fault event naming the mismatch, the
// bytes past the prefix are dropped, and one connection resumes from the
// prefix. No misplaced byte is written, so the transfer needs no restart
// from zero when a digest is known, and the file is whole when none is (a
// local --downloads-json without sha256), where nothing else would notice.
func TestSegmentWrongContentRange(t *testing.T) {
	const size = 8 << 20
	const from = size / 4 // the wrong answer goes to the first piece from here
	data := archiveData(size, 51)
	for _, withDigest := range []bool{true, false} {
		t.Run(fmt.Sprintf("digest %v", withDigest), func(t *testing.T) {
			var mu sync.Mutex
			served := false
			var at, last int64 // the range answered wrongly
			hs := newHandlerServer(t, func(_ int, w http.ResponseWriter, r *http.Request) {
				a, b := rangeOf0(r.Header.Get("Range"))
				mu.Lock()
				wrong := !served && a >= from && b > a
				if wrong {
					at, last = a, b
				}
				served = served || wrong
				mu.Unlock()
				if !wrong {
					serveData(w, r, data, `"strong"`)
					return
				}
				n := b - a + 1
				w.Header().Set("ETag", `"strong"`)
				w.Header().Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", n-1, size))
				w.Header().Set("Content-Length", strconv.FormatInt(n, 10))
				w.WriteHeader(http.StatusPartialContent)
				w.Write(data[:n])
			})
			f, _, ev := segFetcher(t, nil, 4, Config{})
			tg := Target{Name: "seg", URL: hs.url(), Size: size}
			if withDigest {
				tg.SHA256 = sha(data)
			}
			// fetchAll fails on a restart from zero (a digest mismatch)
			// and on any byte that differs from data.
			fetchAll(t, f, tg, data)
			if !served {
				t.Fatalf("no segment was asked from %d on: %+v", from, hs.requests())
			}
			stops := faultEventsSaying(ev, "continuing on one connection")
			if len(stops) != 1 {
				t.Fatalf("want one fault event stopping the segments, got %+v", ev.kinds(EventFault))
			}
			stop := stops[0]
			want := fmt.Sprintf(`Content-Range "bytes 0-%d/%d" for a request from byte %d`, last-at, size, at)
			if !strings.Contains(stop.Message, want) {
				t.Errorf("fault event %q does not name the mismatch (%s)", stop.Message, want)
			}
			// The bytes past the prefix were dropped: the event counts
			// only the prefix as held, and one connection asks for the
			// rest from exactly there.
			var open []logged
			for _, l := range hs.requests()[1:] {
				if _, b := rangeOf0(l.Range); b == -1 {
					open = append(open, l)
				}
			}
			// From zero (no prefix yet) one connection asks for the
			// whole file.
			wantRange, wantIf := "", ""
			if stop.Done > 0 {
				wantRange, wantIf = fmt.Sprintf("bytes=%d-", stop.Done), `"strong"`
			}
			if len(open) != 1 || open[0].Range != wantRange || open[0].IfRange != wantIf {
				t.Errorf("requests of one connection %+v, want one with Range %q If-Range %q (from the prefix the event reports)", open, wantRange, wantIf)
			}
			if stop.Done >= size {
				t.Errorf("the event reports %d bytes held, want less than the file", stop.Done)
			}
		})
	}
}
