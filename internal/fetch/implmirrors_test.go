package fetch

import (
	"fmt"
	"testing"
)

// TestImplSources: PyPy's and GraalPy's URLs go to their own mirrors, as
// python-build-standalone's go to Mirrors; without one, to upstream.
func TestImplSources(t *testing.T) {
	f, _, _ := newTestFetcher(t, Config{
		Mirrors:        []string{"https://m.example/pbs"},
		PyPyMirrors:    []string{"https://m.example/pypy/", "file:///srv/pypy"},
		GraalPyMirrors: []string{"https://m.example/graalpy"},
	})
	for _, tt := range []struct {
		url  string
		want []string
	}{
		{PyPyUpstreamPrefix + "/pypy3.11-v7.3.20-linux64.tar.bz2", []string{"https://m.example/pypy/pypy3.11-v7.3.20-linux64.tar.bz2", "file:///srv/pypy/pypy3.11-v7.3.20-linux64.tar.bz2"}},
		{GraalPyUpstreamPrefix + "/graal-25.2.4/graalpy3.12-25.2.4-linux-amd64.tar.gz", []string{"https://m.example/graalpy/graal-25.2.4/graalpy3.12-25.2.4-linux-amd64.tar.gz"}},
		{UpstreamPrefix + "/1/p.tar.gz", []string{"https://m.example/pbs/1/p.tar.gz"}},
		// Only the prefix as a whole path segment.
		{PyPyUpstreamPrefix + "-old/x.tar.bz2", []string{PyPyUpstreamPrefix + "-old/x.tar.bz2"}},
	} {
		if got := f.sources(tt.url); fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("sources(%s) = %v, want %v", tt.url, got, tt.want)
		}
	}
	plain, _, _ := newTestFetcher(t, Config{})
	u := PyPyUpstreamPrefix + "/pypy3.11-v7.3.20-linux64.tar.bz2"
	if got := plain.sources(u); len(got) != 1 || got[0] != u {
		t.Errorf("without a PyPy mirror: %v", got)
	}
	if _, err := New(Config{CacheDir: t.TempDir(), PyPyMirrors: []string{"ftp://x"}}); err == nil {
		t.Error("an ftp PyPy mirror was accepted")
	}
}
