package fetch

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/faultserver"
	"github.com/pyget/pyget/internal/fsutil"
)

// cacheFixture fills a cache folder: archives, partials (with sidecars and
// an interrupted save), lock files and another cache.
type cacheFixture struct {
	t *testing.T
	f *Fetcher
}

func newCacheFixture(t *testing.T) *cacheFixture {
	f, _, _ := newTestFetcher(t, Config{})
	for _, d := range []string{f.archivesDir(), f.downloadsDir()} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return &cacheFixture{t, f}
}

func digest(c byte) string { return strings.Repeat(string(c), 64) }

func (c *cacheFixture) write(p string, n int, age time.Duration) {
	c.t.Helper()
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		c.t.Fatal(err)
	}
	if err := os.WriteFile(p, make([]byte, n), 0o644); err != nil {
		c.t.Fatal(err)
	}
	if age > 0 {
		when := time.Now().Add(-age)
		if err := os.Chtimes(p, when, when); err != nil {
			c.t.Fatal(err)
		}
	}
}

func (c *cacheFixture) archive(sha string, n int) { c.write(c.f.ArchivePath(sha), n, 0) }

// partial writes key's .part and sidecar, age old.
func (c *cacheFixture) partial(key string, n int, age time.Duration) {
	c.write(filepath.Join(c.f.downloadsDir(), key+".part"), n, age)
	c.write(filepath.Join(c.f.downloadsDir(), key+".json"), 10, age)
}

func (c *cacheFixture) path(name string) string { return filepath.Join(c.f.downloadsDir(), name) }

