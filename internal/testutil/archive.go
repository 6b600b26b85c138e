package testutil

import (
	"archive/tar"
	"archive/zip"
	"bytes"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// ModTime is the modification time of every entry the archive builders
// write.
var ModTime = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)

// Entry is one member of a test archive.
type Entry struct {
	Name string
	Type byte   // tar type flag; 0 is tar.TypeReg
	Body string // a regular file's content
	Mode int64  // permission bits; 0 is 0644 (0755 for a directory, 0777 for a symlink)
	Link string // a symlink's target, or a hard link's member name
}

// File is a regular file.
func File(name, body string, mode int64) Entry {
	return Entry{Name: name, Type: tar.TypeReg, Body: body, Mode: mode}
}

// Dir is a directory (name usually ends in a slash).
func Dir(name string) Entry { return Entry{Name: name, Type: tar.TypeDir, Mode: 0o755} }

// Symlink is a symbolic link at name pointing to target.
func Symlink(name, target string) Entry {
	return Entry{Name: name, Type: tar.TypeSymlink, Link: target, Mode: 0o777}
}

// Hardlink is a tar hard link at name to the member named target.
func Hardlink(name, target string) Entry {
	return Entry{Name: name, Type: tar.TypeLink, Link: target, Mode: 0o644}
}

// Special is an entry of another tar type (a device, a fifo).
func Special(name string, typ byte) Entry { return Entry{Name: name, Type: typ, Mode: 0o644} }

func (e Entry) typ() byte {
	if e.Type == 0 || e.Type == tar.TypeRegA {
		return tar.TypeReg
	}
	return e.Type
}

func (e Entry) mode() int64 {
	switch {
	case e.Mode != 0:
		return e.Mode
	case e.typ() == tar.TypeDir:
		return 0o755
	case e.typ() == tar.TypeSymlink:
		return 0o777
	}
	return 0o644
}

