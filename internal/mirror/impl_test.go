package mirror

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/fetch"
)

func TestRelPathPyPyGraalPy(t *testing.T) {
	for _, tt := range []struct{ name, url, want string }{
		{"pypy", fetch.PyPyUpstreamPrefix + "/pypy3.11-v7.3.20-linux64.tar.bz2", "pypy/pypy3.11-v7.3.20-linux64.tar.bz2"},
		{"graalpy", fetch.GraalPyUpstreamPrefix + "/graal-25.2.4/graalpy3.12-25.2.4-linux-amd64.tar.gz", "graalpy/graal-25.2.4/graalpy3.12-25.2.4-linux-amd64.tar.gz"},
	} {
		if rel, err := RelPath(catalog.Entry{Key: "k", Name: tt.name, URL: tt.url}); err != nil || rel != tt.want {
			t.Errorf("RelPath(%s) = %q, %v; want %q", tt.url, rel, err, tt.want)
		}
	}
	for _, bad := range []catalog.Entry{
		{Key: "k", Name: "pypy", URL: fetch.PyPyUpstreamPrefix + "/sub/x.tar.bz2"},     // not one level
		{Key: "k", Name: "pypy", URL: fetch.PyPyUpstreamPrefix + "/..%2Fx.tar.bz2"},    // unsafe
		{Key: "k", Name: "graalpy", URL: fetch.GraalPyUpstreamPrefix + "/x.tar.gz"},    // no tag
		{Key: "k", Name: "pypy", URL: fetch.UpstreamPrefix + "/20260610/pypy.tar.bz2"}, // not PyPy's host
	} {
		if rel, err := RelPath(bad); err == nil {
			t.Errorf("RelPath(%s) = %q, want an error", bad.URL, rel)
		}
	}
}

// TestSyncPyPy: a PyPy build is mirrored under pypy/, fetched through the
// PyPy mirror, laid out so that --pypy-mirror BASE/pypy serves it.
func TestSyncPyPy(t *testing.T) {
	body := []byte("\x1f\x8b pypy" + strings.Repeat(" padding", 4096))
	asset := "pypy3.11-v7.3.20-linux64.tar.bz2"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/upstream-pypy/"+asset {
			http.NotFound(w, r)
			return
		}
		w.Write(body)
	}))
	defer srv.Close()
	cfg := fetch.DefaultConfig(t.TempDir())
	cfg.PyPyMirrors = []string{srv.URL + "/upstream-pypy"}
	f, err := fetch.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(body)
	e := catalog.Entry{Key: "pypy-3.11.13-linux-x86_64-gnu", Name: "pypy", OS: "linux", Libc: "gnu", Arch: catalog.Arch{Family: "x86_64"},
		Major: 3, Minor: 11, Patch: 13, Build: "7.3.20", URL: fetch.PyPyUpstreamPrefix + "/" + asset, SHA256: hex.EncodeToString(sum[:])}
	dir := t.TempDir()
	rep, err := (&Mirror{Dir: dir, Fetcher: f, Jobs: 1}).Sync(context.Background(), []catalog.Entry{e}, false)
	if err != nil || len(rep.Skipped) != 0 {
		t.Fatalf("Sync: %v, skipped %v, %s", err, rep.Skipped, states(rep))
	}
	got, err := os.ReadFile(filepath.Join(dir, PyPyFolder, asset))
	if err != nil || string(got) != string(body) {
		t.Fatalf("pypy/%s: %v", asset, err)
	}
	sums, err := os.ReadFile(filepath.Join(dir, PyPyFolder, SumsFile))
	if err != nil || !strings.Contains(string(sums), e.SHA256+"  "+asset) {
		t.Fatalf("pypy/SHA256SUMS: %q, %v", sums, err)
	}
}
