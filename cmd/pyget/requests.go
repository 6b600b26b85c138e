package main

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
)

// requestsOrPin returns the requests given, else those of .python-version,
// else fallback (nil when there is none).
func requestsOrPin(args []string, fallback string) ([]string, string, error) {
	if len(args) > 0 {
		return args, "", nil
	}
	wd, err := os.Getwd()
	if err != nil {
		return nil, "", err
	}
	reqs, path, err := pyrequest.FindPin(wd)
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

// bestInstalled returns the installed builds matching r on p, best first.
func bestInstalled(all []store.Installation, r pyrequest.Request, p *platform.Platform) []store.Installation {
	entries := make([]catalog.Entry, len(all))
	byKey := make(map[string]store.Installation, len(all))
	for i, inst := range all {
		entries[i] = inst.Entry
		byKey[inst.Entry.Key] = inst
	}
	var out []store.Installation
	for _, e := range r.Select(entries, p) {
		out = append(out, byKey[e.Key])
	}
	return out
}

// resolveDownload picks the catalog entry for r on p, revalidating a cached
// remote catalog once when nothing matches.
func (a *app) resolveDownload(ctx context.Context, r pyrequest.Request, p platform.Platform) (catalog.Entry, error) {
	c, err := a.catalog(ctx)
	if err != nil {
		return catalog.Entry{}, err
	}
	matches := r.Select(c.Entries, &p)
	if len(matches) == 0 {
		if fresh, err := a.refreshCatalog(ctx); err == nil {
			c = fresh
			matches = r.Select(fresh.Entries, &p)
		}
	}
	if len(matches) == 0 {
		hint := a.newerCatalogHint(c) // only a newer catalog could have it
		if hint == "" {
			hint = fmt.Sprintf("`pyget list %s --all-platforms` shows the builds the catalog has", quoteArg(r.String()))
		}
		return catalog.Entry{}, withHint(
			fmt.Errorf("no download for %q on %s in the catalog", r.String(), p.String()), hint)
	}
	return matches[0], nil
}

func quoteArg(s string) string {
	if strings.ContainsAny(s, " <>=!~*,|&;") {
		return "'" + s + "'"
	}
	return s
}
