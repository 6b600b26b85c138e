package fetch

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
)

// archiveData returns size pseudo-random bytes that start like a gzip file.
func archiveData(size int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	b := make([]byte, size)
	for i := 0; i+8 <= len(b); i += 8 {
		v := r.Uint64()
		for j := 0; j < 8; j++ {
			b[i+j] = byte(v >> (8 * j))
		}
	}
	if size >= 2 {
		b[0], b[1] = 0x1f, 0x8b
	}
	return b
}

func sha(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// sleepLog records backoff sleeps instead of sleeping (or sleeps a little
// so that the transfer goroutine yields).
type sleepLog struct {
	mu     sync.Mutex
	delays []time.Duration
}

func (l *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	l.mu.Lock()
	l.delays = append(l.delays, d)
	l.mu.Unlock()
	return sleepCtx(ctx, min(d, 5*time.Millisecond))
}

func (l *sleepLog) get() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.delays...)
}

type eventLog struct {
	mu     sync.Mutex
	events []Event
}

func (l *eventLog) add(e Event) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *eventLog) kinds(k EventKind) []Event {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Event
	for _, e := range l.events {
		if e.Kind == k {
			out = append(out, e)
		}
	}
	return out
}

// newTestFetcher builds a Fetcher with short delays and recorded sleeps.
func newTestFetcher(t testing.TB, cfg Config) (*Fetcher, *sleepLog, *eventLog) {
	t.Helper()
	if cfg.CacheDir == "" {
		cfg.CacheDir = t.TempDir()
	}
	if cfg.BaseDelay == 0 {
		cfg.BaseDelay = time.Millisecond
	}
	if cfg.MaxDelay == 0 {
		cfg.MaxDelay = 5 * time.Millisecond
	}
	if cfg.IdleTimeout == 0 {
		cfg.IdleTimeout = 5 * time.Second
	}
	// Here a zero Retries means the default; a test of no retries at all
	// sets f.cfg.Retries = 0 on the Fetcher returned.
	if cfg.Retries == 0 {
		cfg.Retries = DefaultRetries
	}
	if cfg.Mirrors == nil {
		cfg.Mirrors = []string{"http://mirror.invalid"}
	}
	if cfg.Connections == 0 && segmentsForTests {
		cfg.Connections, cfg.SegmentThreshold = 4, segThreshold
	}
	ev := &eventLog{}
	if cfg.OnEvent == nil {
		cfg.OnEvent = ev.add
	}
	f, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sl := &sleepLog{}
	f.hooks.sleep = sl.sleep
	// Segments, where a test turns them on, start at the first
	// response's headers: a decision on the clock would make tests
	// depend on the machine's speed.
	f.hooks.segmentWarmup = 0
	// Nor does a piece count as stalled on the clock: a test of taking
	// over a stalled piece sets stealAfter itself.
	f.hooks.stealAfter = time.Hour
	// Nor does the count of connections depend on the rates measured: a
	// segmented run starts with all of them (a test of connGrowth sets
	// startConnections itself).
	f.hooks.startConnections = 0
	return f, sl, ev
}

// fetchAll starts the transfer, reads it through a concurrent reader and
// checks the bytes and the result against want. The transfer must not
// restart from zero: a test that expects it uses fetchAllRestarting.
func fetchAll(t testing.TB, f *Fetcher, tg Target, want []byte) Result {
	t.Helper()
	res, got, err := fetchRead(context.Background(), f, tg)
	if err != nil {
		t.Fatalf("fetch %s: %v", tg.URL, err)
	}
	checkResult(t, res, got, want)
	return res
}

// fetchAllRestarting is fetchAll for a transfer that must restart from zero
// at least once; it returns how many times it did.
func fetchAllRestarting(t testing.TB, f *Fetcher, tg Target, want []byte) (Result, int) {
	t.Helper()
	res, got, restarts, err := fetchReadRestarts(context.Background(), f, tg)
	if err != nil {
		t.Fatalf("fetch %s: %v", tg.URL, err)
	}
	if restarts == 0 {
		t.Fatalf("fetch %s: no restart from zero, want at least one", tg.URL)
	}
	checkResult(t, res, got, want)
	return res, restarts
}

