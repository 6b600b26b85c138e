package fetch

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/testutil"
)

// An HTTP/2 connection whose peer goes silent (not even answering a PING)
// is dropped by the default client after its idle time plus the ping's
// timeout: a read on it fails on its own, with no deadline from the caller,
// and the next request gets a new connection instead of the dead one.
func TestHTTPClientDropsSilentConnection(t *testing.T) {
	const path = "/f.tar.gz"
	data := archiveData(1<<20, 50)
	srv := faultserver.New(faultserver.HTTP2, map[string][]byte{path: data})
	defer srv.Close()
	// The idle time is what notices the silence, so the healthy path (the
	// bytes before the freeze, the PING acks, the next request) must never
	// come near it: at 300 ms a loaded 2-core machine under -race could
	// delay a healthy ack that long and drop a live connection.
	const idle = 2 * time.Second
	c := faultClient(t, srv, idle)

	// Only a hang guard: the client itself must give up well before (after
	// about two idle times: silence, then an unanswered PING).
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	srv.Script(faultserver.Fault{Kind: faultserver.FreezeMidBody, At: 64 << 10}) // frozen until the client leaves
	start := time.Now()
	got, err := getBody(ctx, c, srv.URL+path)
	took := time.Since(start)
	if err == nil || ctx.Err() != nil {
		t.Fatalf("read from a silent connection: %d bytes, err %v after %v; want the client to drop it by itself", len(got), err, took)
	}
	if len(got) != 64<<10 {
		t.Fatalf("got %d bytes before the freeze, want %d", len(got), 64<<10)
	}

	got, err = getBody(ctx, c, srv.URL+path)
	if err != nil || !bytes.Equal(got, data) {
		t.Fatalf("next request: %d bytes, %v", len(got), err)
	}
	if log := srv.Requests(); len(log) != 2 || log[0].Fault != faultserver.FreezeMidBody || log[1].Status != http.StatusOK {
		t.Fatalf("log %+v", log)
	}
}

func getBody(ctx context.Context, c *http.Client, url string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	return io.ReadAll(resp.Body)
}

// A server that labels a .tar.gz with Content-Encoding: gzip (a common
// misconfiguration) must not get it decompressed on the way: the bytes on
// disk are the bytes the digest covers.
func TestHTTPClientKeepsEncodedBytes(t *testing.T) {
	data := testutil.Gzip(t, archiveData(300_000, 51)[2:])
	var mu sync.Mutex
	var accept []string
	ts := newHandlerServer(t, func(n int, w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		accept = append(accept, r.Header.Get("Accept-Encoding"))
		mu.Unlock()
		w.Header().Set("Content-Encoding", "gzip")
		serveData(w, r, data, "")
	})
	for _, digest := range []string{sha(data), ""} {
		f, _, ev := newTestFetcher(t, Config{}) // the default client
		fetchAll(t, f, Target{URL: ts.url(), SHA256: digest}, data)
		if faults := ev.kinds(EventFault); len(faults) != 0 {
			t.Fatalf("digest %q: faults %+v", digest, faults)
		}
	}
	if n := len(ts.requests()); n != 2 {
		t.Fatalf("%d requests, want 2", n)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, a := range accept {
		if a != "" {
			t.Errorf("Accept-Encoding %q asked", a)
		}
	}
}
