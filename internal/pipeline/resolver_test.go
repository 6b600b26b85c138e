package pipeline

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/platform"
	"github.com/pyget/pyget/internal/pyrequest"
)

// fakeCatalog is a CatalogLoader without cache or network: Load gives
// entries, Refresh gives refreshed (entries when nil), and both count.
type fakeCatalog struct {
	entries, refreshed []catalog.Entry
	loads, refreshes   *int
}

func (f fakeCatalog) Load(context.Context) (*catalog.Catalog, error) {
	if f.loads != nil {
		*f.loads++
	}
	return &catalog.Catalog{Entries: f.entries, From: catalog.FromFile}, nil
}

func (f fakeCatalog) Refresh(context.Context) (*catalog.Catalog, error) {
	if f.refreshes != nil {
		*f.refreshes++
	}
	if f.refreshed == nil {
		return f.Load(context.Background())
	}
	return &catalog.Catalog{Entries: f.refreshed, From: catalog.FromFile}, nil
}

func (f fakeCatalog) Cached(ctx context.Context) (*catalog.Catalog, error) { return f.Load(ctx) }

// fakeRequests is a RequestSource.
type fakeRequests struct {
	reqs []string
	from string
}

func (f fakeRequests) DefaultRequests() ([]string, string, error) { return f.reqs, f.from, nil }

func mustParse(t *testing.T, s string) pyrequest.Request {
	t.Helper()
	r, err := pyrequest.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func testEntries() (p314, p313 catalog.Entry) {
	p314 = catalog.Entry{
		Key: "cpython-3.14.6-linux-x86_64-gnu", Name: "cpython", OS: "linux", Libc: "gnu",
		Arch: catalog.Arch{Family: "x86_64"}, Major: 3, Minor: 14, Patch: 6, Build: "20260610",
		URL: "https://example.invalid/a.tar.gz", SHA256: strings.Repeat("a", 64),
	}
	p313 = patchOf(p314, 4, "")
	p313.Minor, p313.Key, p313.Build = 13, "cpython-3.13.4-linux-x86_64-gnu", "20250101"
	p313.SHA256 = strings.Repeat("b", 64)
	return p314, p313
}

var linux = platform.Platform{OS: "linux", Arch: "x86_64", Libc: "gnu"}

// TestResolverRevalidatesOnMiss: a request the cached catalog lacks makes
// the resolver revalidate it once (never offline), and pick from the new
// one; one it has does not.
func TestResolverRevalidatesOnMiss(t *testing.T) {
	p314, p313 := testEntries()
	ctx := context.Background()
	var loads, refreshes int
	res := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p313}, refreshed: []catalog.Entry{p313, p314}, loads: &loads, refreshes: &refreshes}, Platform: linux}
	if e, err := res.Download(ctx, mustParse(t, "3.13")); err != nil || e.Key != p313.Key || refreshes != 0 {
		t.Fatalf("Download(3.13) = %s, %v after %d refreshes; want %s, no refresh", e.Key, err, refreshes, p313.Key)
	}
	if e, err := res.Download(ctx, mustParse(t, "3.14")); err != nil || e.Key != p314.Key || refreshes != 1 {
		t.Fatalf("Download(3.14) = %s, %v after %d refreshes; want %s after one", e.Key, err, refreshes, p314.Key)
	}
	if loads != 1 {
		t.Errorf("the catalog was loaded %d times, want once per run", loads)
	}

	refreshes = 0
	off := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p313}, refreshed: []catalog.Entry{p313, p314}, refreshes: &refreshes}, Platform: linux, Offline: true}
	_, err := off.Download(ctx, mustParse(t, "3.14"))
	var nd *NoDownloadError
	if !errors.As(err, &nd) || refreshes != 0 || !nd.Offline || nd.Request != "3.14" {
		t.Fatalf("offline Download(3.14) = %v after %d refreshes; want a *NoDownloadError, no refresh", err, refreshes)
	}
	if want := `no download for "3.14" on linux-x86_64-gnu in the catalog`; err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}

// TestResolverRelease: with Release, only that release's CPython builds
// count, and the error says which releases have the request.
func TestResolverRelease(t *testing.T) {
	p314, p313 := testEntries()
	res := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p313, p314}}, Platform: linux, Release: "20250101"}
	ctx := context.Background()
	if e, err := res.Download(ctx, mustParse(t, "3")); err != nil || e.Key != p313.Key {
		t.Fatalf("Download(3) under release 20250101 = %s, %v; want %s", e.Key, err, p313.Key)
	}
	_, err := res.Download(ctx, mustParse(t, "3.14"))
	var nd *NoDownloadError
	if !errors.As(err, &nd) || !nd.ReleaseKnown || !slices.Equal(nd.OtherReleases, []string{"20260610"}) {
		t.Fatalf("Download(3.14) under release 20250101 = %v (%+v); want the release known and 20260610 offered", err, nd)
	}
	if !strings.Contains(err.Error(), "in python-build-standalone release 20250101 (PYGET_CPYTHON_BUILD)") {
		t.Errorf("error %q does not name the release", err)
	}
	res.Release = "20990101"
	if _, err := res.Download(ctx, mustParse(t, "3.14")); !errors.As(err, &nd) || nd.ReleaseKnown {
		t.Errorf("a release the catalog lacks: %v, ReleaseKnown %v; want false", err, nd.ReleaseKnown)
	}
}

