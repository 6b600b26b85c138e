package main

import (
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

// newCatalogLoader configures the catalog from flags and environment.
func (a *app) newCatalogLoader() (*catalog.Loader, error) {
	cache, err := a.cacheRoot()
	if err != nil {
		return nil, err
	}
	// The transfer settings are checked even when only the catalog is
	// needed: a bad --mirror is a usage error for every command.
	if _, err := a.getFetcher(); err != nil {
		return nil, err
	}
	full, quick, err := a.catalogGetters()
	if err != nil {
		return nil, err
	}
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

// catalogWarning prints a catalog warning: a Notice always (unless -q),
// detail under -v.
func (a *app) catalogWarning(w catalog.Warning) {
	if w.Severity == catalog.Notice {
		a.warn("%s", w.Message)
	} else {
		a.debug("warning: %s", w.Message)
	}
}

// catalogGetters are the catalog's transfers. full is for a catalog with
// nothing to fall back to: the usual retries, and the first failure is said
// at once, so that nobody waits on retries without knowing why. quick is
// for one with a fallback (cached copy or snapshot): two attempts, a short
// idle limit, and the loader's one warning line when it gives up.
func (a *app) catalogGetters() (full, quick *fetch.Fetcher, err error) {
	cfg, err := a.fetchConfig()
	if err != nil {
		return nil, nil, err
	}
	var told atomic.Bool
	cfg.OnEvent = func(e fetch.Event) {
		if e.Kind != fetch.EventFault {
			return
		}
		if a.verbose {
			a.debug("catalog %s: %s", e.URL, eventMessage(e))
		} else if !told.Swap(true) {
			a.warn("cannot reach the catalog %s: %s. Without network, --offline uses a cached copy and --downloads-json a local file",
				e.URL, eventMessage(e))
		}
	}
	if full, err = fetch.New(cfg); err != nil {
		return nil, nil, usageError{err}
	}
	q := cfg
	q.Retries = min(q.Retries, 1) // PYGET_HTTP_RETRIES=0 stays 0: no retries at all
	if q.IdleTimeout <= 0 || q.IdleTimeout > quickIdle {
		q.IdleTimeout = quickIdle
	}
	q.OnEvent = func(e fetch.Event) {
		if e.Kind == fetch.EventFault {
			a.debug("catalog %s: %s", e.URL, eventMessage(e))
		}
	}
	if quick, err = fetch.New(q); err != nil {
		return nil, nil, usageError{err}
	}
	return full, quick, nil
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
func (a *app) newerCatalogHint(c *catalog.Catalog) string {
	if c == nil || c.From == catalog.FromFile || (c.RefreshErr == nil && !a.isOffline()) {
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
