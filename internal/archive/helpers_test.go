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
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"
	"github.com/klauspost/compress/zstd"
)

var testTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// member describes one archive entry for the fixture builders.
type member struct {
	name string
	typ  byte // tar type flag
	body string
	mode int64
	link string
}

func file(name, body string, mode int64) member {
	return member{name: name, typ: tar.TypeReg, body: body, mode: mode}
}
func dir(name string) member { return member{name: name, typ: tar.TypeDir, mode: 0o755} }
func symlink(name, to string) member {
	return member{name: name, typ: tar.TypeSymlink, link: to, mode: 0o777}
}
func hardlink(name, to string) member {
	return member{name: name, typ: tar.TypeLink, link: to, mode: 0o644}
}
func special(name string, typ byte) member { return member{name: name, typ: typ, mode: 0o644} }

func makeTar(t testing.TB, ms []member) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, m := range ms {
		h := &tar.Header{
			Name: m.name, Typeflag: m.typ, Mode: m.mode, Linkname: m.link,
			ModTime: testTime, Size: int64(len(m.body)), Format: tar.FormatPAX,
		}
		if m.typ != tar.TypeReg {
			h.Size = 0
		}
		if err := tw.WriteHeader(h); err != nil {
			t.Fatalf("tar header %s: %v", m.name, err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte(m.body)); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gz(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func zst(t testing.TB, b []byte) []byte {
	t.Helper()
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil)
}

func compress(t testing.TB, f Format, b []byte) []byte {
	if f == TarZst {
		return zst(t, b)
	}
	return gz(t, b)
}

func makeZip(t testing.TB, ms []member) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "a.zip")
	out, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(out)
	for _, m := range ms {
		fh := &zip.FileHeader{Name: m.name, Method: zip.Deflate, Modified: testTime}
		body := m.body
		switch m.typ {
		case tar.TypeDir:
			fh.SetMode(fs.ModeDir | 0o755)
		case tar.TypeSymlink:
			fh.SetMode(fs.ModeSymlink | 0o777)
			body = m.link
		case tar.TypeFifo:
			fh.SetMode(fs.ModeNamedPipe | 0o644)
		default:
			fh.SetMode(fs.FileMode(m.mode))
		}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := out.Close(); err != nil {
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
		m.name = prefix + m.name
		if m.typ == tar.TypeLink {
			m.link = prefix + m.link
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
