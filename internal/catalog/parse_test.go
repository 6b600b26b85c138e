package catalog

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		file   string
		reason string // substring of FormatError.Reason
		entry  string
		field  string
	}{
		{file: "not-json.json", reason: "not valid JSON: line 3, column 23 (byte 63): invalid character ','"},
		{file: "html.json", reason: "not valid JSON: line 1, column 1 (byte 0): invalid character '<'"},
		{file: "truncated.json", reason: "not valid JSON: line 14, column 59 (byte 300): unexpected end of JSON input"},
		{file: "empty-file.json", reason: "not valid JSON: line 1, column 1 (byte 0): unexpected end"},
		{file: "not-object.json", reason: "not a JSON object (found array)"},
		{file: "null.json", reason: "not a JSON object (found null)"},
		{file: "empty.json", reason: "no entries"},
		{file: "all-bad.json", reason: "no usable entries (2 skipped; first: entry cpython-3.13.2-linux-x86_64-gnu: sha256: want a string, found number)"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			c, _, err := Parse(tt.file, readTestdata(t, tt.file))
			if err == nil {
				t.Fatalf("Parse succeeded with %d entries, want an error", len(c.Entries))
			}
			fe, ok := errors.AsType[*FormatError](err)
			if !ok {
				t.Fatalf("error %T %v is not a *FormatError", err, err)
			}
			if fe.Source != tt.file || fe.Entry != tt.entry || fe.Field != tt.field || !strings.Contains(fe.Reason, tt.reason) {
				t.Fatalf("got %+v\nwant Source %q Entry %q Field %q Reason containing %q", fe, tt.file, tt.entry, tt.field, tt.reason)
			}
			if !strings.HasPrefix(err.Error(), "catalog "+tt.file+": ") {
				t.Fatalf("error %q does not name its source first", err)
			}
		})
	}
}

func TestParseSkipsBadEntries(t *testing.T) {
	const src = "wrong-types.json"
	c, warnings, err := Parse(src, readTestdata(t, src))
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entries) != 1 || c.Entries[0].Key != "cpython-3.13.3-linux-x86_64-gnu" {
		t.Fatalf("entries = %v, want only the good one", keys(c.Entries))
	}
	want := []string{
		"entry cpython-3.13.2-linux-x86_64-gnu: sha256: want a string, found number",
		"entry cpython-3.13.1-linux-x86_64-gnu: arch: want an object, found string",
		"entry cpython-3.13.0-linux-x86_64-gnu: major: want an integer, found string",
		"entry cpython-3.12.9-linux-x86_64-gnu: want an object, found string",
		`entry cpython-3.12.8-linux-x86_64_v9-gnu: arch.variant: unknown level "v9"`,
		"entry cpython-3.12.7-linux-x86_64-gnu: arch.variant: want a string, found number",
		`entry jython-2.7.3-linux-x86_64-gnu: name: unknown implementation "jython" (want cpython, pypy or graalpy)`,
		`entry cpython-3.12.6-linux-x86_64-gnu: sha256: "abc" is not 64 hex digits`,
		"entry cpython-3.12.5-linux-x86_64-gnu: url: missing",
		`entry cpython-3.12.4+fast-linux-x86_64-gnu: variant: unknown variant "fast"`,
		`entry cpython-3.12.3dev1-linux-x86_64-gnu: prerelease: "dev1" is not`,
		"entry cpython-3.12.2-linux-x86_64-gnu: patch: missing",
		"entry cpython-3.12.1-linux-x86_64-gnu: minor: want an integer, found number 1.5",
	}
	if len(warnings) != len(want) {
		t.Errorf("got %d warnings, want %d:\n%s", len(warnings), len(want), strings.Join(warnings, "\n"))
	}
	for _, w := range want {
		if !slices.ContainsFunc(warnings, func(s string) bool { return strings.HasPrefix(s, "catalog "+src+": "+w) }) {
			t.Errorf("no warning %q in:\n%s", w, strings.Join(warnings, "\n"))
		}
	}
}

