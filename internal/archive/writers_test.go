package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/pyget/pyget/internal/fsutil"
	"github.com/pyget/pyget/internal/testutil"
)

var noise = testutil.Noise

// mixedTree exercises what the writers must get right: modes (read-only
// files are created writable and fixed afterwards), empty files, files
// larger than a chunk (their data spans chunks and arrives as several
// segments), files that end exactly on a chunk boundary, hard links right
// after their target, symlinks, later members replacing earlier ones, and
// directories the archive never declares.
func mixedTree() []member {
	big := string(noise(3*chunkSize+17, "big"))
	exact := string(noise(chunkSize, "exact"))
	return []member{
		dir("python/"),
		dir("python/bin/"),
		file("python/bin/python3.14", big, 0o755),
		hardlink("python/bin/python3.14-link", "python/bin/python3.14"),
		symlink("python/bin/python3", "python3.14"),
		file("python/lib/empty", "", 0o644),
		file("python/lib/readonly.txt", "read only", 0o444),
		file("python/lib/private", "owner only", 0o600),
		file("python/lib/exact.so", exact, 0o755),
		file("python/lib/one", "1", 0o644),
		file("python/lib/deep/er/still/file.py", "print()", 0o644),
		file("python/share/x", "old", 0o644),
		file("python/share/x", "newer and longer", 0o600), // a later member replaces an earlier one
		file("python/share/y", strings.Repeat("y", chunkSize+1), 0o644),
		symlink("python/share/y", "x"), // a symlink replaces a file still being written
		symlink("python/share/z", "x"),
		file("python/share/z", "a file replaces a symlink", 0o644),
		file("python/share/big-again", big, 0o644),
		hardlink("python/share/big-link", "python/share/big-again"),
	}
}

// manyFiles is more files than the tree lists before forgetting finished
// ones (forgetEvery), over several directories, some larger than a chunk so
// that writers overlap and chunks are shared; every so often a member
// replaces or links to the file just before it, which a writer may still be
// writing.
func manyFiles() []member {
	var ms []member
	for i := range forgetEvery + 500 {
		name := fmt.Sprintf("python/lib/pkg%02d/mod%04d.py", i%23, i)
		size := 100 + (i*7919)%5000
		if i%97 == 0 {
			size = chunkSize + i*100
		}
		ms = append(ms, file(name, string(noise(size, fmt.Sprint(i))), 0o644|int64(i%2)*0o111))
		switch i % 50 {
		case 10:
			ms = append(ms, file(name, "replaced", 0o644))
		case 20:
			ms = append(ms, hardlink(name+".link", name))
		case 30:
			ms = append(ms, symlink(name, "elsewhere"))
		}
	}
	return ms
}

// snapshot is listing plus what listing leaves out: file mtimes and which
// paths are one file (hard links).
func snapshot(t testing.TB, dest string) []string {
	t.Helper()
	out := listing(t, dest)
	type regular struct {
		rel string
		fi  fs.FileInfo
	}
	var files []regular
	err := filepath.WalkDir(dest, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return err
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dest, p)
		out = append(out, rel+" mtime "+fi.ModTime().UTC().String())
		files = append(files, regular{filepath.ToSlash(rel), fi})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for i, a := range files {
		for _, b := range files[i+1:] {
			if os.SameFile(a.fi, b.fi) {
				out = append(out, "same file: "+a.rel+" "+b.rel)
			}
		}
	}
	slices.Sort(out)
	return out
}

