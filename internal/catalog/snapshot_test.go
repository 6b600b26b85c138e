package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// snapshotOf makes a snapshot of the given 3.13 patch releases, built on
// date.
func snapshotOf(t testing.TB, date string, patches ...int) []byte {
	t.Helper()
	c, _, err := Parse("test", datedCatalogJSON(date, patches...))
	if err != nil {
		t.Fatal(err)
	}
	data, err := EncodeSnapshot(c, "test")
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestEmbeddedSnapshot(t *testing.T) {
	info, err := EmbeddedSnapshot()
	if err != nil {
		t.Fatal(err)
	}
	if !isDateTag(info.Date) || info.Builds < 1000 || info.Source == "" {
		t.Fatalf("embedded snapshot: %+v", info)
	}
	c, full, err := decodeSnapshot(embeddedSnapshot)
	if err != nil {
		t.Fatal(err)
	}
	if full != info || len(c.Entries) != info.Builds || c.Date() != info.Date || c.From != FromSnapshot {
		t.Fatalf("decoded %d entries dated %s (%+v), header says %+v", len(c.Entries), c.Date(), full, info)
	}
	if !slices.IsSortedFunc(c.Entries, func(a, b Entry) int { return strings.Compare(a.Key, b.Key) }) {
		t.Fatal("entries are not in key order")
	}
	for _, e := range c.Entries {
		if e.Key == "" || e.URL == "" || e.Name == "" {
			t.Fatalf("incomplete entry %+v", e)
		}
	}
	t.Logf("embedded snapshot: %s, %d builds, %d bytes gzipped, from %s", info.Date, info.Builds, len(embeddedSnapshot), info.Source)
}

func TestSnapshotRoundTrip(t *testing.T) {
	c, _, err := Parse("valid.json", readTestdata(t, "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	data, err := EncodeSnapshot(c, "https://example.invalid/catalog.json")
	if err != nil {
		t.Fatal(err)
	}
	got, info, err := decodeSnapshot(data)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got.Entries, c.Entries) || info.Date != c.Date() || info.Builds != len(c.Entries) ||
		info.Source != "https://example.invalid/catalog.json" {
		t.Fatalf("round trip: %+v", info)
	}
	if head, err := readSnapshotInfo(data); err != nil || head != info {
		t.Fatalf("header %+v, %v; want %+v", head, err, info)
	}
	again, _ := EncodeSnapshot(c, "https://example.invalid/catalog.json")
	if !slices.Equal(again, data) {
		t.Fatal("EncodeSnapshot is not deterministic")
	}
	for name, bad := range map[string][]byte{
		"empty":     nil,
		"not gzip":  []byte("PYGETCAT\x01"),
		"truncated": data[:len(data)/2],
	} {
		if _, _, err := decodeSnapshot(bad); err == nil {
			t.Errorf("%s: decoded", name)
		}
	}
	if _, err := EncodeSnapshot(&Catalog{}, "x"); err == nil {
		t.Error("encoded an empty catalog")
	}
}

// httpGetter is a Getter over plain net/http: enough to meet a real
// refused connection.
type httpGetter struct{ calls atomic.Int32 }

func (g *httpGetter) Get(ctx context.Context, u, etag string) ([]byte, string, bool, error) {
	g.calls.Add(1)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, "", false, err
	}
	if etag != "" {
		req.Header.Set("If-None-Match", etag)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, "", false, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotModified {
		return nil, resp.Header.Get("ETag"), true, nil
	}
	if resp.StatusCode != http.StatusOK {
		return nil, "", false, fmt.Errorf("HTTP %s", resp.Status)
	}
	body, err := io.ReadAll(resp.Body)
	return body, resp.Header.Get("ETag"), false, err
}

// deadURL is the address of a server that has gone: connections are refused.
func deadURL(t *testing.T) string {
	srv := httptest.NewServer(http.NotFoundHandler())
	u := srv.URL + "/download-metadata.json"
	srv.Close()
	return u
}

// serve serves body as the catalog.
func serve(t *testing.T, body []byte) string {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }))
	t.Cleanup(srv.Close)
	return srv.URL + "/download-metadata.json"
}

