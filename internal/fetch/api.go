// Package fetch is pyget's resilient transfer layer. The whole transfer
// (request, headers, body) sits inside one retry loop; a broken stream is
// resumed with HTTP Range underneath the consumer, which reads the archive
// while it arrives and never sees a transient error.
//
// CONTRACT (skeleton; the implementation may add, but keep these names):
package fetch

import (
	"context"
	"errors"
	"io"
	"net/http"
	"time"
)

// UpstreamPrefix is the prefix of python-build-standalone URLs in the catalog;
// mirrors replace it.
const UpstreamPrefix = "https://github.com/astral-sh/python-build-standalone/releases/download"

// DefaultMirrors is tried in order when no mirror is configured.
var DefaultMirrors = []string{
	"https://releases.astral.sh/github/python-build-standalone/releases/download",
	UpstreamPrefix,
}

// ErrRestarted is returned by a Stream reader when the transfer had to start
// again from byte zero (server ignored Range, file changed, digest mismatch):
// bytes that reader already returned may be wrong. The consumer discards its
// work and reads again from a fresh Stream.NewReader().
var ErrRestarted = errors.New("download restarted from the beginning")

// Config configures a Fetcher. Zero values mean the documented defaults.
type Config struct {
	CacheDir    string        // <cache>/downloads/*.part, <cache>/archives/<sha256>
	Mirrors     []string      // base URLs replacing UpstreamPrefix; nil = DefaultMirrors
	Retries     int           // consecutive attempts without progress; default 5 (PYGET_HTTP_RETRIES)
	IdleTimeout time.Duration // no byte for this long fails an attempt; default 30s (PYGET_HTTP_TIMEOUT)
	BaseDelay   time.Duration // first backoff; default 500ms (tests shorten)
	MaxDelay    time.Duration // backoff cap; default 10s
	Deadline    time.Duration // overall last resort per transfer; default 1h
	Client      *http.Client  // nil = NewHTTPClient(IdleTimeout)
	OnEvent     func(Event)   // progress and recovered faults; may be nil; called from any goroutine
}

// EventKind says what an Event reports.
type EventKind int

const (
	EventStart    EventKind = iota // transfer starting; Total known if > 0
	EventProgress                  // Done/Total bytes
	EventFault                     // a recovered fault: Err, Message ("stream reset at 12.4 MiB; resuming (attempt 2)")
	EventMirror                    // switching to the next mirror: URL
	EventDone                      // verified
)

// Event is sent to Config.OnEvent.
type Event struct {
	Kind    EventKind
	Name    string // Target.Name
	URL     string
	Done    int64
	Total   int64
	Attempt int
	Err     error
	Message string
}

// Target is what to fetch.
type Target struct {
	Name   string // label for events and errors, e.g. cpython-3.14.6-linux-x86_64-gnu
	URL    string // the catalog URL (mirrors applied to it), or file://, or http(s)://
	SHA256 string // expected lowercase hex digest; "" = unknown (computed, not verified)
	Size   int64  // expected size if known, else 0
}

// Result describes a finished, verified transfer.
type Result struct {
	Path      string // <cache>/archives/<sha256>: complete and verified
	SHA256    string
	Size      int64
	FromCache bool  // no network was used
	Faults    int   // recovered faults
	WireBytes int64 // body bytes received over the network in this run
}

// Fetcher runs transfers.
type Fetcher struct{ cfg Config }

// New returns a Fetcher.
func New(cfg Config) (*Fetcher, error) { panic("unimplemented") }

// Start begins (or resumes from the partial file) the transfer in the
// background and returns at once. It takes a file lock per digest so that
// two processes never write the same partial; a finished archive in the cache
// means no network at all.
func (f *Fetcher) Start(ctx context.Context, t Target) (*Stream, error) { panic("unimplemented") }

// Stream is a transfer in progress.
type Stream struct{}

// NewReader returns a reader from byte zero that waits for bytes as they
// arrive, returns io.EOF only when the whole body is on disk, a permanent
// error when the transfer failed for good, and ErrRestarted as documented.
func (s *Stream) NewReader() io.Reader { panic("unimplemented") }

// Wait waits for the transfer and verification to finish.
func (s *Stream) Wait() (Result, error) { panic("unimplemented") }

// Close stops the transfer if it still runs, keeping the resumable partial.
func (s *Stream) Close() error { panic("unimplemented") }

// Get fetches a small resource (the catalog) with the same retry rules and no
// mirrors. etag, when set, is sent as If-None-Match; notModified reports a 304.
// file:// URLs and plain paths are read from disk.
func (f *Fetcher) Get(ctx context.Context, url, etag string) (body []byte, newETag string, notModified bool, err error) {
	panic("unimplemented")
}

// ConfigFromEnv fills Retries and IdleTimeout from PYGET_HTTP_RETRIES and
// PYGET_HTTP_TIMEOUT, and Mirrors from PYGET_MIRROR (space-separated).
func ConfigFromEnv(cfg Config) (Config, error) { panic("unimplemented") }