func TestWritersMatchSequential(t *testing.T) {
	testutil.NeedSymlinks(t)
	archives := map[string][]byte{
		"mixed": makeTar(t, mixedTree()),
		"many":  makeTar(t, manyFiles()),
	}
	for name, tarball := range archives {
		for _, f := range []Format{TarGz, TarZst} {
			data := compress(t, f, tarball)
			t.Run(name+"/"+f.String(), func(t *testing.T) {
				ref := newSandbox(t)
				must(t, extract(context.Background(), bytes.NewReader(data), f, ref.dest, Limits{}, 0))
				want := snapshot(t, ref.dest)
				if len(want) < 10 {
					t.Fatalf("reference tree has %d lines", len(want))
				}
				for _, n := range []int{1, 4, 16} {
					s := newSandbox(t)
					must(t, extract(context.Background(), bytes.NewReader(data), f, s.dest, Limits{}, n))
					if got := snapshot(t, s.dest); !slices.Equal(got, want) {
						t.Errorf("%d writers: tree differs from the sequential one:\n%s", n, diffLines(want, got))
					}
					s.checkOutside(t)
				}
			})
		}
	}
}

func diffLines(want, got []string) string {
	var b strings.Builder
	for _, w := range want {
		if !slices.Contains(got, w) {
			fmt.Fprintf(&b, "- %.120s\n", w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			fmt.Fprintf(&b, "+ %.120s\n", g)
		}
	}
	return b.String()
}

// faultyFiles opens real files but lets a test decide what a write does.
type faultyFiles struct {
	onWrite func(name string, f *os.File, b []byte) (int, error)
	open    atomic.Int32 // files opened and not yet closed
	opened  atomic.Int32
}

type faultyFile struct {
	*os.File
	name string
	ff   *faultyFiles
}

func (f *faultyFile) Write(b []byte) (int, error) { return f.ff.onWrite(f.name, f.File, b) }

func (f *faultyFile) Close() error {
	f.ff.open.Add(-1)
	return f.File.Close()
}

func (ff *faultyFiles) openFile(dir *os.Root, base string, perm fs.FileMode) (outFile, error) {
	f, err := dir.OpenFile(base, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
	if err != nil {
		return nil, err
	}
	ff.open.Add(1)
	ff.opened.Add(1)
	return &faultyFile{File: f, name: base, ff: ff}, nil
}

// TestWriterErrorAborts: a full disk met by one writer stops the whole
// extraction with that error, naming the member, and every writer has
// closed its file by the time extract returns (the caller then removes the
// staged tree; nothing writes into it afterwards).
func TestWriterErrorAborts(t *testing.T) {
	var ms []member
	for i := range 300 {
		ms = append(ms, file(fmt.Sprintf("python/lib/m%03d.py", i), strings.Repeat("x", 5000+i), 0o644))
		if i == 150 {
			ms = append(ms, file("python/lib/libbig.so", string(noise(2*chunkSize, "so")), 0o755))
		}
	}
	data := gz(t, makeTar(t, ms))
	ff := &faultyFiles{onWrite: func(name string, f *os.File, b []byte) (int, error) {
		if name == "libbig.so" {
			return 0, &fs.PathError{Op: "write", Path: name, Err: testutil.DiskFullErrno}
		}
		return f.Write(b)
	}}
	s := newSandbox(t)
	err := extractWith(context.Background(), bytes.NewReader(data), TarGz, s.dest, Limits{}, 4, ff.openFile)
	if err == nil {
		t.Fatal("extract succeeded on a full disk")
	}
	if !errors.Is(err, testutil.DiskFullErrno) || !fsutil.IsDiskFull(err) {
		t.Errorf("err = %v, want %v (a full disk)", err, testutil.DiskFullErrno)
	}
	if !strings.Contains(err.Error(), "extracting python/lib/libbig.so") {
		t.Errorf("err = %q, want it to name the member", err)
	}
	if n := ff.open.Load(); n != 0 {
		t.Errorf("%d files still open after extract returned", n)
	}
	if n := ff.opened.Load(); n >= 300 {
		t.Errorf("%d files opened: the failure did not stop the extraction", n)
	}
	s.checkOutside(t)
}

// TestWritersCancel: cancelling while a writer is in the middle of a file
// returns context.Canceled, and no writer is left running. (How far the tar
// reader got meanwhile is a race, so the test does not look at the tree.)
func TestWritersCancel(t *testing.T) {
	var ms []member
	for i := range 100 {
		ms = append(ms, file(fmt.Sprintf("python/lib/m%03d.py", i), strings.Repeat("x", 3000), 0o644))
	}
	ms = append(ms, file("python/lib/libbig.so", string(noise(3*chunkSize, "so")), 0o755))
	for i := range 100 {
		ms = append(ms, file(fmt.Sprintf("python/share/n%03d", i), strings.Repeat("y", 3000), 0o644))
	}
	data := gz(t, makeTar(t, ms))
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var once sync.Once
	ff := &faultyFiles{onWrite: func(name string, f *os.File, b []byte) (int, error) {
		if name == "libbig.so" {
			once.Do(cancel)
			<-ctx.Done() // a write the kernel holds until after the cancel
		}
		return f.Write(b)
	}}
	s := newSandbox(t)
	err := extractWith(ctx, bytes.NewReader(data), TarGz, s.dest, Limits{}, 4, ff.openFile)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := ff.open.Load(); n != 0 {
		t.Errorf("%d files still open after extract returned", n)
	}
}

// TestWritersSameRefusals: members that meet a file a writer may still be
// writing (a directory or a file beneath it, a directory in the way of a
// file) fail with the sequential path's error, not with whatever the race
// between the writer and the tree produced.
func TestWritersSameRefusals(t *testing.T) {
	testutil.NeedSymlinks(t)
	big := string(noise(2*chunkSize, "in the way"))
	cases := map[string][]member{
		"dir over a file":         {file("python/a", big, 0o644), dir("python/a/")},
		"file beneath a file":     {file("python/a", big, 0o644), file("python/a/b", "x", 0o644)},
		"file over a dir":         {dir("python/a/"), file("python/a/b", "x", 0o644), file("python/a", big, 0o644)},
		"hardlink to a dir":       {dir("python/a/"), file("python/b", big, 0o644), hardlink("python/c", "python/a")},
		"link beneath a file":     {file("python/a", big, 0o644), symlink("python/a/l", "../b")},
		"through a replaced link": {file("python/t", big, 0o644), symlink("python/l", "t"), file("python/l/x", "x", 0o644)},
	}
	for name, ms := range cases {
		t.Run(name, func(t *testing.T) {
			data := gz(t, makeTar(t, ms))
			ref := newSandbox(t)
			want := extract(context.Background(), bytes.NewReader(data), TarGz, ref.dest, Limits{}, 0)
			if want == nil {
				t.Fatal("the sequential path accepted it")
			}
			for _, n := range []int{1, 4} {
				s := newSandbox(t)
				got := extract(context.Background(), bytes.NewReader(data), TarGz, s.dest, Limits{}, n)
				if got == nil || got.Error() != want.Error() {
					t.Errorf("%d writers: err = %v, want %v", n, got, want)
				}
				s.checkOutside(t)
			}
		})
	}
}

// TestForgetFinished: the tree forgets only files whose writer is done; one
// still being written stays listed, so a later member at its path waits.
func TestForgetFinished(t *testing.T) {
	finished, writing := make(chan struct{}), make(chan struct{})
	close(finished)
	tr := &tree{files: map[string]<-chan struct{}{"lib/a": finished, "lib/b": writing}}
	tr.forgetFinished()
	if _, ok := tr.files["lib/a"]; ok {
		t.Error("a finished file is still listed")
	}
	if _, ok := tr.files["lib/b"]; !ok {
		t.Error("a file still being written was forgotten")
	}
}

func TestWritersFor(t *testing.T) {
	for cpus, want := range map[int]int{1: 1, 2: 1, 3: 2, 5: 4, 64: 4} {
		if got := writersFor(cpus); got != want {
			t.Errorf("writersFor(%d) = %d, want %d", cpus, got, want)
		}
	}
}
