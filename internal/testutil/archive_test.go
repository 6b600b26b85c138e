package testutil

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// tarListing reads an uncompressed tar back as "name type mode link body" lines.
func tarListing(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	tr := tar.NewReader(bytes.NewReader(b))
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(tr)
		if err != nil {
			t.Fatal(err)
		}
		if !h.ModTime.Equal(ModTime) {
			t.Errorf("%s: mtime %v", h.Name, h.ModTime)
		}
		out = append(out, fmt.Sprintf("%s %c %o %s %q", h.Name, h.Typeflag, h.Mode, h.Linkname, body))
	}
}

func TestTarBuilders(t *testing.T) {
	entries := []Entry{
		Dir("p/"),
		File("p/x", "body", 0o755),
		{Name: "p/defaults", Body: "d"},
		Symlink("p/s", "x"),
		Hardlink("p/h", "p/x"),
		Special("p/fifo", tar.TypeFifo),
		File("p/../../escaped", "hostile names are kept", 0o644),
	}
	want := []string{
		`p/ 5 755  ""`,
		`p/x 0 755  "body"`,
		`p/defaults 0 644  "d"`,
		`p/s 2 777 x ""`,
		`p/h 1 644 p/x ""`,
		`p/fifo 6 644  ""`,
		`p/../../escaped 0 644  "hostile names are kept"`,
	}
	raw := Tar(t, entries)
	check := func(name string, got []string) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %q\nwant %q", name, got, want)
		}
	}
	check("tar", tarListing(t, raw))

	zr, err := gzip.NewReader(bytes.NewReader(TarGz(t, entries)))
	if err != nil {
		t.Fatal(err)
	}
	unGz, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	check("tar.gz", tarListing(t, unGz))

	d, err := zstd.NewReader(nil)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	unZst, err := d.DecodeAll(TarZst(t, entries), nil)
	if err != nil {
		t.Fatal(err)
	}
	check("tar.zst", tarListing(t, unZst))
	if !bytes.Equal(unZst, raw) || !bytes.Equal(unGz, raw) {
		t.Error("the compressed tars do not hold the plain tar")
	}
}

func TestZipBuilder(t *testing.T) {
	data := Zip(t, []Entry{Dir("p/"), File("p/x", "body", 0o755), Symlink("p/s", "x"), Special("p/fifo", tar.TypeFifo)})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !f.Modified.Equal(ModTime) {
			t.Errorf("%s: mtime %v", f.Name, f.Modified)
		}
		got = append(got, fmt.Sprintf("%s %v %q", f.Name, f.Mode(), body))
	}
	want := []string{`p/ drwxr-xr-x ""`, `p/x -rwxr-xr-x "body"`, `p/s Lrwxrwxrwx "x"`, `p/fifo prw-r--r-- ""`}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("zip:\n got %q\nwant %q", got, want)
	}
}

func TestFakeCPython(t *testing.T) {
	for _, tt := range []struct {
		b   FakeCPython
		exe string
	}{
		{FakeCPython{Version: "3.14.6", OS: "linux"}, "python3.14"},
		{FakeCPython{Version: "3.15.0rc1", OS: "linux"}, "python3.15"},
		{FakeCPython{Version: "3.14.6", Freethreaded: true, OS: "linux"}, "python3.14t"},
		{FakeCPython{Version: "3.9.19", OS: "linux"}, "python3.9"},
	} {
		if got := tt.b.Exe(); got != tt.exe {
			t.Errorf("%+v.Exe() = %q, want %q", tt.b, got, tt.exe)
		}
		var script, link, blob *Entry
		es := tt.b.Entries()
		for i := range es {
			switch es[i].Name {
			case "python/bin/" + tt.exe:
				script = &es[i]
			case "python/bin/python3":
				link = &es[i]
			case "python/lib/blob.bin":
				blob = &es[i]
			}
		}
		if script == nil || script.Mode != 0o755 || script.Body != "#!/bin/sh\necho \"Python "+tt.b.Version+"\"\n" {
			t.Errorf("%+v: interpreter %+v", tt.b, script)
		}
		if link == nil || link.Type != tar.TypeSymlink || link.Link != tt.exe {
			t.Errorf("%+v: python3 %+v", tt.b, link)
		}
		if blob != nil {
			t.Errorf("%+v: a blob without Blob", tt.b)
		}
	}
	b := FakeCPython{Version: "3.14.6", Blob: 64 << 10, OS: "linux"}
	es := b.Entries()
	last := es[len(es)-1]
	if last.Name != "python/lib/blob.bin" || len(last.Body) != 64<<10 {
		t.Fatalf("blob %s of %d bytes", last.Name, len(last.Body))
	}
	if gz := TarGz(t, es); len(gz) < 64<<10 {
		t.Errorf("the blob compressed to %d bytes: not incompressible", len(gz))
	}
	if again := b.Entries(); again[len(again)-1].Body != last.Body {
		t.Error("the blob differs between two calls")
	}
}

// The Windows build: python.exe (the test binary, a fake interpreter) at
// the top with the version file beside it, Lib/ and DLLs/, no symlinks.
func TestFakeCPythonWindows(t *testing.T) {
	b := FakeCPython{Version: "3.14.6", OS: "windows", Blob: 1 << 10}
	names := map[string]Entry{}
	for _, e := range b.Entries() {
		if e.Type == tar.TypeSymlink {
			t.Errorf("symlink %s in a Windows build", e.Name)
		}
		names[e.Name] = e
	}
	exe := FakePythonExe(t)
	if e, ok := names["python/python.exe"]; !ok || e.Body != string(exe) {
		t.Errorf("python/python.exe is not the fake interpreter")
	}
	if e := names["python/"+FakePythonVersionFile]; e.Body != "Python 3.14.6\n" {
		t.Errorf("version file %q", e.Body)
	}
	for _, n := range []string{"python/Lib/", "python/DLLs/", "python/Lib/os.py", "python/Lib/blob.bin"} {
		if _, ok := names[n]; !ok {
			t.Errorf("no %s", n)
		}
	}
	var out bytes.Buffer
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, FakePythonVersionFile), []byte("Python 3.14.6\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		code int
		out  string
	}{
		{nil, 0, "Python 3.14.6\n"},
		{[]string{"--fake-args", "a b", `"q"`}, 0, `["a b","\"q\""]` + "\n"},
		{[]string{"--fake-exit", "7"}, 7, ""},
	} {
		out.Reset()
		if code := fakePython(dir, tc.args, &out); code != tc.code || out.String() != tc.out {
			t.Errorf("fake python %q: exit %d, %q; want %d, %q", tc.args, code, out.String(), tc.code, tc.out)
		}
	}
}
