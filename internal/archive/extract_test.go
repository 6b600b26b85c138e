package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/testutil"
)

// interpreter is the tree every layout must produce.
var interpreter = []member{
	dir("bin/"),
	file("bin/python3.13", "ELF", 0o755),
	symlink("bin/python3", "python3.13"),
	hardlink("bin/python3.13-copy", "bin/python3.13"),
	file("lib/python3.13/os.py", "import abc", 0o644),
	symlink("lib/python3.13/config/libpython3.13.a", "../../libpython3.13.a"),
	file("lib/libpython3.13.a", "ar", 0o644),
	file("include/python3.13/Python.h", "#pragma once", 0o444),
}

var wantInterpreter = []string{
	"bin d",
	"bin/python3 l python3.13",
	"bin/python3.13 f -rwxr-xr-x ELF",
	"bin/python3.13-copy f -rwxr-xr-x ELF",
	"include d",
	"include/python3.13 d",
	"include/python3.13/Python.h f -r--r--r-- #pragma once",
	"lib d",
	"lib/libpython3.13.a f -rw-r--r-- ar",
	"lib/python3.13 d",
	"lib/python3.13/config d",
	"lib/python3.13/config/libpython3.13.a l ../../libpython3.13.a",
	"lib/python3.13/os.py f -rw-r--r-- import abc",
}

func TestLayouts(t *testing.T) {
	full := join(
		[]member{file("python/PYTHON.json", "{}", 0o644), file("python/build/lib/x.o", "obj", 0o644), symlink("python/build/y", "lib/x.o")},
		[]member{dir("python/install/")},
		prefixed("python/install/", interpreter),
		[]member{file("python/licenses/LICENSE.txt", "psf", 0o644)},
	)
	tests := []struct {
		name    string
		members []member
	}{
		{"install_only", join([]member{dir("python/")}, prefixed("python/", interpreter))},
		{"install_only without dir entries", prefixed("python/", interpreter[1:])},
		{"dot slash prefix", join([]member{dir("./"), dir("./python/")}, prefixed("./python/", interpreter))},
		{"full", full},
		{"full with build first", join([]member{file("python/build/a", "a", 0o644)}, prefixed("python/install/", interpreter), []member{file("python/PYTHON.json", "{}", 0o644)})},
		{"pypy", join([]member{dir("pypy3.11-v7.3.20-linux64/")}, prefixed("pypy3.11-v7.3.20-linux64/", interpreter))},
		{"graalpy", prefixed("graalpy-25.0.1-linux-amd64/", interpreter)},
	}
	for _, tt := range tests {
		for _, f := range []Format{TarGz, TarZst} {
			t.Run(tt.name+" "+f.String(), func(t *testing.T) {
				testutil.NeedSymlinks(t)
				s := newSandbox(t)
				data := compress(t, f, makeTar(t, tt.members))
				must(t, extractBytes(t, f, data, s.dest, Limits{}))
				if got := listing(t, s.dest); !slices.Equal(got, wantInterpreter) {
					t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantInterpreter, "\n"))
				}
				a, _ := os.Stat(filepath.Join(s.dest, "bin/python3.13"))
				b, _ := os.Stat(filepath.Join(s.dest, "bin/python3.13-copy"))
				if !os.SameFile(a, b) {
					t.Error("hardlink was not kept as a hardlink")
				}
				s.checkOutside(t)
			})
		}
	}
}

func TestModesAndTimes(t *testing.T) {
	s := newSandbox(t)
	data := gz(t, makeTar(t, []member{
		file("python/bin/suid", "x", 0o4755),
		file("python/bin/sgid-sticky", "x", 0o3775),
		file("python/lib/plain.py", "x", 0o644),
		file("python/lib/readonly", "x", 0o400),
	}))
	must(t, extractBytes(t, TarGz, data, s.dest, Limits{}))
	tests := []struct {
		path string
		mode os.FileMode
	}{
		{"bin/suid", 0o755},
		{"bin/sgid-sticky", 0o775},
		{"lib/plain.py", 0o644},
		{"lib/readonly", 0o400},
	}
	for _, tt := range tests {
		fi, err := os.Stat(filepath.Join(s.dest, tt.path))
		if err != nil {
			t.Fatal(err)
		}
		if want := tt.mode &^ umask(); runtime.GOOS != "windows" && fi.Mode() != want {
			t.Errorf("%s: mode %v, want %v", tt.path, fi.Mode(), tt.mode&^umask())
		}
		if !fi.ModTime().Equal(testTime) {
			t.Errorf("%s: mtime %v, want %v", tt.path, fi.ModTime(), testTime)
		}
	}
}

