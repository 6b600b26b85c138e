package catalog

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"
)

const testURL = "https://catalog.example.invalid/download-metadata.json"

// fakeGetter plays a scripted server: each call takes the next response.
type fakeGetter struct {
	t     *testing.T
	mu    sync.Mutex
	resps []fakeResp
	calls []fakeCall
}

type fakeResp struct {
	body        []byte
	etag        string
	notModified bool
	err         error
}

type fakeCall struct{ url, etag string }

func (g *fakeGetter) Get(ctx context.Context, u, etag string) ([]byte, string, bool, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.calls = append(g.calls, fakeCall{u, etag})
	if len(g.resps) == 0 {
		g.t.Errorf("unexpected network call: GET %s (etag %q)", u, etag)
		return nil, "", false, errors.New("unexpected call")
	}
	r := g.resps[0]
	g.resps = g.resps[1:]
	if err := ctx.Err(); err != nil {
		return nil, "", false, err
	}
	return r.body, r.etag, r.notModified, r.err
}

func (g *fakeGetter) script(rs ...fakeResp) {
	g.mu.Lock()
	g.resps = append(g.resps, rs...)
	g.mu.Unlock()
}

// env is a loader over a fake clock, getter and temp cache.
type env struct {
	t        *testing.T
	now      time.Time
	get      *fakeGetter
	warnings []string // messages
	notices  []string // messages of Notice severity
	l        *Loader
}

func newEnv(t *testing.T, source string) *env {
	e := &env{t: t, now: time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC), get: &fakeGetter{t: t}}
	e.l = &Loader{
		Source:   source,
		CacheDir: t.TempDir(),
		Get:      e.get,
		Warn: func(w Warning) {
			e.warnings = append(e.warnings, w.Message)
			if w.Severity == Notice {
				e.notices = append(e.notices, w.Message)
			}
		},
		Now: func() time.Time { return e.now },
	}
	return e
}

func (e *env) load() *Catalog {
	e.t.Helper()
	c, err := e.l.Load(context.Background())
	if err != nil {
		e.t.Fatalf("Load: %v", err)
	}
	return c
}

func (e *env) wantCalls(want ...fakeCall) {
	e.t.Helper()
	if !reflect.DeepEqual(e.get.calls, want) && !(len(want) == 0 && len(e.get.calls) == 0) {
		e.t.Fatalf("network calls = %v, want %v", e.get.calls, want)
	}
	if len(e.get.resps) != 0 {
		e.t.Fatalf("%d scripted responses unused", len(e.get.resps))
	}
}

func (e *env) cacheFiles(ext string) []string {
	m, _ := filepath.Glob(filepath.Join(e.l.CacheDir, "catalog", "*"+ext))
	return m
}

// catalogJSON makes a valid catalog whose entries are the given patch
// releases of 3.13.
func catalogJSON(patches ...int) []byte { return datedCatalogJSON("20250101", patches...) }

// datedCatalogJSON is catalogJSON with every build tagged build.
func datedCatalogJSON(build string, patches ...int) []byte {
	var es []Entry
	for _, p := range patches {
		es = append(es, Entry{
			Name: "cpython", Arch: Arch{Family: "x86_64"}, OS: "linux", Libc: "gnu", Major: 3, Minor: 13, Patch: p,
			URL: fmt.Sprintf("https://example.invalid/%d.tar.gz", p), Build: build,
		})
	}
	data, err := EncodeUV(es)
	if err != nil {
		panic(err)
	}
	return data
}

func patches(c *Catalog) []int {
	var ps []int
	for _, e := range c.Entries {
		ps = append(ps, e.Patch)
	}
	return ps
}

func TestRemoteFreshCacheNoNetwork(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{body: catalogJSON(1, 2), etag: `"v1"`})
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Fatalf("first load: %v", got)
	}
	e.wantCalls(fakeCall{testURL, ""})
	if n := len(e.cacheFiles(".json")) + len(e.cacheFiles(".bin")) + len(e.cacheFiles(".meta")); n != 3 {
		t.Fatalf("%d cache files, want json, meta and bin", n)
	}
	e.now = e.now.Add(23 * time.Hour)
	c := e.load()
	if got := patches(c); !reflect.DeepEqual(got, []int{1, 2}) || c.Source != testURL {
		t.Fatalf("cached load: %v from %q", got, c.Source)
	}
	e.wantCalls(fakeCall{testURL, ""}) // still only the first call
}