// hold takes key's download lock as a running download does, until the
// test ends or release is called.
func (c *cacheFixture) hold(key string) (release func()) {
	c.t.Helper()
	r, err := fsutil.Lock(context.Background(), c.path(key+".lock"), "test", time.Second, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	c.t.Cleanup(r)
	return r
}

func exist(t *testing.T, want bool, paths ...string) {
	t.Helper()
	for _, p := range paths {
		if _, err := os.Lstat(p); (err == nil) != want {
			t.Errorf("%s: exists = %v, want %v", p, err == nil, want)
		}
	}
}

func names(items []CacheItem) []string {
	var out []string
	for _, it := range items {
		out = append(out, string(it.Kind)+":"+filepath.Base(it.Name))
	}
	slices.Sort(out)
	return out
}

func TestCacheUsage(t *testing.T) {
	c := newCacheFixture(t)
	c.archive(digest('a'), 1000)
	c.archive(digest('b'), 2000)
	c.partial(digest('c'), 300, 0)                       // 300 + 10
	c.write(c.path("."+digest('c')+".json.tmp-1"), 5, 0) // an interrupted save
	c.write(c.path(digest('c')+".lock"), 0, 0)           // not counted
	c.write(c.path("url-0123.part"), 40, 0)
	cat := filepath.Join(c.f.cfg.CacheDir, "catalog")
	c.write(filepath.Join(cat, "x.json"), 70, 0)
	c.write(filepath.Join(cat, "sub", "y.bin"), 30, 0)
	missing := filepath.Join(c.f.cfg.CacheDir, "attestations")

	u, err := c.f.Usage(cat, missing)
	if err != nil {
		t.Fatal(err)
	}
	want := CacheUsage{
		Archives: Usage{2, 3000},
		Partials: Usage{4, 355},
		Other:    []DirUsage{{cat, Usage{2, 100}}, {missing, Usage{}}},
	}
	if u.Archives != want.Archives || u.Partials != want.Partials || !slices.Equal(u.Other, want.Other) {
		t.Fatalf("usage %+v, want %+v", u, want)
	}
	if tot := u.Total(); tot != (Usage{8, 3455}) {
		t.Fatalf("total %+v", tot)
	}

	// An empty cache folder, or none at all, is empty.
	f, _, _ := newTestFetcher(t, Config{CacheDir: filepath.Join(t.TempDir(), "none")})
	if u, err := f.Usage(); err != nil || u.Total() != (Usage{}) {
		t.Fatalf("missing cache: %+v, %v", u, err)
	}
}

// Prune removes the archives Keep rejects and partials older than the age
// whose lock is free; a locked partial (a running download) or an archive
// whose download lock is held stays and is reported busy. A dry run
// reports the same and removes nothing.
func TestPrune(t *testing.T) {
	for _, dry := range []bool{true, false} {
		t.Run(map[bool]string{true: "dry-run", false: "real"}[dry], func(t *testing.T) {
			c := newCacheFixture(t)
			kept, gone, busyArchive := digest('1'), digest('2'), digest('3')
			c.archive(kept, 100)
			c.archive(gone, 200)
			c.archive(busyArchive, 300)
			old, fresh, oldLocked := digest('4'), digest('5'), digest('6')
			c.partial(old, 50, 48*time.Hour)
			c.write(c.path("."+old+".json.tmp-9"), 5, 48*time.Hour)
			c.partial(fresh, 60, time.Hour)
			c.partial(oldLocked, 70, 48*time.Hour)
			c.write(c.path("url-beef.part"), 8, 30*time.Hour) // no digest, old
			c.write(c.path(old+".lock"), 0, 48*time.Hour)     // a free lock file
			c.hold(oldLocked)
			c.hold(busyArchive)

			rep, err := c.f.Prune(PruneOptions{
				Keep:          func(s string) bool { return s == kept },
				PartialMaxAge: 24 * time.Hour,
				DryRun:        dry,
			})
			if err != nil {
				t.Fatal(err)
			}
			wantRemoved := []string{"archive:" + gone, "partial:" + old, "partial:url-beef"}
			wantBusy := []string{"archive:" + busyArchive, "partial:" + oldLocked}
			if got := names(rep.Removed); !slices.Equal(got, wantRemoved) {
				t.Errorf("removed %v, want %v", got, wantRemoved)
			}
			if got := names(rep.Busy); !slices.Equal(got, wantBusy) {
				t.Errorf("busy %v, want %v", got, wantBusy)
			}
			if fr := rep.Freed(); fr != (Usage{5, 200 + 50 + 10 + 5 + 8}) {
				t.Errorf("freed %+v", fr)
			}
			exist(t, true, c.f.ArchivePath(kept), c.f.ArchivePath(busyArchive),
				c.path(fresh+".part"), c.path(fresh+".json"),
				c.path(oldLocked+".part"), c.path(oldLocked+".json"), c.path(oldLocked+".lock"),
				c.path(old+".lock")) // lock files always stay
			exist(t, dry, c.f.ArchivePath(gone), c.path(old+".part"), c.path(old+".json"),
				c.path("."+old+".json.tmp-9"), c.path("url-beef.part"))

			// Nil Keep keeps every archive.
			rep, err = c.f.Prune(PruneOptions{DryRun: true})
			if err != nil || slices.ContainsFunc(rep.Removed, func(it CacheItem) bool { return it.Kind == ItemArchive }) {
				t.Fatalf("nil Keep: %+v, %v", rep, err)
			}
		})
	}
}

// Clean removes every archive, partial and named other cache but what a
// running download holds; Remove only the digests given.
func TestCleanAndRemove(t *testing.T) {
	c := newCacheFixture(t)
	a, b, locked := digest('a'), digest('b'), digest('c')
	c.archive(a, 10)
	c.archive(b, 20)
	c.partial(b, 5, 0)
	c.partial(locked, 7, 72*time.Hour)
	release := c.hold(locked)
	cat := filepath.Join(c.f.cfg.CacheDir, "catalog")
	c.write(filepath.Join(cat, "x.json"), 70, 0)
	tuf := filepath.Join(c.f.cfg.CacheDir, "sigstore-tuf")

	if _, err := c.f.Clean(CleanOptions{Others: []string{c.f.cfg.CacheDir}}); err == nil {
		t.Fatal("Clean accepted the cache folder itself as another cache")
	}
	if _, err := c.f.Clean(CleanOptions{Others: []string{filepath.Dir(c.f.cfg.CacheDir)}}); err == nil {
		t.Fatal("Clean accepted a folder outside the cache")
	}
	if _, err := c.f.Remove([]string{"nothex"}, true); err == nil {
		t.Fatal("Remove accepted a non-digest")
	}

	rep, err := c.f.Remove([]string{strings.ToUpper(b), locked}, false)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(rep.Removed), []string{"archive:" + b, "partial:" + b}; !slices.Equal(got, want) {
		t.Errorf("Remove removed %v, want %v", got, want)
	}
	if got, want := names(rep.Busy), []string{"partial:" + locked}; !slices.Equal(got, want) {
		t.Errorf("Remove busy %v, want %v", got, want)
	}
	exist(t, true, c.f.ArchivePath(a), c.path(locked+".part"))
	exist(t, false, c.f.ArchivePath(b), c.path(b+".part"), c.path(b+".json"))

	rep, err = c.f.Clean(CleanOptions{Others: []string{cat, tuf}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(rep.Removed), []string{"archive:" + a, "other:catalog"}; !slices.Equal(got, want) {
		t.Errorf("Clean removed %v, want %v", got, want)
	}
	if got, want := names(rep.Busy), []string{"partial:" + locked}; !slices.Equal(got, want) {
		t.Errorf("Clean busy %v, want %v", got, want)
	}
	exist(t, true, c.path(locked+".part"), c.path(locked+".json"), c.path(locked+".lock"))
	exist(t, false, c.f.ArchivePath(a), cat)

	// Once the download has let go, its partial goes too.
	release()
	rep, err = c.f.Clean(CleanOptions{})
	if err != nil || !slices.Equal(names(rep.Removed), []string{"partial:" + locked}) || len(rep.Busy) != 0 {
		t.Fatalf("after the lock: %+v, %v", rep, err)
	}
	if u, err := c.f.Usage(cat); err != nil || u.Total() != (Usage{}) {
		t.Fatalf("after clean: %+v, %v", u, err)
	}
}

// A real download, stalled mid-body, holds its lock: Prune (and Clean and
// Remove of its digest) during it remove another build's archive and an
// old abandoned partial, but leave the running download's partial and lock
// alone, even with its partial made to look days old; the download, stopped
// afterwards, then resumes from its partial and completes, verified. The
// server stalls until the client leaves and the client waits for minutes,
// so the download is surely running while the cache is pruned: no timing.
func TestPruneDuringRunningDownload(t *testing.T) {
	data := archiveData(700_000, 71)
	const stallAt = 256 << 10
	srv := newFileServer(t, data)
	// With segments (TestWithSegments) the first response only hands the
	// rest to segments, unread: every segment stalls instead, before its
	// first byte, so that once all have been asked nothing writes to the
	// partial or its sidecar (saved at the split) any more.
	if segmentsForTests {
		srv.Repeat(faultserver.Fault{Kind: faultserver.StallMidBody, At: 0})
	} else {
		srv.Script(faultserver.Fault{Kind: faultserver.StallMidBody, At: stallAt})
	}
	c := newCacheFixture(t)
	c.f.cfg.IdleTimeout = 10 * time.Minute
	other, abandoned := digest('e'), digest('f')
	c.archive(other, 100)
	c.partial(abandoned, 100, 72*time.Hour)

	tg := Target{URL: fileURL(srv), SHA256: sha(data), Size: int64(len(data))}
	s, err := c.f.Start(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	part := c.path(tg.SHA256 + ".part")
	deadline := time.Now().Add(time.Minute) // a hang guard: the loop ends at the stall
	for {
		if fi, err := os.Stat(part); err == nil && fi.Size() >= stallAt {
			break
		}
		if segmentsForTests && len(srv.Requests()) == 1+c.f.cfg.Connections {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the download never reached the stall")
		}
		time.Sleep(5 * time.Millisecond)
	}
	// Make the running download's partial look abandoned for days.
	when := time.Now().Add(-72 * time.Hour)
	if err := os.Chtimes(part, when, when); err != nil {
		t.Fatal(err)
	}
	// A segmented download's sidecar is saved as its segments advance:
	// make it look abandoned too (they are all stalled now).
	if sidecar := c.path(tg.SHA256 + ".json"); segmentsForTests {
		if err := os.Chtimes(sidecar, when, when); err != nil {
			t.Fatal(err)
		}
	}

	rep, err := c.f.Prune(PruneOptions{Keep: func(string) bool { return false }})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := names(rep.Removed), []string{"archive:" + other, "partial:" + abandoned}; !slices.Equal(got, want) {
		t.Errorf("prune removed %v, want %v", got, want)
	}
	if got, want := names(rep.Busy), []string{"partial:" + tg.SHA256}; !slices.Equal(got, want) {
		t.Errorf("prune busy %v, want %v", got, want)
	}
	for _, op := range []func() (CacheReport, error){
		func() (CacheReport, error) { return c.f.Remove([]string{tg.SHA256}, false) },
		func() (CacheReport, error) { return c.f.Clean(CleanOptions{}) },
	} {
		rep, err := op()
		if err != nil || len(rep.Removed) != 0 || !slices.Equal(names(rep.Busy), []string{"partial:" + tg.SHA256}) {
			t.Errorf("during the download: %+v, %v", rep, err)
		}
	}
	if fi, err := os.Stat(part); err != nil || !segmentsForTests && fi.Size() < stallAt {
		t.Fatalf("the running download's partial: %v, %v", fi, err)
	}
	exist(t, true, c.path(tg.SHA256+".lock"))
	if segmentsForTests {
		exist(t, true, c.path(tg.SHA256+".json"))
	}

	// Stop it (the partial stays), then run it again: it resumes where the
	// prune left it.
	s.Close()
	srv.Repeat(faultserver.Fault{})
	stalled := len(srv.Requests())
	s, err = c.f.Start(context.Background(), tg)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, rerr := io.ReadAll(s.NewReader())
	res, werr := s.Wait()
	if rerr != nil || werr != nil {
		t.Fatalf("the download after the prune: %v, %v", rerr, werr)
	}
	checkResult(t, res, got, data)
	reqs := srv.Requests()
	if segmentsForTests {
		// The segments held no byte (they stalled before the first):
		// what the prune had to leave alone, the partial and its
		// sidecar with the segments, is checked above.
		if len(reqs) == stalled {
			t.Fatalf("no request after the prune: %v", reqs)
		}
		exist(t, true, c.f.ArchivePath(tg.SHA256))
		exist(t, false, part)
		return
	}
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want the stalled one and one resume: %v", len(reqs), reqs)
	}
	var from int64
	if _, err := fmt.Sscanf(reqs[1].Range, "bytes=%d-", &from); err != nil || from < stallAt {
		t.Errorf("the resume asked Range %q, want bytes=N- with N >= %d (the partial was not kept)", reqs[1].Range, stallAt)
	}
	exist(t, true, c.f.ArchivePath(tg.SHA256))
	exist(t, false, part)
}