// defaultEnv is a loader of the default catalog at u, with a real getter as
// Quick and a Get that must not be called.
func defaultEnv(t *testing.T, u string) (*env, *httpGetter) {
	e := newEnv(t, "")
	e.l.URL = u
	quick := &httpGetter{}
	e.l.Quick = quick
	return e, quick
}

func TestUnreachableUsesEmbeddedSnapshot(t *testing.T) {
	e, quick := defaultEnv(t, deadURL(t))
	c := e.load()
	info, _ := EmbeddedSnapshot()
	if c.From != FromSnapshot || len(c.Entries) != info.Builds || c.RefreshErr == nil {
		t.Fatalf("got %d entries from %v (refresh error %v), want the embedded snapshot", len(c.Entries), c.From, c.RefreshErr)
	}
	if len(e.notices) != 1 || !strings.Contains(e.notices[0], "refused") || !strings.Contains(e.notices[0], "built into pyget ("+info.Date) {
		t.Fatalf("notices %q, want one naming the failure and the snapshot", e.notices)
	}
	// A request that matched nothing: no second wait on the dead host.
	again, err := e.l.Refresh(context.Background())
	if err != nil || again != c || quick.calls.Load() != 1 || len(e.notices) != 1 {
		t.Fatalf("Refresh: %v, same copy %v, %d calls, notices %q", err, again == c, quick.calls.Load(), e.notices)
	}
	e.wantCalls() // Get (the long budget) never used: there was a fallback
}

func TestOfflineDefaultUsesSnapshot(t *testing.T) {
	e, quick := defaultEnv(t, deadURL(t))
	e.l.Offline = true
	if c := e.load(); c.From != FromSnapshot {
		t.Fatalf("offline without cache: %v", c.From)
	}
	if len(e.notices) != 0 || quick.calls.Load() != 0 {
		t.Fatalf("offline: notices %q, %d calls", e.notices, quick.calls.Load())
	}
	e.l.CacheDir = ""
	if c := e.load(); c.From != FromSnapshot {
		t.Fatalf("offline without cache dir: %v", c.From)
	}
}

func TestNewestOfRemoteCachedSnapshot(t *testing.T) {
	t.Run("remote newer than snapshot", func(t *testing.T) {
		e, _ := defaultEnv(t, serve(t, datedCatalogJSON("20260101", 7)))
		e.l.SnapshotData = snapshotOf(t, "20250101", 1)
		if c := e.load(); c.From != FromRemote || !reflect.DeepEqual(patches(c), []int{7}) {
			t.Fatalf("got %v %v, want the remote copy", c.From, patches(c))
		}
		if len(e.notices) != 0 {
			t.Fatalf("notices %q", e.notices)
		}
	})
	t.Run("snapshot newer than remote", func(t *testing.T) {
		e, _ := defaultEnv(t, serve(t, datedCatalogJSON("20240101", 7)))
		e.l.SnapshotData = snapshotOf(t, "20250101", 1)
		if c := e.load(); c.From != FromSnapshot || !reflect.DeepEqual(patches(c), []int{1}) {
			t.Fatalf("got %v %v, want the snapshot", c.From, patches(c))
		}
		if len(e.notices) != 0 {
			t.Fatalf("notices %q", e.notices)
		}
	})
	t.Run("fresh cache older than snapshot", func(t *testing.T) {
		e, quick := defaultEnv(t, serve(t, datedCatalogJSON("20240101", 7)))
		e.l.SnapshotData = snapshotOf(t, "20230101", 1)
		if c := e.load(); c.From != FromRemote {
			t.Fatalf("first load: %v", c.From)
		}
		// This pyget was upgraded: its snapshot is newer than the cache.
		e.l = &Loader{URL: e.l.URL, CacheDir: e.l.CacheDir, Quick: quick, Now: e.l.Now, SnapshotData: snapshotOf(t, "20250101", 1)}
		if c := e.load(); c.From != FromSnapshot || quick.calls.Load() != 1 {
			t.Fatalf("got %v after %d calls, want the snapshot without a call", c.From, quick.calls.Load())
		}
	})
}

