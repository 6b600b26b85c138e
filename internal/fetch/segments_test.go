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
