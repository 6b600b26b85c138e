package catalog

import (
	"context"
	"sync"
	"time"
)

// DefaultURL is the catalog uv publishes.
const DefaultURL = "https://raw.githubusercontent.com/astral-sh/uv/main/crates/uv-python/download-metadata.json"

// Catalog is a loaded downloads catalog, entries in key order.
type Catalog struct {
	Source  string
	Entries []Entry
	From    Origin
	// RefreshErr is why the remote catalog could not be had, when this copy
	// (the cached one or the snapshot) stands in for it; nil otherwise.
	RefreshErr error
}

// Origin says where a loaded catalog came from.
type Origin int

const (
	FromFile     Origin = iota // a local file (--downloads-json PATH)
	FromRemote                 // fetched, or revalidated, in this run
	FromCache                  // the cached copy of a remote catalog
	FromSnapshot               // the snapshot built into pyget
)

func (o Origin) String() string {
	switch o {
	case FromRemote:
		return "fetched"
	case FromCache:
		return "cached"
	case FromSnapshot:
		return "built-in snapshot"
	}
	return "file"
}

// Date is the newest release tag among the entries that are dated
// (python-build-standalone tags its releases YYYYMMDD), e.g. "20260814"; ""
// when none is. It is how copies of the catalog are compared: remote,
// cached and built-in, the newest is used.
func (c *Catalog) Date() string {
	newest := ""
	for i := range c.Entries {
		if b := c.Entries[i].Build; isDateTag(b) && b > newest {
			newest = b
		}
	}
	return newest
}

func isDateTag(s string) bool { return len(s) == 8 && isDigits(s) }

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

// Severity says who a Warning is for.
type Severity int

const (
	// Detail: skipped entries and the like, for -v.
	Detail Severity = iota
	// Notice: worth saying always, e.g. running on a fallback copy because
	// the remote catalog could not be fetched.
	Notice
)

// Warning is something the loader wants said; the load went on.
type Warning struct {
	Severity Severity
	Message  string
}

// Loader loads the catalog from Source (a path, file:// URL or http(s) URL),
// caching remote ones in CacheDir with ETag revalidation.
//
// Source "" is the default catalog: fetched from URL ("" = DefaultURL) and
// cached, with the snapshot built into pyget (SnapshotData) as the last
// fallback; of the remote, cached and built-in copies the newest (Date) is
// used. An explicit Source replaces all that: no snapshot, even as a
// fallback.
type Loader struct {
	Source   string
	URL      string // the default catalog's address when Source is ""; "" = DefaultURL
	CacheDir string
	Offline  bool          // cached copy (or snapshot) only; a clear error when there is none
	MaxAge   time.Duration // default 24h; negative: revalidate every time
	Get      Getter
	// Quick fetches the remote catalog when a fallback exists (a cached copy
	// or the snapshot): a short budget, so that a blocked or offline host
	// costs a moment, not a minute of retries. nil = Get.
	Quick        Getter
	SnapshotData []byte        // EncodeSnapshot's format; nil = the snapshot embedded in pyget
	Warn         func(Warning) // may be nil
	Now          func() time.Time

	mu       sync.Mutex
	fellBack *Catalog // the fallback used after the remote failed in this run

	snapOnce sync.Once
	snapInfo SnapshotInfo
	snapErr  error
}

// Load returns the catalog, from the cache when fresh.
// Offline without a cached copy (or snapshot) fails with ErrNoCache; a
// failed refresh falls back to the cached copy or the snapshot, with one
// Notice.
func (l *Loader) Load(ctx context.Context) (*Catalog, error) { return l.load(ctx, false) }

// Refresh revalidates a remote catalog now (used when a request matches
// nothing in the cached copy). Local sources are just reloaded. After the
// remote catalog failed in this run, Refresh returns the same fallback
// without asking again.
func (l *Loader) Refresh(ctx context.Context) (*Catalog, error) { return l.load(ctx, true) }
