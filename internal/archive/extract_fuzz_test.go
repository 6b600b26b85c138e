package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zip"
	"github.com/pyget/pyget/internal/testutil"
)

// fuzzLimits keeps each extraction small.
var fuzzLimits = Limits{MaxBytes: 1 << 20, MaxEntries: 512}

// The structured targets read an archive's members from a spec, one
// member a line: type, name, link, body and octal mode, tab-separated.
// The harness writes the archive, so the fuzzer explores names, links,
// types and their order rather than checksums.

func encodeSpec(ms []member) string {
	var b strings.Builder
	for _, m := range ms {
		typ := m.Type
		if typ == 0 {
			typ = tar.TypeReg
		}
		b.WriteByte(typ)
		b.WriteString("\t" + m.Name + "\t" + m.Link + "\t" + m.Body + "\t" + strconv.FormatInt(m.Mode, 8) + "\n")
	}
	return b.String()
}

func decodeSpec(spec string) []member {
	var ms []member
	for _, line := range strings.Split(spec, "\n") {
		if line == "" {
			continue
		}
		parts := strings.SplitN(line[1:], "\t", 5)
		m := member{Type: line[0]}
		for i, p := range parts {
			switch i {
			case 1:
				m.Name = p
			case 2:
				m.Link = p
			case 3:
				m.Body = p
			case 4:
				m.Mode, _ = strconv.ParseInt(p, 8, 64)
				m.Mode &= 0o7777
			}
		}
		if len(ms) == fuzzLimits.MaxEntries+2 {
			break
		}
		ms = append(ms, m)
	}
	return ms
}

// hostileSeeds are the member lists of the extraction tests: good
// archives of each layout and every hostile case they check.
func hostileSeeds() [][]member {
	ok := file("python/bin/python3", "x", 0o755)
	okZip := file("pypy/python.exe", "MZ", 0o755)
	return [][]member{
		{dir("python/"), dir("python/bin/"), ok, symlink("python/bin/python", "python3"), file("python/lib/libpython.so", "elf", 0o644)},
		{file("python/PYTHON.json", "{}", 0o644), file("python/build/x", "x", 0o644), dir("python/install/"),
			file("python/install/bin/python3", "x", 0o755), hardlink("python/install/bin/python", "python/install/bin/python3")},
		{file("pypy3.11-v7.3.20-linux64/bin/pypy3", "x", 0o755), symlink("pypy3.11-v7.3.20-linux64/bin/python3", "pypy3")},
		{ok, file("/tmp/evil", "x", 0o644)},
		{ok, file("python/../../canary/evil", "x", 0o644)},
		{ok, file("python/lib/../bin/x", "x", 0o644)},
		{ok, symlink("python/lib", "/etc"), file("python/lib/x", "x", 0o644)},
		{ok, symlink("python/lib", "../../canary"), file("python/lib/secret", "x", 0o644)},
		{ok, symlink("python/a/b/c", "../../../x")},
		{ok, symlink("python/d/b", ".."), symlink("python/d/c", "b/../..")},
		{ok, symlink("python/lib", "bin"), file("python/lib/x", "x", 0o644)},
		{ok, symlink("python/lib", "bin"), dir("python/lib/")},
		{ok, hardlink("python/h", "/etc/passwd")},
		{ok, hardlink("python/h", "python/../../canary/secret")},
		{ok, hardlink("python/h", "other/x")},
		{ok, hardlink("python/h", "python/bin/later"), file("python/bin/later", "x", 0o644)},
		{ok, symlink("python/s", "bin/python3"), hardlink("python/h", "python/s")},
		{ok, hardlink("python/h", "python/bin")},
		{ok, symlink("python/s", "bin"), hardlink("python/h", "python/s/python3")},
		{ok, special("python/dev", tar.TypeChar)},
		{ok, special("python/fifo", tar.TypeFifo)},
		{file("python/target", "keep", 0o644), symlink("python/x", "target"), file("python/x", "new", 0o644)},
		{file("python/a", "x", 0o644), file("other/b", "x", 0o644)},
		{file("README", "x", 0o644)},
		{okZip, file("pypy/../../canary/evil", "x", 0o644)},
		{okZip, file(`pypy\..\..\canary\evil`, "x", 0o644)},
		{okZip, symlink("pypy/lib", "../../canary"), file("pypy/lib/secret", "x", 0o644)},
		{okZip, file("__MACOSX/._x", "x", 0o644), file("pypy/C:/x", "x", 0o644)},
	}
}

// fuzzSandbox is a temp dir holding dest and a canary folder, two levels
// below the temp dir, so that a member climbing one or two levels out
// lands where the check looks.
type fuzzSandbox struct {
	root, dest string
	canary     string
}

