package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
)

// requestsOrPin returns the requests given, else those of the pin in force
// (findPin: the nearest .python-version, else the global pin), else fallback
// (nil when there is none), and the pin file they came from.
func (a *app) requestsOrPin(args []string, fallback string) ([]string, string, error) {
	if len(args) > 0 {
		return args, "", nil
	}
	reqs, path, err := a.findPin()
	if err != nil {
		return nil, "", err
	}
	if len(reqs) > 0 {
		return reqs, path, nil
	}
	if path != "" {
		return nil, "", fmt.Errorf("%s names no python version", path)
	}
	if fallback == "" {
		return nil, "", nil
	}
	return []string{fallback}, "", nil
}

// findPin is the pin in force here: the requests of the nearest
// .python-version in this folder or its parents, else the nearest
// project's requires-python, else of the global pin (pin --global), and
// where they came from; path "" when there is none.
func (a *app) findPin() (reqs []string, path string, err error) {
	wd, err := os.Getwd()
	if err != nil {
		return nil, "", err
	}
	global, err := a.globalPinFile()
	if err != nil {
		return nil, "", err
	}
	reqs, path, err = pyrequest.FindRequests(wd, global)
	var bad *pyrequest.RequiresPythonError
	if errors.As(err, &bad) {
		err = usageError{err} // a bad request, as in a .python-version
	}
	return reqs, path, err
}

// globalPinFile is the user-level pin, .python-version in pyget's config
// dir; "" when there is no home directory to find that in.
func (a *app) globalPinFile() (string, error) {
	s, err := a.settings()
	if err != nil || s.ConfigDir == "" {
		return "", err
	}
	return filepath.Join(s.ConfigDir, pyrequest.PinFile), nil
}

func parseRequest(s, from string) (pyrequest.Request, error) {
	r, err := pyrequest.Parse(s)
	if err != nil {
		if from != "" {
			return r, usageError{fmt.Errorf("%s: %w", from, err)}
		}
		return r, usageError{err}
	}
	return r, nil
}

// resolveDownload picks the catalog entry for r on p, revalidating a cached
// remote catalog once when nothing matches. With PYGET_CPYTHON_BUILD only
// that python-build-standalone release's CPython builds count.
func (a *app) resolveDownload(ctx context.Context, r pyrequest.Request, p platform.Platform) (catalog.Entry, error) {
	c, matches, err := a.selectFromCatalog(ctx, func(entries []catalog.Entry) []catalog.Entry { return r.Select(entries, &p) })
	if err != nil {
		return catalog.Entry{}, err
	}
	release := a.env.CPythonBuild
	if len(matches) > 0 {
		return matches[0], nil
	}
	if release != "" {
		return catalog.Entry{}, withHint(
			fmt.Errorf("no download for %q on %s in python-build-standalone release %s (PYGET_CPYTHON_BUILD)", r.String(), r.Target(p), release),
			releaseHint(c, r, p, release))
	}
	hint := a.newerCatalogHint(c) // only a newer catalog could have it
	if hint == "" {
		hint = fmt.Sprintf("`pyget list %s --all-platforms` shows the builds the catalog has", quoteArg(r.String()))
	}
	return catalog.Entry{}, withHint(
		fmt.Errorf("no download for %q on %s in the catalog", r.String(), r.Target(p)), hint)
}

// selectFromCatalog is what sel picks from the catalog's builds (with
// PYGET_CPYTHON_BUILD, PYGET_PYPY_BUILD, PYGET_GRAALPY_BUILD, only that
// release's builds of each), and the catalog
// it picked from. When sel picks nothing, the cached catalog may predate the
// build: it is revalidated once and sel picks again.
func (a *app) selectFromCatalog(ctx context.Context, sel func([]catalog.Entry) []catalog.Entry) (*catalog.Catalog, []catalog.Entry, error) {
	c, err := a.catalog(ctx)
	if err != nil {
		return nil, nil, err
	}
	picked := sel(a.onlyPinnedReleases(c.Entries))
	if len(picked) == 0 {
		if fresh, err := a.refreshCatalog(ctx); err == nil {
			c = fresh
			picked = sel(a.onlyPinnedReleases(fresh.Entries))
		}
	}
	return c, picked, nil
}

// releaseHint says where a request the pinned release cannot satisfy could
// be had: the releases that have it, or that the catalog lacks the release.
func releaseHint(c *catalog.Catalog, r pyrequest.Request, p platform.Platform, release string) string {
	if !slices.Contains(catalog.Releases(c.Entries), release) {
		return fmt.Sprintf("the catalog has no release %s (its newest is %s): check PYGET_CPYTHON_BUILD", release, orUnknown(c.Date()))
	}
	if others := catalog.Releases(r.Select(c.Entries, &p)); len(others) > 0 {
		return fmt.Sprintf("release %s has it: change PYGET_CPYTHON_BUILD, or unset it for any release", others[0])
	}
	return fmt.Sprintf("`pyget list %s --all-platforms` shows the builds release %s has", quoteArg(r.String()), release)
}

func quoteArg(s string) string {
	if strings.ContainsAny(s, " <>=!~*,|&;") {
		return "'" + s + "'"
	}
	return s
}
