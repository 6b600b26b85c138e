package pipeline

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
	"github.com/pyget/pyget/internal/pyrequest"
	"github.com/pyget/pyget/internal/store"
	"github.com/pyget/pyget/internal/testutil"
)

// fakeFetcher stands in for the transfer layer without HTTP: its n-th
// Start streams files[n] (the last one from then on) as a verified
// transfer of the target's digest would, and Cached says cached.
type fakeFetcher struct {
	files  []string
	cached bool
	starts int
}

func (f *fakeFetcher) Start(_ context.Context, t fetch.Target) (*fetch.Stream, error) {
	p := f.files[min(f.starts, len(f.files)-1)]
	f.starts++
	return fetch.FileStream(t.Name, p, t.SHA256)
}

func (f *fakeFetcher) Cached(fetch.Target) bool { return f.cached }

// fakeFetchSetup writes the good archive and a damaged stand-in (another
// archive: the bytes the cache holds after a rot the extractor cannot see)
// and returns an installer on f and the good archive's entry.
func fakeFetchSetup(t *testing.T, f *fakeFetcher) (*Installer, catalog.Entry, []string) {
	t.Helper()
	dir := t.TempDir()
	good := testutil.TarGz(t, testutil.FakeCPython{Version: "3.14.6"}.Entries())
	other := testutil.TarGz(t, testutil.FakeCPython{Version: "3.14.6", Blob: 1024}.Entries())
	paths := []string{filepath.Join(dir, "rotten.tar.gz"), filepath.Join(dir, "good.tar.gz")}
	for i, data := range [][]byte{other, good} {
		if err := os.WriteFile(paths[i], data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sum := sha256.Sum256(good)
	e := catalog.Entry{
		Key: "cpython-3.14.6-linux-x86_64-gnu", Name: "cpython", OS: "linux", Libc: "gnu",
		Arch: catalog.Arch{Family: "x86_64"}, Major: 3, Minor: 14, Patch: 6, Build: "20260610",
		URL: fetch.UpstreamPrefix + "/20260610/cpython-3.14.6.tar.gz", SHA256: hex.EncodeToString(sum[:]),
	}
	in := &Installer{
		Layout:  store.Layout{InstallDir: filepath.Join(dir, "pythons"), BinDir: filepath.Join(dir, "bin")},
		Fetcher: f,
	}
	return in, e, paths
}

// TestCorruptCacheRetriedOnce: a cached archive whose bytes no longer match
// its digest (fetch.ErrCorruptCache once read) is fetched once more, and
// the install holds the good bytes; offline, there is no second fetch.
func TestCorruptCacheRetriedOnce(t *testing.T) {
	f := &fakeFetcher{}
	in, e, paths := fakeFetchSetup(t, f)
	f.files = paths // rotten first, then good
	o, err := in.InstallEntry(context.Background(), e)
	if err != nil {
		t.Fatalf("install over a rotten cache: %v", err)
	}
	if f.starts != 2 {
		t.Errorf("%d fetches, want 2 (the rotten one, then once more)", f.starts)
	}
	if o.Installation.SHA256 != e.SHA256 {
		t.Errorf("installed digest %s, want %s", o.Installation.SHA256, e.SHA256)
	}
	if _, err := os.Stat(filepath.Join(o.Installation.Dir, "lib", "blob.bin")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the rotten archive's file is in the install: %v", err)
	}

	f = &fakeFetcher{cached: true}
	in, e, paths = fakeFetchSetup(t, f)
	f.files = paths
	in.Offline = true
	if _, err := in.InstallEntry(context.Background(), e); !errors.Is(err, fetch.ErrCorruptCache) || f.starts != 1 {
		t.Errorf("offline over a rotten cache: %v after %d fetches; want ErrCorruptCache after one", err, f.starts)
	}
	if _, ok, _ := in.Layout.Find(e.Key); ok {
		t.Error("a failed install left the build installed")
	}

	f = &fakeFetcher{cached: false}
	in, e, paths = fakeFetchSetup(t, f)
	f.files = paths
	in.Offline = true
	if _, err := in.InstallEntry(context.Background(), e); !errors.Is(err, ErrOffline) || f.starts != 0 {
		t.Errorf("offline, not cached: %v after %d fetches; want ErrOffline and no fetch", err, f.starts)
	}
}

// TestInstallJobReinstallsWhatVanished: a request the resolver saw
// installed, whose build another pyget uninstalled before the relink, is
// installed afresh from the catalog by the job that claimed it.
func TestInstallJobReinstallsWhatVanished(t *testing.T) {
	f := &fakeFetcher{}
	in, e, paths := fakeFetchSetup(t, f)
	f.files = paths[1:] // the good archive
	// The resolver's list of installs is older than the install dir: the
	// build is listed but gone.
	res := &Resolver{Catalog: fakeCatalog{entries: []catalog.Entry{e}}, Platform: linux, Installed: installations(e)}
	req, err := pyrequest.Parse("3.14")
	if err != nil {
		t.Fatal(err)
	}
	var claims Claims
	o, err := in.InstallJob(context.Background(), res, Job{Arg: "3.14", Request: req}, &claims)
	if err != nil {
		t.Fatal(err)
	}
	if o.Installation.Dir == "" || o.Already || f.starts != 1 {
		t.Fatalf("outcome %+v after %d fetches: want the build installed afresh, once", o, f.starts)
	}
	if _, ok, _ := in.Layout.Find(e.Key); !ok {
		t.Error("the build is not installed")
	}
}