func TestRemoteRevalidation(t *testing.T) {
	tests := []struct {
		name        string
		resp        fakeResp
		wantPatches []int
		wantETag    string // sent on the revalidation after this one
	}{
		{"304 keeps the cache", fakeResp{notModified: true}, []int{1}, `"v1"`},
		{"304 with a new etag", fakeResp{notModified: true, etag: `"v1b"`}, []int{1}, `"v1b"`},
		{"200 replaces it", fakeResp{body: catalogJSON(1, 5), etag: `"v2"`}, []int{1, 5}, `"v2"`},
		{"200 without etag", fakeResp{body: catalogJSON(7)}, []int{7}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, testURL)
			e.get.script(fakeResp{body: catalogJSON(1), etag: `"v1"`})
			e.load()
			e.now = e.now.Add(25 * time.Hour) // stale
			e.get.script(tt.resp)
			if got := patches(e.load()); !reflect.DeepEqual(got, tt.wantPatches) {
				t.Fatalf("after revalidation: %v, want %v", got, tt.wantPatches)
			}
			e.wantCalls(fakeCall{testURL, ""}, fakeCall{testURL, `"v1"`})
			// The revalidation restarted the clock: no call an hour later...
			e.now = e.now.Add(time.Hour)
			if got := patches(e.load()); !reflect.DeepEqual(got, tt.wantPatches) {
				t.Fatalf("cached after revalidation: %v, want %v", got, tt.wantPatches)
			}
			// ...and the next revalidation sends the newest ETag.
			e.now = e.now.Add(25 * time.Hour)
			if tt.wantETag == "" {
				e.get.script(fakeResp{body: catalogJSON(7)})
			} else {
				e.get.script(fakeResp{notModified: true})
			}
			e.load()
			e.wantCalls(fakeCall{testURL, ""}, fakeCall{testURL, `"v1"`}, fakeCall{testURL, tt.wantETag})
			if len(e.warnings) != 0 {
				t.Fatalf("warnings: %v", e.warnings)
			}
		})
	}
}

func TestRefreshForcesRevalidation(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{body: catalogJSON(1), etag: `"v1"`}, fakeResp{body: catalogJSON(1, 2), etag: `"v2"`})
	e.load()
	c, err := e.l.Refresh(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got := patches(c); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Fatalf("Refresh: %v", got)
	}
	e.wantCalls(fakeCall{testURL, ""}, fakeCall{testURL, `"v1"`})
}

func TestMaxAge(t *testing.T) {
	tests := []struct {
		name      string
		maxAge    time.Duration
		after     time.Duration
		wantFetch bool
	}{
		{"default fresh", 0, 23 * time.Hour, false},
		{"default stale", 0, 24 * time.Hour, true},
		{"custom fresh", time.Hour, 59 * time.Minute, false},
		{"custom stale", time.Hour, 61 * time.Minute, true},
		{"negative always", -1, 0, true},
		{"clock moved back", 0, -time.Hour, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, testURL)
			e.l.MaxAge = tt.maxAge
			e.get.script(fakeResp{body: catalogJSON(1), etag: `"v1"`})
			e.load()
			e.now = e.now.Add(tt.after)
			want := []fakeCall{{testURL, ""}}
			if tt.wantFetch {
				e.get.script(fakeResp{notModified: true})
				want = append(want, fakeCall{testURL, `"v1"`})
			}
			e.load()
			e.wantCalls(want...)
		})
	}
}

func TestOffline(t *testing.T) {
	e := newEnv(t, testURL)
	e.l.Offline = true
	_, err := e.l.Load(context.Background())
	if !errors.Is(err, ErrNoCache) {
		t.Fatalf("offline without cache: %v, want ErrNoCache", err)
	}
	dir := filepath.Join(e.l.CacheDir, "catalog")
	if want := "no cached catalog in " + dir + "; run once without --offline"; err.Error() != want {
		t.Fatalf("error %q, want %q", err, want)
	}
	e.wantCalls()

	e.l.Offline = false
	e.get.script(fakeResp{body: catalogJSON(3), etag: `"v1"`})
	e.load()
	e.l.Offline = true
	e.now = e.now.Add(1000 * time.Hour) // stale, but offline: use it anyway
	for _, load := range []func(context.Context) (*Catalog, error){e.l.Load, e.l.Refresh} {
		c, err := load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if got := patches(c); !reflect.DeepEqual(got, []int{3}) {
			t.Fatalf("offline: %v", got)
		}
	}
	e.wantCalls(fakeCall{testURL, ""})
}