// EncodeTar writes entries, in order and as given (names are not checked or
// cleaned, so hostile archives can be built too), as an uncompressed PAX
// tar.
func EncodeTar(entries []Entry) ([]byte, error) {
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := &tar.Header{
			Name: e.Name, Typeflag: e.typ(), Mode: e.mode(), Linkname: e.Link,
			ModTime: ModTime, Format: tar.FormatPAX,
		}
		if h.Typeflag == tar.TypeReg {
			h.Size = int64(len(e.Body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("tar header %s: %w", e.Name, err)
		}
		if h.Size > 0 {
			if _, err := tw.Write([]byte(e.Body)); err != nil {
				return nil, fmt.Errorf("tar member %s: %w", e.Name, err)
			}
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// EncodeTarGz is EncodeTar, gzipped.
func EncodeTarGz(entries []Entry) ([]byte, error) {
	b, err := EncodeTar(entries)
	if err != nil {
		return nil, err
	}
	return encodeGzip(b)
}

// EncodeTarZst is EncodeTar, compressed with zstd.
func EncodeTarZst(entries []Entry) ([]byte, error) {
	b, err := EncodeTar(entries)
	if err != nil {
		return nil, err
	}
	return encodeZstd(b)
}

// EncodeZip writes entries as a deflated zip. A symlink's target is its
// body, as zip tools store it; a hard link is an empty regular file.
func EncodeZip(entries []Entry) ([]byte, error) {
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, e := range entries {
		fh := &zip.FileHeader{Name: e.Name, Method: zip.Deflate, Modified: ModTime}
		body := e.Body
		switch e.typ() {
		case tar.TypeDir:
			fh.SetMode(fs.ModeDir | fs.FileMode(e.mode()))
		case tar.TypeSymlink:
			fh.SetMode(fs.ModeSymlink | fs.FileMode(e.mode()))
			body = e.Link
		case tar.TypeFifo:
			fh.SetMode(fs.ModeNamedPipe | fs.FileMode(e.mode()))
		default:
			fh.SetMode(fs.FileMode(e.mode()))
		}
		w, err := zw.CreateHeader(fh)
		if err != nil {
			return nil, fmt.Errorf("zip header %s: %w", e.Name, err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			return nil, fmt.Errorf("zip member %s: %w", e.Name, err)
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeGzip(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func encodeZstd(b []byte) ([]byte, error) {
	zw, err := zstd.NewWriter(nil)
	if err != nil {
		return nil, err
	}
	defer zw.Close()
	return zw.EncodeAll(b, nil), nil
}

// mustFor returns a function that returns its bytes, or fails t with its
// error.
func mustFor(t testing.TB) func([]byte, error) []byte {
	return func(b []byte, err error) []byte {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
}

// Tar is EncodeTar, failing t on error.
func Tar(t testing.TB, entries []Entry) []byte { t.Helper(); return mustFor(t)(EncodeTar(entries)) }

// TarGz is EncodeTarGz, failing t on error.
func TarGz(t testing.TB, entries []Entry) []byte { t.Helper(); return mustFor(t)(EncodeTarGz(entries)) }

// TarZst is EncodeTarZst, failing t on error.
func TarZst(t testing.TB, entries []Entry) []byte {
	t.Helper()
	return mustFor(t)(EncodeTarZst(entries))
}

// Zip is EncodeZip, failing t on error.
func Zip(t testing.TB, entries []Entry) []byte { t.Helper(); return mustFor(t)(EncodeZip(entries)) }

// Gzip compresses b (any bytes: a cut tar, garbage) with gzip.
func Gzip(t testing.TB, b []byte) []byte { t.Helper(); return mustFor(t)(encodeGzip(b)) }

// Zstd compresses b (any bytes) with zstd.
func Zstd(t testing.TB, b []byte) []byte { t.Helper(); return mustFor(t)(encodeZstd(b)) }

// Noise is n incompressible bytes, the same for the same seed.
func Noise(n int, seed string) []byte {
	var s [32]byte
	copy(s[:], seed)
	b := make([]byte, n)
	rand.NewChaCha8(s).Read(b)
	return b
}

// FakeCPython is a python-build-standalone install_only build in miniature:
// its interpreter prints "Python <Version>", so a test can check that what
// was installed and linked runs. For Linux and macOS it is a shell script,
// python/bin/python3.X; for Windows python/python.exe at the root, with
// Lib/ and DLLs/ as python-build-standalone lays out its Windows builds,
// the exe being the test binary itself (FakePythonExe).
type FakeCPython struct {
	Version      string // "3.14.6", "3.15.0rc1"
	Freethreaded bool   // the interpreter is python3.Xt
	Blob         int    // bytes of incompressible python/lib/blob.bin (Lib/ on Windows), so faults can land mid-body; 0 for none
	OS           string // the OS the build is for; "" is HostOS()
}

// Windows reports whether b is laid out as a Windows build.
func (b FakeCPython) Windows() bool {
	return b.OS == "windows" || b.OS == "" && HostOS() == "windows"
}

// Exe is the interpreter's file name in python/bin: "python3.14",
// "python3.14t".
func (b FakeCPython) Exe() string {
	major, rest, _ := strings.Cut(b.Version, ".")
	minor := rest
	if i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minor = rest[:i]
	}
	exe := "python" + major + "." + minor
	if b.Freethreaded {
		exe += "t"
	}
	return exe
}

// Entries is the archive's tree: python/bin/<Exe> (0755) and python3
// linking to it, python/lib/os.py, and the blob.
func (b FakeCPython) Entries() []Entry {
	if b.Windows() {
		return b.windowsEntries()
	}
	exe := b.Exe()
	es := []Entry{
		Dir("python/"),
		Dir("python/bin/"),
		File("python/bin/"+exe, fmt.Sprintf("#!/bin/sh\necho \"Python %s\"\n", b.Version), 0o755),
		Symlink("python/bin/python3", exe),
		Dir("python/lib/"),
		File("python/lib/os.py", strings.Repeat("# padding\n", 2000), 0o644),
	}
	if b.Blob > 0 {
		es = append(es, File("python/lib/blob.bin", string(Noise(b.Blob, b.Version)), 0o644))
	}
	return es
}

// windowsEntries: python/python.exe (and python3.Xt.exe when free-threaded)
// with FakePythonVersionFile beside it, Lib/, DLLs/, and the blob.
func (b FakeCPython) windowsEntries() []Entry {
	exe, err := fakePythonExe()
	if err != nil {
		panic(fmt.Sprintf("reading the test binary for a fake python.exe: %v", err))
	}
	es := []Entry{
		Dir("python/"),
		File("python/python.exe", string(exe), 0o755),
		File("python/"+FakePythonVersionFile, "Python "+b.Version+"\n", 0o644),
		File("python/python3.dll", "not a dll", 0o644),
		Dir("python/Lib/"),
		File("python/Lib/os.py", strings.Repeat("# padding\n", 2000), 0o644),
		Dir("python/DLLs/"),
		File("python/DLLs/_socket.pyd", "not a pyd", 0o644),
	}
	if b.Freethreaded {
		es = append(es, File("python/"+b.Exe()+".exe", string(exe), 0o755))
	}
	if b.Blob > 0 {
		es = append(es, File("python/Lib/blob.bin", string(Noise(b.Blob, b.Version)), 0o644))
	}
	return es
}
