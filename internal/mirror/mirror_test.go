package mirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
)

type fixture struct {
	dir     string
	fetcher *fetch.Fetcher
	hits    atomic.Int64
	files   map[string][]byte // URL path -> body
	cut     atomic.Int64      // > 0: responses stop after this many body bytes
	ranges  []string          // the Range of each request
	mu      sync.Mutex
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	fx := &fixture{dir: t.TempDir(), files: map[string][]byte{}}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fx.hits.Add(1)
		fx.mu.Lock()
		fx.ranges = append(fx.ranges, r.Header.Get("Range"))
		fx.mu.Unlock()
		body, ok := fx.files[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		if n := fx.cut.Load(); n > 0 {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.Write(body[:n])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}
		http.ServeContent(w, r, "", time.Time{}, strings.NewReader(string(body)))
	}))
	t.Cleanup(srv.Close)
	cfg := fetch.DefaultConfig(t.TempDir())
	cfg.Mirrors = []string{srv.URL}
	cfg.Retries = 0
	f, err := fetch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	fx.fetcher = f
	return fx
}

// entry adds a served archive and returns its catalog entry.
func (fx *fixture) entry(minor int, tag string) catalog.Entry {
	asset := "cpython-3." + itoa(minor) + ".1+" + tag + "-x86_64-unknown-linux-gnu-install_only.tar.gz"
	body := []byte("\x1f\x8b archive of 3." + itoa(minor) + " " + tag + strings.Repeat(" padding", 4096))
	fx.files["/"+tag+"/"+asset] = body
	sum := sha256.Sum256(body)
	e := catalog.Entry{Name: "cpython", Arch: catalog.Arch{Family: "x86_64"}, OS: "linux", Libc: "gnu",
		Major: 3, Minor: minor, Patch: 1, Build: tag, SHA256: hex.EncodeToString(sum[:]),
		URL: fetch.UpstreamPrefix + "/" + tag + "/" + strings.ReplaceAll(asset, "+", "%2B")}
	e.Key = e.CanonicalKey()
	return e
}

func itoa(n int) string { return string(rune('0'+n/10)) + string(rune('0'+n%10)) }

func (fx *fixture) mirror() *Mirror { return &Mirror{Dir: fx.dir, Fetcher: fx.fetcher, Jobs: 2} }

func states(r Report) string {
	var s []string
	for _, f := range r.Files {
		s = append(s, f.Entry.Key+"="+f.State.String())
	}
	return strings.Join(s, " ")
}

