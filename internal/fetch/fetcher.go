package fetch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// fetcherHooks are seams for tests: the backoff sleep, the clock and the
// jitter source.
type fetcherHooks struct {
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
	rand  func(n int64) int64 // uniform in [0, n)
	// minSegment is the smallest half a split leaves (defaultMinSegment,
	// less under a SegmentThreshold below 16 MiB).
	minSegment int64
	// segmentWarmup is how many bytes a response that may be segmented
	// brings on its own before warmedUp decides (defaultSegmentWarmup);
	// 0 segments at the headers (tests: never on the clock).
	segmentWarmup int64
	// segmentWarmupTime decides sooner than segmentWarmup bytes
	// (defaultSegmentWarmupTime).
	segmentWarmupTime time.Duration
	// pieceSize and pieceFloor bound the pieces claims carve
	// (defaultPieceSize, defaultPieceFloor); stealAfter, when set, is a
	// fixed time without a byte after which a piece counts as stalled
	// (0: as the run measures, pieceSched.stallAfter).
	pieceSize, pieceFloor int64
	stealAfter            time.Duration
	// startConnections is how many connections a segmented run starts
	// with (0: all of Config.Connections); growWindow how long a count is
	// measured before more are tried (connGrowth; 0: never more).
	startConnections int
	growWindow       time.Duration
}

// New returns a Fetcher. Zero durations take their defaults; a negative
// Retries, an empty CacheDir or an unsupported mirror is an error.
func New(cfg Config) (*Fetcher, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	f := &Fetcher{cfg: cfg, client: cfg.Client}
	f.userinfo, f.cfg.Mirrors = splitUserinfo(cfg.Mirrors)
	if cfg.Netrc != "" {
		// Unreadable is as good as absent: curl's and pip's netrc are a
		// convenience, never a reason not to try.
		f.netrc, _ = ReadNetrc(cfg.Netrc)
	}
	if f.client == nil {
		f.client = NewHTTPClient(cfg.IdleTimeout)
	}
	f.segClient = newSegmentClient(f.client)
	f.hooks = fetcherHooks{
		sleep: sleepCtx,
		now:   time.Now,
		rand:  func(n int64) int64 { return rand.Int64N(n) },
		// 1 MiB at the default threshold; a lowered threshold (tests)
		// lowers it with it, so that small bodies split too.
		minSegment:        max(1, min(defaultMinSegment, f.cfg.SegmentThreshold/16)),
		segmentWarmup:     defaultSegmentWarmup,
		segmentWarmupTime: defaultSegmentWarmupTime,
		pieceSize:         defaultPieceSize,
		pieceFloor:        max(1, min(defaultPieceFloor, f.cfg.SegmentThreshold/64)),
		startConnections:  defaultStartConnections,
		growWindow:        defaultGrowWindow,
	}
	switch {
	case f.cfg.SegmentWarmup < 0:
		f.hooks.segmentWarmup = 0 // decide at the headers
		f.hooks.startConnections = 0
	case f.cfg.SegmentWarmup > 0:
		f.hooks.segmentWarmup = f.cfg.SegmentWarmup
	}
	return f, nil
}

// check validates c and fills its zero durations and mirrors.
func (c *Config) check() error {
	if c.CacheDir == "" {
		return errors.New("fetch: Config.CacheDir is empty")
	}
	if c.Retries < 0 {
		return fmt.Errorf("fetch: Config.Retries is %d: want 0 (no retry) or more", c.Retries)
	}
	if c.Connections < 0 {
		return fmt.Errorf("fetch: Config.Connections is %d: want 1 (one connection) or more", c.Connections)
	}
	if c.Connections == 0 {
		c.Connections = DefaultConnections
	}
	if c.SegmentThreshold <= 0 {
		c.SegmentThreshold = DefaultSegmentThreshold
	}
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&c.IdleTimeout, DefaultIdleTimeout)
	def(&c.BaseDelay, DefaultBaseDelay)
	def(&c.MaxDelay, DefaultMaxDelay)
	def(&c.Deadline, DefaultDeadline)
	c.MaxDelay = max(c.MaxDelay, c.BaseDelay)
	if len(c.Mirrors) == 0 {
		c.Mirrors = append([]string(nil), defaultMirrors...)
	}
	for _, m := range c.Mirrors {
		if err := checkBaseURL(m); err != nil {
			return fmt.Errorf("fetch: mirror %q: %w", m, err)
		}
	}
	for _, m := range append(append([]string(nil), c.PyPyMirrors...), c.GraalPyMirrors...) {
		if err := checkBaseURL(m); err != nil {
			return fmt.Errorf("fetch: mirror %q: %w", m, err)
		}
	}
	return nil
}