func TestHostileEntries(t *testing.T) {
	ok := file("python/bin/python3", "x", 0o755)
	tests := []struct {
		name    string
		members []member
		entry   string // the entry the error must name
	}{
		{"absolute path", []member{ok, file("/tmp/evil", "x", 0o644)}, "/tmp/evil"},
		{"dotdot", []member{ok, file("python/../../canary/evil", "x", 0o644)}, "python/../../canary/evil"},
		{"dotdot inside", []member{ok, file("python/lib/../bin/x", "x", 0o644)}, "python/lib/../bin/x"},
		{"absolute symlink", []member{ok, symlink("python/lib", "/etc"), file("python/lib/x", "x", 0o644)}, "python/lib"},
		{"symlink climbing out", []member{ok, symlink("python/lib", "../../canary"), file("python/lib/secret", "x", 0o644)}, "python/lib"},
		{"symlink climbing out deep", []member{ok, symlink("python/a/b/c", "../../../x")}, "python/a/b/c"},
		{"symlink dotdot after name", []member{ok, symlink("python/d/b", ".."), symlink("python/d/c", "b/../..")}, "python/d/c"},
		{"write through in-tree symlink", []member{ok, symlink("python/lib", "bin"), file("python/lib/x", "x", 0o644)}, "python/lib/x"},
		{"dir over symlink", []member{ok, symlink("python/lib", "bin"), dir("python/lib/")}, "python/lib/"},
		{"hardlink absolute", []member{ok, hardlink("python/h", "/etc/passwd")}, "python/h"},
		{"hardlink dotdot", []member{ok, hardlink("python/h", "python/../../canary/secret")}, "python/h"},
		{"hardlink outside top", []member{ok, hardlink("python/h", "other/x")}, "python/h"},
		{"hardlink missing", []member{ok, hardlink("python/h", "python/bin/nope")}, "python/h"},
		{"hardlink later", []member{ok, hardlink("python/h", "python/bin/later"), file("python/bin/later", "x", 0o644)}, "python/h"},
		{"hardlink to symlink", []member{ok, symlink("python/s", "bin/python3"), hardlink("python/h", "python/s")}, "python/h"},
		{"hardlink to dir", []member{ok, hardlink("python/h", "python/bin")}, "python/h"},
		{"hardlink through symlink", []member{ok, symlink("python/s", "bin"), hardlink("python/h", "python/s/python3")}, "python/h"},
		{"char device", []member{ok, special("python/dev", tar.TypeChar)}, "python/dev"},
		{"block device", []member{ok, special("python/blk", tar.TypeBlock)}, "python/blk"},
		{"fifo", []member{ok, special("python/fifo", tar.TypeFifo)}, "python/fifo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			err := extractBytes(t, TarGz, gz(t, makeTar(t, tt.members)), s.dest, Limits{})
			var ue *UnsafeEntryError
			if !errors.As(err, &ue) && err != nil && !testutil.SymlinksWork() && hasSymlink(tt.members) {
				// The case needs a symlink made before its unsafe member
				// (Windows without Developer Mode refuses it): nothing may
				// have escaped all the same.
				s.checkOutside(t)
				t.Skipf("needs a symlink made first: %v", err)
			}
			if !errors.As(err, &ue) {
				t.Fatalf("err = %v, want *UnsafeEntryError", err)
			}
			if ue.Entry != tt.entry || !strings.Contains(err.Error(), tt.entry) {
				t.Errorf("error names %q (%v), want %q", ue.Entry, err, tt.entry)
			}
			s.checkOutside(t)
		})
	}
}

// A hardlink whose target names a file under another top folder is refused
// for that reason, even when, with the top folder stripped, the target
// maps onto a file already extracted (other/bin/python3 -> bin/python3):
// checking only that the target exists would link to it.
func TestHardlinkTargetOutsideTopFolder(t *testing.T) {
	for _, target := range []string{"other/bin/python3", "bin/python3", "python"} {
		t.Run(target, func(t *testing.T) {
			s := newSandbox(t)
			data := gz(t, makeTar(t, []member{file("python/bin/python3", "x", 0o755), hardlink("python/h", target)}))
			err := extractBytes(t, TarGz, data, s.dest, Limits{})
			var ue *UnsafeEntryError
			if !errors.As(err, &ue) || ue.Entry != "python/h" || ue.Reason != "hardlink target outside the tree" {
				t.Fatalf("err = %v, want python/h refused as \"hardlink target outside the tree\"", err)
			}
			s.checkOutside(t)
		})
	}
}

