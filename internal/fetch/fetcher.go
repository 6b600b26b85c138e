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

	"github.com/gofrs/flock"
)

const (
	defaultRetries     = 5
	defaultIdleTimeout = 30 * time.Second
	defaultBaseDelay   = 500 * time.Millisecond
	defaultMaxDelay    = 10 * time.Second
	defaultDeadline    = 12 * time.Hour // a last resort: slow links must finish
	partialMaxAge      = 7 * 24 * time.Hour
)

// fetcherHooks are seams for tests: the backoff sleep, the clock and the
// jitter source.
type fetcherHooks struct {
	sleep func(ctx context.Context, d time.Duration) error
	now   func() time.Time
	rand  func(n int64) int64 // uniform in [0, n)
}

func (c *Config) applyDefaults() error {
	if c.CacheDir == "" {
		return errors.New("fetch: Config.CacheDir is empty")
	}
	switch {
	case c.Retries == 0:
		c.Retries = defaultRetries
	case c.Retries < 0:
		c.Retries = 0
	}
	if c.IdleTimeout <= 0 {
		c.IdleTimeout = defaultIdleTimeout
	}
	if c.BaseDelay <= 0 {
		c.BaseDelay = defaultBaseDelay
	}
	if c.MaxDelay <= 0 {
		c.MaxDelay = defaultMaxDelay
	}
	if c.MaxDelay < c.BaseDelay {
		c.MaxDelay = c.BaseDelay
	}
	if c.Deadline <= 0 {
		c.Deadline = defaultDeadline
	}
	if len(c.Mirrors) == 0 {
		c.Mirrors = append([]string(nil), DefaultMirrors...)
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

// ArchivePath is where a verified archive with this digest lives in the cache.
func (f *Fetcher) ArchivePath(sha string) string { return filepath.Join(f.archivesDir(), sha) }

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

// New returns a Fetcher.
func New(cfg Config) (*Fetcher, error) {
	if err := cfg.applyDefaults(); err != nil {
		return nil, err
	}
	f := &Fetcher{cfg: cfg}
	if cfg.Client == nil {
		c, err := NewHTTPClient(cfg.IdleTimeout)
		if err != nil {
			return nil, err
		}
		f.client = c
	} else {
		f.client = cfg.Client
	}
	f.hooks = fetcherHooks{
		sleep: sleepCtx,
		now:   time.Now,
		rand:  func(n int64) int64 { return rand.Int64N(n) },
	}
	return f, nil
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// backoff is the full-jitter delay before retry number n (1-based) of a run
// of attempts without progress.
func (f *Fetcher) backoff(n int) time.Duration {
	d := f.cfg.MaxDelay
	if n < 1 {
		n = 1
	}
	if n <= 30 {
		if b := f.cfg.BaseDelay << (n - 1); b > 0 && b < d {
			d = b
		}
	}
	return time.Duration(f.hooks.rand(int64(d) + 1))
}

func (f *Fetcher) emit(e Event) {
	if f.cfg.OnEvent != nil {
		f.cfg.OnEvent(e)
	}
}

// Start begins (or resumes from the partial file) the transfer in the
// background and returns at once. It takes a file lock per digest so that
// two processes never write the same partial; a finished archive in the cache
// means no network at all. The caller must Close the Stream.
func (f *Fetcher) Start(ctx context.Context, t Target) (*Stream, error) {
	if err := validateTarget(&t); err != nil {
		return nil, err
	}
	if t.SHA256 != "" {
		if s, ok := f.cachedStream(t); ok {
			return s, nil
		}
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

// cachedStream opens a verified archive from the cache.
func (f *Fetcher) cachedStream(t Target) (*Stream, bool) {
	file, size, ok := openArchive(f.ArchivePath(t.SHA256), t.Size)
	if !ok {
		return nil, false
	}
	s := newStream(t.Name, func() {})
	s.file = file
	s.written = size
	s.cached = &cachedArchive{path: file.Name(), sha256: t.SHA256}
	s.finish(Result{Path: file.Name(), SHA256: t.SHA256, Size: size, FromCache: true}, nil)
	close(s.done)
	f.emit(Event{Kind: EventDone, Name: t.Name, URL: t.URL, Done: size, Total: size})
	return s, true
}

func openArchive(path string, wantSize int64) (*os.File, int64, bool) {
	file, err := os.Open(path)
	if err != nil {
		return nil, 0, false
	}
	fi, err := file.Stat()
	if err != nil || !fi.Mode().IsRegular() || (wantSize > 0 && fi.Size() != wantSize) {
		file.Close()
		return nil, 0, false
	}
	return file, fi.Size(), true
}

// sweep removes partial files (and their sidecars) untouched for a week,
// skipping any whose lock another process holds.
func (f *Fetcher) sweep(keep string) {
	dir := f.downloadsDir()
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	cutoff := f.hooks.now().Add(-partialMaxAge)
	for _, e := range entries {
		name := e.Name()
		var key string
		switch {
		case strings.HasSuffix(name, ".part"):
			key = strings.TrimSuffix(name, ".part")
		case strings.HasSuffix(name, ".json"):
			key = strings.TrimSuffix(name, ".json")
		default:
			continue
		}
		if key == keep {
			continue
		}
		fi, err := e.Info()
		if err != nil || fi.ModTime().After(cutoff) {
			continue
		}
		l := flock.New(filepath.Join(dir, key+".lock"))
		ok, err := l.TryLock()
		if err != nil || !ok {
			continue
		}
		os.Remove(filepath.Join(dir, name))
		l.Unlock()
	}
}