func TestOfflineNoCacheDir(t *testing.T) {
	l := &Loader{Source: testURL, Offline: true, Get: &fakeGetter{t: t}}
	if _, err := l.Load(context.Background()); !errors.Is(err, ErrNoCache) {
		t.Fatalf("got %v, want ErrNoCache", err)
	}
}

func TestNetworkFailureFallsBackToCache(t *testing.T) {
	netErr := errors.New("connection reset by peer")
	tests := []struct {
		name     string
		resp     fakeResp
		wantWarn string
	}{
		{"network error", fakeResp{err: netErr}, "connection reset by peer"},
		{"captive portal page", fakeResp{body: readTestdata(t, "html.json")}, "not valid JSON"},
		{"304 to unconditional request", fakeResp{notModified: true}, "304"},
	}
	for _, tt := range tests {
		t.Run(tt.name+" with cache", func(t *testing.T) {
			e := newEnv(t, testURL)
			e.get.script(fakeResp{body: catalogJSON(4)}) // no ETag: the next request is unconditional
			e.load()
			e.now = e.now.Add(48 * time.Hour)
			e.get.script(tt.resp)
			if got := patches(e.load()); !reflect.DeepEqual(got, []int{4}) {
				t.Fatalf("got %v, want the cached copy", got)
			}
			if len(e.warnings) != 1 || !strings.Contains(e.warnings[0], tt.wantWarn) || !strings.Contains(e.warnings[0], "using the cached copy") {
				t.Fatalf("warnings %q, want one about %q and the cached copy", e.warnings, tt.wantWarn)
			}
		})
		t.Run(tt.name+" without cache", func(t *testing.T) {
			e := newEnv(t, testURL)
			e.get.script(tt.resp)
			_, err := e.l.Load(context.Background())
			if err == nil || !strings.Contains(err.Error(), tt.wantWarn) {
				t.Fatalf("got %v, want an error about %q", err, tt.wantWarn)
			}
			if tt.resp.err != nil && !errors.Is(err, netErr) {
				t.Fatalf("%v does not wrap the network error", err)
			}
			if len(e.cacheFiles(".json")) != 0 {
				t.Fatal("a failed fetch left a cached catalog")
			}
		})
	}
}

func TestCanceledDoesNotFallBack(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{body: catalogJSON(1)})
	e.load()
	e.now = e.now.Add(48 * time.Hour)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e.get.script(fakeResp{})
	if _, err := e.l.Load(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

func TestDifferentURLsDifferentCaches(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{body: catalogJSON(1)}, fakeResp{body: catalogJSON(2)})
	e.load()
	e.l.Source = testURL + "?mirror"
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{2}) {
		t.Fatalf("second URL: %v", got)
	}
	e.l.Source = testURL
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{1}) {
		t.Fatalf("first URL again: %v", got)
	}
	if n := len(e.cacheFiles(".json")); n != 2 {
		t.Fatalf("%d cached catalogs, want 2", n)
	}
	e.wantCalls(fakeCall{testURL, ""}, fakeCall{testURL + "?mirror", ""})
}

func TestDefaultSourceIsUV(t *testing.T) {
	e := newEnv(t, "")
	e.l.SnapshotData = snapshotOf(t, "20240101", 9) // older: the remote copy stands
	e.get.script(fakeResp{body: catalogJSON(1)})
	if c := e.load(); c.Source != DefaultURL {
		t.Fatalf("Source = %q", c.Source)
	}
	e.wantCalls(fakeCall{DefaultURL, ""})
}

// The cached JSON is the truth; the compact copy must follow it.
func TestRemoteCompactFollowsJSON(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{body: catalogJSON(1), etag: `"v1"`})
	e.load()
	jsonPath := e.cacheFiles(".json")[0]
	// Someone (another pyget, an older version) rewrote the JSON.
	if err := os.WriteFile(jsonPath, catalogJSON(8, 9), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{8, 9}) {
		t.Fatalf("after the JSON changed: %v", got)
	}
	// A damaged compact copy is rebuilt from the JSON, silently.
	bin := e.cacheFiles(".bin")[0]
	if err := os.WriteFile(bin, []byte("PYGETCAT\x01garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{8, 9}) {
		t.Fatalf("after the compact copy broke: %v", got)
	}
	if len(e.warnings) != 0 {
		t.Fatalf("warnings: %v", e.warnings)
	}
	// A damaged JSON within MaxAge: fetch again, unconditionally.
	if err := os.WriteFile(jsonPath, []byte("{"), 0o644); err != nil {
		t.Fatal(err)
	}
	e.get.script(fakeResp{body: catalogJSON(2), etag: `"v2"`})
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{2}) {
		t.Fatalf("after the JSON broke: %v", got)
	}
	e.wantCalls(fakeCall{testURL, ""}, fakeCall{testURL, ""})
}