func newFuzzSandbox(t *testing.T) fuzzSandbox {
	root := t.TempDir()
	s := fuzzSandbox{root: root, dest: filepath.Join(root, "a", "b", "dest"), canary: filepath.Join(root, "a", "canary")}
	for _, d := range []string{s.dest, s.canary} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.WriteFile(filepath.Join(s.canary, "secret"), []byte("canary"), 0o644); err != nil {
		t.Fatal(err)
	}
	return s
}

// outsidePaths are the places a member could reach outside dest: absolute
// names and targets, and relative ones resolved against dest and against
// the member's own folder. The check wants none of them new.
func outsidePaths(dest string, ms []member) []string {
	var out []string
	add := func(p string) {
		p = filepath.Clean(p)
		if rel, err := filepath.Rel(dest, p); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			out = append(out, p)
		}
	}
	for _, m := range ms {
		for _, name := range []string{m.Name, strings.ReplaceAll(m.Name, `\`, "/")} {
			if filepath.IsAbs(name) {
				add(name)
				continue
			}
			add(filepath.Join(dest, name))
			// With the top folder stripped.
			if _, rest, ok := strings.Cut(name, "/"); ok {
				add(filepath.Join(dest, rest))
				if m.Link != "" && !filepath.IsAbs(m.Link) {
					add(filepath.Join(dest, filepath.Dir(rest), m.Link))
				}
			}
		}
		if filepath.IsAbs(m.Link) {
			add(m.Link)
		}
	}
	return out
}

func existing(paths []string) map[string]bool {
	seen := map[string]bool{}
	for _, p := range paths {
		if _, err := os.Lstat(p); err == nil {
			seen[p] = true
		}
	}
	return seen
}

// checkContained fails t if extraction wrote outside s.dest: anything in
// the sandbox beside dest and the canary, a changed canary, a new file at
// any path a member could reach outside dest, or, inside dest, anything but
// files, folders and symlinks that stay inside dest.
func (s fuzzSandbox) checkContained(t *testing.T, outside []string, before map[string]bool) {
	t.Helper()
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch p {
		case s.root, filepath.Join(s.root, "a"), filepath.Join(s.root, "a", "b"), s.canary, filepath.Join(s.canary, "secret"):
			return nil
		}
		rel, _ := filepath.Rel(s.dest, p)
		if rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
			t.Errorf("extraction wrote %s, outside dest", p)
			return nil
		}
		fi, err := os.Lstat(p)
		if err != nil {
			return err
		}
		switch mode := fi.Mode(); {
		case mode&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			if filepath.IsAbs(target) {
				t.Errorf("symlink %s -> %s: absolute", p, target)
			}
			if resolved := filepath.Join(filepath.Dir(p), target); !within(s.dest, resolved) {
				t.Errorf("symlink %s -> %s leads out of dest", p, target)
			}
			if real, err := filepath.EvalSymlinks(p); err == nil {
				if realDest, err := filepath.EvalSymlinks(s.dest); err == nil && !within(realDest, real) {
					t.Errorf("symlink %s resolves to %s, out of dest", p, real)
				}
			}
		case mode.IsDir(), mode.IsRegular():
			if mode&(fs.ModeSetuid|fs.ModeSetgid|fs.ModeSticky) != 0 {
				t.Errorf("%s has mode %s: setuid, setgid or sticky", p, mode)
			}
		default:
			t.Errorf("%s has mode %s: not a file, folder or symlink", p, mode)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if b, err := os.ReadFile(filepath.Join(s.canary, "secret")); err != nil || string(b) != "canary" {
		t.Errorf("canary changed: %q, %v", b, err)
	}
	for _, p := range outside {
		if _, err := os.Lstat(p); err == nil && !before[p] {
			t.Errorf("extraction created %s, outside dest", p)
		}
	}
}

func within(dir, p string) bool {
	rel, err := filepath.Rel(dir, p)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

// checkError fails t on an error extraction must not give for an archive
// made in memory: only refusals (unsafe entries, layout, limits),
// corruption, and the tree's refusals naming the member ("extracting
// python/a: a directory is in the way", as TestWritersSameRefusals pins
// them) are expected.
func checkError(t *testing.T, err error) {
	t.Helper()
	var ue *UnsafeEntryError
	var le *LimitError
	if err == nil || errors.As(err, &ue) || errors.As(err, &le) || errors.Is(err, ErrLayout) || errors.Is(err, ErrCorrupt) ||
		strings.HasPrefix(err.Error(), "extracting ") {
		return
	}
	t.Errorf("extraction failed with an unexpected error %T: %v", err, err)
}

// FuzzExtractMembers writes the members a spec lists as a tar.gz (or a
// zip) and extracts it: whatever the names, links, types and order,
// nothing is written outside dest, and dest holds only files, folders and
// symlinks that stay inside it.
func FuzzExtractMembers(f *testing.F) {
	for _, ms := range hostileSeeds() {
		f.Add(encodeSpec(ms), false)
		f.Add(encodeSpec(ms), true)
	}
	f.Fuzz(func(t *testing.T, spec string, asZip bool) {
		ms := decodeSpec(spec)
		s := newFuzzSandbox(t)
		outside := outsidePaths(s.dest, ms)
		before := existing(outside)
		if asZip {
			data, err := testutil.EncodeZip(ms)
			if err != nil {
				return
			}
			p := filepath.Join(s.root, "a.zip")
			if err := os.WriteFile(p, data, 0o644); err != nil {
				t.Fatal(err)
			}
			err = ExtractZip(context.Background(), p, s.dest, fuzzLimits)
			os.Remove(p)
			checkError(t, err)
		} else {
			data, err := testutil.EncodeTarGz(ms)
			if err != nil {
				return
			}
			checkError(t, Extract(context.Background(), bytes.NewReader(data), TarGz, s.dest, fuzzLimits))
		}
		s.checkContained(t, outside, before)
	})
}

// gzipFast compresses b quickly: the raw targets wrap the fuzzer's bytes.
func gzipFast(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	zw.Write(b)
	zw.Close()
	return buf.Bytes()
}

// FuzzExtractTar extracts any bytes as a tar (gzipped by the harness):
// tar headers of any content, long names, PAX records, sparse files.
// Nothing may be written outside dest.
func FuzzExtractTar(f *testing.F) {
	for _, ms := range hostileSeeds() {
		if b, err := testutil.EncodeTar(ms); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newFuzzSandbox(t)
		ms := membersOfTar(data)
		outside := outsidePaths(s.dest, ms)
		before := existing(outside)
		checkError(t, Extract(context.Background(), bytes.NewReader(gzipFast(data)), TarGz, s.dest, fuzzLimits))
		s.checkContained(t, outside, before)
	})
}

// membersOfTar lists the names and links of the headers Go's tar reader
// finds, for outsidePaths.
func membersOfTar(data []byte) []member {
	var ms []member
	tr := tar.NewReader(bytes.NewReader(data))
	for range fuzzLimits.MaxEntries + 2 {
		h, err := tr.Next()
		if err != nil {
			break
		}
		ms = append(ms, member{Name: h.Name, Link: h.Linkname})
	}
	return ms
}

// FuzzExtractZip extracts any bytes as a zip file: central directory and
// local headers of any content. Nothing may be written outside dest.
func FuzzExtractZip(f *testing.F) {
	for _, ms := range hostileSeeds() {
		if b, err := testutil.EncodeZip(ms); err == nil {
			f.Add(b)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newFuzzSandbox(t)
		p := filepath.Join(s.root, "a.zip")
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
		var ms []member
		if zr, err := zipReader(data); err == nil {
			for _, zf := range zr.File {
				ms = append(ms, member{Name: zf.Name})
			}
		}
		outside := outsidePaths(s.dest, ms)
		before := existing(outside)
		err := ExtractZip(context.Background(), p, s.dest, fuzzLimits)
		os.Remove(p)
		checkError(t, err)
		s.checkContained(t, outside, before)
	})
}

func zipReader(data []byte) (*zip.Reader, error) {
	return zip.NewReader(bytes.NewReader(data), int64(len(data)))
}

// TestExtractZipTruncatedDirectoryIsCorrupt: a zip whose central directory
// claims more members than it holds failed with "opening archive:
// unexpected EOF", which is not ErrCorrupt (found by FuzzExtractZip).
func TestExtractZipTruncatedDirectoryIsCorrupt(t *testing.T) {
	data := testutil.Zip(t, []member{file("pypy/bin/pypy3", "x", 0o755), file("pypy/lib/a", "y", 0o644)})
	eocd := bytes.LastIndex(data, []byte("PK\x05\x06"))
	if eocd < 0 {
		t.Fatal("no end of central directory record")
	}
	// Entries on this disk and in total: one more than there are.
	data[eocd+8]++
	data[eocd+10]++
	p := filepath.Join(t.TempDir(), "a.zip")
	must(t, os.WriteFile(p, data, 0o644))
	err := ExtractZip(context.Background(), p, t.TempDir(), Limits{})
	if !errors.Is(err, ErrCorrupt) {
		t.Fatalf("err = %v, want ErrCorrupt", err)
	}
}
