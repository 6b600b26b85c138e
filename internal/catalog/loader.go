package catalog

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/pyget/pyget/internal/fsutil"
)

// ErrNoCache is returned offline when no cached catalog exists.
var ErrNoCache = errors.New("no cached catalog")

// DefaultMaxAge is how long a cached remote catalog is used without
// revalidation.
const DefaultMaxAge = 24 * time.Hour

// racyWindow: a local file modified this recently may be modified again
// within the same mtime tick at the same size, which the compact copy's key
// could not tell apart; such files are parsed but their compact copy is not
// saved.
const racyWindow = 2 * time.Second

// cacheMeta is what is known about a cached remote catalog.
type cacheMeta struct {
	URL     string    `json:"url"`
	ETag    string    `json:"etag,omitempty"`
	Checked time.Time `json:"checked"` // last fetch or successful revalidation
}

func (l *Loader) load(ctx context.Context, force bool) (*Catalog, error) {
	src := l.Source
	if src != "" {
		if isRemote(src) {
			return l.loadRemote(ctx, src, force, false)
		}
		path, err := localPath(src)
		if err != nil {
			return nil, err
		}
		return l.loadLocal(src, path)
	}
	// The default catalog: the snapshot built into pyget backs it up.
	src = l.URL
	if src == "" {
		src = DefaultURL
	}
	if isRemote(src) {
		c, err := l.loadRemote(ctx, src, force, true)
		if err != nil || c.From == FromSnapshot {
			return c, err
		}
		return l.newest(c), nil
	}
	path, err := localPath(src)
	if err == nil {
		var c *Catalog
		if c, err = l.loadLocal(src, path); err == nil {
			return l.newest(c), nil
		}
	}
	return l.fallback(src, nil, true, err)
}

func isRemote(src string) bool {
	s := strings.ToLower(src)
	return strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://")
}

// localPath turns a path or file:// URL into a path. Windows drive paths
// ("C:\x") are paths, not URLs with scheme "c".
func localPath(src string) (string, error) {
	if !strings.HasPrefix(strings.ToLower(src), "file://") {
		return src, nil
	}
	u, err := url.Parse(src)
	if err != nil {
		return "", fmt.Errorf("invalid catalog URL %q: %w", src, err)
	}
	if u.Host != "" && u.Host != "localhost" {
		return "", fmt.Errorf("invalid catalog URL %q: remote file hosts are not supported", src)
	}
	p := u.Path
	if runtime.GOOS == "windows" && len(p) >= 3 && p[0] == '/' && p[2] == ':' {
		p = p[1:] // file:///C:/x
	}
	if p == "" {
		return "", fmt.Errorf("invalid catalog URL %q: no path", src)
	}
	return filepath.FromSlash(p), nil
}

func (l *Loader) now() time.Time {
	if l.Now != nil {
		return l.Now()
	}
	return time.Now()
}

func (l *Loader) warn(sev Severity, format string, args ...any) {
	if l.Warn != nil {
		l.Warn(Warning{Severity: sev, Message: fmt.Sprintf(format, args...)})
	}
}

// warnAll passes on the entries a parse skipped: detail for -v.
func (l *Loader) warnAll(ws []string) {
	for _, w := range ws {
		l.warn(Detail, "%s", w)
	}
}

func (l *Loader) cacheDir() string { return filepath.Join(l.CacheDir, "catalog") }

func urlHash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// loadLocal reads a catalog file; its JSON is never cached, only the compact
// copy, keyed by where the file is and which version of it was read.
func (l *Loader) loadLocal(src, path string) (*Catalog, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	defer f.Close()
	// Stat the open handle: a file replaced by rename meanwhile is still the
	// one we read, so the key matches the content.
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read catalog: %w", err)
	}
	var binPath, key string
	if l.CacheDir != "" {
		if abs, err := filepath.Abs(path); err == nil {
			binPath = filepath.Join(l.cacheDir(), "local-"+urlHash(abs)+".bin")
			key = "file\x00" + abs + "\x00" + statKey(fi)
			if c, ok := l.readCompact(src, binPath, key); ok {
				return c, nil
			}
		}
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read catalog %s: %w", path, err)
	}
	c, warnings, err := Parse(src, data)
	if err != nil {
		return nil, err
	}
	l.warnAll(warnings)
	// The real clock, not l.now(): the mtime was stamped by the kernel's
	// clock, and the racy window is about that clock's tick.
	if binPath != "" && time.Since(fi.ModTime()) > racyWindow {
		l.writeCompact(binPath, key, warnings, c.Entries)
	}
	return c, nil
}

