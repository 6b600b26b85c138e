package fetch

import (
	"errors"
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
	Deadline    time.Duration // overall last resort per transfer; default 12h
	Client      *http.Client  // nil = NewHTTPClient(IdleTimeout)
	OnEvent     func(Event)   // progress and recovered faults; may be nil; called from any goroutine
	Header      http.Header   // extra request headers (e.g. Authorization for a private mirror); never sent to another host after a redirect
}

// EventKind says what an Event reports.
type EventKind int

const (
	EventStart    EventKind = iota // transfer starting; Total known if > 0
	EventProgress                  // Done/Total bytes
	EventFault                     // a recovered fault: Err, Message ("stream reset at 12.4 MiB; resuming in 412ms (attempt 2)")
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
	URL       string // the source (mirror URL) that completed it; "" from the cache
	SHA256    string
	Size      int64
	FromCache bool  // no network was used
	Faults    int   // recovered faults
	WireBytes int64 // body bytes received over the network in this run
}

// Fetcher runs transfers. It is safe for concurrent use.
type Fetcher struct {
	cfg    Config
	client *http.Client
	hooks  fetcherHooks
}
