package fetch

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFileURLSlashPath(t *testing.T) {
	cases := []struct {
		goos, url, want, wantErr string
	}{
		{"linux", "file:///srv/pbs/x.tar.gz", "/srv/pbs/x.tar.gz", ""},
		{"linux", "file://localhost/srv/x", "/srv/x", ""},
		{"linux", "file://C:/x", "", `host "C:" not supported`},
		{"linux", "file://server/share/x", "", `host "server" not supported`},
		{"windows", "file:///C:/Users/u/m/x.tar.gz", "C:/Users/u/m/x.tar.gz", ""},
		{"windows", "file://localhost/d:/m/x", "d:/m/x", ""},
		// "file://" + filepath.ToSlash(`C:\m\x`): the drive lands in the host.
		{"windows", "file://C:/m/x", "C:/m/x", ""},
		{"windows", "file:///m/x", "/m/x", ""},
		{"windows", "file://server/share/x", "", `host "server" not supported`},
		{"windows", "file://CC:/x", "", `not supported`},
	}
	for _, c := range cases {
		got, err := fileURLSlashPath(c.goos, c.url)
		if c.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), c.wantErr) {
				t.Errorf("%s %s: err %v, want %q", c.goos, c.url, err, c.wantErr)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("%s %s = %q, %v; want %q", c.goos, c.url, got, err, c.want)
		}
	}
}

// FileURL and FileURLPath round-trip a real path of the OS under test
// (a drive path on Windows), and the file is read through the URL.
func TestFileURLRoundTrip(t *testing.T) {
	p := filepath.Join(t.TempDir(), "a b#c%.txt")
	if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	u := FileURL(p)
	got, err := FileURLPath(u)
	if err != nil || got != p {
		t.Fatalf("FileURLPath(FileURL(%q)) = %q, %v (URL %s)", p, got, err, u)
	}
	// The form written by hand on Windows ("file://" + slashed path) too.
	dir := filepath.Dir(p)
	got, err = FileURLPath("file://" + filepath.ToSlash(dir))
	if err != nil || got != dir {
		t.Fatalf("file:// + slashed path %q read as %q, %v", dir, got, err)
	}
}
