package archive

import (
	"archive/tar"
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/testutil"
)

func TestExtractZip(t *testing.T) {
	testutil.NeedSymlinks(t)
	zipTree := []member{
		file("bin/python3.13", "ELF", 0o755),
		symlink("bin/python3", "python3.13"),
		file("lib/python3.13/os.py", "import abc", 0o644),
	}
	want := []string{"bin d", "bin/python3 l python3.13", "bin/python3.13 f -rwxr-xr-x ELF", "lib d", "lib/python3.13 d", "lib/python3.13/os.py f -rw-r--r-- import abc"}
	tests := []struct {
		name    string
		members []member
	}{
		{"pypy", join([]member{dir("pypy3.11-v7.3.20-win64/")}, prefixed("pypy3.11-v7.3.20-win64/", zipTree))},
		{"graalpy", prefixed("graalpy-25.0.1-windows-amd64/", zipTree)},
		{"with __MACOSX", join(prefixed("python/", zipTree), []member{file("__MACOSX/._python", "junk", 0o644)})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			must(t, ExtractZip(context.Background(), makeZip(t, tt.members), s.dest, Limits{}))
			if got := listing(t, s.dest); !slices.Equal(got, want) {
				t.Errorf("tree:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			fi, err := os.Stat(filepath.Join(s.dest, "lib/python3.13/os.py"))
			if err != nil || !fi.ModTime().Equal(testTime) {
				t.Errorf("mtime not kept: %v, %v", fi, err)
			}
			s.checkOutside(t)
		})
	}
}

func TestExtractZipHostile(t *testing.T) {
	ok := file("pypy/python.exe", "MZ", 0o755)
	tests := []struct {
		name    string
		members []member
		entry   string
	}{
		{"dotdot", []member{ok, file("pypy/../../canary/evil", "x", 0o644)}, "pypy/../../canary/evil"},
		{"backslash dotdot", []member{ok, file(`pypy\..\..\canary\evil`, "x", 0o644)}, `pypy\..\..\canary\evil`},
		{"absolute", []member{ok, file("/tmp/evil", "x", 0o644)}, "/tmp/evil"},
		{"symlink escape", []member{ok, symlink("pypy/lib", "../../canary"), file("pypy/lib/secret", "x", 0o644)}, "pypy/lib"},
		{"absolute symlink", []member{ok, symlink("pypy/lib", "/etc")}, "pypy/lib"},
		{"fifo", []member{ok, special("pypy/fifo", tar.TypeFifo)}, "pypy/fifo"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			err := ExtractZip(context.Background(), makeZip(t, tt.members), s.dest, Limits{})
			var ue *UnsafeEntryError
			if !errors.As(err, &ue) || ue.Entry != tt.entry {
				t.Fatalf("err = %v, want *UnsafeEntryError naming %q", err, tt.entry)
			}
			s.checkOutside(t)
		})
	}
}

func TestExtractZipErrors(t *testing.T) {
	ms := []member{file("pypy/a", strings.Repeat("a", 600), 0o644), file("pypy/b", strings.Repeat("b", 600), 0o644)}
	notZip := filepath.Join(t.TempDir(), "page.zip")
	must(t, os.WriteFile(notZip, []byte("<html>not found</html>"), 0o644))
	good := makeZip(t, ms)
	raw, err := os.ReadFile(good)
	must(t, err)
	// Corrupt the first member's compressed data: the central directory
	// still reads, the member's checksum fails.
	dataAt := 30 + int(raw[26]) + int(raw[27])<<8 + int(raw[28]) + int(raw[29])<<8
	raw[dataAt+2] ^= 0xff
	damaged := filepath.Join(t.TempDir(), "damaged.zip")
	must(t, os.WriteFile(damaged, raw, 0o644))

	tests := []struct {
		name  string
		path  string
		lim   Limits
		check func(error) bool
	}{
		{"not a zip", notZip, Limits{}, func(err error) bool { return errors.Is(err, ErrCorrupt) && strings.Contains(err.Error(), "not a zip") }},
		{"damaged member", damaged, Limits{}, func(err error) bool { return errors.Is(err, ErrCorrupt) && strings.Contains(err.Error(), "pypy/a") }},
		{"missing file", filepath.Join(t.TempDir(), "nope.zip"), Limits{}, func(err error) bool { return errors.Is(err, os.ErrNotExist) }},
		{"bytes limit", good, Limits{MaxBytes: 1000}, func(err error) bool { var le *LimitError; return errors.As(err, &le) && le.What == "bytes" }},
		{"entries limit", good, Limits{MaxEntries: 1}, func(err error) bool { var le *LimitError; return errors.As(err, &le) && le.What == "entries" }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newSandbox(t)
			err := ExtractZip(context.Background(), tt.path, s.dest, tt.lim)
			if !tt.check(err) {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.name == "bytes limit" || tt.name == "entries limit" {
				if entries, _ := os.ReadDir(s.dest); len(entries) != 0 {
					t.Errorf("limit checked after writing %d entries", len(entries))
				}
			}
		})
	}
	t.Run("canceled", func(t *testing.T) {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		if err := ExtractZip(ctx, good, t.TempDir(), Limits{}); !errors.Is(err, context.Canceled) {
			t.Fatalf("err = %v", err)
		}
	})
}