// TestResolverChoose: an installed build satisfies a request unless fresh;
// then, or when none matches, the catalog's.
func TestResolverChoose(t *testing.T) {
	p314, p313 := testEntries()
	newer := patchOf(p313, 9, "")
	res := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p314, newer}}, Platform: linux, Installed: installations(p313)}
	ctx := context.Background()
	c, err := res.Choose(ctx, mustParse(t, "3.13"), false)
	if err != nil || c.Installed == nil || c.Entry.Key != p313.Key {
		t.Fatalf("Choose(3.13) = %+v, %v; want the installed %s", c, err, p313.Key)
	}
	if c, err = res.Choose(ctx, mustParse(t, "3.13"), true); err != nil || c.Installed != nil || c.Entry.Key != newer.Key {
		t.Fatalf("Choose(3.13, fresh) = %+v, %v; want the catalog's %s", c, err, newer.Key)
	}
	if c, err = res.Choose(ctx, mustParse(t, "3.14"), false); err != nil || c.Installed != nil || c.Entry.Key != p314.Key {
		t.Fatalf("Choose(3.14) = %+v, %v; want the catalog's %s", c, err, p314.Key)
	}
	if v, err := res.Exact(ctx, mustParse(t, "3.13")); err != nil || v != "3.13.4" {
		t.Errorf("Exact(3.13) = %q, %v; want the installed 3.13.4", v, err)
	}
}

// TestResolverRequests: given requests win, else the source's, else the
// fallback; a source file naming no version is an error naming it.
func TestResolverRequests(t *testing.T) {
	res := &Resolver{Defaults: fakeRequests{reqs: []string{"3.12"}, from: "/p/.python-version"}}
	if q, err := res.Requests([]string{"3.13"}, "default"); err != nil || !slices.Equal(q.Args, []string{"3.13"}) || q.From != "" || q.Default {
		t.Errorf("given: %+v, %v", q, err)
	}
	if q, err := res.Requests(nil, "default"); err != nil || !slices.Equal(q.Args, []string{"3.12"}) || q.From != "/p/.python-version" || q.Default {
		t.Errorf("from the source: %+v, %v", q, err)
	}
	res.Defaults = fakeRequests{}
	if q, err := res.Requests(nil, "default"); err != nil || !slices.Equal(q.Args, []string{"default"}) || !q.Default {
		t.Errorf("fallback: %+v, %v", q, err)
	}
	if q, err := res.Requests(nil, ""); err != nil || len(q.Args) != 0 || !q.Default {
		t.Errorf("no fallback: %+v, %v", q, err)
	}
	res.Defaults = fakeRequests{from: "/p/.python-version"}
	if _, err := res.Requests(nil, "default"); err == nil || err.Error() != "/p/.python-version names no python version" {
		t.Errorf("an empty pin: %v", err)
	}
	res.Defaults = fakeRequests{reqs: []string{"3.x.y"}, from: "/p/.python-version"}
	q, _ := res.Requests(nil, "")
	var pe *pyrequest.ParseError
	if _, err := q.Parse(); !errors.As(err, &pe) || !strings.HasPrefix(err.Error(), "/p/.python-version: ") {
		t.Errorf("a bad pinned request: %v; want a ParseError naming the file", err)
	}
}