func TestNotModifiedButCacheGone(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{body: catalogJSON(1), etag: `"v1"`})
	e.load()
	e.now = e.now.Add(48 * time.Hour)
	e.get.script(fakeResp{notModified: true}, fakeResp{body: catalogJSON(6), etag: `"v6"`})
	// Between our check and the 304 the cache was wiped.
	e.l.Get = getterFunc(func(ctx context.Context, u, etag string) ([]byte, string, bool, error) {
		if etag != "" {
			os.Remove(e.cacheFiles(".json")[0])
		}
		return e.get.Get(ctx, u, etag)
	})
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{6}) {
		t.Fatalf("got %v", got)
	}
	e.wantCalls(fakeCall{testURL, ""}, fakeCall{testURL, `"v1"`}, fakeCall{testURL, ""})
}

type getterFunc func(ctx context.Context, u, etag string) ([]byte, string, bool, error)

func (f getterFunc) Get(ctx context.Context, u, etag string) ([]byte, string, bool, error) {
	return f(ctx, u, etag)
}

func TestSkippedEntriesWarnEveryLoad(t *testing.T) {
	e := newEnv(t, testURL)
	e.get.script(fakeResp{body: readTestdata(t, "wrong-types.json")})
	e.load()
	first := len(e.warnings)
	if first != 13 {
		t.Fatalf("%d warnings on the first load, want 13", first)
	}
	e.load() // from the compact copy
	if !reflect.DeepEqual(e.warnings[:first], e.warnings[first:]) {
		t.Fatalf("compact copy lost warnings: %v", e.warnings[first:])
	}
}

// writeOld writes a file with an mtime far enough in the past for its
// compact copy to be trusted.
func writeOld(t *testing.T, p string, data []byte, age time.Duration) {
	t.Helper()
	if err := os.WriteFile(p, data, 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-age)
	if err := os.Chtimes(p, old, old); err != nil {
		t.Fatal(err)
	}
}

func TestLocalSources(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "cat alog.json")
	writeOld(t, p, catalogJSON(1, 2), time.Hour)
	fileURL := (&url.URL{Scheme: "file", Path: filepath.ToSlash(p)}).String()
	if !strings.HasPrefix(fileURL, "file:///") {
		fileURL = "file:///" + strings.TrimPrefix(fileURL, "file://") // windows drive paths
	}
	for _, src := range []string{p, fileURL} {
		t.Run(src, func(t *testing.T) {
			e := newEnv(t, src)
			c := e.load()
			if got := patches(c); !reflect.DeepEqual(got, []int{1, 2}) || c.Source != src {
				t.Fatalf("got %v from %q", got, c.Source)
			}
			if len(e.cacheFiles(".json")) != 0 {
				t.Fatal("a local catalog's JSON was cached")
			}
			if len(e.cacheFiles(".bin")) != 1 {
				t.Fatal("no compact copy of the local catalog")
			}
			c, err := e.l.Refresh(context.Background())
			if err != nil || !reflect.DeepEqual(patches(c), []int{1, 2}) {
				t.Fatalf("Refresh: %v, %v", c, err)
			}
			e.wantCalls()
		})
	}
}

func TestLocalErrors(t *testing.T) {
	tests := []struct {
		src  string
		want string
	}{
		{filepath.Join("testdata", "missing.json"), "read catalog: open testdata"},
		{filepath.Join("testdata", "not-object.json"), "catalog testdata" + string(filepath.Separator) + "not-object.json: not a JSON object"},
		{"file://server/share/x.json", "remote file hosts are not supported"},
	}
	for _, tt := range tests {
		l := &Loader{Source: tt.src, CacheDir: t.TempDir()}
		if _, err := l.Load(context.Background()); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Load(%q) = %v, want error containing %q", tt.src, err, tt.want)
		}
	}
}