func statKey(fi fs.FileInfo) string {
	return strconv.FormatInt(fi.Size(), 10) + "\x00" + strconv.FormatInt(fi.ModTime().UnixNano(), 10)
}

// readCompact loads the compact copy at binPath if it was made for key.
// Any problem just means "parse the JSON".
func (l *Loader) readCompact(src, binPath, key string) (*Catalog, bool) {
	data, err := os.ReadFile(binPath)
	if err != nil {
		return nil, false
	}
	entries, warnings, err := decodeCompact(data, key)
	if err != nil || len(entries) == 0 {
		return nil, false
	}
	l.warnAll(warnings)
	return &Catalog{Source: src, Entries: entries}, true
}

// writeCompact saves the compact copy; failing to is not worth failing the
// load over, the next run just parses the JSON again.
func (l *Loader) writeCompact(binPath, key string, warnings []string, entries []Entry) {
	if err := writeFile(binPath, encodeCompact(key, warnings, entries)); err != nil {
		l.warn(Notice, "cannot save the parsed copy of the catalog: %v", err)
	}
}

func (l *Loader) loadRemote(ctx context.Context, src string, force, snap bool) (*Catalog, error) {
	if force {
		l.mu.Lock()
		fb := l.fellBack
		l.mu.Unlock()
		if fb != nil {
			// The remote catalog failed moments ago in this run: asking
			// again would only make the user wait twice.
			return fb, nil
		}
	}
	if l.CacheDir == "" {
		if l.Offline {
			if snap {
				return l.offlineSnapshot("no cache directory")
			}
			return nil, fmt.Errorf("%w: no cache directory; run once without --offline", ErrNoCache)
		}
		c, err := l.fetchUncached(ctx, src, snap)
		if err != nil && snap && ctx.Err() == nil {
			return l.fallback(src, nil, true, err)
		}
		return c, err
	}
	dir := l.cacheDir()
	base := filepath.Join(dir, urlHash(src))
	rc := remoteCache{json: base + ".json", meta: base + ".meta", bin: base + ".bin", failed: base + ".failed"}

	meta, metaErr := readMeta(rc.meta)
	haveCache := fileExists(rc.json)
	if l.Offline {
		if !haveCache {
			if snap {
				return l.offlineSnapshot("no cached catalog in " + dir)
			}
			return nil, fmt.Errorf("%w in %s; run once without --offline", ErrNoCache, dir)
		}
		c, err := l.loadCached(src, rc)
		if err != nil && snap {
			return l.offlineSnapshot(err.Error())
		}
		return c, err
	}

	maxAge := l.MaxAge
	if maxAge == 0 {
		maxAge = DefaultMaxAge
	}
	now := l.now()
	if haveCache && !force && metaErr == nil && meta.URL == src {
		// A Checked time in the future (clock moved back) counts as stale.
		if age := now.Sub(meta.Checked); age >= 0 && age < maxAge {
			if c, err := l.loadCached(src, rc); err == nil {
				return c, nil
			}
			haveCache = false // unreadable: fetch it anew, without an ETag
		}
	}

	var cached *remoteCache // the copy to fall back to
	if haveCache {
		cached = &rc
	}
	if recent, ok := l.recentFailure(rc.failed, src, now); ok && (haveCache || snap) {
		// Failed moments ago (failmemo.go): the fallback, without asking
		// the host or repeating the warning (-v tells).
		return l.fallbackAs(src, cached, snap, recent, Detail)
	}

	etag := ""
	if haveCache && metaErr == nil && meta.URL == src {
		etag = meta.ETag
	}
	get := l.getter(haveCache || snap)
	if get == nil {
		return nil, fmt.Errorf("fetch catalog %s: no downloader configured", src)
	}
	body, newETag, notModified, err := get.Get(ctx, src, etag)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetch catalog %s: %w", src, err)
		}
		if haveCache || snap {
			l.rememberFailure(rc.failed, src, now, err)
		}
		return l.fallback(src, cached, snap, err)
	}
	forgetFailure(rc.failed)
	if notModified {
		if etag == "" {
			return l.fallback(src, cached, snap, errors.New("server answered 304 Not Modified to an unconditional request"))
		}
		if newETag == "" {
			newETag = etag
		}
		c, err := l.loadCached(src, rc)
		if err != nil {
			// The copy the server vouched for is gone or damaged: start over.
			return l.refetch(ctx, get, src, rc, snap, now)
		}
		if err := writeMeta(rc.meta, cacheMeta{URL: src, ETag: newETag, Checked: now}); err != nil {
			l.warn(Notice, "cannot update the catalog cache: %v", err)
		}
		c.From = FromRemote
		return c, nil
	}

	return l.accept(src, rc, cached, snap, now, body, newETag)
}