func TestSyncLayoutIncrementalCheckRepairPrune(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	a, b := fx.entry(13, "20260101"), fx.entry(14, "20260202")

	rep, err := fx.mirror().Sync(ctx, []catalog.Entry{a, b}, false)
	if err != nil {
		t.Fatalf("Sync: %v (%s)", err, states(rep))
	}
	for _, e := range []catalog.Entry{a, b} {
		rel, _ := RelPath(e)
		if !strings.Contains(rel, "+") {
			t.Fatalf("RelPath %q is not unescaped", rel)
		}
		got, err := os.ReadFile(filepath.Join(fx.dir, filepath.FromSlash(rel)))
		if err != nil || string(got) != string(fx.files["/"+rel]) {
			t.Fatalf("%s: %v", rel, err)
		}
		tag, name, _ := strings.Cut(rel, "/")
		sums, _ := os.ReadFile(filepath.Join(fx.dir, tag, SumsFile))
		if string(sums) != e.SHA256+"  "+name+"\n" {
			t.Fatalf("%s/SHA256SUMS = %q", tag, sums)
		}
	}
	data, _ := os.ReadFile(filepath.Join(fx.dir, CatalogFile))
	c, _, err := catalog.Parse("mirror", data)
	if err != nil || len(c.Entries) != 2 || c.Entries[0].URL != a.URL {
		t.Fatalf("catalog: %v %+v", err, c)
	}

	// Second run: nothing fetched.
	before := fx.hits.Load()
	rep, err = fx.mirror().Sync(ctx, []catalog.Entry{a}, false)
	if err != nil || fx.hits.Load() != before {
		t.Fatalf("second Sync: %v, %d requests (%s)", err, fx.hits.Load()-before, states(rep))
	}
	if s := states(rep); s != a.Key+"=present "+b.Key+"=present" {
		t.Fatalf("second Sync: %s (the old build must be kept)", s)
	}

	// Damage one, remove the other: Check lists both, Sync repairs.
	relA, _ := RelPath(a)
	relB, _ := RelPath(b)
	os.WriteFile(filepath.Join(fx.dir, relA), []byte("rot"), 0o644)
	os.Remove(filepath.Join(fx.dir, relB))
	probs, n, err := (&Mirror{Dir: fx.dir}).Check(ctx)
	if err != nil || n != 2 || len(probs) != 2 || !strings.HasPrefix(probs[0].Reason, "damaged") || probs[1].Reason != "missing" {
		t.Fatalf("Check: %v %d %v", err, n, probs)
	}
	rep, err = fx.mirror().Sync(ctx, nil, false)
	if s := states(rep); err != nil || s != a.Key+"=repaired "+b.Key+"=downloaded" {
		t.Fatalf("repair: %v %s", err, s)
	}
	if probs, _, err := (&Mirror{Dir: fx.dir}).Check(ctx); err != nil || len(probs) != 0 {
		t.Fatalf("Check after repair: %v %v", err, probs)
	}

	// Prune: only b stays; a's release folder goes.
	rep, err = fx.mirror().Sync(ctx, []catalog.Entry{b}, true)
	if s := states(rep); err != nil || s != b.Key+"=present "+a.Key+"=removed" {
		t.Fatalf("prune: %v %s", err, s)
	}
	if _, err := os.Stat(filepath.Join(fx.dir, "20260101")); !os.IsNotExist(err) {
		t.Fatalf("the pruned release folder is still there: %v", err)
	}
	data, _ = os.ReadFile(filepath.Join(fx.dir, CatalogFile))
	if c, _, _ := catalog.Parse("mirror", data); len(c.Entries) != 1 || c.Entries[0].Key != b.Key {
		t.Fatalf("catalog after prune: %+v", c.Entries)
	}
}

func TestSyncFailureKeepsOthersAndSkipsNonCPython(t *testing.T) {
	fx := newFixture(t)
	a := fx.entry(13, "20260101")
	missing := fx.entry(12, "20260101")
	delete(fx.files, "/20260101/cpython-3.12.1+20260101-x86_64-unknown-linux-gnu-install_only.tar.gz")
	// An implementation without a known download layout is left out.
	pypy := catalog.Entry{Key: "jython-3.11.13-linux-x86_64-gnu", Name: "jython", URL: "https://example.org/jython/x.tar.bz2", SHA256: a.SHA256}
	rep, err := fx.mirror().Sync(context.Background(), []catalog.Entry{a, missing, pypy}, false)
	if err == nil || len(rep.Failed()) != 1 || rep.Failed()[0].Entry.Key != missing.Key {
		t.Fatalf("Sync: %v %s", err, states(rep))
	}
	if len(rep.Skipped) != 1 || rep.Skipped[0].Name != "jython" {
		t.Fatalf("skipped: %+v", rep.Skipped)
	}
	data, _ := os.ReadFile(filepath.Join(fx.dir, CatalogFile))
	if c, _, _ := catalog.Parse("mirror", data); len(c.Entries) != 1 || c.Entries[0].Key != a.Key {
		t.Fatalf("catalog lists what failed: %+v", c.Entries)
	}
	entries, _ := os.ReadDir(filepath.Join(fx.dir, "20260101"))
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp-") || strings.Contains(e.Name(), "3.12") {
			t.Fatalf("left behind: %s", e.Name())
		}
	}
}

func TestRelPath(t *testing.T) {
	e := catalog.Entry{Key: "k", Name: "cpython", URL: fetch.UpstreamPrefix + "/20260610/cpython-3.14.6%2B20260610-x.tar.gz"}
	if rel, err := RelPath(e); err != nil || rel != "20260610/cpython-3.14.6+20260610-x.tar.gz" {
		t.Fatalf("RelPath = %q, %v", rel, err)
	}
	for _, u := range []string{
		"https://example.com/x/y.tar.gz",
		fetch.UpstreamPrefix + "/a/../../etc.tar.gz",
		fetch.UpstreamPrefix + "/20260610/%2E%2E",
		fetch.UpstreamPrefix + "/20260610/a%2Fb.tar.gz",
		fetch.UpstreamPrefix + "/x.tar.gz",
	} {
		e.URL = u
		if rel, err := RelPath(e); err == nil {
			t.Errorf("RelPath(%s) = %q, want an error", u, rel)
		}
	}
}