func TestLocalCompactCache(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "catalog.json")
	writeOld(t, p, catalogJSON(1, 2), time.Hour)
	e := newEnv(t, p)
	e.load()
	bins := e.cacheFiles(".bin")
	if len(bins) != 1 {
		t.Fatalf("compact copies: %v", bins)
	}

	// Same size and mtime: the compact copy is what gets loaded, even though
	// the bytes on disk changed (that is the key's documented blind spot,
	// and proof the JSON was not parsed).
	same := catalogJSON(1, 3)
	fi, _ := os.Stat(p)
	if len(same) != int(fi.Size()) {
		t.Fatal("test catalogs differ in size")
	}
	writeOld(t, p, same, 0)
	os.Chtimes(p, fi.ModTime(), fi.ModTime())
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{1, 2}) {
		t.Fatalf("want the compact copy, got %v", got)
	}

	// A new mtime invalidates it.
	writeOld(t, p, same, 30*time.Minute)
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{1, 3}) {
		t.Fatalf("after touching the file: %v", got)
	}
	// So does a new size.
	writeOld(t, p, catalogJSON(1, 3, 4), 30*time.Minute)
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{1, 3, 4}) {
		t.Fatalf("after growing the file: %v", got)
	}
	if n := len(e.cacheFiles(".bin")); n != 1 {
		t.Fatalf("%d compact copies for one file", n)
	}

	// A file modified just now is parsed but gets no compact copy: it could
	// change again within the same mtime tick.
	fresh := filepath.Join(dir, "fresh.json")
	if err := os.WriteFile(fresh, catalogJSON(5), 0o644); err != nil {
		t.Fatal(err)
	}
	// Stamped ahead, so it stays "just modified" however slow the load.
	soon := time.Now().Add(time.Hour)
	if err := os.Chtimes(fresh, soon, soon); err != nil {
		t.Fatal(err)
	}
	e.l.Source = fresh
	if got := patches(e.load()); !reflect.DeepEqual(got, []int{5}) {
		t.Fatalf("fresh file: %v", got)
	}
	if n := len(e.cacheFiles(".bin")); n != 1 {
		t.Fatalf("%d compact copies, want none added for a just-modified file", n)
	}

	// CacheDir "" means no compact copy at all.
	l := &Loader{Source: p}
	if c, err := l.Load(context.Background()); err != nil || len(c.Entries) != 3 {
		t.Fatalf("no cache dir: %v, %v", c, err)
	}
}

func TestCompactRoundTrip(t *testing.T) {
	c, warnings, err := Parse("wrong-types.json", readTestdata(t, "wrong-types.json"))
	if err != nil {
		t.Fatal(err)
	}
	v, _, err := Parse("valid.json", readTestdata(t, "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	entries := append(c.Entries, v.Entries...)
	data := encodeCompact("k1", warnings, entries)

	gotE, gotW, err := decodeCompact(data, "k1")
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotE, entries) || !reflect.DeepEqual(gotW, warnings) {
		t.Fatalf("round trip differs:\n%+v\n%+v", gotE, entries)
	}

	flipped := append([]byte(nil), data...)
	flipped[len(flipped)/2] ^= 1
	tests := []struct {
		name string
		data []byte
		key  string
		want error
	}{
		{"other key", data, "k2", errCompactStale},
		{"truncated", data[:len(data)-10], "k1", errCompactCorrupt},
		{"bit flip", flipped, "k1", errCompactCorrupt},
		{"empty", nil, "k1", errCompactCorrupt},
		{"wrong magic", append([]byte("PYGETCAT\x02"), data[9:]...), "k1", errCompactCorrupt},
	}
	for _, tt := range tests {
		if _, _, err := decodeCompact(tt.data, tt.key); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

func TestSharedCatalogViaLoader(t *testing.T) {
	p := sharedCatalog(t)
	l := &Loader{Source: p, CacheDir: t.TempDir()}
	first, err := l.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	second, err := l.Load(context.Background()) // compact copy
	if err != nil {
		t.Fatal(err)
	}
	if len(second.Entries) != 5530 || !reflect.DeepEqual(first.Entries, second.Entries) {
		t.Fatalf("compact copy differs from the JSON: %d vs %d entries", len(second.Entries), len(first.Entries))
	}
}

func BenchmarkLoadCached(b *testing.B) {
	p := sharedCatalog(b)
	l := &Loader{Source: p, CacheDir: b.TempDir()}
	if _, err := l.Load(context.Background()); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		c, err := l.Load(context.Background())
		if err != nil || len(c.Entries) != 5530 {
			b.Fatalf("%v entries, %v", len(c.Entries), err)
		}
	}
}