// getter is Quick when there is something to fall back to, else Get.
func (l *Loader) getter(haveFallback bool) Getter {
	if haveFallback && l.Quick != nil {
		return l.Quick
	}
	return l.Get
}

// accept parses a fetched body and caches it.
func (l *Loader) accept(src string, rc remoteCache, cached *remoteCache, snap bool, now time.Time, body []byte, etag string) (*Catalog, error) {
	c, warnings, err := Parse(src, body)
	if err != nil {
		// A captive portal's HTML page is as transient as a reset connection.
		if cached != nil || snap {
			l.rememberFailure(rc.failed, src, now, err)
		}
		return l.fallback(src, cached, snap, err)
	}
	l.warnAll(warnings)
	if err := l.store(rc, src, etag, now, body, warnings, c.Entries); err != nil {
		l.warn(Notice, "cannot cache the catalog %s: %v", src, err)
	}
	c.From = FromRemote
	return c, nil
}

// refetch downloads the catalog unconditionally.
func (l *Loader) refetch(ctx context.Context, get Getter, src string, rc remoteCache, snap bool, now time.Time) (*Catalog, error) {
	body, etag, notModified, err := get.Get(ctx, src, "")
	if err == nil && notModified {
		err = errors.New("server answered 304 Not Modified to an unconditional request")
	}
	if err != nil {
		if snap && ctx.Err() == nil {
			return l.fallback(src, nil, true, err)
		}
		return nil, fmt.Errorf("fetch catalog %s: %w", src, err)
	}
	return l.accept(src, rc, nil, snap, now, body, etag)
}

type remoteCache struct{ json, meta, bin, failed string }

// fallback stands in for a catalog that could not be had: the cached copy
// (when cached is not nil) or, with snap, the snapshot built into pyget,
// whichever is newer. One Notice says so.
func (l *Loader) fallback(src string, cached *remoteCache, snap bool, cause error) (*Catalog, error) {
	return l.fallbackAs(src, cached, snap, cause, Notice)
}

// fallbackAs is fallback saying so with severity sev.
func (l *Loader) fallbackAs(src string, cached *remoteCache, snap bool, cause error, sev Severity) (*Catalog, error) {
	var c *Catalog
	var cacheErr error
	if cached != nil {
		c, cacheErr = l.loadCached(src, *cached)
	}
	if snap {
		if info, err := l.snapshotInfo(); err == nil && (c == nil || info.Date > c.Date()) {
			if s, err := l.loadSnapshot(); err == nil {
				l.warn(sev, "cannot fetch the catalog %s (%v); using %s", src, cause, describeSnapshot(info))
				return l.fellBackTo(s, cause), nil
			}
		}
	}
	if c == nil {
		if cacheErr != nil {
			return nil, fmt.Errorf("fetch catalog %s: %w (and the cached copy is unusable: %v)", src, cause, cacheErr)
		}
		if _, ok := errors.AsType[*FormatError](cause); ok {
			return nil, cause
		}
		return nil, fmt.Errorf("fetch catalog %s: %w", src, cause)
	}
	when := "an earlier run"
	if fi, err := os.Stat(cached.json); err == nil {
		when = fi.ModTime().UTC().Format("2006-01-02 15:04 UTC")
	}
	l.warn(sev, "cannot fetch the catalog %s (%v); using the cached copy from %s", src, cause, when)
	return l.fellBackTo(c, cause), nil
}