func TestLaterEntryReplacesEarlier(t *testing.T) {
	testutil.NeedSymlinks(t)
	s := newSandbox(t)
	data := gz(t, makeTar(t, []member{
		file("python/target", "keep", 0o644),
		symlink("python/x", "target"),
		file("python/x", "new", 0o644), // must replace the link, not write through it
		file("python/y", "old", 0o644),
		file("python/y", "newer", 0o600),
	}))
	must(t, extractBytes(t, TarGz, data, s.dest, Limits{}))
	want := []string{"target f -rw-r--r-- keep", "x f -rw-r--r-- new", "y f -rw------- newer"}
	if got := listing(t, s.dest); !slices.Equal(got, want) {
		t.Errorf("tree %q, want %q", got, want)
	}
}

func TestLayoutErrors(t *testing.T) {
	tests := []struct {
		name    string
		members []member
		want    string
	}{
		{"two top folders", []member{file("python/a", "x", 0o644), file("other/b", "x", 0o644)}, "more than one top-level folder"},
		{"top-level file", []member{file("python/a", "x", 0o644), file("README", "x", 0o644)}, "top-level README"},
		{"top-level file first", []member{file("README", "x", 0o644)}, "top-level README"},
		{"only a folder", []member{dir("python/")}, "no files"},
		{"full without install", []member{file("python/PYTHON.json", "{}", 0o644), file("python/build/x", "x", 0o644)}, "without an install/"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			err := extractBytes(t, TarGz, gz(t, makeTar(t, tt.members)), s.dest, Limits{})
			if !errors.Is(err, ErrLayout) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrLayout with %q", err, tt.want)
			}
		})
	}
}

func TestLimits(t *testing.T) {
	ms := []member{file("python/a", strings.Repeat("a", 600), 0o644), file("python/b", strings.Repeat("b", 600), 0o644), file("python/c", "c", 0o644)}
	tests := []struct {
		name  string
		lim   Limits
		what  string
		entry string
	}{
		{"bytes", Limits{MaxBytes: 1000}, "bytes", "python/b"},
		{"entries", Limits{MaxEntries: 2}, "entries", "python/c"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			err := extractBytes(t, TarZst, zst(t, makeTar(t, ms)), s.dest, tt.lim)
			var le *LimitError
			if !errors.As(err, &le) || le.What != tt.what || le.Entry != tt.entry {
				t.Fatalf("err = %v, want LimitError on %s at %s", err, tt.what, tt.entry)
			}
			if _, err := os.Stat(filepath.Join(s.dest, "b")); tt.what == "bytes" && err == nil {
				t.Error("the file crossing the byte limit was written")
			}
		})
	}
	t.Run("within limits", func(t *testing.T) {
		s := newSandbox(t)
		must(t, extractBytes(t, TarGz, gz(t, makeTar(t, ms)), s.dest, Limits{MaxBytes: 1201, MaxEntries: 3}))
	})
}

func TestCorruptStreams(t *testing.T) {
	good := makeTar(t, prefixed("python/", []member{file("bin/python3", strings.Repeat("python ", 20000), 0o755), file("lib/os.py", "x", 0o644)}))
	gzGood, zstGood := gz(t, good), zst(t, good)
	flipped := bytes.Clone(gzGood)
	flipped[len(flipped)/2] ^= 0xff
	badCRC := bytes.Clone(gzGood)
	badCRC[len(badCRC)-6] ^= 0xff
	zflipped := bytes.Clone(zstGood)
	zflipped[len(zflipped)/2] ^= 0xff
	// A tar cut exactly between members: archive/tar alone takes it for a
	// complete archive.
	cut := makeTar(t, prefixed("python/", []member{file("a", "x", 0o644), file("b", "y", 0o644)}))
	cut = cut[:512*2]
	tests := []struct {
		name string
		f    Format
		data []byte
		want string
	}{
		{"html instead of gzip", TarGz, []byte("<!DOCTYPE html><html><body>rate limited</body></html>"), "not a gzip stream (looks like an HTML page)"},
		{"empty gzip input", TarGz, nil, "not a gzip stream (empty input)"},
		{"zstd given as gzip", TarGz, zstGood, "not a gzip stream (looks like zstd data)"},
		{"html instead of zstd", TarZst, []byte("<html>404</html>"), "not a zstd stream"},
		{"truncated gzip", TarGz, gzGood[:len(gzGood)/2], "truncated archive"},
		{"truncated zstd", TarZst, zstGood[:len(zstGood)/2], "truncated archive"},
		{"corrupt gzip data", TarGz, flipped, "corrupt gzip stream"},
		{"gzip checksum", TarGz, badCRC, "corrupt gzip stream"},
		{"corrupt zstd data", TarZst, zflipped, "zstd"},
		{"tar truncated inside a member", TarGz, gz(t, good[:len(good)/2]), "truncated archive"},
		{"tar truncated between members", TarGz, gz(t, cut), "truncated archive"},
		{"not a tar", TarGz, gz(t, bytes.Repeat([]byte("hello world "), 100)), "invalid tar data"},
		{"empty zstd", TarZst, zst(t, nil), "empty archive"},
		{"garbage after the archive", TarGz, gz(t, append(bytes.Clone(good), bytes.Repeat([]byte{1}, maxTrailing+10)...)), "after the end"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			err := extractBytes(t, tt.f, tt.data, s.dest, Limits{})
			if !errors.Is(err, ErrCorrupt) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want ErrCorrupt with %q", err, tt.want)
			}
		})
	}
}

