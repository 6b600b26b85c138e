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