func checkResult(t testing.TB, res Result, got, want []byte) {
	t.Helper()
	if !bytes.Equal(got, want) {
		t.Fatalf("reader got %d bytes (sha %s), want %d bytes (sha %s)", len(got), sha(got), len(want), sha(want))
	}
	disk, err := os.ReadFile(res.Path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(disk, want) {
		t.Fatalf("archive on disk differs: %d bytes, want %d", len(disk), len(want))
	}
	if res.SHA256 != sha(want) || filepath.Base(res.Path) != sha(want) || res.Size != int64(len(want)) {
		t.Fatalf("result %+v, want sha %s size %d", res, sha(want), len(want))
	}
}

// errUnexpectedRestart is what fetchRead returns, instead of the transfer's
// own outcome, when the transfer restarted from zero.
var errUnexpectedRestart = errors.New("unexpected restart from zero")

// fetchRead starts tg and reads it concurrently through NewReader. It does
// not absorb a restart from zero: when the partial was discarded (whether or
// not the reader saw ErrRestarted) it fails with errUnexpectedRestart, which
// hides the transfer's result from errors.Is and errors.As. A test that
// expects a restart uses fetchReadRestarts.
func fetchRead(ctx context.Context, f *Fetcher, tg Target) (Result, []byte, error) {
	res, got, restarts, err := fetchReadRestarts(ctx, f, tg)
	if restarts > 0 {
		return res, got, fmt.Errorf("%w: %d time(s); the transfer ended with: %v", errUnexpectedRestart, restarts, err)
	}
	return res, got, err
}

// fetchReadRestarts starts tg, reads it concurrently through NewReader and
// reports how many times the transfer restarted from zero. A reader that
// gets ErrRestarted starts again with a new reader.
func fetchReadRestarts(ctx context.Context, f *Fetcher, tg Target) (Result, []byte, int, error) {
	s, err := f.Start(ctx, tg)
	if err != nil {
		return Result{}, nil, 0, err
	}
	defer s.Close()
	var got []byte
	var rerr error
	seen := 0 // ErrRestarted returned to the reader
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			got, rerr = io.ReadAll(s.NewReader())
			if !errors.Is(rerr, ErrRestarted) {
				return
			}
			seen++
		}
	}()
	res, werr := s.Wait()
	<-done
	restarts := streamRestarts(s)
	if seen > restarts {
		return res, got, restarts, fmt.Errorf("the reader got ErrRestarted %d times, but the transfer restarted %d times", seen, restarts)
	}
	if werr != nil {
		return res, got, restarts, werr
	}
	return res, got, restarts, rerr
}

// streamRestarts is how many times s restarted from zero so far.
func streamRestarts(s *Stream) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.gen
}

// newFileServer serves data at matrixPath, and at any other paths given,
// over HTTP/1.1: faultserver, whose Script and Repeat put the faults a test
// needs on successive requests, and whose log records each request's
// Range, If-Range and the ETag sent.
func newFileServer(t testing.TB, data []byte, paths ...string) *faultserver.Server {
	files := map[string][]byte{matrixPath: data}
	for _, p := range paths {
		files[p] = data
	}
	srv := faultserver.New(faultserver.HTTP1, files)
	t.Cleanup(srv.Close)
	return srv
}

// fileURL is the archive's URL on srv.
func fileURL(srv *faultserver.Server) string { return srv.URL + matrixPath }

// logged is one request seen by a handlerServer.
type logged struct {
	Range, IfRange, Auth, Path string
}

// handlerServer runs a one-off handler, for a behaviour faultserver has no
// fault for (a weak ETag, a gated restart, a redirect, a header it does not
// send), and logs the requests, Authorization included.
type handlerServer struct {
	*httptest.Server
	mu   sync.Mutex
	reqs []logged
}

// newHandlerServer serves every request with h; n counts requests from 0.
func newHandlerServer(t testing.TB, h func(n int, w http.ResponseWriter, r *http.Request)) *handlerServer {
	hs := &handlerServer{}
	hs.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hs.mu.Lock()
		n := len(hs.reqs)
		hs.reqs = append(hs.reqs, logged{Range: r.Header.Get("Range"), IfRange: r.Header.Get("If-Range"), Auth: r.Header.Get("Authorization"), Path: r.URL.Path})
		hs.mu.Unlock()
		h(n, w, r)
	}))
	t.Cleanup(hs.Close)
	return hs
}

func (hs *handlerServer) requests() []logged {
	hs.mu.Lock()
	defer hs.mu.Unlock()
	return append([]logged(nil), hs.reqs...)
}

func (hs *handlerServer) url() string { return hs.URL + matrixPath }

// testLastMod is the Last-Modified serveData sends.
var testLastMod = time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)

// serveData answers r with data as net/http's file serving does (Range,
// If-Range against etag and testLastMod), sending etag unless it is "".
func serveData(w http.ResponseWriter, r *http.Request, data []byte, etag string) {
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	http.ServeContent(w, r, "a.tar.gz", testLastMod, bytes.NewReader(data))
}

// cutAt answers r (honouring its Range) but drops the connection after n
// body bytes, short of the announced Content-Length.
func cutAt(w http.ResponseWriter, r *http.Request, data []byte, n int) {
	from := 0
	if rg := r.Header.Get("Range"); rg != "" {
		v, _, _ := bytes.Cut([]byte(rg[len("bytes="):]), []byte("-"))
		from, _ = strconv.Atoi(string(v))
		w.Header().Set("Content-Range", "bytes "+strconv.Itoa(from)+"-"+strconv.Itoa(len(data)-1)+"/"+strconv.Itoa(len(data)))
		w.Header().Set("Content-Length", strconv.Itoa(len(data)-from))
		w.WriteHeader(http.StatusPartialContent)
	} else {
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.WriteHeader(http.StatusOK)
	}
	end := min(from+n, len(data))
	w.Write(data[from:end])
	w.(http.Flusher).Flush()
	panic(http.ErrAbortHandler)
}
