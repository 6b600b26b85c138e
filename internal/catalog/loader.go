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
	if src == "" {
		src = DefaultURL
	}
	if isRemote(src) {
		return l.loadRemote(ctx, src, force)
	}
	path, err := localPath(src)
	if err != nil {
		return nil, err
	}
	return l.loadLocal(src, path)
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

func (l *Loader) warn(format string, args ...any) {
	if l.Warn != nil {
		l.Warn(fmt.Sprintf(format, args...))
	}
}

func (l *Loader) warnAll(ws []string) {
	for _, w := range ws {
		l.warn("%s", w)
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
	if err := writeFileAtomic(binPath, encodeCompact(key, warnings, entries)); err != nil {
		l.warn("catalog: cannot save the parsed copy: %v", err)
	}
}

func (l *Loader) loadRemote(ctx context.Context, src string, force bool) (*Catalog, error) {
	if l.CacheDir == "" {
		if l.Offline {
			return nil, fmt.Errorf("%w: no cache directory; run once without --offline", ErrNoCache)
		}
		return l.fetchUncached(ctx, src)
	}
	dir := l.cacheDir()
	base := filepath.Join(dir, urlHash(src))
	rc := remoteCache{json: base + ".json", meta: base + ".meta", bin: base + ".bin"}

	meta, metaErr := readMeta(rc.meta)
	haveCache := fileExists(rc.json)
	if l.Offline {
		if !haveCache {
			return nil, fmt.Errorf("%w in %s; run once without --offline", ErrNoCache, dir)
		}
		return l.loadCached(src, rc)
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

	etag := ""
	if haveCache && metaErr == nil && meta.URL == src {
		etag = meta.ETag
	}
	if l.Get == nil {
		return nil, fmt.Errorf("fetch catalog %s: no downloader configured", src)
	}
	body, newETag, notModified, err := l.Get.Get(ctx, src, etag)
	if err != nil {
		if ctx.Err() != nil {
			return nil, fmt.Errorf("fetch catalog %s: %w", src, err)
		}
		return l.fallback(src, rc, haveCache, err)
	}
	if notModified {
		if etag == "" {
			return l.fallback(src, rc, haveCache, errors.New("server answered 304 Not Modified to an unconditional request"))
		}
		if newETag == "" {
			newETag = etag
		}
		c, err := l.loadCached(src, rc)
		if err != nil {
			// The copy the server vouched for is gone or damaged: start over.
			return l.refetch(ctx, src, rc, now)
		}
		if err := writeMeta(rc.meta, cacheMeta{URL: src, ETag: newETag, Checked: now}); err != nil {
			l.warn("catalog: cannot update the cache: %v", err)
		}
		return c, nil
	}

	return l.accept(src, rc, haveCache, now, body, newETag)
}

// accept parses a fetched body and caches it.
func (l *Loader) accept(src string, rc remoteCache, haveCache bool, now time.Time, body []byte, etag string) (*Catalog, error) {
	c, warnings, err := Parse(src, body)
	if err != nil {
		// A captive portal's HTML page is as transient as a reset connection.
		return l.fallback(src, rc, haveCache, err)
	}
	l.warnAll(warnings)
	if err := l.store(rc, src, etag, now, body, warnings, c.Entries); err != nil {
		l.warn("catalog: cannot cache %s: %v", src, err)
	}
	return c, nil
}

// refetch downloads the catalog unconditionally.
func (l *Loader) refetch(ctx context.Context, src string, rc remoteCache, now time.Time) (*Catalog, error) {
	body, etag, notModified, err := l.Get.Get(ctx, src, "")
	if err == nil && notModified {
		err = errors.New("server answered 304 Not Modified to an unconditional request")
	}
	if err != nil {
		return nil, fmt.Errorf("fetch catalog %s: %w", src, err)
	}
	return l.accept(src, rc, false, now, body, etag)
}

type remoteCache struct{ json, meta, bin string }

// fallback uses the cached copy when the network let us down.
func (l *Loader) fallback(src string, rc remoteCache, haveCache bool, cause error) (*Catalog, error) {
	if !haveCache {
		if _, ok := errors.AsType[*FormatError](cause); ok {
			return nil, cause
		}
		return nil, fmt.Errorf("fetch catalog %s: %w", src, cause)
	}
	c, err := l.loadCached(src, rc)
	if err != nil {
		return nil, fmt.Errorf("fetch catalog %s: %w (and the cached copy is unusable: %v)", src, cause, err)
	}
	when := "an earlier run"
	if fi, err := os.Stat(rc.json); err == nil {
		when = fi.ModTime().UTC().Format("2006-01-02 15:04 UTC")
	}
	l.warn("catalog: cannot refresh %s (%v); using the cached copy from %s", src, cause, when)
	return c, nil
}

// store writes body first, then meta, then the compact copy: a crash in
// between leaves a valid JSON whose next revalidation simply sends an older
// ETag and gets the full body.
func (l *Loader) store(rc remoteCache, src, etag string, now time.Time, body []byte, warnings []string, entries []Entry) error {
	if err := writeFileAtomic(rc.json, body); err != nil {
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
	return c, nil
}

func (l *Loader) fetchUncached(ctx context.Context, src string) (*Catalog, error) {
	if l.Get == nil {
		return nil, fmt.Errorf("fetch catalog %s: no downloader configured", src)
	}
	body, _, _, err := l.Get.Get(ctx, src, "")
	if err != nil {
		return nil, fmt.Errorf("fetch catalog %s: %w", src, err)
	}
	c, warnings, err := Parse(src, body)
	if err != nil {
		return nil, err
	}
	l.warnAll(warnings)
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
	return writeFileAtomic(p, data)
}

// writeFileAtomic replaces p with data so that readers, including other
// pyget processes, see the old file or the new one, never a torn one.
func writeFileAtomic(p string, data []byte) error {
	dir := filepath.Dir(p)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(p)+".tmp*")
	if err != nil {
		return err
	}
	name := tmp.Name()
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(name, p)
	}
	if err != nil {
		os.Remove(name)
		return fmt.Errorf("write %s: %w", p, err)
	}
	return nil
}