// checkBaseURL accepts http, https and file URLs.
func checkBaseURL(s string) error {
	u, err := url.Parse(s)
	if err != nil {
		return err
	}
	switch u.Scheme {
	case "http", "https":
		if u.Host == "" {
			return errors.New("no host")
		}
	case "file":
	default:
		return fmt.Errorf("unsupported scheme %q (want http, https or file)", u.Scheme)
	}
	return nil
}

func (f *Fetcher) downloadsDir() string { return filepath.Join(f.cfg.CacheDir, "downloads") }
func (f *Fetcher) archivesDir() string  { return filepath.Join(f.cfg.CacheDir, "archives") }

// UpstreamPath splits a catalog URL into the upstream prefix mirrors
// replace (UpstreamPrefix, PyPyUpstreamPrefix or GraalPyUpstreamPrefix)
// and the part after it ("/<...>", as escaped in the URL); ok is false for
// any other URL. It is the one definition of what a mirror holds.
func UpstreamPath(catalogURL string) (prefix, rest string, ok bool) {
	for _, p := range []string{UpstreamPrefix, PyPyUpstreamPrefix, GraalPyUpstreamPrefix} {
		// A prefix ends at a path boundary: ".../pypy-old/x" is not PyPy's.
		if r, found := strings.CutPrefix(catalogURL, p); found && (r == "" || r[0] == '/') {
			return p, r, true
		}
	}
	return "", "", false
}

// ReleasePath is the part of a python-build-standalone catalog URL after
// UpstreamPrefix ("/<tag>/<asset>", as escaped in the URL); ok is false
// for any other URL (PyPy's and GraalPy's included).
func ReleasePath(catalogURL string) (rest string, ok bool) {
	prefix, rest, ok := UpstreamPath(catalogURL)
	if !ok || prefix != UpstreamPrefix {
		return "", false
	}
	return rest, true
}

// OnMirror is catalogURL on the mirror whose base URL is base: base (its
// trailing slashes dropped) + the part after its upstream prefix
// (UpstreamPath). ok is false when catalogURL is under no upstream prefix:
// no mirror holds it.
func OnMirror(base, catalogURL string) (string, bool) {
	_, rest, ok := UpstreamPath(catalogURL)
	if !ok {
		return "", false
	}
	return strings.TrimRight(base, "/") + rest, true
}

// Mirrors are the mirror base URLs in the order transfers try them:
// Config.Mirrors, else the default mirrors, without userinfo (logins are
// applied per host, see netrc.go). The first is where an archive's
// companions (its attestation bundle) are looked for.
func (f *Fetcher) Mirrors() []string { return slices.Clone(f.cfg.Mirrors) }

// mirrorsOf are the base URLs replacing upstream prefix: Mirrors for
// python-build-standalone's, Config.PyPyMirrors and GraalPyMirrors for
// PyPy's and GraalPy's (nil: the upstream URL itself).
func (f *Fetcher) mirrorsOf(prefix string) []string {
	switch prefix {
	case PyPyUpstreamPrefix:
		return f.cfg.PyPyMirrors
	case GraalPyUpstreamPrefix:
		return f.cfg.GraalPyMirrors
	}
	return f.cfg.Mirrors
}