// An interrupted run leaves the partial download in the fetch cache and no
// file under its final name; the next run resumes it with Range.
func TestSyncInterruptedResumes(t *testing.T) {
	fx := newFixture(t)
	a := fx.entry(13, "20260101")
	fx.cut.Store(10000)
	rep, err := fx.mirror().Sync(context.Background(), []catalog.Entry{a}, false)
	if err == nil || len(rep.Failed()) != 1 {
		t.Fatalf("Sync with a cut body: %v %s", err, states(rep))
	}
	rel, _ := RelPath(a)
	if _, err := os.Stat(filepath.Join(fx.dir, rel)); !os.IsNotExist(err) {
		t.Fatalf("a file under its final name after a failed transfer: %v", err)
	}
	fx.cut.Store(0)
	rep, err = fx.mirror().Sync(context.Background(), []catalog.Entry{a}, false)
	if err != nil || states(rep) != a.Key+"=downloaded" {
		t.Fatalf("second Sync: %v %s", err, states(rep))
	}
	fx.mu.Lock()
	last := fx.ranges[len(fx.ranges)-1]
	fx.mu.Unlock()
	if !strings.HasPrefix(last, "bytes=") || strings.HasPrefix(last, "bytes=0-") {
		t.Fatalf("the second run asked %q, want a resume", last)
	}
}

// A cached archive that rotted is dropped by the Fetcher (WaitVerified) and
// fetched again; one with another mode than the mirror's is copied, not
// linked and chmodded, so the cache's file keeps its mode.
func TestSyncFromCacheRotAndMode(t *testing.T) {
	fx := newFixture(t)
	ctx := context.Background()
	a := fx.entry(13, "20260101")
	rel, _ := RelPath(a)
	cached := fx.fetcher.ArchivePath(a.SHA256)
	if err := os.MkdirAll(filepath.Dir(cached), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(cached, []byte("\x1f\x8b rotten"), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err := fx.mirror().Sync(ctx, []catalog.Entry{a}, false)
	if err != nil || states(rep) != a.Key+"=downloaded" || fx.hits.Load() != 1 {
		t.Fatalf("Sync over a rotten cache: %v (%s), %d requests", err, states(rep), fx.hits.Load())
	}
	got, err := os.ReadFile(filepath.Join(fx.dir, filepath.FromSlash(rel)))
	if err != nil || string(got) != string(fx.files["/"+rel]) {
		t.Fatalf("mirrored file: %v", err)
	}

	if err := os.Chmod(cached, 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(fx.dir, filepath.FromSlash(rel)))
	if rep, err := fx.mirror().Sync(ctx, []catalog.Entry{a}, false); err != nil || fx.hits.Load() != 1 {
		t.Fatalf("Sync from the cache: %v (%s), %d requests", err, states(rep), fx.hits.Load())
	}
	if runtime.GOOS == "windows" {
		return // files there have a read-only bit, not a mode to keep or set
	}
	if fi, err := os.Stat(cached); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the cache's archive: %v, %v; want mode 0600 kept", fi, err)
	}
	if fi, err := os.Stat(filepath.Join(fx.dir, filepath.FromSlash(rel))); err != nil || fi.Mode().Perm() != 0o644 {
		t.Fatalf("the mirrored archive: %v, %v; want mode 0644", fi, err)
	}
}

// TestFixtureUpstreamPrefix: tools/fixture, a module of its own that cannot
// import internal/fetch, spells the upstream prefix mirrors replace; it
// must be fetch's.
func TestFixtureUpstreamPrefix(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "tools", "fixture", "build.go"))
	if err != nil {
		t.Fatal(err)
	}
	want := "UpstreamPrefix = " + strconv.Quote(fetch.UpstreamPrefix)
	if !strings.Contains(string(src), want) {
		t.Errorf("tools/fixture/build.go does not say %s: keep it fetch.UpstreamPrefix", want)
	}
}
