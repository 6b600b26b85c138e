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
	// pieceSize and stealAfter shape the pieces segments take
	// (defaultPieceSize, defaultStealAfter).
	pieceSize  int64
	stealAfter time.Duration
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
		minSegment:    max(1, min(defaultMinSegment, f.cfg.SegmentThreshold/16)),
		segmentWarmup: defaultSegmentWarmup,
		pieceSize:     defaultPieceSize,
		stealAfter:    defaultStealAfter,
	}
	switch {
	case f.cfg.SegmentWarmup < 0:
		f.hooks.segmentWarmup = 0 // decide at the headers
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

// sources lists the URLs to try for a catalog URL, mirrors first.
func (f *Fetcher) sources(u string) []string {
	rest, ok := strings.CutPrefix(u, UpstreamPrefix)
	if !ok {
		return []string{u}
	}
	var out []string
	seen := map[string]bool{}
	for _, m := range f.cfg.Mirrors {
		s := strings.TrimRight(m, "/") + rest
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

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
