package fetch

import (
	"context"
	"net/http"
	"strconv"
	"strings"
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

// TestWithSegments runs tests written for one connection again with
// segments on: the resume from a damaged state (left by one connection: an
// old sidecar without segments), the resume across processes, the clean
// transfer and the full disk. Tests whose assertions spell out the request
// sequence of one connection are not in the list; the fault matrix and the
// tests below cover their behaviours with segments.
func TestWithSegments(t *testing.T) {
	segmentsForTests = true
	defer func() { segmentsForTests = false }()
	for name, fn := range map[string]func(*testing.T){
		"ResumeFromDamagedState": TestResumeFromDamagedState,
		"ResumeAcrossProcesses":  TestResumeAcrossProcesses,
		"DiskFull":               TestDiskFullStopsTransferAndMirrors,
		"CleanTransferAndCache":  TestCleanTransferAndCache,
	} {
		t.Run(name, fn)
	}
}

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
	// The first response is left unread; the third request is a segment's.
	srv.Script(faultserver.Fault{}, faultserver.Fault{}, faultserver.Fault{Kind: faultserver.ResetMidBody, At: 300_000})
	f, _, _ := segFetcher(t, srv, 4, Config{})
	res := fetchAll(t, f, Target{Name: "seg", URL: fileURL(srv), SHA256: sha(data), Size: size}, data)
	if res.Faults != 1 {
		t.Errorf("%d faults, want the one reset", res.Faults)
	}
	if res.WireBytes != size {
		t.Errorf("received %d body bytes, want exactly %d: a reset segment resumes, nothing is fetched twice", res.WireBytes, size)
	}
	log := srv.Requests()
	var reset faultserver.Logged
	for _, l := range log {
		if l.Fault == faultserver.ResetMidBody {
			reset = l
		}
	}
	first, last := rangeOf(t, reset.Range)
	want := first + reset.BytesSent
	resumed := 0
	for _, l := range log {
		if a, b := rangeOf0(l.Range); a == want && b <= last && l.IfRange == reset.ETag {
			resumed++
		}
	}
	if reset.BytesSent != 300_000 || resumed != 1 {
		t.Errorf("the segment reset at %d should be asked again from there once (If-Range %s); requests:\n%s", want, reset.ETag, logLines(log))
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
// transfer goes on on one connection, from the prefix, and is whole.
func TestSegmentIgnoredRangeFallsBackToOneConnection(t *testing.T) {
	const size = 4 << 20
	data := archiveData(size, 43)
	srv := newFileServer(t, data)
	srv.Script(faultserver.Fault{}, faultserver.Fault{Kind: faultserver.IgnoreRange})
	f, _, ev := segFetcher(t, srv, 4, Config{})
	res := fetchAll(t, f, Target{Name: "seg", URL: fileURL(srv), SHA256: sha(data), Size: size}, data)
	if len(faultEventsSaying(ev, "continuing on one connection")) != 1 {
		t.Errorf("want one fault event saying the transfer continues on one connection: %+v", ev.kinds(EventFault))
	}
	log := srv.Requests()
	if finisher(log) == nil {
		t.Errorf("no request of one connection (an open range, or the whole file again) ended the file:\n%s", logLines(log))
	}
	if res.Faults < 1 {
		t.Errorf("faults %d, want the fallback counted", res.Faults)
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
