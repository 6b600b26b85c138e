package pyrequest

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
	"github.com/pyget/pyget/internal/platform"
)

// requestSeeds are requests the tests use, valid and not: the forms of
// TestForms, the accessors', and refused ones.
var requestSeeds = []string{
	"3", "  3  ", "3.12", "312", " 3.12\n", "3.12.3", "3.14", "3.13.0rc1", "3.13rc1", "3.13RC1", "313rc1",
	">=3.11,<3.13", ">= 3.11 , < 3.13", "==3.12.*", "!=3.12.*", "~=3.12.1", "~=3.12", "!=3.12.1", ">3.12",
	"<=3.12", "<3.13.0rc1", "==3.13", "==313", "===3.13.0", "v3.12", "3.012", "0!3.12", "python 3.12",
	"3.13c1", "3.13.0-rc.1", "3.13.0_rc1", "3.13.0preview1", "3.13.0beta2", "3.13a", "3.13rc", "3.13.0a0",
	"1!3.12.post1.dev0+local.7", "3.12+abc", "cpython", "cp", "any", "default", "ANY", "any-any-any-any-any",
	"python3.12", "python@3.12", "python@>=3.11,<3.13", "python3.13t", "pypy", "pp", "graalpy", "gp",
	"cpython@3.12", "cp312", "cp3.12", "cpython@>=3.13.1", "pypy@3.10", "pp310", "gp310", "pyodide", "pyodide@3.13",
	"3.13t", "3.13+freethreaded", "313t", "3.13d", "3.13+debug", "3.13+gil+debug", "3.13td", "3.13+td",
	"3.13+freethreaded+debug", "3.13+gil", "3.13gil", "3.13+", "3.13+t", ">=3.13t",
	"cpython-3.12.4-linux-x86_64-gnu", "CPYTHON-3.12.4-LINUX-X86_64-GNU", "cpython-3.12.4-linux-amd64-gnu",
	"cpython-3.13.3+freethreaded-linux-x86_64_v3-musl", "cpython-3.13.3t-linux-x86_64_v3-musl", "pypy-linux",
	"cpython-3.13-linux-aarch64", "3.13-linux-arm64", "cpython-any-linux-any-gnu", "3.13-musl",
	"cpython-3.13-darwin-aarch64", "cpython-3.12-macos-arm64", "any-3.11-any-x86_64-any", "3.13-freebsd",
	"3.13-linux-musleabihf", "cpython-3.13-linux-x86_64_v3", "pyodide-3.13-emscripten-wasm32-musl",
	"", "@3.12", "python@", "python@latest", "3.13x", "cpython-3.13-linux-x86_64-gnu-extra", ">=", "3..12",
	"99999999999999999999999", "3.12.*", "==3.12.*t", "~=3", "cpython-3.12-windows-x86-none",
}

// FuzzParse checks Parse on any text: no panic; a request that parses is
// spelled back (String) into an equal request, its key names itself, its
// error names the request; and it resolves without panic against the
// catalog built into pyget on several platforms.
func FuzzParse(f *testing.F) {
	for _, s := range requestSeeds {
		f.Add(s)
	}
	// Every key of the test catalog, as a user may copy one.
	for _, e := range fixture(f) {
		f.Add(e.Key)
	}
	entries := embeddedEntries(f)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := Parse(s)
		if err != nil {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.Reason == "" || pe.Request != strings.TrimSpace(s) {
				t.Fatalf("Parse(%q) error %#v (%v): want a *ParseError naming the request with a reason", s, err, err)
			}
			return
		}
		again, err := Parse(r.String())
		if err != nil {
			t.Fatalf("Parse(%q) ok, but its String %q does not parse: %v", s, r.String(), err)
		}
		if !sameRequest(again, r) {
			t.Fatalf("Parse(%q) = %+v, Parse of its String = %+v", s, r, again)
		}
		if key, ok := r.Key(); ok {
			k, err := Parse(key)
			if err != nil {
				t.Fatalf("Parse(%q): its key %q does not parse: %v", s, key, err)
			}
			if key2, ok := k.Key(); !ok || key2 != key {
				t.Fatalf("Parse(%q): key %q parses to key %q (%v)", s, key, key2, ok)
			}
		}
		for _, p := range fuzzPlatforms {
			got := r.Select(entries, p)
			for _, e := range got {
				if !r.Matches(e, p) {
					t.Fatalf("%q on %v: Select returned %s, which it does not match", s, p, e.Key)
				}
			}
			if p != nil {
				_ = r.Target(*p)
				keep := Filter(&r, *p, ThisPlatform)
				_ = FilterEntries(entries[:min(len(entries), 200)], keep)
			}
		}
	})
}

// sameRequest compares requests field by field, the specifier list by
// value (Request holds it behind a pointer).
func sameRequest(a, b Request) bool {
	as, bs := a.ver.specs, b.ver.specs
	a.ver.specs, b.ver.specs = nil, nil
	if a != b || (as == nil) != (bs == nil) {
		return false
	}
	return as == nil || reflect.DeepEqual(*as, *bs)
}

