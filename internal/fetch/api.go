package fetch

import (
	"errors"
	"net/http"
	"time"
)

// UpstreamPrefix is the prefix of python-build-standalone URLs in the catalog;
// mirrors replace it.
const UpstreamPrefix = "https://github.com/astral-sh/python-build-standalone/releases/download"

// defaultMirrors is tried in order when no mirror is configured.
var defaultMirrors = []string{
	"https://releases.astral.sh/github/python-build-standalone/releases/download",
	UpstreamPrefix,
}

// ErrRestarted is returned by a Stream reader when the transfer had to start
// again from byte zero (server ignored Range, file changed, digest mismatch):
// bytes that reader already returned may be wrong. The consumer discards its
// work and reads again from a fresh Stream.NewReader().
var ErrRestarted = errors.New("download restarted from the beginning")

// The defaults of DefaultConfig, which New also applies to zero durations.
// They are defined here, once: package config checks the settings a user
// can give (PYGET_HTTP_RETRIES, PYGET_HTTP_TIMEOUT, PYGET_CONNECTIONS)
// against these defaults and bounds, and the CLI maps them onto a Config.
const (
	DefaultRetries     = 5                      // consecutive attempts without progress after the first
	DefaultIdleTimeout = 30 * time.Second       // no byte for this long fails an attempt
	DefaultBaseDelay   = 500 * time.Millisecond // the first backoff's upper bound
	DefaultMaxDelay    = 10 * time.Second       // the backoff's cap
	DefaultDeadline    = 12 * time.Hour         // a last resort per transfer: slow links must finish
	DefaultConnections = 4                      // segments of one archive at once (segments.go)
)

// The bounds of the settings a user gives.
const (
	// MaxRetries bounds Config.Retries as a setting (PYGET_HTTP_RETRIES).
	MaxRetries = 1000
	// MaxConnections bounds Config.Connections as a setting
	// (PYGET_CONNECTIONS): beyond a handful, more connections to one
	// server only crowd each other (and the server).
	MaxConnections = 16
)

// Config configures a Fetcher. DefaultConfig gives pyget's settings.
type Config struct {
	CacheDir string   // <cache>/downloads/<key>.part and .json, <cache>/archives/<sha256>
	Mirrors  []string // base URLs replacing UpstreamPrefix; nil = the default mirrors
	// PyPyMirrors and GraalPyMirrors replace PyPyUpstreamPrefix and
	// GraalPyUpstreamPrefix (implmirrors.go); nil = the upstream URL.
	PyPyMirrors, GraalPyMirrors []string
	// Retries is how many attempts in a row that brought no new byte may
	// follow a failed one before a source is given up: 0 = no retry at
	// all. An attempt that made progress resets the count. Negative is an
	// error.
	Retries int
	// IdleTimeout fails an attempt that received no byte for this long;
	// 0 = DefaultIdleTimeout.
	IdleTimeout time.Duration
	// BaseDelay and MaxDelay bound the backoff between attempts (full
	// jitter: uniform in [0, min(MaxDelay, BaseDelay·2ⁿ⁻¹)]); 0 = the
	// defaults. Tests shorten them.
	BaseDelay, MaxDelay time.Duration
	// Deadline bounds one Start (or Get) as a whole, retries and every
	// mirror included: a last resort that only stops a transfer which keeps
	// failing, since a slow link must be able to finish; 0 =
	// DefaultDeadline (12 h).
	Deadline time.Duration
	Client   *http.Client // nil = NewHTTPClient(IdleTimeout)
	OnEvent  func(Event)  // progress and recovered faults; may be nil; called from any goroutine
	Header   http.Header  // extra request headers (e.g. Authorization for a private mirror); never sent to another host after a redirect
	// Netrc is the netrc file whose entries give logins for hosts
	// ($NETRC, else ~/.netrc); "" = none. A missing file is no error.
	// Mirrors may also carry user:password@ (see netrc.go).
	Netrc string
	// Connections is how many segments of one archive may be fetched at
	// once, each on its own TCP connection (segments.go); 1 = one
	// connection; 0 = DefaultConnections. Negative is an error.
	Connections int
	// SegmentThreshold is the smallest archive fetched in segments; 0 =
	// DefaultSegmentThreshold (16 MiB). Tests lower it.
	SegmentThreshold int64
	// SegmentWarmup is how many bytes the first response of an archive
	// that may be segmented brings alone before the transfer decides
	// whether segments pay (the rest would take over a second on that
	// one connection; or sooner, after 100 ms); 0 = the default (1 MiB).
	// Negative decides at the response's headers: segments whenever the
	// archive qualifies, with no rate check, on all Connections at once
	// (no measure of whether more connections pay), so that tests on
	// loopback (where one connection always suffices) exercise them.
	SegmentWarmup int64
}

// DefaultConfig is pyget's configuration for a cache directory: the default
// mirrors, DefaultRetries, DefaultIdleTimeout, the default backoff and
// DefaultDeadline. The caller overrides what its settings say.
func DefaultConfig(cacheDir string) Config {
	return Config{
		CacheDir:    cacheDir,
		Retries:     DefaultRetries,
		IdleTimeout: DefaultIdleTimeout,
		BaseDelay:   DefaultBaseDelay,
		MaxDelay:    DefaultMaxDelay,
		Deadline:    DefaultDeadline,
		Connections: DefaultConnections,
	}
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
	Kind  EventKind
	Name  string // Target.Name
	URL   string
	Done  int64 // bytes on disk: the prefix and, with segments, the pieces past it
	Total int64
	// Prefix is the contiguous bytes from zero, what a reader of the
	// Stream (the extractor) can have; Done is larger while pieces past it
	// are on disk.
	Prefix  int64
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
	// Connections is how many connections fetched the archive at once at
	// most: 1 without segments, 0 from the cache.
	Connections int
}

// Fetcher runs transfers. It is safe for concurrent use.
type Fetcher struct {
	cfg       Config
	client    *http.Client
	segClient *http.Client // the client's transport on HTTP/1.1 only, for segments
	hooks     fetcherHooks

	userinfo map[string]credential // by host:port, from the mirrors' user:password@
	netrc    *Netrc                // nil: none
}
