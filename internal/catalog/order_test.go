package catalog

import (
	"cmp"
	"testing"
)

func TestCompare(t *testing.T) {
	ent := func(major, minor, patch int, pre, build string) Entry {
		return Entry{Major: major, Minor: minor, Patch: patch, Prerelease: pre, Build: build}
	}
	// Each entry is older than the next.
	ascending := []Entry{
		ent(3, 9, 20, "", "20250101"),
		ent(3, 10, 0, "", "20250101"),
		ent(3, 13, 0, "dev1", "20250101"), // unknown to the catalog: below alpha
		ent(3, 13, 0, "dev2", "20250101"),
		ent(3, 13, 0, "a1", "20250101"),
		ent(3, 13, 0, "a2", "20250101"),
		ent(3, 13, 0, "a10", "20250101"),
		ent(3, 13, 0, "b1", "20250101"),
		ent(3, 13, 0, "rc1", "20250101"),
		ent(3, 13, 0, "rc2", "20250101"),
		ent(3, 13, 0, "", ""),
		ent(3, 13, 0, "", "9"),
		ent(3, 13, 0, "", "10"), // numerically, not as strings
		ent(3, 13, 0, "", "20251014"),
		ent(3, 13, 0, "", "20260610"),
		ent(3, 13, 0, "", "20260610.1"),
		ent(3, 13, 1, "", "20240101"),
	}
	for i := range ascending {
		for j := range ascending {
			want := cmp.Compare(i, j)
			if got := Compare(ascending[i], ascending[j]); got != want {
				t.Errorf("Compare(%s+%s, %s+%s) = %d, want %d", ascending[i].Version(), ascending[i].Build,
					ascending[j].Version(), ascending[j].Build, got, want)
			}
		}
	}
}

func TestCompareIgnoresPlatformAndKey(t *testing.T) {
	a := Entry{Key: "a", Major: 3, Minor: 13, Patch: 1, Build: "1", OS: "linux", Arch: Arch{Family: "x86_64", Variant: "v3"}}
	b := Entry{Key: "b", Major: 3, Minor: 13, Patch: 1, Build: "1", OS: "darwin", Arch: Arch{Family: "aarch64"}}
	if got := Compare(a, b); got != 0 {
		t.Fatalf("Compare = %d, want 0: callers break ties (Select by x86-64 level)", got)
	}
}

func TestCompareBuild(t *testing.T) {
	tests := []struct {
		a, b string
		want int
	}{
		{"20260610", "20251014", 1},
		{"10", "9", 1},
		{"7.3.9", "7.3.19", -1},
		{"7.3.19", "7.3.19", 0},
		{"24.2.1", "24.10.0", -1},
		{"0020", "19", 1},
		{"314.0.5", "25.0.1", 1},
		{"", "1", -1},
		{"7.3", "7.3.1", -1},
		{"123456789012345678901234567890", "123456789012345678901234567889", 1},
	}
	for _, tt := range tests {
		if got := CompareBuild(tt.a, tt.b); got != tt.want {
			t.Errorf("CompareBuild(%q, %q) = %d, want %d", tt.a, tt.b, got, tt.want)
		}
		if got := CompareBuild(tt.b, tt.a); got != -tt.want {
			t.Errorf("CompareBuild(%q, %q) = %d, want %d", tt.b, tt.a, got, -tt.want)
		}
	}
}

func TestParsePrerelease(t *testing.T) {
	tests := []struct {
		in   string
		kind PreKind
		n    int
	}{
		{"", PreFinal, 0},
		{"a1", PreAlpha, 1},
		{"b12", PreBeta, 12},
		{"rc3", PreRC, 3},
		{"dev1", PreUnknown, 0},
		{"a", PreUnknown, 0},
		{"a+1", PreUnknown, 0},
		{"rc", PreUnknown, 0},
		{"a99999999999999999999", PreUnknown, 0},
	}
	for _, tt := range tests {
		if kind, n := ParsePrerelease(tt.in); kind != tt.kind || n != tt.n {
			t.Errorf("ParsePrerelease(%q) = %d, %d; want %d, %d", tt.in, kind, n, tt.kind, tt.n)
		}
	}
}
