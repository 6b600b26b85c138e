package mirror

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
)

// fakeFetcher stands in for the transfer layer without HTTP: its n-th
// Fetch gives files[n] (the last from then on) as a cache hit, and Remove
// records what it was asked to drop.
type fakeFetcher struct {
	files   []string
	fetches int
	removed []string
}

func (f *fakeFetcher) Fetch(_ context.Context, t fetch.Target) (fetch.Result, error) {
	p := f.files[min(f.fetches, len(f.files)-1)]
	f.fetches++
	return fetch.Result{Path: p, SHA256: t.SHA256, FromCache: true}, nil
}

func (f *fakeFetcher) Remove(shas []string, _ bool) (fetch.CacheReport, error) {
	f.removed = append(f.removed, shas...)
	return fetch.CacheReport{}, nil
}

// TestSyncDropsCacheThatRotsWhileCopied: a cached archive whose copy into
// the mirror reads other bytes than its digest is dropped from the cache
// and fetched once more; the mirror never holds the wrong bytes.
func TestSyncDropsCacheThatRotsWhileCopied(t *testing.T) {
	fx := newFixture(t) // for its entries; no HTTP is used
	a := fx.entry(13, "20260101")
	rel, _ := RelPath(a)
	dir := t.TempDir()
	rotten, good := filepath.Join(dir, "rotten"), filepath.Join(dir, "good")
	// 0600: not the mirror's mode, so the archive is copied (and hashed),
	// never linked.
	if err := os.WriteFile(rotten, []byte("\x1f\x8b rotten"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(good, fx.files["/"+rel], 0o600); err != nil {
		t.Fatal(err)
	}
	f := &fakeFetcher{files: []string{rotten, good}}
	m := &Mirror{Dir: fx.dir, Fetcher: f}
	rep, err := m.Sync(context.Background(), []catalog.Entry{a}, false)
	if err != nil || states(rep) != a.Key+"=downloaded" {
		t.Fatalf("Sync: %v (%s)", err, states(rep))
	}
	if f.fetches != 2 || !slices.Equal(f.removed, []string{a.SHA256}) {
		t.Errorf("%d fetches, removed %v; want 2 and the rotten archive dropped", f.fetches, f.removed)
	}
	got, err := os.ReadFile(filepath.Join(fx.dir, filepath.FromSlash(rel)))
	if err != nil || string(got) != string(fx.files["/"+rel]) {
		t.Errorf("the mirrored archive is not the good one: %v", err)
	}
	if fx.hits.Load() != 0 {
		t.Errorf("%d HTTP requests, want none", fx.hits.Load())
	}
}
