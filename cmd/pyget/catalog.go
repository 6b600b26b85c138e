package main

import (
	"context"
	"fmt"
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
)

// snapshotOverride replaces the catalog snapshot built into pyget (tests
// set it); nil keeps the embedded one.
var snapshotOverride []byte

// version is pyget's version; release builds set it with
// -ldflags "-X main.version=v1.2.3", else the module's version is used.
var version = ""

// quickIdle bounds the wait for a byte from the catalog's host when there
// is a fallback: a firewall that drops packets costs seconds, not minutes.
const quickIdle = 5 * time.Second

// newCatalogLoader configures the catalog from flags and environment, on
// the run's one Fetcher.
func (a *app) newCatalogLoader() (*catalog.Loader, error) {
	cache, err := a.cacheRoot()
	if err != nil {
		return nil, err
	}
	// The transfer settings are checked even when only the catalog is
	// needed: a bad --mirror is a usage error for every command.
	fetcher, err := a.getFetcher()
	if err != nil {
		return nil, err
	}
	full, quick := a.catalogGetters(fetcher)
	src := a.downloadsJSON
	if src == "" {
		src = a.env.DownloadsJSON
	}
	return &catalog.Loader{
		Source:       src,
		URL:          a.env.CatalogURL,
		CacheDir:     cache,
		Offline:      a.isOffline(),
		Get:          full,
		Quick:        quick,
		SnapshotData: snapshotOverride,
		Warn:         a.catalogWarning,
	}, nil
}

// catalogLoader is the resolver's catalog: the loader is made when the
// catalog is first needed (so that commands without one never check the
// transfer settings), and -v says which catalog a run used.
type catalogLoader struct {
	a      *app
	loader *catalog.Loader
}

func (l *catalogLoader) get() (*catalog.Loader, error) {
	if l.loader == nil {
		loader, err := l.a.newCatalogLoader()
		if err != nil {
			return nil, err
		}
		l.loader = loader
	}
	return l.loader, nil
}

func (l *catalogLoader) Load(ctx context.Context) (*catalog.Catalog, error) {
	return l.load(ctx, (*catalog.Loader).Load)
}

func (l *catalogLoader) Refresh(ctx context.Context) (*catalog.Catalog, error) {
	return l.load(ctx, (*catalog.Loader).Refresh)
}

func (l *catalogLoader) load(ctx context.Context, how func(*catalog.Loader, context.Context) (*catalog.Catalog, error)) (*catalog.Catalog, error) {
	loader, err := l.get()
	if err != nil {
		return nil, err
	}
	c, err := how(loader, ctx)
	if err != nil {
		return nil, fmt.Errorf("loading the downloads catalog: %w", err)
	}
	if l.a.verbose {
		l.a.debug("catalog: %s; %s", describeCatalog(c), snapshotLine())
		l.a.debug("why: %s", l.a.catalogWhy(c))
	}
	return c, nil
}

// Cached is the catalog as far as it loads without the network, with no
// warning: names for messages.
func (l *catalogLoader) Cached(ctx context.Context) (*catalog.Catalog, error) {
	loader, err := l.a.newCatalogLoader()
	if err != nil {
		return nil, err
	}
	loader.Offline, loader.Warn = true, nil
	return loader.Load(ctx)
}

// catalogWarning prints a catalog warning: a Notice always (unless -q),
// detail under -v.
func (a *app) catalogWarning(w catalog.Warning) {
	if w.Severity == catalog.Notice {
		a.warn("%s", w.Message)
	} else {
		a.debug("warning: %s", w.Message)
	}
}

// catalogGet is the catalog's use of the run's Fetcher: Get under its own
// budget and with its own events (fetch.GetOptions).
type catalogGet struct {
	f   *fetch.Fetcher
	opt fetch.GetOptions
}

func (g catalogGet) Get(ctx context.Context, url, etag string) ([]byte, string, bool, error) {
	return g.f.GetWith(ctx, url, etag, g.opt)
}

// catalogGetters are the catalog's transfers, both on the run's Fetcher.
// full is for a catalog with nothing to fall back to: the usual retries,
// and the first failure is said at once, so that nobody waits on retries
// without knowing why. quick is for one with a fallback (cached copy or
// snapshot): two attempts, a short idle limit, and the loader's one warning
// line when it gives up.
func (a *app) catalogGetters(f *fetch.Fetcher) (full, quick catalogGet) {
	var told atomic.Bool
	full = catalogGet{f: f, opt: fetch.GetOptions{OnEvent: func(e fetch.Event) {
		if e.Kind != fetch.EventFault {
			return
		}
		if a.verbose {
			a.debug("catalog %s: %s", e.URL, eventMessage(e))
		} else if !told.Swap(true) {
			a.warn("cannot reach the catalog %s: %s. Without network, --offline uses a cached copy and --downloads-json a local file",
				e.URL, eventMessage(e))
		}
	}}}
	quick = catalogGet{f: f, opt: fetch.GetOptions{MaxRetries: 1, IdleTimeout: quickIdle, OnEvent: func(e fetch.Event) {
		if e.Kind == fetch.EventFault {
			a.debug("catalog %s: %s", e.URL, eventMessage(e))
		}
	}}}
	return full, quick
}

func eventMessage(e fetch.Event) string {
	if e.Message == "" && e.Err != nil {
		return e.Err.Error()
	}
	return e.Message
}

// describeCatalog says, for -v, which catalog a run uses.
func describeCatalog(c *catalog.Catalog) string {
	return fmt.Sprintf("%s (%s), newest release %s, %d builds", c.Source, c.From, orUnknown(c.Date()), len(c.Entries))
}

// snapshotLine is the built-in snapshot as --version and list -v show it.
func snapshotLine() string {
	info, err := catalog.EmbeddedSnapshot()
	if err != nil {
		return "catalog snapshot: none (" + err.Error() + ")"
	}
	return fmt.Sprintf("catalog snapshot %s (%d builds)", info.Date, info.Builds)
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

// versionString is what --version prints after "pyget ".
func versionString() string {
	v := version
	if v == "" {
		v = "dev"
		if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
	}
	return v + "\n" + snapshotLine()
}

// newerCatalogHint explains a request that matched nothing in a catalog
// that stood in for the remote one: only a newer catalog could satisfy it.
// "" when c is as new as this run could know.
func newerCatalogHint(c *catalog.Catalog, offline bool) string {
	if c == nil || c.From == catalog.FromFile || (c.RefreshErr == nil && !offline) {
		return ""
	}
	what := "the cached catalog"
	if c.From == catalog.FromSnapshot {
		what = "the catalog built into pyget"
	}
	why := "--offline"
	if c.RefreshErr != nil {
		why = "the remote catalog could not be fetched"
	}
	return fmt.Sprintf("this run used %s (newest release %s) because %s; a newer catalog may have it: run again online, or point PYGET_DOWNLOADS_JSON at a current copy",
		what, orUnknown(c.Date()), why)
}