// Sources lists the URLs a transfer of catalogURL tries, in order: its
// place on each mirror of its upstream (UpstreamPath), each once; a URL
// under no upstream prefix, or one whose upstream has no mirrors, is its
// own only source. This is the one place that orders sources.
func (f *Fetcher) Sources(catalogURL string) []string {
	prefix, _, ok := UpstreamPath(catalogURL)
	if !ok || len(f.mirrorsOf(prefix)) == 0 {
		return []string{catalogURL}
	}
	var out []string
	for _, m := range f.mirrorsOf(prefix) {
		s, _ := OnMirror(m, catalogURL)
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// sources is Sources, under the name the transfer and its tests use.
func (f *Fetcher) sources(u string) []string { return f.Sources(u) }

// partialKey names the partial file: the digest when known, else a hash of
// the catalog URL (so every mirror of one archive shares one partial).
func partialKey(t Target) string {
	if t.SHA256 != "" {
		return t.SHA256
	}
	h := sha256.Sum256([]byte(t.URL))
	return "url-" + hex.EncodeToString(h[:16])
}

func validateTarget(t *Target) error {
	label := t.Name
	if label == "" {
		label = t.URL
	}
	if t.URL == "" {
		return fmt.Errorf("fetch %s: empty URL", label)
	}
	if !strings.Contains(t.URL, "://") {
		return fmt.Errorf("fetch %s: URL %q has no scheme", label, t.URL)
	}
	if err := checkBaseURL(t.URL); err != nil {
		return fmt.Errorf("fetch %s: URL %q: %w", label, t.URL, err)
	}
	if t.SHA256 != "" {
		s := strings.ToLower(t.SHA256)
		if b, err := hex.DecodeString(s); err != nil || len(b) != sha256.Size {
			return fmt.Errorf("fetch %s: sha256 %q is not 64 hex digits", label, t.SHA256)
		}
		t.SHA256 = s
	}
	if t.Size < 0 {
		return fmt.Errorf("fetch %s: negative size %d", label, t.Size)
	}
	if t.Name == "" {
		t.Name = label
	}
	return nil
}

func (f *Fetcher) emit(e Event) {
	if f.cfg.OnEvent != nil {
		f.cfg.OnEvent(e)
	}
}

// Start begins (or resumes from the partial file) the transfer in the
// background and returns at once. It takes a file lock per digest so that
// two processes never write the same partial; a finished archive in the cache
// means no network at all, and its readers verify its digest as they read.
// The caller must Close the Stream.
func (f *Fetcher) Start(ctx context.Context, t Target) (*Stream, error) {
	if err := validateTarget(&t); err != nil {
		return nil, err
	}
	if s, ok := f.cachedStream(t); ok {
		return s, nil
	}
	for _, d := range []string{f.downloadsDir(), f.archivesDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			return nil, fmt.Errorf("fetch %s: create cache: %w", t.Name, err)
		}
	}
	ctx, cancel := context.WithCancel(ctx)
	s := newStream(t.Name, cancel)
	tr := newTransfer(f, s, t)
	go func() {
		defer close(s.done)
		res, err := tr.run(ctx)
		s.finish(res, err)
	}()
	return s, nil
}

// GetOptions tighten one Get: the catalog's short budget when it has a
// fallback (a cached copy or the snapshot), so that a blocked or offline
// host costs seconds, not a minute of retries. Zero fields keep Config's.
type GetOptions struct {
	// MaxRetries, when above 0, caps Config.Retries for this call (it
	// never raises it: PYGET_HTTP_RETRIES=0 stays no retry at all).
	MaxRetries int
	// IdleTimeout, when above 0, caps Config.IdleTimeout for this call.
	IdleTimeout time.Duration
	// OnEvent, when set, receives this call's events instead of
	// Config.OnEvent.
	OnEvent func(Event)
}

// GetWith is Get under o's tighter budget, on the same client, connections
// and logins as every other transfer of this Fetcher.
func (f *Fetcher) GetWith(ctx context.Context, rawURL, etag string, o GetOptions) (body []byte, newETag string, notModified bool, err error) {
	g := *f // a view: the client, the logins and the hooks are shared
	if o.MaxRetries > 0 {
		g.cfg.Retries = min(g.cfg.Retries, o.MaxRetries)
	}
	if o.IdleTimeout > 0 {
		g.cfg.IdleTimeout = min(g.cfg.IdleTimeout, o.IdleTimeout)
	}
	if o.OnEvent != nil {
		g.cfg.OnEvent = o.OnEvent
	}
	return g.Get(ctx, rawURL, etag)
}

// Fetch is a whole transfer: Start, then Stream.WaitVerified (a cache hit
// is hashed once), the Stream closed. For callers that need the verified
// file rather than a stream (pyget mirror).
func (f *Fetcher) Fetch(ctx context.Context, t Target) (Result, error) {
	s, err := f.Start(ctx, t)
	if err != nil {
		return Result{}, err
	}
	defer s.Close()
	return s.WaitVerified()
}

// RetryCorrupt runs do, and once more when it fails with ErrCorruptCache:
// the damaged archive has left the cache by then, so the second run
// downloads it. This is the one rule for a cache that rotted on disk.
func RetryCorrupt(do func() error) error {
	err := do()
	if errors.Is(err, ErrCorruptCache) {
		err = do()
	}
	return err
}

// FileStream is a finished Stream over the complete archive file at path,
// whose digest must be sha256 (lower-case hex): its readers verify the
// bytes as they read, as they do a cached archive's, and a mismatch at the
// end is ErrCorruptCache (the file is left where it is). Its Result says
// FromCache. It lets another package's tests stand in for the transfer
// layer with a file.
func FileStream(name, path, sha256 string) (*Stream, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, err
	}
	s := newStream(name, func() {})
	s.setCached(file, strings.ToLower(sha256), func(os.FileInfo) {})
	s.finish(Result{Path: path, SHA256: strings.ToLower(sha256), Size: fi.Size(), FromCache: true}, nil)
	close(s.done)
	return s, nil
}
