package catalog

import "testing"

func TestEntryFromAssetName(t *testing.T) {
	cases := []struct {
		name string
		key  string
		err  bool
	}{
		{"cpython-3.14.6+20260610-x86_64-unknown-linux-gnu-install_only_stripped.tar.gz", "cpython-3.14.6-linux-x86_64-gnu", false},
		{"cpython-3.14.6%2B20260610-x86_64-unknown-linux-gnu-install_only.tar.gz", "cpython-3.14.6-linux-x86_64-gnu", false},
		{"/tmp/dl/cpython-3.14.6+20260610-x86_64-unknown-linux-gnu-install_only.tar.gz", "cpython-3.14.6-linux-x86_64-gnu", false},
		{"cpython-3.13.0rc1+20240909-aarch64-apple-darwin-install_only.tar.gz", "cpython-3.13.0rc1-darwin-aarch64-none", false},
		{"cpython-3.13.3+20250409-x86_64_v3-unknown-linux-musl-freethreaded+pgo+lto-full.tar.zst", "cpython-3.13.3+freethreaded-linux-x86_64_v3-musl", false},
		{"cpython-3.13.3+20250409-x86_64-unknown-linux-gnu-freethreaded+debug-full.tar.zst", "cpython-3.13.3+freethreaded+debug-linux-x86_64-gnu", false},
		{"cpython-3.12.4+20240713-x86_64-pc-windows-msvc-debug-full.tar.zst", "cpython-3.12.4+debug-windows-x86_64-none", false},
		{"cpython-3.12.4+20240713-i686-pc-windows-msvc-install_only.tar.gz", "cpython-3.12.4-windows-i686-none", false},
		{"cpython-3.12.4+20240713-armv7-unknown-linux-gnueabihf-install_only.tar.gz", "cpython-3.12.4-linux-armv7-gnueabihf", false},
		{"cpython-3.12.4+20240713-ppc64le-unknown-linux-gnu-install_only.tar.gz", "cpython-3.12.4-linux-powerpc64le-gnu", false},
		{"python-3.12.tar.gz", "", true},
		{"cpython-3.12.4+20240713-x86_64-unknown-linux-gnu-install_only.tzst", "cpython-3.12.4-linux-x86_64-gnu", false},
		{"cpython-3.12.4+20240713-x86_64-unknown-linux-gnu-install_only", "", true},
		{"cpython-3.12.4-x86_64-unknown-linux-gnu-install_only.tar.gz", "", true},
		{"cpython-3.12.4+20240713-sparc-sun-solaris-install_only.tar.gz", "", true},
		{"cpython-3.12.4+20240713-x86_64-unknown-linux-uclibc-install_only.tar.gz", "", true},
	}
	for _, c := range cases {
		e, err := EntryFromAssetName(c.name)
		if (err != nil) != c.err {
			t.Errorf("%s: err = %v", c.name, err)
			continue
		}
		if !c.err && e.Key != c.key {
			t.Errorf("%s: key %q, want %q", c.name, e.Key, c.key)
		}
	}
}

func TestEntryFromAssetNameFields(t *testing.T) {
	e, err := EntryFromAssetName("cpython-3.13.0rc1+20240909-x86_64_v2-unknown-linux-musl-debug-full.tar.zst")
	if err != nil {
		t.Fatal(err)
	}
	want := Entry{
		Key: "cpython-3.13.0rc1+debug-linux-x86_64_v2-musl", Name: "cpython",
		Major: 3, Minor: 13, Patch: 0, Prerelease: "rc1", Build: "20240909",
		OS: "linux", Arch: Arch{Family: "x86_64", Variant: "v2"}, Libc: "musl", Variant: "debug",
	}
	if e != want {
		t.Fatalf("EntryFromAssetName = %+v\nwant %+v", e, want)
	}
}

func TestCanonicalKey(t *testing.T) {
	tests := []struct {
		e    Entry
		want string
	}{
		{Entry{Name: "cpython", Major: 3, Minor: 14, Patch: 6, OS: "linux", Arch: Arch{Family: "x86_64"}, Libc: "gnu"}, "cpython-3.14.6-linux-x86_64-gnu"},
		{Entry{Name: "cpython", Major: 3, Minor: 14, Patch: 6, Variant: "freethreaded", OS: "linux", Arch: Arch{Family: "x86_64", Variant: "v3"}, Libc: "gnu"}, "cpython-3.14.6+freethreaded-linux-x86_64_v3-gnu"},
		{Entry{Name: "pypy", Major: 3, Minor: 11, Patch: 13, OS: "darwin", Arch: Arch{Family: "aarch64"}, Libc: "none"}, "pypy-3.11.13-darwin-aarch64-none"},
		{Entry{Name: "cpython", Major: 3, Minor: 15, Patch: 0, Prerelease: "a2", OS: "windows", Arch: Arch{Family: "i686"}, Libc: "none"}, "cpython-3.15.0a2-windows-i686-none"},
	}
	for _, tt := range tests {
		if got := tt.e.CanonicalKey(); got != tt.want {
			t.Errorf("CanonicalKey() = %q, want %q", got, tt.want)
		}
	}
}

func TestAssetName(t *testing.T) {
	tests := map[string]string{
		"https://github.com/astral-sh/python-build-standalone/releases/download/20250409/cpython-3.13.3%2B20250409-x86_64-unknown-linux-gnu-install_only.tar.gz": "cpython-3.13.3+20250409-x86_64-unknown-linux-gnu-install_only.tar.gz",
		"/tmp/cpython-3.13.3+20250409-x86_64-unknown-linux-gnu-install_only.tar.gz":                                                                              "cpython-3.13.3+20250409-x86_64-unknown-linux-gnu-install_only.tar.gz",
		"https://example.org/x.tar.gz?sig=1": "x.tar.gz",
		"x.tar.zst":                          "x.tar.zst",
	}
	for in, want := range tests {
		if got := AssetName(in); got != want {
			t.Errorf("AssetName(%q) = %q, want %q", in, got, want)
		}
	}
	c := &Catalog{Entries: []Entry{
		{Key: "a", URL: "https://example.org/dl/cpython-3.13.3%2B20250409-x86_64-unknown-linux-gnu-install_only.tar.gz"},
		{Key: "b", URL: "https://example.org/dl/other.tar.gz"},
	}}
	if e, ok := c.EntryForAsset("cpython-3.13.3+20250409-x86_64-unknown-linux-gnu-install_only.tar.gz"); !ok || e.Key != "a" {
		t.Errorf("EntryForAsset = %q, %v; want a", e.Key, ok)
	}
	if e, ok := c.EntryForAsset("missing.tar.gz"); ok {
		t.Errorf("EntryForAsset(missing) = %q", e.Key)
	}
}