func TestParseValid(t *testing.T) {
	c, warnings, err := Parse("valid.json", readTestdata(t, "valid.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(warnings) != 0 {
		t.Fatalf("warnings: %v", warnings)
	}
	if c.Source != "valid.json" {
		t.Errorf("Source = %q", c.Source)
	}
	ks := keys(c.Entries)
	if !sort.StringsAreSorted(ks) || len(ks) != 6 {
		t.Fatalf("keys not 6 sorted: %v", ks)
	}
	byKey := map[string]Entry{}
	for _, e := range c.Entries {
		byKey[e.Key] = e
	}
	tests := []struct {
		key   string
		check func(Entry) bool
		what  string
	}{
		{"cpython-3.13.3-linux-x86_64-gnu", func(e Entry) bool { return e.SHA256 == strings.Repeat("0123456789abcdef", 4) }, "sha256 lowercased"},
		{"cpython-3.13.3-linux-x86_64-gnu", func(e Entry) bool {
			return e.Name == "cpython" && e.OS == "linux" && e.Libc == "gnu" && e.Arch == Arch{Family: "x86_64"} &&
				e.Version() == "3.13.3" && e.Build == "20250604" && e.Variant == "" && e.URL == "https://example.invalid/cpython-3.13.3-x86_64.tar.gz"
		}, "all fields"},
		{"cpython-3.12.1-emscripten-wasm32-musl", func(e Entry) bool { return e.SHA256 == "" }, "null sha256 is empty"},
		{"cpython-3.13.3+freethreaded-linux-x86_64_v3-musl", func(e Entry) bool {
			return e.Arch.String() == "x86_64_v3" && e.Freethreaded() && !e.Debug() && e.Libc == "musl"
		}, "level and variant"},
		{"cpython-3.14.0rc1-darwin-aarch64-none", func(e Entry) bool { return e.Version() == "3.14.0rc1" && e.Prerelease == "rc1" }, "prerelease"},
		{"cpython-3.11.9+debug-linux-aarch64-gnu", func(e Entry) bool { return e.Debug() && !e.Freethreaded() }, "debug"},
		{"pypy-3.10.14-windows-x86_64-none", func(e Entry) bool { return e.Name == "pypy" && e.Build == "" }, "pypy, no build"},
	}
	for _, tt := range tests {
		e, ok := byKey[tt.key]
		if !ok {
			t.Errorf("missing %s", tt.key)
			continue
		}
		if !tt.check(e) {
			t.Errorf("%s: %s: got %+v", tt.key, tt.what, e)
		}
	}
}

func keys(es []Entry) []string {
	var ks []string
	for _, e := range es {
		ks = append(ks, e.Key)
	}
	return ks
}

// sharedCatalog is the real uv catalog outside the repository, if present.
func sharedCatalog(tb testing.TB) string {
	p := filepath.Join("..", "..", "..", "shared", "data", "uv-download-metadata.json")
	if _, err := os.Stat(p); err != nil {
		tb.Skipf("shared catalog not available: %v", err)
	}
	return p
}

func TestParseShared(t *testing.T) {
	p := sharedCatalog(t)
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	c, warnings, err := Parse(p, data)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Entries) != 5530 || len(warnings) != 0 {
		t.Fatalf("%d entries, %d warnings (%v); want 5530, 0", len(c.Entries), len(warnings), warnings)
	}
	nulls := 0
	for _, e := range c.Entries {
		if e.SHA256 == "" {
			nulls++
		}
	}
	if nulls != 5 {
		t.Errorf("%d entries without sha256, want 5", nulls)
	}
}

func BenchmarkParseJSON(b *testing.B) {
	data, err := os.ReadFile(sharedCatalog(b))
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, _, err := Parse("bench", data); err != nil {
			b.Fatal(err)
		}
	}
}
