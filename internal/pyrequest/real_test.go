package pyrequest

import (
	"strings"
	"testing"

	"github.com/pyget/pyget/internal/catalog"
)

// TestRealCatalog checks resolution against uv's real catalog when the
// shared copy is present.
func TestRealCatalog(t *testing.T) {
	entries := realCatalog(t)
	if len(entries) < 1000 {
		t.Fatalf("real catalog has only %d entries", len(entries))
	}
	newest := func(name string, major, minor int, pre bool) (best string) {
		// Found by brute force, independently of Select.
		var bestEntry int = -1
		for i, e := range entries {
			if e.Name != name || e.Major != major || e.Minor != minor || e.OS != "linux" ||
				e.Arch.Family != "x86_64" || e.Arch.Variant != "" || e.Libc != "gnu" || e.Variant != "" ||
				(e.Prerelease != "") != pre {
				continue
			}
			if bestEntry < 0 || catalog.Compare(e, entries[bestEntry]) > 0 {
				bestEntry = i
			}
		}
		if bestEntry < 0 {
			t.Fatalf("no %s %d.%d in the real catalog", name, major, minor)
		}
		return entries[bestEntry].Key
	}
	tests := []struct {
		req       string
		wantFirst string
		check     func(t *testing.T, key string)
	}{
		{"3.13", newest("cpython", 3, 13, false), nil},
		{"3.15", newest("cpython", 3, 15, true), func(t *testing.T, key string) {
			if !strings.Contains(key, "rc") {
				t.Errorf("3.15 resolved to %s, want the release candidate", key)
			}
		}},
		{"pypy@3.11", newest("pypy", 3, 11, false), nil},
		{"3.14t", strings.Replace(newest("cpython", 3, 14, false), "-linux", "+freethreaded-linux", 1), nil},
	}
	for _, tt := range tests {
		t.Run(tt.req, func(t *testing.T) {
			r, err := Parse(tt.req)
			if err != nil {
				t.Fatal(err)
			}
			got := r.Select(entries, hostGnu)
			if len(got) == 0 {
				t.Fatalf("Select(%q) found nothing", tt.req)
			}
			if got[0].Key != tt.wantFirst {
				t.Errorf("Select(%q)[0] = %s, want %s", tt.req, got[0].Key, tt.wantFirst)
			}
			if tt.check != nil {
				tt.check(t, got[0].Key)
			}
			for i := 1; i < len(got); i++ {
				if catalog.Compare(got[i-1], got[i]) < 0 {
					t.Errorf("Select(%q) out of order at %d: %s before %s", tt.req, i, got[i-1].Key, got[i].Key)
				}
			}
		})
	}
}

func BenchmarkSelectRealCatalog(b *testing.B) {
	entries := realCatalog(b)
	for _, req := range []string{"3.13", ">=3.11,<3.14", "any", "cpython-any-any-any-any"} {
		r, err := Parse(req)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(req, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r.Select(entries, hostGnuAuto)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	for b.Loop() {
		for _, s := range []string{"3.13", ">=3.11,<3.13", "cpython-3.13.3+freethreaded-linux-x86_64_v3-musl", "pp310"} {
			if _, err := Parse(s); err != nil {
				b.Fatal(err)
			}
		}
	}
}