var fuzzPlatforms = []*platform.Platform{
	nil,
	{OS: "linux", Arch: "x86_64", Libc: "gnu"},
	{OS: "linux", Arch: "x86_64", Libc: "musl", Level: "v3", AutoLevel: true},
	{OS: "linux", Arch: "aarch64", Libc: "gnu"},
	{OS: "darwin", Arch: "aarch64", Libc: "none"},
	{OS: "windows", Arch: "x86_64", Libc: "none", Level: "v4"},
}

var (
	embeddedOnce sync.Once
	embedded     []catalog.Entry
	embeddedErr  error
)

// embeddedEntries is the catalog built into pyget, loaded once per process.
func embeddedEntries(tb testing.TB) []catalog.Entry {
	tb.Helper()
	embeddedOnce.Do(func() {
		l := &catalog.Loader{Offline: true}
		c, err := l.Load(context.Background())
		if err != nil {
			embeddedErr = err
			return
		}
		embedded = c.Entries
	})
	if embeddedErr != nil {
		tb.Fatalf("loading the built-in catalog: %v", embeddedErr)
	}
	return embedded
}

// FuzzParsePin checks ParsePin against a plain reading of the lines: every
// non-blank line that is no comment is a request, trimmed, in order.
func FuzzParsePin(f *testing.F) {
	for _, s := range []string{
		"", "3.13", "# only a comment\n\n", "3.13\n# 3.12\n  pypy@3.10 ", "  3.14t  \r\n",
		"# comment\n3.13\n\npypy@3.10\n", "3.12\r\n3.11\r\n", "\n\n\t\n", "3.12\r3.11", "#\n#x\n  # y\n3.12",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		got := ParsePin(text)
		var want []string
		for _, line := range strings.Split(text, "\n") {
			line = strings.TrimSpace(line)
			if line != "" && !strings.HasPrefix(line, "#") {
				want = append(want, line)
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("ParsePin(%q) = %q, want %q", text, got, want)
		}
		// A file written from what was read reads the same.
		if again := ParsePin(strings.Join(got, "\n") + "\n"); !slices.Equal(again, got) {
			t.Fatalf("ParsePin of its own requests %q = %q", got, again)
		}
		for _, req := range got {
			_, _ = Parse(req)
		}
	})
}

// TestReadPinFromDisk runs ReadPin over the FuzzParsePin seeds written as
// files, so that the file path agrees with the text path.
func TestReadPinFromDisk(t *testing.T) {
	dir := t.TempDir()
	for i, text := range []string{"3.13\n", "# c\n\n pypy@3.10 \r\n3.12"} {
		p := filepath.Join(dir, PinFile+string(rune('a'+i)))
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		got, found, err := ReadPin(p)
		if err != nil || !found || !slices.Equal(got, ParsePin(text)) {
			t.Fatalf("ReadPin(%q) = %q, %v, %v", text, got, found, err)
		}
	}
}

// TestParsePinLongLine: a line past bufio.Scanner's 64 KiB limit stopped
// the reading there, silently dropping it and every request after it. The
// long line is now read like any other (and fails to parse as a request,
// naming the file, where it is used).
func TestParsePinLongLine(t *testing.T) {
	long := strings.Repeat("3", 70_000)
	got := ParsePin("3.12\n" + long + "\n3.13\n")
	if want := []string{"3.12", long, "3.13"}; !slices.Equal(got, want) {
		t.Fatalf("ParsePin with a %d-byte line: %d requests, want 3", len(long), len(got))
	}
	if _, err := Parse(long); err == nil {
		t.Fatal("a 70,000-digit request parsed")
	}
}

// FuzzPEP440 checks the version parser's normal form: a version that
// parses prints (String, as uv displays it) to text that parses to the
// same version, prints the same, and compares equal.
func FuzzPEP440(f *testing.F) {
	for _, s := range []string{
		"3", "3.12", "3.12.4", "v3.12", "3.012", "0!3.12", "1!3.12.post1.dev0+local.7", "3.13c1", "3.13.0-rc.1",
		"3.13.0_rc1", "3.13.0preview1", "3.13.0beta2", "3.13rc", "3.12-1", "3.12.rev2", "3.12r", "3.12+ABC.007",
		"3.12+99999999999999999999", " 3.12 ", "3.12.*", "18446744073709551615", "3.12+", "3.12.dev", "3.12alpha_3.post-4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, wildcard, why := parsePEP440(s, true)
		if why != "" || wildcard {
			return
		}
		printed := v.String()
		again, wildcard, why := parsePEP440(printed, false)
		if why != "" || wildcard {
			t.Fatalf("%q parses, but its normal form %q does not: %s", s, printed, why)
		}
		if again.String() != printed {
			t.Fatalf("%q prints as %q, which prints as %q", s, printed, again.String())
		}
		if !reflect.DeepEqual(again, v) || comparePEP440(&again, &v) != 0 {
			t.Fatalf("%q = %+v; its normal form %q = %+v", s, v, printed, again)
		}
	})
}