// TestResolverMatchingAndSelection: uninstall's matching takes every
// platform and each build once; mirror's selection is the union over
// requests and platforms, CPython apart.
func TestResolverMatchingAndSelection(t *testing.T) {
	p314, p313 := testEntries()
	arm := p314
	arm.Key, arm.Arch = "cpython-3.14.6-linux-aarch64-gnu", catalog.Arch{Family: "aarch64"}
	p314.URL = fetch.UpstreamPrefix + "/20260610/cpython-3.14.6-x86_64.tar.gz"
	arm.URL = fetch.UpstreamPrefix + "/20260610/cpython-3.14.6-aarch64.tar.gz"
	pypy := p314
	pypy.Name, pypy.Key, pypy.URL = "pypy", "pypy-3.14.6-linux-x86_64-gnu", fetch.PyPyUpstreamPrefix+"/pypy3.14-v7.3.20-linux64.tar.bz2"
	// A GraalPy build published somewhere no mirror replaces: left apart.
	graal := p314
	graal.Name, graal.Key, graal.URL = "graalpy", "graalpy-3.14.6-linux-x86_64-gnu", "https://example.invalid/graalpy-3.14.6.tar.gz"
	res := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p314, p313, arm, pypy, graal}}, Platform: linux, Installed: installations(p314, arm, p313)}

	got, err := res.Matching([]pyrequest.Request{mustParse(t, "3.14"), mustParse(t, "3")})
	var keys []string
	for _, inst := range got {
		keys = append(keys, inst.Entry.Key)
	}
	if want := []string{p314.Key, arm.Key, p313.Key}; err != nil || !slices.Equal(keys, want) {
		t.Errorf("Matching(3.14, 3) = %v, %v; want %v", keys, err, want)
	}
	var ni *NoInstallError
	if _, err := res.Matching([]pyrequest.Request{mustParse(t, "3.11")}); !errors.As(err, &ni) || ni.Request != "3.11" {
		t.Errorf("Matching(3.11) = %v; want a *NoInstallError", err)
	}

	armPlat := platform.Platform{OS: "linux", Arch: "aarch64", Libc: "gnu"}
	builds, others, err := res.MirrorSelection(context.Background(), []pyrequest.Request{mustParse(t, "3.14"), mustParse(t, "pypy@3.14"), mustParse(t, "graalpy@3.14")}, []platform.Platform{linux, armPlat}, Listing{})
	keys = nil
	for _, e := range builds {
		keys = append(keys, e.Key)
	}
	if want := []string{p314.Key, arm.Key, pypy.Key}; err != nil || !slices.Equal(keys, want) || !slices.Equal(others, []string{graal.Key}) {
		t.Errorf("MirrorSelection = %v, others %v, %v; want %v and the GraalPy build from elsewhere apart", keys, others, err, want)
	}
	var nm *NoMirrorBuildError
	if _, _, err := res.MirrorSelection(context.Background(), []pyrequest.Request{mustParse(t, "3.11")}, []platform.Platform{linux}, Listing{}); !errors.As(err, &nm) || nm.Request != "3.11" {
		t.Errorf("MirrorSelection(3.11) = %v; want a *NoMirrorBuildError", err)
	}
}

// TestResolverNamesAndKeep: one digest→key map for messages, installed
// builds winning; the cache's keep-set is the installed digests.
func TestResolverNamesAndKeep(t *testing.T) {
	p314, p313 := testEntries()
	inst := p313
	inst.Key = "cpython-3.13.4-linux-x86_64-gnu-installed"
	installed := installations(inst)
	installed[0].SHA256 = strings.ToUpper(p313.SHA256)
	res := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p314, p313}}, Installed: installed}
	names := res.ArchiveNames(context.Background())
	if names[p314.SHA256] != p314.Key || names[p313.SHA256] != inst.Key || len(names) != 2 {
		t.Errorf("ArchiveNames = %v", names)
	}
	keep := res.KeepArchives()
	if !keep(p313.SHA256) || keep(p314.SHA256) {
		t.Errorf("KeepArchives: keeps %s %v, %s %v; want only the installed one", p313.SHA256, keep(p313.SHA256), p314.SHA256, keep(p314.SHA256))
	}
}

// TestClaims: one claim per key, across goroutines.
func TestClaims(t *testing.T) {
	var c Claims
	var wg sync.WaitGroup
	var mu sync.Mutex
	won := 0
	for range 8 {
		wg.Go(func() {
			if c.Claim("k") {
				mu.Lock()
				won++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if won != 1 || !c.Claim("other") {
		t.Errorf("%d claims of one key won, want 1", won)
	}
}

// TestResolverList: installed builds that fit, then the downloads not
// installed, newest first; an installed newest patch stands for its minor.
func TestResolverList(t *testing.T) {
	p314, p313 := testEntries()
	older := patchOf(p314, 5, "")
	res := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{p314, older, p313}}, Platform: linux, Installed: installations(p314)}
	keys := func(ls []Listed) (out []string) {
		for _, l := range ls {
			k := l.Entry.Key
			if l.Installed != nil {
				k += " (installed)"
			}
			out = append(out, k)
		}
		return out
	}
	ctx := context.Background()
	got, err := res.List(ctx, nil, linux, Listing{}, InstalledAndDownloads)
	if want := []string{p314.Key + " (installed)", p313.Key}; err != nil || !slices.Equal(keys(got), want) {
		t.Errorf("List = %v, %v; want %v", keys(got), err, want)
	}
	got, err = res.List(ctx, nil, linux, Listing{AllVersions: true}, OnlyDownloads)
	if want := []string{p314.Key, older.Key, p313.Key}; err != nil || !slices.Equal(keys(got), want) {
		t.Errorf("List(all versions, downloads) = %v, %v; want %v", keys(got), err, want)
	}
	res.Catalog = nil // only installed: the catalog is never asked
	got, err = res.List(ctx, nil, linux, Listing{}, OnlyInstalled)
	if want := []string{p314.Key + " (installed)"}; err != nil || !slices.Equal(keys(got), want) {
		t.Errorf("List(only installed) = %v, %v; want %v", keys(got), err, want)
	}
}
