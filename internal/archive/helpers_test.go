package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/testutil"
)

// testTime is the mtime of every member the builders write.
var testTime = testutil.ModTime

// member describes one archive entry for the fixture builders (the shared
// builder's entry; hostile names and links are written as given).
type member = testutil.Entry

var (
	file     = testutil.File
	dir      = testutil.Dir
	symlink  = testutil.Symlink
	hardlink = testutil.Hardlink
	special  = testutil.Special
	makeTar  = testutil.Tar
	gz       = testutil.Gzip
	zst      = testutil.Zstd
)

func compress(t testing.TB, f Format, b []byte) []byte {
	if f == TarZst {
		return zst(t, b)
	}
	return gz(t, b)
}

// makeZip writes ms as a zip file and returns its path.
func makeZip(t testing.TB, ms []member) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.zip")
	if err := os.WriteFile(p, testutil.Zip(t, ms), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// sandbox is dest plus a sibling canary directory; check fails the test if
// anything appeared beside dest or inside the canary.
type sandbox struct {
	parent, dest, canary string
}

func newSandbox(t testing.TB) sandbox {
	t.Helper()
	parent := t.TempDir()
	s := sandbox{parent: parent, dest: filepath.Join(parent, "dest"), canary: filepath.Join(parent, "canary")}
	for _, d := range []string{s.dest, s.canary} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(s.canary, "secret"), []byte("canary"), 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

func (s sandbox) checkOutside(t testing.TB) {
	t.Helper()
	top, err := os.ReadDir(s.parent)
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 2 {
		var names []string
		for _, e := range top {
			names = append(names, e.Name())
		}
		t.Errorf("entries beside dest: %v", names)
	}
	inside, err := os.ReadDir(s.canary)
	if err != nil {
		t.Fatal(err)
	}
	if len(inside) != 1 {
		t.Errorf("canary dir has %d entries, want 1", len(inside))
	}
	if b, err := os.ReadFile(filepath.Join(s.canary, "secret")); err != nil || string(b) != "canary" {
		t.Errorf("canary changed: %q, %v", b, err)
	}
}

// listing describes dest as sorted lines: "path d", "path f 0755 body",
// "path l target".
func listing(t testing.TB, dest string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		rel = filepath.ToSlash(rel)
		if rel == "." {
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch {
		case fi.Mode()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out = append(out, rel+" l "+filepath.ToSlash(target))
		case fi.IsDir():
			out = append(out, rel+" d")
		default:
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			mode := fi.Mode()
			if runtime.GOOS == "windows" {
				mode = 0
			}
			out = append(out, rel+" f "+mode.String()+" "+string(b))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

func extractBytes(t testing.TB, f Format, data []byte, dest string, lim Limits) error {
	t.Helper()
	return Extract(context.Background(), bytes.NewReader(data), f, dest, lim)
}

func prefixed(prefix string, ms []member) []member {
	out := make([]member, len(ms))
	for i, m := range ms {
		m.Name = prefix + m.Name
		if m.Type == tar.TypeLink {
			m.Link = prefix + m.Link
		}
		out[i] = m
	}
	return out
}

func join(lists ...[]member) []member {
	var out []member
	for _, l := range lists {
		out = append(out, l...)
	}
	return out
}

func must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func contains(s, sub string) bool { return strings.Contains(s, sub) }