func TestCachedBeforeSnapshot(t *testing.T) {
	for _, tt := range []struct {
		name, cached, snapshot string
		want                   Origin
		notice                 string
	}{
		{"cache newer", "20260101", "20250101", FromCache, "using the cached copy from"},
		{"cache as new", "20250101", "20250101", FromCache, "using the cached copy from"},
		{"snapshot newer", "20240101", "20250101", FromSnapshot, "using the catalog built into pyget (20250101, 1 builds)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var up atomic.Bool
			up.Store(true)
			body := datedCatalogJSON(tt.cached, 4)
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if !up.Load() {
					http.Error(w, "down", http.StatusServiceUnavailable)
					return
				}
				w.Write(body)
			}))
			defer srv.Close()
			e, _ := defaultEnv(t, srv.URL)
			e.l.SnapshotData = snapshotOf(t, tt.snapshot, 1)
			e.load()
			e.now = e.now.Add(48 * time.Hour)
			up.Store(false)
			c := e.load()
			if c.From != tt.want || c.RefreshErr == nil {
				t.Fatalf("got %v (refresh error %v), want %v", c.From, c.RefreshErr, tt.want)
			}
			if len(e.notices) != 1 || !strings.Contains(e.notices[0], tt.notice) || !strings.Contains(e.notices[0], "503") {
				t.Fatalf("notices %q, want one with %q", e.notices, tt.notice)
			}
		})
	}
}

func TestQuickOnlyWithFallback(t *testing.T) {
	u := deadURL(t)
	// An explicit remote source without a cached copy has nothing to fall
	// back to: the full budget (Get).
	full := &httpGetter{}
	quick := &httpGetter{}
	l := &Loader{Source: u, CacheDir: t.TempDir(), Get: full, Quick: quick}
	if _, err := l.Load(context.Background()); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("got %v, want the refused connection", err)
	}
	if full.calls.Load() != 1 || quick.calls.Load() != 0 {
		t.Fatalf("Get %d calls, Quick %d; want Get only", full.calls.Load(), quick.calls.Load())
	}
}

// --downloads-json replaces the catalog entirely: a broken one is an error,
// never quietly replaced by the snapshot.
func TestExplicitSourceNeverFallsBackToSnapshot(t *testing.T) {
	broken := filepath.Join(t.TempDir(), "broken.json")
	if err := os.WriteFile(broken, []byte(`{"cpython-3.14.6-linux-x86_64-gnu": {`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, src := range []string{broken, deadURL(t), filepath.Join(t.TempDir(), "missing.json")} {
		var warned []Warning
		l := &Loader{Source: src, CacheDir: t.TempDir(), Get: &httpGetter{}, Warn: func(w Warning) { warned = append(warned, w) }}
		c, err := l.Load(context.Background())
		if err == nil {
			t.Fatalf("%s: loaded %d entries from %v", src, len(c.Entries), c.From)
		}
		var fe *FormatError
		if src == broken && !errors.As(err, &fe) {
			t.Fatalf("%s: %v, want a FormatError", src, err)
		}
		l.Offline = true
		if _, err := l.Load(context.Background()); err == nil {
			t.Fatalf("%s offline: loaded", src)
		}
		if len(warned) != 0 {
			t.Fatalf("%s: warnings %v", src, warned)
		}
	}
}

// PYGET_CATALOG_URL may name a file; a broken one falls back like a dead host.
func TestDefaultLocalURLFallsBack(t *testing.T) {
	e := newEnv(t, "")
	e.l.URL = filepath.Join(t.TempDir(), "missing.json")
	if c := e.load(); c.From != FromSnapshot || len(e.notices) != 1 {
		t.Fatalf("got %v, notices %q", c.From, e.notices)
	}
}

func TestUnusableSnapshotIsNoFallback(t *testing.T) {
	e, _ := defaultEnv(t, deadURL(t))
	e.l.SnapshotData = []byte("not a snapshot")
	if _, err := e.l.Load(context.Background()); err == nil || !strings.Contains(err.Error(), "refused") {
		t.Fatalf("got %v, want the fetch error", err)
	}
}

func BenchmarkSnapshotInfo(b *testing.B) {
	for b.Loop() {
		if _, err := EmbeddedSnapshot(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSnapshotDecode(b *testing.B) {
	for b.Loop() {
		if _, _, err := decodeSnapshot(embeddedSnapshot); err != nil {
			b.Fatal(err)
		}
	}
}