func (l *Loader) fellBackTo(c *Catalog, cause error) *Catalog {
	c.RefreshErr = cause
	l.mu.Lock()
	l.fellBack = c
	l.mu.Unlock()
	return c
}

// offlineSnapshot is the snapshot when offline without a usable cached copy.
func (l *Loader) offlineSnapshot(why string) (*Catalog, error) {
	c, err := l.loadSnapshot()
	if err != nil {
		return nil, fmt.Errorf("%w (%s), and %v", ErrNoCache, why, err)
	}
	l.warn(Detail, "offline, %s: using the catalog built into pyget", why)
	return c, nil
}

// newest returns c, or the snapshot when that is newer: a cached copy older
// than this pyget, or a remote copy that lags behind.
func (l *Loader) newest(c *Catalog) *Catalog {
	date := c.Date()
	if date == "" {
		return c // nothing to compare: the catalog asked for stands
	}
	info, err := l.snapshotInfo()
	if err != nil || info.Date <= date {
		return c
	}
	s, err := l.loadSnapshot()
	if err != nil {
		return c
	}
	l.warn(Detail, "%s is newer than the %s catalog %s (%s): using it", describeSnapshot(info), c.From, c.Source, date)
	s.RefreshErr = c.RefreshErr
	return s
}

// store writes body first, then meta, then the compact copy: a crash in
// between leaves a valid JSON whose next revalidation simply sends an older
// ETag and gets the full body.
func (l *Loader) store(rc remoteCache, src, etag string, now time.Time, body []byte, warnings []string, entries []Entry) error {
	if err := writeFile(rc.json, body); err != nil {
		return err
	}
	if err := writeMeta(rc.meta, cacheMeta{URL: src, ETag: etag, Checked: now}); err != nil {
		return err
	}
	fi, err := os.Stat(rc.json)
	if err != nil {
		return err
	}
	l.writeCompact(rc.bin, "json\x00"+statKey(fi), warnings, entries)
	return nil
}

// loadCached loads the cached copy of a remote catalog, from its compact
// form when that matches the JSON.
func (l *Loader) loadCached(src string, rc remoteCache) (*Catalog, error) {
	f, err := os.Open(rc.json)
	if err != nil {
		return nil, fmt.Errorf("read cached catalog: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("read cached catalog: %w", err)
	}
	key := "json\x00" + statKey(fi)
	if c, ok := l.readCompact(src, rc.bin, key); ok {
		c.From = FromCache
		return c, nil
	}
	data, err := io.ReadAll(f)
	if err != nil {
		return nil, fmt.Errorf("read cached catalog %s: %w", rc.json, err)
	}
	c, warnings, err := Parse(src, data)
	if err != nil {
		return nil, fmt.Errorf("cached copy %s: %w", rc.json, err)
	}
	l.warnAll(warnings)
	l.writeCompact(rc.bin, key, warnings, c.Entries)
	c.From = FromCache
	return c, nil
}

func (l *Loader) fetchUncached(ctx context.Context, src string, snap bool) (*Catalog, error) {
	get := l.getter(snap)
	if get == nil {
		return nil, fmt.Errorf("fetch catalog %s: no downloader configured", src)
	}
	body, _, _, err := get.Get(ctx, src, "")
	if err != nil {
		return nil, fmt.Errorf("fetch catalog %s: %w", src, err)
	}
	c, warnings, err := Parse(src, body)
	if err != nil {
		return nil, err
	}
	l.warnAll(warnings)
	c.From = FromRemote
	return c, nil
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && fi.Mode().IsRegular()
}

func readMeta(p string) (cacheMeta, error) {
	var m cacheMeta
	data, err := os.ReadFile(p)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return m, fmt.Errorf("cache metadata %s: %w", p, err)
	}
	return m, nil
}

func writeMeta(p string, m cacheMeta) error {
	data, err := json.Marshal(m)
	if err != nil {
		return err
	}
	return writeFile(p, data)
}

// writeFile replaces p with data atomically (fsutil.WriteFile), so that
// readers, including other pyget processes, see the old file or the new
// one, never a torn one.
func writeFile(p string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return fsutil.WriteFile(p, data, 0o644)
}
