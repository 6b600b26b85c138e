package fetch

import (
	"slices"
	"testing"
)

// TestMirrorsAndSources: the one ordering of sources and the one mapping
// from a catalog URL to a mirror's: configured mirrors in order without
// their userinfo, else the defaults; a URL that is not
// python-build-standalone's is its own only source.
func TestMirrorsAndSources(t *testing.T) {
	asset := UpstreamPrefix + "/20260610/cpython-3.14.6%2B20260610-x86_64-unknown-linux-gnu-install_only.tar.gz"
	f, err := New(Config{CacheDir: t.TempDir(), Mirrors: []string{"https://ci:s3cret@mirror.example/pbs/", "file:///srv/pbs", "https://mirror.example/pbs"}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := f.Mirrors(), []string{"https://mirror.example/pbs/", "file:///srv/pbs", "https://mirror.example/pbs"}; !slices.Equal(got, want) {
		t.Errorf("Mirrors() = %q, want %q (userinfo stripped, order kept)", got, want)
	}
	want := []string{
		"https://mirror.example/pbs/20260610/cpython-3.14.6%2B20260610-x86_64-unknown-linux-gnu-install_only.tar.gz",
		"file:///srv/pbs/20260610/cpython-3.14.6%2B20260610-x86_64-unknown-linux-gnu-install_only.tar.gz",
	}
	if got := f.Sources(asset); !slices.Equal(got, want) {
		t.Errorf("Sources = %q, want %q (each once, in order)", got, want)
	}
	if got := f.Sources("https://elsewhere.example/a.tar.gz"); !slices.Equal(got, []string{"https://elsewhere.example/a.tar.gz"}) {
		t.Errorf("Sources of a foreign URL = %q, want it alone", got)
	}

	d, err := New(Config{CacheDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if got := d.Mirrors(); !slices.Equal(got, defaultMirrors) {
		t.Errorf("Mirrors() without configured ones = %q, want the defaults %q", got, defaultMirrors)
	}
	if got := d.Sources(asset); len(got) != len(defaultMirrors) || got[len(got)-1] != asset {
		t.Errorf("Sources with the default mirrors = %q: want one per default, upstream last", got)
	}

	if u, ok := OnMirror("http://m.example/x//", asset); !ok || u != "http://m.example/x/20260610/cpython-3.14.6%2B20260610-x86_64-unknown-linux-gnu-install_only.tar.gz" {
		t.Errorf("OnMirror = %q, %v", u, ok)
	}
	if u, ok := OnMirror("http://m.example/x", "https://elsewhere.example/a.tar.gz"); ok || u != "" {
		t.Errorf("OnMirror of a foreign URL = %q, %v; want \"\", false", u, ok)
	}
}