func TestMultiMemberGzip(t *testing.T) {
	raw := makeTar(t, prefixed("python/", interpreter[1:2]))
	var data []byte
	for _, part := range [][]byte{raw[:700], raw[700:1500], raw[1500:]} {
		data = append(data, gz(t, part)...)
	}
	s := newSandbox(t)
	must(t, extractBytes(t, TarGz, data, s.dest, Limits{}))
	if b, err := os.ReadFile(filepath.Join(s.dest, "bin/python3.13")); err != nil || string(b) != "ELF" {
		t.Fatalf("python3.13 = %q, %v", b, err)
	}
}

var errTransfer = errors.New("transfer interrupted")

// failingReader serves n bytes of data, then fails with errTransfer.
type failingReader struct {
	data []byte
	n    int
}

func (r *failingReader) Read(p []byte) (int, error) {
	if r.n <= 0 {
		return 0, errTransfer
	}
	p = p[:min(len(p), r.n, len(r.data))]
	n := copy(p, r.data)
	r.data, r.n = r.data[n:], r.n-n
	return n, nil
}

func TestReaderErrorsAreWrapped(t *testing.T) {
	raw := makeTar(t, prefixed("python/", []member{file("bin/python3", strings.Repeat("0123456789abcdef", 1<<16), 0o755)}))
	for _, f := range []Format{TarGz, TarZst} {
		data := compress(t, f, raw)
		for _, at := range []int{0, 5, len(data) / 2, len(data) - 1} {
			t.Run(f.String(), func(t *testing.T) {
				s := newSandbox(t)
				err := Extract(context.Background(), &failingReader{data: data, n: at}, f, s.dest, Limits{})
				if !errors.Is(err, errTransfer) {
					t.Fatalf("failing after %d bytes: err = %v, want it to wrap errTransfer", at, err)
				}
				if errors.Is(err, ErrCorrupt) {
					t.Errorf("a reader error reported as corruption: %v", err)
				}
			})
		}
	}
}

// ctxReader serves data, cancelling after n bytes, then blocks until the
// context ends, as a network reader would.
type ctxReader struct {
	ctx    context.Context
	cancel func()
	data   []byte
	n      int
}

func (r *ctxReader) Read(p []byte) (int, error) {
	if r.n <= 0 || len(r.data) == 0 {
		r.cancel()
		<-r.ctx.Done()
		return 0, r.ctx.Err()
	}
	p = p[:min(len(p), r.n, len(r.data))]
	n := copy(p, r.data)
	r.data, r.n = r.data[n:], r.n-n
	return n, nil
}

func TestCancel(t *testing.T) {
	var ms []member
	for i := range 200 {
		ms = append(ms, file("python/lib/f"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+"/"+string(rune('a'+i/26)), strings.Repeat("z", 20000), 0o644))
	}
	data := gz(t, makeTar(t, ms))
	t.Run("before", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		s := newSandbox(t)
		if err := Extract(ctx, bytes.NewReader(data), TarGz, s.dest, Limits{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
	t.Run("during", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		s := newSandbox(t)
		r := &ctxReader{ctx: ctx, cancel: cancel, data: data, n: len(data) / 3}
		if err := Extract(ctx, r, TarGz, s.dest, Limits{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v, want context.Canceled", err)
		}
	})
}

func TestUnsupportedStreamFormat(t *testing.T) {
	for _, f := range []Format{Zip, FormatUnknown} {
		if err := Extract(context.Background(), bytes.NewReader(nil), f, t.TempDir(), Limits{}); err == nil {
			t.Errorf("Extract(%s) succeeded", f)
		}
	}
}

// io.Reader check for the reader wrappers used above.
var _ io.Reader = (*failingReader)(nil)

func hasSymlink(ms []member) bool {
	return slices.ContainsFunc(ms, func(m member) bool { return m.Type == tar.TypeSymlink })
}
