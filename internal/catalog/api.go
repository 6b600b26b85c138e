package catalog

// CONTRACT (skeleton; the implementation may add, but keep these names).

import (
	"context"
	"time"
)

// DefaultURL is the catalog uv publishes.
const DefaultURL = "https://raw.githubusercontent.com/astral-sh/uv/main/crates/uv-python/download-metadata.json"

// Catalog is a loaded downloads catalog, entries in key order.
type Catalog struct {
	Source  string
	Entries []Entry
}

// Parse decodes a catalog in uv's format. source names it in errors
// ("catalog FILE: entry cpython-…: sha256: want a string"). Entries that
// cannot be used are skipped and described in warnings.
// A document that is not a JSON object, or has no usable entry, fails with
// *FormatError.
func Parse(source string, data []byte) (c *Catalog, warnings []string, err error) {
	return parse(source, data)
}

// Getter fetches a small resource with retries; fetch.Fetcher.Get fits.
type Getter interface {
	Get(ctx context.Context, url, etag string) (body []byte, newETag string, notModified bool, err error)
}

// Loader loads the catalog from Source (a path, file:// URL or http(s) URL;
// "" = DefaultURL), caching remote ones in CacheDir with ETag revalidation.
type Loader struct {
	Source   string
	CacheDir string
	Offline  bool          // cached copy only; a clear error when there is none
	MaxAge   time.Duration // default 24h; negative: revalidate every time
	Get      Getter
	Warn     func(string) // skipped entries etc.; may be nil
	Now      func() time.Time
}

// Load returns the catalog, from the cache when fresh.
// Offline without a cached copy fails with ErrNoCache; a failed refresh
// with a cached copy falls back to it with a warning.
func (l *Loader) Load(ctx context.Context) (*Catalog, error) { return l.load(ctx, false) }

// Refresh revalidates a remote catalog now (used when a request matches
// nothing in the cached copy). Local sources are just reloaded.
func (l *Loader) Refresh(ctx context.Context) (*Catalog, error) { return l.load(ctx, true) }
